"""JSON Lines exports: one article object a line (``.jsonl``, ``.jsonl.gz``)."""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from floorcross.sources.common import (
    DEFAULT_MAX_BYTES,
    doc_stem,
    fmt_size,
    host_of,
    iso_date,
    open_regular,
    os_error_reason,
    too_large,
    url_slug,
)
from floorcross.sources.models import (
    SourceArticle,
    SourceItem,
    SourcePassedOver,
    SourceProblem,
    SourceWarning,
    TextFilter,
)

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")


# A gzip layer may give at most this many times its compressed size (news JSON compresses
# 5 to 10 times; a bomb of zeros 1,000 times), once past ``max_bytes``.
MAX_GZIP_RATIO = 100


class GzipBomb(Exception):
    """A ``.jsonl.gz`` whose decompressed size is out of all proportion to its file."""


class _Plain:
    """The file's bytes as they are; the same calls as :class:`_Gunzipped`."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.fh = raw

    def check(self, max_bytes: int) -> None:
        pass

    def close(self) -> None:
        self.fh.close()


class _Gunzipped(_Plain):
    """A gzip file decompressed as read, stopped once it gives more than ``MAX_GZIP_RATIO``
    times what it has read (and more than ``max_bytes``)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        super().__init__(gzip.GzipFile(fileobj=raw, mode="rb"))

    def check(self, max_bytes: int) -> None:
        out, read = self.fh.tell(), max(self.raw.tell(), 1)
        if out > max_bytes and out > MAX_GZIP_RATIO * read:
            raise GzipBomb(
                f"decompressed data over {MAX_GZIP_RATIO} times the compressed size "
                f"({fmt_size(out)} from {fmt_size(read)}): not read further (a gzip bomb?)")

    def close(self) -> None:
        try:
            self.fh.close()
        finally:
            self.raw.close()


def _open(path: Path) -> _Plain:
    raw = open_regular(path)
    if path.name.lower().endswith(".gz"):
        return _Gunzipped(raw)
    return _Plain(raw)


def _lines(source: _Plain, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield ``(line number, line)``; ``None`` for a line longer than ``max_bytes`` (skipped)."""
    fh = source.fh
    number = 0
    while line := fh.readline(max_bytes + 1):
        number += 1
        source.check(max_bytes)
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield number, line
            continue
        while (rest := fh.readline(max_bytes + 1)) and not rest.endswith(b"\n"):
            source.check(max_bytes)
        yield number, None


def read_jsonl(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
               text_filter: TextFilter | None = None) -> Iterator[SourceItem]:
    """Yield one article per line; a bad line is a problem naming it, and the rest go on.

    Each line is an object with ``text`` (required), and ``url``, ``title``, ``published``,
    ``id``, ``outlet`` (optional). ``max_bytes`` limits each line, not the file. A line whose
    text ``text_filter`` rejects is a :class:`SourcePassedOver`, never made into an article
    (which is most of the cost of reading one).
    """
    origin = str(path)
    stem = doc_stem(path)
    seen = 0
    try:
        source = _open(path)
    except OSError as exc:
        yield SourceProblem(origin=origin, reason=os_error_reason(exc))
        return
    try:
        if os.fstat(source.fh.fileno()).st_size == 0:
            yield SourceProblem(origin=origin, reason="empty file")
            return
        for number, line in _lines(source, max_bytes):
            seen = number
            yield from _line_items(line, f"{origin}#line-{number}", stem, number, max_bytes,
                                   text_filter)
    except GzipBomb as exc:
        yield SourceProblem(origin=origin, reason=f"after line {seen}: {exc}")
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        reason = f"corrupt or truncated gzip after line {seen}: {exc}"
        yield SourceProblem(origin=origin, reason=reason)
    except OSError as exc:
        yield SourceProblem(origin=origin, reason=os_error_reason(exc))
    finally:
        source.close()


def _parse_line(line: bytes | None, max_bytes: int) -> dict[str, Any] | str:
    """Return the line's object, or the reason it is not a usable one."""
    if line is None:
        return f"line {too_large(max_bytes)}"
    try:
        value = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return f"not valid UTF-8 (byte 0x{line[exc.start]:02x} at offset {exc.start})"
    except json.JSONDecodeError as exc:
        return f"invalid JSON: {exc.msg} at column {exc.colno}"
    if not isinstance(value, dict):
        return f"expected a JSON object, got {type(value).__name__}"
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        return "missing or empty 'text'"
    return value


def _text_field(value: dict[str, Any], key: str) -> str | None:
    field = value.get(key)
    if field is None or isinstance(field, (dict, list)):
        return None
    return str(field).strip() or None


def _line_items(
    line: bytes | None, origin: str, stem: str, number: int, max_bytes: int,
    text_filter: TextFilter | None = None,
) -> Iterator[SourceItem]:
    if line is not None and not line.strip():
        return
    value = _parse_line(line, max_bytes)
    if isinstance(value, str):
        yield SourceProblem(origin=origin, reason=value)
        return
    url = _text_field(value, "url")
    if text_filter is not None and not text_filter(value["text"]):
        yield SourcePassedOver(origin=origin, url=url)
        return
    raw_date = _text_field(value, "published")
    published = iso_date(raw_date)
    if raw_date and not published:
        yield SourceWarning(origin=origin, reason=f"unrecognised published date '{raw_date}'")
    yield SourceArticle(
        doc=_text_field(value, "id") or (url_slug(url) if url else f"{stem}-line-{number}"),
        text=value["text"],
        published=published,
        title=_text_field(value, "title"),
        url=url,
        outlet=_text_field(value, "outlet") or host_of(url),
        origin=origin,
        screened=text_filter is not None,
    )
