"""Ingest: every reader into the store with the real extractor; duplicates; bad input.

The articles are short, plain and made up (fictional councillors on real councils), so that
any reasonable extractor reads them the same way; assertions are about what the store keeps.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
from store_helpers import FakeExtractor
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from floorcross.ingest import Skipped, extractor_version, ingest, reextract
from floorcross.sources import Fetcher
from floorcross.store import Store

WHITLOCK_LEFT = (
    "Cllr Dana Whitlock, who represents Poets ward on Luton Borough Council, has quit the Labour "
    "Party to sit as an independent.\n\nShe said the decision had not been easy."
)
WHITLOCK_JOINED = (
    "Dana Whitlock, an independent councillor on Luton Borough Council, has joined the "
    "Conservative Party, five weeks after she quit Labour."
)
SMITH_CANTERBURY = (
    "Councillor John Smith has been suspended by the Labour Party. Cllr Smith represents "
    "Harbledown ward on Canterbury City Council."
)
SMITH_LEEDS = (
    "Councillor John Smith, who represents Headingley ward on Leeds City Council, has left the "
    "Liberal Democrats to join the Green Party."
)
NANDRA = (
    "Councillor Priya Nandra has defected from the Conservatives to Reform UK. Cllr Nandra "
    "represents a ward on Kent County Council."
)
LIBRARY = (
    "Luton Borough Council has approved plans for a new library in the town centre. The scheme "
    "is expected to open next spring."
)


def txt(folder: Path, name: str, text: str, published: str | None = None) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((f" date {published}\n" if published else "") + text, encoding="utf-8")
    return path


def page(title: str, text: str, url: str, published: str = "2023-09-14") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (
        f"<html><head><title>{title}</title><link rel='canonical' href='{url}'>"
        f"<meta property='article:published_time' content='{published}T09:00:00Z'>"
        "<meta property='og:site_name' content='Test Gazette'></head><body><nav>Home News"
        f"</nav><article><h1>{title}</h1>{paragraphs}</article><footer>Test Gazette</footer>"
        "</body></html>"
    )


def fetcher(pages: dict[str, str]) -> Fetcher:
    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if "unreachable" in url:
            raise httpx.ConnectError("name or service not known", request=request)
        if url in pages:
            return httpx.Response(200, html=pages[url])
        return httpx.Response(404)

    return Fetcher(transport=httpx.MockTransport(handler), min_interval=0,
                   sleep=lambda _: None)


def run(store: Store, *inputs: Path | str, **options: object):
    return ingest([str(i) for i in inputs], store, **options)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ text folders


def test_text_folder_builds_a_timeline_from_two_articles(fresh_db: Store, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    txt(folder, "a_left.txt", WHITLOCK_LEFT, "2023-09-12")
    txt(folder, "b_joined.txt", WHITLOCK_JOINED, "2023-10-20")
    txt(folder, "c_library.txt", LIBRARY, "2023-10-21")
    summary = run(fresh_db, folder)
    assert (summary.read, summary.new, summary.duplicates, summary.relevant) == (3, 3, 0, 2)
    assert summary.skipped == []
    [person] = fresh_db.find_people("Dana Whitlock")
    assert (person.council, person.council_gss, person.ward) == (
        "Luton Borough Council", "E06000032", "Poets")
    steps = [(e.change.from_party, e.change.to_party, e.change.date[:7],
              sorted(s.status for s in e.sources))
             for e in fresh_db.timeline(person.id).entries]
    assert steps == [("Labour", "Independent", "2023-09", ["background", "new"]),
                     ("Independent", "Conservative", "2023-10", ["new"])]
    [left] = fresh_db.changes(council="Luton", party="Labour")
    assert (left.person, left.sources) == ("Dana Whitlock", 2)


def test_ingesting_twice_changes_nothing(fresh_db: Store, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    txt(folder, "a.txt", WHITLOCK_LEFT, "2023-09-12")
    txt(folder, "b.txt", WHITLOCK_JOINED, "2023-10-20")
    run(fresh_db, folder)
    before = fresh_db.table_counts()
    again = run(fresh_db, folder)
    assert (again.read, again.new, again.duplicates) == (2, 0, 2)
    assert (again.changes_new, again.changes_updated) == (0, 0)
    assert fresh_db.table_counts() == before


def test_syndicated_copies_are_one_article(fresh_db: Store, tmp_path: Path) -> None:
    export = tmp_path / "ldrs.jsonl"
    rows = [
        {"url": "https://luton-today.example/whitlock", "title": "Councillor quits Labour",
         "published": "2023-09-12", "text": WHITLOCK_LEFT},
        {"url": "https://beds-news.example/2023/09/whitlock", "title": "Whitlock leaves Labour",
         "published": "2023-09-12", "text": WHITLOCK_LEFT + "\n"},
        {"url": "https://beds-news.example/library", "published": "2023-09-13", "text": LIBRARY},
    ]
    export.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary = run(fresh_db, export)
    assert (summary.new, summary.duplicates) == (2, 1)
    counts = fresh_db.table_counts()
    assert (counts["articles"], counts["article_urls"]) == (2, 3)
    [change] = fresh_db.changes()
    assert change.sources == 1
    [source] = fresh_db.sources(change.id)
    assert source.url == "https://luton-today.example/whitlock"
    assert source.title == "Councillor quits Labour"


def test_same_name_on_two_councils_is_two_people(fresh_db: Store, tmp_path: Path) -> None:
    txt(tmp_path, "canterbury.txt", SMITH_CANTERBURY, "2023-05-02")
    txt(tmp_path, "leeds.txt", SMITH_LEEDS, "2023-05-03")
    run(fresh_db, tmp_path / "canterbury.txt", tmp_path / "leeds.txt")
    smiths = fresh_db.find_people("John Smith")
    assert sorted(p.council for p in smiths) == ["Canterbury City Council", "Leeds City Council"]


def test_an_extractor_is_run_only_on_new_texts(fresh_db: Store, tmp_path: Path) -> None:
    txt(tmp_path, "a.txt", WHITLOCK_LEFT, "2023-09-12")
    txt(tmp_path, "copy.txt", WHITLOCK_LEFT, "2023-09-13")
    fake = FakeExtractor({})
    run(fresh_db, tmp_path, extract=fake)
    run(fresh_db, tmp_path, extract=fake)
    assert fake.calls == [1]


# ------------------------------------------------------------------------------ other readers


def test_html_file(fresh_db: Store, tmp_path: Path) -> None:
    url = "https://kent-news.example/2023/09/nandra-reform"
    (tmp_path / "nandra.html").write_text(page("Nandra joins Reform UK", NANDRA, url))
    summary = run(fresh_db, tmp_path / "nandra.html")
    assert summary.new == 1 and summary.skipped == []
    [change] = fresh_db.changes(council="Kent County Council")
    assert (change.person, change.from_party, change.to_party) == (
        "Priya Nandra", "Conservative", "Reform UK")
    [source] = fresh_db.sources(change.id)
    assert (source.url, source.title, source.published) == (
        url, "Nandra joins Reform UK", "2023-09-14")


def test_rss_feed_file(fresh_db: Store, tmp_path: Path) -> None:
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate>"
        f"<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded></item>"
        for title, link, date, body in [
            ("Whitlock quits Labour", "https://luton-today.example/a",
             "Tue, 12 Sep 2023 08:00:00 +0100", WHITLOCK_LEFT.replace("\n\n", "</p><p>")),
            ("Library approved", "https://luton-today.example/b",
             "Wed, 13 Sep 2023 08:00:00 +0100", LIBRARY),
        ]
    )
    feed = ("<?xml version='1.0'?><rss version='2.0' "
            "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
            f"<title>Luton Today</title>{items}</channel></rss>")
    (tmp_path / "luton.rss").write_text(feed, encoding="utf-8")
    summary = run(fresh_db, tmp_path / "luton.rss", fetch=False)
    assert (summary.new, summary.relevant) == (2, 1)
    [change] = fresh_db.changes()
    [source] = fresh_db.sources(change.id)
    assert (source.outlet, source.url, source.published) == (
        "Luton Today", "https://luton-today.example/a", "2023-09-12")


def build_warc(pages: dict[str, str], truncate: bool = False) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, html in pages.items():
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(html.encode()), http_headers=http))
    data = out.getvalue()
    return data[: len(data) - 200] if truncate else data


WARC_PAGES = {
    "https://kent-news.example/nandra": page("Nandra defects", NANDRA,
                                             "https://kent-news.example/nandra"),
    "https://leeds-news.example/smith": page("Smith joins Greens", SMITH_LEEDS,
                                             "https://leeds-news.example/smith"),
}


def test_warc_archive(fresh_db: Store, tmp_path: Path) -> None:
    (tmp_path / "crawl.warc.gz").write_bytes(build_warc(WARC_PAGES))
    summary = run(fresh_db, tmp_path / "crawl.warc.gz")
    assert (summary.new, summary.relevant, summary.skipped) == (2, 2, [])
    urls = sorted(s.url for s in fresh_db.sources())
    assert urls == sorted(WARC_PAGES)


def test_urls_file_with_a_fake_web(fresh_db: Store, tmp_path: Path) -> None:
    pages = {url: html for url, html in WARC_PAGES.items()}
    listing = tmp_path / "stories.urls"
    listing.write_text("# two stories and a dead link\n" + "\n".join(pages)
                       + "\nhttps://kent-news.example/missing\n", encoding="utf-8")
    skipped: list[Skipped] = []
    summary = run(fresh_db, listing, fetcher=fetcher(pages), on_skip=skipped.append)
    assert summary.new == 2
    assert [s.message() for s in skipped] == [
        "https://kent-news.example/missing: could not fetch: HTTP 404 Not Found"]


# ------------------------------------------------------------------------------ bad input


def test_bad_inputs_are_skipped_and_the_rest_ingested(fresh_db: Store, tmp_path: Path) -> None:
    good = txt(tmp_path, "good.txt", WHITLOCK_LEFT, "2023-09-12")
    (tmp_path / "cut.warc.gz").write_bytes(build_warc(WARC_PAGES, truncate=True))
    (tmp_path / "broken.rss").write_text("<rss version='2.0'><channel><title>x</title><<<")
    (tmp_path / "empty.html").write_text("<html><head><title>t</title></head><body></body></html>")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    inputs = [good, tmp_path / "cut.warc.gz", tmp_path / "broken.rss", tmp_path / "empty.html",
              "https://unreachable.example/story", tmp_path / "notes.docx"]
    skipped: list[Skipped] = []
    summary = run(fresh_db, *inputs, fetcher=fetcher({}), on_skip=skipped.append)
    origins = [s.origin for s in skipped]
    assert origins == [str(i) for i in inputs[1:]]
    reasons = " | ".join(s.reason for s in skipped)
    for needle in ("truncated WARC", "malformed feed XML", "no main text",
                   "connection failed", "unknown file type"):
        assert needle in reasons
    assert summary.skipped == skipped
    assert summary.new == 2  # good.txt and the first page of the cut archive
    assert [c.person for c in fresh_db.changes(council="Luton")] == ["Dana Whitlock"]


def test_an_article_the_extractor_fails_on_is_skipped_alone(fresh_db: Store,
                                                          tmp_path: Path) -> None:
    from floorcross.extract import extract_many

    def picky(items):
        if any("Nandra" in text for text, _, _ in items):
            raise RuntimeError("boom")
        return extract_many(list(items))

    txt(tmp_path, "a.txt", WHITLOCK_LEFT, "2023-09-12")
    txt(tmp_path, "b.txt", NANDRA, "2023-09-12")
    summary = run(fresh_db, tmp_path, extract=picky)
    assert [s.message() for s in summary.skipped] == [
        f"{tmp_path / 'b.txt'}: extraction failed (RuntimeError: boom)"]
    assert summary.new == 1


# ------------------------------------------------------------------------------ reextract


def test_reextract_rebuilds_the_same_people_and_changes(fresh_db: Store, tmp_path: Path) -> None:
    txt(tmp_path, "a.txt", WHITLOCK_LEFT, "2023-09-12")
    txt(tmp_path, "b.txt", WHITLOCK_JOINED, "2023-10-20")
    txt(tmp_path, "c.txt", SMITH_LEEDS, "2023-05-03")
    run(fresh_db, tmp_path)
    before = (fresh_db.people(), fresh_db.changes())
    summary = reextract(fresh_db, batch_size=2)
    assert summary.read == 3 and summary.skipped == []
    assert (fresh_db.people(), fresh_db.changes()) == before


def test_extractor_version_names_the_release_and_rules() -> None:
    version = extractor_version()
    assert version.startswith("0.1.0+") and len(version) == len("0.1.0+") + 10
    assert extractor_version() == version


@pytest.mark.parametrize("size", [1, 2, 64])
def test_batch_size_does_not_change_the_result(tmp_path: Path, size: int) -> None:
    from store_helpers import table_rows

    from floorcross.store import open_store

    for i, text in enumerate([WHITLOCK_LEFT, SMITH_LEEDS, WHITLOCK_JOINED, SMITH_CANTERBURY]):
        txt(tmp_path / "news", f"{i}.txt", text, f"2023-0{i + 5}-10")
    url = f"sqlite:///{tmp_path / f'{size}.db'}"
    store = open_store(url)
    run(store, tmp_path / "news", batch_size=size)
    store.close()
    reference = tmp_path / "ref.db"
    if not reference.exists():
        store = open_store(f"sqlite:///{reference}")
        run(store, tmp_path / "news", batch_size=3)
        store.close()
    for table in ("people", "changes", "change_sources", "person_names"):
        assert table_rows(url, table) == table_rows(f"sqlite:///{reference}", table)
