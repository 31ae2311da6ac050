"""Ingest at scale: prefilter counts, --relevant-only, worker processes, a Dask cluster.

Every run is compared row for row with a plain single-process run: the database must not
depend on how the work was spread.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from store_helpers import table_rows
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import floorcross.ingest as ingest_module
from floorcross.ingest import ingest
from floorcross.store import open_store
from floorcross.store.models import CORE_TABLES

FIRST = ["Alys", "Bram", "Corin", "Delphine", "Eamon", "Fenella", "Gideon", "Hester"]
LAST = ["Ashgrove", "Brindley", "Callender", "Dunmore", "Elphick", "Fairweather", "Garside",
        "Hollinrake"]
COUNCILS = ["Kent County Council", "Leeds City Council", "Luton Borough Council",
            "Cornwall Council"]


def stories() -> list[tuple[str, str]]:
    """(slug, text): changes, follow-ups, a syndicated copy, council news and other news."""
    out = []
    for i in range(8):
        name, council = f"{FIRST[i]} {LAST[i]}", COUNCILS[i % 4]
        out.append((f"left-{i}", (f" date 2023-0{1 + i % 6}-1{i}\nCouncillor {name} has quit the "
                    f"Labour Party to sit as an independent on {council}.\n\nCllr {LAST[i]} said "
                    "the decision had been difficult.\n")))
        out.append((f"match-{i}", (f" date 2023-07-1{i}\nHarnby Rovers beat Eastwell {i + 1}-0 on "
                    "Saturday in front of a record crowd.\n")))
        if i % 2:
            out.append((f"joined-{i}", (f" date 2023-09-1{i}\n{name}, an independent councillor "
                        f"on {council}, has joined the Green Party.\n")))
        if i % 3 == 0:
            out.append((f"budget-{i}", (f" date 2024-02-0{1 + i}\nCouncillor {name} said "
                        f"{council} had agreed its budget after a long debate.\n")))
    out.append(("copy-of-left-0", out[0][1]))
    return out


def folder(tmp_path: Path) -> Path:
    news = tmp_path / "news"
    news.mkdir()
    for i, (slug, text) in enumerate(stories()):
        (news / f"{i:03d}_{slug}.txt").write_text(text, encoding="utf-8")
    return news


def tables(url: str) -> dict[str, list[tuple]]:
    return {t: table_rows(url, t) for t in CORE_TABLES}


def run(url: str, inputs: list[Path], **options: object):
    with open_store(url) as store:
        return ingest([str(i) for i in inputs], store, **options)  # type: ignore[arg-type]


def test_passed_over_articles_are_stored_as_the_extractor_would(tmp_path: Path) -> None:
    news = folder(tmp_path)
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    summary = run(a, [news])
    plain = run(b, [news], prefilter=False)
    assert summary.filtered == 11 and plain.filtered == 0  # football and budget stories
    assert (summary.read, summary.new, summary.relevant) == (plain.read, plain.new,
                                                             plain.relevant)
    assert tables(a) == tables(b)
    assert "(11 passed over by the prefilter)" in summary.line()


def test_relevant_only_keeps_changes_and_counts_the_rest(tmp_path: Path) -> None:
    news = folder(tmp_path)
    url = f"sqlite:///{tmp_path / 'r.db'}"
    summary = run(url, [news], relevant_only=True)
    relevant = sum(1 for slug, _ in stories() if slug.startswith(("left", "joined")))
    assert (summary.new, summary.relevant, summary.duplicates) == (relevant, relevant, 1)
    assert summary.not_stored == summary.read - relevant - 1 == 11
    assert summary.new + summary.duplicates + summary.not_stored == summary.read
    assert "11 irrelevant not stored" in summary.line()
    first = tables(url)
    again = run(url, [news], relevant_only=True)
    assert (again.new, again.duplicates, again.not_stored) == (0, relevant + 1, 11)
    assert tables(url) == first
    with open_store(url) as store:
        assert len(store.changes()) == relevant


@pytest.mark.parametrize("relevant_only", [False, True])
def test_extraction_gathered_across_batches_stores_what_one_job_per_batch_stores(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relevant_only: bool) -> None:
    from floorcross.extract import extract_many

    jobs: list[int] = []

    def counting(items):  # type: ignore[no-untyped-def]
        jobs.append(len(items))
        return extract_many(list(items))

    news = folder(tmp_path)
    one, many = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'many.db'}"
    run(one, [news], extract=counting, batch_size=3, relevant_only=relevant_only)
    assert len(jobs) == 1  # every article to extract from the 8 batches, in one job
    jobs.clear()
    monkeypatch.setattr(ingest_module, "GROUP_ARTICLES", 1)  # a job per batch at least
    run(many, [news], extract=counting, batch_size=3, relevant_only=relevant_only)
    assert len(jobs) >= 6
    assert tables(many) == tables(one)


def test_extraction_gathers_from_a_bounded_number_of_batches(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    jobs: list[int] = []
    monkeypatch.setattr(ingest_module, "GROUP_BATCHES", 2)
    news = folder(tmp_path)
    summary = run(f"sqlite:///{tmp_path / 'b.db'}", [news], batch_size=3,
                  extract=lambda items: jobs.append(len(items)) or ingest_module
                  .default_extract()(items))
    assert summary.read == 24 and len(jobs) == 4  # 8 batches of 3, 2 to a job
    assert sum(jobs) == summary.new - summary.filtered  # each article extracted once


def test_two_worker_processes_store_what_one_process_stores(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    from floorcross import parallel

    batches: list[int] = []
    submit = parallel.ExtractPool.submit

    def counting(self, items):  # type: ignore[no-untyped-def]
        batches.append(len(items))
        return submit(self, items)

    monkeypatch.setattr(parallel.ExtractPool, "submit", counting)
    # Small extraction jobs, so that several run at once in the two workers.
    monkeypatch.setattr(ingest_module, "GROUP_ARTICLES", 2)
    news = folder(tmp_path)
    one, two = f"sqlite:///{tmp_path / 'one.db'}", f"sqlite:///{tmp_path / 'two.db'}"
    run(one, [news], workers=1, batch_size=3)
    assert batches == []
    summary = run(two, [news], workers=2, batch_size=3)
    assert len(batches) >= 5  # the extraction really went to the workers
    assert summary.skipped == []
    assert tables(two) == tables(one)


# ------------------------------------------------------------------------------ Dask


def archive(path: Path, start: int = 0) -> Path:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for slug, text in stories()[start:]:
        body = "".join(f"<p>{p}</p>" for p in text.splitlines()[1:] if p.strip())
        published = text[6:16]
        html = (f"<html><head><title>{slug}</title><meta property='article:published_time' "
                f"content='{published}'></head><body><article><h1>{slug}</h1>{body}"
                "</article></body></html>").encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://harnby.example/{slug}", "response", payload=io.BytesIO(html),
            http_headers=http))
    path.write_bytes(out.getvalue())
    return path


def jsonl(path: Path) -> Path:
    lines = [json.dumps({"url": f"https://gazette.example/{slug}", "title": slug,
                         "published": text[6:16], "text": text.split("\n", 1)[1]})
             for slug, text in stories()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_relevant_only_passes_over_jsonl_records_as_read_and_stores_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from floorcross.prefilter import Prefilter

    export = jsonl(tmp_path / "export.jsonl")
    lean_url, plain_url = f"sqlite:///{tmp_path / 'lean.db'}", f"sqlite:///{tmp_path / 'plain.db'}"
    scanned: list[str] = []
    passes = Prefilter.passes
    monkeypatch.setattr(Prefilter, "passes", lambda self, text: scanned.append(text) or
                        passes(self, text))
    lean = run(lean_url, [export], relevant_only=True, batch_size=4)
    assert len(scanned) == 24  # each record's text scanned once, as it was read
    reading = ingest_module.iter_sources
    monkeypatch.setattr(ingest_module, "iter_sources",
                        lambda *a, **k: reading(*a, **{**k, "text_filter": None}))
    plain = run(plain_url, [export], relevant_only=True, batch_size=4)
    assert plain.pages_passed_over == 0 and plain.filtered == 11
    assert lean.pages_passed_over == 11 and lean.filtered == 0
    assert lean.read == plain.read - 11 and lean.new == plain.new == 12
    assert tables(lean_url) == tables(plain_url)


@pytest.mark.slow
def test_a_dask_cluster_stores_what_one_process_stores(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import Client, LocalCluster

    from floorcross import reading
    from floorcross.cluster import ingest_dask

    # Several archives, each read in several parts by the workers.
    monkeypatch.setattr(reading, "PART_BYTES", 1_500)
    inputs = [archive(tmp_path / "crawl.warc.gz"), jsonl(tmp_path / "export.jsonl"),
              folder(tmp_path), archive(tmp_path / "crawl-2.warc.gz", start=3)]
    single = f"sqlite:///{tmp_path / 'single.db'}"
    expected = run(single, inputs, workers=1, batch_size=5)
    single_lean = f"sqlite:///{tmp_path / 'single-lean.db'}"
    expected_lean = run(single_lean, inputs, workers=1, batch_size=5, relevant_only=True)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        spread = f"sqlite:///{tmp_path / 'dask.db'}"
        with open_store(spread) as store:
            summary = ingest_dask([str(i) for i in inputs], store, client=client, batch_size=5)
        spread_lean = f"sqlite:///{tmp_path / 'dask-lean.db'}"
        with open_store(spread_lean) as store:
            lean = ingest_dask([str(i) for i in inputs], store, client=client, batch_size=5,
                               relevant_only=True)
    assert summary.line() == expected.line()
    assert tables(spread) == tables(single)
    assert lean.line() == expected_lean.line()
    assert tables(spread_lean) == tables(single_lean)
    assert expected_lean.pages_passed_over > 0
    assert len(reading.warc_parts(inputs[-1], 1_500)) > 3
