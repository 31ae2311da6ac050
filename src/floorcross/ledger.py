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

import bisect
import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date as Date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from floorcross.normalise.councils import normalise_name
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
class Conflict:
    """A seat count an article stated that the ledger disagrees with on that date."""

    council: str
    council_gss: str | None
    date: str
    party: str
    ledger_seats: int
    reported_seats: int
    article_id: int
    doc: str | None
    url: str | None
    title: str | None
    evidence: str | None
    published: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Uncounted:
    """A stored change the ledger does not count, and why."""

    change: ChangeView
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.change.as_dict(), "reason": self.reason}


@dataclass(frozen=True)
class LedgerStep:
    """The composition after one step: the baseline (``change`` None) or one change.

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

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date, "kind": "change" if self.change else "baseline",
            "change": self.change.as_dict() if self.change else None,
            "seat_from": self.seat_from, "seat_to": self.seat_to, "seats": dict(self.seats),
            "total": self.total, "control": self.control, "control_label": self.control_label,
            "has_baseline": self.has_baseline,
        }


@dataclass(frozen=True)
class CouncilState:
    """A council's composition on a date (``on`` None: the latest), and how it got there."""

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

    def as_dict(self) -> dict[str, Any]:
        moves = {s.change.id: s for s in self.steps if s.change}
        return {
            "council": self.council, "council_gss": self.council_gss, "on": self.on,
            "baseline_date": self.baseline_date, "has_baseline": self.has_baseline,
            "seats": dict(self.seats), "total": self.total, "majority": self.majority,
            "control": self.control, "control_label": self.control_label,
            "changes": [
                {**c.as_dict(), "ledger_date": moves[c.id].date,
                 "seat_from": moves[c.id].seat_from, "seat_to": moves[c.id].seat_to}
                for c in self.changes
            ],
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


@dataclass
class _Entry:
    """One step of the replay, before it becomes a :class:`LedgerStep`."""

    day: Date | None
    change: ChangeView | None
    seats: dict[str, int]
    has_baseline: bool
    seat_from: str | None = None
    seat_to: str | None = None


@dataclass
class _Replay:
    """A council's whole ledger: every step in order, and the changes left uncounted."""

    entries: list[_Entry]
    uncounted: list[tuple[Date | None, Uncounted]]
    warnings: list[tuple[Date | None, str]]

    def upto(self, day: Date | None) -> list[_Entry]:
        """The steps in force on ``day`` (every step when None; undated ones only then)."""
        if day is None:
            return self.entries
        return [e for e in self.entries if e.day is not None and e.day <= day]


def _ordered_seats(seats: dict[str, int]) -> dict[str, int]:
    return dict(sorted(((p, n) for p, n in seats.items() if n), key=lambda kv: (-kv[1], kv[0])))


def _order_key(day: Date | None, rank: int, ident: int) -> tuple[int, Date, int, int]:
    # Undated changes go last; on one day the changes come before a baseline (a baseline is
    # the composition at the end of its day, so it already includes them).
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


def _replay(baselines: dict[Date, dict[str, int]], changes: Sequence[ChangeView],
            rules: LedgerRules) -> _Replay:
    events: list[tuple[tuple[int, Date, int, int], Date | None, Any]] = []
    for day, seats in baselines.items():
        events.append((_order_key(day, 1, 0), day, seats))
    for change in changes:
        day = effective_day(change.date, change.reported)
        events.append((_order_key(day, 0, change.id), day, change))
    events.sort(key=lambda e: e[0])

    placer = _Placer(rules)
    entries: list[_Entry] = []
    uncounted: list[tuple[Date | None, Uncounted]] = []
    warnings: list[tuple[Date | None, str]] = []
    seats: dict[str, int] = {}
    has_baseline = False
    for _, day, item in events:
        if isinstance(item, dict):
            seats, has_baseline = dict(item), True
            entries.append(_Entry(day, None, _ordered_seats(seats), True))
            continue
        move = placer.move(item)
        if isinstance(move, str):
            uncounted.append((day, Uncounted(item, move)))
            continue
        source, target = move
        if not entries:  # no baseline yet: start from nothing, net changes only
            entries.append(_Entry(day, None, {}, False))
        seats[source] = seats.get(source, 0) - 1
        seats[target] = seats.get(target, 0) + 1
        if has_baseline and seats[source] < 0:
            message = (f"{source} falls below zero seats with change {item.id} ({item.person}, "
                       f"{_iso(day) or 'undated'}): the baseline or a change is wrong")
            warnings.append((day, message))
        entries.append(_Entry(day, item, _ordered_seats(seats), has_baseline, source, target))
    return _Replay(entries, uncounted, warnings)


def _control(seats: dict[str, int], has_baseline: bool,
             rules: LedgerRules) -> tuple[int, int, str | None, str]:
    """(total, majority, controlling party, label)."""
    if not has_baseline:
        return 0, 0, None, NO_BASELINE
    total = sum(seats.values())
    majority = total // 2 + 1
    for party, n in seats.items():
        if n >= majority and party not in rules.never_in_control:
            return total, majority, party, f"{party} majority"
    return total, majority, None, NO_CONTROL


# ------------------------------------------------------------------------------ the ledger


@dataclass(frozen=True)
class _Council:
    key: str
    name: str
    gss: str | None


@dataclass(frozen=True)
class _Statement:
    """A seat count stated by an article: one party on one council."""

    day: Date | None
    party: str
    seats: int
    article_id: int
    doc: str | None
    url: str | None
    title: str | None
    published: str | None
    text: str


@dataclass
class _CouncilData:
    council: _Council
    baselines: dict[Date, dict[str, int]] = field(default_factory=dict)
    changes: list[ChangeView] = field(default_factory=list)
    statements: list[_Statement] = field(default_factory=list)


def council_key(name: str | None, gss: str | None) -> str:
    """How the ledger keys a council: its GSS code, else its name folded."""
    return gss or normalise_name(name or "")


class Ledger:
    """The composition ledger over a :class:`~floorcross.store.Store`.

    Nothing is cached between calls: every answer is worked out from the database as it is.
    """

    def __init__(self, store: Store, rules: LedgerRules | None = None) -> None:
        self.store = store
        self.gaz = store.gaz
        self.rules = rules or ledger_rules()

    # -------------------------------------------------------------- councils

    def _council(self, ref: str) -> _Council:
        """The council an official name, short name or GSS code refers to."""
        text = (ref or "").strip()
        found = self.gaz.council_by_name(text) if text else None
        if found is not None:
            found = self.gaz.current(found)
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
            for c, doc, url, title, published, text in session.execute(query):
                target = slot(c.council, c.council_gss)
                if target is not None:
                    target.statements.append(_Statement(
                        effective_day(c.date, published), c.party, c.seats, c.article_id, doc,
                        url, title, published, text))
        changes = self.store.changes(council=only.gss) if only and only.gss else self.store.changes()
        for change in changes:
            if change.council or change.council_gss:
                target = slot(change.council, change.council_gss)
                if target is not None:
                    target.changes.append(change)
        return data

    def _data(self, council: str) -> _CouncilData:
        ref = self._council(council)
        return self._load(ref).get(ref.key) or _CouncilData(ref)

    # -------------------------------------------------------------- questions

    def state(self, council: str, on: Date | str | None = None) -> CouncilState:
        """The council's seats by party on ``on`` (default: the latest), with the changes
        applied since its baseline, the changes left uncounted and any conflicts."""
        day = _as_day(on)
        data = self._data(council)
        replay = _replay(data.baselines, data.changes, self.rules)
        return self._state(data, replay, day)

    def _state(self, data: _CouncilData, replay: _Replay, day: Date | None) -> CouncilState:
        entries = replay.upto(day)
        start = max((i for i, e in enumerate(entries) if e.change is None), default=None)
        seats = entries[-1].seats if entries else {}
        has_baseline = bool(entries) and entries[-1].has_baseline
        total, majority, control, label = _control(seats, has_baseline, self.rules)
        applied = entries[start + 1:] if start is not None else []
        in_time = [u for d, u in replay.uncounted if day is None or (d is not None and d <= day)]
        if day is not None:
            in_time += [u for d, u in replay.uncounted if d is None]
            in_time += [Uncounted(e.change, "no date: counted only in the latest composition")
                        for e in replay.entries if e.day is None and e.change is not None]
        conflicts = [c for c in self._conflicts(data, replay)
                     if day is None or Date.fromisoformat(c.date) <= day]
        return CouncilState(
            council=data.council.name, council_gss=data.council.gss, on=_iso(day),
            baseline_date=_iso(entries[start].day) if start is not None and has_baseline else None,
            seats=dict(seats), total=total, majority=majority, control=control,
            control_label=label, changes=[e.change for e in applied if e.change],
            conflicts=conflicts, has_baseline=has_baseline,
            steps=[self._step(e) for e in applied], uncounted=in_time,
            warnings=[w for d, w in replay.warnings if day is None or (d is not None and d <= day)],
        )

    def _step(self, entry: _Entry) -> LedgerStep:
        total, _, control, label = _control(entry.seats, entry.has_baseline, self.rules)
        return LedgerStep(_iso(entry.day), entry.change, dict(entry.seats), total, control,
                          label, entry.seat_from, entry.seat_to, entry.has_baseline)

    def history(self, council: str, since: Date | str | None = None,
                until: Date | str | None = None) -> list[LedgerStep]:
        """The composition after each step: the baseline, then each change counted.

        With ``since``, the first step is the composition in force on that day.
        """
        data = self._data(council)
        entries = _replay(data.baselines, data.changes, self.rules).entries
        first, last = _as_day(since), _as_day(until)
        if last is not None:
            entries = [e for e in entries if e.day is not None and e.day <= last]
        if first is not None:
            before = [e for e in entries if e.day is not None and e.day < first]
            entries = before[-1:] + [e for e in entries if e.day is None or e.day >= first]
        return [self._step(e) for e in entries]

    def conflicts(self, council: str | None = None) -> list[Conflict]:
        """Seat counts articles stated that the ledger disagrees with, by council and date."""
        if council is not None:
            data = self._data(council)
            return self._conflicts(data, _replay(data.baselines, data.changes, self.rules))
        out: list[Conflict] = []
        for data in self._load().values():
            out += self._conflicts(data, _replay(data.baselines, data.changes, self.rules))
        return sorted(out, key=lambda c: (c.council, c.date, c.party, c.article_id))

    def _conflicts(self, data: _CouncilData, replay: _Replay) -> list[Conflict]:
        dated = [e for e in replay.entries if e.day is not None]
        days = [e.day for e in dated]
        out: dict[tuple[int, str, Date], Conflict] = {}
        for s in data.statements:
            if s.day is None:
                continue
            index = bisect.bisect_right(days, s.day) - 1  # same-day changes come first
            if index < 0 or not dated[index].has_baseline:
                continue  # before any baseline: nothing to check against
            ledger_seats = dated[index].seats.get(s.party, 0)
            if ledger_seats != s.seats:
                out.setdefault((s.article_id, s.party, s.day), Conflict(
                    data.council.name, data.council.gss, s.day.isoformat(), s.party,
                    ledger_seats, s.seats, s.article_id, s.doc, s.url, s.title,
                    statement_evidence(s.text, s.party, s.seats), s.published))
        return sorted(out.values(), key=lambda c: (c.date, c.party, c.article_id))

    def councils(self) -> list[CouncilSummary]:
        """Every tracked council (a baseline or a stored change), by name."""
        out = []
        for data in self._load().values():
            if not data.baselines and not data.changes:
                continue
            replay = _replay(data.baselines, data.changes, self.rules)
            state = self._state(data, replay, None)
            out.append(CouncilSummary(
                data.council.name, data.council.gss, state.baseline_date, state.total,
                state.control, state.control_label, len(data.changes), len(state.conflicts)))
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
            found = self.gaz.current(found)
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
    "BaselineImport",
    "Conflict",
    "CouncilState",
    "CouncilSummary",
    "Ledger",
    "LedgerError",
    "LedgerRules",
    "LedgerStep",
    "Uncounted",
    "council_key",
    "effective_day",
    "ledger_rules",
    "statement_evidence",
]
