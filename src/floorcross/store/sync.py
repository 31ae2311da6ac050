"""Write a resolution into the people/changes tables, touching only the rows that differ.

Rows are matched by their stable natural keys (``people.key``, ``changes.key``, and
``(extraction_id, event_index)`` for a report), so a row keeps its id for as long as its key
exists: ids in URLs stay valid across re-resolutions. New rows get ``max(id) + 1`` in the
resolution's order, which is the order of the articles, so the ids do not depend on how an
ingest was cut into batches or interrupted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from floorcross.normalise.names import fold
from floorcross.resolve import Resolution, ResolvedChange, describe_date
from floorcross.store.derived import refresh_changes
from floorcross.store.models import Base, Change, ChangeSource, Person, PersonName

PERSON_FIELDS: tuple[str, ...] = ("name", "council", "council_gss", "ward", "office")
CHANGE_FIELDS: tuple[str, ...] = (
    "person_id", "kind", "from_party", "to_party", "council", "council_gss", "ward", "office",
    "role", "date", "date_start", "date_end", "reported", "review", "corrected",
)
CHUNK = 500


@dataclass
class SyncCounts:
    """What a sync changed (for the ingest summary)."""

    changes_new: int = 0
    changes_updated: int = 0
    changes_removed: int = 0
    people_new: int = 0
    new_keys: list[str] = field(default_factory=list)


def next_id(session: Session, model: type[Base]) -> int:
    """The id for the next row of ``model``: one more than the largest (1 when empty)."""
    table = model.__table__  # type: ignore[attr-defined]
    return int(session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _delete_ids(session: Session, model: type[Base], ids: Sequence[int]) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    for part in _chunks(sorted(ids)):
        session.execute(delete(table).where(table.c.id.in_(part)))


def person_row(res: Resolution, key: str) -> dict[str, Any]:
    p = res.people[key]
    return {"name": p.name, "council": p.first("council"), "council_gss": p.first("council_gss"),
            "ward": p.first("ward"), "office": p.first("office")}


def change_row(change: ResolvedChange, person_id: int) -> dict[str, Any]:
    date = change.value("date")
    start, end = describe_date(date)
    corrected = sorted(set(change.overrides) - {"council_gss"})
    return {
        "person_id": person_id, "kind": change.value("kind"),
        "from_party": change.value("from_party"), "to_party": change.value("to_party"),
        "council": change.value("council"), "council_gss": change.value("council_gss"),
        "ward": change.value("ward"), "office": change.value("office"),
        "role": change.value("role"), "date": date, "date_start": start, "date_end": end,
        "reported": change.reported(), "review": change.review,
        "corrected": ",".join(corrected) or None,
    }


def source_rows(res: Resolution) -> dict[tuple[int, int], dict[str, Any]]:
    """Every report of every change, keyed by (extraction id, event index)."""
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for change in res.changes.values():
        for m in change.mentions:
            ev = m.event
            rows[m.ref] = {
                "change_key": change.key, "article_id": m.article_id,
                "extraction_id": m.extraction_id, "event_index": m.event_index,
                "status": ev.status, "person_name": m.name, "date": ev.date,
                "evidence_text": " ".join(e.text for e in ev.evidence),
                "evidence": [e.model_dump(mode="json") for e in ev.evidence],
                "quotes": [q.model_dump(mode="json") for q in ev.quotes],
            }
    return rows


def sync(session: Session, res: Resolution) -> SyncCounts:
    """Make people, person_names, changes and change_sources equal ``res``."""
    counts = SyncCounts()
    person_ids = _sync_people(session, res, counts)
    change_ids, touched = _sync_changes(session, res, person_ids, counts)
    touched |= _sync_sources(session, res, change_ids)
    gone_changes = [cid for key, cid in change_ids.items() if key not in res.changes]
    refresh_changes(session, [change_ids[k] for k in touched | set(counts.new_keys)
                              if k in res.changes and k in change_ids])
    _delete_ids(session, Change, gone_changes)
    counts.changes_removed = len(gone_changes)
    new = set(counts.new_keys)
    counts.changes_updated = len({k for k in touched if k in res.changes and k not in new})
    _sync_names(session, res, person_ids)
    gone_people = [pid for key, pid in person_ids.items() if key not in res.people]
    _delete_ids(session, Person, gone_people)
    return counts


def _sync_people(session: Session, res: Resolution, counts: SyncCounts) -> dict[str, int]:
    existing = {
        row.key: row
        for row in session.execute(select(Person.__table__)).mappings()
    }
    ids = {key: row["id"] for key, row in existing.items()}
    new_rows, updates = [], []
    nid = next_id(session, Person)
    for key in res.people:
        row = person_row(res, key)
        if key in existing:
            old = existing[key]
            if any(old[f] != row[f] for f in PERSON_FIELDS):
                updates.append({"id": old["id"], **row})
        else:
            ids[key] = nid
            new_rows.append({"id": nid, "key": key, **row})
            nid += 1
    if new_rows:
        session.execute(insert(Person), new_rows)
        counts.people_new = len(new_rows)
    if updates:
        session.execute(update(Person), updates)
    return ids


def _sync_changes(session: Session, res: Resolution, person_ids: dict[str, int],
                  counts: SyncCounts) -> tuple[dict[str, int], set[str]]:
    existing = {row.key: row for row in session.execute(select(Change.__table__)).mappings()}
    ids = {key: row["id"] for key, row in existing.items()}
    touched: set[str] = set()
    new_rows, updates = [], []
    nid = next_id(session, Change)
    for key, change in res.changes.items():
        row = change_row(change, person_ids[change.person_key])
        if key in existing:
            old = existing[key]
            if any(old[f] != row[f] for f in CHANGE_FIELDS):
                updates.append({"id": old["id"], **row})
                touched.add(key)
        else:
            ids[key] = nid
            new_rows.append({"id": nid, "key": key, **row})
            counts.new_keys.append(key)
            nid += 1
    if new_rows:
        session.execute(insert(Change), new_rows)
        counts.changes_new = len(new_rows)
    if updates:
        session.execute(update(Change), updates)
    return ids, touched


def _sync_sources(session: Session, res: Resolution, change_ids: dict[str, int]) -> set[str]:
    """Insert, move and delete reports; return the keys of changes whose reports changed."""
    key_of = {cid: key for key, cid in change_ids.items()}
    table = ChangeSource.__table__
    existing = {
        (r.extraction_id, r.event_index): (r.id, r.change_id)
        for r in session.execute(
            select(table.c.id, table.c.extraction_id, table.c.event_index, table.c.change_id)
        )
    }
    wanted = source_rows(res)
    touched: set[str] = set()
    gone = [sid for ref, (sid, cid) in existing.items() if ref not in wanted]
    for ref, (_, cid) in existing.items():
        if ref not in wanted:
            touched.add(key_of.get(cid, ""))
    _delete_ids(session, ChangeSource, gone)
    moves, new_rows = [], []
    nid = next_id(session, ChangeSource)
    for ref in sorted(wanted):
        row = wanted[ref]
        change_id = change_ids[row["change_key"]]
        if ref in existing:
            sid, old_change = existing[ref]
            if old_change != change_id:
                moves.append({"id": sid, "change_id": change_id})
                touched.update({row["change_key"], key_of.get(old_change, "")})
        else:
            fields = {k: v for k, v in row.items() if k != "change_key"}
            new_rows.append({"id": nid, "change_id": change_id, **fields})
            touched.add(row["change_key"])
            nid += 1
    if moves:
        session.execute(update(ChangeSource), moves)
    if new_rows:
        session.execute(insert(ChangeSource), new_rows)
    return touched


def _sync_names(session: Session, res: Resolution, person_ids: dict[str, int]) -> None:
    table = PersonName.__table__
    existing = {
        (r.person_id, r.name): r.id
        for r in session.execute(select(table.c.id, table.c.person_id, table.c.name))
    }
    wanted = [(person_ids[key], name) for key, p in res.people.items() for name in p.names]
    wanted_set = set(wanted)
    _delete_ids(session, PersonName, [i for pair, i in existing.items() if pair not in wanted_set])
    nid = next_id(session, PersonName)
    rows = []
    for pair in wanted:
        if pair not in existing:
            rows.append({"id": nid, "person_id": pair[0], "name": pair[1],
                         "folded": fold(pair[1])})
            nid += 1
    if rows:
        session.execute(insert(PersonName), rows)
