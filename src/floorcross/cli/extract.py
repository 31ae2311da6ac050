"""``floorcross extract``, ``floorcross show`` and ``floorcross eval``.

The commands are thin: ``extract`` streams :func:`floorcross.sources.iter_sources` through
:func:`floorcross.extract.extract_many` in batches and writes one FORMAT.md record per line;
``show`` prints the changes in such a file as a table; ``eval`` prints the scores of
:func:`floorcross.evaluate.evaluate`. Bad input never stops a run and never prints a traceback:
each skipped input is one ``floorcross: <origin>: <reason>`` line on standard error.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from floorcross.cli import app

if TYPE_CHECKING:  # the heavy imports wait until a command runs, so that --help stays fast
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from floorcross.evaluate import Report
    from floorcross.records import ArticleRecord
    from floorcross.sources import SourceArticle, SourceItem

MAX_BYTES = 5_000_000
BATCH_SIZE = 64
# More inputs than this (or any folder or archive) get a progress bar when stderr is a terminal.
PROGRESS_MIN_INPUTS = 20
# Width for tables when stdout is a file or a pipe: wide enough that no column wraps.
PLAIN_WIDTH = 160
ARCHIVE_KINDS = frozenset({"warc", "jsonl", "feed", "urls"})


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    table = "table"


class TableFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class ReportFormat(str, Enum):
    table = "table"
    json = "json"


# --------------------------------------------------------------------------------------------
# Messages and output


def help_text(*paragraphs: str) -> str:
    """A command's help: paragraphs kept apart, each one reflowed to the terminal."""
    return "\n\n".join(paragraphs)


def say(message: str) -> None:
    """Print one line on standard error (newlines inside the message become spaces)."""
    sys.stderr.write("floorcross: " + one_line(message) + "\n")
    sys.stderr.flush()


def one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def usage_error(message: str) -> typer.Exit:
    """Print a one-line usage error; the caller raises the returned exit (status 2)."""
    say(message)
    return typer.Exit(2)


def stdout_console() -> Console:
    """A console for standard output; wide and colourless when it is not a terminal."""
    from rich.console import Console

    if sys.stdout.isatty():
        return Console(highlight=False)
    return Console(highlight=False, width=PLAIN_WIDTH, no_color=True)


class AtomicOutput:
    """A text file written under a temporary name and renamed into place on :meth:`commit`.

    A run that fails or is interrupted leaves the old file (or none), never half a file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.tmp = Path(tmp)
        self.file: TextIO = open(handle, "w", encoding="utf-8", newline="\n")  # noqa: SIM115

    def write(self, text: str) -> None:
        self.file.write(text)

    def flush(self) -> None:
        self.file.flush()

    def commit(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual mode
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.file.close()
        self.tmp.unlink(missing_ok=True)


class StdoutOutput:
    """Standard output, written as UTF-8 whatever the locale says."""

    def write(self, text: str) -> None:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(text)
        else:
            buffer.write(text.encode("utf-8"))

    def flush(self) -> None:
        buffer = getattr(sys.stdout, "buffer", None)
        (buffer or sys.stdout).flush()

    def commit(self) -> None:
        self.flush()

    def abort(self) -> None:
        pass


def open_output(output: str | None) -> AtomicOutput | StdoutOutput:
    """Where results go: ``None`` or ``-`` is standard output; a missing folder is a usage error."""
    if output is None or output == "-":
        return StdoutOutput()
    path = Path(output)
    if path.is_dir():
        raise usage_error(f"{output}: is a directory (give a file name for --output)")
    if not path.parent.is_dir():
        raise usage_error(f"{output}: folder {str(path.parent)!r} does not exist (create it first)")
    try:
        return AtomicOutput(path)
    except OSError as exc:
        raise usage_error(f"{output}: cannot write here ({exc.strerror or exc})") from None


def quiet_broken_pipe() -> typer.Exit:
    """``floorcross extract ... | head``: stop quietly when the reader goes away."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
    return typer.Exit(0)


# --------------------------------------------------------------------------------------------
# extract: the streaming loop


@dataclass
class ExtractionFailure:
    """An article the extractor raised on: it is skipped, the others go on."""

    origin: str
    error: BaseException

    def message(self) -> str:
        detail = one_line(f"{type(self.error).__name__}: {self.error}")
        return (f"{self.origin}: extraction failed ({detail}); article skipped. This is a bug in "
                "floorcross: please report it with this input")


def extract_articles(
    articles: list[SourceArticle],
    extract_many: Callable[[list[tuple[str, str | None, str | None]]], list[ArticleRecord]] | None = None,
) -> list[ArticleRecord | ExtractionFailure]:
    """Extract a batch; when the batch raises, retry article by article to isolate the bad one."""
    if extract_many is None:
        from floorcross import extract as extract_module

        extract_many = extract_module.extract_many
    items = [(a.text, a.published, a.doc) for a in articles]
    try:
        return list(extract_many(items))
    except Exception as exc:  # noqa: BLE001 - one bad article must not cost the batch
        if len(items) == 1:
            return [ExtractionFailure(articles[0].origin, exc)]
    results: list[ArticleRecord | ExtractionFailure] = []
    for article, item in zip(articles, items, strict=True):
        try:
            results.append(extract_many([item])[0])
        except Exception as exc:  # noqa: BLE001
            results.append(ExtractionFailure(article.origin, exc))
    return results


def extract_stream(
    sources: Iterable[SourceItem], batch_size: int = BATCH_SIZE
) -> Iterator[ArticleRecord | ExtractionFailure | SourceItem]:
    """Records for the articles in ``sources``, batched; problems and warnings pass through.

    Holds at most ``batch_size`` articles in memory. Records come out in input order.
    """
    from floorcross.sources import SourceArticle, SourceProblem

    batch: list[SourceArticle] = []
    iterator = iter(sources)
    while True:
        try:
            item = next(iterator)
        except StopIteration:
            break
        except Exception as exc:  # noqa: BLE001 - a reader bug ends the input, not the run
            yield SourceProblem(origin="input", reason=f"reading stopped: {type(exc).__name__}: {exc}")
            break
        if isinstance(item, SourceArticle):
            batch.append(item)
            if len(batch) >= batch_size:
                yield from extract_articles(batch)
                batch = []
        else:
            yield item
    if batch:
        yield from extract_articles(batch)


@dataclass
class RunCounts:
    articles: int = 0
    relevant: int = 0
    skipped: int = 0
    warnings: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)


def wants_progress(paths: list[str]) -> bool:
    """A progress bar is for people: stderr is a terminal and the input is large."""
    if not sys.stderr.isatty():
        return False
    from floorcross.sources import file_kind

    if len(paths) > PROGRESS_MIN_INPUTS:
        return True
    return any(Path(p).is_dir() or file_kind(Path(p)) in ARCHIVE_KINDS for p in paths if p != "-")


def count_inputs(paths: list[str]) -> int | None:
    """How many articles to expect, when every input is one article per file; else None."""
    from floorcross.sources import file_kind, walk_folder

    total = 0
    for raw in paths:
        if raw == "-" or "://" in raw:
            return None
        path = Path(raw)
        for f in walk_folder(path) if path.is_dir() else [path]:
            kind = file_kind(f)
            if kind in ARCHIVE_KINDS:
                return None
            total += kind is not None
    return total


def make_progress(total: int | None) -> Progress:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [SpinnerColumn(), TextColumn("extracting")]
    if total:
        columns += [BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    else:
        columns += [TextColumn("{task.completed} articles"), TimeElapsedColumn()]
    return Progress(*columns, console=Console(stderr=True), transient=True)


def run_extract(
    paths: list[str],
    out: AtomicOutput | StdoutOutput,
    *,
    pretty: bool,
    as_table: bool,
    fetch: bool,
    max_bytes: int,
    batch_size: int,
    fetch_timeout: float = 30.0,
    progress: Progress | None = None,
    total: int | None = None,
) -> RunCounts:
    """The body of ``floorcross extract``: read, extract, write, report problems."""
    from floorcross.sources import SourceProblem, SourceWarning, iter_sources

    counts = RunCounts()
    task = progress.add_task("extract", total=total) if progress else None

    def note(message: str) -> None:
        if progress is not None:
            progress.console.print("floorcross: " + one_line(message), markup=False,
                                   highlight=False, soft_wrap=True)
        else:
            say(message)

    def advance() -> None:
        if progress is not None and task is not None:
            progress.advance(task)

    sources = iter_sources(paths, fetch=fetch, max_bytes=max_bytes, fetch_timeout=fetch_timeout)
    for result in extract_stream(sources, batch_size=batch_size):
        if isinstance(result, SourceWarning):
            counts.warnings += 1
            note(f"warning: {result.message()}")
        elif isinstance(result, SourceProblem | ExtractionFailure):
            counts.skipped += 1
            note(result.message())
            advance()
        else:
            record = result.to_json_dict()
            counts.articles += 1
            counts.relevant += bool(record["relevant"])
            if as_table:
                counts.rows.extend(change_rows(record))
            else:
                out.write(json.dumps(record, ensure_ascii=False, indent=2 if pretty else None) + "\n")
            advance()
        if progress is None:
            out.flush()
    return counts


EXTRACT_HELP = help_text(
    "Extract changes of party from news articles, one JSON record per article.",
    ("Each record has the FORMAT.md shape: doc, published, relevant, events (with evidence spans "
     "and quotes) and composition. An input that cannot be read is skipped with one line on "
     "standard error and the exit status is 1; warnings alone leave it 0."),
    "Example: floorcross extract examples/articles -o changes.jsonl",
)


@app.command("extract", help=EXTRACT_HELP)
def extract_command(
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH",
        help="Article files (.txt, .html, feeds, .warc[.gz], .jsonl[.gz], .urls), folders (read "
             "recursively), - for standard input, or http(s) URLs.")],
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Write to FILE instead of standard output (written in full or not at all).")] = None,
    pretty: Annotated[bool, typer.Option(
        "--pretty", help="Indent each JSON record over several lines, for reading.")] = False,
    fetch: Annotated[bool, typer.Option(
        "--fetch/--no-fetch", help="Fetch http(s) URLs and the articles of feeds.")] = True,
    fmt: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="jsonl: one FORMAT.md record per article; table: the changes found, "
                               "for people.")] = OutputFormat.jsonl,
    max_bytes: Annotated[int, typer.Option(
        "--max-bytes", min=1, envvar="FLOORCROSS_MAX_BYTES", metavar="BYTES",
        help="Skip any input file or download larger than this.")] = MAX_BYTES,
    fetch_timeout: Annotated[float, typer.Option(
        "--fetch-timeout", min=0.1, metavar="SECONDS", envvar="FLOORCROSS_FETCH_TIMEOUT",
        help="Give up on a download not complete (connection, headers and whole body) within "
             "this.")] = 30.0,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, help="Articles per extraction batch (bigger is faster, uses more "
                                    "memory).")] = BATCH_SIZE,
) -> None:
    """``floorcross extract``: see :data:`EXTRACT_HELP`."""
    out = open_output(output)
    progress, total = None, None
    if wants_progress(paths):
        total = count_inputs(paths)
        progress = make_progress(total)
    try:
        with progress or nullcontext():
            counts = run_extract(paths, out, pretty=pretty, as_table=fmt is OutputFormat.table,
                                 fetch=fetch, max_bytes=max_bytes, batch_size=batch_size,
                                 fetch_timeout=fetch_timeout,
                                 progress=progress, total=total)
        if fmt is OutputFormat.table:
            write_table(out, counts.rows, counts.articles)
        out.commit()
    except KeyboardInterrupt:
        out.abort()
        say("interrupted; nothing was written" if isinstance(out, AtomicOutput) else "interrupted")
        raise typer.Exit(130) from None
    except BrokenPipeError:
        out.abort()
        raise quiet_broken_pipe() from None
    except Exception as exc:  # noqa: BLE001 - last resort: one line, never a traceback
        out.abort()
        say(f"unexpected error: {type(exc).__name__}: {exc}. This is a bug in floorcross: "
            "please report it")
        raise typer.Exit(1) from None
    raise typer.Exit(1 if counts.skipped else 0)


# --------------------------------------------------------------------------------------------
# show: a table of the changes in extract's output

CHANGE_COLUMNS = ("doc", "person", "kind", "change", "council", "date", "status")


def change_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per event of a FORMAT.md record, for tables and CSV."""
    rows = []
    for event in record.get("events") or []:
        rows.append({
            "doc": record.get("doc"),
            "person": event.get("person"),
            "kind": event.get("kind"),
            "change": f"{event.get('from_party') or '–'} → {event.get('to_party') or '–'}",
            "from_party": event.get("from_party"),
            "to_party": event.get("to_party"),
            "council": event.get("council"),
            "date": event.get("date"),
            "status": event.get("status"),
        })
    return rows


def changes_table(rows: list[dict[str, Any]], articles: int) -> Table:
    from rich.table import Table

    relevant = len({r["doc"] for r in rows})
    table = Table(title="Changes of party found",
                  caption=f"{articles} articles, {relevant} with changes, {len(rows)} changes")
    for name in CHANGE_COLUMNS:
        table.add_column("from → to" if name == "change" else name, overflow="fold")
    for row in rows:
        table.add_row(*(str(row[c]) if row[c] is not None else "" for c in CHANGE_COLUMNS))
    return table


def write_table(out: AtomicOutput | StdoutOutput, rows: list[dict[str, Any]], articles: int) -> None:
    from rich.console import Console

    if isinstance(out, StdoutOutput):
        stdout_console().print(changes_table(rows, articles))
        return
    buffer = io.StringIO()
    Console(file=buffer, width=PLAIN_WIDTH, no_color=True, highlight=False).print(
        changes_table(rows, articles))
    out.write(buffer.getvalue())


def read_records(path: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """``(line, record)`` for each JSON object in a JSONL file (``--pretty`` output too).

    A line that is not JSON gives ``(line, reason)`` instead, and reading goes on.
    """
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    try:
        block: list[str] = []
        block_start = 0
        for number, line in enumerate(stream, 1):
            if block or (line.rstrip("\r\n") == "{"):
                block_start = block_start if block else number
                block.append(line)
                if line.rstrip("\r\n") != "}":
                    continue
                text, number, block = "".join(block), block_start, []
            else:
                text = line
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                yield number, f"not valid JSON ({exc.msg})"
                continue
            if not isinstance(record, dict):
                yield number, "not a JSON object (expected one record per line)"
                continue
            yield number, record
        if block:
            yield block_start, "JSON record not closed before the end of the file"
    finally:
        if stream is not sys.stdin:
            stream.close()


SHOW_HELP = help_text(
    "Show the changes of party in extract's output as a table.",
    ("One row per event: doc, person, kind, from → to, council, date and status (new or "
     "background)."),
    "Example: floorcross show changes.jsonl",
)


@app.command("show", help=SHOW_HELP)
def show_command(
    files: Annotated[list[str], typer.Argument(
        metavar="FILE", help="JSONL files written by floorcross extract (- for standard input).")],
    fmt: Annotated[TableFormat, typer.Option(
        "--format", "-f", help="table for people, csv or json for other programs.")] = TableFormat.table,
) -> None:
    """``floorcross show``: see :data:`SHOW_HELP`."""
    rows: list[dict[str, Any]] = []
    articles = skipped = 0
    for name in files:
        if name != "-" and not Path(name).is_file():
            say(f"{name}: no such file" if not Path(name).exists() else f"{name}: not a file")
            skipped += 1
            continue
        try:
            for number, record in read_records(name):
                if isinstance(record, str):
                    say(f"{name}:{number}: {record}; record skipped")
                    skipped += 1
                    continue
                articles += 1
                rows.extend(change_rows(record))
        except (OSError, UnicodeDecodeError) as exc:
            say(f"{name}: cannot read ({exc}); file skipped")
            skipped += 1
    try:
        if fmt is TableFormat.table:
            stdout_console().print(changes_table(rows, articles))
        elif fmt is TableFormat.csv:
            fields = ["doc", "person", "kind", "from_party", "to_party", "council", "date", "status"]
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore",
                                    lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            StdoutOutput().write(buffer.getvalue())
        else:
            clean = [{k: v for k, v in r.items() if k != "change"} for r in rows]
            StdoutOutput().write(json.dumps(clean, ensure_ascii=False, indent=2) + "\n")
        StdoutOutput().flush()
    except BrokenPipeError:
        raise quiet_broken_pipe() from None
    raise typer.Exit(1 if skipped else 0)


# --------------------------------------------------------------------------------------------
# eval: scores against gold files


def check_gold_dirs(dirs: list[Path]) -> None:
    """Exit 2 with one line when a folder is missing or holds no annotated articles."""
    from floorcross.evaluate import gold_items

    for folder in dirs:
        if not folder.exists():
            raise usage_error(f"{folder}: no such folder")
        if not folder.is_dir():
            raise usage_error(f"{folder}: not a folder (give folders of NAME.txt + NAME.gold.json)")
        if not gold_items([folder]):
            raise usage_error(f"{folder}: no NAME.txt + NAME.gold.json pairs here (a gold folder "
                              "holds annotated articles, see FORMAT.md)")


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def report_tables(report: Report) -> list[Table]:
    """The tables of ``floorcross eval``: detection scores, field accuracy, summary."""
    from rich.table import Table

    from floorcross.evaluate import FIELDS

    scores = Table(title="Detection")
    for name in ("", "TP", "FP", "FN", "precision", "recall", "F1"):
        scores.add_column(name, justify="left" if not name else "right")
    rows = [("relevance (articles)", report.relevance), ("events", report.events),
            ("events: new only", report.events_new)]
    rows += [(f"events: {kind}", counts) for kind, counts in report.by_kind.items()]
    rows += [("full event (person, kind, parties, council)", report.full),
             ("composition (seat counts)", report.composition)]
    for label, c in rows:
        scores.add_row(label, str(c.tp), str(c.fp), str(c.fn), pct(c.precision), pct(c.recall),
                       pct(c.f1))

    title = f"Field accuracy on {report.matched} matched events"
    fields = Table(title=title, min_width=len(title) + 2)
    fields.add_column("field")
    fields.add_column("right", justify="right")
    fields.add_column("accuracy", justify="right")
    accuracy = report.field_accuracy()
    for name in FIELDS:
        fields.add_row(name, f"{report.field_right[name]}/{report.matched}", pct(accuracy[name]))

    summary = Table(title="Summary", show_header=False)
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    summary.add_row("articles", str(report.articles))
    summary.add_row("predicted events", str(report.predicted_events))
    summary.add_row("grounded events (evidence = exact slices of the text)",
                    f"{pct(report.grounded_share)} ({report.grounded}/{report.predicted_events})")
    return [scores, fields, summary]


def category_table(report: Report) -> Table:
    """Errors counted by :data:`floorcross.evaluate.CATEGORIES`."""
    from rich.table import Table

    from floorcross.evaluate import CATEGORIES

    table = Table(title=f"Errors by category ({len(report.errors)})")
    table.add_column("category")
    table.add_column("errors", justify="right")
    table.add_column("what it counts")
    for name, count in report.by_category().items():
        table.add_row(name, str(count), CATEGORIES[name])
    return table


def fmt_value(value: Any) -> str:
    """A gold or predicted value for an error line: lists read as "A or B", None as null."""
    if isinstance(value, list):
        return " or ".join(fmt_value(v) for v in value) or "[]"
    if value is None:
        return "null"
    return repr(value) if isinstance(value, str) else str(value)


def plain_value(value: Any) -> str:
    """Like :func:`fmt_value`, without quotes around text (for names and kinds)."""
    if isinstance(value, list):
        return " or ".join(plain_value(v) for v in value) or "[]"
    return "null" if value is None else str(value)


def describe_event(event: dict[str, Any]) -> str:
    plain = plain_value
    text = f"{plain(event.get('person'))}: {plain(event.get('kind'))} ({plain(event.get('status'))}), "
    text += f"{plain(event.get('from_party'))} → {plain(event.get('to_party'))}"
    text += f", council {plain(event.get('council'))}, date {plain(event.get('date'))}"
    return text


def describe_error(error: dict[str, Any]) -> str:
    """One readable line for an entry of ``Report.errors``."""
    kind = error.get("type")
    if kind == "relevance":
        said = "relevant" if error.get("predicted") else "not relevant"
        gold = "relevant" if error.get("gold") else "not relevant"
        return f"relevance: extracted as {said}, gold says {gold}"
    if kind == "field":
        return (f"wrong {error.get('field')} for {plain_value(error.get('person'))} "
                f"({plain_value(error.get('kind'))}): got {fmt_value(error.get('predicted'))}, "
                f"gold {fmt_value(error.get('gold'))}")
    if kind in ("miss", "false alarm"):
        return f"{kind}: {describe_event(error.get('event') or {})}"
    if kind in ("composition miss", "composition false alarm"):
        s = error.get("statement") or {}
        return (f"{kind}: {plain_value(s.get('party'))} {s.get('seats')} seats, council "
                f"{plain_value(s.get('council'))}, date {plain_value(s.get('date'))}")
    return json.dumps(error, ensure_ascii=False)


def grouped_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Error lines by doc, docs in first-seen order."""
    groups: dict[str, list[str]] = {}
    for error in errors:
        groups.setdefault(str(error.get("doc")), []).append(describe_error(error))
    return groups


EVAL_HELP = help_text(
    "Score the extractor against gold annotations (the FORMAT.md shape).",
    ("Prints precision, recall and F1 for relevance, events (all, new only, per kind), full "
     "events and seat counts; the accuracy of each field on matched events; the share of "
     "grounded events; the number of articles; with --by-category, the errors counted by the "
     "kind of loss."),
    "Example: floorcross eval tests/fixtures/articles --errors",
)


@app.command("eval", help=EVAL_HELP)
def eval_command(
    gold_dirs: Annotated[list[Path], typer.Argument(
        metavar="GOLD_DIR", help="Folders of NAME.txt articles with NAME.gold.json beside them.")],
    errors: Annotated[bool, typer.Option(
        "--errors", help="Also list every miss, false alarm, wrong field and composition error.")] = False,
    by_category: Annotated[bool, typer.Option(
        "--by-category", help="Also count the errors by kind of loss (lists of people, local "
        "groups, new vs background, parties, councils, seat counts...).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    fmt: Annotated[ReportFormat, typer.Option(
        "--format", "-f", help="table for people, json for other programs.")] = ReportFormat.table,
) -> None:
    """``floorcross eval``: see :data:`EVAL_HELP`."""
    from floorcross.evaluate import evaluate

    check_gold_dirs(gold_dirs)
    status = None
    if sys.stderr.isatty():
        from rich.console import Console

        status = Console(stderr=True).status("extracting and scoring…")
    try:
        with status or nullcontext():
            report = evaluate(gold_dirs)
    except KeyboardInterrupt:
        say("interrupted")
        raise typer.Exit(130) from None
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback
        say(f"evaluation failed: {type(exc).__name__}: {exc}. Check the gold files against "
            "FORMAT.md; if they are right, this is a bug in floorcross")
        raise typer.Exit(1) from None
    try:
        if as_json or fmt is ReportFormat.json:
            data = report.as_dict()
            if errors:
                data["errors"] = report.errors
            StdoutOutput().write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            StdoutOutput().flush()
            return
        console = stdout_console()
        for table in report_tables(report):
            console.print(table)
        if by_category:
            console.print(category_table(report))
        if errors:
            from rich.text import Text

            console.print(Text(f"Errors ({len(report.errors)})", style="bold"))
            for doc, lines in grouped_errors(report.errors).items():
                console.print(Text(doc, style="bold"), soft_wrap=True)
                for line in lines:
                    console.print(Text("  " + line), soft_wrap=True)
    except BrokenPipeError:
        raise quiet_broken_pipe() from None
