"""HTML pages read by ``floorcross.sources``: main text, metadata, and pages without an article."""

from __future__ import annotations

from pathlib import Path

from floorcross.sources import (
    SourceArticle,
    SourceProblem,
    article_from_html,
    html_to_text,
    iter_sources,
)

PARAGRAPHS = [
    (
        "Councillor Maud Pennyfeather has left the Labour group on Brindlecombe Borough Council"
        " and will sit as an independent for Oakfield ward."
    ),
    (
        "In a statement on Monday evening she said the decision had not been taken lightly and"
        " that residents of Oakfield would always come first."
    ),
    "Her departure leaves Labour with 21 of the 45 seats on the council.",
]
BODY = "\n".join(PARAGRAPHS)
CANONICAL = "https://www.brindlecombe-bugle.example/news/oakfield-councillor-quits-labour"


def news_page(
    title: str = "Oakfield councillor quits Labour",
    *,
    h1: str | None = None,
    published: str | None = "2024-03-05T09:30:00+00:00",
    canonical: str | None = CANONICAL,
    site: str | None = "Brindlecombe Bugle",
    paragraphs: list[str] = PARAGRAPHS,
) -> str:
    """A local news page with navigation, a newsletter box and a footer around the story."""
    meta = [f'<meta property="og:title" content="{title}">']
    if site:
        meta.append(f'<meta property="og:site_name" content="{site}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    if canonical:
        meta.append(f'<link rel="canonical" href="{canonical}">')
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | {site}</title>{"".join(meta)}</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<div class="promo"><p>Sign up to our daily newsletter</p></div>
<article><h1>{h1 or title}</h1>{body}</article>
<footer><p>Copyright 2024 {site}. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


def test_html_file_gives_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "oakfield.html"
    path.write_text(news_page(), encoding="utf-8")
    text = f"Oakfield councillor quits Labour\n{BODY}"
    assert list(iter_sources([str(path)])) == [
        SourceArticle(
            doc="oakfield",
            text=text,
            published="2024-03-05",
            title="Oakfield councillor quits Labour",
            url=CANONICAL,
            outlet="Brindlecombe Bugle",
            origin=str(path),
        )
    ]


def test_headline_is_added_when_the_body_starts_otherwise() -> None:
    html = news_page(h1="Pennyfeather goes independent", canonical=None, published=None)
    article = article_from_html(html, "https://bugle.example/a/b.html", "page")
    assert article == SourceArticle(
        doc="bugle.example_a_b",
        text=f"Oakfield councillor quits Labour\nPennyfeather goes independent\n{BODY}",
        title="Oakfield councillor quits Labour",
        url="https://bugle.example/a/b.html",
        outlet="Brindlecombe Bugle",
        origin="page",
    )


def test_dates_in_the_prose_are_not_publication_dates() -> None:
    paragraphs = [*PARAGRAPHS, "She was first elected on 4 May 2023 and re-elected in 2024."]
    html = news_page(published=None, site=None, paragraphs=paragraphs)
    article = article_from_html(html.encode("utf-8"), None, "page.html")
    assert isinstance(article, SourceArticle)
    assert article.published is None
    assert article.outlet == "brindlecombe-bugle.example"  # host of the canonical URL


def test_page_without_an_article_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_text(
        "<html><head><title>Bugle</title></head><body><nav><a href='/'>Home</a>"
        " <a href='/news'>News</a> <a href='/contact'>Contact us</a></nav>"
        "<div class='cookies'>We use cookies to improve your experience.</div>"
        "<footer>Copyright 2024 Bugle Media</footer></body></html>",
        encoding="utf-8",
    )
    empty = tmp_path / "blank.htm"
    empty.write_text("<html><body></body></html>", encoding="utf-8")
    assert list(iter_sources([str(path), str(empty)])) == [
        SourceProblem(origin=str(path), reason="no main text found in HTML"),
        SourceProblem(origin=str(empty), reason="no main text found in HTML"),
    ]


def test_binary_garbage_with_html_extension_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_bytes(b"\x00\x01\x02\xff\xfe" * 50)
    assert list(iter_sources([str(path)])) == [
        SourceProblem(origin=str(path), reason="no main text found in HTML")
    ]


def test_html_to_text_keeps_one_block_a_line() -> None:
    fragment = (
        "<p>Councillor Cy Moss\n  has been <b>suspended</b>.</p><script>track()</script>"
        "<ul><li>Labour: 20</li><li>Green &amp; independent: 5</li></ul>Line<br>break"
    )
    assert html_to_text(fragment) == (
        "Councillor Cy Moss has been suspended.\nLabour: 20\nGreen & independent: 5\nLine\nbreak"
    )
