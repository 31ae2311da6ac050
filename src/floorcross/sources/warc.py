"""Web archives (``.warc``, ``.warc.gz``): one article per archived HTML page.

Both backends (FastWARC when installed, else warcio) only hand over each record's offset,
WARC headers and raw block; HTTP parsing, decoding and the truncation check are shared, so the
two give the same results.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from floorcross.sources.common import (
    DEFAULT_MAX_BYTES,
    open_regular,
    os_error_reason,
    too_large,
    url_slug,
)
from floorcross.sources.html import article_from_html_fast
from floorcross.sources.http_body import parse_http_response
from floorcross.sources.models import RawFilter, SourceItem, SourcePassedOver, SourceProblem

Backend = Literal["fastwarc", "warcio"]
WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
_HEAD_ALLOWANCE = 65_536  # room for HTTP headers on top of the body size limit
_CHUNK = 1 << 16


@dataclass(frozen=True)
class RawRecord:
    """One WARC record as read: where it starts, its headers, and the start of its block."""

    offset: int
    headers: dict[str, str]  # lower-case names
    length: int  # block bytes actually read
    head: bytes  # the first bytes of the block (all of it unless it is very large)

    @property
    def complete(self) -> bool:
        declared = self.headers.get("content-length", "").strip()
        return declared.isdigit() and int(declared) == self.length


def default_backend() -> Backend:
    """Return ``"fastwarc"`` when FastWARC is importable, else ``"warcio"``."""
    try:
        import fastwarc.warc  # noqa: F401
    except ImportError:
        return "warcio"
    return "fastwarc"


def _read_block(stream: BinaryIO, keep: int) -> tuple[int, bytes]:
    head = bytearray()
    total = 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
        if len(head) < keep:
            head += chunk[: keep - len(head)]
    return total, bytes(head)


def _fastwarc_records(fh: BinaryIO, keep: int) -> Iterator[RawRecord]:
    from fastwarc.warc import ArchiveIterator

    for record in ArchiveIterator(fh, parse_http=False):
        headers = {name.lower(): value for name, value in record.headers.items()}
        length, head = _read_block(record.reader, keep)
        yield RawRecord(record.stream_pos, headers, length, head)


def _warcio_records(fh: BinaryIO, keep: int) -> Iterator[RawRecord]:
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(fh, no_record_parse=True)
    for record in records:
        headers = {name.lower(): value for name, value in record.rec_headers.headers}
        length, head = _read_block(record.raw_stream, keep)
        # Asking for the offset reads on to the record's end, so it comes after the block.
        yield RawRecord(records.get_record_offset(), headers, length, head)


_BACKENDS = {"fastwarc": _fastwarc_records, "warcio": _warcio_records}


def read_warc(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, backend: Backend | None = None,
    raw_filter: RawFilter | None = None,
) -> Iterator[SourceItem]:
    """Yield an article for each HTML response with status 200, then at most one problem.

    ``max_bytes`` limits each page, not the archive. ``published`` comes only from the page
    (a WARC-Date is when it was crawled). A truncated or corrupt archive yields what was read,
    then ``truncated WARC after N records: <detail>``. ``raw_filter`` sees each page's decoded
    bytes before HTML parsing (the costly part of reading an archive); a page it rejects
    yields a :class:`SourcePassedOver` instead of an article.
    """
    problem = _open_problem(path)
    if problem is not None:
        yield problem
        return
    part = WarcPart()
    yield from _read_records(path, 0, None, max_bytes, backend, raw_filter, part)
    problem = finish_warc(path, part)
    if problem is not None:
        yield problem


def _open_problem(path: Path) -> SourceProblem | None:
    try:
        fh = open_regular(path)  # a FIFO, socket or device is no archive (and would block)
        size = os.fstat(fh.fileno()).st_size
        fh.close()
        if size == 0:
            return SourceProblem(origin=str(path), reason="empty file")
    except OSError as exc:
        return SourceProblem(origin=str(path), reason=os_error_reason(exc))
    return None


@dataclass
class WarcPart:
    """What reading (part of) an archive found: the records read completely, the offset of
    the last, and why reading stopped early (None: it did not)."""

    count: int = 0
    last_offset: int | None = None
    detail: str | None = None

    def add(self, other: WarcPart) -> None:
        self.count += other.count
        if other.last_offset is not None:
            self.last_offset = other.last_offset
        self.detail = other.detail


def _read_records(path: Path, start: int, end: int | None, max_bytes: int,
                  backend: Backend | None, raw_filter: RawFilter | None,
                  part: WarcPart) -> Iterator[SourceItem]:
    """The items of the records that start at ``start`` or later and before ``end``."""
    origin = str(path)
    with path.open("rb") as fh:
        fh.seek(start)
        records = _BACKENDS[backend or default_backend()](fh, max_bytes + _HEAD_ALLOWANCE)
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as exc:  # noqa: BLE001 - each backend fails in its own way
                part.detail = f"{type(exc).__name__}: {exc}"
                break
            if end is not None and record.offset >= end:
                break
            if not record.complete:
                part.detail = f"record at offset {record.offset} is incomplete"
                break
            part.count, part.last_offset = part.count + 1, record.offset
            item = _record_item(record, origin, max_bytes, raw_filter)
            if item is not None:
                yield item


def finish_warc(path: Path, part: WarcPart) -> SourceProblem | None:
    """The problem with an archive read to the end (or to where reading stopped), if any."""
    return _archive_problem(path, part.count, part.last_offset, part.detail)


def warc_parts(path: Path, part_bytes: int) -> list[tuple[int, int]]:
    """Byte ranges of ``path`` that can be read apart (:func:`read_warc_part`): a compressed
    archive (a gzip member per record, as crawlers write them) is cut every ``part_bytes``;
    an uncompressed one is one part. Reading the parts in order gives what :func:`read_warc`
    gives."""
    size = path.stat().st_size
    if not _is_gzip(path) or size <= part_bytes:
        return [(0, size)]
    cuts = list(range(0, size, part_bytes))
    return [(start, min(start + part_bytes, size)) for start in cuts]


def read_warc_part(
    path: Path, start: int, end: int, *, max_bytes: int = DEFAULT_MAX_BYTES,
    backend: Backend | None = None, raw_filter: RawFilter | None = None,
) -> tuple[list[SourceItem], WarcPart]:
    """The items of the records that start in ``[start, end)`` of a compressed archive, and
    what reading found (the archive's problem, if any, is :func:`finish_warc`'s to say once
    every part is read).

    A part after the first begins at the first gzip member at or after ``start`` that holds
    a WARC record; a record that starts in the part is read to its end, wherever that is.
    """
    part = WarcPart()
    begin = start if start == 0 else _next_member(path, start, end)
    if begin is None:
        return [], part
    items = list(_read_records(path, begin, end, max_bytes, backend, raw_filter, part))
    return items, part


def _next_member(path: Path, start: int, end: int) -> int | None:
    """The offset of the first gzip member in ``[start, end)`` that opens a WARC record."""
    with path.open("rb") as fh:
        fh.seek(start)
        data = fh.read(end - start + 2)
        at = data.find(b"\x1f\x8b\x08")
        while 0 <= at < end - start:
            fh.seek(start + at)
            head = fh.read(_CHUNK)
            try:
                opened = zlib.decompressobj(31).decompress(head, 16)
            except zlib.error:
                opened = b""
            if opened.lstrip(b"\r\n").startswith(b"WARC/"):
                return start + at
            at = data.find(b"\x1f\x8b\x08", at + 1)
    return None


def _record_item(record: RawRecord, origin: str, max_bytes: int,
                 raw_filter: RawFilter | None = None) -> SourceItem | None:
    """Return the article in a record, a problem, or None for a record that is not a page."""
    uri = record.headers.get("warc-target-uri", "").strip().strip("<>")
    if record.headers.get("warc-type") != "response" or not uri.startswith(("http:", "https:")):
        return None
    response = parse_http_response(record.head)
    if response is None or response.status != 200 or response.media_type not in HTML_TYPES:
        return None
    where = f"{origin}@{record.offset}"
    body_size = record.length - (len(record.head) - len(response.body))
    if body_size > max_bytes:
        return SourceProblem(origin=where, reason=too_large(max_bytes, body_size))
    body = response.decoded_body(limit=max_bytes)
    if isinstance(body, str):
        return SourceProblem(origin=where, reason=body)
    if raw_filter is not None and not raw_filter(body):
        return SourcePassedOver(origin=where, url=uri)
    return article_from_html_fast(body, url=uri, origin=where, doc=url_slug(uri))


def _archive_problem(
    path: Path, count: int, last_offset: int | None, detail: str | None
) -> SourceProblem | None:
    """Return the problem with the archive as a whole, if any.

    Backends differ in whether they report a cut-off final record, so the file's tail after the
    last complete record is checked here; its finding wins over a backend's own message.
    """
    try:
        tail = _tail_detail(path, last_offset)
    except OSError as exc:
        return SourceProblem(origin=str(path), reason=os_error_reason(exc))
    detail = tail or detail
    if detail is None:
        return None
    if count == 0 and not _starts_like_warc(path):
        return SourceProblem(
            origin=str(path), reason="not a WARC file (no WARC header at the start)"
        )
    records = "record" if count == 1 else "records"
    return SourceProblem(
        origin=str(path), reason=f"truncated WARC after {count} {records}: {detail}"
    )


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _starts_like_warc(path: Path) -> bool:
    with path.open("rb") as fh:
        start = fh.read(_CHUNK)
    if start[:2] == b"\x1f\x8b":
        start = zlib.decompressobj(31).decompress(start, 16)
    return start.lstrip(b"\r\n").startswith(b"WARC/")


def _tail_detail(path: Path, last_offset: int | None) -> str | None:
    """Return why the bytes after the last complete record are not a clean end, or None."""
    if last_offset is None:
        return "record at offset 0 is incomplete" if path.stat().st_size else None
    if _is_gzip(path):
        return _gzip_tail(path, last_offset)
    return _plain_tail(path, last_offset)


def _gzip_tail(path: Path, offset: int) -> str | None:
    inflater = zlib.decompressobj(31)
    consumed = 0
    with path.open("rb") as fh:
        fh.seek(offset)
        while not inflater.eof and (chunk := fh.read(_CHUNK)):
            try:
                inflater.decompress(chunk)
            except zlib.error:
                return f"compressed record at offset {offset} is corrupt"
            consumed += len(chunk)
        if not inflater.eof:
            return f"compressed record at offset {offset} is cut short"
        next_offset = offset + consumed - len(inflater.unused_data)
        fh.seek(next_offset)
        return _garbage_at(fh, next_offset)


def _plain_tail(path: Path, offset: int) -> str | None:
    with path.open("rb") as fh:
        fh.seek(offset)
        head = fh.read(_HEAD_ALLOWANCE)
        end_of_headers = head.find(b"\r\n\r\n")
        declared = _content_length(head[: max(end_of_headers, 0)])
        if end_of_headers < 0 or declared is None:
            return f"record at offset {offset} has unreadable headers"
        next_offset = offset + end_of_headers + 4 + declared
        fh.seek(next_offset)
        return _garbage_at(fh, next_offset)


def _content_length(headers: bytes) -> int | None:
    for line in headers.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            return int(value.strip())
    return None


def _garbage_at(fh: BinaryIO, offset: int) -> str | None:
    """Return a detail if anything but record-separating blank lines follows ``offset``."""
    while chunk := fh.read(_CHUNK):
        stripped = chunk.lstrip(b"\r\n\x00")
        if stripped:
            return f"record at offset {offset + len(chunk) - len(stripped)} is incomplete"
        offset += len(chunk)
    return None
