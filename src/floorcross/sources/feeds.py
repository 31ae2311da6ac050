"""RSS and Atom feeds: one article per entry, from its full content or its linked page."""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser

from floorcross.sources.common import (
    DEFAULT_MAX_BYTES,
    host_of,
    iso_date,
    read_file_bytes,
    url_slug,
)
from floorcross.sources.html import html_to_text, with_title
from floorcross.sources.models import SourceArticle, SourceItem, SourceProblem, SourceWarning
from floorcross.sources.web import Fetcher, FetchResult, article_from_response

FEED_SUFFIXES = (".rss", ".atom", ".xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
# A summary at least this long is taken for the full article rather than a teaser.
LONG_SUMMARY_CHARS = 500
_FEED_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.DOTALL
)


def looks_like_feed(result: FetchResult) -> bool:
    """Return True when a fetched body is an RSS/Atom feed (by content type or first tag)."""
    if result.content_type in FEED_TYPES:
        return True
    return bool(_FEED_START.match(result.content[:4096].lstrip(b"\xef\xbb\xbf")))


def read_feed_file(
    path: Path, *, fetcher: Fetcher | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[SourceItem]:
    """Yield one article per entry of a feed file; linked pages go through ``fetcher``."""
    data = read_file_bytes(path, max_bytes)
    if isinstance(data, SourceProblem):
        yield data
        return
    yield from articles_from_feed(data, str(path), fetcher=fetcher, doc_prefix=path.stem)


def _parser_reason(exc: object) -> str:
    message = getattr(exc, "getMessage", lambda: str(exc))()
    line = getattr(exc, "getLineNumber", lambda: None)()
    column = getattr(exc, "getColumnNumber", lambda: None)()
    return f"{message} at line {line}, column {column}" if line is not None else str(message)


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a parsed feed: a stable ``key`` (its id, else its link, else a digest of
    its title and text), its position, and the fields its article will carry."""

    key: str
    number: int
    entry: Any
    fields: dict[str, Any]


def parse_feed(
    data: bytes, origin: str, *, doc_prefix: str = "feed"
) -> tuple[list[FeedEntry], list[SourceProblem | SourceWarning]]:
    """The entries of feed XML ``data``, and the problem or warning it gave (none, usually).

    Malformed XML with no readable entry is one problem (and no entries); malformed XML that
    still gave entries is a warning, then the entries.
    """
    # A file object, never a str or bytes: feedparser would fetch or open those as locations.
    parsed = feedparser.parse(io.BytesIO(data))
    entries = parsed.entries
    if parsed.bozo and not entries:
        reason = _parser_reason(parsed.get("bozo_exception"))
        return [], [SourceProblem(origin=origin, reason=f"malformed feed XML: {reason}")]
    if not entries:
        reason = "feed has no entries" if parsed.version else "not an RSS or Atom feed"
        return [], [SourceProblem(origin=origin, reason=reason)]
    notes: list[SourceProblem | SourceWarning] = []
    if parsed.bozo:
        reason = _parser_reason(parsed.get("bozo_exception"))
        notes.append(SourceWarning(
            origin=origin,
            reason=f"feed is not well-formed ({reason}); read {len(entries)} entries anyway",
        ))
    outlet = (parsed.feed.get("title") or "").strip() or None
    out = []
    for number, entry in enumerate(entries, 1):
        fields = _entry_fields(entry, f"{origin}#entry-{number}", f"{doc_prefix}-entry-{number}")
        fields["outlet"] = outlet or host_of(fields["url"])
        out.append(FeedEntry(entry_key(entry), number, entry, fields))
    return out, notes


def entry_key(entry: Any) -> str:
    """What identifies an entry from one fetch of its feed to the next."""
    for name in ("id", "link"):
        value = (entry.get(name) or "").strip()
        if value:
            return value
    digest = hashlib.sha256()
    for name in ("title", "summary"):
        digest.update((entry.get(name) or "").encode("utf-8") + b"\0")
    return "sha256:" + digest.hexdigest()[:32]


def entry_items(feed_entry: FeedEntry, fetcher: Fetcher | None, *,
                origin: str | None = None) -> Iterator[SourceItem]:
    """The article of one entry (from its full content, or its linked page through
    ``fetcher``), with any problem or warning; ``origin`` replaces the positional one."""
    fields = feed_entry.fields if origin is None else {**feed_entry.fields, "origin": origin}
    yield from _entry_items(feed_entry.entry, fields, fetcher)


def articles_from_feed(
    data: bytes, origin: str, *, fetcher: Fetcher | None = None, doc_prefix: str = "feed"
) -> Iterator[SourceItem]:
    """Yield the entries of feed XML ``data`` as articles, with problems and warnings.

    An entry's doc is a slug of its link, or ``{doc_prefix}-entry-N`` when it has none; its
    origin is ``{origin}#entry-N``. Malformed XML with no readable entry is one problem;
    malformed XML that still gave entries is a warning, then the entries.
    """
    entries, notes = parse_feed(data, origin, doc_prefix=doc_prefix)
    yield from notes
    for feed_entry in entries:
        yield from entry_items(feed_entry, fetcher)


def entry_published(entry: Any) -> str | None:
    """Return the entry's publication date (or, failing that, its update date) as written."""
    for key in ("published", "updated"):
        found = iso_date(entry.get(key))
        if found:
            return found
        parsed: time.struct_time | None = entry.get(f"{key}_parsed")
        if parsed:
            return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
    return None


def _entry_fields(entry: Any, origin: str, fallback_doc: str) -> dict[str, Any]:
    link = (entry.get("link") or "").strip() or None
    return {
        "doc": url_slug(link) if link else fallback_doc,
        "title": html_to_text(entry.get("title") or "") or None,
        "published": entry_published(entry),
        "url": link,
        "origin": origin,
    }


def _full_content(entry: Any) -> str:
    for content in entry.get("content") or []:
        text = html_to_text(content.get("value") or "")
        if text:
            return text
    summary = html_to_text(entry.get("summary") or "")
    return summary if len(summary) >= LONG_SUMMARY_CHARS else ""


def _entry_items(
    entry: Any, fields: dict[str, Any], fetcher: Fetcher | None
) -> Iterator[SourceItem]:
    link = fields["url"]
    text = _full_content(entry)
    if text:
        yield SourceArticle(text=with_title(fields["title"], text), **fields)
    elif link and fetcher is not None:
        yield _linked_article(link, fetcher, fields)
    else:
        yield from _summary_items(entry, fields, link)


def _linked_article(link: str, fetcher: Fetcher, fields: dict[str, Any]) -> SourceItem:
    origin = fields["origin"]
    result = fetcher.fetch(link)
    if isinstance(result, SourceProblem):
        return SourceProblem(origin=origin, reason=f"{link}: {result.reason}")
    page = article_from_response(result, origin, fields["doc"])
    if isinstance(page, SourceProblem):
        return SourceProblem(origin=origin, reason=f"{link}: {page.reason}")
    # The feed's date and title are the publisher's own; the page's fill the gaps.
    return page.model_copy(
        update={
            "published": fields["published"] or page.published,
            "title": page.title or fields["title"],
            "url": page.url or link,
        }
    )


def _summary_items(entry: Any, fields: dict[str, Any], link: str | None) -> Iterator[SourceItem]:
    origin = fields["origin"]
    summary = html_to_text(entry.get("summary") or "")
    why = "fetching is disabled" if link else "the entry has no link"
    if not summary:
        yield SourceProblem(origin=origin, reason=f"entry has no text and {why}")
        return
    yield SourceWarning(
        origin=origin,
        reason=f"only a short summary ({len(summary)} characters) was read: {why}",
    )
    yield SourceArticle(text=with_title(fields["title"], summary), **fields)
