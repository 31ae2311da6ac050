"""Ingest on a Dask cluster: ``floorcross ingest --engine dask [--scheduler ADDRESS]``.

Reading and extraction are what cost at archive scale (decompression and HTML parsing of WARC
pages, then spaCy), and both are done by the cluster's workers, one input file per task, or
one part of a compressed web archive per task (:mod:`floorcross.reading`): a worker reads it,
prefilters it (raw bytes first, then text), extracts the candidates and sends back the
articles with their records. Writing stays here, in the one writer: results are taken in
the order of the inputs and written in the same batches as a single-process run, so the
database is the same, record for record.

Standard input is read here (a worker cannot see it); URLs and ``.urls`` lists are fetched by
the worker that reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from floorcross.ingest import (
    BATCH_SIZE,
    Batcher,
    IngestSummary,
    Inline,
    Prepared,
    Skipped,
    default_extract,
    default_workers,
    extractor_version,
    note_item,
    prepare_articles,
    reading_filters,
    scan_for,
)
from floorcross.sources import SourceArticle, SourceItem, input_units, iter_sources
from floorcross.sources.common import DEFAULT_MAX_BYTES, safe_text
from floorcross.sources.web import DEFAULT_FETCH_TIMEOUT
from floorcross.store import BatchResult, Store

# Files read ahead per worker: enough to keep the cluster busy while the writer works,
# few enough that the results waiting here stay small.
AHEAD_PER_WORKER = 2


def read_unit(unit: str, fetch: bool, max_bytes: int, prefilter: bool, relevant_only: bool,
              batch_size: int = BATCH_SIZE, fetch_timeout: float = DEFAULT_FETCH_TIMEOUT
              ) -> list[Prepared | SourceItem]:
    """On a worker: one input file (or URL) read, prefiltered and extracted, in order."""
    scan = scan_for(prefilter)
    raw_filter, text_filter = reading_filters(scan, relevant_only)
    out: list[Prepared | SourceItem | None] = []
    articles: list[tuple[int, SourceArticle]] = []
    for item in iter_sources([unit], fetch=fetch, max_bytes=max_bytes, raw_filter=raw_filter,
                             text_filter=text_filter, fetch_timeout=fetch_timeout):
        if isinstance(item, SourceArticle):
            articles.append((len(out), item))
            out.append(None)
        else:
            out.append(item)
    extract = default_extract()
    for start in range(0, len(articles), batch_size):
        chunk = articles[start:start + batch_size]
        prepared = prepare_articles([a for _, a in chunk], extract, scan,
                                    relevant_only=relevant_only)
        for (position, _), entry in zip(chunk, prepared, strict=True):
            out[position] = entry
    return [x for x in out if x is not None]


def connect(scheduler: str | None, workers: int | None) -> tuple[Any, Callable[[], None]]:
    """A Dask client for ``scheduler``, or for a new local cluster of ``workers`` processes;
    and what to call when done."""
    from distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler)
        return client, client.close
    cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1,
                           processes=True, dashboard_address=None)
    client = Client(cluster)

    def close() -> None:
        client.close()
        cluster.close()

    return client, close


def ingest_dask(
    inputs: Sequence[str],
    store: Store,
    *,
    client: Any = None,
    scheduler: str | None = None,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    fetch: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fetch_timeout: float = DEFAULT_FETCH_TIMEOUT,
    prefilter: bool = True,
    relevant_only: bool = False,
    on_skip: Callable[[Skipped], None] | None = None,
    on_warning: Callable[[Skipped], None] | None = None,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> IngestSummary:
    """:func:`floorcross.ingest.ingest` with reading and extraction on a Dask cluster.

    Give a ``client``, or a ``scheduler`` address, or neither for a local cluster of
    ``workers`` processes. The result equals a single-process ingest of the same inputs.
    """
    close: Callable[[], None] = lambda: None
    if client is None:
        client, close = connect(scheduler, workers)
    try:
        return _run(inputs, store, client, batch_size=batch_size, fetch=fetch,
                    max_bytes=max_bytes, prefilter=prefilter, relevant_only=relevant_only,
                    on_skip=on_skip, on_warning=on_warning, on_batch=on_batch,
                    fetch_timeout=fetch_timeout)
    finally:
        close()


def _run(inputs: Sequence[str], store: Store, client: Any, *, batch_size: int, fetch: bool,
         max_bytes: int, prefilter: bool, relevant_only: bool,
         on_skip: Callable[[Skipped], None] | None,
         on_warning: Callable[[Skipped], None] | None,
         on_batch: Callable[[BatchResult], None] | None,
         fetch_timeout: float = DEFAULT_FETCH_TIMEOUT) -> IngestSummary:
    summary = IngestSummary()
    run_id = store.start_run([safe_text(str(i)) for i in inputs])
    scan = scan_for(prefilter)
    batcher = Batcher(store, Inline(default_extract()), extractor_version(), summary,
                       on_skip or (lambda _: None), on_batch, scan=scan,
                       relevant_only=relevant_only, batch_size=batch_size)
    for result in _results(inputs, client, fetch, max_bytes, prefilter, relevant_only,
                           batch_size, fetch_timeout):
        if isinstance(result, Prepared):
            summary.read += 1
            batcher.add(result, ready=True)
        else:
            note_item(result, summary, on_skip, on_warning)
    batcher.flush(ready=True)
    batcher.finish()
    store.finish_run(run_id, summary.as_dict())
    return summary


def _results(inputs: Sequence[str], client: Any, fetch: bool, max_bytes: int, prefilter: bool,
             relevant_only: bool, batch_size: int,
             fetch_timeout: float = DEFAULT_FETCH_TIMEOUT) -> Iterator[Prepared | SourceItem]:
    """Every unit's results in input order, with a bounded number of tasks in flight: a web
    archive is read in parts (:mod:`floorcross.reading`), any other file is one task."""
    from floorcross.reading import ordered_items

    ahead = AHEAD_PER_WORKER * max(1, len(client.scheduler_info().get("workers", {})))

    def submit(fn: Callable[..., Any], *args: Any) -> Any:
        return client.submit(fn, *args, pure=False)

    def other(unit: str) -> Any:
        if unit == "-":  # only this process can read its standard input
            return read_unit(unit, fetch, max_bytes, prefilter, relevant_only, batch_size,
                             fetch_timeout)
        return submit(read_unit, unit, fetch, max_bytes, prefilter, relevant_only, batch_size,
                      fetch_timeout)

    yield from ordered_items(input_units(inputs), submit, other, ahead=ahead,
                             max_bytes=max_bytes, prefilter=prefilter,
                             relevant_only=relevant_only, batch_size=batch_size)
