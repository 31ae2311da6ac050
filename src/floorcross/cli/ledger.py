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
    "and each change since its baseline with the articles behind it.\n\n"
    "The ledger starts from the baseline imported with `floorcross baseline import` and "
    "applies every stored change after it in date order. Without a baseline the seats are net "
    "gains and losses only. NAME is any name of the council (Luton, Luton Council) or its GSS "
    "code. --history shows the seats after each change; --all lists every council tracked.\n\n"
    "Example: floorcross council Luton --on 2023-10-31"
)
STATE_COLUMNS = ("council", "council_gss", "on", "baseline_date", "party", "seats", "total",
                 "majority", "control")
SUMMARY_COLUMNS = ("council", "council_gss", "baseline_date", "total", "control_label",
                   "changes", "conflicts")
CONFLICT_COLUMNS = ("date", "council", "party", "ledger_seats", "reported_seats", "article_id",
                    "title", "url", "evidence")


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
    """One row per party (the CSV of ``floorcross council``)."""
    base = {"council": state.council, "council_gss": state.council_gss, "on": state.on,
            "baseline_date": state.baseline_date, "total": state.total,
            "majority": state.majority, "control": state.control_label}
    return [{**base, "party": party, "seats": seats} for party, seats in state.seats.items()]


def history_rows(steps: list[LedgerStep]) -> list[dict[str, Any]]:
    """One row per step, a column per party (the CSV of ``floorcross council --history``)."""
    parties = sorted({p for s in steps for p in s.seats},
                     key=lambda p: (-max(s.seats.get(p, 0) for s in steps), p))
    rows = []
    for step in steps:
        change = step.change
        rows.append({
            "date": step.date, "change_id": change.id if change else None,
            "person": change.person if change else None,
            "event": f"{change.kind}: {step.seat_from} → {step.seat_to}" if change else "baseline",
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
    base = (f"baseline {state.baseline_date}" if state.has_baseline
            else "no baseline: net changes only")
    out.print(f"[bold]{escape(state.council)}[/bold]{code}, {when}; {base}")
    table = Table()
    table.add_column("party")
    table.add_column("seats", justify="right")
    for party, seats in state.seats.items():
        table.add_row(escape(party), f"{seats:+d}" if not state.has_baseline else str(seats))
    out.print(table)
    if state.has_baseline:
        out.print(f"total {state.total}; majority {state.majority}: "
                  f"[bold]{escape(state.control_label)}[/bold]")
    elif not state.changes:
        out.print("no baseline and no changes recorded")
    since = "since the baseline" if state.has_baseline else "recorded"
    out.print(f"\n{len(state.changes)} change{'s' if len(state.changes) != 1 else ''} {since}")
    if state.steps:
        changes = Table()
        for column in ("date", "person", "kind", "seat", "change", "sources"):
            changes.add_column(column, overflow="fold")
        for step in state.steps:
            c = step.change
            assert c is not None
            changes.add_row(step.date or "undated", escape(c.person), c.kind,
                            escape(f"{step.seat_from} → {step.seat_to}"), str(c.id),
                            str(c.sources))
        out.print(changes)
    for item in state.uncounted:
        c = item.change
        out.print(f"not counted: change {c.id} ({escape(c.person)}, {c.kind}, "
                  f"{c.date or 'undated'}): {escape(item.reason)}")
    for warning in state.warnings:
        out.print(f"warning: {escape(warning)}")
    for conflict in state.conflicts:
        out.print(f"conflict: {conflict.date} {escape(conflict.party)}: the ledger has "
                  f"{conflict.ledger_seats}, article {conflict.article_id} says "
                  f"{conflict.reported_seats}" + (f" ({escape(conflict.url)})" if conflict.url
                                                  else ""))


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
    "List the seat counts articles stated that disagree with the ledger on that date: both "
    "figures, and the article and sentence behind the reported one.\n\n"
    "A conflict means the baseline, a change (missing, wrong or misdated) or the article is "
    "wrong; `floorcross council NAME --history` shows how the ledger got its figure.\n\n"
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
        emit(rows, fmt, CONFLICT_COLUMNS if fmt is ListFormat.table else
             (*CONFLICT_COLUMNS[:6], "council_gss", "doc", "published", *CONFLICT_COLUMNS[6:]),
             title="Conflicts between the ledger and reported seat counts",
             caption=f"{len(rows)} conflicts", headers={"ledger_seats": "ledger",
                                                         "reported_seats": "reported"})
    store.close()
