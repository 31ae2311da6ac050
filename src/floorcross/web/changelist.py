"""Changes as the web app shows them: filtered, sorted, paged, with evidence and review flags.

The feed, the council and person pages, the review queue, the Atom feeds and ``/api/changes``
all call :func:`change_page` or :func:`change_detail`, which ask the store (``Store.changes``,
``queries.sources_for``) and add what only the web needs: the sentence to quote, and flags
saying why an editor should look twice at a change.

Low confidence, defined: a change is *low confidence* when any of its facts was guessed or is
missing: its council was inferred from the ward name alone, its new party is an "Independent"
the extractor assumed because no article names one, it has no date, no council, or a party
unknown, or no article reports it as news (only mentioned in passing). Having a single source is
flagged too but is not low confidence by itself: most local stories are reported once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select

from floorcross.store import ChangeView, SourceView, Store
from floorcross.store.db import read_session
from floorcross.store.models import ChangeSource, Correction, Extraction
from floorcross.store.queries import sources_for
from floorcross.web.params import ChangeFilters

FLAGS: dict[str, str] = {
    "council_inferred": "council inferred from the ward",
    "to_party_assumed": "Independent assumed (no new party named)",
    "no_date": "no date",
    "no_council": "no council",
    "party_unknown": "party unknown",
    "background_only": "only mentioned in passing",
    "single_source": "one source",
}
LOW_CONFIDENCE_FLAGS = frozenset(FLAGS) - {"single_source"}


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


def _sort_key(sort: str) -> Any:
    if sort == "date":
        return lambda c: (c.date or c.reported or "", c.id)
    if sort == "found":
        return lambda c: c.id
    return lambda c: (c.reported or c.date or "", c.id)


def matching_changes(store: Store, filters: ChangeFilters, sort: str = "reported"
                     ) -> list[ChangeView]:
    """Every change the filters select (review status included), newest first."""
    review = filters.review or "any_but_rejected"
    found = store.changes(council=filters.council, party=filters.party, kind=filters.kind,
                          since=filters.since, until=filters.until, person=filters.person,
                          include_rejected=review in {"rejected", "any"})
    if review in {"unreviewed", "verified", "rejected"}:
        found = [c for c in found if c.review == review]
    if filters.conflicts:
        from floorcross.web.councils import conflict_change_ids

        behind = conflict_change_ids(store, found)
        found = [c for c in found if c.id in behind]
    return sorted(found, key=_sort_key(sort), reverse=True)


def _first_report(sources: list[SourceView]) -> SourceView | None:
    news = [s for s in sources if s.status == "new"]
    return (news or sources or [None])[0]


def rows_for(store: Store, changes: list[ChangeView]) -> list[ChangeRow]:
    """The listing rows (first report, flags) for ``changes``, in the same order."""
    if not changes:
        return []
    ids = [c.id for c in changes]
    with read_session(store.engine) as session:
        sources = sources_for(session, ids)
        inferred = _councils_inferred(session, ids)
    return [ChangeRow(c, _first_report(sources[c.id]), review_flags(c, sources[c.id],
                                                                       inferred.get(c.id, False)))
            for c in changes]


def _councils_inferred(session: Any, ids: list[int]) -> dict[int, bool]:
    """Whether every report of each change took its council from the ward name alone."""
    rows = session.execute(
        select(ChangeSource.change_id, ChangeSource.extraction_id, ChangeSource.event_index)
        .where(ChangeSource.change_id.in_(ids))
    ).all()
    records = dict(session.execute(
        select(Extraction.id, Extraction.record)
        .where(Extraction.id.in_({r.extraction_id for r in rows}))
    ).all())
    seen: dict[int, list[bool]] = defaultdict(list)
    for change_id, extraction_id, index in rows:
        events = (records.get(extraction_id) or {}).get("events") or []
        event = events[index] if 0 <= index < len(events) else {}
        seen[change_id].append(bool(event.get("council_inferred")))
    return {cid: all(flags) for cid, flags in seen.items() if flags}


def review_flags(change: ChangeView, sources: list[SourceView], council_inferred: bool
                 ) -> tuple[str, ...]:
    """Why an editor might doubt a change (see the module docstring); corrected fields count
    as checked."""
    corrected = set((change.corrected or "").split(","))
    flags: list[str] = []
    if council_inferred and change.council and "council" not in corrected:
        flags.append("council_inferred")
    if (change.kind == "defection" and change.to_party == "Independent"
            and "to_party" not in corrected
            and not any("independent" in s.evidence_text.lower() for s in sources)):
        flags.append("to_party_assumed")
    if not change.date:
        flags.append("no_date")
    if not change.council:
        flags.append("no_council")
    needed = {"defection": ("from_party", "to_party"), "readmission": ("to_party",)}
    if any(getattr(change, f) is None for f in needed.get(change.kind, ("from_party",))):
        flags.append("party_unknown")
    if sources and all(s.status == "background" for s in sources):
        flags.append("background_only")
    if len({s.article_id for s in sources}) <= 1:
        flags.append("single_source")
    return tuple(flags)


def change_page(store: Store, filters: ChangeFilters, page: int = 1, limit: int = 50,
                sort: str = "reported") -> ChangePage:
    """One page of the changes the filters select, newest first."""
    found = matching_changes(store, filters, sort)
    if filters.confidence == "low":
        rows = [r for r in rows_for(store, found) if r.low_confidence]
        return ChangePage(rows[(page - 1) * limit: page * limit], len(rows), page, limit)
    chosen = found[(page - 1) * limit: page * limit]
    return ChangePage(rows_for(store, chosen), len(found), page, limit)


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
