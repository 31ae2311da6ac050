"""Polling feeds: conditional GET, per-host backoff, only unseen entries, the one writer.

A :class:`Watcher` holds the feeds of one ``floorcross watch`` run. Each :meth:`Watcher.poll`
asks every feed that is due for what changed since the last answer (``If-None-Match`` /
``If-Modified-Since``: an unchanged feed costs a 304 and no body), reads the entries it has not
read before (from the feed's full text, or the linked page, fetched politely through the same
:class:`~floorcross.sources.Fetcher` as ``ingest``), stores them through the ingest pipeline's
batcher (prefilter, extraction, one transaction per batch), then queues and delivers the alerts
(:mod:`floorcross.watch.alerts`). Feed state lives in the ``watch_feeds`` and ``watch_entries``
tables, so a restarted watcher resumes where it stopped.

A feed that fails (no answer, an HTTP error, XML with no entries) is tried again after a pause
that doubles with each failure in a row, from half a poll interval up to :data:`BACKOFF_CAP_S`;
a failure that says the host is in trouble (no connection, a timeout, 429 or 5xx) pauses every
feed on that host. ``Retry-After`` is obeyed (up to :data:`RETRY_AFTER_CAP_S`). A failing feed
is reported when it starts failing and then at most once an hour, and when it recovers. An entry
whose page cannot be read is tried on the next :data:`ENTRY_TRIES` polls (the feed is then
fetched whole, its validators not kept), then given up and recorded as failed.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from floorcross.ingest import (
    Batcher,
    IngestSummary,
    Inline,
    Prepared,
    Skipped,
    default_extract,
    extractor_version,
    scan_for,
)
from floorcross.sources import Fetcher, SourceArticle, SourceProblem, SourceWarning
from floorcross.sources.common import host_of, url_slug
from floorcross.sources.feeds import FeedEntry, entry_items, parse_feed
from floorcross.sources.web import Polled
from floorcross.store import ExtractFn, Store
from floorcross.store.db import read_session, write_session
from floorcross.store.models import ArticleUrl
from floorcross.store.sync import next_id
from floorcross.store.watch_models import WatchEntry, WatchFeed
from floorcross.watch.alerts import (
    RETRY_BASE_S,
    Announcer,
    Deliverer,
    DeliveryCounts,
    Destination,
    SmtpSettings,
    now_iso,
)

log = logging.getLogger("floorcross.watch")

BACKOFF_CAP_S = 6 * 3600.0
RETRY_AFTER_CAP_S = 24 * 3600.0
REPORT_EVERY_S = 3600.0
ENTRY_TRIES = 3
HOST_TROUBLE = frozenset({0, 408, 425, 429}) | frozenset(range(500, 600))


def parse_iso(value: str | None) -> float | None:
    return datetime.fromisoformat(value).timestamp() if value else None


@dataclass
class FeedOutcome:
    """What one poll of one feed did."""

    url: str
    status: str = "waiting"  # an HTTP status, "error", or "waiting" (backing off)
    new_entries: int = 0
    articles: int = 0
    changes_new: int = 0
    changes_updated: int = 0
    error: str | None = None
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.error is not None

    def result_line(self) -> str:
        if self.status == "304":
            return "not modified"
        if self.error:
            return self.error
        text = f"{self.new_entries} new entr{'y' if self.new_entries == 1 else 'ies'}"
        if self.new_entries:
            text += (f", {self.articles} article{'' if self.articles == 1 else 's'} stored, "
                     f"changes: {self.changes_new} new, {self.changes_updated} updated")
        if self.skipped:
            text += f", {len(self.skipped)} skipped"
        return text


@dataclass
class PollSummary:
    """One poll of every feed: the one line the log shows for it."""

    number: int
    outcomes: list[FeedOutcome] = field(default_factory=list)
    alerts_queued: int = 0
    delivery: DeliveryCounts = field(default_factory=DeliveryCounts)
    seconds: float = 0.0
    stopped: bool = False

    def count(self, test: Callable[[FeedOutcome], bool]) -> int:
        return sum(1 for o in self.outcomes if test(o))

    @property
    def skipped(self) -> list[Skipped]:
        return [s for o in self.outcomes for s in o.skipped]

    def line(self) -> str:
        polled = self.count(lambda o: o.status != "waiting")
        parts = [f"{polled} polled"]
        for label, test in (("not modified", lambda o: o.status == "304"),
                            ("failing", lambda o: o.failed),
                            ("backing off", lambda o: o.status == "waiting")):
            n = self.count(test)
            if n:
                parts.append(f"{n} {label}")
        entries = sum(o.new_entries for o in self.outcomes)
        articles = sum(o.articles for o in self.outcomes)
        new = sum(o.changes_new for o in self.outcomes)
        updated = sum(o.changes_updated for o in self.outcomes)
        text = (f"poll {self.number}: {len(self.outcomes)} feed"
                f"{'' if len(self.outcomes) == 1 else 's'} ({', '.join(parts)}); "
                f"{entries} new entr{'y' if entries == 1 else 'ies'}, {articles} stored; "
                f"changes: {new} new, {updated} updated; {self.alerts_queued} alert"
                f"{'' if self.alerts_queued == 1 else 's'} queued, {self.delivery.line()}")
        if self.skipped:
            text += f"; {len(self.skipped)} skipped"
        text += f" ({self.seconds:.1f}s)"
        return text + (" - stopping" if self.stopped else "")


class Watcher:
    """The feeds of one watch run, their state in ``store``, and where alerts go.

    ``fetcher`` (default: a :class:`Fetcher` with the ingest defaults, one second between two
    requests to a host), ``extract`` (default: the standard extractor, loaded once), ``clock``
    and ``transport`` (for the webhook client) are for tests and benchmarks.
    """

    def __init__(self, store: Store, feeds: Sequence[str], *,
                 destinations: Sequence[Destination] = (), smtp: SmtpSettings | None = None,
                 every: float = 900.0, fetcher: Fetcher | None = None,
                 extract: ExtractFn | None = None, prefilter: bool = True,
                 site_url: str | None = None, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep,
                 retry_base: float = RETRY_BASE_S) -> None:
        self.store, self.feeds, self.every = store, list(dict.fromkeys(feeds)), every
        self.clock, self.sleep = clock, sleep
        self._own_fetcher = fetcher is None
        self.fetcher = fetcher or Fetcher()
        self._extract = extract
        self._extraction: Inline | None = None
        self.scan = scan_for(prefilter)
        self.version = extractor_version()
        self.announcer = Announcer(store, destinations, site_url=site_url, clock=clock)
        self.deliverer = Deliverer(store, destinations, smtp, clock=clock, sleep=sleep,
                                   retry_base=retry_base)
        self.polls = 0
        self.host_until: dict[str, float] = {}
        self.totals = IngestSummary()
        self._unchanged: list[tuple[WatchFeed, FeedOutcome, Polled]] = []
        self._ids = self._register()
        self.baseline = self.announcer.seed_baseline()

    # ---------------------------------------------------------------- setup

    def _register(self) -> dict[str, int]:
        """A ``watch_feeds`` row for every feed; the host pauses still running."""
        with write_session(self.store.engine) as session:
            rows = {f.url: f for f in session.execute(
                select(WatchFeed).where(WatchFeed.url.in_(self.feeds))).scalars()}
            nid = next_id(session, WatchFeed)
            for url in self.feeds:
                if url not in rows:
                    rows[url] = WatchFeed(id=nid, url=url, entries_read=0, changes_found=0,
                                          failures=0)
                    session.add(rows[url])
                    nid += 1
            now = self.clock()
            for url, row in rows.items():
                until = parse_iso(row.next_poll_at)
                host = host_of(url) or ""
                if until and until > now and row.failures:
                    self.host_until[host] = max(self.host_until.get(host, 0.0), until)
            return {url: row.id for url, row in rows.items()}

    def extraction(self) -> Inline:
        if self._extraction is None:
            self._extraction = Inline(self._extract or default_extract())
        return self._extraction

    def close(self) -> None:
        self.deliverer.close()
        if self._own_fetcher:
            self.fetcher.close()

    # ---------------------------------------------------------------- a poll

    def poll(self, stop: Callable[[], bool] = lambda: False) -> PollSummary:
        """Poll every feed that is due, store what is new, queue and send the alerts.

        ``stop`` is asked between feeds: once it says so, the feed in hand is finished and
        written, the alerts for what was written are queued, and the poll ends.
        """
        self.polls += 1
        started = time.monotonic()
        summary = PollSummary(self.polls)
        for url in self.feeds:
            if stop():
                summary.stopped = True
                break
            summary.outcomes.append(self.poll_feed(url))
        self._flush_unchanged()
        summary.alerts_queued = self.queue_alerts()
        if not stop():
            summary.delivery = self.deliverer.deliver_due(stop)
        summary.stopped = summary.stopped or stop()
        summary.seconds = time.monotonic() - started
        log.info("%s", summary.line())
        return summary

    def queue_alerts(self) -> int:
        """Queue the alerts for what changed since the last call (one transaction)."""
        found = self.announcer.queue()
        return len(found)

    def poll_feed(self, url: str) -> FeedOutcome:
        """One conditional GET of one feed, and the entries it has not read before."""
        outcome = FeedOutcome(url)
        feed_id = self._ids[url]
        with read_session(self.store.engine) as session:
            row = session.get(WatchFeed, feed_id)
        assert row is not None
        now = self.clock()
        host = host_of(url) or ""
        until = max(parse_iso(row.next_poll_at) or 0.0, self.host_until.get(host, 0.0))
        if until > now:
            log.debug("%s: backing off until %s", url, now_iso(lambda: until))
            return outcome
        polled = self.fetcher.poll(url, etag=row.etag, last_modified=row.last_modified)
        outcome.status = str(polled.status) if polled.status else "error"
        if polled.error is not None:
            return self._failed(row, outcome, polled.error, polled)
        if polled.not_modified:
            # Written with the poll's other unchanged feeds, in one transaction at its end.
            self._unchanged.append((row, outcome, polled))
            return outcome
        entries, notes = parse_feed(polled.content, url, doc_prefix=url_slug(url))
        problems = [n for n in notes if isinstance(n, SourceProblem)]
        if problems and problems[0].reason != "feed has no entries":
            return self._failed(row, outcome, problems[0].reason, polled)
        for note in notes:
            if isinstance(note, SourceWarning):
                log.debug("warning: %s", note.message())
        retry = self._read_entries(feed_id, url, entries, outcome)
        self._succeeded(row, outcome, polled, keep_validators=not retry)
        return outcome

    # ---------------------------------------------------------------- entries

    def _unseen(self, feed_id: int, entries: Sequence[FeedEntry]
                ) -> tuple[list[FeedEntry], dict[str, int], list[FeedEntry]]:
        """Entries not read yet, the attempts of those that failed before, and the entries
        another input already stored under their link (recorded as read, not fetched)."""
        keys = [e.key for e in entries]
        links = [e.fields["url"] for e in entries if e.fields["url"]]
        with read_session(self.store.engine) as session:
            seen = {r.entry_key: r for r in session.execute(
                select(WatchEntry).where(WatchEntry.feed_id == feed_id,
                                         WatchEntry.entry_key.in_(keys))).scalars()}
            stored_links = set(session.execute(
                select(ArticleUrl.url).where(ArticleUrl.url.in_(links))).scalars()) \
                if links else set()
        fresh, tries, known = [], {}, []
        for e in entries:
            old = seen.get(e.key)
            if old is not None and (old.status == "stored" or old.attempts >= ENTRY_TRIES):
                continue
            if old is None and e.fields["url"] in stored_links:
                known.append(e)
                continue
            fresh.append(e)
            if old is not None:
                tries[e.key] = old.attempts
        return fresh, tries, known

    def _read_entries(self, feed_id: int, url: str, entries: Sequence[FeedEntry],
                      outcome: FeedOutcome) -> bool:
        """Read, store and record the unseen entries; True when some should be tried again."""
        fresh, tries, known = self._unseen(feed_id, entries)
        articles: list[tuple[FeedEntry, SourceArticle]] = []
        failed: dict[str, str] = {}
        for e in fresh:
            for item in entry_items(e, self.fetcher, origin=f"{url}#{e.key}"):
                if isinstance(item, SourceArticle):
                    articles.append((e, item))
                elif isinstance(item, SourceProblem):
                    failed[e.key] = item.reason
                elif isinstance(item, SourceWarning):
                    log.debug("warning: %s", item.message())
        summary = IngestSummary()
        if articles:
            batcher = Batcher(self.store, self.extraction(), self.version, summary,
                              lambda _s: None, None, scan=self.scan, relevant_only=False,
                              batch_size=64)
            for _, article in articles:
                summary.read += 1
                batcher.add(Prepared(article))
            batcher.finish()
        by_origin = {a.origin: e.key for e, a in articles}
        for skip in summary.skipped:
            if skip.origin in by_origin:
                failed[by_origin[skip.origin]] = skip.reason
        outcome.new_entries = len(fresh)
        outcome.articles = summary.new
        outcome.changes_new, outcome.changes_updated = summary.changes_new, \
            summary.changes_updated
        for key, reason in failed.items():
            skip = Skipped(f"{url}#{key}", reason)
            outcome.skipped.append(skip)
            attempt = tries.get(key, 0) + 1
            last = " (giving up on it)" if attempt >= ENTRY_TRIES else " (will try again)"
            log.warning("%s%s", skip.message(), last)
        self._totals(summary)
        self._record_entries(feed_id, fresh, known, failed)
        return any(tries.get(k, 0) + 1 < ENTRY_TRIES for k in failed)

    def _totals(self, summary: IngestSummary) -> None:
        t = self.totals
        t.read += summary.read
        t.new += summary.new
        t.duplicates += summary.duplicates
        t.relevant += summary.relevant
        t.filtered += summary.filtered
        t.changes_new += summary.changes_new
        t.changes_updated += summary.changes_updated

    def _record_entries(self, feed_id: int, fresh: Sequence[FeedEntry],
                        known: Sequence[FeedEntry], failed: dict[str, str]) -> None:
        if not fresh and not known:
            return
        stamp = now_iso(self.clock)
        with write_session(self.store.engine) as session:
            keys = [e.key for e in fresh]
            existing = {r.entry_key: r for r in session.execute(
                select(WatchEntry).where(WatchEntry.feed_id == feed_id,
                                         WatchEntry.entry_key.in_(keys))).scalars()}
            nid = next_id(session, WatchEntry)
            for e in [*fresh, *known]:
                error = failed.get(e.key)
                status = "failed" if error else "stored"
                old = existing.get(e.key)
                if old is not None:
                    old.status, old.error, old.attempts = status, error, old.attempts + 1
                    continue
                session.add(WatchEntry(id=nid, feed_id=feed_id, entry_key=e.key,
                                       url=e.fields["url"], status=status, attempts=1,
                                       error=error, seen_at=stamp))
                nid += 1

    # ---------------------------------------------------------------- feed health

    def _succeeded(self, row: WatchFeed, outcome: FeedOutcome, polled: Polled, *,
                   keep_validators: bool) -> None:
        with write_session(self.store.engine) as session:
            self._note_success(session, row, outcome, polled, keep_validators)

    def _flush_unchanged(self) -> None:
        """Record the polls answered 304 (one transaction for all of them)."""
        pending, self._unchanged = self._unchanged, []
        if pending:
            with write_session(self.store.engine) as session:
                for row, outcome, polled in pending:
                    self._note_success(session, row, outcome, polled, True)

    def _note_success(self, session: Any, row: WatchFeed, outcome: FeedOutcome, polled: Polled,
                      keep_validators: bool) -> None:
        stamp = now_iso(self.clock)
        if row.failures:
            log.info("%s: answering again after %d failed poll%s", row.url, row.failures,
                     "" if row.failures == 1 else "s")
        self.host_until.pop(host_of(row.url) or "", None)
        feed = session.get(WatchFeed, row.id)
        assert feed is not None
        if not polled.not_modified:
            feed.etag = polled.etag if keep_validators else None
            feed.last_modified = polled.last_modified if keep_validators else None
        feed.last_polled_at, feed.last_status = stamp, outcome.status
        if not polled.not_modified or feed.last_result is None:
            feed.last_result = outcome.result_line()
        feed.last_error = None
        feed.failures, feed.failing_since, feed.reported_at = 0, None, None
        feed.next_poll_at = None
        feed.entries_read += outcome.new_entries
        feed.changes_found += outcome.changes_new + outcome.changes_updated
        if outcome.new_entries:
            feed.last_new_at = stamp
        log.debug("%s: %s", row.url, outcome.result_line())

    def _failed(self, row: WatchFeed, outcome: FeedOutcome, reason: str,
                polled: Polled) -> FeedOutcome:
        outcome.error = reason
        now = self.clock()
        failures = row.failures + 1
        pause = min(BACKOFF_CAP_S, self.every * 2 ** (failures - 1)) - self.every / 2
        if polled.retry_after is not None:
            pause = max(pause, min(RETRY_AFTER_CAP_S, polled.retry_after))
        until = now + max(0.0, pause)
        if polled.status in HOST_TROUBLE:
            host = host_of(row.url) or ""
            self.host_until[host] = max(self.host_until.get(host, 0.0), until)
        since = row.failing_since or now_iso(self.clock)
        last_report = parse_iso(row.reported_at)
        report = last_report is None or now - last_report >= REPORT_EVERY_S
        if report:
            if failures == 1:
                log.warning("%s: %s", row.url, reason)
            else:
                log.warning("%s: still failing (%d polls in a row, since %s): %s", row.url,
                            failures, since, reason)
        with write_session(self.store.engine) as session:
            feed = session.get(WatchFeed, row.id)
            assert feed is not None
            feed.last_polled_at, feed.last_status = now_iso(self.clock), outcome.status
            feed.last_error, feed.last_result = reason, f"failed: {reason}"
            feed.failures, feed.failing_since = failures, since
            feed.next_poll_at = now_iso(lambda: until)
            if report:
                feed.reported_at = now_iso(self.clock)
        return outcome

    # ---------------------------------------------------------------- the loop

    def run(self, *, once: bool = False, stop: threading.Event | None = None,
            polls: int | None = None) -> list[PollSummary]:
        """Poll now, then every ``every`` seconds until ``stop`` is set (or once, or
        ``polls`` times); return the summaries of the polls (the last few hundred)."""
        stop = stop or threading.Event()
        run_id = self.store.start_run(["watch", *self.feeds])
        done: list[PollSummary] = []
        try:
            while not stop.is_set():
                started = time.monotonic()
                done.append(self.poll(stop.is_set))
                del done[:-500]
                if once or (polls is not None and self.polls >= polls):
                    break
                stop.wait(max(0.0, self.every - (time.monotonic() - started)))
        finally:
            self.store.finish_run(run_id, {**self.totals.as_dict(), "polls": self.polls,
                                           "watch": True})
        return done


def read_feed_list(source: str) -> list[str] | str:
    """The feed URLs a SOURCE names: itself when it is a URL, else the lines of the file
    (``#`` starts a comment); or why it cannot be read."""
    from pathlib import Path

    from floorcross.sources.common import is_http_url

    if is_http_url(source):
        return [source]
    path = Path(source)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return f"{source}: cannot read the list of feeds ({type(exc).__name__}: {exc})"
    urls: list[str] = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        text = re.split(r"\s+#", text, maxsplit=1)[0].strip()  # a comment after the URL
        if not is_http_url(text):
            return f"{source}, line {number}: not an http(s) URL: {text!r}"
        urls.append(text)
    return urls


def feeds_from(sources: Sequence[str]) -> tuple[list[str], list[str]]:
    """The feed URLs of every SOURCE, and one problem line per SOURCE that gave none."""
    urls: list[str] = []
    problems: list[str] = []
    for source in sources:
        found = read_feed_list(source)
        if isinstance(found, str):
            problems.append(found)
        else:
            urls.extend(found)
    return list(dict.fromkeys(urls)), problems

