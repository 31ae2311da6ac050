"""``floorcross council``, ``baseline import`` and ``conflicts``: the composition ledger.

Each command opens the store, makes one call on :class:`floorcross.ledger.Ledger` and prints
the answer as a table, CSV or JSON; ``docs/ledger.md`` explains how seats are counted.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from floorcross.cli import app
from floorcross.cli.output import (
    ListFormat,
    console,
    csv_text,
    emit,
    fail,
    handled,
    say,
    write_stdout,
)
from floorcross.cli.store import DbOption, FormatOption, open_db

if TYPE_CHECKING:
    from floorcross.ledger import CouncilState, LedgerStep

baseline_app = typer.Typer(
    help="Import the compositions councils' ledgers start from.\n\n"
         "Example: floorcross baseline import baselines.csv",
    no_args_is_help=True)
app.add_typer(baseline_app, name="baseline")


# ------------------------------------------------------------------------------ council

COUNCIL_HELP = (
    "Show a council's seats by party today or on a date: total, majority, who controls it, "
    "where each figure comes from (baseline, an article and its sentence, or derived through "
    "changes) and how sure it is, and each change since its baseline.\n\n"
    "The ledger starts from the baseline imported with `floorcross baseline import`, or from "
    "the seats an article states (a count that adds up to the council's size sets every "
    "party; a partial one the parties it names), and applies every stored change after it in "
    "date order; a later count moves the figures again. With neither, the seats are net gains "
    "and losses only. NAME is any name of the council (Luton, Luton Council) or its GSS code; "
    "a former council (Waveney) has its own ledger up to its last day. --history shows the "
    "seats after each step; --all lists every council tracked.\n\n"
    "Example: floorcross council Luton --on 2023-10-31"
)
STATE_COLUMNS = ("council", "council_gss", "on", "baseline_date", "party", "seats", "total",
                 "majority", "control", "source", "sure", "since", "article_id", "evidence")
SUMMARY_COLUMNS = ("council", "council_gss", "baseline_date", "basis", "total",
                   "control_label", "changes", "conflicts")
CONFLICT_COLUMNS = ("date", "council", "party", "ledger_seats", "reported_seats", "article_id",
                    "title", "url", "evidence")
CONFLICT_TABLE_COLUMNS = ("date", "council", "party", "ledger_seats", "reported_seats", "gap",
                          "explanations")


@app.command("council", help=COUNCIL_HELP)
def council_command(
    name: Annotated[str | None, typer.Argument(
        metavar="NAME", show_default=False, help="Council name or GSS code.")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", metavar="DATE", help="The composition on this day (YYYY-MM-DD; a month or "
                                     "year means its last day). Default: the latest.")] = None,
    history: Annotated[bool, typer.Option(
        "--history", help="The seats after each change, from the baseline on.")] = False,
    every: Annotated[bool, typer.Option(
        "--all", help="List every council with a baseline or a recorded change.")] = False,
    fmt: FormatOption = ListFormat.table,
    db: DbOption = None,
) -> None:
    """``floorcross council``: see :data:`COUNCIL_HELP`."""
    from floorcross.ledger import Ledger

    if every == bool(name):
        raise fail("give a council NAME, or --all for every council tracked")
    store = open_db(db)
    with handled():
        ledger = Ledger(store)
        if every:
            rows = [s.as_dict() for s in ledger.councils()]
            emit(rows, fmt, SUMMARY_COLUMNS, title="Councils tracked",
                 caption=f"{len(rows)} councils", headers={"control_label": "control"})
        elif history:
            assert name is not None
            _print_history(ledger.history(name, until=on), fmt)
        else:
            assert name is not None
            _print_state(ledger.state(name, on=on), fmt)
    store.close()


def state_rows(state: CouncilState) -> list[dict[str, Any]]:
    """One row per party (the CSV of ``floorcross council``), with the source of each figure."""
    base = {"council": state.council, "council_gss": state.council_gss, "on": state.on,
            "baseline_date": state.baseline_date, "total": state.total,
            "majority": state.majority, "control": state.control_label}
    return [{**base, "party": f.party, "seats": f.seats, "source": f.source, "sure": f.sure,
             "since": f.since, "article_id": f.article_id, "evidence": f.evidence}
            for f in state.figures]


def history_rows(steps: list[LedgerStep]) -> list[dict[str, Any]]:
    """One row per step, a column per party (the CSV of ``floorcross council --history``)."""
    parties = sorted({p for s in steps for p in s.seats},
                     key=lambda p: (-max(s.seats.get(p, 0) for s in steps), p))
    rows = []
    for step in steps:
        change = step.change
        if change:
            event = f"{change.kind}: {step.seat_from} → {step.seat_to}"
        elif step.checkpoint:
            event = f"{step.checkpoint.label()} states the seats" + (
                "" if step.checkpoint.complete else " (partial)")
        elif step.has_baseline:
            event = "baseline"
        else:
            event = "start (no count known: net changes)"
        rows.append({
            "date": step.date, "change_id": change.id if change else None,
            "person": change.person if change else None,
            "event": event,
            **{p: step.seats.get(p, 0) for p in parties},
            "total": step.total, "control": step.control_label,
        })
    return rows


def _print_history(steps: list[LedgerStep], fmt: ListFormat) -> None:
    if fmt is ListFormat.json:
        write_stdout(json.dumps([s.as_dict() for s in steps], ensure_ascii=False, indent=2)
                     + "\n")
        return
    rows = history_rows(steps)
    columns = list(rows[0]) if rows else ["date", "event", "total", "control"]
    if fmt is ListFormat.csv:
        write_stdout(csv_text(rows, columns))
        return
    if not rows:
        say("no baseline and no changes recorded for this council")
        return
    emit(rows, fmt, [c for c in columns if c != "change_id"], title="Seats after each change",
         caption=f"{len(rows) - 1} change{'s' if len(rows) != 2 else ''}")


def _print_state(state: CouncilState, fmt: ListFormat) -> None:
    if fmt is ListFormat.json:
        write_stdout(json.dumps(state.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is ListFormat.csv:
        write_stdout(csv_text(state_rows(state), STATE_COLUMNS))
        return
    from rich.markup import escape
    from rich.table import Table

    out = console()
    when = f"on {state.on}" if state.on else "latest"
    code = f" ({state.council_gss})" if state.council_gss else ""
    if state.basis == "baseline":
        base = f"baseline {state.baseline_date}"
    elif state.basis == "article":
        base = f"from the seats an article stated on {state.anchor_date}"
    elif state.basis == "partial":
        base = "partial: seats known only for the parties articles named"
    else:
        base = "no baseline: net changes only"
    out.print(f"[bold]{escape(state.council)}[/bold]{code}, {when}; {base}")
    if state.name_then:
        out.print(f"then called {escape(state.name_then)}")
    if state.start or state.end:
        out.print(("existed " + (f"from {state.start} " if state.start else "")
                   + (f"until {state.end}" if state.end else "")).rstrip())
    for label, items in (("replaced", state.predecessors), ("replaced by", state.successors)):
        if items:
            names = ", ".join(f"{escape(c['name'])} ({c['gss']})" for c in items)
            out.print(f"{label} {names}")
    table = Table()
    for column in ("party", "seats", "source", "sure", "since"):
        table.add_column(column, justify="right" if column == "seats" else "left",
                         overflow="fold")
    for f in state.figures:
        shown = f"{f.seats:+d}" if f.source == "net" else str(f.seats)
        if f.source == "article":
            source = f"article {f.article_id}"
        elif f.source == "derived":
            source = f"derived: {f.changes_since} change{'s' if f.changes_since != 1 else ''} since"
        else:
            source = f.source
        table.add_row(escape(f.party), shown, escape(source), f.sure, f.since or "")
    out.print(table)
    sentences = {(f.article_id, f.evidence) for f in state.figures if f.evidence}
    for article_id, sentence in sorted(sentences, key=lambda x: (x[0] or 0, x[1] or "")):
        out.print(f"article {article_id}: “{escape(sentence or '')}”")
    size = (f" of {state.size} seats" if state.size else "")
    if state.has_baseline:
        out.print(f"total {state.total}{size}; majority {state.majority}: "
                  f"[bold]{escape(state.control_label)}[/bold]")
    elif state.basis == "partial":
        out.print(f"at least {state.total}{size} seats known; no total or control until every "
                  "party is known")
    elif not state.changes:
        out.print("no baseline and no changes recorded")
    if state.size_source:
        out.print(f"council size: {escape(state.size_source)}")
    since = "since the baseline" if state.baseline_date else "recorded"
    out.print(f"\n{len(state.changes)} change{'s' if len(state.changes) != 1 else ''} {since}")
    if state.steps:
        changes = Table()
        for column in ("date", "person", "kind", "seat", "change", "sources"):
            changes.add_column(column, overflow="fold")
        for step in state.steps:
            c = step.change
            if c is None:
                cp = step.checkpoint
                if cp is not None:
                    seats = ", ".join(f"{p} {n}" for p, n in cp.seats.items())
                    changes.add_row(step.date or "undated", "", "seats stated",
                                    escape(seats), f"article {cp.article_id}", "")
                continue
            changes.add_row(step.date or "undated", escape(c.person), c.kind,
                            escape(f"{step.seat_from} → {step.seat_to}"), str(c.id),
                            str(c.sources))
        out.print(changes)
    for item in state.uncounted:
        c = item.change
        out.print(f"not counted: change {c.id} ({escape(c.person)}, {c.kind}, "
                  f"{c.date or 'undated'}): {escape(item.reason)}")
    for cp in state.flagged:
        seats = ", ".join(f"{p} {n}" for p, n in cp.seats.items())
        out.print(f"not used: {cp.label()} ({escape(seats)}) {escape(cp.flagged or '')}")
    for warning in state.warnings:
        out.print(f"warning: {escape(warning)}")
    for conflict in state.conflicts:
        out.print(f"conflict: {conflict.date} {escape(conflict.party)}: the ledger has "
                  f"{conflict.ledger_seats}, "
                  + (f"article {conflict.article_id} says " if conflict.kind == "article"
                     else "the baseline says ")
                  + f"{conflict.reported_seats}"
                  + (f" ({escape(conflict.url)})" if conflict.url else ""))
        for line in conflict.explanations:
            out.print(f"  could be: {escape(line)}")


# ------------------------------------------------------------------------------ baseline

BASELINE_IMPORT_HELP = (
    "Import baseline compositions from a CSV with the columns council,party,seats,date (one "
    "row per party per council, the date as YYYY-MM-DD), the shape election results are "
    "published in.\n\n"
    "Council and party names are normalised (Luton Council and E06000032 are Luton Borough "
    "Council; Lab, Tories and Lib Dems are Labour, Conservative and Liberal Democrats). A bad "
    "row is skipped with one line naming the file and line, the rest are imported, and the "
    "exit status is 1. Importing the same rows again changes nothing; a new figure for a "
    "council, party and date replaces the old one.\n\n"
    "Example: floorcross baseline import examples/baselines.csv"
)


@baseline_app.command("import", help=BASELINE_IMPORT_HELP)
def baseline_import_command(
    paths: Annotated[list[str], typer.Argument(metavar="FILE.csv...", show_default=False,
                                               help="CSV files of council,party,seats,date.")],
    db: DbOption = None,
) -> None:
    """``floorcross baseline import``: see :data:`BASELINE_IMPORT_HELP`."""
    from floorcross.ledger import Ledger, LedgerError

    store = open_db(db)
    problems = 0
    with handled():
        ledger = Ledger(store)
        for path in paths:
            try:
                result = ledger.import_baseline(path)
            except LedgerError as exc:
                say(str(exc))
                problems += 1
                continue
            for line in result.skipped:
                say(line)
            problems += len(result.skipped)
            say(f"{path}: {result.line()}")
    store.close()
    raise typer.Exit(1 if problems else 0)


# ------------------------------------------------------------------------------ conflicts

CONFLICTS_HELP = (
    "List where the sources disagree about a council's seats: a count an article states "
    "that differs from the ledger's figure on that date, or an imported baseline that differs "
    "from a figure an article gave. Each says both figures, what the ledger's figure rests on, "
    "the article and sentence, and which changes would explain the difference (an unrecorded "
    "defection between the two counts, a counted change that may be wrong or misdated).\n\n"
    "The exit status is 1 when any conflict is listed, 0 when none is, so scripts and CI can "
    "use it. `floorcross council NAME --history` shows how the ledger got its figure.\n\n"
    "Example: floorcross conflicts --council Luton"
)


@app.command("conflicts", help=CONFLICTS_HELP)
def conflicts_command(
    council: Annotated[str | None, typer.Option(help="Council name or GSS code.")] = None,
    fmt: FormatOption = ListFormat.table,
    db: DbOption = None,
) -> None:
    """``floorcross conflicts``: see :data:`CONFLICTS_HELP`."""
    from floorcross.ledger import Ledger

    store = open_db(db)
    with handled():
        found = Ledger(store).conflicts(council)
        rows = [c.as_dict() for c in found]
        if fmt is ListFormat.table:
            for row in rows:
                row["explanations"] = "; or ".join(row["explanations"])
            columns: tuple[str, ...] = CONFLICT_TABLE_COLUMNS
        else:
            if fmt is ListFormat.csv:
                for row in rows:
                    row["explanations"] = " | ".join(row["explanations"])
                    row["changes"] = " ".join(map(str, row["changes"]))
            columns = (*CONFLICT_COLUMNS[:6], "council_gss", "doc", "published",
                       *CONFLICT_COLUMNS[6:], "kind", "since", "basis", "changes", "gap",
                       "explanations")
        emit(rows, fmt, columns,
             title="Conflicts between the ledger and reported seat counts",
             caption=f"{len(rows)} conflicts", headers={"ledger_seats": "ledger",
                                                         "reported_seats": "reported"})
    store.close()
    raise typer.Exit(1 if found else 0)
