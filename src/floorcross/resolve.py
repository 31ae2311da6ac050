"""Resolution across articles: which mentions are one person, which reports are one change.

Extraction works one article at a time; this module joins its output across articles. The
resolver is a *fold*: mentions are added in a fixed order (article id, then event index) and
each is matched against the people and changes built from the mentions before it. Because the
order is fixed and nothing depends on how the mentions are cut into batches, adding articles a
batch at a time ends in exactly the state of adding them all at once, which is what makes an
interrupted ingest, restarted, end identical to an uninterrupted one, and ``--reextract``
rebuild what an ingest built.

Rules (see ``docs/ingest.md``):

* names match when the surnames agree and one name's words are all in the other ("Aslam Khan"
  and "Mohammed Aslam Khan"; initials count: "D Whitlock"), or when the names are near
  spellings of each other (rapidfuzz);
* councils must agree when both mentions give one; a mention without a council joins a person
  only when exactly one person fits, so two John Smiths on different councils never merge;
* one person's reports are one change when kind, from and to agree (a missing party fits any)
  and the dates are compatible: equal, one missing, or within ``DATE_WINDOW_DAYS``.

Every person and change gets a readable key when first created (``luton/dana-whitlock``,
``luton/dana-whitlock/2023-09-defection``); corrections refer to these keys.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from floorcross.normalise.councils import Council, Gazetteer, gazetteer, normalise_name
from floorcross.normalise.names import fold, name_tokens, strip_titles
from floorcross.records import ArticleRecord, Event

DATE_WINDOW_DAYS = 45
# rapidfuzz scores (0-100) above which two spellings are one name.
FUZZY_SAME_SURNAME = 90
FUZZY_ANY = 95
# Offices that are held on a council, and so identify a person together with the council.
LOCAL_OFFICES = frozenset({"councillor", "mayor", "candidate", "other"})
CHANGE_FIELDS: tuple[str, ...] = (
    "kind", "from_party", "to_party", "council", "council_gss", "ward", "office", "role", "date",
)


# ------------------------------------------------------------------------------ small helpers


def slug(text: str) -> str:
    """A URL-safe lower-case slug: "Dana Whitlock" -> "dana-whitlock"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


def date_range(value: str | None) -> tuple[date, date] | None:
    """The first and last day a ``YYYY[-MM[-DD]]`` date can mean, or None when unparseable."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not m:
        return None
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if day:
            d = date(year, int(month), int(day))
            return d, d
        if month:
            last = calendar.monthrange(year, int(month))[1]
            return date(year, int(month), 1), date(year, int(month), last)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def dates_compatible(a: str | None, b: str | None, window: int = DATE_WINDOW_DAYS) -> bool:
    """Whether two reported dates can be one event: one missing, overlapping, or close."""
    ra, rb = date_range(a), date_range(b)
    if ra is None or rb is None:
        return True
    gap = max((rb[0] - ra[1]).days, (ra[0] - rb[1]).days, 0)
    return gap <= window


def precision(value: str | None) -> int:
    """3 for a day, 2 for a month, 1 for a year, 0 for none."""
    return 0 if not value else value.count("-") + 1


@lru_cache(maxsize=65536)
def _tokens(name: str) -> tuple[str, ...]:
    return name_tokens(name)


def name_score(a: str, b: str) -> int:
    """How well two names across articles fit one person: 3 equal, 2 subset, 1 near, 0 not."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0
    if ta == tb:
        return 3 if len(ta) >= 2 else 1
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if short[-1] == long_[-1]:
        if len(short) >= 2 and all(_token_in(t, long_[:-1]) for t in short[:-1]):
            return 2
        if len(short) >= 2 and fuzz.token_set_ratio(" ".join(ta), " ".join(tb)) >= FUZZY_SAME_SURNAME:
            return 1
        return 0
    if len(short) >= 2 and fuzz.ratio(" ".join(ta), " ".join(tb)) >= FUZZY_ANY:
        return 1
    return 0


def _token_in(token: str, others: tuple[str, ...]) -> bool:
    if token in others:
        return True
    return len(token) == 1 and any(o.startswith(token) for o in others)


def fullest_name(names: Iterable[str]) -> str:
    """The fullest form among names: most words, then longest, then first seen."""
    listed = list(dict.fromkeys(names))
    return max(listed, key=lambda n: (len(n.split()), len(n), -listed.index(n)))


def offices_compatible(a: str | None, b: str | None) -> bool:
    """Whether two offices can be held by one person named in two articles."""
    if not a or not b or a == b:
        return True
    return a in LOCAL_OFFICES and b in LOCAL_OFFICES


# ------------------------------------------------------------------------------ mentions


@dataclass(frozen=True)
class Mention:
    """One event of one article, with its council resolved: the unit of resolution."""

    extraction_id: int
    article_id: int
    event_index: int
    content_hash: str
    published: str | None
    event: Event
    name: str
    council: str | None
    council_gss: str | None
    ward: str | None

    @property
    def ref(self) -> tuple[int, int]:
        """Identifies the mention within the store: (extraction id, event index)."""
        return self.extraction_id, self.event_index

    @property
    def order(self) -> tuple[int, int]:
        """Processing order: article id, then position in the article."""
        return self.article_id, self.event_index

    @property
    def is_new(self) -> bool:
        return self.event.status == "new"


def named_predecessor(council: Council, on: str, text: str, gaz: Gazetteer) -> Council | None:
    """The one council before ``council`` on its ground that existed on ``on`` and that
    ``text`` names (an article of 2018 about "Waveney District Council", which the extractor
    gives as East Suffolk Council, its successor); None when not exactly one."""
    found = []
    todo = list(gaz.predecessors_of(council))
    while todo:
        item = todo.pop()
        todo.extend(gaz.predecessors_of(item))
        if not gaz.existed_on(item, on):
            continue
        names = {item.official_name, item.nice_name, *item.alt_names}
        if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text, re.IGNORECASE)
               for n in names if len(n) > 3):
            found.append(item)
    return found[0] if len(found) == 1 else None


def resolve_council(council: str | None, ward: str | None, office: str | None,
                    gaz: Gazetteer, on: str | None = None, text: str | None = None
                    ) -> tuple[str | None, str | None, str | None]:
    """(official council name, GSS code, ward) for what an article gave.

    A council the gazetteer knows becomes the official name and code of the council that
    existed on ``on`` (the change's date, else the article's: Waveney District Council in
    2018 stays Waveney, in 2020 it is East Suffolk Council; see
    :meth:`Gazetteer.council_on`); a council that did not yet exist then becomes the one
    predecessor that existed then and that the article's ``text`` names
    (:func:`named_predecessor`). Without a date, or when that is not one council, it becomes
    the current council. A council it does not know is kept as written, without a
    code. A councillor with a ward but no council gets the council when exactly one council
    has a ward of that name.
    """
    found = None
    if council:
        found = gaz.council_by_name(council)
    elif ward and (office or "councillor") in LOCAL_OFFICES:
        matches = gaz.councils_for_ward(ward)
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        return council, None, ward
    dated = gaz.council_on(found, on) if on and council else None
    if dated is None and on and council and text:
        dated = named_predecessor(found, on, text, gaz)
    found = dated or gaz.current(found)
    if ward:
        ward = gaz.ward_name(ward, found) or ward
    return found.official_name, found.gss, ward


def mentions_from_record(extraction_id: int, article_id: int, content_hash: str,
                         published: str | None, record: ArticleRecord,
                         gaz: Gazetteer | None = None, text: str | None = None) -> list[Mention]:
    """The mentions in one article's record, in event order (``text``, the article's, lets
    a change be placed on a former council it names: :func:`resolve_council`)."""
    gaz = gaz or gazetteer()
    out: list[Mention] = []
    for index, event in enumerate(record.events):
        name = strip_titles(event.person) or event.person
        council, gss, ward = resolve_council(event.council, event.ward, event.office, gaz,
                                             on=event.date or published or record.published,
                                             text=text)
        out.append(Mention(extraction_id, article_id, index, content_hash,
                           published or record.published, event, name, council, gss, ward))
    return out


# ------------------------------------------------------------------------------ resolved state


@dataclass
class ResolvedChange:
    """A change and the mentions that report it; fields are derived from the mentions."""

    key: str
    person_key: str
    kind: str
    mentions: list[Mention] = field(default_factory=list)
    review: str = "unreviewed"
    overrides: dict[str, Any] = field(default_factory=dict)

    def ranked(self) -> list[Mention]:
        """Mentions in the order their facts are trusted: the news first, then background."""
        return sorted(self.mentions, key=lambda m: (not m.is_new, m.order))

    def value(self, name: str) -> Any:
        """A field's value: a person's correction, else the first mention that gives one."""
        if name in self.overrides:
            return self.overrides[name]
        if name == "kind":
            return self.kind
        if name == "date":
            return self.derived_date()
        for m in self.ranked():
            got = _mention_field(m, name)
            if got:
                return got
        return None

    def derived_date(self) -> str | None:
        """The most precise date any report gives (the news first when equally precise)."""
        best: str | None = None
        for m in self.ranked():
            if precision(m.event.date) > precision(best):
                best = m.event.date
        return best

    def reported(self) -> str | None:
        """Publication date of the first article reporting the change."""
        dates = [m.published for m in self.mentions if m.published]
        return min(dates) if dates else None


def _mention_field(m: Mention, name: str) -> Any:
    if name in ("council", "council_gss", "ward"):
        return getattr(m, name)
    return getattr(m.event, name)


@dataclass
class ResolvedPerson:
    """A person; name, council and ward are derived from the mentions of their changes."""

    key: str
    mentions: list[Mention] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        """Every form of the name, in order of first appearance (mentions are kept in order)."""
        return list(dict.fromkeys(m.name for m in self.mentions))

    @property
    def name(self) -> str:
        return fullest_name(self.names)

    def first(self, attr: str) -> Any:
        """The first value any mention gives for ``attr`` (council, ward, office...)."""
        for m in self.mentions:
            value = _mention_field(m, attr)
            if value:
                return value
        return None


@dataclass
class Resolution:
    """People and changes, keyed, in creation order; ``aliases`` maps merged-away keys."""

    people: dict[str, ResolvedPerson]
    changes: dict[str, ResolvedChange]
    aliases: dict[str, str] = field(default_factory=dict)

    def changes_of(self, person_key: str) -> list[ResolvedChange]:
        return [c for c in self.changes.values() if c.person_key == person_key]

    def refresh_people(self) -> None:
        """Recompute each person's mentions from their changes; drop people with none."""
        by_person: dict[str, list[Mention]] = defaultdict(list)
        for change in self.changes.values():
            by_person[change.person_key].extend(change.mentions)
        for key in list(self.people):
            if by_person.get(key):
                self.people[key].mentions = sorted(by_person[key], key=lambda m: m.order)
            else:
                del self.people[key]


# ------------------------------------------------------------------------------ the fold


class Resolver:
    """Builds people and changes from mentions added in processing order."""

    def __init__(self, gaz: Gazetteer | None = None) -> None:
        self.gaz = gaz or gazetteer()
        self.people: dict[str, ResolvedPerson] = {}
        self.changes: dict[str, ResolvedChange] = {}
        self._person_changes: dict[str, list[str]] = defaultdict(list)
        self._by_surname: dict[str, list[str]] = defaultdict(list)
        self._surnames: list[str] = []
        self._names: dict[str, list[str]] = {}
        self._rank: dict[str, int] = {}
        self._taken: set[str] = set()
        self.last_order: tuple[int, int] = (0, -1)

    def add(self, mentions: Iterable[Mention]) -> None:
        """Resolve mentions, which must come after every mention added before."""
        for m in sorted(mentions, key=lambda m: m.order):
            if m.order <= self.last_order:
                raise ValueError(f"mention {m.order} added out of order (after {self.last_order})")
            self.last_order = m.order
            person = self._person_for(m)
            person.mentions.append(m)
            self._change_for(person, m).mentions.append(m)

    def snapshot(self) -> Resolution:
        """A copy of the current state that corrections can rearrange freely."""
        people = {k: ResolvedPerson(k, list(p.mentions)) for k, p in self.people.items()}
        changes = {
            k: ResolvedChange(k, c.person_key, c.kind, list(c.mentions))
            for k, c in self.changes.items()
        }
        return Resolution(people, changes)

    # ---------------------------------------------------------------- people

    def _person_for(self, m: Mention) -> ResolvedPerson:
        tokens = _tokens(m.name)
        surname = tokens[-1] if tokens else fold(m.name)
        scored: list[tuple[int, ResolvedPerson]] = []
        for key in self._candidates(surname, tokens):
            person = self.people[key]
            if m.council and self._same_council(m, person) is False:
                continue
            score = max(name_score(m.name, n) for n in self._names[key])
            if score:
                scored.append((score, person))
        chosen = self._choose_person(m, scored)
        if chosen is not None:
            if m.name not in self._names[chosen.key]:
                self._names[chosen.key].append(m.name)
            return chosen
        key = self._new_key(f"{self._prefix(m)}/{slug(m.name)}")
        person = ResolvedPerson(key)
        self.people[key] = person
        self._names[key] = [m.name]
        self._rank[key] = len(self._rank)
        if surname not in self._by_surname:
            self._surnames.append(surname)
        self._by_surname[surname].append(key)
        return person

    def _candidates(self, surname: str, tokens: tuple[str, ...]) -> list[str]:
        keys = list(self._by_surname.get(surname, ()))
        if len(tokens) >= 2:  # near spellings of the surname ("Whitlok")
            near = process.extract(surname, self._surnames, scorer=fuzz.ratio,
                                   score_cutoff=80, limit=None)
            for other, _, _ in near:
                if other != surname:
                    keys.extend(self._by_surname[other])
        return sorted(set(keys), key=self._rank.__getitem__)

    def _choose_person(self, m: Mention, scored: list[tuple[int, ResolvedPerson]]
                       ) -> ResolvedPerson | None:
        if m.council:
            same = [(s, p) for s, p in scored if self._same_council(m, p) is True]
            if same:
                best = max(s for s, _ in same)
                top = [p for s, p in same if s == best]
                return top[0] if len(top) == 1 else None
            loose = [p for _, p in scored if self._same_council(m, p) is None
                     and offices_compatible(m.event.office, p.first("office"))]
            return loose[0] if len(loose) == 1 else None
        fits = [p for _, p in scored if offices_compatible(m.event.office, p.first("office"))]
        return fits[0] if len(fits) == 1 else None

    def _same_council(self, m: Mention, p: ResolvedPerson) -> bool | None:
        """True/False when both give a council; None when the person has none yet."""
        gss, council = p.first("council_gss"), p.first("council")
        if council is None:
            return None
        if m.council_gss and gss:
            return m.council_gss == gss
        return normalise_name(m.council or "") == normalise_name(council)

    def _prefix(self, m: Mention) -> str:
        if m.council_gss:
            council = self.gaz.council_by_gss(m.council_gss)
            return slug(council.nice_name if council else m.council or "")
        if m.council:
            return slug(m.council)
        return slug(m.event.office or "councillor")

    def _new_key(self, base: str) -> str:
        key, n = base, 1
        while key in self._taken:
            n += 1
            key = f"{base}-{n}"
        self._taken.add(key)
        return key

    # ---------------------------------------------------------------- changes

    def _change_for(self, person: ResolvedPerson, m: Mention) -> ResolvedChange:
        best: tuple[tuple[int, ...], ResolvedChange] | None = None
        for key in self._person_changes[person.key]:
            change = self.changes[key]
            score = change_fit(change, m)
            if score is not None and (best is None or score > best[0]):
                best = (score, change)
        if best is not None:
            return best[1]
        date_part = m.event.date or "undated"
        key = self._new_key(f"{person.key}/{date_part}-{m.event.kind}")
        change = ResolvedChange(key, person.key, m.event.kind)
        self.changes[key] = change
        self._person_changes[person.key].append(key)
        return change


def change_fit(change: ResolvedChange, m: Mention) -> tuple[int, ...] | None:
    """How well a mention fits an existing change (higher is better), or None if it cannot.

    A change never takes two events of one article: the extractor reports each change once
    per article, so two events there are two changes.
    """
    if change.kind != m.event.kind:
        return None
    if any(x.extraction_id == m.extraction_id for x in change.mentions):
        return None
    exact = 0
    for attr in ("from_party", "to_party"):
        mine, theirs = getattr(m.event, attr), change.value(attr)
        if mine and theirs and mine != theirs:
            return None
        exact += bool(mine and mine == theirs)
    ours = change.value("date")
    if not dates_compatible(ours, m.event.date):
        return None
    start = date_range(ours)
    published = date_range(m.published)
    if start and published and start[0] > published[1] + timedelta(days=1):
        return None  # an article cannot report a change from after it was published
    same_date = int(bool(ours and m.event.date and ours == m.event.date))
    return exact, same_date


def describe_date(value: str | None) -> tuple[str | None, str | None]:
    """ISO first and last day of a ``YYYY[-MM[-DD]]`` date (for sorting and filtering)."""
    rng = date_range(value)
    return (rng[0].isoformat(), rng[1].isoformat()) if rng else (None, None)
