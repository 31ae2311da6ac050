"""Output for the store commands: one-line messages, and rows as a table, CSV or JSON.

Every listing command takes ``--format table|csv|json``; the rows are plain dicts so the three
formats always carry the same facts.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import typer

# Width for tables when stdout is a file or a pipe: wide enough that no column wraps.
PLAIN_WIDTH = 160


class ListFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    popolo = "popolo"
    wikidata_csv = "wikidata-csv"


def say(message: str) -> None:
    """Print one line on standard error, prefixed ``floorcross:``."""
    sys.stderr.write("floorcross: " + re.sub(r"\s*[\r\n]+\s*", " ", message).strip() + "\n")
    sys.stderr.flush()


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error; the caller raises the returned exit."""
    say(message)
    return typer.Exit(code)


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """Turn the store's own errors into one line and exit status 2 (never a traceback)."""
    from sqlalchemy.exc import SQLAlchemyError

    from floorcross.store import StoreError

    try:
        yield
    except StoreError as exc:
        raise fail(str(exc)) from None
    except OverflowError:  # SQLite cannot compare a column with a number past 64 bits
        raise fail("a number given is too large: no id in the database is past "
                   "2147483647") from None
    except SQLAlchemyError as exc:  # e.g. still locked after the busy timeout
        detail = getattr(exc, "orig", None) or exc
        raise fail(f"database error: {str(detail).splitlines()[0]}") from None
    except BrokenPipeError:
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None


def console(stderr: bool = False) -> Any:
    """A Rich console; wide and colourless when not writing to a terminal."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():
        return Console(highlight=False, stderr=stderr)
    return Console(highlight=False, width=PLAIN_WIDTH, no_color=True, stderr=stderr)


def cell(value: Any) -> str:
    """A value as text for a table or CSV cell."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_stdout(text: str) -> None:
    """Write UTF-8 text to standard output whatever the locale."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
    else:
        buffer.write(text.encode("utf-8"))
    (buffer or sys.stdout).flush()


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def emit(rows: Sequence[dict[str, Any]], fmt: ListFormat, columns: Sequence[str],
         *, title: str | None = None, caption: str | None = None,
         headers: dict[str, str] | None = None) -> None:
    """Print rows as a Rich table (the ``columns`` shown), CSV (those columns) or JSON (all)."""
    if fmt is ListFormat.json:
        write_stdout(json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is ListFormat.csv:
        write_stdout(csv_text(rows, columns))
        return
    from rich.table import Table

    table = Table(title=title, caption=caption)
    for name in columns:
        table.add_column((headers or {}).get(name, name), overflow="fold")
    for row in rows:
        table.add_row(*(cell(row.get(c)) for c in columns))
    console().print(table)


def write_file_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in full or not at all (a temporary file renamed into place)."""
    if path.is_dir():
        raise fail(f"{path}: is a directory (give a file name for --output)")
    if not path.parent.is_dir():
        raise fail(f"{path}: folder {str(path.parent)!r} does not exist (create it first)")
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with open(handle, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
