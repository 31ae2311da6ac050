"""``floorcross ingest``, ``changes``, ``person``, ``people``, ``export``: the record on the CLI.

Each command opens the store (``--db`` or ``$FLOORCROSS_DB``, else ``./floorcross.db``), makes
one library call and prints the answer; the correction commands live in ``cli/review.py``.
"""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from floorcross.cli import app
from floorcross.cli.output import (
    ExportFormat,
    ListFormat,
    console,
    csv_text,
    emit,
    fail,
    handled,
    say,
    write_file_atomic,
    write_stdout,
)

if TYPE_CHECKING:
    from floorcross.store import Store

DbOption = Annotated[str | None, typer.Option(
    "--db", metavar="URL", show_default=False,
    help="Database: a SQLAlchemy URL or a SQLite file (default: $FLOORCROSS_DB, else "
         "./floorcross.db).")]
FormatOption = Annotated[ListFormat, typer.Option(
    "--format", "-f", help="table for people; csv or json for other programs.")]

people_app = typer.Typer(help="List, merge and split people.\n\nExample: floorcross people list "
                              "--council Luton", no_args_is_help=True)
change_app = typer.Typer(help="Show, reject, verify or correct one change.\n\nExample: floorcross "
                              "change reject 12 --note 'not a councillor'", no_args_is_help=True)
app.add_typer(people_app, name="people")
app.add_typer(change_app, name="change")


def open_db(db: str | None) -> Store:
    """Open the store or exit with one line saying why not."""
    from floorcross.store import open_store

    with handled():
        return open_store(db)


# ------------------------------------------------------------------------------ ingest

INGEST_HELP = (
    "Read news into the database: text or HTML files and folders, RSS/Atom feeds (files or "
    "URLs), WARC archives, JSONL exports, .urls lists of article URLs.\n\n"
    "Each article is stored once (copies under other URLs are recorded as seen), extracted, and "
    "its changes of party are joined with those already stored: one person, one change, many "
    "sources. Inputs that cannot be read are skipped with one line each on standard error, and "
    "the exit status is 1. Batches are written whole, so a run stopped at any point can simply "
    "be run again.\n\n"
    "A prefilter passes over articles that name no office or use no word of the change "
    "vocabulary; --relevant-only keeps only articles that report a change (for large "
    "archives). --workers extracts on several cores, --engine dask on a cluster: the database "
    "is the same either way.\n\n"
    "Example: floorcross ingest news/ feeds/luton.rss --db floorcross.db"
)


class Engine(str, Enum):
    local = "local"
    dask = "dask"


@app.command("ingest", help=INGEST_HELP)
def ingest_command(
    paths: Annotated[list[str] | None, typer.Argument(
        metavar="PATH...", show_default=False,
        help="Files, folders, feeds, archives, .urls lists, http(s) URLs, or - for stdin.")] = None,
    db: DbOption = None,
    reextract: Annotated[bool, typer.Option(
        "--reextract", help="Run the current extractor again over every stored article (no "
                            "fetching) and rebuild people and changes; corrections are kept.")
    ] = False,
    fetch: Annotated[bool, typer.Option(
        "--fetch/--no-fetch", help="Fetch http(s) URLs and the pages that feeds link to.")] = True,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, help="Articles per batch (one transaction each).")] = 64,
    max_bytes: Annotated[int, typer.Option(
        "--max-bytes", min=1, metavar="BYTES", envvar="FLOORCROSS_MAX_BYTES",
        help="Skip any file or download larger than this.")] = 5_000_000,
    fetch_timeout: Annotated[float, typer.Option(
        "--fetch-timeout", min=0.1, metavar="SECONDS", envvar="FLOORCROSS_FETCH_TIMEOUT",
        help="Give up on a download not complete (connection, headers and whole body) within "
             "this.")] = 30.0,
    relevant_only: Annotated[bool, typer.Option(
        "--relevant-only/--keep-irrelevant",
        help="Store only articles that report a change (pages without the vocabulary are not "
             "even parsed), or every article read.")] = False,
    prefilter: Annotated[bool, typer.Option(
        "--prefilter/--no-prefilter",
        help="Pass over articles that name no office or use no change word, unextracted.")
    ] = True,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, show_default="all cores",
        help="Processes extracting (or Dask workers of a local cluster).")] = None,
    engine: Annotated[Engine, typer.Option(
        "--engine", help="local: this machine; dask: read and extract on a Dask cluster.")
    ] = Engine.local,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", metavar="ADDRESS",
        help="Dask scheduler (tcp://host:8786); without it, --engine dask starts a local "
             "cluster.")] = None,
) -> None:
    """``floorcross ingest``: see :data:`INGEST_HELP`."""
    from floorcross import ingest as pipeline

    if not paths and not reextract:
        raise fail("give at least one PATH to ingest (or --reextract)")
    if scheduler and engine is not Engine.dask:
        raise fail("--scheduler needs --engine dask")
    store = open_db(db)
    progress = _progress() if sys.stderr.isatty() else None
    task = progress.add_task("ingest", total=None) if progress else None

    def note(skip: pipeline.Skipped, prefix: str = "") -> None:
        message = f"{prefix}{skip.message()}"
        if progress is not None:
            progress.console.print(f"floorcross: {message}", markup=False, highlight=False)
        else:
            say(message)

    def advance(result: Any) -> None:
        if progress is not None and task is not None:
            progress.advance(task, result.articles)
            progress.refresh()

    skipped = 0
    try:
        with handled(), progress or nullcontext():
            if paths:
                options: dict[str, Any] = {
                    "batch_size": batch_size, "fetch": fetch, "max_bytes": max_bytes,
                    "fetch_timeout": fetch_timeout,
                    "prefilter": prefilter, "relevant_only": relevant_only, "workers": workers,
                    "on_skip": note, "on_warning": lambda w: note(w, "warning: "),
                    "on_batch": advance}
                if engine is Engine.dask:
                    from floorcross.cluster import ingest_dask

                    summary = ingest_dask(paths, store, scheduler=scheduler, **options)
                else:
                    summary = pipeline.ingest(paths, store, **options)
                skipped += len(summary.skipped)
                say(summary.line())
            if reextract:
                summary = pipeline.reextract(store, batch_size=batch_size, prefilter=prefilter,
                                             on_skip=note, on_batch=advance)
                skipped += len(summary.skipped)
                say("re-extracted " + summary.line().replace(" read", ""))
    except KeyboardInterrupt:
        say("interrupted; every batch written so far is kept, run again to continue")
        raise typer.Exit(130) from None
    finally:
        store.close()
    raise typer.Exit(1 if skipped else 0)


def _progress() -> Any:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(SpinnerColumn(), TextColumn("ingesting"),
                    TextColumn("{task.completed} articles"), TimeElapsedColumn(),
                    console=console(stderr=True), transient=True,
                    auto_refresh=False)  # no refresh thread: archive readers can be forked


# ------------------------------------------------------------------------------ changes

CHANGE_COLUMNS = ("id", "date", "person", "council", "ward", "kind", "change", "sources", "review")


def change_dict(change: Any) -> dict[str, Any]:
    """A change as a row: every field, plus ``change`` ("Labour → Independent") for tables."""
    row = change.as_dict()
    row["change"] = f"{change.from_party or '?'} → {change.to_party or '?'}"
    return row


CHANGES_HELP = (
    "List changes of party, oldest first, filtered by council, party, kind, date or person.\n\n"
    "--party matches the party left or joined; --council takes any name of a council (Luton, "
    "Luton Council, E06000032); --since/--until take YYYY, YYYY-MM, YYYY-MM-DD or words like "
    "'last month'. Rejected changes are left out unless --all.\n\n"
    "Example: floorcross changes --council Luton --party Labour"
)


@app.command("changes", help=CHANGES_HELP)
def changes_command(
    council: Annotated[str | None, typer.Option(help="Council name or GSS code.")] = None,
    party: Annotated[str | None, typer.Option(help="Party left or joined.")] = None,
    kind: Annotated[str | None, typer.Option(
        help="defection, suspension, expulsion or readmission.")] = None,
    since: Annotated[str | None, typer.Option(help="On or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="On or before this date.")] = None,
    person: Annotated[str | None, typer.Option(help="Name, key or id of a person.")] = None,
    include_rejected: Annotated[bool, typer.Option(
        "--all", help="Include changes a person rejected.")] = False,
    fmt: FormatOption = ListFormat.table,
    db: DbOption = None,
) -> None:
    """``floorcross changes``: see :data:`CHANGES_HELP`."""
    from floorcross.store import parse_when

    store = open_db(db)
    with handled():
        found = store.changes(
            council=council, party=party, kind=kind, person=person,
            since=parse_when(since) if since else None,
            until=parse_when(until, end=True) if until else None,
            include_rejected=include_rejected,
        )
        emit([change_dict(c) for c in found], fmt,
             CHANGE_COLUMNS if fmt is ListFormat.table else _all_change_columns(),
             title="Changes of party", caption=f"{len(found)} changes",
             headers={"change": "from → to"})
    store.close()


def _all_change_columns() -> tuple[str, ...]:
    return ("id", "key", "date", "person", "person_id", "kind", "from_party", "to_party",
            "council", "council_gss", "ward", "office", "role", "reported", "sources", "review",
            "corrected")


# ------------------------------------------------------------------------------ person

PERSON_HELP = (
    "Show a person's timeline: each change with its date, from → to, and the articles and "
    "sentences that report it.\n\n"
    "NAME can be part of a name (every match is shown), a person's key or id.\n\n"
    "Example: floorcross person 'Dana Whitlock'"
)
MAX_PEOPLE = 10


@app.command("person", help=PERSON_HELP)
def person_command(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Name, key or id.")],
    fmt: FormatOption = ListFormat.table,
    include_rejected: Annotated[bool, typer.Option(
        "--all", help="Include changes a person rejected.")] = False,
    db: DbOption = None,
) -> None:
    """``floorcross person``: see :data:`PERSON_HELP`."""
    store = open_db(db)
    with handled():
        people = store.find_people(name)
        if not people:
            raise fail(f"no person matches {name!r} (try part of the name, or floorcross people "
                       "list)", 1)
        timelines = [store.timeline(p.id, include_rejected) for p in people[:MAX_PEOPLE]]
        if fmt is ListFormat.table:
            _print_timelines(timelines)
            if len(people) > MAX_PEOPLE:
                say(f"{len(people) - MAX_PEOPLE} more people match {name!r}; be more specific")
        elif fmt is ListFormat.json:
            write_stdout(json.dumps([_timeline_dict(t) for t in timelines], ensure_ascii=False,
                                    indent=2) + "\n")
        else:
            rows = [row for t in timelines for row in _timeline_rows(t)]
            write_stdout(csv_text(rows, list(rows[0]) if rows else ["person"]))
    store.close()


def _timeline_dict(timeline: Any) -> dict[str, Any]:
    return {
        "person": timeline.person.as_dict(),
        "changes": [
            {**e.change.as_dict(), "sources": [s.as_dict() for s in e.sources]}
            for e in timeline.entries
        ],
    }


def _timeline_rows(timeline: Any) -> list[dict[str, Any]]:
    p = timeline.person
    return [
        {"person_id": p.id, "person": p.name, "change_id": e.change.id, "date": e.change.date,
         "kind": e.change.kind, "from_party": e.change.from_party,
         "to_party": e.change.to_party, "council": e.change.council, "review": e.change.review,
         "article_id": s.article_id, "published": s.published, "outlet": s.outlet,
         "title": s.title, "url": s.url, "status": s.status, "evidence": s.evidence_text}
        for e in timeline.entries for s in e.sources
    ]


def _print_timelines(timelines: list[Any]) -> None:
    from rich.markup import escape

    out = console()
    for t in timelines:
        p = t.person
        where = ", ".join(x for x in (p.council, f"{p.ward} ward" if p.ward else None) if x)
        aliases = [n for n in p.names if n != p.name]
        out.print(f"[bold]{escape(p.name)}[/bold]  ({escape(p.key)}, id {p.id})"
                  + (f" — {escape(where)}" if where else ""))
        if aliases:
            out.print(f"  also named: {escape(', '.join(aliases))}")
        if not t.entries:
            out.print("  no changes recorded")
        for e in t.entries:
            c = e.change
            mark = "" if c.review == "unreviewed" else f" [{c.review}]"
            out.print(f"  [bold]{c.date or 'undated'}[/bold]  {c.kind}: "
                      f"{escape(c.from_party or '?')} → {escape(c.to_party or '?')}"
                      f"  (change {c.id}, {len(e.sources)} report{'s' if len(e.sources) != 1 else ''})"
                      + escape(mark))
            for s in e.sources:
                label = " · ".join(x for x in (s.published, s.outlet, s.title) if x)
                out.print(f"    article {s.article_id} ({s.status}): {escape(label)}")
                if s.url:
                    out.print(f"      {escape(s.url)}", soft_wrap=True)
                if s.evidence_text:
                    out.print(f"      “{escape(s.evidence_text)}”")
        out.print()


# ------------------------------------------------------------------------------ people list


@people_app.command("list", help="List people in the database, by name.\n\n"
                                 "Example: floorcross people list --council Luton")
def people_list_command(
    council: Annotated[str | None, typer.Option(help="Council name or GSS code.")] = None,
    fmt: FormatOption = ListFormat.table,
    db: DbOption = None,
) -> None:
    """``floorcross people list``."""
    store = open_db(db)
    with handled():
        people = store.people(council)
        rows = [p.as_dict() for p in people]
        emit(rows, fmt, ("id", "name", "council", "ward", "office", "changes", "names")
             if fmt is ListFormat.table else
             ("id", "key", "name", "council", "council_gss", "ward", "office", "changes", "names"),
             title="People", caption=f"{len(rows)} people")
    store.close()


# ------------------------------------------------------------------------------ export

EXPORT_HELP = (
    "Export changes, people or sources (one row per article reporting a change) as CSV or "
    "JSON lines, for spreadsheets and other programs; or the whole record as party "
    "memberships: --format popolo (Popolo JSON: persons, organizations, memberships with "
    "sources) or --format wikidata-csv (one row per membership shaped for QuickStatements). "
    "Rejected changes are left out.\n\n"
    "Example: floorcross export --format csv --what changes -o changes.csv\n\n"
    "Example: floorcross export --format popolo -o floorcross-popolo.json"
)
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "changes": (*_all_change_columns(), "urls"),
    "people": ("id", "key", "name", "council", "council_gss", "ward", "office", "changes",
               "names"),
    "sources": ("id", "change_id", "change_key", "article_id", "published", "outlet", "title",
                "url", "status", "person_name", "date", "evidence_text", "content_hash"),
}


@app.command("export", help=EXPORT_HELP)
def export_command(
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="csv, jsonl, popolo or wikidata-csv.")] = ExportFormat.csv,
    what: Annotated[str, typer.Option(
        "--what", help="changes, people or sources.")] = "changes",
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE", help="Write to FILE (in full or not at all) instead "
                                               "of standard output.")] = None,
    db: DbOption = None,
) -> None:
    """``floorcross export``: see :data:`EXPORT_HELP`."""
    if what not in EXPORT_COLUMNS:
        raise fail(f"--what must be one of {', '.join(EXPORT_COLUMNS)}, not {what!r}")
    store = open_db(db)
    with handled():
        if fmt in (ExportFormat.popolo, ExportFormat.wikidata_csv):
            text, what_written = _membership_export(store, fmt)
            if output and output != "-":
                write_file_atomic(Path(output), text)
                say(f"wrote {what_written} to {output}")
            else:
                write_stdout(text)
            store.close()
            return
        rows = export_rows(store, what)
        if fmt is ExportFormat.csv:
            text = csv_text(rows, EXPORT_COLUMNS[what])
        else:
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        if output and output != "-":
            write_file_atomic(Path(output), text)
            say(f"wrote {len(rows)} {what} to {output}")
        else:
            write_stdout(text)
    store.close()


def _membership_export(store: Store, fmt: ExportFormat) -> tuple[str, str]:
    """(text, what it holds) for --format popolo or wikidata-csv."""
    from floorcross.memberships import WIKIDATA_COLUMNS, popolo, wikidata_rows

    if fmt is ExportFormat.popolo:
        data = popolo(store)
        counts = (f"{len(data['persons'])} persons, {len(data['organizations'])} "
                  f"organizations and {len(data['memberships'])} memberships")
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n", counts
    rows = wikidata_rows(store)
    return csv_text(rows, WIKIDATA_COLUMNS), f"{len(rows)} memberships"


def export_rows(store: Store, what: str) -> list[dict[str, Any]]:
    """The rows ``floorcross export --what`` writes."""
    if what == "people":
        return [p.as_dict() for p in store.people()]
    sources = store.sources()
    if what == "sources":
        return [s.as_dict() for s in sources]
    urls: dict[int, list[str]] = {}
    for s in sources:
        if s.url and s.url not in urls.setdefault(s.change_id, []):
            urls[s.change_id].append(s.url)
    return [{**c.as_dict(), "urls": urls.get(c.id, [])} for c in store.changes()]


# ------------------------------------------------------------------------------ datasette

DATASETTE_HELP = (
    "Write Datasette's metadata.json beside a SQLite database: every table and column "
    "described, the licence and source notes, and canned queries (changes this month, net "
    "seats by party per council, people with more than one change).\n\n"
    "Example: floorcross datasette-metadata --db floorcross.db && "
    "datasette floorcross.db --metadata metadata.json"
)


@app.command("datasette-metadata", help=DATASETTE_HELP)
def datasette_metadata_command(
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Where to write (default: metadata.json beside the database).")] = None,
    licence: Annotated[str | None, typer.Option(help="Licence of the data.")] = None,
    licence_url: Annotated[str | None, typer.Option(help="Link to the licence.")] = None,
    source: Annotated[str | None, typer.Option(help="Where the data come from.")] = None,
    source_url: Annotated[str | None, typer.Option(help="Link to the source.")] = None,
    db: DbOption = None,
) -> None:
    """``floorcross datasette-metadata``: see :data:`DATASETTE_HELP`."""
    from sqlalchemy.engine import make_url

    from floorcross.datasette_metadata import write_metadata
    from floorcross.store.db import database_url

    with handled():
        url = make_url(database_url(db))
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            raise fail("Datasette serves SQLite files: give --db FILE.db")
        path = Path(url.database)
        if not path.is_file():
            raise fail(f"{path}: no such database file")
        options = {k: v for k, v in {"licence": licence, "licence_url": licence_url,
                                     "source": source, "source_url": source_url}.items() if v}
        written = write_metadata(path, output, **options)
        say(f"wrote {written}: serve it with datasette {path} --metadata {written}")


import floorcross.cli.review  # noqa: F401 - registers the correction commands
