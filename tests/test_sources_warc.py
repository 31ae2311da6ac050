"""Web archives read by ``floorcross.sources``, through both FastWARC and warcio."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from floorcross.sources import SourceArticle, SourceProblem, iter_sources, read_warc
from floorcross.sources.common import fmt_size
from floorcross.sources.warc import default_backend

BACKENDS = [
    "warcio",
    pytest.param(
        "fastwarc",
        marks=pytest.mark.skipif(
            default_backend() != "fastwarc", reason="FastWARC is not installed"
        ),
    ),
]

TOLL = (
    (
        "Councillor Greta Toll has been expelled from the Green Party after voting against the"
        " group on the Harnby Council budget."
    ),
    (
        "A party spokesperson said the decision had been taken by the regional executive and"
        " would not be reconsidered before the next election."
    ),
    "Ms Toll, who represents Saltings ward, said she was disappointed but not surprised.",
)
VANE = (
    (
        "Councillor Oswin Vane has rejoined the Labour group on Harnby Council, eighteen months"
        " after the whip was withdrawn over comments he made at a planning meeting."
    ),
    (
        "The group leader said Mr Vane had completed training and apologised to the residents"
        " concerned."
    ),
    "Labour now has 28 of the council's 51 seats.",
)
TOLL_URL = "https://harnby-herald.example/news/toll-expelled"
VANE_URL = "https://harnby-herald.example/news/vane-readmitted"


def page(title: str, paragraphs: tuple[str, ...], published: str | None = None) -> bytes:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title>{meta}"
        '<meta property="og:site_name" content="Harnby Herald"></head>'
        "<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>Harnby Herald</footer></body></html>"
    ).encode()


def chunked(data: bytes, size: int = 100) -> bytes:
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def build_warc(compress: bool) -> bytes:
    """warcinfo, two HTML pages (the second gzipped and chunked), an image and a 404."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))

    def response(url: str, status: str, body: bytes, *headers: tuple[str, str]) -> None:
        http = StatusAndHeaders(status, list(headers), protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http
        )
        writer.write_record(record)

    html = ("Content-Type", "text/html; charset=utf-8")
    response(
        TOLL_URL, "200 OK", page("Toll expelled by Greens", TOLL, "2024-02-20T18:00:00Z"), html
    )
    response(
        "https://harnby-herald.example/logo.png",
        "200 OK",
        b"\x89PNG\r\n",
        ("Content-Type", "image/png"),
    )
    vane = chunked(gzip.compress(page("Vane back in Labour fold", VANE)))
    response(
        VANE_URL,
        "200 OK",
        vane,
        html,
        ("Content-Encoding", "gzip"),
        ("Transfer-Encoding", "chunked"),
    )
    response("https://harnby-herald.example/gone", "404 Not Found", page("Not found", TOLL), html)
    return out.getvalue()


def offsets(data: bytes) -> list[int]:
    """Start offsets of the records, read with warcio."""
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(io.BytesIO(data))
    found = []
    for record in records:
        record.content_stream().read()
        found.append(records.get_record_offset())
    return found


@pytest.fixture(params=[False, True], ids=["warc", "warc.gz"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, bytes]:
    data = build_warc(request.param)
    path = tmp_path / ("crawl.warc.gz" if request.param else "crawl.warc")
    path.write_bytes(data)
    return path, data


@pytest.mark.parametrize("backend", BACKENDS)
def test_only_html_pages_with_status_200_become_articles(
    archive: tuple[Path, bytes], backend: str
) -> None:
    path, data = archive
    starts = offsets(data)
    assert list(read_warc(path, backend=backend)) == [  # type: ignore[arg-type]
        SourceArticle(
            doc="harnby-herald.example_news_toll-expelled",
            text="\n".join(("Toll expelled by Greens", *TOLL)),
            published="2024-02-20",
            title="Toll expelled by Greens",
            url=TOLL_URL,
            outlet="Harnby Herald",
            origin=f"{path}@{starts[1]}",
        ),
        SourceArticle(
            doc="harnby-herald.example_news_vane-readmitted",
            text="\n".join(("Vane back in Labour fold", *VANE)),
            published=None,  # the WARC-Date is when it was crawled, not published
            title="Vane back in Labour fold",
            url=VANE_URL,
            outlet="Harnby Herald",
            origin=f"{path}@{starts[3]}",
        ),
    ]


def test_iter_sources_reads_warc_files(archive: tuple[Path, bytes]) -> None:
    path, _ = archive
    docs = [i.doc for i in iter_sources([str(path)]) if isinstance(i, SourceArticle)]
    assert docs == [
        "harnby-herald.example_news_toll-expelled",
        "harnby-herald.example_news_vane-readmitted",
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_truncated_archive_keeps_what_was_read(
    archive: tuple[Path, bytes], backend: str, tmp_path: Path
) -> None:
    path, data = archive
    starts = offsets(data)
    cut = tmp_path / f"cut-{path.name}"
    cut.write_bytes(data[: starts[3] + 40])  # inside the second page's record
    *articles, problem = read_warc(cut, backend=backend)  # type: ignore[arg-type]
    assert [a.doc for a in articles if isinstance(a, SourceArticle)] == [
        "harnby-herald.example_news_toll-expelled"
    ]
    assert problem == SourceProblem(
        origin=str(cut),
        reason=f"truncated WARC after 3 records: record at offset {starts[3]} is incomplete",
    )


def test_gzip_trailer_cut_off_is_reported(tmp_path: Path) -> None:
    data = build_warc(compress=True)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:-4])
    *_, problem = read_warc(cut)
    assert problem == SourceProblem(
        origin=str(cut),
        reason=f"truncated WARC after 5 records: compressed record at offset"
        f" {offsets(data)[4]} is cut short",
    )


@pytest.mark.skipif(default_backend() != "fastwarc", reason="FastWARC is not installed")
@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
def test_fastwarc_and_warcio_agree_on_whole_and_truncated_archives(
    compress: bool, tmp_path: Path
) -> None:
    data = build_warc(compress)
    path = tmp_path / ("a.warc.gz" if compress else "a.warc")
    # A cut just after a record (or in the blank lines that close it) leaves a valid archive.
    clean_ends = {start - k for start in [*offsets(data), len(data)] for k in range(5)}
    for end in [len(data), *range(len(data) - 1, 0, -max(1, len(data) // 23))]:
        path.write_bytes(data[:end])
        fast = list(read_warc(path, backend="fastwarc"))
        slow = list(read_warc(path, backend="warcio"))
        assert fast == slow, f"backends differ for the first {end} bytes"
        if end not in clean_ends:
            assert isinstance(fast[-1], SourceProblem), f"no problem for the first {end} bytes"


@pytest.mark.parametrize("backend", BACKENDS)
def test_not_a_warc_and_empty_files(tmp_path: Path, backend: str) -> None:
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"<html>this is not an archive</html>\n" * 20)
    gz_junk = tmp_path / "junk.warc.gz"
    gz_junk.write_bytes(gzip.compress(b"no warc here\r\n\r\n" * 20))
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    not_warc = "not a WARC file (no WARC header at the start)"
    assert [p for path in (junk, gz_junk, empty) for p in read_warc(path, backend=backend)] == [  # type: ignore[arg-type]
        SourceProblem(origin=str(junk), reason=not_warc),
        SourceProblem(origin=str(gz_junk), reason=not_warc),
        SourceProblem(origin=str(empty), reason="empty file"),
    ]


def test_oversized_page_is_a_problem(tmp_path: Path) -> None:
    data = build_warc(compress=False)
    path = tmp_path / "crawl.warc"
    path.write_bytes(data)
    size = len(page("Toll expelled by Greens", TOLL, "2024-02-20T18:00:00Z"))
    items = list(iter_sources([str(path)], max_bytes=500))
    assert items[0] == SourceProblem(
        origin=f"{path}@{offsets(data)[1]}", reason=f"larger than 500 bytes ({fmt_size(size)})"
    )


def test_warcio_is_used_when_fastwarc_is_missing(
    archive: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = archive
    with_default = list(iter_sources([str(path)]))
    monkeypatch.setitem(sys.modules, "fastwarc", None)
    monkeypatch.setitem(sys.modules, "fastwarc.warc", None)
    assert default_backend() == "warcio"
    assert list(iter_sources([str(path)])) == with_default


# ------------------------------------------------------------------------------ decompression


def test_inflater_reads_every_gzip_member_and_both_deflates() -> None:
    import zlib

    from floorcross.sources.http_body import inflate

    text = b"Councillor Greta Toll has been expelled. " * 200
    assert inflate(gzip.compress(text) + gzip.compress(text), "gzip") == text + text
    assert inflate(zlib.compress(text), "deflate") == text
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert inflate(raw.compress(text) + raw.flush(), "deflate") == text
    assert inflate(gzip.compress(text)[:-12], "gzip") == text[: len(inflate(
        gzip.compress(text)[:-12], "gzip"))]  # cut short: what was there, as browsers do


def test_inflater_never_gives_or_holds_more_than_its_limit() -> None:
    from floorcross.sources.http_body import DecompressedTooLarge, Inflater, inflate

    bomb = gzip.compress(b"\0" * 1_000_000) * 50  # 50 MB from 50 KB
    with pytest.raises(DecompressedTooLarge, match="more than 100 KB"):
        inflate(bomb, "gzip", 100_000)
    layer = Inflater("gzip", 100_000)
    given = 0
    with pytest.raises(DecompressedTooLarge):
        for i in range(0, len(bomb), 1000):
            given += len(layer.feed(bomb[i:i + 1000]))
    assert given <= 100_000
    assert inflate(gzip.compress(b"x" * 1000), "gzip", 1000) == b"x" * 1000


def test_a_gzip_bomb_in_a_record_is_a_problem_and_the_rest_is_read(tmp_path: Path) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"),
                                       ("Content-Encoding", "gzip, gzip")], protocol="HTTP/1.1")
    inner = gzip.compress(b"\0" * 20_000_000)
    bomb = gzip.compress(inner)
    writer.write_record(writer.create_warc_record(
        "https://bomb.example/", "response", payload=io.BytesIO(bomb), http_headers=http))
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        TOLL_URL, "response", payload=io.BytesIO(page("Toll expelled", TOLL)), http_headers=http))
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(out.getvalue())
    items = list(iter_sources([str(path)], max_bytes=1_000_000))
    assert items[0] == SourceProblem(
        origin=f"{path}@0", reason=f"gzip content decompresses to more than 1 MB (from "
        f"{fmt_size(len(inner))} compressed): skipped (a decompression bomb?)")
    assert isinstance(items[1], SourceArticle) and items[1].url == TOLL_URL
