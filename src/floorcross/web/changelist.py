"""Changes as the web app shows them: filtered, sorted, paged, with evidence and review flags.

The feed, the council and person pages, the review queue, the Atom feeds and ``/api/changes``
all call :func:`change_page` or :func:`change_detail`. Filtering, sorting, counting and paging
happen in SQL (``Store.change_slice``, on the derived columns of migration 0006_web_scale); this
module adds what only the web needs for the rows of one page: the sentence to quote, and the
flags saying why an editor should look twice at a change.

Low confidence, defined (in ``store.derived``, where the flags are worked out when a change is
written): a change is *low confidence* when any of its facts was guessed or is missing: its
council was inferred from the ward name alone, its new party is an "Independent" the extractor
assumed because no article names one, it has no date, no council, or a party unknown, or no
article reports it as news (only mentioned in passing). Having a single source is flagged too
but is not low confidence by itself: most local stories are reported once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select

from floorcross.store import ChangeView, SourceView, Store, derived
from floorcross.store import queries as store_queries
from floorcross.store.db import read_session
from floorcross.store.derived import FLAGS, LOW_CONFIDENCE_FLAGS
from floorcross.store.models import Change, ChangeSource, Correction
from floorcross.store.queries import sources_for
from floorcross.web.params import ChangeFilters

__all__ = ["FLAGS", "LOW_CONFIDENCE_FLAGS"]


@dataclass(frozen=True)
class Span:
    """A stretch of an article's text stating a change (offsets into the article text)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ChangeRow:
    """A change with its first report and its review flags: one line of a listing."""

    change: ChangeView
    first: SourceView | None
    flags: tuple[str, ...]

    @property
    def low_confidence(self) -> bool:
        return bool(LOW_CONFIDENCE_FLAGS.intersection(self.flags))

    @property
    def corrected_fields(self) -> tuple[str, ...]:
        return tuple(f for f in (self.change.corrected or "").split(",") if f)

    def as_dict(self) -> dict[str, Any]:
        data = self.change.as_dict()
        data["corrected"] = list(self.corrected_fields)
        data["flags"] = list(self.flags)
        data["low_confidence"] = self.low_confidence
        first = self.first
        data["evidence"] = first.evidence_text if first else None
        data["article_id"] = first.article_id if first else None
        data["article_title"] = first.title if first else None
        data["article_outlet"] = first.outlet if first else None
        data["article_published"] = first.published if first else None
        data["article_url"] = first.url if first else None
        return data


@dataclass(frozen=True)
class ChangePage:
    """One page of a filtered listing, and how many changes match in all."""

    items: list[ChangeRow]
    total: int
    page: int
    limit: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))


@dataclass(frozen=True)
class ChangeDetail:
    """One change with every report of it, the spans to highlight, and its review history."""

    row: ChangeRow
    sources: list[SourceView]
    spans: dict[int, list[Span]] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = self.row.as_dict()
        data["sources"] = [
            {**s.as_dict(), "evidence": [vars(x) for x in self.spans.get(s.id, [])]}
            for s in self.sources
        ]
        data["history"] = self.history
        return data


def _conflict_ids(store: Store) -> set[int]:
    from floorcross.web.councils import conflict_change_ids

    return conflict_change_ids(store)


def _slice(store: Store, filters: ChangeFilters, sort: str, offset: int, limit: int | None,
           count: bool = True) -> store_queries.ChangeSlice:
    ids = _conflict_ids(store) if filters.conflicts else None
    return store.change_slice(
        sort=sort, offset=offset, limit=limit, count=count,
        council=filters.council, party=filters.party, kind=filters.kind,
        since=filters.since, until=filters.until, person=filters.person,
        review=filters.review, low_confidence=filters.confidence == "low", ids=ids)


def matching_changes(store: Store, filters: ChangeFilters, sort: str = "reported",
                     limit: int | None = None) -> list[ChangeView]:
    """The changes the filters select (review status included), newest first; at most
    ``limit`` of them. Filtering and sorting happen in SQL."""
    return _slice(store, filters, sort, 0, limit, count=False).items


def _first_report(sources: list[SourceView]) -> SourceView | None:
    news = [s for s in sources if s.status == "new"]
    return (news or sources or [None])[0]


def rows_for(store: Store, changes: list[ChangeView],
             flags: dict[int, tuple[str, ...] | None] | None = None) -> list[ChangeRow]:
    """The listing rows (first report, flags) for ``changes``, in the same order. Flags are
    the stored ``changes.flags`` (``store.derived``), read here unless given."""
    if not changes:
        return []
    ids = [c.id for c in changes]
    with read_session(store.engine) as session:
        sources = sources_for(session, ids)
        if flags is None:
            flags = {}
            for part in range(0, len(ids), 500):
                flags.update({
                    i: tuple(x for x in f.split(",") if x) if f is not None else None
                    for i, f in session.execute(select(Change.id, Change.flags)
                                                .where(Change.id.in_(ids[part:part + 500])))})
    out = []
    for c in changes:
        found = flags.get(c.id)
        if found is None:  # not derived yet (cannot happen after a sync): work them out
            found = review_flags(c, sources[c.id], False)
        out.append(ChangeRow(c, _first_report(sources[c.id]), found))
    return out


def review_flags(change: ChangeView, sources: list[SourceView], council_inferred: bool
                 ) -> tuple[str, ...]:
    """Why an editor might doubt a change (see ``store.derived``); corrected fields count
    as checked."""
    return derived.review_flags(
        kind=change.kind, from_party=change.from_party, to_party=change.to_party,
        council=change.council, date=change.date, corrected=change.corrected,
        reports=[(s.article_id, s.status, s.evidence_text) for s in sources],
        council_inferred=council_inferred)


def change_page(store: Store, filters: ChangeFilters, page: int = 1, limit: int = 50,
                sort: str = "reported") -> ChangePage:
    """One page of the changes the filters select, newest first (paged in SQL)."""
    found = _slice(store, filters, sort, (page - 1) * limit, limit)
    return ChangePage(rows_for(store, found.items, found.flags), found.total, page, limit)


def change_history(store: Store, key: str) -> list[dict[str, Any]]:
    """The corrections made to one change (who, when, what), oldest first."""
    with read_session(store.engine) as session:
        rows = session.execute(
            select(Correction).where(or_(Correction.target_key == key,
                                         Correction.other_key == key))
            .order_by(Correction.id)
        ).scalars()
        return [{"id": c.id, "action": c.action, "field": c.field, "value": c.value,
                 "author": c.author, "note": c.note, "created_at": c.created_at}
                for c in rows]


def change_detail(store: Store, ref: int | str) -> ChangeDetail:
    """A change by id or key (rejected ones too), with sources, spans and history."""
    change = store.change(ref)
    [row] = rows_for(store, [change])
    with read_session(store.engine) as session:
        sources = sources_for(session, [change.id])[change.id]
        spans: dict[int, list[Span]] = {}
        for sid, evidence in session.execute(
                select(ChangeSource.id, ChangeSource.evidence)
                .where(ChangeSource.change_id == change.id)):
            spans[sid] = [Span(int(e["start"]), int(e["end"]), str(e["text"]))
                          for e in evidence or []]
    return ChangeDetail(row, sources, spans, change_history(store, change.key))
