"""The ingest pipeline: sources -> batches -> prefilter -> extraction -> one writer -> the store.

``ingest`` reads any inputs :func:`floorcross.sources.iter_sources` understands, cuts the
articles into batches, passes over the articles the prefilter rejects (:mod:`floorcross.
prefilter`), extracts the rest of those the store has not seen (by content hash, so a
syndicated copy under a second URL costs no extraction), and hands each batch to
:meth:`Store.write_batch`, which writes it and resolves people and changes in one transaction.

Extraction runs here or in worker processes (:mod:`floorcross.parallel`), and with
:mod:`floorcross.cluster` reading and extraction run on a Dask cluster; either way the store
stays a single writer fed one batch at a time, in input order. Batches are cut by count of
articles read, and resolution does not depend on batch boundaries, so an ingest killed at any
point and run again ends with the same database as one that was never interrupted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from floorcross import __version__
from floorcross.records import ArticleRecord
from floorcross.sources import (
    Fetcher,
    SourceArticle,
    SourcePassedOver,
    SourceProblem,
    SourceWarning,
    iter_sources,
)
from floorcross.sources.common import DEFAULT_MAX_BYTES, safe_text
from floorcross.sources.web import DEFAULT_FETCH_TIMEOUT
from floorcross.store import BatchResult, ExtractFn, Store

if TYPE_CHECKING:
    from floorcross.prefilter import Prefilter
    from floorcross.store import BatchResult, ExtractFn, Store
# The store (SQLAlchemy, Alembic) is imported where a batch is written, not here: worker
# processes that read archives import this module and never write.

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
    """What an ingest (or re-extraction) did, for the summary line and the run log.

    Every article read ends as exactly one of: ``new`` (stored), ``duplicates`` (stored
    already, or earlier in the run: recorded as seen), ``not_stored`` (irrelevant, under
    ``relevant_only``), or a skip (extraction failed). ``filtered`` counts the new texts the
    prefilter passed over without extraction; ``pages_passed_over`` the pages (HTML, WARC
    records, JSON Lines records) it rejected as they were read, never made into articles
    (only under ``relevant_only``).
    """

    read: int = 0
    new: int = 0
    duplicates: int = 0
    relevant: int = 0
    filtered: int = 0
    not_stored: int = 0
    pages_passed_over: int = 0
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
        if self.not_stored:
            parts.append(f"{self.not_stored} irrelevant not stored")
        text = f"{self.read} article{_s(self.read)} read: " + ", ".join(parts)
        if self.filtered:
            text += f" ({self.filtered} passed over by the prefilter)"
        if self.pages_passed_over:
            text += (f"; {self.pages_passed_over} page{_s(self.pages_passed_over)} passed over "
                     "as read")
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


def passed_over_record(article: SourceArticle) -> ArticleRecord:
    """The record of an article the prefilter passed over: not relevant, nothing found.

    It is what the extractor gives for an article without a change (the publication date
    falls back on a leading `` date`` line in the same way); only seat counts stated in an
    article that reports no change are not looked for.
    """
    from floorcross.extract.segment import parse_header

    return ArticleRecord(doc=article.doc, published=article.published or parse_header(
        article.text)[0], relevant=False)


def extract_each(extract: ExtractFn, items: Sequence[tuple[str, str | None, str | None]]
                 ) -> list[ArticleRecord | str]:
    """A record per item, or why extraction failed on it: when the batch raises, the items
    are tried one by one, so that one bad article costs only itself."""
    with contextlib.suppress(Exception):
        records: list[ArticleRecord | str] = list(extract(items))
        if len(records) == len(items):
            return records
    out: list[ArticleRecord | str] = []
    for item in items:
        try:
            out.append(next(iter(extract([item]))))
        except Exception as exc:  # noqa: BLE001
            out.append(f"extraction failed ({type(exc).__name__}: {exc})")
    return out


def extract_isolated(extract: ExtractFn, articles: Sequence[SourceArticle]
                     ) -> tuple[dict[str, ArticleRecord], list[Skipped]]:
    """Records by content hash; when a batch raises, retry one by one to skip only the bad one."""
    results = extract_each(extract, [(a.text, a.published, a.doc) for a in articles])
    out: dict[str, ArticleRecord] = {}
    failed: list[Skipped] = []
    for article, result in zip(articles, results, strict=True):
        if isinstance(result, str):
            failed.append(Skipped(article.origin, result))
        else:
            out[article.content_hash] = result
    return out, failed


@dataclass
class Prepared:
    """An article on its way to the writer, with what extraction made of it once known.

    ``record`` is None for a text the store had when the batch was prepared (nothing to
    extract) or for a later copy in the same batch; ``failure`` says why extraction failed.
    """

    article: SourceArticle
    record: ArticleRecord | None = None
    failure: str | None = None
    passed_over: bool = False


def prepare_articles(articles: Sequence[SourceArticle], extract: ExtractFn,
                     scan: Prefilter | None, *, relevant_only: bool = False) -> list[Prepared]:
    """Prefilter and extract a run of articles, without the store (on a Dask worker).

    Under ``relevant_only`` the text of an article that is not relevant is dropped: the writer
    needs only its hash and where it was seen.
    """
    entries = [Prepared(a) for a in articles]
    first: dict[str, Prepared] = {}
    for entry in entries:
        first.setdefault(entry.article.content_hash, entry)
    fill(list(first.values()), extract, scan).wait()
    for entry in entries:
        head = first[entry.article.content_hash]
        entry.record, entry.failure, entry.passed_over = head.record, head.failure, \
            head.passed_over
        if relevant_only and entry.record is not None and not entry.record.relevant:
            entry.article = entry.article.model_copy(update={"text": ""})
    return entries


def screen(entries: Sequence[Prepared], scan: Prefilter | None) -> list[Prepared]:
    """Give the articles the prefilter rejects their (empty) record; return the rest."""
    candidates = []
    for entry in entries:
        if scan is None or entry.article.screened or scan.passes(entry.article.text):
            candidates.append(entry)
        else:
            entry.record, entry.passed_over = passed_over_record(entry.article), True
    return candidates


def fill(entries: Sequence[Prepared], extract: ExtractFn | _Extraction,
         scan: Prefilter | None) -> _Job:
    """Pass over what the prefilter rejects and extract the rest (``extract`` may be a pool):
    returns the job that completes ``entries``."""
    extraction = extract if isinstance(extract, _Extraction) else Inline(extract)
    return extraction.submit(screen(entries, scan))


class _Job:
    """Extraction of some entries under way; :meth:`wait` fills them in."""

    def __init__(self, entries: Sequence[Prepared], results: Any) -> None:
        self.entries, self.results = entries, results
        self.done = False

    def wait(self) -> None:
        if self.done:
            return
        self.done = True
        results = self.results.get() if hasattr(self.results, "get") else self.results
        for entry, result in zip(self.entries, results, strict=True):
            if isinstance(result, str):
                entry.failure = result
            else:
                entry.record = result


class _Extraction:
    """Where extraction runs: in this process, or in a pool of worker processes."""

    def submit(self, entries: Sequence[Prepared]) -> _Job:
        raise NotImplementedError


class Inline(_Extraction):
    def __init__(self, extract: ExtractFn) -> None:
        self.extract = extract

    def submit(self, entries: Sequence[Prepared]) -> _Job:
        items = [(e.article.text, e.article.published, e.article.doc) for e in entries]
        return _Job(entries, extract_each(self.extract, items) if items else [])


class _Pooled(_Extraction):
    """Extraction in worker processes, started on first use, or after ``start_after``
    articles to extract when the number of workers was not asked for (starting them costs
    seconds, more than a small ingest takes)."""

    def __init__(self, workers: int, start_after: int, inline: Inline) -> None:
        self.workers, self.start_after, self.inline = workers, start_after, inline
        self.pool: Any = None
        self.seen = 0

    def submit(self, entries: Sequence[Prepared]) -> _Job:
        self.seen += len(entries)
        if self.pool is None and (self.seen <= self.start_after or not entries):
            return self.inline.submit(entries)
        if self.pool is None:
            from floorcross.parallel import ExtractPool

            self.pool = ExtractPool(self.workers)
        items = [(e.article.text, e.article.published, e.article.doc) for e in entries]
        return _Job(entries, self.pool.submit(items))

    @property
    def running(self) -> bool:
        return self.pool is not None

    def close(self, *, now: bool = False) -> None:
        if self.pool is not None:
            if now:
                self.pool.terminate()
            else:
                self.pool.close()
            self.pool = None


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# Articles to extract before worker processes are started when --workers was not given.
AUTO_POOL_AFTER = 256
# Articles to extract gathered, from consecutive batches, into one extraction job: the
# statistical model runs several times faster per article on a few articles at once than on
# one, and a batch of 64 articles read holds one or two that reach it. A job gathers from at
# most GROUP_BATCHES batches, so that the articles waiting stay few.
GROUP_ARTICLES = 128
GROUP_BATCHES = 16


class _Group:
    """The articles to extract from consecutive batches, and their job once submitted."""

    def __init__(self) -> None:
        self.entries: list[Prepared] = []
        self.batches = 0  # batches of the group not yet written (none is before its job)
        self.job: _Job | None = None

    def full(self) -> bool:
        return len(self.entries) >= GROUP_ARTICLES or self.batches >= GROUP_BATCHES


def _empty_result() -> BatchResult:
    from floorcross.store import BatchResult

    return BatchResult()


class Batcher:
    """Collects articles, prepares each batch (extraction, maybe in workers) and writes the
    batches in input order through the one writer.

    The articles to extract from consecutive batches are gathered into one job (a
    :class:`_Group`); batches are still written one by one, in order, each once its group's
    job is done. Up to :meth:`_ahead` jobs run while the writer works.
    """

    def __init__(self, store: Store, extraction: _Extraction, version: str,
                 summary: IngestSummary, on_skip: Callable[[Skipped], None],
                 on_batch: Callable[[BatchResult], None] | None, *,
                 scan: Prefilter | None, relevant_only: bool, batch_size: int) -> None:
        self.store, self.extraction, self.version = store, extraction, version
        self.summary, self.on_skip, self.on_batch = summary, on_skip, on_batch
        self.scan, self.relevant_only, self.batch_size = scan, relevant_only, batch_size
        self.batch: list[Prepared] = []
        self.pending: deque[tuple[list[Prepared], _Group | None]] = deque()
        self.gathering: _Group | None = None  # the group still taking articles
        self.submitted: deque[_Group] = deque()  # groups with a job and batches unwritten
        self.kept: list[tuple[SourceArticle, ArticleRecord | None]] = []

    def _ahead(self) -> int:
        """Jobs that may be under extraction while the writer works: enough to keep every
        worker busy, few enough that memory stays flat however long the stream."""
        if isinstance(self.extraction, _Pooled) and self.extraction.running:
            return 2 * self.extraction.workers
        return 0

    def add(self, entry: Prepared, *, ready: bool = False) -> None:
        self.batch.append(entry)
        if len(self.batch) >= self.batch_size:
            self.flush(ready=ready)

    def flush(self, *, ready: bool = False) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        group = None
        if not ready:  # entries from Dask workers come prepared
            known = self.store.known_hashes(e.article.content_hash for e in batch)
            first: dict[str, Prepared] = {}
            for e in batch:  # the first copy of each unseen text is extracted, once
                if e.article.content_hash not in known:
                    first.setdefault(e.article.content_hash, e)
            group = self.gathering or _Group()
            self.gathering = group
            # Articles read by a worker come with their records already.
            todo = [e for e in first.values() if e.record is None and e.failure is None]
            group.entries.extend(screen(todo, self.scan))
            group.batches += 1
            if group.full():
                self._submit_gathering()
        self.pending.append((batch, group))
        self._drain()

    def _submit_gathering(self) -> None:
        group, self.gathering = self.gathering, None
        if group is not None:
            group.job = self.extraction.submit(group.entries)
            self.submitted.append(group)

    def _drain(self) -> None:
        """Write the batches that are ready, keeping up to :meth:`_ahead` jobs running."""
        while self.pending:
            group = self.pending[0][1]
            if group is not None and group.job is None:
                break  # still gathering
            if group is not None and len(self.submitted) <= self._ahead():
                break
            self._write_oldest()

    def finish(self) -> None:
        self.flush()
        self._submit_gathering()
        while self.pending:
            self._write_oldest()
        if self.kept:
            self._report(self._commit(), 0)

    def _write_oldest(self) -> None:
        batch, group = self.pending.popleft()
        if group is not None:
            assert group.job is not None
            group.job.wait()
            group.batches -= 1
            if group.batches == 0:
                self.submitted.remove(group)
        self.write(batch)

    def write(self, batch: Sequence[Prepared]) -> None:
        """Store a prepared batch: one transaction (none when nothing is kept)."""
        known = self.store.known_hashes(e.article.content_hash for e in batch)
        first: dict[str, Prepared] = {}
        items: list[tuple[SourceArticle, ArticleRecord | None]] = []
        for e in batch:
            h = e.article.content_hash
            if h in known:
                items.append((e.article, None))
                continue
            head = first.setdefault(h, e)
            if head is e and e.failure is not None:
                skip = Skipped(e.article.origin, e.failure)
                self.summary.skipped.append(skip)
                self.on_skip(skip)
            if head.failure is not None:
                continue
            if head.record is None:
                raise ValueError(f"{e.article.origin}: new article without an extraction")
            if head is e and e.passed_over:
                self.summary.filtered += 1
            if self.relevant_only and not head.record.relevant:
                self.summary.not_stored += 1
                continue
            items.append((e.article, head.record if head is e else None))
        # Articles to keep wait until a batch of them is ready: under ``relevant_only`` most
        # input batches keep one or two, and a transaction (with its re-resolution) per input
        # batch would cost more than the extraction.
        self.kept.extend(items)
        result = self._commit() if len(self.kept) >= self.batch_size else _empty_result()
        self._report(result, len(batch))

    def _commit(self) -> BatchResult:
        items, self.kept = self.kept, []
        return self.store.write_batch(items, self.version) if items else _empty_result()

    def _report(self, result: BatchResult, articles: int) -> None:
        self.summary.add(result)
        result.articles = articles
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
    fetch_timeout: float = DEFAULT_FETCH_TIMEOUT,
    prefilter: bool = True,
    relevant_only: bool = False,
    workers: int | None = 1,
    on_skip: Callable[[Skipped], None] | None = None,
    on_warning: Callable[[Skipped], None] | None = None,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> IngestSummary:
    """Read ``inputs`` into ``store``; return what happened.

    Bad inputs are skipped (``on_skip`` hears of each as it happens) and the rest ingested;
    every batch is one transaction, so an error or a kill loses at most the batch in hand.

    ``prefilter`` passes over articles that name no office or have no trigger word (see
    :mod:`floorcross.prefilter`) without extracting them. ``relevant_only`` stores only the
    articles that report a change (and then rejects HTML pages from their raw bytes, before
    parsing). ``workers`` extracts in that many processes (None: all cores, started once the
    run proves large); the database is the same for any number. A custom ``extract`` always
    runs in this process.
    """
    summary = IngestSummary()
    scan = scan_for(prefilter)
    run_id = store.start_run([safe_text(str(i)) for i in inputs])
    batcher = Batcher(store, _extraction(extract, workers), extractor_version(), summary,
                       on_skip or (lambda _: None), on_batch, scan=scan,
                       relevant_only=relevant_only, batch_size=batch_size)
    raw_filter, text_filter = reading_filters(scan, relevant_only)
    readers = _Readers(workers if extract is None else 1, fetch=fetch, fetcher=fetcher,
                       max_bytes=max_bytes, prefilter=prefilter, relevant_only=relevant_only,
                       batch_size=batch_size, raw_filter=raw_filter, text_filter=text_filter,
                       fetch_timeout=fetch_timeout)
    try:
        for item in readers.items(inputs):
            if isinstance(item, Prepared):  # an article a worker read and extracted
                summary.read += 1
                batcher.add(item)
            elif isinstance(item, SourceArticle):
                summary.read += 1
                batcher.add(Prepared(item))
            else:
                note_item(item, summary, on_skip, on_warning)
        batcher.finish()
    except BaseException:
        readers.close(now=True)
        _close(batcher.extraction, now=True)
        raise
    readers.close()
    _close(batcher.extraction)
    store.finish_run(run_id, summary.as_dict())
    return summary


class _Readers:
    """Where the inputs are read: here, or (web archives, when several workers may run)
    part by part in worker processes that also prefilter and extract
    (:mod:`floorcross.reading`). Without ``--workers`` an archive smaller than a part is read
    here, since starting workers costs more than reading it."""

    def __init__(self, workers: int | None, *, fetch: bool, fetcher: Fetcher | None,
                 max_bytes: int, prefilter: bool, relevant_only: bool, batch_size: int,
                 raw_filter: Callable[[bytes], bool] | None,
                 text_filter: Callable[[str], bool] | None,
                 fetch_timeout: float = DEFAULT_FETCH_TIMEOUT) -> None:
        self.count = default_workers() if workers is None else workers
        self.fetch_timeout = fetch_timeout
        self.auto = workers is None
        self.fetch, self.given, self.max_bytes = fetch, fetcher, max_bytes
        self.prefilter, self.relevant_only, self.batch_size = prefilter, relevant_only, batch_size
        self.raw_filter, self.text_filter = raw_filter, text_filter
        self.pool: Any = None
        self.fetcher: Fetcher | None = None

    def items(self, inputs: Sequence[str]) -> Iterable[Any]:
        if self.count <= 1:
            return iter_sources(inputs, fetch=self.fetch, max_bytes=self.max_bytes,
                                fetcher=self.given, raw_filter=self.raw_filter,
                                text_filter=self.text_filter, fetch_timeout=self.fetch_timeout)
        from floorcross.reading import PART_BYTES, ordered_items, splittable
        from floorcross.sources import input_units

        def split(unit: str) -> bool:
            return splittable(unit) and (not self.auto or os.path.getsize(unit) > PART_BYTES)

        return ordered_items(input_units(inputs), self._submit, self._other,
                             ahead=2 * self.count, max_bytes=self.max_bytes,
                             prefilter=self.prefilter, relevant_only=self.relevant_only,
                             batch_size=self.batch_size, split=split)

    def _submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self.pool is None:
            from floorcross.reading import ReadPool

            self.pool = ReadPool(self.count)
        return self.pool.submit(fn, *args)

    def _other(self, unit: str) -> Iterable[Any]:
        if self.fetch and self.given is None and self.fetcher is None:
            self.fetcher = Fetcher(max_bytes=self.max_bytes, deadline=self.fetch_timeout)  # one for the run
        return iter_sources([unit], fetch=self.fetch, max_bytes=self.max_bytes,
                            fetcher=self.given or self.fetcher, raw_filter=self.raw_filter,
                            text_filter=self.text_filter, fetch_timeout=self.fetch_timeout)

    def close(self, *, now: bool = False) -> None:
        if self.pool is not None:
            self.pool.close(now=now)
            self.pool = None
        if self.fetcher is not None:
            self.fetcher.close()
            self.fetcher = None


def note_item(item: Any, summary: IngestSummary, on_skip: Callable[[Skipped], None] | None,
              on_warning: Callable[[Skipped], None] | None) -> None:
    """Count a problem, warning or passed-over page from the readers."""
    if isinstance(item, SourcePassedOver):
        summary.pages_passed_over += item.count
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


def reading_filters(scan: Prefilter | None, relevant_only: bool
                    ) -> tuple[Callable[[bytes], bool] | None, Callable[[str], bool] | None]:
    """The prefilter's tests for the readers (raw page bytes, :mod:`floorcross.bytescan`;
    JSON Lines texts): only under ``relevant_only``, where what they reject is never stored."""
    if scan is None or not relevant_only:
        return None, None
    from floorcross.bytescan import is_candidate_bytes

    return is_candidate_bytes, scan.passes


def scan_for(enabled: bool) -> Prefilter | None:
    if not enabled:
        return None
    from floorcross.prefilter import prefilter as build

    return build()


def _extraction(extract: ExtractFn | None, workers: int | None) -> _Extraction:
    inline = Inline(extract or default_extract())
    if extract is not None or workers == 1:
        return inline
    if workers is None:
        return _Pooled(default_workers(), AUTO_POOL_AFTER, inline) if default_workers() > 1 \
            else inline
    return _Pooled(workers, 0, inline)


def _close(extraction: _Extraction, *, now: bool = False) -> None:
    if isinstance(extraction, _Pooled):
        extraction.close(now=now)


def reextract(
    store: Store,
    *,
    extract: ExtractFn | None = None,
    batch_size: int = BATCH_SIZE,
    prefilter: bool = True,
    on_skip: Callable[[Skipped], None] | None = None,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> IngestSummary:
    """Run the current extractor over every stored article (no fetching) and re-resolve.

    People and changes are rebuilt and every correction re-applied; keys that still describe
    the same person or change keep their ids.
    """
    summary = IngestSummary()
    extraction = Inline(extract or default_extract())
    scan = scan_for(prefilter)
    version = extractor_version()
    run_id = store.start_run(["--reextract"])
    for rows in store.article_batches(batch_size):
        entries = [Prepared(SourceArticle(doc=doc, text=text, published=published,
                                          origin=f"article {aid}"))
                   for aid, text, published, doc in rows]
        fill(entries, extraction, scan).wait()
        for entry in entries:
            if entry.failure is not None:
                skip = Skipped(entry.article.origin, entry.failure)
                summary.skipped.append(skip)
                if on_skip is not None:
                    on_skip(skip)
            summary.filtered += entry.passed_over
        pairs = [(aid, e.record) for (aid, *_), e in zip(rows, entries, strict=True)
                 if e.record is not None]
        summary.read += len(rows)
        result = store.replace_extractions(pairs, version)
        summary.add(result)
        if on_batch is not None:
            on_batch(result)
    store.finish_run(run_id, summary.as_dict())
    return summary
