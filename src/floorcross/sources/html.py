"""HTML pages: main text and metadata through trafilatura (or Resiliparse, at archive scale),
plus a plain HTML-to-text helper."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import trafilatura
from trafilatura.settings import set_date_params

from floorcross.sources.common import (
    DEFAULT_MAX_BYTES,
    host_of,
    iso_date,
    read_file_bytes,
    url_slug,
)
from floorcross.sources.models import (
    RawFilter,
    SourceArticle,
    SourceItem,
    SourcePassedOver,
    SourceProblem,
)

HTML_SUFFIXES = (".html", ".htm")
NO_MAIN_TEXT = "no main text found in HTML"
# Below this many characters a page's text may be only menus and cookie notices, so it is
# extracted again in trafilatura's precision mode.
MIN_CONFIDENT_CHARS = 200
# Parsing time grows faster than the number of tags, start and end tags counted alike (40,000
# take trafilatura about 1 s and 70 MB, 200,000 about 6 s and 150 MB, 600,000 27 s and 340 MB);
# a real news page has a few thousand. A page with more is skipped unparsed, so that one
# hostile page cannot hold a run.
MAX_HTML_TAGS = 50_000
_TAG = re.compile(rb"<[A-Za-z!/?]")

_BLOCK_TAGS = frozenset(
    (  # noqa: SIM905 - a word list reads better than 31 quoted strings
        "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4"
        " h5 h6 header hr li main ol p pre section table td th tr ul"
    ).split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "svg", "head"})


def _date_params() -> dict[str, Any]:
    # The extensive search guesses dates from anywhere in the page ("© 2024" becomes
    # 2024-01-01); only metadata and URL dates are trusted as publication dates.
    return set_date_params(extensive=False)


def _extract(html: str | bytes, url: str | None, precise: bool = False) -> Any:
    return trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        favor_precision=precise,
        date_extraction_params=_date_params(),
    )


def _main_text(result: Any, html: str | bytes, url: str | None) -> str:
    text = ((result.text if result is not None else None) or "").strip()
    if text and len(text) < MIN_CONFIDENT_CHARS:
        # Short results are where the fallback extractors pick up menus; precision mode
        # drops those, or finds nothing on a page that has no article at all.
        precise = _extract(html, url, precise=True)
        text = ((precise.text if precise is not None else None) or "").strip()
    return text


def with_title(title: str | None, text: str) -> str:
    """Return ``text`` with the headline as its first line, unless it already starts with it."""
    if not title or text.startswith(title):
        return text
    return f"{title}\n{text}"


def article_from_html(
    html: str | bytes, url: str | None, origin: str, *, doc: str | None = None
) -> SourceArticle | SourceProblem:
    """Return the article in an HTML page, or a problem when it has no main text.

    ``text`` is the headline (when the body does not already start with it) followed by the
    main text, one paragraph a line. ``published`` comes from the page's metadata or URL, never
    from dates guessed in the prose; ``url`` is the canonical URL when the page gives one.
    ``doc`` defaults to a slug of that URL. A page of more than :data:`MAX_HTML_TAGS` tags is
    a problem, never parsed.
    """
    too_many = too_many_tags(html)
    if too_many is not None:
        return SourceProblem(origin=origin, reason=too_many)
    try:
        result = _extract(html, url)
        text = _main_text(result, html, url)
    except Exception as exc:  # noqa: BLE001 - hostile markup can break lxml in many ways
        return SourceProblem(origin=origin, reason=f"could not parse HTML: {exc}")
    if not text:
        return SourceProblem(origin=origin, reason=NO_MAIN_TEXT)
    title = (result.title or "").strip() or None
    page_url = result.url or url
    return SourceArticle(
        doc=doc or url_slug(page_url or origin),
        text=with_title(title, text),
        published=iso_date(result.date),
        title=title,
        url=page_url,
        outlet=(result.sitename or "").strip() or host_of(page_url),
        origin=origin,
    )


def too_many_tags(html: str | bytes, limit: int = MAX_HTML_TAGS) -> str | None:
    """Return why a page has too many tags to parse at a bounded cost, or None."""
    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    if data.count(b"<") <= limit:  # the quick bound: most pages end here
        return None
    tags = sum(1 for _ in _TAG.finditer(data))
    if tags <= limit:
        return None
    return (f"HTML has {tags:,} tags (more than {limit:,}): not parsed, as it would take too "
            "long and too much memory")


# Where pages give their publication date, title, name and canonical URL (meta tags first,
# as trafilatura reads them with the extensive date search off).
_DATE_META = ("article:published_time", "og:article:published_time", "article.published",
              "datepublished", "date", "pubdate", "publishdate", "publish-date", "publish_date",
              "dc.date", "dc.date.issued", "dcterms.created", "dcterms.date", "sailthru.date",
              "parsely-pub-date", "og:published_time", "published_time", "cxenseparse:recs:publishtime")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-]([01]?\d)[/-]([0-3]?\d)(?:/|$|[-_])")
_TITLE_SPLIT = re.compile(r"\s+[|–—·•-]\s+")


def _metas(tree: Any) -> dict[str, str]:
    """The page's ``<meta>`` contents by property, name or itemprop (lower case; the first
    of each)."""
    found: dict[str, str] = {}
    for node in tree.document.query_selector_all("meta[content]"):
        key = (node.getattr("property") or node.getattr("name") or node.getattr("itemprop")
               or "").strip().lower()
        content = (node.getattr("content") or "").strip()
        if key and content:
            found.setdefault(key, content)
    return found


def _meta(metas: dict[str, str], names: Sequence[str]) -> str | None:
    return next((metas[n] for n in names if n in metas), None)


def _json_ld(tree: Any, key: str) -> str | None:
    for node in tree.document.query_selector_all('script[type="application/ld+json"]'):
        match = re.search(rf'"{key}"\s*:\s*"([^"]+)"', node.text or "")
        if match:
            return match.group(1)
    return None


def _page_date(tree: Any, metas: dict[str, str], url: str | None) -> str | None:
    found = iso_date(_meta(metas, _DATE_META) or _json_ld(tree, "datePublished"))
    if found is None:
        for node in tree.document.query_selector_all("time[datetime]"):
            if (node.getattr("pubdate") is not None
                    or "publish" in (node.getattr("class") or "").lower()):
                found = iso_date(node.getattr("datetime"))
                break
    if found is None and url and (match := _URL_DATE.search(url)):
        try:
            found = date(*map(int, match.groups())).isoformat()
        except ValueError:
            found = None
    return found


def _page_title(tree: Any, metas: dict[str, str], sitename: str | None) -> str | None:
    title = _meta(metas, ("og:title", "twitter:title", "dc.title"))
    if not title:
        node = tree.document.query_selector("title")
        parts = _TITLE_SPLIT.split((node.text if node is not None else "").strip())
        parts = [p for p in parts if p and p != sitename]
        title = max(parts, key=len) if parts else None
    if not title:
        node = tree.document.query_selector("h1")
        title = node.text if node is not None else None
    return " ".join(title.split()) if title else None


def _main_text_fast(tree: Any) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    text = extract_plain_text(tree, preserve_formatting=True, main_content=True,
                              list_bullets=False, alt_texts=False, links=False,
                              form_fields=False, noscript=False, comments=False,
                              post_meta=False)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def fast_extractor_available() -> bool:
    """True when Resiliparse is installed (the ``fast`` extra)."""
    try:
        import resiliparse.extract.html2text  # noqa: F401
    except ImportError:
        return False
    return True


def article_from_html_fast(
    html: bytes, url: str | None, origin: str, *, doc: str | None = None
) -> SourceArticle | SourceProblem:
    """:func:`article_from_html` with Resiliparse's main-content text: some 30 times faster,
    for web archives. The metadata comes from the page's meta tags, JSON-LD and URL (no date
    is guessed from the prose). A page where it finds less than ``MIN_CONFIDENT_CHARS`` of
    text goes to trafilatura, as does every page when Resiliparse is not installed.
    """
    if not fast_extractor_available():
        return article_from_html(html, url, origin, doc=doc)
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding
    from resiliparse.parse.html import HTMLTree

    try:
        try:
            markup = html.decode("utf-8")
        except UnicodeDecodeError:
            markup = bytes_to_str(html, detect_encoding(html))
        tree = HTMLTree.parse(markup)
        text = _main_text_fast(tree) if tree.document is not None else ""
    except Exception:  # noqa: BLE001 - let trafilatura say what is wrong with it
        text = ""
    if len(text) < MIN_CONFIDENT_CHARS:
        slow = article_from_html(html, url, origin, doc=doc)
        if not text or not isinstance(slow, SourceArticle) or not _holds_lines(slow.text, text):
            return slow
        # A short article that trafilatura gives back with the page's bylines and share
        # buttons run into it: Resiliparse's paragraphs are the article itself.
    metas = _metas(tree)
    sitename = _meta(metas, ("og:site_name", "application-name"))
    title = _page_title(tree, metas, sitename)
    canonical = tree.document.query_selector('link[rel="canonical"]')
    page_url = ((canonical.getattr("href") if canonical is not None else None)
                or _meta(metas, ("og:url",)) or url)
    if page_url and not page_url.startswith(("http:", "https:")):
        page_url = url
    return SourceArticle(
        doc=doc or url_slug(page_url or origin),
        text=with_title(title, text),
        published=_page_date(tree, metas, page_url or url),
        title=title,
        url=page_url,
        outlet=(sitename or "").strip() or host_of(page_url),
        origin=origin,
    )


def _holds_lines(wider: str, text: str) -> bool:
    """Whether every line of ``text`` is in ``wider`` (spacing aside) and ``wider`` has more."""
    flat = " ".join(wider.split())
    lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    return len(flat) > len(" ".join(lines)) and all(line in flat for line in lines)


def read_html_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                   raw_filter: RawFilter | None = None) -> Iterator[SourceItem]:
    """Yield the article in an HTML file (doc = file name without extension), or a problem.

    ``raw_filter`` sees the file's bytes first; a page it rejects is not parsed (a
    :class:`SourcePassedOver` is yielded instead).
    """
    data = read_file_bytes(path, max_bytes)
    if isinstance(data, SourceProblem):
        yield data
        return
    if raw_filter is not None and not raw_filter(data):
        yield SourcePassedOver(origin=str(path))
        return
    yield article_from_html(data, url=None, origin=str(path), doc=path.stem)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # Line breaks in the markup are layout, not paragraphs.
            self.parts.append(data.replace("\r", " ").replace("\n", " "))


def html_to_text(fragment: str) -> str:
    """Return the text of an HTML fragment: one block (paragraph, heading, item) a line.

    For content that is already the article (a feed's ``content:encoded``), where boilerplate
    removal would only risk dropping short paragraphs.
    """
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    lines = (" ".join(line.split()) for line in "".join(collector.parts).split("\n"))
    return "\n".join(line for line in lines if line)
