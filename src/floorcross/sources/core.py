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
from floorcross.sources.models import SourceItem, SourceProblem, SourceWarning
from floorcross.sources.text import TEXT_SUFFIXES, decode_text, read_stdin, read_text_file
from floorcross.sources.warc import WARC_SUFFIXES, read_warc
from floorcross.sources.web import Fetcher, article_from_response

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
    _own_fetcher: Fetcher | None = field(default=None, init=False)

    def fetcher(self) -> Fetcher | None:
        if not self.fetch:
            return None
        if self.given_fetcher is not None:
            return self.given_fetcher
        if self._own_fetcher is None:
            self._own_fetcher = Fetcher(max_bytes=self.max_bytes)
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
) -> Iterator[SourceItem]:
    """Yield an article for every readable input, and a problem or warning for the rest.

    ``inputs`` are file paths, folders (walked in sorted order, hidden files and ``.json``
    sidecars skipped; ``recursive=False`` reads only the top level), ``-`` for standard input,
    and http/https URLs (fetched, unless ``fetch=False``). ``max_bytes`` limits each article
    file or download; ``fetcher`` replaces the default :class:`Fetcher`. Never raises for bad
    input: each failure is a :class:`SourceProblem` and the run goes on.
    """
    if isinstance(inputs, (str, os.PathLike)):  # one input, not an iterable of characters
        inputs = [str(inputs)]
    run = _Run(fetch, max_bytes, recursive, fetcher)
    try:
        for raw in inputs:
            yield from _input_items(str(raw), run)
    finally:
        run.close()


def _input_items(raw: str, run: _Run) -> Iterator[SourceItem]:
    if raw == "-":
        yield from _guarded("stdin", lambda: read_stdin(sys.stdin, max_bytes=run.max_bytes))
        return
    scheme = url_scheme(raw)
    if scheme is not None:
        yield from _guarded(raw, lambda: _url_items(raw.strip(), run))
        return
    path = Path(raw)
    if path.is_dir():
        yield from _folder_items(path, run)
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
    kind = file_kind(path)
    if kind is None:
        yield SourceProblem(origin=str(path), reason=unknown_type_reason(path))
        return
    readers: dict[str, Callable[[], Iterator[SourceItem]]] = {
        "text": lambda: read_text_file(path, max_bytes=run.max_bytes),
        "html": lambda: read_html_file(path, max_bytes=run.max_bytes),
        "feed": lambda: read_feed_file(path, fetcher=run.fetcher(), max_bytes=run.max_bytes),
        "warc": lambda: read_warc(path, max_bytes=run.max_bytes),
        "jsonl": lambda: read_jsonl(path, max_bytes=run.max_bytes),
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


def _folder_items(folder: Path, run: _Run) -> Iterator[SourceItem]:
    found = False
    for path in walk_folder(folder, run.recursive):
        if path.name.lower().endswith(SIDECAR_SUFFIXES):
            continue
        if file_kind(path) is None:
            reason = f"skipped: {unknown_type_reason(path)}"
            yield SourceWarning(origin=str(path), reason=reason)
            continue
        found = True
        yield from _file_items(path, run)
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
