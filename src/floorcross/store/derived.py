"""Columns worked out from the record so that every listing can filter, sort and count in SQL.

``changes.sources``, ``changes.flags``, ``changes.low_confidence``, ``changes.sort_reported``
and ``changes.sort_date`` are a pure function of a change and its reports (the sentences, their
status and the extraction record behind each), so ``store.sync`` brings them up to date for
every change it touches, in the same transaction. ``person_names.folded`` is the name folded
(accents, case, punctuation) for a search prefilter. The migration ``0006_web_scale`` fills them
for databases made before it.

The review flags and what *low confidence* means are defined here (``docs/web.md``): a change is
low confidence when any of its facts was guessed or is missing: its council was inferred from
the ward name alone, its new party is an "Independent" the extractor assumed because no article
names one, it has no date, no council, or a party unknown, or no article reports it as news.
One source only is flagged too, but is not low confidence by itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from floorcross.normalise.names import fold
from floorcross.store.models import Change, ChangeSource, Extraction, PersonName

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
CHUNK = 500


def review_flags(*, kind: str, from_party: str | None, to_party: str | None,
                 council: str | None, date: str | None, corrected: str | None,
                 reports: Sequence[tuple[int, str, str]], council_inferred: bool
                 ) -> tuple[str, ...]:
    """Why an editor might doubt a change; ``reports`` are (article id, status, evidence text).
    Corrected fields count as checked."""
    fixed = set((corrected or "").split(","))
    flags: list[str] = []
    if council_inferred and council and "council" not in fixed:
        flags.append("council_inferred")
    if (kind == "defection" and to_party == "Independent" and "to_party" not in fixed
            and not any("independent" in text.lower() for _, _, text in reports)):
        flags.append("to_party_assumed")
    if not date:
        flags.append("no_date")
    if not council:
        flags.append("no_council")
    values = {"from_party": from_party, "to_party": to_party}
    needed = {"defection": ("from_party", "to_party"), "readmission": ("to_party",)}
    if any(values[f] is None for f in needed.get(kind, ("from_party",))):
        flags.append("party_unknown")
    if reports and all(status == "background" for _, status, _ in reports):
        flags.append("background_only")
    if len({article for article, _, _ in reports}) <= 1:
        flags.append("single_source")
    return tuple(flags)


def is_low_confidence(flags: Iterable[str]) -> bool:
    return bool(LOW_CONFIDENCE_FLAGS.intersection(flags))


def _chunks(items: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def refresh_changes(session: Session, change_ids: Iterable[int]) -> int:
    """Recompute the derived columns of these changes; return how many were updated."""
    ids = sorted(set(change_ids))
    updates: list[dict[str, Any]] = []
    for part in _chunks(ids):
        changes = session.execute(
            select(Change.id, Change.kind, Change.from_party, Change.to_party, Change.council,
                   Change.date, Change.reported, Change.corrected, Change.sources,
                   Change.flags, Change.low_confidence, Change.sort_reported, Change.sort_date)
            .where(Change.id.in_(part))).all()
        reports: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        refs: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for cid, article, status, text, extraction, index in session.execute(
                select(ChangeSource.change_id, ChangeSource.article_id, ChangeSource.status,
                       ChangeSource.evidence_text, ChangeSource.extraction_id,
                       ChangeSource.event_index)
                .where(ChangeSource.change_id.in_(part))):
            reports[cid].append((article, status, text))
            refs[cid].append((extraction, index))
        records = dict(session.execute(
            select(Extraction.id, Extraction.record)
            .where(Extraction.id.in_({e for r in refs.values() for e, _ in r}))).all())
        for row in changes:
            inferred = [_event_inferred(records.get(e), i) for e, i in refs.get(row.id, [])]
            flags = review_flags(kind=row.kind, from_party=row.from_party,
                                 to_party=row.to_party, council=row.council, date=row.date,
                                 corrected=row.corrected, reports=reports.get(row.id, []),
                                 council_inferred=bool(inferred) and all(inferred))
            new = {"sources": len({a for a, _, _ in reports.get(row.id, [])}),
                   "flags": ",".join(flags), "low_confidence": int(is_low_confidence(flags)),
                   "sort_reported": row.reported or row.date or "",
                   "sort_date": row.date or row.reported or ""}
            if any(getattr(row, k) != v for k, v in new.items()):
                updates.append({"id": row.id, **new})
    for i in range(0, len(updates), CHUNK):
        session.execute(update(Change), updates[i:i + CHUNK])
    return len(updates)


def _event_inferred(record: Any, index: int) -> bool:
    events = (record or {}).get("events") or []
    event = events[index] if 0 <= index < len(events) else {}
    return bool(event.get("council_inferred"))


def refresh_names(session: Session, name_ids: Iterable[int] | None = None) -> None:
    """Fill ``person_names.folded`` (all rows, or those given)."""
    query = select(PersonName.id, PersonName.name, PersonName.folded)
    if name_ids is not None:
        wanted = sorted(set(name_ids))
        if not wanted:
            return
        query = query.where(PersonName.id.in_(wanted)) if len(wanted) <= CHUNK else query
    updates = [{"id": i, "folded": fold(n)} for i, n, f in session.execute(query)
               if f != fold(n)]
    for i in range(0, len(updates), CHUNK):
        session.execute(update(PersonName), updates[i:i + CHUNK])


def refresh_all(session: Session) -> None:
    """Recompute every derived column (after a bulk load, or an upgrade)."""
    refresh_changes(session, session.execute(select(Change.id)).scalars())
    refresh_names(session)


__all__ = ["FLAGS", "LOW_CONFIDENCE_FLAGS", "is_low_confidence", "refresh_all",
           "refresh_changes", "refresh_names", "review_flags"]
