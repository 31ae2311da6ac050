"""``iter_sources``: turn paths, folders, URLs and stdin into articles, problems and warnings."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from floorcross.sources.common import (
    DEFAULT_MAX_BYTES,
    is_http_url,
    read_file_bytes,
    regular_file_problem,
    url_scheme,
    url_slug,
)
from floorcross.sources.feeds import (
    FEED_SUFFIXES,
    articles_from_feed,
    looks_like_feed,
    read_feed_file,
)
from floorcross.sources.html import HTML_SUFFIXES, read_html_file
from floorcross.sources.jsonl import JSONL_SUFFIXES, read_jsonl
from floorcross.sources.models import (
    RawFilter,
    SourceItem,
    SourceProblem,
    SourceWarning,
    TextFilter,
)
from floorcross.sources.text import TEXT_SUFFIXES, decode_text, read_stdin, read_text_file
from floorcross.sources.warc import WARC_SUFFIXES, read_warc
from floorcross.sources.web import DEFAULT_FETCH_TIMEOUT, Fetcher, article_from_response

URL_LIST_SUFFIXES = (".urls",)
EXPECTED = "expected .txt, .html, .rss/.atom/.xml, .warc[.gz], .jsonl[.gz], .urls"
# Side files that sit next to articles in a folder (gold annotations, metadata): never inputs.
SIDECAR_SUFFIXES = (".json",)

_KINDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (WARC_SUFFIXES, "warc"),
    (JSONL_SUFFIXES, "jsonl"),
    (TEXT_SUFFIXES, "text"),
    (HTML_SUFFIXES, "html"),
    (FEED_SUFFIXES, "feed"),
    (URL_LIST_SUFFIXES, "urls"),
)


def file_kind(path: Path) -> str | None:
    """Return which reader handles ``path`` by its extension, or None when none does."""
    name = path.name.lower()
    for suffixes, kind in _KINDS:
        if name.endswith(suffixes):
            return kind
    return None


def unknown_type_reason(path: Path) -> str:
    """Return the reason for a file no reader handles."""
    label = f"'{path.suffix.lower()}'" if path.suffix else "(no extension)"
    return f"unknown file type {label} ({EXPECTED})"


@dataclass
class _Run:
    """Settings of one ``iter_sources`` call, and the fetcher it made (closed at the end)."""

    fetch: bool
    max_bytes: int
    recursive: bool
    given_fetcher: Fetcher | None
    raw_filter: RawFilter | None = None
    text_filter: TextFilter | None = None
    fetch_timeout: float = DEFAULT_FETCH_TIMEOUT
    _own_fetcher: Fetcher | None = field(default=None, init=False)

    def fetcher(self) -> Fetcher | None:
        if not self.fetch:
            return None
        if self.given_fetcher is not None:
            return self.given_fetcher
        if self._own_fetcher is None:
            self._own_fetcher = Fetcher(max_bytes=self.max_bytes, deadline=self.fetch_timeout)
        return self._own_fetcher

    def close(self) -> None:
        if self._own_fetcher is not None:
            self._own_fetcher.close()


def iter_sources(
    inputs: Iterable[str],
    *,
    fetch: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fetcher: Fetcher | None = None,
    recursive: bool = True,
    raw_filter: RawFilter | None = None,
    text_filter: TextFilter | None = None,
    fetch_timeout: float = DEFAULT_FETCH_TIMEOUT,
) -> Iterator[SourceItem]:
    """Yield an article for every readable input, and a problem or warning for the rest.

    ``inputs`` are file paths, folders (walked in sorted order, hidden files and ``.json``
    sidecars skipped; ``recursive=False`` reads only the top level), ``-`` for standard input,
    and http/https URLs (fetched, unless ``fetch=False``). ``max_bytes`` limits each article
    file or download; ``fetch_timeout`` bounds each download as a whole (connecting, headers
    and body); ``fetcher`` replaces the default :class:`Fetcher`. Never raises for bad
    input: each failure is a :class:`SourceProblem` and the run goes on. ``raw_filter``, when
    given, sees the bytes of each HTML page (files and web archives) before it is parsed, and
    a page it rejects becomes a :class:`SourcePassedOver`; ``text_filter`` does the same for the
    text of each JSON Lines record, before it is made into an article.
    """
    if isinstance(inputs, (str, os.PathLike)):  # one input, not an iterable of characters
        inputs = [str(inputs)]
    run = _Run(fetch, max_bytes, recursive, fetcher, raw_filter, text_filter, fetch_timeout)
    try:
        for unit in input_units(inputs, recursive=recursive):
            if isinstance(unit, str):
                yield from _input_items(unit, run)
            else:
                yield unit
    finally:
        run.close()


def input_units(inputs: Iterable[str], *, recursive: bool = True) -> Iterator[str | SourceItem]:
    """The inputs with folders opened: each file, URL or ``-`` to read, in reading order, and
    the warnings about a folder's contents where they fall.

    Reading each unit with :func:`iter_sources` and joining the results gives exactly what
    ``iter_sources(inputs)`` gives, so units can be read on different machines.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [str(inputs)]
    for raw in inputs:
        raw = str(raw)
        if raw != "-" and url_scheme(raw) is None and Path(raw).is_dir():
            yield from _folder_units(Path(raw), recursive)
        else:
            yield raw


def _input_items(raw: str, run: _Run) -> Iterator[SourceItem]:
    if raw == "-":
        yield from _guarded("stdin", lambda: read_stdin(sys.stdin, max_bytes=run.max_bytes))
        return
    scheme = url_scheme(raw)
    if scheme is not None:
        yield from _guarded(raw, lambda: _url_items(raw.strip(), run))
        return
    path = Path(raw)
    if path.is_dir():  # given to _input_items directly, not through input_units
        for unit in _folder_units(path, run.recursive):
            yield from (_input_items(unit, run) if isinstance(unit, str) else [unit])
    elif not path.exists():
        yield SourceProblem(origin=raw, reason="no such file or directory")
    else:
        yield from _file_items(path, run)


def _guarded(origin: str, make: Callable[[], Iterator[SourceItem]]) -> Iterator[SourceItem]:
    """Yield from a reader; a bug in it becomes one problem instead of ending the run."""
    try:
        yield from make()
    except Exception as exc:  # noqa: BLE001 - the promise is: bad input never stops a run
        yield SourceProblem(origin=origin, reason=f"unexpected error: {type(exc).__name__}: {exc}")


def _file_items(path: Path, run: _Run) -> Iterator[SourceItem]:
    not_regular = regular_file_problem(path)
    if not_regular is not None:  # a FIFO would block the run for ever, a device never end
        yield SourceProblem(origin=str(path), reason=not_regular)
        return
    kind = file_kind(path)
    if kind is None:
        yield SourceProblem(origin=str(path), reason=unknown_type_reason(path))
        return
    readers: dict[str, Callable[[], Iterator[SourceItem]]] = {
        "text": lambda: read_text_file(path, max_bytes=run.max_bytes),
        "html": lambda: read_html_file(path, max_bytes=run.max_bytes, raw_filter=run.raw_filter),
        "feed": lambda: read_feed_file(path, fetcher=run.fetcher(), max_bytes=run.max_bytes),
        "warc": lambda: read_warc(path, max_bytes=run.max_bytes, raw_filter=run.raw_filter),
        "jsonl": lambda: read_jsonl(path, max_bytes=run.max_bytes, text_filter=run.text_filter),
        "urls": lambda: _url_list_items(path, run),
    }
    yield from _guarded(str(path), readers[kind])


def walk_folder(folder: Path, recursive: bool = True) -> Iterator[Path]:
    """Yield the files under ``folder`` in sorted order, skipping hidden files and folders."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root, name)


def _folder_units(folder: Path, recursive: bool) -> Iterator[str | SourceItem]:
    found = False
    for path in walk_folder(folder, recursive):
        if path.name.lower().endswith(SIDECAR_SUFFIXES):
            continue
        not_regular = regular_file_problem(path)
        if not_regular is not None:
            yield SourceProblem(origin=str(path), reason=not_regular)
            continue
        if file_kind(path) is None:
            reason = f"skipped: {unknown_type_reason(path)}"
            yield SourceWarning(origin=str(path), reason=reason)
            continue
        found = True
        yield str(path)
    if not found:
        yield SourceWarning(origin=str(folder), reason="no article files in folder")


def _url_items(url: str, run: _Run) -> Iterator[SourceItem]:
    if not is_http_url(url):
        scheme = url_scheme(url) or ""
        reason = (
            "not a valid URL (no host)"
            if scheme in ("http", "https")
            else f"unsupported URL scheme '{scheme}' (http, https)"
        )
        yield SourceProblem(origin=url, reason=reason)
        return
    fetcher = run.fetcher()
    if fetcher is None:
        yield SourceProblem(origin=url, reason="not fetched: fetching is disabled")
        return
    result = fetcher.fetch(url)
    if isinstance(result, SourceProblem):
        yield result
    elif looks_like_feed(result):
        yield from articles_from_feed(
            result.content, url, fetcher=fetcher, doc_prefix=url_slug(url)
        )
    else:
        yield article_from_response(result, origin=url, doc=url_slug(url))


def _url_list_items(path: Path, run: _Run) -> Iterator[SourceItem]:
    """Yield the articles at the URLs listed in a ``.urls`` file (one a line, ``#`` comments)."""
    data = read_file_bytes(path, run.max_bytes)
    if isinstance(data, SourceProblem):
        yield data
        return
    text, _ = decode_text(data)
    for number, line in enumerate(text.splitlines(), 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        if not is_http_url(url):
            yield SourceProblem(origin=f"{path}:{number}", reason=f"not an http(s) URL: '{url}'")
            continue
        yield from _guarded(url, lambda url=url: _url_items(url, run))
