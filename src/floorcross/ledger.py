"""The council composition ledger: seats per party on any date, how they got there, and where
the news disagrees.

A council's ledger starts from a *baseline* (seats per party on a date, imported from a CSV of
``council,party,seats,date``) and applies every stored change after it in date order, each
moving one seat from the party left to the party joined. Seat counts that articles state (the
``compositions`` table) are *checkpoints*: where the ledger and an article disagree on a date,
:meth:`Ledger.conflicts` reports both figures and the article. The rules for changes that leave
a party out live in ``data/ledger.yaml``; ``docs/ledger.md`` explains them all.

Typical use::

    from floorcross import open_store
    from floorcross.ledger import Ledger

    ledger = Ledger(open_store("floorcross.db"))
    ledger.import_baseline("baselines.csv")
    state = ledger.state("Luton", on="2023-10-31")
    print(state.seats, state.control_label)
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date as Date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from floorcross.council_sizes import CouncilSize, CouncilSizes, council_sizes
from floorcross.normalise.councils import Council, Gazetteer, normalise_name
from floorcross.normalise.parties import canonical_party
from floorcross.resolve import date_range
from floorcross.resources import load_yaml
from floorcross.store.db import read_session, write_session
from floorcross.store.errors import NotFound, StoreError
from floorcross.store.ledger_models import CouncilBaseline
from floorcross.store.models import Article, Composition
from floorcross.store.queries import ChangeView, parse_when
from floorcross.store.sync import next_id

if TYPE_CHECKING:
    from floorcross.store import Store

NO_CONTROL = "No overall control"
NO_BASELINE = "no baseline: net changes only"
PARTIAL = "partial: seats known only for the parties articles named"
BASELINE_COLUMNS = ("council", "party", "seats", "date")


class LedgerError(StoreError, ValueError):
    """A baseline file or request the ledger cannot use; the message says what to fix."""


# ------------------------------------------------------------------------------ rules


@dataclass(frozen=True)
class LedgerRules:
    """The rules in ``data/ledger.yaml`` (see the comments there)."""

    seat_offices: frozenset[str | None]
    to_unnamed: dict[str, str]
    from_unnamed: dict[str, str]
    readmitted_from: str
    held_apart_by: frozenset[str]
    never_in_control: frozenset[str]
    baseline_party_abbreviations: dict[str, str] = field(default_factory=dict)

    def baseline_party(self, name: str) -> str | None:
        """The canonical party for a party as a baseline CSV names it ("Lab", "Lib Dems")."""
        text = name.strip()
        folded = {k.lower(): v for k, v in self.baseline_party_abbreviations.items()}
        return folded.get(text.lower()) or canonical_party(text) or None


@cache
def ledger_rules() -> LedgerRules:
    """The ledger's rules, read once from ``data/ledger.yaml``."""
    data = load_yaml("ledger.yaml")
    return LedgerRules(
        seat_offices=frozenset(data["seat_offices"]),
        to_unnamed=dict(data["to_unnamed"]),
        from_unnamed=dict(data["from_unnamed"]),
        readmitted_from=data["readmitted_from"],
        held_apart_by=frozenset(data["held_apart_by"]),
        never_in_control=frozenset(data["never_in_control"]),
        baseline_party_abbreviations=dict(data.get("baseline_party_abbreviations") or {}),
    )


# ------------------------------------------------------------------------------ results


def _iso(day: Date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class Checkpoint:
    """The seats one article states for one council on one date: one checkpoint.

    ``complete`` when the parties it names add up to the council's size on that date (from
    ``data/council_sizes.csv``): it then sets every party's seats, the others to 0. Otherwise
    it is partial and fixes only the parties it names. ``flagged`` says why it is not used at
    all (it adds up to more seats than the council has, or gives one party two counts).
    """

    day: Date | None
    article_id: int
    doc: str | None
    url: str | None
    title: str | None
    published: str | None
    seats: dict[str, int]
    sentences: dict[str, dict[str, Any] | None]
    size: int | None = None
    size_source: str | None = None
    complete: bool = False
    flagged: str | None = None

    @property
    def total(self) -> int:
        return sum(self.seats.values())

    def sentence(self, party: str) -> str | None:
        span = self.sentences.get(party)
        return span["text"] if span else None

    def label(self) -> str:
        """``article 3 of 2023-10-10``: how the ledger names this checkpoint."""
        return f"article {self.article_id} of {_iso(self.day) or 'no date'}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": _iso(self.day), "article_id": self.article_id, "doc": self.doc,
            "url": self.url, "title": self.title, "published": self.published,
            "seats": dict(self.seats), "total": self.total, "size": self.size,
            "size_source": self.size_source, "complete": self.complete, "flagged": self.flagged,
            "evidence": {p: s for p, s in self.sentences.items() if s},
        }


@dataclass(frozen=True)
class Conflict:
    """Two sources that disagree about one party's seats on one council.

    ``kind`` "article": a count an article states (``reported_seats``) differs from the figure
    the ledger had on that date (``ledger_seats``), which rests on ``basis`` (the baseline or
    an earlier article, on ``since``) moved by the changes ``changes``. ``kind`` "baseline": an
    imported baseline (``reported_seats``) differs from a figure the ledger built from an
    article (``article_id`` and ``evidence`` are then that article's). The more recent source
    wins in the ledger either way; ``gap`` says the difference in one line and
    ``explanations`` which changes would account for it.
    """

    council: str
    council_gss: str | None
    date: str
    party: str
    ledger_seats: int
    reported_seats: int
    article_id: int | None
    doc: str | None
    url: str | None
    title: str | None
    evidence: str | None
    published: str | None = None
    kind: str = "article"
    since: str | None = None
    basis: str | None = None
    changes: tuple[int, ...] = ()
    gap: str = ""
    explanations: tuple[str, ...] = ()
    evidence_start: int | None = None
    evidence_end: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["changes"] = list(self.changes)
        data["explanations"] = list(self.explanations)
        return data


@dataclass(frozen=True)
class Uncounted:
    """A stored change the ledger does not count, and why."""

    change: ChangeView
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.change.as_dict(), "reason": self.reason}


@dataclass(frozen=True)
class PartyFigure:
    """One party's seats, and on what they rest.

    ``source``: "baseline" (an imported baseline, no change since), "article" (a count an
    article stated, no change since), "derived" (one of those moved by ``changes_since``
    changes) or "net" (no count known: gains and losses only). ``sure``: "high" (a baseline,
    or a count that adds up to the council's size, with no change since), "medium" (derived
    from one of those, or a partial count as stated), "low" (derived from a partial count, or
    net). ``since`` is the date of the count it rests on; ``article_id`` and ``evidence`` name
    the article and sentence when that count was stated by an article.
    """

    party: str
    seats: int
    source: str
    sure: str
    since: str | None = None
    article_id: int | None = None
    evidence: str | None = None
    changes_since: int = 0
    url: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LedgerStep:
    """The composition after one step: a baseline, an article's checkpoint or one change.

    ``seat_from``/``seat_to`` are the seat's move as the ledger applied it (a suspension's
    seat goes to Independent, say), which may fill in what the change itself leaves out.
    """

    date: str | None
    change: ChangeView | None
    seats: dict[str, int]
    total: int
    control: str | None
    control_label: str
    seat_from: str | None = None
    seat_to: str | None = None
    has_baseline: bool = True
    checkpoint: Checkpoint | None = None

    @property
    def kind(self) -> str:
        return "change" if self.change else "checkpoint" if self.checkpoint else "baseline"

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date, "kind": self.kind,
            "change": self.change.as_dict() if self.change else None,
            "checkpoint": self.checkpoint.as_dict() if self.checkpoint else None,
            "seat_from": self.seat_from, "seat_to": self.seat_to, "seats": dict(self.seats),
            "total": self.total, "control": self.control, "control_label": self.control_label,
            "has_baseline": self.has_baseline,
        }


def _council_link(council: Council, gaz: Gazetteer) -> dict[str, Any]:
    item = gaz.history(council)
    return {"name": council.official_name, "gss": council.gss,
            "start": _iso(item.start), "end": _iso(item.end), "current": council.current}


@dataclass(frozen=True)
class CouncilState:
    """A council's composition on a date (``on`` None: the latest), and how it got there.

    ``has_baseline`` is true when the whole council is known: from an imported baseline or
    from an article's count that adds up to its size (``basis`` says which: "baseline",
    "article", "partial" when only some parties are known, "net" when none is).
    """

    council: str
    council_gss: str | None
    on: str | None
    baseline_date: str | None
    seats: dict[str, int]
    total: int
    majority: int
    control: str | None
    control_label: str
    changes: list[ChangeView] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    has_baseline: bool = True
    steps: list[LedgerStep] = field(default_factory=list)
    uncounted: list[Uncounted] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    basis: str = "baseline"
    anchor_date: str | None = None
    figures: list[PartyFigure] = field(default_factory=list)
    size: int | None = None
    size_source: str | None = None
    checkpoints: list[Checkpoint] = field(default_factory=list)
    flagged: list[Checkpoint] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    name_then: str | None = None
    predecessors: list[dict[str, Any]] = field(default_factory=list)
    successors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        moves = {s.change.id: s for s in self.steps if s.change}
        return {
            "council": self.council, "council_gss": self.council_gss, "on": self.on,
            "name_then": self.name_then, "start": self.start, "end": self.end,
            "predecessors": list(self.predecessors), "successors": list(self.successors),
            "baseline_date": self.baseline_date, "has_baseline": self.has_baseline,
            "basis": self.basis, "anchor_date": self.anchor_date,
            "seats": dict(self.seats), "total": self.total, "majority": self.majority,
            "size": self.size, "size_source": self.size_source,
            "control": self.control, "control_label": self.control_label,
            "figures": [f.as_dict() for f in self.figures],
            "changes": [
                {**c.as_dict(), "ledger_date": moves[c.id].date,
                 "seat_from": moves[c.id].seat_from, "seat_to": moves[c.id].seat_to}
                for c in self.changes if c.id in moves
            ],
            "checkpoints": [c.as_dict() for c in self.checkpoints],
            "flagged": [c.as_dict() for c in self.flagged],
            "uncounted": [u.as_dict() for u in self.uncounted],
            "conflicts": [c.as_dict() for c in self.conflicts],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class CouncilSummary:
    """One tracked council: its latest composition in brief."""

    council: str
    council_gss: str | None
    baseline_date: str | None
    total: int
    control: str | None
    control_label: str
    changes: int
    conflicts: int
    basis: str = "baseline"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BaselineImport:
    """What ``import_baseline`` did: rows taken, councils touched, one line per row skipped."""

    rows: int
    councils: list[str]
    skipped: list[str]
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        """A one-line summary for the command line."""
        text = (f"imported {self.rows} baseline rows for {len(self.councils)} "
                f"council{'s' if len(self.councils) != 1 else ''} ({self.added} new, "
                f"{self.updated} updated, {self.unchanged} unchanged)")
        return text + (f"; skipped {len(self.skipped)}" if self.skipped else "")




# ------------------------------------------------------------------------------ dates


def effective_day(when: str | None, reported: str | None) -> Date | None:
    """The day a change (or a seat count) counts from.

    A full date is that day. A month or year counts from the day it was first reported when
    that falls inside it (by then it had happened), else from its last day. An undated change
    counts from the day it was first reported; with neither, None (counted only in the latest
    composition).
    """
    told = date_range(reported)
    rng = date_range(when)
    if rng is None:
        return told[0] if told else None
    first, last = rng
    if first == last or told is None:
        return last
    return min(max(told[0], first), last)


def _as_day(on: Date | str | None) -> Date | None:
    if on is None or isinstance(on, Date):
        return on
    text = str(on).strip()
    if not text:
        return None
    return Date.fromisoformat(parse_when(text, end=True))


# ------------------------------------------------------------------------------ replay


@dataclass(frozen=True)
class _Anchor:
    """Where a run of figures starts: a baseline, or an article's checkpoint."""

    kind: str  # "baseline" or "article"
    day: Date | None
    complete: bool
    checkpoint: Checkpoint | None = None

    def label(self) -> str:
        if self.checkpoint is not None:
            return self.checkpoint.label()
        return f"the baseline of {_iso(self.day)}"

    @property
    def sure(self) -> str:
        return "high" if self.kind == "baseline" or self.complete else "medium"


@dataclass(frozen=True)
class _Figure:
    """A party's figure: the anchor it rests on and the changes counted since."""

    anchor: _Anchor
    changes: tuple[int, ...] = ()


@dataclass
class _Entry:
    """One step of the replay, before it becomes a :class:`LedgerStep`."""

    day: Date | None
    change: ChangeView | None
    seats: dict[str, int]
    has_baseline: bool
    seat_from: str | None = None
    seat_to: str | None = None
    checkpoint: Checkpoint | None = None
    figures: dict[str, _Figure] = field(default_factory=dict)
    full: _Anchor | None = None
    baseline: bool = False


@dataclass(frozen=True)
class _RawConflict:
    day: Date
    party: str
    ledger: int
    reported: int
    anchor: _Anchor
    old: _Figure
    election: Date | None = None


@dataclass
class _Replay:
    """A council's whole ledger: every step in order, and the changes left uncounted."""

    entries: list[_Entry]
    uncounted: list[tuple[Date | None, Uncounted]]
    warnings: list[tuple[Date | None, str]]
    conflicts: list[_RawConflict] = field(default_factory=list)
    flagged: list[Checkpoint] = field(default_factory=list)
    moves: dict[int, tuple[Date | None, str, str]] = field(default_factory=dict)

    def upto(self, day: Date | None) -> list[_Entry]:
        """The steps in force on ``day`` (every step when None; undated ones only then)."""
        if day is None:
            return self.entries
        return [e for e in self.entries if e.day is not None and e.day <= day]


def _ordered_seats(seats: dict[str, int]) -> dict[str, int]:
    return dict(sorted(((p, n) for p, n in seats.items() if n), key=lambda kv: (-kv[1], kv[0])))


def _order_key(day: Date | None, rank: int, ident: int) -> tuple[int, Date, int, int]:
    # Undated changes go last. On one day the changes come first, then a baseline (the
    # composition at the end of its day, so it already includes them), then the counts
    # articles state (after the moves they report).
    return (1, Date.max, rank, ident) if day is None else (0, day, rank, ident)


class _Placer:
    """Works out each change's seat move, remembering where it put each person."""

    def __init__(self, rules: LedgerRules) -> None:
        self.rules = rules
        self.party_of: dict[int, str] = {}
        self.held_from: dict[int, str] = {}

    def move(self, change: ChangeView) -> tuple[str, str] | str:
        """(party left, party joined) for the seat, or the reason it cannot be placed."""
        rules = self.rules
        if change.office not in rules.seat_offices:
            return f"a change of {change.office} moves no council seat"
        kind, pid = change.kind, change.person_id
        source = self.party_of.get(pid) or change.from_party or rules.from_unnamed.get(kind)
        if kind == "readmission" and source is not None and source == change.to_party:
            source = rules.readmitted_from
        target = change.to_party
        if target is None:
            rule = rules.to_unnamed.get(kind)
            target = self.held_from.get(pid) if rule == "@previous" else rule
        if source is None:
            return "the party left is not known"
        if target is None:
            return "the party joined is not known"
        if source == target:
            return f"moves no seat (from and to are both {source})"
        self.party_of[pid] = target
        if kind in rules.held_apart_by:
            self.held_from[pid] = source
        return source, target




def _replay(baselines: dict[Date, dict[str, int]], checkpoints: Sequence[Checkpoint],
            changes: Sequence[ChangeView], rules: LedgerRules,
            election: Any = None, outside: Any = None) -> _Replay:
    """Every step of a council's ledger in order.

    ``election(old_day, new_day)`` gives a known election of the council between two days
    (or None); ``outside(day)`` gives the reason a change on ``day`` cannot
    count on this council (it did not exist then), or None.
    """
    events: list[tuple[tuple[int, Date, int, int], Date | None, Any]] = []
    for day, seats in baselines.items():
        events.append((_order_key(day, 1, 0), day, seats))
    flagged = [c for c in checkpoints if c.flagged]
    for cp in checkpoints:
        if cp.flagged:
            continue
        if cp.day is None:
            flagged.append(replace(cp, flagged="no date: the count cannot be placed in time"))
            continue
        events.append((_order_key(cp.day, 2, cp.article_id), cp.day, cp))
    for change in changes:
        day = effective_day(change.date, change.reported)
        events.append((_order_key(day, 0, change.id), day, change))
    events.sort(key=lambda e: e[0])

    placer = _Placer(rules)
    out = _Replay([], [], [], flagged=flagged)
    seats: dict[str, int] = {}
    figures: dict[str, _Figure] = {}
    full: _Anchor | None = None

    def figure(party: str) -> _Figure | None:
        return figures.get(party) or (_Figure(full) if full is not None else None)

    def compare(anchor: _Anchor, stated: dict[str, int]) -> None:
        parties = set(stated)
        if anchor.complete:
            parties |= {p for p, n in seats.items() if n and figure(p) is not None}
        for party in sorted(parties):
            old = figure(party)
            if old is None or anchor.day is None:
                continue  # net changes only: nothing to compare with
            before, after = seats.get(party, 0), stated.get(party, 0)
            if before == after:
                continue
            if old.anchor.kind == "baseline" and anchor.kind == "baseline":
                continue  # a baseline replaces the one before
            voted = election(old.anchor.day, anchor.day) if election is not None else None
            if voted is not None and anchor.kind == "baseline":
                continue  # a baseline after an election: the seats were elected anew
            out.conflicts.append(_RawConflict(anchor.day, party, before, after, anchor, old,
                                              voted))

    def snapshot(day: Date | None, **extra: Any) -> None:
        out.entries.append(_Entry(day, seats=_ordered_seats(seats), has_baseline=full is not None,
                                  figures=dict(figures), full=full, **extra))

    for _, day, item in events:
        if isinstance(item, dict):
            anchor = _Anchor("baseline", day, True)
            compare(anchor, item)
            seats, figures, full = dict(item), {p: _Figure(anchor) for p in item}, anchor
            snapshot(day, change=None, baseline=True)
            continue
        if isinstance(item, Checkpoint):
            cp = item
            held = {p for p, n in seats.items() if n and figure(p) is not None}
            if not cp.complete and cp.size is None and full is not None and held <= set(cp.seats):
                # the council's size is not known, but the count names every party the
                # ledger holds seats for: it is the whole council
                cp = replace(cp, complete=True)
            anchor = _Anchor("article", day, cp.complete, cp)
            compare(anchor, cp.seats)
            if cp.complete:
                seats, figures, full = dict(cp.seats), {p: _Figure(anchor) for p in cp.seats}, anchor
            else:
                for party, n in cp.seats.items():
                    seats[party] = n
                    figures[party] = _Figure(anchor)
            snapshot(day, change=None, checkpoint=cp)
            continue
        reason = outside(day) if outside is not None else None
        if reason:
            out.uncounted.append((day, Uncounted(item, reason)))
            continue
        move = placer.move(item)
        if isinstance(move, str):
            out.uncounted.append((day, Uncounted(item, move)))
            continue
        source, target = move
        if not out.entries:  # nothing known yet: start from nothing, net changes only
            snapshot(day, change=None)
        for party in (source, target):
            old = figure(party)
            if old is not None:
                figures[party] = _Figure(old.anchor, (*old.changes, item.id))
        seats[source] = seats.get(source, 0) - 1
        seats[target] = seats.get(target, 0) + 1
        out.moves[item.id] = (day, source, target)
        if figure(source) is not None and seats[source] < 0:
            message = (f"{source} falls below zero seats with change {item.id} ({item.person}, "
                       f"{_iso(day) or 'undated'}): the baseline or a change is wrong")
            out.warnings.append((day, message))
        snapshot(day, change=item, seat_from=source, seat_to=target)
    return out


def _control(seats: dict[str, int], has_baseline: bool, rules: LedgerRules,
             size: int | None = None) -> tuple[int, int, str | None, str]:
    """(total, majority, controlling party, label). The majority is of the council's size
    when that is known, else of the seats counted."""
    if not has_baseline:
        return 0, 0, None, NO_BASELINE
    total = sum(seats.values())
    majority = (size or total) // 2 + 1
    for party, n in seats.items():
        if n >= majority and party not in rules.never_in_control:
            return total, majority, party, f"{party} majority"
    return total, majority, None, NO_CONTROL


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ------------------------------------------------------------------------------ the ledger


@dataclass(frozen=True)
class _Council:
    key: str
    name: str
    gss: str | None


@dataclass
class _CouncilData:
    council: _Council
    baselines: dict[Date, dict[str, int]] = field(default_factory=dict)
    changes: list[ChangeView] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)


def council_key(name: str | None, gss: str | None) -> str:
    """How the ledger keys a council: its GSS code, else its name folded."""
    return gss or normalise_name(name or "")


class Ledger:
    """The composition ledger over a :class:`~floorcross.store.Store`.

    Nothing is cached between calls: every answer is worked out from the database as it is.
    ``sizes`` (default: ``data/council_sizes.csv``) gives each council's seats per election.
    """

    def __init__(self, store: Store, rules: LedgerRules | None = None,
                 sizes: CouncilSizes | None = None) -> None:
        self.store = store
        self.gaz = store.gaz
        self.rules = rules or ledger_rules()
        self.sizes = sizes if sizes is not None else council_sizes()

    # -------------------------------------------------------------- councils

    def _council(self, ref: str) -> _Council:
        """The council an official name, short name or GSS code refers to (a former council
        is itself: Waveney District Council has its own ledger, up to its last day)."""
        text = (ref or "").strip()
        found = self.gaz.council_by_name(text) if text else None
        if found is not None:
            return _Council(found.gss, found.official_name, found.gss)
        key = normalise_name(text)
        if key:
            for council in self._untracked_names():
                if council.key == key:
                    return council
        candidates = self.gaz.candidates(text) if text else []
        if len(candidates) > 1:
            names = " or ".join(c.official_name for c in candidates[:4])
            raise NotFound(f"council {ref!r} could be {names}: give the full name or GSS code")
        raise NotFound(f"unknown council {ref!r}: give its name (Luton, Luton Borough Council) "
                       "or GSS code (E06000032); floorcross council --all lists those tracked")

    def _untracked_names(self) -> list[_Council]:
        """Councils the gazetteer does not know but the store names (changes or baselines)."""
        out: dict[str, _Council] = {}
        with read_session(self.store.engine) as session:
            rows = session.execute(select(CouncilBaseline.council_key, CouncilBaseline.council)
                                   .where(CouncilBaseline.council_gss.is_(None))).all()
        for key, name in rows:
            out.setdefault(key, _Council(key, name, None))
        for change in self.store.changes():
            if change.council and not change.council_gss:
                key = council_key(change.council, None)
                out.setdefault(key, _Council(key, change.council, None))
        return list(out.values())

    def _load(self, only: _Council | None = None) -> dict[str, _CouncilData]:
        """Baselines, changes and stated seat counts, by council key."""
        data: dict[str, _CouncilData] = {}

        def slot(name: str | None, gss: str | None) -> _CouncilData | None:
            key = council_key(name, gss)
            if not key or (only is not None and key != only.key):
                return None
            if key not in data:
                data[key] = _CouncilData(only or _Council(key, name or key, gss))
            return data[key]

        stated: dict[tuple[str, int, Date | None], list[Any]] = {}
        with read_session(self.store.engine) as session:
            query = select(CouncilBaseline).order_by(CouncilBaseline.id)
            if only is not None:
                query = query.where(CouncilBaseline.council_key == only.key)
            for row in session.execute(query).scalars():
                day = Date.fromisoformat(row.date)
                target = slot(row.council, row.council_gss)
                if target is not None:
                    target.baselines.setdefault(day, {})[row.party] = row.seats
            query = (select(Composition, Article.doc, Article.url, Article.title,
                            Article.published, Article.text)
                     .join(Article, Article.id == Composition.article_id)
                     .order_by(Composition.id))
            if only is not None and only.gss:
                query = query.where(Composition.council_gss == only.gss)
            for row in session.execute(query):
                c, published = row[0], row[4]
                target = slot(c.council, c.council_gss)
                if target is not None:
                    day = effective_day(c.date, published)
                    stated.setdefault((target.council.key, c.article_id, day), []).append(row)
        for (key, _, day), rows in stated.items():
            data[key].checkpoints.append(self._checkpoint(data[key].council, day, rows))
        changes = self.store.changes(council=only.gss) if only and only.gss else self.store.changes()
        for change in changes:
            if change.council or change.council_gss:
                target = slot(change.council, change.council_gss)
                if target is not None:
                    target.changes.append(change)
        return data

    def _checkpoint(self, council: _Council, day: Date | None, rows: list[Any]) -> Checkpoint:
        """One article's counts for a council on a date, judged against the council's size."""
        first = rows[0]
        seats: dict[str, int] = {}
        sentences: dict[str, dict[str, Any] | None] = {}
        twice: list[str] = []
        for c, _, _, _, _, text in rows:
            if c.party in seats and seats[c.party] != c.seats:
                twice.append(f"{c.party} ({seats[c.party]} and {c.seats})")
                continue
            seats[c.party] = c.seats
            if c.evidence_text is not None:
                sentences[c.party] = {"start": c.evidence_start, "end": c.evidence_end,
                                      "text": c.evidence_text}
            else:
                found = statement_evidence(text, c.party, c.seats)
                sentences[c.party] = ({"start": None, "end": None, "text": found}
                                      if found else None)
        size = self.sizes.on(council.gss, day) if day is not None else None
        total = sum(seats.values())
        flagged = None
        if twice:
            flagged = f"gives {' and '.join(twice)} two counts"
        elif size is not None and total > size.seats:
            flagged = (f"adds up to {total} seats, more than the {size.seats} the council has "
                       f"(elected {size.election.isoformat()})")
        return Checkpoint(
            day, first[0].article_id, first[1], first[2], first[3], first[4], seats, sentences,
            size.seats if size else None, size.source if size else None,
            complete=bool(size and total == size.seats), flagged=flagged)

    def _data(self, council: str) -> _CouncilData:
        ref = self._council(council)
        return self._load(ref).get(ref.key) or _CouncilData(ref)

    def _replay(self, data: _CouncilData) -> _Replay:
        gss = data.council.gss
        council = self.gaz.council_by_gss(gss) if gss else None

        def election(old: Date | None, new: Date | None) -> Date | None:
            return self.sizes.election_between(gss, old, new)

        def outside(day: Date | None) -> str | None:
            if council is None or day is None or self.gaz.existed_on(council, day):
                return None
            item = self.gaz.history(council)
            if item.start is not None and day < item.start:
                before = ", ".join(c.official_name for c in self.gaz.predecessors_of(council))
                return (f"dated {day.isoformat()}, before {council.official_name} existed "
                        f"(from {item.start.isoformat()})"
                        + (f": it belongs to {before}" if before else ""))
            after = ", ".join(c.official_name for c in self.gaz.successors_of(council))
            last = f" (last day {item.end.isoformat()})" if item.end else ""
            return (f"dated {day.isoformat()}, after {council.official_name} was abolished{last}"
                    + (f": it belongs to {after}" if after else ""))

        return _replay(data.baselines, data.checkpoints, data.changes, self.rules,
                       election, outside)

    # -------------------------------------------------------------- questions

    def state(self, council: str, on: Date | str | None = None) -> CouncilState:
        """The council's seats by party on ``on`` (default: the latest), with the changes
        applied since its baseline, the changes left uncounted and any conflicts."""
        day = _as_day(on)
        data = self._data(council)
        return self._state(data, self._replay(data), day)

    def _figures(self, entry: _Entry | None, gss: str | None = None,
                 when: Date | None = None) -> list[PartyFigure]:
        """Each party's figure in ``entry``; one resting on a count from before a known
        election (up to ``when``) is "low": the election may have changed it."""
        if entry is None:
            return []
        out = []
        for party, n in entry.seats.items():
            fig = entry.figures.get(party) or (_Figure(entry.full) if entry.full else None)
            if fig is None:
                out.append(PartyFigure(party, n, "net", "low"))
                continue
            anchor, moved = fig.anchor, len(fig.changes)
            source = anchor.kind if not moved else "derived"
            sure = anchor.sure if not moved else ("medium" if anchor.sure == "high" else "low")
            if self.sizes.election_between(gss, anchor.day, when) is not None:
                sure = "low"
            cp = anchor.checkpoint
            out.append(PartyFigure(
                party, n, source, sure, _iso(anchor.day), cp.article_id if cp else None,
                (cp.sentence(party) if cp and party in cp.seats else None), moved,
                cp.url if cp else None))
        return out

    def _state(self, data: _CouncilData, replay: _Replay, day: Date | None) -> CouncilState:
        entries = replay.upto(day)
        last = entries[-1] if entries else None
        bases = [i for i, e in enumerate(entries) if e.baseline]
        start = bases[-1] if bases else (0 if entries else None)
        seats = last.seats if last else {}
        full = last.full if last else None
        has_baseline = full is not None
        when = day if day is not None else (last.day if last else None)
        size = self.sizes.on(data.council.gss, when)
        total, majority, control, label = _control(seats, has_baseline, self.rules,
                                                   size.seats if size else None)
        figures = self._figures(last, data.council.gss, when)
        if has_baseline:
            basis = full.kind if full else "baseline"
        elif any(f.source != "net" for f in figures):
            basis = "partial"
            label = PARTIAL
            total = sum(f.seats for f in figures if f.source != "net")
        else:
            basis = "net"
        applied = entries[start + 1:] if start is not None else []
        if start is not None and not entries[start].baseline:
            applied = entries[start:]  # no baseline: every step from the first
        in_time = [u for d, u in replay.uncounted if day is None or (d is not None and d <= day)]
        if day is not None:
            in_time += [u for d, u in replay.uncounted if d is None]
            in_time += [Uncounted(e.change, "no date: counted only in the latest composition")
                        for e in replay.entries if e.day is None and e.change is not None]
        conflicts = [c for c in self._conflicts(data, replay)
                     if day is None or Date.fromisoformat(c.date) <= day]
        warnings = [w for d, w in replay.warnings if day is None or (d is not None and d <= day)]
        if has_baseline and size is not None and total != size.seats:
            warnings.append(f"the ledger counts {total} seats but the council has {size.seats} "
                            f"(elected {size.election.isoformat()}): a seat is vacant, or a "
                            "party or a change is missing")
        anchors = [e for e in entries if e.baseline or e.checkpoint]
        voted = self.sizes.election_between(data.council.gss, anchors[-1].day if anchors else None,
                                            when)
        if voted is not None:
            warnings.append(f"the election of {voted.isoformat()} came after the last count "
                            f"({_iso(anchors[-1].day)}): the figures may be out of date; import "
                            "its result with floorcross baseline import")
        council = self.gaz.council_by_gss(data.council.gss) if data.council.gss else None
        item = self.gaz.history(council) if council else None
        name_then = self.gaz.name_on(council, when) if council and when else None
        return CouncilState(
            council=data.council.name, council_gss=data.council.gss, on=_iso(day),
            baseline_date=_iso(entries[start].day) if bases and start is not None else None,
            seats=dict(seats), total=total, majority=majority, control=control,
            control_label=label, changes=[e.change for e in applied if e.change],
            conflicts=conflicts, has_baseline=has_baseline,
            steps=[self._step(e, size) for e in applied], uncounted=in_time, warnings=warnings,
            basis=basis, anchor_date=_iso(anchors[-1].day) if anchors else None,
            figures=figures, size=size.seats if size else None,
            size_source=size.source if size else None,
            checkpoints=[e.checkpoint for e in entries if e.checkpoint],
            flagged=[c for c in replay.flagged if day is None or c.day is None or c.day <= day],
            start=_iso(item.start) if item else None, end=_iso(item.end) if item else None,
            name_then=name_then if name_then and name_then != data.council.name else None,
            predecessors=[_council_link(c, self.gaz) for c in self.gaz.predecessors_of(council)]
            if council else [],
            successors=[_council_link(c, self.gaz) for c in self.gaz.successors_of(council)]
            if council else [],
        )

    def _step(self, entry: _Entry, size: CouncilSize | None = None) -> LedgerStep:
        total, _, control, label = _control(entry.seats, entry.has_baseline, self.rules,
                                            size.seats if size else None)
        return LedgerStep(_iso(entry.day), entry.change, dict(entry.seats), total, control,
                          label, entry.seat_from, entry.seat_to, entry.has_baseline,
                          entry.checkpoint)

    def history(self, council: str, since: Date | str | None = None,
                until: Date | str | None = None) -> list[LedgerStep]:
        """The composition after each step: each baseline, article checkpoint and change.

        With ``since``, the first step is the composition in force on that day.
        """
        data = self._data(council)
        entries = self._replay(data).entries
        first, last = _as_day(since), _as_day(until)
        if last is not None:
            entries = [e for e in entries if e.day is not None and e.day <= last]
        if first is not None:
            before = [e for e in entries if e.day is not None and e.day < first]
            entries = before[-1:] + [e for e in entries if e.day is None or e.day >= first]
        gss = data.council.gss
        return [self._step(e, self.sizes.on(gss, e.day)) for e in entries]

    def conflicts(self, council: str | None = None) -> list[Conflict]:
        """Where sources disagree on a council's seats, by council and date: a stated count
        against the ledger's figure, or a baseline against a figure from an article."""
        if council is not None:
            data = self._data(council)
            return self._conflicts(data, self._replay(data))
        out: list[Conflict] = []
        for data in self._load().values():
            out += self._conflicts(data, self._replay(data))
        return sorted(out, key=lambda c: (c.council, c.date, c.party, c.article_id or 0))

    def _conflicts(self, data: _CouncilData, replay: _Replay) -> list[Conflict]:
        views = {c.id: c for c in data.changes}
        out = []
        by_anchor: dict[int, list[_RawConflict]] = {}
        for raw in replay.conflicts:
            by_anchor.setdefault(id(raw.anchor), []).append(raw)
        for raw in replay.conflicts:
            old, anchor = raw.old, raw.anchor
            source = anchor.checkpoint if anchor.kind == "article" else old.anchor.checkpoint
            kind = "article" if anchor.kind == "article" else "baseline"
            span = source.sentences.get(raw.party) if source else None
            if source is not None and span is None and kind == "baseline":
                span = next(iter(v for v in source.sentences.values() if v), None)
            diff = raw.reported - raw.ledger
            since = old.anchor.day
            moved = f", then {_plural(len(old.changes), 'change')}" if old.changes else ""
            gap = (f"{raw.party}: {anchor.label()} says {raw.reported}; the ledger has {raw.ledger} "
                   f"({old.anchor.label()}{moved}): {abs(diff)} seat{'s' if abs(diff) != 1 else ''} "
                   f"{'more' if diff > 0 else 'fewer'}")
            explain = self._explain(raw, by_anchor[id(raw.anchor)], views, replay,
                                    data.council.gss)
            out.append(Conflict(
                data.council.name, data.council.gss, raw.day.isoformat(), raw.party,
                raw.ledger, raw.reported, source.article_id if source else None,
                source.doc if source else None, source.url if source else None,
                source.title if source else None, span["text"] if span else None,
                source.published if source else None, kind, _iso(since), old.anchor.label(),
                old.changes, gap, tuple(explain),
                span["start"] if span else None, span["end"] if span else None))
        return sorted(out, key=lambda c: (c.date, c.party, c.article_id or 0))

    def _explain(self, raw: _RawConflict, same: list[_RawConflict],
                 views: dict[int, ChangeView], replay: _Replay,
                 gss: str | None = None) -> list[str]:
        """Which changes would account for a conflict's difference."""
        diff = raw.reported - raw.ledger
        since, day = raw.old.anchor.day, raw.day
        window = f"between {_iso(since)} and {day.isoformat()}"
        out = []
        if raw.election is not None:
            out.append(f"the election of {raw.election.isoformat()} came between: the ledger's "
                       "figure is from before it (import its result with floorcross baseline "
                       "import)")
        partners = [o for o in same if o is not raw and (o.reported - o.ledger) * diff < 0]
        for other in partners:
            n = min(abs(diff), abs(other.reported - other.ledger))
            loser, gainer = (other.party, raw.party) if diff > 0 else (raw.party, other.party)
            out.append(f"{_plural(n, 'move')} from {loser} to {gainer} {window} that no "
                       "article recorded")
        if not partners:
            way = f"to {raw.party}" if diff > 0 else f"from {raw.party}"
            out.append(f"{_plural(abs(diff), 'unrecorded change')} {way} {window}")

        def describe(cid: int) -> str:
            c = views.get(cid)
            day_, source, target = replay.moves[cid]
            name = c.person if c else f"change {cid}"
            return f"change {cid} ({name}, {_iso(day_) or 'undated'}: {source} → {target})"

        # counted changes that moved the other way: one may not have happened, or came later
        wrong = [cid for cid in raw.old.changes
                 if (replay.moves[cid][1] == raw.party) == (diff > 0)]
        for cid in wrong[:3]:
            out.append(f"{describe(cid)} may be wrong, or may have come after "
                       f"{day.isoformat()}")
        # later changes in the needed direction: one may be dated too late
        later = [cid for cid, (d, source, target) in sorted(
                     replay.moves.items(), key=lambda kv: (kv[1][0] or Date.max, kv[0]))
                 if d is not None and d > day
                 and self.sizes.election_between(gss, day, d) is None
                 and (target == raw.party if diff > 0 else source == raw.party)]
        for cid in later[:2]:
            out.append(f"{describe(cid)} may have happened by {day.isoformat()}")
        return out

    def councils(self) -> list[CouncilSummary]:
        """Every tracked council (a baseline, a stated count or a stored change), by name."""
        out = []
        for data in self._load().values():
            if not data.baselines and not data.changes and not data.checkpoints:
                continue
            state = self._state(data, self._replay(data), None)
            out.append(CouncilSummary(
                data.council.name, data.council.gss, state.baseline_date, state.total,
                state.control, state.control_label, len(data.changes), len(state.conflicts),
                state.basis))
        return sorted(out, key=lambda s: (s.council.lower(), s.council_gss or ""))

    # -------------------------------------------------------------- baselines

    def import_baseline(self, path: str | Path) -> BaselineImport:
        """Import a CSV of ``council,party,seats,date`` (one row per party per council).

        Bad rows are skipped with one line each (``FILE:LINE: why``); the rest are imported.
        Importing the same rows again changes nothing; a row for a council, party and date
        already stored replaces its seats.
        """
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise LedgerError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise LedgerError(f"{path}: is a folder (give a CSV file)") from None
        except UnicodeDecodeError as exc:
            raise LedgerError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 "
                              "CSV") from None
        except OSError as exc:
            raise LedgerError(f"{path}: cannot read ({exc.strerror})") from None
        reader = csv.reader(text.splitlines())
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in BASELINE_COLUMNS if c not in header]
        if missing:
            raise LedgerError(f"{path}:1: the header must name the columns "
                              f"{','.join(BASELINE_COLUMNS)} (missing {', '.join(missing)})")
        rows = []
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            row = dict(zip(header, values, strict=False))
            rows.append({**row, "_line": number, "_width": len(values)})
        return self.import_rows(rows, source=str(path), _width=len(header))

    def import_rows(self, rows: Iterable[dict[str, Any]], source: str | None = None,
                    _width: int | None = None) -> BaselineImport:
        """Import baseline rows (dicts with council, party, seats, date): see
        :meth:`import_baseline`. ``source`` names the file in messages and in the table."""
        where = source or "rows"
        skipped: list[str] = []
        good: dict[tuple[str, str, str], tuple[_Council, int, int]] = {}
        untracked = None
        for index, row in enumerate(rows, start=1):
            line = int(row.get("_line", index))
            if _width is not None and row.get("_width", _width) != _width:
                skipped.append(f"{where}:{line}: expected {_width} fields, found "
                               f"{row.get('_width')}")
                continue
            try:
                if untracked is None:
                    untracked = {c.key: c for c in self._untracked_names()}
                council, party, seats, day = self._baseline_row(row, untracked)
            except LedgerError as exc:
                skipped.append(f"{where}:{line}: {exc}")
                continue
            key = (council.key, party, day)
            if key in good and good[key][1] != seats:
                skipped.append(f"{where}:{line}: {party} on {council.name} on {day} has "
                               f"{good[key][1]} seats on line {good[key][2]} already")
                continue
            good.setdefault(key, (council, seats, line))
        added = updated = unchanged = 0
        with write_session(self.store.engine) as session:
            existing = {
                (r.council_key, r.party, r.date): r
                for r in session.execute(select(CouncilBaseline).where(
                    CouncilBaseline.council_key.in_(sorted({k[0] for k in good})))).scalars()
            }
            new_id = next_id(session, CouncilBaseline)
            for (key, party, day), (council, seats, _) in good.items():
                row = existing.get((key, party, day))
                if row is None:
                    session.add(CouncilBaseline(
                        id=new_id, council_key=key, council=council.name,
                        council_gss=council.gss, party=party, seats=seats, date=day,
                        source=source))
                    new_id += 1
                    added += 1
                elif row.seats != seats or row.council != council.name:
                    row.seats, row.council, row.source = seats, council.name, source
                    updated += 1
                else:
                    unchanged += 1
        names = sorted({c.name for c, _, _ in good.values()})
        return BaselineImport(len(good), names, skipped, added, updated, unchanged)

    def _baseline_row(self, row: dict[str, Any],
                      untracked: dict[str, _Council]) -> tuple[_Council, str, int, str]:
        """(council, canonical party, seats, ISO date) from one row, or LedgerError saying why."""
        name = str(row.get("council") or "").strip()
        if not name:
            raise LedgerError("no council given")
        found = self.gaz.council_by_name(name)
        if found is not None:
            council = _Council(found.gss, found.official_name, found.gss)
        elif normalise_name(name) in untracked:
            council = untracked[normalise_name(name)]
        else:
            candidates = self.gaz.candidates(name)
            if len(candidates) > 1:
                raise LedgerError(f"council {name!r} could be "
                                  f"{' or '.join(c.official_name for c in candidates[:3])}: "
                                  "give the full name or GSS code")
            raise LedgerError(f"unknown council {name!r} (give its official name or GSS code)")
        party = self.rules.baseline_party(str(row.get("party") or ""))
        if not party:
            raise LedgerError("no party given")
        raw = str(row.get("seats") or "").strip()
        if not re.fullmatch(r"\d{1,4}", raw):
            raise LedgerError(f"seats must be a whole number of 0 or more, not {raw!r}")
        when = str(row.get("date") or "").strip()
        try:
            day = Date.fromisoformat(when) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", when) else None
        except ValueError:
            day = None
        if day is None:
            raise LedgerError(f"date must be a day as YYYY-MM-DD, not {when!r}")
        return council, party, int(raw), day.isoformat()



# ------------------------------------------------------------------------------ evidence


def statement_evidence(text: str, party: str, seats: int) -> str | None:
    """The sentence of ``text`` that states ``party``'s seat count, if one can be found.

    The stored seat counts keep no offsets, so the sentence is found again: one naming the
    party and the number (in figures or words), else one naming the number with a party.
    """
    from floorcross.extract.segment import split_sentences
    from floorcross.normalise.parties import find_parties, number_words

    words = {w for w, n in number_words().items() if n == seats}
    number = re.compile(r"(?<![\w.,])(?:" + "|".join([str(seats), *map(re.escape, words)])
                        + r")(?![\w])", re.IGNORECASE)
    fallback = None
    for sentence in split_sentences(text):
        if not number.search(sentence.text):
            continue
        parties = {m.name for m in find_parties(sentence.text)}
        if party in parties:
            return sentence.text
        if parties and fallback is None:
            fallback = sentence.text
    return fallback


__all__ = [
    "NO_BASELINE",
    "NO_CONTROL",
    "PARTIAL",
    "BaselineImport",
    "Checkpoint",
    "Conflict",
    "CouncilState",
    "CouncilSummary",
    "Ledger",
    "LedgerError",
    "LedgerRules",
    "LedgerStep",
    "PartyFigure",
    "Uncounted",
    "council_key",
    "effective_day",
    "ledger_rules",
    "statement_evidence",
]
