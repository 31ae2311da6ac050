"""Plain-text articles: ``.txt``/``.text``/``.md`` files and standard input."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from floorcross.sources.common import (
    DEFAULT_MAX_BYTES,
    empty_reason,
    iso_date,
    read_file_bytes,
    too_large,
)
from floorcross.sources.models import (
    DATE_LINE,
    SourceArticle,
    SourceItem,
    SourceProblem,
    SourceWarning,
)

TEXT_SUFFIXES = (".txt", ".text", ".md")
FALLBACK_ENCODINGS = ("cp1252", "latin-1")
# Share of control characters (other than tab, newlines, form feed) above which bytes are
# taken for a binary file; real text has next to none.
MAX_CONTROL_SHARE = 0.10
_SAMPLE = 8192
_TEXT_CONTROLS = frozenset(b"\t\n\v\f\r")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def looks_binary(data: bytes) -> bool:
    """Return True when ``data`` has a NUL byte or many control characters in its first 8 KB."""
    sample = data[:_SAMPLE]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if (b < 32 and b not in _TEXT_CONTROLS) or b == 127)
    return controls / len(sample) > MAX_CONTROL_SHARE


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decode bytes to text; return the text and a warning reason when UTF-8 failed.

    UTF-8 (BOM stripped) first, then cp1252, then latin-1, which never fails. UTF-16 with a
    BOM is decoded as such without a warning.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        where = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
        for encoding in FALLBACK_ENCODINGS:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            return text, f"not valid UTF-8 ({where}); decoded as {encoding}"
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def published_from_text(text: str) -> str | None:
    """Return the date of a leading `` date YYYY-MM-DD`` line, or None."""
    match = DATE_LINE.match(text)
    return iso_date(match.group(1)) if match else None


def article_from_text(text: str, doc: str, origin: str) -> SourceArticle:
    """Return an article whose text is ``text`` unchanged (a date line becomes ``published``)."""
    return SourceArticle(doc=doc, text=text, published=published_from_text(text), origin=origin)


def items_from_bytes(
    data: bytes, doc: str, origin: str, noun: str = "file"
) -> Iterator[SourceItem]:
    """Yield the article in ``data``, with a warning if it was not UTF-8, or one problem."""
    if looks_binary(data) and not data.startswith(_UTF16_BOMS):
        yield SourceProblem(origin=origin, reason=f"binary {noun} (not text)")
        return
    text, warning = decode_text(data)
    if not text.strip():
        yield SourceProblem(origin=origin, reason=empty_reason(text, noun))
        return
    if warning:
        yield SourceWarning(origin=origin, reason=warning)
    yield article_from_text(text, doc, origin)


def read_text_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[SourceItem]:
    """Yield the article in a text file (doc = file name without extension), or a problem."""
    data = read_file_bytes(path, max_bytes)
    if isinstance(data, SourceProblem):
        yield data
        return
    yield from items_from_bytes(data, doc=path.stem, origin=str(path))


def read_stdin(
    stream: TextIO | BinaryIO, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[SourceItem]:
    """Yield the article read from standard input (doc ``stdin``), or a problem."""
    origin = "stdin"
    raw = getattr(stream, "buffer", stream)
    data = raw.read(max_bytes + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > max_bytes:
        yield SourceProblem(origin=origin, reason=too_large(max_bytes))
        return
    if not data.strip():
        yield SourceProblem(origin=origin, reason=empty_reason(data, "input"))
        return
    yield from items_from_bytes(data, doc="stdin", origin=origin, noun="input")
