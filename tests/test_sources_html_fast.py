"""Resiliparse's main text for archived pages: on our fixture pages (each fixture article inside
page chrome, its date given in one of five ways) it gives the article as written, and the same
title and date as trafilatura."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from floorcross.sources import html as html_source
from floorcross.sources.html import (
    MIN_CONFIDENT_CHARS,
    article_from_html,
    article_from_html_fast,
)
from floorcross.sources.models import SourceArticle

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "pages"
ARTICLES = ROOT / "tests" / "fixtures" / "articles"


def _pages() -> list[Path]:
    return sorted(PAGES.glob("*.html"))


def _as_written(stem: str) -> tuple[str, str | None]:
    text = (ARTICLES / f"{stem}.txt").read_text(encoding="utf-8")
    match = re.match(r" date (\d{4}-\d{2}-\d{2}) ?", text)
    body = (text[match.end():] if match else text).lstrip()
    lines = (" ".join(line.split()) for line in body.split("\n"))
    return "\n".join(line for line in lines if line), match.group(1) if match else None


def test_every_fixture_article_has_a_page() -> None:
    assert {p.stem for p in _pages()} == {p.stem for p in ARTICLES.glob("*.txt")}
    assert all(p.stat().st_size > 8_000 for p in _pages())  # chrome included


@pytest.mark.parametrize("path", _pages(), ids=lambda p: p.stem)
def test_the_article_comes_out_as_written(path: Path) -> None:
    html = path.read_bytes()
    article = article_from_html_fast(html, None, str(path), doc=path.stem)
    assert isinstance(article, SourceArticle)
    text, published = _as_written(path.stem)
    assert article.text == text
    assert article.title == text.split("\n", 1)[0]
    assert article.outlet and article.outlet.startswith("The ")
    assert article.url and article.url.startswith("https://")
    if 'property="article:published_time"' in html.decode() or "datePublished" in html.decode():
        assert article.published == published
    # The same metadata as trafilatura, whichever way the page gives it.
    slow = article_from_html(html, None, str(path), doc=path.stem)
    assert isinstance(slow, SourceArticle)
    assert (article.published, article.title, article.url, article.outlet) == (
        slow.published, slow.title, slow.url, slow.outlet)


def test_dates_are_read_from_each_place_a_page_gives_them() -> None:
    dated = {"meta": 0, "json-ld": 0, "url": 0, "time": 0}
    for path in _pages():
        page = path.read_text(encoding="utf-8")
        article = article_from_html_fast(page.encode(), None, "x")
        assert isinstance(article, SourceArticle)
        if 'property="article:published_time"' in page:
            kind = "meta"
        elif '"datePublished"' in page:
            kind = "json-ld"
        elif re.search(r'rel="canonical" href="[^"]*/news/\d{4}/', page):
            kind = "url"
        elif " pubdate>" in page:
            kind = "time"
        else:
            assert article.published is None, path.stem
            continue
        assert article.published == _as_written(path.stem)[1], (kind, path.stem)
        dated[kind] += 1
    assert all(dated.values()), dated


def test_short_or_unreadable_pages_go_to_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = html_source.article_from_html

    def counting(html: bytes | str, url: str | None, origin: str, **kw: object):  # type: ignore[no-untyped-def]
        seen.append(origin)
        return real(html, url, origin, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(html_source, "article_from_html", counting)
    short = b"<html><body><article><p>Councillor Dunn quits.</p></article></body></html>"
    assert len(short) < MIN_CONFIDENT_CHARS
    article_from_html_fast(short, None, "short")
    article_from_html_fast(b"\x00\x01 not html", None, "binary")
    assert seen == ["short", "binary"]


def test_pages_in_other_encodings() -> None:
    paragraph = ("Councillor Zoë Brannigan has quit the Labour group on Harnby Council, saying "
                 "the café closures were the last straw. ") * 3
    page = ('<html><head><meta charset="windows-1252"><title>Brannigan quits</title></head>'
            f"<body><article><h1>Brannigan quits</h1><p>{paragraph}</p></article></body></html>")
    article = article_from_html_fast(page.encode("cp1252"), "https://harnby.example/a", "x")
    assert isinstance(article, SourceArticle)
    assert "Zoë Brannigan" in article.text and "café" in article.text
    assert article.title == "Brannigan quits" and article.outlet == "harnby.example"
