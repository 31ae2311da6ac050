"""Turn raw statements of changes into the final events of an article.

Mentions of one change are merged; each person's changes are put in order so that a change
with no "from" party starts where the previous one ended; what is the article's news is
``new`` and what it recalls is ``background``; dates, office, council, ward and role are filled
in; evidence is the sentences that state the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from floorcross.extract.attributes import (
    CouncilMention,
    council_of,
    council_then,
    office_of,
    party_of,
    role_of,
)
from floorcross.extract.context import PARTY_CHAR, ArticleContext
from floorcross.extract.events import Completion, RawEvent, acting_party
from floorcross.extract.segment import Sentence
from floorcross.extract.wards import ward_of
from floorcross.normalise.dates import date_precision
from floorcross.records import Event, Evidence

_P = re.escape(PARTY_CHAR)
_KIND_ORDER = {"suspension": 0, "expulsion": 1, "defection": 2, "readmission": 3}


@dataclass
class Change:
    """Merged statements of one change of one person."""

    kind: str
    person: int
    from_party: str | None
    to_party: str | None
    raws: list[RawEvent] = field(default_factory=list)
    date: str | None = None
    background: bool = False

    @property
    def explicit_from(self) -> bool:
        return any(r.explicit_from for r in self.raws)

    @property
    def explicit_to(self) -> bool:
        return any(r.explicit_to for r in self.raws)

    @property
    def order(self) -> int:
        return min(r.order for r in self.raws)

    @property
    def sentences(self) -> list[Sentence]:
        seen: dict[int, Sentence] = {}
        for r in self.raws:
            for s in r.sentences:
                seen.setdefault(s.index, s)
        return [seen[i] for i in sorted(seen)]


def _is_old(value: str | None, published: str | None, explicit_year: bool) -> bool:
    """Whether a date is clearly before the article's news (over a month before publication)."""
    if value is None:
        return False
    if published is None:
        return explicit_year
    pub = date.fromisoformat(published)
    precision = date_precision(value)
    year = int(value[:4])
    if precision == 1:
        return year < pub.year
    month = int(value[5:7])
    months_back = (pub.year - year) * 12 + (pub.month - month)
    if precision == 2:
        return months_back >= 2
    day = date.fromisoformat(value)
    return (pub - day).days > 45


def _provisional_background(raw: RawEvent, published: str | None) -> bool:
    if raw.background_cue:
        return True
    if raw.date is None:
        return False
    return _is_old(raw.date.value, published, raw.date.explicit_year)


def _compatible(change: Change, raw: RawEvent, published: str | None) -> bool:
    if change.kind != raw.kind or change.person != raw.person:
        return False
    # A party read from "the party" is a guess: it never keeps two statements apart on its own.
    if change.from_party and raw.from_party and change.from_party != raw.from_party \
            and raw.explicit_from and change.explicit_from:
        return False
    if change.to_party and raw.to_party and change.to_party != raw.to_party \
            and raw.explicit_to and change.explicit_to:
        return False
    if change.from_party is None and raw.from_party is None and change.to_party != raw.to_party \
            and change.to_party and raw.to_party and raw.explicit_to and change.explicit_to:
        return False
    if raw.kind == "defection" and any(r.sentences[0] is raw.sentences[0] and r.relative != raw.relative
                                       and _timed(r if r.relative else raw)
                                       and not _forms_group(raw if r.relative else r, r if r.relative else raw, published)
                                       for r in change.raws):
        # Two moves of one person that one sentence keeps apart in time ("who walked out of
        # Labour last month has joined the Conservatives") are two changes; without a time
        # ("councillors who have left the party have formed a new group") they are one move.
        return False
    merged_from = change.from_party or raw.from_party
    merged_to = change.to_party or raw.to_party
    if merged_from is not None and merged_from == merged_to:
        return False
    raw_date = raw.date.value if raw.date else None
    if change.date and raw_date and not (change.date.startswith(raw_date) or raw_date.startswith(change.date)):
        return False
    if all(a.nominal for a in raw.atoms) and raw.date is None:
        return True  # "his defection", "her suspension": a reference to a change stated elsewhere
    return change.background == _provisional_background(raw, published)


_FORMING = re.compile(r"\b(?:form|formed|forming|found|founded|founding|launch|launched|launching|set\s+up|setting\s+up|"
                      r"creat\w*|establish\w*|start|started|starting)\b", re.IGNORECASE)


def _forms_group(main: RawEvent, relative: RawEvent, published: str | None) -> bool:
    """"Councillors who quit the Greens last week have formed a new group": in the month of the
    news, the group is where they went when they left, one move (unlike "who quit Labour last
    month has joined Reform", or "who left the party in April have formed a group" in May)."""
    if relative.background_cue or relative.date is None or published is None \
            or not relative.date.value or relative.date.value[:7] != published[:7]:
        return False
    return any(_FORMING.search(a.text) for a in main.atoms if a.role in {"join", "gain"})


def _timed(raw: RawEvent) -> bool:
    return raw.date is not None or raw.background_cue or raw.recent_cue


def drop_original_memberships(changes: list[Change]) -> list[Change]:
    """"He had joined Labour to fight poverty" before "he quit Labour": joining the party he later
    left, with no party before it and no date, is his original membership, not a change."""
    out = []
    for c in changes:
        left_later = any(o is not c and o.person == c.person and o.from_party == c.to_party
                         and o.kind == "defection" for o in changes)
        returned = any(re.match(r"(?:rejoin|re-join|return|went\s+back|came\s+back)", a.text, re.IGNORECASE)
                       for r in c.raws for a in r.atoms)  # "rejoined X, the party she left": a return
        if (c.kind == "defection" and c.from_party is None and c.to_party and c.date is None and not returned
                and left_later and all(r.explicit_to and not r.explicit_from for r in c.raws)):
            continue
        out.append(c)
    return out


def merge(raws: list[RawEvent], published: str | None) -> list[Change]:
    """Merge statements of the same change (same person, kind, compatible parties and dates)."""
    changes: list[Change] = []
    # Statements first, bare references ("his defection") after, so references join them.
    for raw in sorted(raws, key=lambda r: (all(a.nominal for a in r.atoms), r.order)):
        target = next((c for c in changes if _compatible(c, raw, published)), None)
        if target is None:
            target = Change(raw.kind, raw.person, raw.from_party, raw.to_party,
                            background=_provisional_background(raw, published))
            changes.append(target)
        if raw.explicit_from and not target.explicit_from and raw.from_party:
            target.from_party = raw.from_party
        if raw.explicit_to and not target.explicit_to and raw.to_party:
            target.to_party = raw.to_party
        target.raws.append(raw)
        target.from_party = target.from_party or raw.from_party
        target.to_party = target.to_party or raw.to_party
        raw_date = raw.date.value if raw.date else None
        if raw_date and date_precision(raw_date) > date_precision(target.date):
            target.date = raw_date
    return changes


def _chronology_key(change: Change) -> tuple:
    return (not change.background, change.date or "9999", change.order)


def order_and_fill(ctx: ArticleContext, changes: list[Change], completions: list[Completion] = ()) -> None:
    """Per person: order changes, fill missing parties along the chain, settle the status."""
    by_person: dict[int, list[Change]] = {}
    for c in changes:
        by_person.setdefault(c.person, []).append(c)
    destination = _main_destination(changes)
    for person, items in by_person.items():
        items.sort(key=_chronology_key)
        _backfill_returns(items)
        previous_to: str | None = None
        last_left: str | None = None  # the last party this person left (for who acted later)
        for change in items:
            if change.kind == "defection" and change.from_party not in (None, "Independent"):
                last_left = change.from_party
            if change.kind == "defection":
                if change.to_party is None:
                    completion = _completion(change, completions)
                    if completion is not None:
                        change.to_party = completion.party
                        if change.date is None and completion.date and completion.date.value and not change.background:
                            change.date = completion.date.value
                if change.to_party is None and all(r.bare for r in change.raws) and destination:
                    change.to_party = destination
                if change.from_party is None:
                    change.from_party = (_subject_party(ctx, change) or previous_to or _also_party(ctx, change, changes)
                                         or _party_before(ctx, change))
                if change.to_party is None:
                    change.to_party = "Independent"
                if change.from_party == change.to_party and change.from_party is not None:
                    change.from_party = previous_to if previous_to != change.to_party else None
                if change.from_party not in (None, "Independent"):
                    last_left = change.from_party
                previous_to = change.to_party
            elif change.kind in {"suspension", "expulsion"}:
                if change.from_party is None or (change.from_party == "Independent" and not change.explicit_from):
                    # Only a party suspends or expels: after a move to sit as an independent it
                    # is the party the text names acting, or the one they had left.
                    previous = previous_to if previous_to != "Independent" else None
                    change.from_party = acting_party(ctx, change.raws[0].first, person) \
                        if previous is None else previous
                    if change.from_party in (None, "Independent"):
                        change.from_party = last_left or change.from_party
                # Expelled, they are outside the party; suspended, still a member (who may yet
                # resign from it or be expelled by it).
                previous_to = "Independent" if change.kind == "expulsion" else change.from_party
            elif change.kind == "readmission":
                if change.to_party is None:
                    change.to_party = acting_party(ctx, change.raws[0].first, person)
                previous_to = change.to_party
        news = [c for c in items if not c.background]
        _date_from_statements(ctx, news, completions)
        if news:
            latest = max(news, key=lambda c: (c.date or "", _KIND_ORDER[c.kind], c.order))
            for change in news:
                if change is not latest and _precedes(change, latest, ctx.published):
                    change.background = True
    _settle_recent(changes, ctx.published)


_DAY_KINDS = {"today", "yesterday", "last_night", "weekday", "weekday_date", "day_month", "month_day"}
_TOLD = re.compile(
    r"\b(?:said|says|told|tells|announced|confirmed|wrote|revealed|informed|was\s+told|were\s+told|"
    r"made\s+the\s+announcement|announcing|confirming)\b", re.IGNORECASE)


def _date_from_statements(ctx: ArticleContext, news: list[Change], completions: list[Completion]) -> None:
    """A change told without a date takes the day the text says it was made or announced:
    "confirmed the move on Wednesday", "told colleagues last night he would sit as an
    independent", "Cllr X, who represents Y, said last night that ..." (in the few sentences
    after the change is stated, said of the same person)."""
    for change in news:
        if change.date is not None:
            continue
        dated = [c for c in completions if c.person == change.person and c.date and c.date.value]
        if dated:
            first = change.sentences[0].index
            change.date = min(dated, key=lambda c: abs(c.sentence.index - first)).date.value
            continue
        change.date = _announcement_day(ctx, change)


def _announcement_day(ctx: ArticleContext, change: Change) -> str | None:
    first = change.sentences[0].index
    spans = ctx.spans_of(change.person)
    for sentence in ctx.sentences[first : first + 4]:
        about = any(sentence.start <= s < sentence.end for s, _ in spans) or re.match(
            r"\s*(?:He|She|They|The\s+(?:couple|pair|trio|two|three|four|councillors?))\b", sentence.text)
        if not about or ctx.in_quote(sentence.start):
            continue
        for told in _TOLD.finditer(sentence.text):
            at = sentence.start + told.start()
            for d in ctx.dates_in(sentence.start, sentence.end):
                if d.kind in _DAY_KINDS and d.value and not ctx.in_quote(d.start) and \
                        -40 <= d.start - at <= 60:
                    return d.value
    return None


def _main_destination(changes: list[Change]) -> str | None:
    """Where the article's news defection goes: "X defected" with no party follows it."""
    for change in sorted(changes, key=lambda c: c.order):
        if change.kind == "defection" and not change.background and any(r.explicit_to for r in change.raws):
            return change.to_party
    return None


def _completion(change: Change, completions: list[Completion]) -> Completion | None:
    """"... will sit as an independent" said of the same person, nearest to the change."""
    # "accepted as a Conservative member" completes the news, not the old move it recalls.
    own = [c for c in completions if c.person == change.person and c.party
           and (not change.background or c.party == "Independent")]
    if not own:
        return None
    first = change.sentences[0].index
    return min(own, key=lambda c: (c.sentence.index < first, abs(c.sentence.index - first)))


_RETURN_RE = re.compile(r"\b(?:return\w*|rejoin\w*|re-join\w*|back)\b", re.IGNORECASE)


def _backfill_returns(items: list[Change]) -> None:
    """"defected to the Conservatives, then returned to Labour": he was Labour before."""
    for before, after in pairwise(items):
        if (before.kind == "defection" and after.kind == "defection" and before.from_party is None
                and after.to_party and after.to_party != before.to_party
                and any(_RETURN_RE.search(a.text) for r in after.raws for a in r.atoms)):
            before.from_party = after.to_party


def _precedes(a: Change, b: Change, published: str | None = None) -> bool:
    """Whether change ``a`` is an earlier chapter of the story whose news is ``b``.

    A suspension before a readmission or expulsion always is, and so is an expulsion before a
    readmission; a suspension before a
    resignation is, unless it happened within the fortnight before publication (then both are news).
    """
    if a.kind == "suspension" and b.kind in {"readmission", "expulsion"}:
        return True
    if a.kind == "expulsion" and b.kind == "readmission":
        return True  # the expulsion a readmission ends
    if a.kind == "suspension" and b.kind == "defection":
        if a.date and published and date_precision(a.date) == 3 and \
                0 <= (date.fromisoformat(published) - date.fromisoformat(a.date)).days <= 14:
            return False
        return any(r.background_cue or "had" in r.first.sentence.text for r in a.raws) or a.order > b.order
    return False


_ROUNDUP_ITEM = re.compile(r"^[A-Z][\w'’ &-]{2,40}:\s")


def _settle_recent(changes: list[Change], published: str | None = None) -> None:
    """"quit Labour last month": background when the article has fresher news, else the news.
    An item of a round-up ("Dudley: X crossed to the Conservatives last month.") is news of its own."""
    fresh = [c for c in changes if not c.background and not any(r.recent_cue for r in c.raws)]
    if not fresh:
        return
    for change in changes:
        if change in fresh and _month_before_news(change, fresh, published):
            # "who left the party in April have formed ...": a dated month before the news of
            # the same person is an earlier chapter.
            change.background = True
            continue
        if change.background or change in fresh:
            continue
        roundup = all(_ROUNDUP_ITEM.match(s.text) for s in change.sentences)
        if not roundup or any(f.person == change.person for f in fresh):
            change.background = True


def _month_before_news(change: Change, fresh: list[Change], published: str | None) -> bool:
    """Whether another change of the same person, told as news, is in a later month (an
    undated one in the month of publication)."""
    if change.kind != "defection" or not change.date or len(change.date) < 7:
        return False
    for other in fresh:
        if other is change or other.person != change.person or other.kind != "defection":
            continue
        when = other.date or (published[:7] if published else None)
        if when and len(when) >= 7 and when[:7] > change.date[:7]:
            return True
    return False


def _subject_party(ctx: ArticleContext, change: Change) -> str | None:
    """A party in the words the change was said of ("Two Labour councillors", "a trio of
    independent councillors"), unless the words call it former ("a former Labour councillor")."""
    for raw in change.raws:
        if raw.subject_phrase:
            lo, hi = raw.subject_phrase
            inside = [p for p in ctx.parties if lo <= p.start < hi and p.name != change.to_party
                      and not re.search(r"\b(?:former|ex-?)\s*$", ctx.text[max(lo, p.start - 10):p.start], re.IGNORECASE)]
            if inside:
                return inside[-1].name
    return None


_ALSO_BEFORE = re.compile(r"\balso\s+(?:(?:have|has|had|now)\s+)?$", re.IGNORECASE)


def _also_party(ctx: ArticleContext, change: Change, changes: list[Change]) -> str | None:
    """"A has resigned from Labour. B and C have also handed in their membership cards": a change
    told as "also" leaves the party of the change stated just before it."""
    first = change.raws[0].first
    if not _ALSO_BEFORE.search(ctx.text[first.sentence.start:first.start]) or \
            any(a.role not in {"leave", "group_leave", "bare"} for r in change.raws for a in r.atoms):
        return None  # "will also join the group": also joining, not leaving the same party
    earlier = [c for c in changes if c.person != change.person and c.kind == "defection"
               and c.raws[0].first.start < first.sentence.start and c.from_party not in (None, "Independent")]
    return max(earlier, key=lambda c: c.raws[0].first.start).from_party if earlier else None


def _party_before(ctx: ArticleContext, change: Change) -> str | None:
    """The party a person left when the text does not say it in the same breath: the party the
    text gives the person; a party named earlier in the sentence; any other party in it."""
    first = change.raws[0].first
    for party in (party_of(ctx, change.person, before=first.sentence.end), party_of(ctx, change.person)):
        if party and party != change.to_party:
            return party
    sentence = first.sentence
    named = [p for p in ctx.parties if sentence.start <= p.start < sentence.end and not ctx.in_quote(p.start)
             and p.name not in {"Independent", change.to_party}]
    before = [p for p in named if p.start < first.start]
    if before:
        return before[-1].name
    if named:
        return named[0].name
    # "first elected as an independent in 2014, and joined the UUP in 2016", "Hannah was
    # elected as a Liberal Democrat and ..."
    for span_start, _ in ctx.spans_of(change.person):
        sentence = ctx.sentence_at(span_start)
        if sentence is None:
            continue
        if sentence.start <= first.start and re.search(
                r"\bas\s+an\s+independent\b", ctx.text[sentence.start : first.start], re.IGNORECASE):
            return "Independent"
        masked = ctx.mask(sentence)
        elected = re.search(rf"\belected\s+(?:as\s+an?\s+|for\s+(?:the\s+)?)({_P}+)", masked)
        if elected:
            party = ctx.party_at(sentence.start + elected.start(1), sentence.start + elected.end(1))
            if party and party.name != change.to_party:
                return party.name
    # "independent Cllr X joined Reform", "X, an independent councillor, ...": from Independent.
    if change.to_party not in (None, "Independent"):
        for span_start, span_end in ctx.spans_of(change.person):
            if ctx.in_quote(span_start):
                continue
            before = ctx.text[max(0, span_start - 40) : span_start]
            after = ctx.text[span_end : span_end + 40]
            if re.search(r"\b[Ii]ndependent\s+(?:(?:county|borough|district|city|town|parish)\s+)?"
                         r"(?:[Cc]ouncillor\s+|[Cc]llr\.?\s+|[Cc]oun\.?\s+|member\s+)?$", before) or \
                    re.match(r"\s*,\s+(?:an|the)\s+independent\b", after):
                return "Independent"
    # Last resort: the party the story opens with ("X council's Conservative group has lost two
    # more members to Reform UK"), when it is not where they went.
    lede = sorted(_lede_sentences(ctx))
    for p in ctx.parties:
        if ctx.sentence_at(p.start) and ctx.sentence_at(p.start).index in lede and not ctx.in_quote(p.start) \
                and p.name not in {"Independent", change.to_party} and change.kind == "defection" \
                and any(r.via in {"group", "object"} or r.explicit_to for r in change.raws):
            return p.name
    return None


_PRESENT_PERFECT = re.compile(r"\b(?:has|have|'s|’s)\s+(?:now\s+|just\s+|officially\s+|formally\s+)?(?:been\s+)?\w*\s*$", re.IGNORECASE)


def rejoins_as_readmissions(changes: list[Change]) -> list[Change]:
    """"rejoined the group" after a suspension from that party is a readmission, not a defection."""
    out: list[Change] = []
    for change in changes:
        suspended = [o for o in changes if o.person == change.person and o.kind == "suspension"
                     and o.from_party == change.to_party]
        if (change.kind == "defection" and suspended and not change.explicit_from
                and any(_RETURN_RE.search(a.text) for r in change.raws for a in r.atoms)):
            existing = next((o for o in out if o.person == change.person and o.kind == "readmission"
                             and o.to_party in (None, change.to_party)), None)
            if existing is not None:
                existing.raws.extend(change.raws)
                existing.date = existing.date or change.date
                continue
            change.kind, change.from_party = "readmission", None
        out.append(change)
    return out


def fold_references(ctx: ArticleContext, changes: list[Change]) -> list[Change]:
    """A change told again later without a date ("He was expelled over comments") is the same as
    a dated one of the same person and kind told elsewhere; one told as news ("has been suspended")
    in the headline or lede stays a change of its own."""
    lede = _lede_sentences(ctx)
    out: list[Change] = []
    for change in sorted(changes, key=lambda c: (c.date is None, c.order)):
        told_as_news = any(s.index in lede for s in change.sentences) and any(
            _PRESENT_PERFECT.search(ctx.text[a.sentence.start : a.start]) or a.sentence.index == min(lede)
            for r in change.raws for a in r.atoms)
        target = None
        if change.date is None and not told_as_news and not any(r.background_cue for r in change.raws):
            target = next((o for o in out if o.person == change.person and o.kind == change.kind
                           and (not change.explicit_from or o.from_party in (None, change.from_party))
                           and (not change.explicit_to or o.to_party in (None, change.to_party))), None)
        if target is None:
            out.append(change)
        else:
            target.raws.extend(change.raws)
    return sorted(out, key=lambda c: c.order)


def _lede_sentences(ctx: ArticleContext) -> set[int]:
    """Indexes of the headline and the first two sentences of the body."""
    body = [s for s in ctx.sentences if s.start >= ctx.body_start]
    return {s.index for s in body[:3]}


def _date_value(ctx: ArticleContext, change: Change) -> str | None:
    if change.date is not None:
        return change.date
    if not change.background and ctx.published:
        return ctx.published[:7]
    return None


def build_events(ctx: ArticleContext, changes: list[Change], councils: list[CouncilMention]) -> list[Event]:
    events: list[Event] = []
    cache: dict[int, tuple[str, str | None, bool, str | None, str | None]] = {}
    for change in sorted(changes, key=lambda c: c.order):
        person = change.person
        if person not in cache:
            sentences = sorted({s.index for c in changes if c.person == person for s in c.sentences})
            group_noun = next((_group_noun(r) for c in changes if c.person == person for r in c.raws if r.via == "group"), None)
            office = office_of(ctx, person, sentences, group_noun)
            ward = ward_of(ctx, person, list({c.council.gss: c.council for c in councils}.values()))
            council, inferred = council_of(ctx, person, councils, ward, office, sentences)
            role = role_of(ctx, person)
            cache[person] = (office, council, inferred, ward, role)
        office, council, inferred, ward, role = cache[person]
        date_value = _date_value(ctx, change)
        events.append(Event(
            kind=change.kind,
            status="background" if change.background else "new",
            person=ctx.people[person].name,
            office=office,
            council=council_then(council, councils, date_value or ctx.published),
            council_inferred=inferred,
            ward=ward,
            from_party=change.from_party,
            to_party=change.to_party if change.kind in {"defection", "readmission"} else None,
            date=date_value,
            role=role,
            evidence=[Evidence(start=s.start, end=s.end, text=s.text) for s in change.sentences],
        ))
    return events


def _group_noun(raw: RawEvent) -> str | None:
    sentence = raw.first.sentence.text
    match = re.search(r"\b(councillors|MPs|MSPs|MLAs|MEPs|peers|members)\b", sentence)
    return match.group(1) if match else None
