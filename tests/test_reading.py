"""Web archives read in parts (by worker processes or a Dask cluster): the parts read in order
give what one read of the archive gives, through FastWARC and warcio alike, and an ingest with
worker processes stores what a single process stores."""

from __future__ import annotations

import gzip
import multiprocessing
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from test_ingest_scale import folder, tables

from floorcross import reading
from floorcross.bytescan import is_candidate_bytes
from floorcross.ingest import Prepared, ingest
from floorcross.reading import ordered_items
from floorcross.sources import input_units, iter_sources, read_warc
from floorcross.sources.models import SourceArticle, SourcePassedOver
from floorcross.sources.warc import (
    WarcPart,
    default_backend,
    finish_warc,
    read_warc_part,
    warc_parts,
)
from floorcross.store import open_store

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.html"))
BACKENDS = ["warcio", pytest.param("fastwarc", marks=pytest.mark.skipif(
    default_backend() != "fastwarc", reason="FastWARC is not installed"))]


def _record(kind: str, url: str, payload: bytes, n: int) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {url}\r\n"
            f"WARC-Date: 2024-06-01T12:00:00Z\r\nWARC-Record-ID: <urn:uuid:{n:08d}>\r\n"
            f"Content-Type: application/http; msgtype={kind}\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n")
    return head.encode() + payload + b"\r\n\r\n"


def crawl(path: Path, pages: list[Path], *, compress: bool = True) -> Path:
    """A crawler's archive of ``pages``: a request and a response per page (a gzip member
    each), with an image and a 404 among them."""
    records = []
    for i, page in enumerate(pages):
        url = f"https://herald.example/news/{page.stem}"
        records.append(_record("request", url, f"GET /news/{page.stem} HTTP/1.1\r\n\r\n"
                               .encode(), 2 * i))
        status = b"404 Not Found" if i == 3 else b"200 OK"
        kind = b"image/png" if i == 5 else b"text/html; charset=utf-8"
        body = page.read_bytes()
        records.append(_record("response", url, b"HTTP/1.1 " + status + b"\r\nContent-Type: "
                               + kind + b"\r\n\r\n" + body, 2 * i + 1))
    data = b"".join(gzip.compress(r) for r in records) if compress else b"".join(records)
    path.write_bytes(data)
    return path


NEWS = (("Harnby Rovers came from behind to beat Eastwell 2-1 on Saturday, with a late header "
        "from the captain settling a tense derby in front of a record crowd at the stadium."),
        ("Shares in Pellow Foods fell 4% after the company warned on profits, blaming higher "
        "energy costs, and said it would publish its full results in March as planned."),
        ("Heavy rain is expected across the county this weekend, with a yellow warning in "
        "place and drivers advised to allow extra time for their journeys on Sunday."))


def unrelated(tmp_path: Path, n: int) -> list[Path]:
    """``n`` pages of news that names no office (passed over by the byte scan)."""
    out = []
    for i in range(n):
        text = NEWS[i % len(NEWS)]
        path = tmp_path / f"news-{i}.html"
        path.write_text(f"<html><head><title>News {i}</title><style>.a{{float:left}}</style>"
                        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>News {i}"
                        f"</h1><p>{text}</p><p>{text}</p></article></body></html>", "utf-8")
        out.append(path)
    return out


def dumps(items: Any) -> list[dict[str, Any]]:
    return [{"type": type(i).__name__, **i.model_dump()} for i in items]


def in_parts(path: Path, part_bytes: int, **options: Any) -> tuple[list[Any], WarcPart]:
    found, items = WarcPart(), []
    for start, end in warc_parts(path, part_bytes):
        part_items, part = read_warc_part(path, start, end, **options)
        items += part_items
        found.add(part)
        if part.detail is not None:
            break
    problem = finish_warc(path, found)
    return items + ([problem] if problem else []), found


@pytest.mark.parametrize("backend", BACKENDS)
def test_parts_read_in_order_give_what_one_read_gives(tmp_path: Path, backend: str) -> None:
    path = crawl(tmp_path / "crawl.warc.gz", PAGES[:30])
    whole = dumps(read_warc(path, backend=backend))  # type: ignore[arg-type]
    assert sum(1 for i in whole if i["type"] == "SourceArticle") == 28
    for part_bytes in (3_000, 40_000, 10**9):
        parts = len(warc_parts(path, part_bytes))
        assert (parts > 30) if part_bytes == 3_000 else True
        items, found = in_parts(path, part_bytes, backend=backend)
        assert dumps(items) == whole, part_bytes
        assert found.count == 60


def test_fastwarc_and_warcio_give_the_same_items(tmp_path: Path) -> None:
    if default_backend() != "fastwarc":
        pytest.skip("FastWARC is not installed")
    for compress in (True, False):
        pages = PAGES[:40] + unrelated(tmp_path, 6) + PAGES[40:]
        path = crawl(tmp_path / f"c{compress}.warc{'.gz' if compress else ''}", pages,
                     compress=compress)
        for raw_filter in (None, is_candidate_bytes):
            fast = dumps(read_warc(path, backend="fastwarc", raw_filter=raw_filter))
            slow = dumps(read_warc(path, backend="warcio", raw_filter=raw_filter))
            assert fast == slow
            assert len(fast) == len(pages) - 2
        passed_over = [i for i in read_warc(path, raw_filter=is_candidate_bytes)
                       if isinstance(i, SourcePassedOver)]
        assert passed_over  # the fixtures' traps and non-changes without an office


@pytest.mark.parametrize("cut", ["truncated", "corrupt"])
def test_a_damaged_archive_ends_where_one_read_ends_it(tmp_path: Path, cut: str) -> None:
    path = crawl(tmp_path / "crawl.warc.gz", PAGES[:20])
    data = bytearray(path.read_bytes())
    if cut == "truncated":
        data = data[: len(data) * 2 // 3]
    else:
        middle = len(data) // 2
        data[middle:middle + 40] = b"\x00" * 40
    path.write_bytes(bytes(data))
    whole = dumps(read_warc(path))
    assert whole[-1]["type"] == "SourceProblem" and "truncated WARC" in whole[-1]["reason"]
    for part_bytes in (2_000, 25_000):
        assert dumps(in_parts(path, part_bytes)[0]) == whole


class Now:
    """A future that is already done (the work ran when it was submitted)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def test_ordered_items_keep_the_input_order(tmp_path: Path) -> None:
    first = crawl(tmp_path / "a.warc.gz", PAGES[:12] + unrelated(tmp_path, 3))
    second = crawl(tmp_path / "b.warc.gz", PAGES[12:20])
    news = folder(tmp_path)
    inputs = [str(first), str(news), str(second)]
    expected = [(type(i).__name__, i.origin) for i in iter_sources(inputs)]
    got = list(ordered_items(
        list(input_units(inputs)),
        lambda fn, *args: Now(fn(*args)), lambda unit: iter_sources([unit]), ahead=3,
        max_bytes=10 << 20, prefilter=True, relevant_only=False, part_bytes=5_000))
    seen = [("SourceArticle", i.article.origin) if isinstance(i, Prepared)
            else (type(i).__name__, i.origin) for i in got]
    assert seen == expected
    assert all(i.record is not None for i in got if isinstance(i, Prepared))
    assert any(i.passed_over for i in got if isinstance(i, Prepared))


def test_readers_are_forked_only_while_no_other_thread_runs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert reading.start_method() == ("fork" if sys.platform.startswith("linux") else "forkserver")
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # a progress bar's, a server's
    assert reading.start_method() == "forkserver"


@pytest.mark.slow
@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_worker_processes_store_what_one_process_stores(tmp_path: Path, method: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    monkeypatch.setattr(reading, "start_method", lambda: method)
    monkeypatch.setattr(reading, "PART_BYTES", 15_000)
    inputs = [str(crawl(tmp_path / "a.warc.gz", PAGES[:10] + unrelated(tmp_path, 4))),
              str(folder(tmp_path)), str(crawl(tmp_path / "b.warc.gz", PAGES[10:16]))]
    submitted: list[tuple[int, int]] = []
    real = reading.ReadPool.submit

    def counting(self: reading.ReadPool, fn: Any, *args: Any) -> Any:
        assert self.start_method == method
        submitted.append((args[1], args[2]))
        return real(self, fn, *args)

    monkeypatch.setattr(reading.ReadPool, "submit", counting)
    for relevant_only in (False,):  # --relevant-only in parts: the Dask test
        one, two = (f"sqlite:///{tmp_path / f'{n}-{relevant_only}.db'}" for n in ("one", "two"))
        with open_store(one) as store:
            single = ingest(inputs, store, workers=1, batch_size=5, relevant_only=relevant_only)
        with open_store(two) as store:
            spread = ingest(inputs, store, workers=2, batch_size=5, relevant_only=relevant_only)
        assert spread.line() == single.line()
        assert tables(two) == tables(one)
        assert single.new >= (20 if relevant_only else 39)
        assert single.pages_passed_over == (4 if relevant_only else 0)
    parts = sum(len(warc_parts(Path(i), 15_000)) for i in inputs if i.endswith(".warc.gz"))
    assert parts >= 5 and len(submitted) == parts  # read by the workers, part by part


def test_a_worker_sends_one_count_for_a_run_of_pages_passed_over(tmp_path: Path) -> None:
    path = crawl(tmp_path / "crawl.warc.gz", PAGES[50:56] + unrelated(tmp_path, 8) + PAGES[56:60])
    size = path.stat().st_size
    result = reading.read_part(str(path), 0, size + 1, 10 << 20, True, True)
    counts = [i.count for i in result.items if isinstance(i, SourcePassedOver)]
    singles = sum(isinstance(i, SourcePassedOver) for i in read_warc(
        path, raw_filter=is_candidate_bytes))
    assert sum(counts) == singles and len(counts) < singles
    assert all(isinstance(i, Prepared) and isinstance(i.article, SourceArticle)
               for i in result.items if not isinstance(i, SourcePassedOver))


def test_a_part_that_fails_costs_its_archive_only(tmp_path: Path) -> None:
    first = crawl(tmp_path / "a.warc.gz", PAGES[:3])
    second = crawl(tmp_path / "b.warc.gz", PAGES[3:5])

    class Lost:
        def result(self) -> Any:
            raise OSError("worker lost")

    def submit(fn: Any, *args: Any) -> Any:
        return Lost() if args[0] == str(first) else Now(fn(*args))

    got = list(ordered_items([str(first), str(second)], submit, lambda unit: iter_sources([unit]),
                             ahead=2, max_bytes=10 << 20, prefilter=True, relevant_only=False))
    assert [type(i).__name__ for i in got] == ["SourceProblem", "Prepared", "Prepared"]
    assert got[0].reason == "unexpected error: OSError: worker lost"
