"""Small helpers shared by the readers: sizes, slugs, dates, reading a file safely."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

from floorcross.sources.models import SourceProblem

DEFAULT_MAX_BYTES = 5_000_000
MAX_SLUG = 80

# Longest first, so that "x.warc.gz" is not taken for a ".gz" file.
COMPOUND_SUFFIXES = (".warc.gz", ".jsonl.gz")


def fmt_size(n: int) -> str:
    """Return a size for messages: ``5 MB``, ``7.2 MB``, ``1.5 KB``, ``100 bytes``."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def too_large(max_bytes: int, size: int | None = None) -> str:
    """Return the reason for an input over the size limit."""
    if size is None:
        return f"larger than {fmt_size(max_bytes)}"
    return f"larger than {fmt_size(max_bytes)} ({fmt_size(size)})"


def doc_stem(path: Path) -> str:
    """Return the file name without its extension (both parts of ``.warc.gz``/``.jsonl.gz``)."""
    name = path.name
    for suffix in COMPOUND_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def os_error_reason(exc: OSError) -> str:
    """Return a short lower-case reason for an ``OSError`` ("no such file or directory")."""
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, NotRegularFile):
        return str(exc)
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def safe_text(value: str) -> str:
    """Return ``value`` printable and storable whatever bytes it came from.

    A file name that is not valid UTF-8 reaches Python with lone surrogates
    (``surrogateescape``); these cannot be written to a UTF-8 terminal, file or database. They
    become the bytes they stand for, escaped: ``caf\\xe9.txt``. Other lone surrogates (from
    ``\\ud800`` in JSON) become ``?``.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raw = value.encode("utf-8", "surrogateescape" if _only_escapes(value) else "replace")
        return raw.decode("utf-8", "backslashreplace")
    return value


def _only_escapes(value: str) -> bool:
    """True when every surrogate in ``value`` is one ``surrogateescape`` makes (U+DC80-DCFF)."""
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in value)


class NotRegularFile(OSError):
    """An input that is a FIFO, socket or device: reading it could block for ever."""


_FILE_TYPES = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISDIR, "directory"),
)


def not_regular_reason(mode: int) -> str:
    """Return the reason for skipping a file of this ``st_mode`` that is not a regular file."""
    kind = next((name for test, name in _FILE_TYPES if test(mode)), "unknown type")
    return f"not a regular file ({kind}): skipped"


def open_regular(path: Path):
    """Open ``path`` for reading in binary, refusing anything but a regular file.

    The file is opened without blocking (a FIFO with no writer would otherwise wait for
    ever) and checked on the open descriptor, so it cannot be swapped in between.
    Raises :class:`NotRegularFile` (an ``OSError``) for FIFOs, sockets and devices.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(not_regular_reason(mode))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def regular_file_problem(path: Path) -> str | None:
    """Return why ``path`` is not a readable regular file without opening it, or None."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # the reader reports it
    return None if stat.S_ISREG(mode) else not_regular_reason(mode)


def read_file_bytes(path: Path, max_bytes: int) -> bytes | SourceProblem:
    """Return the whole file, or a problem: missing, not a regular file, unreadable, too
    large, or empty.

    The size is checked before reading, and again while reading (the file may grow).
    """
    origin = str(path)
    try:
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                return SourceProblem(origin=origin, reason=too_large(max_bytes, size))
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return SourceProblem(origin=origin, reason=os_error_reason(exc))
    if len(data) > max_bytes:
        return SourceProblem(origin=origin, reason=too_large(max_bytes))
    if not data.strip():
        return SourceProblem(origin=origin, reason=empty_reason(data))
    return data


def empty_reason(data: bytes | str, noun: str = "file") -> str:
    """Return "empty file" or "empty file (only whitespace)"."""
    return f"empty {noun}" if not data else f"empty {noun} (only whitespace)"


_URL_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def url_scheme(value: str) -> str | None:
    """Return the lower-case scheme when ``value`` looks like a URL (``x://``), else None."""
    match = _URL_SCHEME.match(value.strip())
    return match.group(1).lower() if match else None


def is_http_url(value: str) -> bool:
    """Return True for an ``http://`` or ``https://`` URL with a host."""
    return url_scheme(value) in ("http", "https") and bool(urlsplit(value.strip()).hostname)


def host_of(url: str | None) -> str | None:
    """Return the lower-case host without a leading ``www.``, or None."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _slug_part(value: str) -> str:
    return re.sub(r"[^a-z0-9.-]+", "-", value.lower()).strip("-.")


def url_slug(url: str) -> str:
    """Return a stable, file-name-safe id for a URL: host and path, at most 80 characters.

    ``https://www.bugle.example/news/a-story.html`` → ``bugle.example_news_a-story``. A query
    string, or a slug that had to be shortened, adds 8 hex digits of the URL's hash so that
    different URLs keep different ids.
    """
    parts = urlsplit(url.strip())
    path = re.sub(r"\.(s?html?|php|aspx?)$", "", parts.path, flags=re.IGNORECASE)
    pieces = [_slug_part(host_of(url) or "")] + [_slug_part(p) for p in path.split("/")]
    slug = "_".join(p for p in pieces if p) or "url"
    if parts.query or len(slug) > MAX_SLUG:
        digest = hashlib.sha1(url.strip().encode("utf-8")).hexdigest()[:8]
        slug = f"{slug[: MAX_SLUG - 9].rstrip('_-.')}-{digest}"
    return slug


def iso_date(value: object) -> str | None:
    """Return ``YYYY-MM-DD`` for an ISO date/datetime or RFC 822 date string, else None.

    The date is the one written in the value (its own time zone), not converted to UTC.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])", text)
    if match:
        try:
            return date(*map(int, match.groups())).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None
