"""Extraction in worker processes on one machine: ``floorcross ingest --workers N``.

Each worker loads spaCy once (in the pool's initializer) and extracts whole batches with
``nlp.pipe``; the parent reads, prefilters and writes, so the database keeps its single
writer. Results come back per batch, and the parent writes batches in the order it read them,
so a run with any number of workers stores exactly what ``--workers 1`` stores.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from typing import Any

from floorcross.records import ArticleRecord

Item = tuple[str, str | None, str | None]


def _start_worker() -> None:
    # One core per worker: numpy's own thread pools would only fight over the same cores.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from floorcross.nlp import load_pipeline

    load_pipeline()


def extract_batch(items: Sequence[Item]) -> list[ArticleRecord | str]:
    """In a worker: a record per item, or why extraction failed on it."""
    from floorcross.extract import extract_many
    from floorcross.ingest import extract_each

    return extract_each(lambda batch: extract_many(list(batch)), items)


class ExtractPool:
    """``workers`` processes, each with its own spaCy pipeline.

    Processes are spawned, not forked: a fork of a parent holding database connections and
    threads is unsafe, and spawn behaves the same on Linux, macOS and Windows.
    """

    def __init__(self, workers: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.workers = workers
        self._pool = context.Pool(workers, initializer=_start_worker)

    def submit(self, items: Sequence[Item]) -> Any:
        """Start extracting a batch; ``.get()`` on the answer waits for its records."""
        return self._pool.apply_async(extract_batch, (list(items),))

    def close(self) -> None:
        """Stop the workers (after the work given to them)."""
        self._pool.close()
        self._pool.join()

    def terminate(self) -> None:
        """Stop the workers now."""
        self._pool.terminate()
        self._pool.join()
