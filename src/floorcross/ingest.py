"""The ingest pipeline: sources -> batches -> extraction -> one writer -> the store.

``ingest`` reads any inputs :func:`floorcross.sources.iter_sources` understands, cuts the
articles into batches, extracts the articles the store has not seen (by content hash, so a
syndicated copy under a second URL costs no extraction), and hands each batch to
:meth:`Store.write_batch`, which writes it and resolves people and changes in one transaction.

Extraction is a plain function over a batch (``extract_many`` by default), so a process pool or
a Dask cluster can stand in for it without the writer changing: the store stays a single
writer fed one batch at a time, in input order. Batches are cut by count of articles read, and
resolution does not depend on batch boundaries, so an ingest killed at any point and run again
ends with the same database as one that was never interrupted.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import Any

from floorcross import __version__
from floorcross.records import ArticleRecord
from floorcross.sources import (
    Fetcher,
    SourceArticle,
    SourceProblem,
    SourceWarning,
    iter_sources,
)
from floorcross.sources.common import DEFAULT_MAX_BYTES
from floorcross.store import BatchResult, ExtractFn, Store

BATCH_SIZE = 64
# What the extractor's output depends on: a change to any of these files is a new version.
_VERSIONED = ("extract", "normalise", "data", "nlp.py", "records.py")


@dataclass(frozen=True)
class Skipped:
    """An input or article left out of the store, and why."""

    origin: str
    reason: str

    def message(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass
class IngestSummary:
    """What an ingest (or re-extraction) did, for the summary line and the run log."""

    read: int = 0
    new: int = 0
    duplicates: int = 0
    relevant: int = 0
    changes_new: int = 0
    changes_updated: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[Skipped] = field(default_factory=list)

    def add(self, result: BatchResult) -> None:
        self.new += result.new
        self.duplicates += result.duplicates
        self.relevant += result.relevant
        self.changes_new += result.changes_new
        self.changes_updated += result.changes_updated

    def line(self) -> str:
        """One line for people: ``60 articles read: 58 new, 2 duplicates, ...``."""
        parts = [f"{self.new} new", f"{self.duplicates} duplicate{_s(self.duplicates)}",
                 f"{self.relevant} relevant"]
        text = f"{self.read} article{_s(self.read)} read: " + ", ".join(parts)
        if self.skipped:
            text += f"; {len(self.skipped)} skipped"
        return (text + f"; changes: {self.changes_new} new, {self.changes_updated} updated")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped"] = [s.message() for s in self.skipped]
        data["warnings"] = [w.message() for w in self.warnings]
        return data


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def extractor_version() -> str:
    """The floorcross version plus a digest of the extraction code and rules.

    Stored with every extraction, so the database says which articles an older extractor read
    (``--reextract`` brings them up to date).
    """
    digest = hashlib.sha256()
    root = resources.files("floorcross")
    for name in _VERSIONED:
        node = root.joinpath(name)
        files = [node] if node.is_file() else sorted(_walk(node), key=lambda n: str(n))
        for f in files:
            if str(f).endswith((".py", ".yaml", ".csv", ".json")):
                digest.update(str(f).rsplit("floorcross", 1)[-1].encode())
                digest.update(f.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"


def _walk(node: Any) -> Iterable[Any]:
    for child in node.iterdir():
        if child.is_dir():
            if child.name != "__pycache__":
                yield from _walk(child)
        else:
            yield child


def default_extract() -> ExtractFn:
    """The standard extractor, imported only when needed (it loads spaCy)."""
    from floorcross.extract import extract_many

    return lambda items: extract_many(list(items))


def extract_isolated(extract: ExtractFn, articles: Sequence[SourceArticle]
                     ) -> tuple[dict[str, ArticleRecord], list[Skipped]]:
    """Records by content hash; when a batch raises, retry one by one to skip only the bad one."""
    items = [(a.text, a.published, a.doc) for a in articles]
    with contextlib.suppress(Exception):  # one bad article must not cost the batch
        records = list(extract(items))
        return {a.content_hash: r for a, r in zip(articles, records, strict=True)}, []
    out: dict[str, ArticleRecord] = {}
    failed: list[Skipped] = []
    for article, item in zip(articles, items, strict=True):
        try:
            out[article.content_hash] = next(iter(extract([item])))
        except Exception as exc:  # noqa: BLE001
            failed.append(Skipped(article.origin,
                                  f"extraction failed ({type(exc).__name__}: {exc})"))
    return out, failed


class _Batcher:
    """Collects articles and writes them a batch at a time."""

    def __init__(self, store: Store, extract: ExtractFn, version: str, summary: IngestSummary,
                 on_skip: Callable[[Skipped], None],
                 on_batch: Callable[[BatchResult], None] | None) -> None:
        self.store, self.extract, self.version = store, extract, version
        self.summary, self.on_skip, self.on_batch = summary, on_skip, on_batch
        self.batch: list[SourceArticle] = []

    def add(self, article: SourceArticle, batch_size: int) -> None:
        self.batch.append(article)
        if len(self.batch) >= batch_size:
            self.flush()

    def flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        known = self.store.known_hashes(a.content_hash for a in batch)
        fresh: list[SourceArticle] = []
        seen = set(known)
        for a in batch:  # the first copy of each unseen text is extracted, once
            if a.content_hash not in seen:
                seen.add(a.content_hash)
                fresh.append(a)
        records, failed = extract_isolated(self.extract, fresh) if fresh else ({}, [])
        bad = {a.content_hash for a in fresh if a.content_hash not in records}
        for skip in failed:
            self.summary.skipped.append(skip)
            self.on_skip(skip)
        items = [(a, records.get(a.content_hash)) for a in batch if a.content_hash not in bad]
        result = self.store.write_batch(items, self.version)
        self.summary.add(result)
        if self.on_batch is not None:
            self.on_batch(result)


def ingest(
    inputs: Sequence[str],
    store: Store,
    *,
    extract: ExtractFn | None = None,
    batch_size: int = BATCH_SIZE,
    fetch: bool = True,
    fetcher: Fetcher | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_skip: Callable[[Skipped], None] | None = None,
    on_warning: Callable[[Skipped], None] | None = None,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> IngestSummary:
    """Read ``inputs`` into ``store``; return what happened.

    Bad inputs are skipped (``on_skip`` hears of each as it happens) and the rest ingested;
    every batch is one transaction, so an error or a kill loses at most the batch in hand.
    """
    summary = IngestSummary()
    extract = extract or default_extract()
    run_id = store.start_run(list(inputs))
    batcher = _Batcher(store, extract, extractor_version(), summary,
                       on_skip or (lambda _: None), on_batch)
    for item in iter_sources(inputs, fetch=fetch, max_bytes=max_bytes, fetcher=fetcher):
        if isinstance(item, SourceArticle):
            summary.read += 1
            batcher.add(item, batch_size)
        elif isinstance(item, SourceProblem):
            skip = Skipped(item.origin, item.reason)
            summary.skipped.append(skip)
            if on_skip is not None:
                on_skip(skip)
        elif isinstance(item, SourceWarning):
            warning = Skipped(item.origin, item.reason)
            summary.warnings.append(warning)
            if on_warning is not None:
                on_warning(warning)
    batcher.flush()
    store.finish_run(run_id, summary.as_dict())
    return summary


def reextract(
    store: Store,
    *,
    extract: ExtractFn | None = None,
    batch_size: int = BATCH_SIZE,
    on_skip: Callable[[Skipped], None] | None = None,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> IngestSummary:
    """Run the current extractor over every stored article (no fetching) and re-resolve.

    People and changes are rebuilt and every correction re-applied; keys that still describe
    the same person or change keep their ids.
    """
    summary = IngestSummary()
    extract = extract or default_extract()
    version = extractor_version()
    run_id = store.start_run(["--reextract"])
    for rows in store.article_batches(batch_size):
        articles = [SourceArticle(doc=doc, text=text, published=published, origin=f"article {aid}")
                    for aid, text, published, doc in rows]
        records, failed = extract_isolated(extract, articles)
        for skip in failed:
            summary.skipped.append(skip)
            if on_skip is not None:
                on_skip(skip)
        pairs = [(aid, records[a.content_hash]) for (aid, *_), a in zip(rows, articles, strict=True)
                 if a.content_hash in records]
        summary.read += len(rows)
        result = store.replace_extractions(pairs, version)
        summary.add(result)
        if on_batch is not None:
            on_batch(result)
    store.finish_run(run_id, summary.as_dict())
    return summary
