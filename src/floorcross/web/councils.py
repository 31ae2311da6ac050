"""Councils in the web app: finding one from a URL, the directory, and a council's page.

A council is addressed by its GSS code (``E06000032``) or a slug of its short name (``luton``);
a former council (``E07000206``, Waveney) has its own page, up to its last day, linking to its
successor, and a council's page links to the councils it replaced (changes are recorded on the
council of their date). The seats, the chart of seats
over time and the conflicts with reported figures come from the composition ledger
(:class:`floorcross.ledger.Ledger`); the changes and the counts articles state come from the
store. Nothing here counts seats itself.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from floorcross.normalise.councils import Council, gazetteer
from floorcross.resolve import slug
from floorcross.store import Store
from floorcross.store.db import read_session
from floorcross.store.errors import NotFound
from floorcross.store.queries import data_version
from floorcross.web.changelist import ChangeRow, matching_changes, rows_for
from floorcross.web.params import ChangeFilters
from floorcross.web.present import party_colour

if TYPE_CHECKING:
    from floorcross.ledger import Conflict, CouncilState, CouncilSummary, Ledger, LedgerStep

T = TypeVar("T")
GSS_RE = re.compile(r"[EWSN]\d{8}", re.IGNORECASE)


def council_slug(council: Council) -> str:
    """The council's short name as a URL part: "Luton" -> ``luton``."""
    return slug(council.nice_name or council.official_name)


@lru_cache(maxsize=1)
def _slugs() -> dict[str, Council]:
    found: dict[str, Council] = {}
    # Current councils first, so a slug shared with a former council means the current one.
    for council in sorted(gazetteer().councils, key=lambda c: (not c.current, c.gss)):
        found.setdefault(council_slug(council), council)
    return found


def find_council(ref: str) -> Council:
    """The council a GSS code, slug or name refers to (a former council is itself; an older
    code of a recoded council is that council); :class:`NotFound` if none."""
    gaz = gazetteer()
    text = ref.strip()
    council = None
    if GSS_RE.fullmatch(text):
        council = gaz.council_by_gss(text.upper())
    if council is None and text:
        council = _slugs().get(text.lower()) or gaz.council_by_name(text)
    if council is None:
        raise NotFound(f"no council called {ref!r}: give a GSS code (E06000032), a short "
                       "name (luton) or search for it")
    return council


def council_ref(council: Council) -> dict[str, Any]:
    """How the API names a council everywhere."""
    return {"gss": council.gss, "slug": council_slug(council), "name": council.official_name,
            "short_name": council.nice_name or council.official_name,
            "region": council.region or None, "nation": council.nation or None}


def in_region(council: Council, region: str | None) -> bool:
    """Whether the council lies in ``region`` (a region or a nation; any when None)."""
    if not region:
        return True
    wanted = region.strip().lower()
    return wanted in {(council.region or "").lower(), (council.nation or "").lower()}


def ledger_for(store: Store) -> Ledger:
    """The composition ledger over ``store``."""
    from floorcross.ledger import Ledger

    return Ledger(store)


# The ledger replays every change of every council, so its answers over all councils (the
# directory, all conflicts, the changes behind them) are kept per store and worked out again
# only when the data they come from differ (``queries.data_version``, a few aggregate
# queries). One value per question per store: memory stays flat however many requests come.
_CACHE: weakref.WeakKeyDictionary[Store, dict[str, tuple[Any, Any]]] = (
    weakref.WeakKeyDictionary())
_CACHE_LOCK = threading.Lock()


def cached(store: Store, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, or its value from the last call if the store's data are unchanged."""
    with read_session(store.engine) as session:
        version = data_version(session)
    with _CACHE_LOCK:
        hit = _CACHE.get(store, {}).get(name)
    if hit is not None and hit[0] == version:
        return hit[1]  # type: ignore[no-any-return]
    value = compute()
    with _CACHE_LOCK:
        _CACHE.setdefault(store, {})[name] = (version, value)
    return value


def all_conflicts(store: Store) -> list[Conflict]:
    """Every conflict the ledger finds, on every council (cached, see :func:`cached`)."""
    return cached(store, "conflicts", lambda: ledger_for(store).conflicts())


# ------------------------------------------------------------------------------ directory


@dataclass(frozen=True)
class CouncilRow:
    """One council in the directory: its recorded changes and the ledger's summary."""

    council: Council
    summary: CouncilSummary

    def as_dict(self) -> dict[str, Any]:
        data = self.summary.as_dict()
        data.pop("council", None)
        data.pop("council_gss", None)
        return council_ref(self.council) | data


def council_directory(store: Store, region: str | None = None) -> list[CouncilRow]:
    """Every council the ledger knows (a recorded change or a baseline), most changes first.

    Councils the gazetteer does not know (no GSS code) have no page and are left out."""
    gaz = gazetteer()
    rows: list[CouncilRow] = []
    summaries = cached(store, "directory", lambda: ledger_for(store).councils())
    for summary in summaries:
        council = gaz.council_by_gss(summary.council_gss) if summary.council_gss else None
        if council is None or not in_region(council, region):
            continue
        rows.append(CouncilRow(council, summary))
    return sorted(rows, key=lambda r: (-r.summary.changes, r.council.official_name))


# ------------------------------------------------------------------------------ a council page


@dataclass
class CouncilPage:
    """Everything the council page and ``/api/councils/{ref}`` show."""

    council: Council
    on: str | None
    state: CouncilState
    rows: list[ChangeRow]
    stated: list[dict[str, Any]]
    history: list[LedgerStep] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "council": council_ref(self.council),
            "on": self.on,
            "composition": composition_dict(self.state),
            "conflicts": [c.as_dict() for c in self.conflicts],
            "stated": self.stated,
            "changes": [r.as_dict() for r in self.rows],
        }


def composition_dict(state: CouncilState) -> dict[str, Any]:
    """The ledger's state without the changes it was built from (the API lists those apart)."""
    data = state.as_dict()
    data.pop("changes", None)
    data.pop("conflicts", None)
    return data


def composition_rows(state: CouncilState) -> list[dict[str, Any]]:
    """One row per party, most seats first (the table on the page and its CSV), with the
    source of each figure (baseline, article, derived or net), how sure it is, and the
    article and sentence it rests on."""
    total = state.total if state.has_baseline else 0
    figures = {f.party: f for f in state.figures}
    rows = []
    for party, seats in sorted(state.seats.items(), key=lambda kv: (-kv[1], kv[0])):
        f = figures.get(party)
        rows.append({"party": party, "seats": seats,
                     "share": round(100 * seats / total, 1) if total else None,
                     "source": f.source if f else None, "sure": f.sure if f else None,
                     "since": f.since if f else None,
                     "article_id": f.article_id if f else None,
                     "evidence": f.evidence if f else None,
                     "changes_since": f.changes_since if f else 0})
    return rows


def council_page(store: Store, council: Council, on: str | None = None,
                 with_history: bool = True) -> CouncilPage:
    """The council's composition on ``on`` (default today), its changes, the seat counts
    articles stated, its seats over time and any conflicts with reported figures."""
    ledger = ledger_for(store)
    state = ledger.state(council.gss, on=on)
    rows = rows_for(store, matching_changes(store, ChangeFilters(council=council.gss), "date"))
    stated = store.compositions(council.gss)
    history = ledger.history(council.gss) if with_history else []
    # The state on a date lists the conflicts up to it; the page shows them all.
    conflicts = state.conflicts if on is None else ledger.conflicts(council.gss)
    return CouncilPage(council, on, state, rows, stated, history, conflicts)


def history_rows(steps: list[LedgerStep]) -> list[dict[str, Any]]:
    """Seats over time as a table: one row per step, one column per party (for CSV)."""
    parties = sorted({p for s in steps for p in s.seats},
                     key=lambda p: (-max(s.seats.get(p, 0) for s in steps), p))
    out = []
    for step in steps:
        change = step.change
        row: dict[str, Any] = {
            "date": step.date or "undated", "change_id": change.id if change else None,
            "person": change.person if change else None,
            "event": f"{change.kind}: {step.seat_from or '?'} -> {step.seat_to or '?'}"
                     if change else f"{step.checkpoint.label()} states the seats"
                     if step.checkpoint else "baseline",
            "total": step.total, "control": step.control_label,
        }
        row.update({p: step.seats.get(p, 0) for p in parties})
        out.append(row)
    return out


def seats_chart(page: CouncilPage) -> dict[str, Any] | None:
    """Plotly traces for seats over time: a stepped line per party from the ledger's history,
    the majority line, and the seat counts articles reported (diamonds) to compare."""
    steps = [s for s in page.history if s.date]  # an undated change has no place on a timeline
    if not steps:
        return None
    parties = sorted({p for s in steps for p in s.seats},
                     key=lambda p: (-max(s.seats.get(p, 0) for s in steps), p))
    dates = [s.date for s in steps]
    traces: list[dict[str, Any]] = [
        {"type": "scatter", "name": party, "x": dates,
         "y": [s.seats.get(party, 0) for s in steps], "mode": "lines+markers",
         "line": {"shape": "hv", "color": party_colour(party)},
         "marker": {"color": party_colour(party), "size": 6}}
        for party in parties
    ]
    if any(s.total and s.has_baseline for s in steps):
        traces.append({"type": "scatter", "name": "Majority", "x": dates,
                       "y": [s.total // 2 + 1 if s.total and s.has_baseline else None
                             for s in steps],
                       "mode": "lines", "line": {"dash": "dot", "color": "#333333",
                                                 "shape": "hv"}})
    reported = [s for s in page.stated if s["date"]]
    for party in sorted({s["party"] for s in reported}):
        mine = [s for s in reported if s["party"] == party]
        traces.append({"type": "scatter", "name": f"{party} (reported)",
                       "x": [s["date"] for s in mine], "y": [s["seats"] for s in mine],
                       "mode": "markers", "marker": {"symbol": "diamond-open", "size": 11,
                                                     "color": party_colour(party)}})
    return {"traces": traces, "title": f"Seats on {page.council.official_name}"}


# ------------------------------------------------------------------------------ conflicts


def conflict_change_ids(store: Store) -> set[int]:
    """The changes behind a conflict: counted by the ledger on its council, moving a seat to
    or from its party, on or before the date of the reported count the ledger disagrees with
    (any of them may be wrong, or a change may be missing). Cached, see :func:`cached`."""
    return cached(store, "conflict_ids", lambda: _conflict_change_ids(store))


def _conflict_change_ids(store: Store) -> set[int]:
    ledger = ledger_for(store)
    by_council: dict[str, list[Conflict]] = {}
    for conflict in all_conflicts(store):
        if conflict.council_gss:
            by_council.setdefault(conflict.council_gss, []).append(conflict)
    out: set[int] = set()
    for gss, conflicts in by_council.items():
        for step in ledger.history(gss):
            change = step.change
            if change is None:
                continue
            parties = {step.seat_from, step.seat_to, change.from_party, change.to_party}
            if any(c.party in parties and (step.date is None or step.date <= c.date)
                   for c in conflicts):
                out.add(change.id)
    return out
