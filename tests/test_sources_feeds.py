"""RSS and Atom feeds read by ``floorcross.sources``; linked pages come from a mock server."""

from __future__ import annotations

from pathlib import Path

import httpx

from floorcross.sources import (
    Fetcher,
    SourceArticle,
    SourceProblem,
    SourceWarning,
    iter_sources,
)

QUILL = (
    "Councillor Ada Quill has joined the Green group on Mossbank Town Council.",
    "She had sat as an independent since leaving the Liberal Democrats in 2022.",
)
LARK = "Councillor Bea Lark has joined Reform UK after eleven years as a Conservative."
LONG_SUMMARY = " ".join(
    f"Councillor Cy Moss was suspended by the Labour group on Mossbank Town Council (part {n})."
    for n in range(8)
)

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Mossbank Gazette</title>
  <link>https://gazette.example/</link>
  <item>
    <title>Quill joins the Greens</title>
    <link>https://gazette.example/politics/quill-joins-greens</link>
    <pubDate>Tue, 05 Mar 2024 23:30:00 -0500</pubDate>
    <description>A short teaser.</description>
    <content:encoded><![CDATA[<p>{QUILL[0]}</p>
<p>{QUILL[1]}</p><div class="share">Share this</div>]]></content:encoded>
  </item>
  <item>
    <title>Moss suspended</title>
    <link>https://gazette.example/politics/moss-suspended</link>
    <pubDate>Wed, 06 Mar 2024 10:00:00 +0000</pubDate>
    <description>&lt;p&gt;{LONG_SUMMARY}&lt;/p&gt;</description>
  </item>
</channel>
</rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Brindlecombe Bugle: politics</title>
  <id>urn:uuid:7d1f0a5e-0000-4000-8000-000000000001</id>
  <updated>2024-04-02T12:00:00Z</updated>
  <entry>
    <title>Lark defects to Reform</title>
    <id>urn:uuid:7d1f0a5e-0000-4000-8000-000000000002</id>
    <link href="https://bugle.example/news/lark-defects"/>
    <published>2024-04-01T18:00:00+01:00</published>
    <updated>2024-04-02T09:00:00+01:00</updated>
    <summary>Lark goes.</summary>
  </entry>
  <entry>
    <title>Gone missing</title>
    <id>urn:uuid:7d1f0a5e-0000-4000-8000-000000000003</id>
    <link href="https://bugle.example/news/gone"/>
    <updated>2024-04-02T11:00:00Z</updated>
  </entry>
</feed>"""


def lark_page() -> str:
    paragraphs = "".join(
        f"<p>{p}</p>"
        for p in (
            LARK,
            (
                "He said the decision followed months of talks with local party members and"
                " that he would continue to serve the people of Hatchley ward."
            ),
            "The Conservatives now hold 17 seats on Brindlecombe Borough Council.",
        )
    )
    return (
        "<html><head><title>Lark defects to Reform</title>"
        '<meta property="og:site_name" content="Brindlecombe Bugle"></head>'
        "<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Lark defects to Reform</h1>{paragraphs}</article>"
        "<footer>Copyright Bugle</footer></body></html>"
    )


def fake_fetcher(requests: list[httpx.Request]) -> Fetcher:
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path == "/news/lark-defects":
            return httpx.Response(200, html=lark_page())
        return httpx.Response(404)

    return Fetcher(transport=httpx.MockTransport(handler), sleep=lambda _: None)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rss_entries_with_full_content_need_no_fetching(tmp_path: Path) -> None:
    path = write(tmp_path, "gazette.rss", RSS)
    requests: list[httpx.Request] = []
    items = list(iter_sources([str(path)], fetcher=fake_fetcher(requests)))
    assert items == [
        SourceArticle(
            doc="gazette.example_politics_quill-joins-greens",
            text=f"Quill joins the Greens\n{QUILL[0]}\n{QUILL[1]}\nShare this",
            published="2024-03-05",  # the date as published, not moved to UTC
            title="Quill joins the Greens",
            url="https://gazette.example/politics/quill-joins-greens",
            outlet="Mossbank Gazette",
            origin=f"{path}#entry-1",
        ),
        SourceArticle(
            doc="gazette.example_politics_moss-suspended",
            text=f"Moss suspended\n{LONG_SUMMARY}",
            published="2024-03-06",
            title="Moss suspended",
            url="https://gazette.example/politics/moss-suspended",
            outlet="Mossbank Gazette",
            origin=f"{path}#entry-2",
        ),
    ]
    assert requests == []


def test_atom_entries_with_only_links_are_fetched(tmp_path: Path) -> None:
    path = write(tmp_path, "bugle.atom", ATOM)
    requests: list[httpx.Request] = []
    items = list(iter_sources([str(path)], fetcher=fake_fetcher(requests)))
    assert [str(r.url) for r in requests] == [
        "https://bugle.example/news/lark-defects",
        "https://bugle.example/news/gone",
    ]
    assert items == [
        SourceArticle(
            doc="bugle.example_news_lark-defects",
            text=(
                "Lark defects to Reform\n"
                f"{LARK}\n"
                "He said the decision followed months of talks with local party members and"
                " that he would continue to serve the people of Hatchley ward.\n"
                "The Conservatives now hold 17 seats on Brindlecombe Borough Council."
            ),
            published="2024-04-01",
            title="Lark defects to Reform",
            url="https://bugle.example/news/lark-defects",
            outlet="Brindlecombe Bugle",
            origin=f"{path}#entry-1",
        ),
        SourceProblem(
            origin=f"{path}#entry-2",
            reason="https://bugle.example/news/gone: could not fetch: HTTP 404 Not Found",
        ),
    ]


def test_without_fetching_a_summary_is_used_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "bugle.atom", ATOM)
    items = list(iter_sources([str(path)], fetch=False))
    assert items == [
        SourceWarning(
            origin=f"{path}#entry-1",
            reason="only a short summary (10 characters) was read: fetching is disabled",
        ),
        SourceArticle(
            doc="bugle.example_news_lark-defects",
            text="Lark defects to Reform\nLark goes.",
            published="2024-04-01",
            title="Lark defects to Reform",
            url="https://bugle.example/news/lark-defects",
            outlet="Brindlecombe Bugle: politics",
            origin=f"{path}#entry-1",
        ),
        SourceProblem(
            origin=f"{path}#entry-2", reason="entry has no text and fetching is disabled"
        ),
    ]


def test_malformed_feed_xml_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.xml", '<?xml version="1.0"?>\n<rss><channel>\n<title>x</rss>')
    assert list(iter_sources([str(path)])) == [
        SourceProblem(
            origin=str(path), reason="malformed feed XML: mismatched tag at line 3, column 10"
        )
    ]


def test_malformed_feed_with_entries_is_read_with_a_warning(tmp_path: Path) -> None:
    cut = RSS[: RSS.index("</channel>")]  # the closing tags are missing
    path = write(tmp_path, "cut.rss", cut)
    warning, *articles = iter_sources([str(path)], fetch=False)
    assert warning == SourceWarning(
        origin=str(path),
        reason="feed is not well-formed (no element found at line 20, column 0);"
        " read 2 entries anyway",
    )
    assert [a.doc for a in articles if isinstance(a, SourceArticle)] == [
        "gazette.example_politics_quill-joins-greens",
        "gazette.example_politics_moss-suspended",
    ]


def test_xml_that_is_not_a_feed_and_empty_feeds(tmp_path: Path) -> None:
    sitemap = write(
        tmp_path, "sitemap.xml", "<urlset><url><loc>https://x.example/</loc></url></urlset>"
    )
    empty = write(
        tmp_path, "quiet.rss", '<rss version="2.0"><channel><title>Q</title></channel></rss>'
    )
    assert list(iter_sources([str(sitemap), str(empty)])) == [
        SourceProblem(origin=str(sitemap), reason="not an RSS or Atom feed"),
        SourceProblem(origin=str(empty), reason="feed has no entries"),
    ]


def test_entry_without_link_or_text(tmp_path: Path) -> None:
    rss = (
        '<rss version="2.0"><channel><title>Q</title><item><title>?</title></item></channel></rss>'
    )
    path = write(tmp_path, "q.rss", rss)
    assert list(iter_sources([str(path)])) == [
        SourceProblem(
            origin=f"{path}#entry-1", reason="entry has no text and the entry has no link"
        )
    ]
