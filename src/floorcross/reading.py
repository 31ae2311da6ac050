"""Web archives read in worker processes (or on a Dask cluster), one writer.

Reading an archive is decompression, the byte scan (:mod:`floorcross.bytescan`) and, for
the pages that pass it, HTML parsing and extraction: all of it per record, so a compressed
archive (a gzip member per record, as crawlers write them) is cut into parts of
``PART_BYTES`` (:func:`floorcross.sources.warc.warc_parts`) and each part is read,
prefiltered and extracted by a worker (:func:`read_part`). The parent takes the parts' results
in order, so the items it hands the writer are those of reading the archive in one process,
in the same order; a part that stops early (a corrupt record) ends the archive there, with
the same problem a single process reports.

Under ``relevant_only`` a worker sends back only what the writer needs: the candidate
articles with their records, the texts of irrelevant ones dropped, and a count for each run
of pages its byte scan passed over.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from floorcross.ingest import (
    BATCH_SIZE,
    Prepared,
    default_extract,
    prepare_articles,
    reading_filters,
    scan_for,
)
from floorcross.sources import SourceArticle, SourceItem, SourcePassedOver, SourceProblem
from floorcross.sources.core import file_kind
from floorcross.sources.warc import WarcPart, finish_warc, read_warc_part, warc_parts

# Compressed bytes per part: a few hundred pages, so that each worker has several parts of a
# 1 GB archive and the results waiting in the parent stay small.
PART_BYTES = 4 << 20


@dataclass
class PartResult:
    """A part's items (articles prepared for the writer, problems, counts of pages passed
    over) and what reading it found."""

    items: list[Prepared | SourceItem] = field(default_factory=list)
    part: WarcPart = field(default_factory=WarcPart)


def read_part(path: str, start: int, end: int, max_bytes: int, prefilter: bool,
              relevant_only: bool, batch_size: int = BATCH_SIZE) -> PartResult:
    """In a worker: the records of ``path`` that start in ``[start, end)``, read, prefiltered
    and extracted, in order."""
    scan = scan_for(prefilter)
    raw_filter, _ = reading_filters(scan, relevant_only)
    items, part = read_warc_part(Path(path), start, end, max_bytes=max_bytes,
                                 raw_filter=raw_filter)
    out: list[Prepared | SourceItem | None] = []
    articles: list[tuple[int, SourceArticle]] = []
    for item in items:
        if isinstance(item, SourceArticle):
            articles.append((len(out), item))
            out.append(None)
        elif isinstance(item, SourcePassedOver) and out and isinstance(out[-1], SourcePassedOver):
            out[-1] = SourcePassedOver(origin=path, count=out[-1].count + item.count)
        elif isinstance(item, SourcePassedOver):
            out.append(SourcePassedOver(origin=path, count=item.count))
        else:
            out.append(item)
    if articles:
        extract = default_extract()
        for first in range(0, len(articles), batch_size):
            chunk = articles[first:first + batch_size]
            prepared = prepare_articles([a for _, a in chunk], extract, scan,
                                        relevant_only=relevant_only)
            for (position, _), entry in zip(chunk, prepared, strict=True):
                out[position] = entry
    return PartResult([x for x in out if x is not None], part)


def splittable(unit: str) -> bool:
    """True for a web archive on this machine that a worker can read a part of."""
    path = Path(unit)
    try:
        return file_kind(path) == "warc" and path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


@dataclass
class _Archive:
    """An archive being read in parts: what the parts read so far found."""

    path: Path
    parts_left: int
    found: WarcPart = field(default_factory=WarcPart)
    done: bool = False


def ordered_items(
    units: Iterable[str | SourceItem],
    submit: Callable[..., Any],
    other: Callable[[str], Any],
    *, ahead: int, max_bytes: int, prefilter: bool, relevant_only: bool,
    batch_size: int = BATCH_SIZE, part_bytes: int | None = None,
    split: Callable[[str], bool] = splittable,
) -> Iterator[Prepared | SourceItem]:
    """Every unit's items in input order, web archives read in parts by ``submit(read_part,
    ...)`` (a future: ``.result()``), at most ``ahead`` parts in flight. ``other(unit)`` gives
    the items of any other unit: a future of a list, or an iterator (read here, after every
    part before it)."""
    flight: deque[tuple[str, Any, _Archive | None]] = deque()

    def settle(kind: str, pending: Any, archive: _Archive | None) -> Iterator[Any]:
        if kind == "items":
            yield from (pending.result() if hasattr(pending, "result") else pending)
            return
        assert archive is not None
        archive.parts_left -= 1
        if archive.done:
            return  # the archive ended in an earlier part
        try:
            result: PartResult = pending.result()
        except Exception as exc:  # noqa: BLE001 - a bug or a lost worker costs this archive only
            archive.done = True
            yield SourceProblem(origin=str(archive.path),
                                reason=f"unexpected error: {type(exc).__name__}: {exc}")
            return
        yield from result.items
        archive.found.add(result.part)
        if result.part.detail is not None or archive.parts_left == 0:
            archive.done = True
            problem = finish_warc(archive.path, archive.found)
            if problem is not None:
                yield problem

    for unit in units:
        if not isinstance(unit, str):
            flight.append(("items", [unit], None))
            continue
        if not split(unit):
            pending = other(unit)
            if hasattr(pending, "result"):
                flight.append(("items", pending, None))
            else:  # read here: everything before it first
                while flight:
                    yield from settle(*flight.popleft())
                yield from pending
            continue
        parts = warc_parts(Path(unit), part_bytes or PART_BYTES)
        archive = _Archive(Path(unit), len(parts))
        for start, end in parts:
            while len(flight) >= ahead:
                yield from settle(*flight.popleft())
            flight.append(("part", submit(read_part, unit, start, end, max_bytes, prefilter,
                                          relevant_only, batch_size), archive))
    while flight:
        yield from settle(*flight.popleft())


def _start_reader() -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def start_method() -> str:
    """How reader processes start: forked from this process where that is safe (Linux, no
    other thread running), so they begin with everything it has imported and loaded (the
    reading code, the gazetteer the store loaded) instead of importing it again, about a
    second per worker; else from a fork server that has imported the reading code once; else
    spawned."""
    import multiprocessing
    import sys
    import threading

    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


class ReadPool:
    """``workers`` processes reading parts of archives (started as :func:`start_method`
    says; each loads spaCy the first time a part holds a candidate)."""

    def __init__(self, workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self.start_method = start_method()
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            context.set_forkserver_preload(["floorcross.reading"])
        self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_reader)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self._pool.submit(fn, *args)

    def close(self, *, now: bool = False) -> None:
        self._pool.shutdown(wait=not now, cancel_futures=now)
