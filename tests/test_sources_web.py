"""The ``Fetcher`` and URL inputs of ``floorcross.sources``, against ``httpx.MockTransport``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from floorcross import __version__
from floorcross.sources import (
    USER_AGENT,
    Fetcher,
    FetchResult,
    SourceArticle,
    SourceProblem,
    iter_sources,
)

Handler = Callable[[httpx.Request], httpx.Response]

STORY = (
    (
        "Councillor Ivo Stannard has resigned from the Liberal Democrats and will sit as an"
        " independent member of Wexcombe District Council for the rest of his term."
    ),
    (
        "Mr Stannard, who represents Fallow Hill, said he had become frustrated with the way the"
        " group had handled plans for a new relief road."
    ),
    "The Liberal Democrats remain the largest group with 19 councillors.",
)
PAGE = (
    "<html><head><title>Stannard quits Lib Dems</title>"
    '<meta property="article:published_time" content="2024-06-11"></head>'
    "<body><nav><a href='/'>Home</a></nav><article><h1>Stannard quits Lib Dems</h1>"
    + "".join(f"<p>{p}</p>" for p in STORY)
    + "</article><footer>Wexcombe Echo</footer></body></html>"
)
FEED = """<rss version="2.0"><channel><title>Wexcombe Echo</title><item>
<title>Stannard quits</title><link>https://echo.example/news/stannard</link>
<pubDate>Tue, 11 Jun 2024 07:00:00 +0100</pubDate></item></channel></rss>"""


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def fetcher(handler: Handler, **options: object) -> Fetcher:
    clock = FakeClock()
    options = {"clock": clock, "sleep": clock.sleep, **options}
    return Fetcher(transport=httpx.MockTransport(handler), **options)  # type: ignore[arg-type]


def site(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/news/stannard":
        return httpx.Response(200, html=PAGE)
    if request.url.path == "/old":
        return httpx.Response(301, headers={"Location": "https://echo.example/news/stannard"})
    if request.url.path == "/feed":
        return httpx.Response(200, text=FEED, headers={"Content-Type": "application/rss+xml"})
    if request.url.path == "/feed.xml":  # served with a generic type: recognised by its body
        return httpx.Response(200, text=FEED, headers={"Content-Type": "text/xml"})
    if request.url.path == "/notes.txt":
        return httpx.Response(200, text="Councillor Ivo Stannard resigned.")
    if request.url.path == "/photo.jpg":
        return httpx.Response(200, content=b"\xff\xd8\xff", headers={"Content-Type": "image/jpeg"})
    return httpx.Response(404)


def test_user_agent_names_floorcross() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["User-Agent"])
        return httpx.Response(200, text="ok")

    result = fetcher(handler).fetch("https://echo.example/")
    assert result == FetchResult("https://echo.example/", 200, "text/plain", b"ok")
    assert seen == [f"floorcross/{__version__} (+https://github.com/floorcross/floorcross)"]
    assert seen == [USER_AGENT]


def test_redirects_are_followed() -> None:
    result = fetcher(site).fetch("https://echo.example/old")
    assert isinstance(result, FetchResult)
    assert (result.url, result.status, result.content_type) == (
        "https://echo.example/news/stannard",
        200,
        "text/html",
    )


def test_declared_size_over_the_limit_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 2_000)

    assert fetcher(handler, max_bytes=1_000).fetch("https://echo.example/big") == SourceProblem(
        origin="https://echo.example/big", reason="larger than 1 KB (2 KB)"
    )


def test_streamed_body_over_the_limit_is_cut_off() -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        for n in range(100):
            sent.append(n)
            yield b"x" * 100

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=chunks())  # no Content-Length

    result = fetcher(handler, max_bytes=1_000).fetch("https://echo.example/endless")
    assert result == SourceProblem(
        origin="https://echo.example/endless", reason="larger than 1 KB (download cut off)"
    )
    assert len(sent) < 100


def test_timeout_is_a_problem() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    assert fetcher(handler).fetch("https://slow.example/") == SourceProblem(
        origin="https://slow.example/", reason="could not fetch: timeout after 10s"
    )


def test_connection_failure_and_http_errors_are_problems() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    assert fetcher(refuse).fetch("https://down.example/") == SourceProblem(
        origin="https://down.example/",
        reason="could not fetch: connection failed (connection refused)",
    )
    assert fetcher(site).fetch("https://echo.example/missing") == SourceProblem(
        origin="https://echo.example/missing", reason="could not fetch: HTTP 404 Not Found"
    )


def test_only_http_and_https() -> None:
    assert fetcher(site).fetch("ftp://echo.example/a") == SourceProblem(
        origin="ftp://echo.example/a", reason="unsupported URL scheme 'ftp'"
    )


def test_requests_to_one_host_are_spaced_out() -> None:
    clock = FakeClock()
    times: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        times.append((request.url.host, clock.now))
        clock.now += 0.25  # each response takes a quarter of a second
        return httpx.Response(200, text="ok")

    web = fetcher(handler, clock=clock, sleep=clock.sleep, min_interval=1.0)
    for url in ("https://a.example/1", "https://a.example/2", "https://b.example/1"):
        web.fetch(url)
    clock.now += 5
    web.fetch("https://a.example/3")
    assert times == [
        ("a.example", 100.0),
        ("a.example", 101.0),
        ("b.example", 101.25),
        ("a.example", 106.5),
    ]
    assert clock.sleeps == [0.75]


def test_url_inputs_are_fetched_as_pages_feeds_or_text() -> None:
    items = list(
        iter_sources(
            [
                "https://echo.example/old",
                "https://echo.example/feed",
                "https://echo.example/feed.xml",
                "https://echo.example/notes.txt",
                "https://echo.example/photo.jpg",
                "gopher://echo.example/",
                "https:///no-host",
            ],
            fetcher=fetcher(site),
        )
    )
    page = SourceArticle(
        doc="echo.example_old",
        text="\n".join(("Stannard quits Lib Dems", *STORY)),
        published="2024-06-11",
        title="Stannard quits Lib Dems",
        url="https://echo.example/news/stannard",
        outlet="echo.example",
        origin="https://echo.example/old",
    )
    from_feed = {
        "doc": "echo.example_news_stannard",
        "text": "\n".join(("Stannard quits Lib Dems", *STORY)),
        "published": "2024-06-11",
        "title": "Stannard quits Lib Dems",
        "url": "https://echo.example/news/stannard",
        "outlet": "echo.example",
    }
    assert items == [
        page,
        SourceArticle(**from_feed, origin="https://echo.example/feed#entry-1"),
        SourceArticle(**from_feed, origin="https://echo.example/feed.xml#entry-1"),
        SourceArticle(
            doc="echo.example_notes.txt",
            text="Councillor Ivo Stannard resigned.",
            url="https://echo.example/notes.txt",
            outlet="echo.example",
            origin="https://echo.example/notes.txt",
        ),
        SourceProblem(
            origin="https://echo.example/photo.jpg", reason="unsupported content type 'image/jpeg'"
        ),
        SourceProblem(
            origin="gopher://echo.example/", reason="unsupported URL scheme 'gopher' (http, https)"
        ),
        SourceProblem(origin="https:///no-host", reason="not a valid URL (no host)"),
    ]


def test_url_inputs_are_not_fetched_when_fetching_is_off() -> None:
    assert list(iter_sources(["https://echo.example/news/stannard"], fetch=False)) == [
        SourceProblem(
            origin="https://echo.example/news/stannard", reason="not fetched: fetching is disabled"
        )
    ]


def test_urls_file_lists_pages_to_fetch(tmp_path: Path) -> None:
    path = tmp_path / "reading.urls"
    path.write_text(
        "# Wexcombe stories\n\nhttps://echo.example/news/stannard\nnot a url\n"
        "https://echo.example/gone\n",
        encoding="utf-8",
    )
    items = list(iter_sources([str(path)], fetcher=fetcher(site)))
    assert [type(i).__name__ for i in items] == ["SourceArticle", "SourceProblem", "SourceProblem"]
    assert items[0].origin == "https://echo.example/news/stannard"  # type: ignore[union-attr]
    assert items[1:] == [
        SourceProblem(origin=f"{path}:4", reason="not an http(s) URL: 'not a url'"),
        SourceProblem(
            origin="https://echo.example/gone", reason="could not fetch: HTTP 404 Not Found"
        ),
    ]


@pytest.mark.parametrize("fetch", [True, False])
def test_default_fetcher_is_made_only_when_needed(
    tmp_path: Path, fetch: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Fetcher] = []
    original = Fetcher.__init__

    def spy(self: Fetcher, **options: object) -> None:
        original(self, transport=httpx.MockTransport(site), sleep=lambda _: None)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(Fetcher, "__init__", spy)
    story = tmp_path / "story.txt"
    story.write_text("Councillor Ivo Stannard resigned.", encoding="utf-8")
    list(iter_sources([str(story)], fetch=fetch))
    assert made == []
    items = list(iter_sources(["https://echo.example/news/stannard"], fetch=fetch))
    assert len(made) == (1 if fetch else 0)
    assert isinstance(items[0], SourceArticle if fetch else SourceProblem)


# ------------------------------------------------------------------------------ hostile servers


def test_each_content_encoding_layer_is_undone_under_the_cap() -> None:
    import gzip
    import zlib

    def stream(data: bytes) -> Iterator[bytes]:  # a generator: the body arrives as a stream
        for i in range(0, len(data), 4096):
            yield data[i:i + 4096]

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == "gzip, deflate"
        if request.url.path == "/two-layers":
            body = gzip.compress(zlib.compress(PAGE.encode()))
            return httpx.Response(200, content=stream(body), headers={
                "Content-Type": "text/html", "Content-Encoding": "deflate, gzip"})
        if request.url.path == "/bomb":
            body = gzip.compress(b"\0" * 1_000_000) * 20
            return httpx.Response(200, content=stream(body), headers={
                "Content-Type": "text/html", "Content-Encoding": "gzip"})
        return httpx.Response(200, content=stream(b"x"), headers={"Content-Encoding": "br"})

    web = fetcher(handler, max_bytes=100_000)
    page = web.fetch("https://echo.example/two-layers")
    assert isinstance(page, FetchResult) and page.content == PAGE.encode()
    assert web.fetch("https://echo.example/bomb") == SourceProblem(
        origin="https://echo.example/bomb",
        reason="larger than 100 KB once decompressed (download cut off; a decompression bomb?)")
    assert web.fetch("https://echo.example/br") == SourceProblem(
        origin="https://echo.example/br", reason="unsupported content encoding 'br'")


def test_a_body_that_trickles_in_ends_at_the_deadline() -> None:
    import time

    def trickle() -> Iterator[bytes]:
        for _ in range(100):
            time.sleep(0.05)
            yield b"x"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=trickle(), headers={"Content-Type": "text/html"})

    start = time.monotonic()
    result = fetcher(handler, deadline=0.3).fetch("https://slow.example/")
    assert result == SourceProblem(
        origin="https://slow.example/",
        reason="could not fetch: no complete response within 0.3s (--fetch-timeout)")
    assert time.monotonic() - start < 2  # not the 5 s the whole body takes
