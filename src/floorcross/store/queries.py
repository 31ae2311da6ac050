"""Read-only questions over the store: changes by council, party and date; a person's timeline.

Each function takes a session and returns plain dataclasses, so the CLI, the web app and tests
all get the same answers. Rejected changes are left out unless asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import String, cast, func, literal_column, or_, select
from sqlalchemy.orm import Session

from floorcross.normalise.councils import gazetteer
from floorcross.normalise.names import fold, strip_titles
from floorcross.normalise.parties import canonical_party
from floorcross.records import KINDS
from floorcross.resolve import date_range, name_score
from floorcross.store.errors import NotFound, QueryError
from floorcross.store.models import Article, Change, ChangeSource, Person, PersonName


@dataclass(frozen=True)
class ChangeView:
    """A change as people ask about it: who, what, when, where, and how many sources."""

    id: int
    key: str
    person_id: int
    person: str
    kind: str
    from_party: str | None
    to_party: str | None
    date: str | None
    council: str | None
    council_gss: str | None
    ward: str | None
    office: str | None
    role: str | None
    reported: str | None
    review: str
    corrected: str | None
    sources: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PersonView:
    """A person with the names they appear under."""

    id: int
    key: str
    name: str
    council: str | None
    council_gss: str | None
    ward: str | None
    office: str | None
    names: tuple[str, ...] = ()
    changes: int = 0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["names"] = list(self.names)
        return data


@dataclass(frozen=True)
class SourceView:
    """One article's report of a change, with the sentences that state it."""

    id: int
    change_id: int
    change_key: str
    article_id: int
    content_hash: str
    published: str | None
    outlet: str | None
    title: str | None
    url: str | None
    status: str
    person_name: str
    date: str | None
    evidence_text: str
    quotes: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TimelineEntry:
    """One change in a person's timeline and the articles behind it."""

    change: ChangeView
    sources: list[SourceView]


@dataclass(frozen=True)
class Timeline:
    """A person's changes in date order."""

    person: PersonView
    entries: list[TimelineEntry]


# ------------------------------------------------------------------------------ dates


def parse_when(text: str, *, end: bool = False, today: date | None = None) -> str:
    """An ISO date for ``--since``/``--until``: ``2023``, ``2023-09``, ``2023-09-12`` or words.

    A year or month means its first day for ``since`` and its last for ``until`` (``end``);
    phrases like "last month" or "3 weeks ago" are read by dateparser, relative to ``today``.
    """
    rng = date_range(text)
    if rng is not None:
        return (rng[1] if end else rng[0]).isoformat()
    from datetime import datetime

    import dateparser

    base = datetime.combine(today or date.today(), datetime.min.time())
    parsed = dateparser.parse(text, languages=["en"],
                              settings={"PREFER_DATES_FROM": "past", "RELATIVE_BASE": base})
    if parsed is None:
        raise QueryError(
            f"cannot read the date {text!r}: give YYYY, YYYY-MM, YYYY-MM-DD or e.g. 'last month'"
        )
    return parsed.date().isoformat()


# ------------------------------------------------------------------------------ changes


def _change_view(change: Change, person: Person, sources: int) -> ChangeView:
    return ChangeView(
        change.id, change.key, person.id, person.name, change.kind, change.from_party,
        change.to_party, change.date, change.council, change.council_gss, change.ward,
        change.office, change.role, change.reported, change.review, change.corrected, sources,
    )


def council_filter(council: str) -> Any:
    """A WHERE clause for changes on ``council``: any name the gazetteer resolves, or text."""
    gaz = gazetteer()
    found = gaz.council_by_name(council)
    if found is not None:
        # A council and those it replaced (whose changes are stored under their own names,
        # the council of their date); a former council named is that council (and its own
        # predecessors).
        return Change.council_gss.in_(gaz.area_codes(found))
    pattern = f"%{council.strip().lower()}%"
    return func.lower(Change.council).like(pattern)


def change_conditions(
    session: Session,
    *,
    council: str | None = None,
    party: str | None = None,
    kind: str | None = None,
    since: str | None = None,
    until: str | None = None,
    person: str | None = None,
    include_rejected: bool = False,
    review: str | None = None,
    low_confidence: bool = False,
    ids: Iterable[int] | None = None,
) -> list[Any]:
    """The WHERE clauses on ``changes`` for the filters of :func:`list_changes` and
    :func:`change_page` (``review``: one state, ``any``, or None for all but rejected)."""
    where: list[Any] = []
    if review in {"unreviewed", "verified", "rejected"}:
        where.append(Change.review == review)
    elif review != "any" and not include_rejected:
        where.append(Change.review != "rejected")
    if council:
        where.append(council_filter(council))
    if party:
        wanted = (canonical_party(party) or party).lower()
        where.append(or_(func.lower(Change.from_party) == wanted,
                         func.lower(Change.to_party) == wanted))
    if kind:
        if kind not in KINDS:
            raise QueryError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
        where.append(Change.kind == kind)
    start = func.coalesce(Change.date_start, Change.reported)
    finish = func.coalesce(Change.date_end, Change.reported)
    if since:
        where.append(finish >= since)
    if until:
        where.append(start <= until)
    if person:
        where.append(Change.person_id.in_([p.id for p in find_people(session, person)]))
    if low_confidence:
        where.append(Change.low_confidence == 1)
    if ids is not None:
        where.append(Change.id.in_(sorted(set(ids))))
    return where


def _sources_column() -> Any:
    counted = (
        select(func.count(func.distinct(ChangeSource.article_id)))
        .where(ChangeSource.change_id == Change.id)
        .scalar_subquery()
    )
    return func.coalesce(Change.sources, counted)


def list_changes(
    session: Session,
    *,
    council: str | None = None,
    party: str | None = None,
    kind: str | None = None,
    since: str | None = None,
    until: str | None = None,
    person: str | None = None,
    include_rejected: bool = False,
) -> list[ChangeView]:
    """Changes matching every filter given, oldest first.

    ``party`` matches the party left or joined (aliases such as "Tories" work); ``since`` and
    ``until`` are ISO dates (see :func:`parse_when`) compared with the change's date, or with
    when it was first reported when it has no date; ``person`` is a name, key or id.
    """
    where = change_conditions(session, council=council, party=party, kind=kind, since=since,
                              until=until, person=person, include_rejected=include_rejected)
    query = (select(Change, Person, _sources_column())
             .join(Person, Person.id == Change.person_id).where(*where))
    start = func.coalesce(Change.date_start, Change.reported)
    query = query.order_by(func.coalesce(start, "9999"), Change.id)
    return [_change_view(c, p, n) for c, p, n in session.execute(query)]


SORT_COLUMNS = {"reported": Change.sort_reported, "date": Change.sort_date, "found": None}


@dataclass(frozen=True)
class ChangeSlice:
    """One page of changes (newest first) with their stored review flags, and the total."""

    items: list[ChangeView]
    flags: dict[int, tuple[str, ...] | None]
    total: int


def change_page(session: Session, *, sort: str = "reported", offset: int = 0,
                limit: int | None = 50, count: bool = True, **filters: Any) -> ChangeSlice:
    """The changes ``filters`` select (see :func:`change_conditions`), newest first by
    ``sort`` (reported, date or found), ``limit`` of them from ``offset``: filtering, sorting,
    counting and paging all happen in SQL, on the indexes of migration 0006_web_scale."""
    where = change_conditions(session, **filters)
    if sort not in SORT_COLUMNS:
        raise QueryError(f"unknown sort {sort!r}: choose one of {', '.join(SORT_COLUMNS)}")
    column = SORT_COLUMNS[sort]
    order = [Change.id.desc()] if column is None else [column.desc(), Change.id.desc()]
    query = (select(Change, Person, _sources_column())
             .join(Person, Person.id == Change.person_id).where(*where)
             .order_by(*order).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    items, flags = [], {}
    for c, p, n in session.execute(query):
        items.append(_change_view(c, p, n))
        flags[c.id] = tuple(f for f in c.flags.split(",") if f) if c.flags is not None else None
    total = len(items) + offset
    if count and (limit is None or len(items) == limit or offset):
        total = int(session.execute(
            select(func.count(Change.id)).where(*where)).scalar_one())
    return ChangeSlice(items, flags, total)


def change_counts(session: Session, column: str) -> dict[str, int]:
    """Changes not rejected per council (``council_gss``) or per party (``party``: a change
    counts once for each of the parties it left and joined)."""
    live = Change.review != "rejected"
    if column == "council_gss":
        rows = session.execute(select(Change.council_gss, func.count(Change.id))
                               .where(live, Change.council_gss.is_not(None))
                               .group_by(Change.council_gss))
        return {k: int(n) for k, n in rows}
    counts: dict[str, int] = {}
    for column_ in (Change.from_party, Change.to_party):
        for k, n in session.execute(select(column_, func.count(Change.id))
                                    .where(live, column_.is_not(None)).group_by(column_)):
            counts[k] = counts.get(k, 0) + int(n)
    for k, n in session.execute(select(Change.from_party, func.count(Change.id))
                                .where(live, Change.from_party == Change.to_party)
                                .group_by(Change.from_party)):
        counts[k] -= int(n)  # left and joined the same party: counted once
    return counts


def flow_groups(session: Session, *, since: str | None = None, until: str | None = None,
                council: str | None = None, council_gss: Iterable[str] | None = None
                ) -> list[tuple[str, str | None, str | None, list[int]]]:
    """Changes not rejected grouped by (kind, party left, party joined), each with its change
    ids in id order: what ``floorcross.flows`` counts, grouped in SQL. ``council_gss`` keeps
    the changes on those councils only (a region's)."""
    where = change_conditions(session, since=since, until=until, council=council)
    if council_gss is not None:
        where.append(Change.council_gss.in_(sorted(set(council_gss))))
    if session.get_bind().dialect.name == "postgresql":
        ids = func.string_agg(cast(Change.id, String), literal_column("','"))
    else:
        ids = func.group_concat(Change.id)
    rows = session.execute(
        select(Change.kind, Change.from_party, Change.to_party, ids)
        .where(*where)
        .group_by(Change.kind, Change.from_party, Change.to_party))
    return [(k, f, t, sorted(int(i) for i in str(found).split(","))) for k, f, t, found in rows]


def data_version(session: Session) -> tuple[Any, ...]:
    """A cheap fingerprint of everything a derived view (the ledger) is made from: it differs
    whenever a change, correction, baseline, seat count or extraction is added, removed or
    updated through the store."""
    from floorcross.store.ledger_models import CouncilBaseline
    from floorcross.store.models import Composition, Correction, Extraction

    parts: list[Any] = []
    for model in (Change, Correction, Composition, Extraction):
        parts.extend(session.execute(
            select(func.count(model.id), func.max(model.id))).one())
    parts.extend(session.execute(select(func.count(CouncilBaseline.id),
                                        func.max(CouncilBaseline.id),
                                        func.sum(CouncilBaseline.seats))).one())
    return tuple(parts)


# ------------------------------------------------------------------------------ people


def _names_by_person(session: Session, ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {i: [] for i in ids}
    rows = session.execute(
        select(PersonName.person_id, PersonName.name)
        .where(PersonName.person_id.in_(ids)).order_by(PersonName.id)
    )
    for pid, name in rows:
        names[pid].append(name)
    return names


def people_views(session: Session, people: list[Person]) -> list[PersonView]:
    """PersonViews (with aliases and counts of changes) for ``people``, in the same order."""
    ids = [p.id for p in people]
    names = _names_by_person(session, ids)
    counts = dict(session.execute(
        select(Change.person_id, func.count(Change.id))
        .where(Change.person_id.in_(ids), Change.review != "rejected")
        .group_by(Change.person_id)
    ).all())
    return [
        PersonView(p.id, p.key, p.name, p.council, p.council_gss, p.ward, p.office,
                   tuple(names.get(p.id, [])), int(counts.get(p.id, 0)))
        for p in people
    ]


def find_people(session: Session, query: str) -> list[PersonView]:
    """People an id, key or name refers to, best match first.

    A name matches any alias that fits it as the resolver would fit it ("Aslam Khan" finds
    "Mohammed Aslam Khan"), or that contains it ("Khan" finds every Khan).
    """
    text = query.strip()
    if text.isdigit():
        person = session.get(Person, int(text))
        return people_views(session, [person]) if person else []
    by_key = session.execute(select(Person).where(Person.key == text)).scalar_one_or_none()
    if by_key is not None:
        return people_views(session, [by_key])
    ranked = ranked_people(session, text)
    people = {p.id: p for p in session.execute(
        select(Person).where(Person.id.in_(ranked))).scalars()}
    return people_views(session, [people[i] for i in ranked if i in people])


def ranked_people(session: Session, text: str) -> list[int]:
    """The ids of the people whose aliases match the name ``text``, best match first (at
    most :data:`MAX_FOUND`); see :func:`find_people`."""
    wanted = fold(strip_titles(text))
    scores: dict[int, int] = {}
    for pid, name in session.execute(select(PersonName.person_id, PersonName.name)
                                     .where(_name_prefilter(text))):
        score = name_score(text, name) * 10 + (5 if fold(name) == wanted else 0)
        if not score and wanted and wanted in fold(name):
            score = 1
        if score > scores.get(pid, 0):
            scores[pid] = score
    return sorted(scores, key=lambda pid: (-scores[pid], pid))[:MAX_FOUND]


MAX_FOUND = 1000


def _name_prefilter(text: str) -> Any:
    """A WHERE clause keeping only the aliases that could match ``text``: those sharing three
    letters in a row with one of its words (every exact, subset and fuzzy match the resolver's
    ``name_score`` allows does), on ``person_names.folded``. Rows not folded yet are kept."""
    words = [w for w in fold(strip_titles(text)).split() if w]
    pieces = sorted({w[:3] for w in words} | {w[-3:] for w in words})
    if not pieces:
        return PersonName.folded.is_(None)
    return or_(PersonName.folded.is_(None),
               *[PersonName.folded.like(f"%{p}%") for p in pieces])


def _people_query(council: str | None) -> Any:
    query = select(Person)
    if council:
        found = gazetteer().council_by_name(council)
        if found is not None:
            query = query.where(Person.council_gss.in_(gazetteer().area_codes(found)))
        else:
            query = query.where(func.lower(Person.council).like(f"%{council.lower()}%"))
    return query


def list_people(session: Session, council: str | None = None, *, offset: int = 0,
                limit: int | None = None) -> list[PersonView]:
    """Everyone in the store (on ``council``, if given), by name; ``limit`` of them from
    ``offset`` (paged in SQL)."""
    query = _people_query(council).order_by(Person.name, Person.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return people_views(session, list(session.execute(query).scalars()))


def count_people(session: Session, council: str | None = None) -> int:
    """How many people :func:`list_people` lists."""
    query = _people_query(council).subquery()
    return int(session.execute(select(func.count()).select_from(query)).scalar_one())


def people_by_ids(session: Session, ids: list[int]) -> list[PersonView]:
    """PersonViews for these ids, in the same order."""
    people = {p.id: p for p in session.execute(select(Person).where(Person.id.in_(ids))
                                                ).scalars()}
    return people_views(session, [people[i] for i in ids if i in people])


def people_on(session: Session, council: str, ids: list[int]) -> set[int]:
    """Which of these people are on ``council``."""
    query = _people_query(council).where(Person.id.in_(ids))
    return {p.id for p in session.execute(query).scalars()}


# ------------------------------------------------------------------------------ sources


def outlet_of(outlet: str | None, url: str | None) -> str | None:
    """Who published an article: the outlet (site name) the source gave, else the URL's host
    without ``www.`` (``www.northgate-gazette.example`` -> ``northgate-gazette.example``)."""
    if outlet and outlet.strip():
        return outlet.strip()
    if not url:
        return None
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def sources_for(session: Session, change_ids: list[int]) -> dict[int, list[SourceView]]:
    """The reports of each change, earliest article first."""
    out: dict[int, list[SourceView]] = {i: [] for i in change_ids}
    rows = session.execute(
        select(ChangeSource, Change.key, Article)
        .join(Change, Change.id == ChangeSource.change_id)
        .join(Article, Article.id == ChangeSource.article_id)
        .where(ChangeSource.change_id.in_(change_ids))
        .order_by(func.coalesce(Article.published, "9999"), Article.id, ChangeSource.event_index)
    )
    for s, key, a in rows:
        out[s.change_id].append(SourceView(
            s.id, s.change_id, key, a.id, a.content_hash, a.published, outlet_of(a.outlet, a.url),
            a.title, a.url,
            s.status, s.person_name, s.date, s.evidence_text, list(s.quotes or []),
        ))
    return out


def all_sources(session: Session, include_rejected: bool = False) -> list[SourceView]:
    """Every report of every change, by change then article."""
    query = select(Change.id)
    if not include_rejected:
        query = query.where(Change.review != "rejected")
    ids = list(session.execute(query.order_by(Change.id)).scalars())
    grouped = sources_for(session, ids)
    return [s for cid in ids for s in grouped[cid]]


def timeline(session: Session, person_id: int, include_rejected: bool = False) -> Timeline:
    """A person's changes in date order, each with its sources."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    view = people_views(session, [person])[0]
    changes = list_changes(session, person=str(person_id), include_rejected=include_rejected)
    sources = sources_for(session, [c.id for c in changes])
    return Timeline(view, [TimelineEntry(c, sources[c.id]) for c in changes])


__all__ = [
    "ChangeView", "PersonView", "QueryError", "SourceView", "Timeline", "TimelineEntry",
    "all_sources", "find_people", "list_changes", "list_people", "parse_when", "sources_for",
    "timeline",
]
