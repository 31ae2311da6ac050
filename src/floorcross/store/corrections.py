"""Human corrections, kept as data and re-applied to every fresh resolution.

Resolution is recomputed whenever articles arrive or are re-extracted, so a correction cannot
be an edit to a row: it is a record (``corrections`` table) naming its target by stable key, and
:func:`apply_corrections` replays all of them, in the order they were made, over the resolver's
output. A correction finds its target by:

1. the key it was made against (``luton/dana-whitlock/2023-09-defection``);
2. failing that, a key merged into another (``Resolution.aliases``);
3. failing that, its *anchor*: the articles (content hashes) and names behind the target when
   the correction was made. After a re-extraction renames a key (say the first article now
   yields "Mohammed Aslam Khan" where it said "Aslam Khan") the change or person reported by
   the same articles under a compatible name is taken.

A correction that finds nothing is reported as orphaned and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from floorcross.normalise.councils import Gazetteer
from floorcross.normalise.names import fold, strip_titles
from floorcross.records import KINDS, OFFICES
from floorcross.resolve import (
    Mention,
    Resolution,
    ResolvedChange,
    ResolvedPerson,
    change_fit,
    date_range,
    name_score,
    resolve_council,
)
from floorcross.store.errors import CorrectionError

ACTIONS: tuple[str, ...] = (
    "correct_change", "reject_change", "verify_change", "merge_people", "split_person",
)
CORRECTABLE: tuple[str, ...] = (
    "kind", "from_party", "to_party", "council", "ward", "office", "role", "date",
)


@dataclass(frozen=True)
class CorrectionSpec:
    """A correction as stored (one row of ``corrections``)."""

    id: int
    action: str
    target_key: str
    other_key: str | None = None
    field: str | None = None
    value: Any = None
    anchor: Any = None


def check_value(field: str, value: Any) -> Any:
    """Validate and normalise a corrected value; raise :class:`CorrectionError` if wrong."""
    if field not in CORRECTABLE:
        raise CorrectionError(f"cannot correct '{field}': choose one of {', '.join(CORRECTABLE)}")
    if value is None or (isinstance(value, str) and not value.strip()):
        if field == "kind":
            raise CorrectionError("kind cannot be empty")
        return None
    value = str(value).strip()
    if field == "kind" and value not in KINDS:
        raise CorrectionError(f"kind must be one of {', '.join(KINDS)}")
    if field == "office" and value not in OFFICES:
        raise CorrectionError(f"office must be one of {', '.join(OFFICES)}")
    if field == "date" and date_range(value) is None:
        raise CorrectionError(f"date must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    return value


# ------------------------------------------------------------------------------ anchors


def change_anchor(sources: Iterable[tuple[str, str, str]]) -> dict[str, Any]:
    """The anchor of a change: its reports as [content hash, name in article, kind]."""
    return {"sources": sorted({(h, n, k) for h, n, k in sources})}


def person_anchor(sources: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The anchor of a person: their mentions as [content hash, name in article]."""
    return {"mentions": sorted(set(sources))}


def _find_change(res: Resolution, key: str, anchor: Any) -> ResolvedChange | None:
    key = _follow(res.aliases, key)
    if key in res.changes:
        return res.changes[key]
    wanted = [tuple(s) for s in (anchor or {}).get("sources", [])]
    best: tuple[int, ResolvedChange] | None = None
    for change in res.changes.values():
        score = sum(
            1 for m in change.mentions for h, n, k in wanted
            if m.content_hash == h and m.event.kind == k and name_score(m.name, n)
        )
        if score and (best is None or score > best[0]):
            best = (score, change)
    return best[1] if best else None


def _find_person(res: Resolution, key: str, anchor: Any) -> ResolvedPerson | None:
    key = _follow(res.aliases, key)
    if key in res.people:
        return res.people[key]
    wanted = [tuple(s) for s in (anchor or {}).get("mentions", [])]
    best: tuple[int, ResolvedPerson] | None = None
    for person in res.people.values():
        score = sum(
            1 for m in person.mentions for h, n in wanted
            if m.content_hash == h and name_score(m.name, n)
        )
        if score and (best is None or score > best[0]):
            best = (score, person)
    return best[1] if best else None


def _follow(aliases: dict[str, str], key: str) -> str:
    seen: set[str] = set()
    while key in aliases and key not in seen:
        seen.add(key)
        key = aliases[key]
    return key


# ------------------------------------------------------------------------------ applying


def apply_corrections(res: Resolution, corrections: Sequence[CorrectionSpec],
                      gaz: Gazetteer) -> list[int]:
    """Replay corrections over ``res`` in id order (in place); return the orphaned ids."""
    orphans: list[int] = []
    for spec in sorted(corrections, key=lambda c: c.id):
        if not _apply_one(res, spec, gaz):
            orphans.append(spec.id)
    res.refresh_people()
    return orphans


def _apply_one(res: Resolution, spec: CorrectionSpec, gaz: Gazetteer) -> bool:
    if spec.action in ("correct_change", "reject_change", "verify_change"):
        change = _find_change(res, spec.target_key, spec.anchor)
        if change is None:
            return False
        if spec.action == "reject_change":
            change.review = "rejected"
        elif spec.action == "verify_change":
            change.review = "verified"
        else:
            _override(change, spec.field or "", spec.value, gaz)
        return True
    if spec.action == "merge_people":
        keep = _find_person(res, spec.target_key, (spec.anchor or {}).get("target"))
        gone = _find_person(res, spec.other_key or "", (spec.anchor or {}).get("other"))
        if keep is None or gone is None:
            return False
        if keep.key != gone.key:
            merge_people(res, keep.key, gone.key)
        return True
    if spec.action == "split_person":
        person = _find_person(res, spec.target_key, spec.anchor)
        if person is None:
            return False
        value = spec.value or {}
        split_person(res, person.key, spec.id, value.get("names", []), value.get("articles", []))
        return True
    return False


def _override(change: ResolvedChange, field: str, value: Any, gaz: Gazetteer) -> None:
    change.overrides[field] = value
    if field == "kind" and value:
        change.kind = value
    if field == "council":
        name, gss, _ = resolve_council(value, None, None, gaz) if value else (None, None, None)
        change.overrides["council"] = name
        change.overrides["council_gss"] = gss


def merge_people(res: Resolution, keep: str, gone: str) -> None:
    """Move every change of ``gone`` to ``keep``; reports of one change become one change."""
    for change in res.changes_of(gone):
        change.person_key = keep
    res.aliases[gone] = keep
    res.people[keep].mentions = sorted(
        res.people[keep].mentions + res.people.pop(gone).mentions, key=lambda m: m.order
    )
    changes = res.changes_of(keep)
    for i, later in enumerate(changes):
        if later.key not in res.changes:
            continue
        for earlier in changes[:i]:
            if earlier.key in res.changes and _joinable(earlier, later):
                earlier.mentions = sorted(earlier.mentions + later.mentions, key=lambda m: m.order)
                earlier.overrides = {**later.overrides, **earlier.overrides}
                if earlier.review == "unreviewed":
                    earlier.review = later.review
                res.aliases[later.key] = earlier.key
                del res.changes[later.key]
                break


def _joinable(earlier: ResolvedChange, later: ResolvedChange) -> bool:
    return all(change_fit(earlier, m) is not None for m in later.ranked())


def split_person(res: Resolution, key: str, correction_id: int, names: Sequence[str],
                 articles: Sequence[str]) -> None:
    """Move the mentions under ``names`` or from ``articles`` (hashes) to a new person.

    The new person's key is the old one with ``-s<correction id>``; so is the key of any
    change whose reports are divided between the two.
    """
    new_key = f"{key}-s{correction_id}"
    folded = {fold(strip_titles(n)) for n in names}
    hashes = set(articles)

    def moves(m: Mention) -> bool:
        return fold(m.name) in folded or m.content_hash in hashes

    person = res.people[key]
    if not any(moves(m) for m in person.mentions) or all(moves(m) for m in person.mentions):
        return
    res.people[new_key] = ResolvedPerson(new_key, [m for m in person.mentions if moves(m)])
    person.mentions = [m for m in person.mentions if not moves(m)]
    for change in list(res.changes_of(key)):
        moved = [m for m in change.mentions if moves(m)]
        if not moved:
            continue
        if len(moved) == len(change.mentions):
            change.person_key = new_key
            continue
        change.mentions = [m for m in change.mentions if not moves(m)]
        part = ResolvedChange(f"{change.key}-s{correction_id}", new_key, change.kind, moved,
                              change.review, dict(change.overrides))
        res.changes[part.key] = part
