"""``floorcross watch``: a feed on a local HTTP server, alerts to a local webhook and SMTP server.

The feed gains entries while the watcher runs: one whose text is in the feed, one whose text
is only on the linked page, and a second report of a change already announced. The stories
are written for these tests. The real extractor reads them (loaded once per test process).
"""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from floorcross.sources import Fetcher
from floorcross.store import Store, open_store
from floorcross.store.db import read_session
from floorcross.store.watch_models import Outbox, WatchEntry, WatchFeed
from floorcross.watch import Destination, Filters, SmtpSettings, Watcher, feeds_from
from floorcross.watch.alerts import requeue

PELLOW = (
    "Councillor Marcus Pellow has left the Labour Party and will now sit as an independent "
    "member of Rotherham Metropolitan Borough Council. Cllr Pellow, who represents the "
    "Wickersley North ward, announced his decision on 2 December 2026, saying the party had "
    "stopped listening to residents about the closure of the leisure centre."
)
VANE = (
    "Councillor Harriet Vane-Oduya, who represents Heaton Mersey on Stockport Council, has "
    "defected from the Liberal Democrats to the Green Party. She told colleagues on 1 December "
    "2026 that she felt the Greens offered a clearer plan on buses and cycle lanes."
)
VANE_AGAIN = (
    "Stockport councillor Harriet Vane-Oduya has crossed the floor from the Liberal Democrats "
    "to the Green Party, the council confirmed on Thursday. Cllr Vane-Oduya, who represents "
    "Heaton Mersey, made the move on 1 December 2026 after months of talks."
)
PAGE = """<!doctype html><html><head><title>{title}</title></head><body>
<nav>Home | News | Sport</nav><article><h1>{title}</h1><p>{text}</p></article>
<footer>Copyright the Heaton Herald</footer></body></html>"""


# ------------------------------------------------------------------------------ local servers


class _Server:
    """A ThreadingHTTPServer on 127.0.0.1 in a daemon thread, with a request log."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class FeedServer(_Server):
    """Serves /news.rss (with ETag and Last-Modified) and the pages its entries link to."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.pages: dict[str, bytes] = {}
        self.log: list[tuple[str, int, int]] = []  # path, status, body bytes
        self.fail_with: tuple[int, dict[str, str]] | None = None
        super().__init__(_FeedHandler)

    def add(self, slug: str, title: str, text: str, *, in_feed: bool, day: int) -> None:
        link = f"{self.base}/news/{slug}"
        with self.lock:
            if not in_feed:
                self.pages[f"/news/{slug}"] = PAGE.format(title=title, text=text).encode()
            self.entries.insert(0, {"id": f"urn:herald:{slug}", "title": title, "link": link,
                                    "text": text if in_feed else None, "day": day})

    def rss(self) -> bytes:
        items = []
        for e in self.entries:
            body = (f"<content:encoded><![CDATA[<p>{e['text']}</p>]]></content:encoded>"
                    if e["text"] else "<description>Read the full story.</description>")
            items.append(f"<item><title>{e['title']}</title><link>{e['link']}</link>"
                         f"<guid isPermaLink=\"false\">{e['id']}</guid>"
                         f"<pubDate>{e['day']:02d} Dec 2026 09:00:00 +0000</pubDate>{body}</item>")
        return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                "<title>Heaton Herald</title><link>http://herald.example/</link>"
                + "".join(items) + "</channel></rss>").encode()

    def feed_statuses(self) -> list[tuple[int, int]]:
        with self.lock:
            return [(status, size) for path, status, size in self.log
                    if path.split("?")[0] == "/news.rss"]


class _FeedHandler(BaseHTTPRequestHandler):
    def log_message(self, *_: Any) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None
              ) -> None:
        owner: FeedServer = self.server.owner  # type: ignore[attr-defined]
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)
        with owner.lock:
            owner.log.append((self.path, status, len(body)))

    def do_GET(self) -> None:
        owner: FeedServer = self.server.owner  # type: ignore[attr-defined]
        if self.path.split("?")[0] == "/news.rss":
            if owner.fail_with is not None:
                self._send(owner.fail_with[0], b"busy", owner.fail_with[1])
                return
            with owner.lock:
                body = owner.rss()
                changed = len(owner.entries)
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            modified = format_datetime(datetime(2026, 12, 1, 8, changed % 60, tzinfo=UTC),
                                       usegmt=True)
            headers = {"ETag": etag, "Last-Modified": modified,
                       "Content-Type": "application/rss+xml"}
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", {"ETag": etag})
                return
            self._send(200, body, headers)
            return
        page = owner.pages.get(self.path)
        if page is None:
            self._send(404, b"no such page")
        else:
            self._send(200, page, {"Content-Type": "text/html; charset=utf-8"})


class Receiver(_Server):
    """A webhook receiver: keeps every JSON body; answers 500 to the first ``fail`` posts."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.bodies: list[dict[str, Any]] = []
        self.refused = 0
        super().__init__(_HookHandler)

    def wait_for(self, n: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.bodies) >= n:
                    return list(self.bodies)
            time.sleep(0.05)
        raise AssertionError(f"only {len(self.bodies)} of {n} alerts arrived")


class _HookHandler(BaseHTTPRequestHandler):
    def log_message(self, *_: Any) -> None:
        pass

    def do_POST(self) -> None:
        owner: Receiver = self.server.owner  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with owner.lock:
            refuse = owner.refused < owner.fail
            if refuse:
                owner.refused += 1
            else:
                owner.bodies.append(json.loads(body))
        self.send_response(500 if refuse else 204)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def feed() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(str(tmp_path / "watch.db"))
    yield s
    s.close()


def watcher(store: Store, feed: FeedServer, destinations: list[Destination],
            **kw: Any) -> Watcher:
    kw.setdefault("every", 0.3)
    return Watcher(store, [f"{feed.base}/news.rss"], destinations=destinations,
                   fetcher=Fetcher(min_interval=0.0, timeout=5.0), sleep=lambda _s: None,
                   **kw)


def in_background(w: Watcher) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=w.run, kwargs={"stop": stop}, daemon=True)
    thread.start()
    return stop, thread


def people(bodies: list[dict[str, Any]]) -> list[str]:
    return sorted(b["person"]["name"] for b in bodies)


# ------------------------------------------------------------------------------ webhooks


def test_new_changes_reach_the_webhook_once_each_and_a_restart_sends_nothing_again(
        store: Store, feed: FeedServer) -> None:
    hook = Receiver()
    feed.add("pellow-quits", "Pellow quits Labour", PELLOW, in_feed=True, day=3)
    w = watcher(store, feed, [Destination("webhook", f"{hook.base}/hook")])
    stop, thread = in_background(w)
    try:
        first = hook.wait_for(1)
        feed.add("vane-oduya-greens", "Vane-Oduya joins Greens", VANE, in_feed=False, day=4)
        both = hook.wait_for(2)
        time.sleep(0.8)  # a few more polls of the unchanged feed
    finally:
        stop.set()
        thread.join(10)
    w.close()
    assert not thread.is_alive()
    assert len(hook.bodies) == 2
    assert people(first) == ["Marcus Pellow"]
    alert = next(b for b in both if b["person"]["name"] == "Harriet Vane-Oduya")
    assert alert["event"] == "new" and alert["change"]["kind"] == "defection"
    assert alert["parties"] == {"from": "Liberal Democrats", "to": "Green"}
    assert alert["council"]["name"] == "Stockport Metropolitan Borough Council"
    assert alert["date"] == "2026-12-01"
    assert "Heaton Mersey" in alert["evidence"] or "defected" in alert["evidence"]
    assert alert["source_urls"] == [f"{feed.base}/news/vane-oduya-greens"]
    assert "Vane-Oduya" in alert["text"] and alert["content"] == alert["text"]
    # Conditional GET: once both entries were read, polls of the unchanged feed got 304 and
    # no body.
    statuses = feed.feed_statuses()
    assert statuses[-1] == (304, 0)
    assert all(size == 0 for status, size in statuses if status == 304)
    # Only the unseen entry's page was fetched, once.
    assert [p for p, s, _ in feed.log if p.startswith("/news/")] == ["/news/vane-oduya-greens"]

    # A restart resumes from the stored state: a 304, nothing fetched, nothing sent again.
    before = len(feed.log)
    again = watcher(store, feed, [Destination("webhook", f"{hook.base}/hook")])
    summary = again.run(once=True)[-1]
    again.close()
    assert feed.log[before:] == [("/news.rss", 304, 0)]
    assert summary.outcomes[0].status == "304" and summary.delivery.sent == 0
    assert len(hook.bodies) == 2
    hook.close()


def test_a_second_report_of_a_known_change_is_announced_as_an_update(
        store: Store, feed: FeedServer) -> None:
    hook = Receiver()
    feed.add("vane-oduya-greens", "Vane-Oduya joins Greens", VANE, in_feed=True, day=2)
    w = watcher(store, feed, [Destination("webhook", f"{hook.base}/hook")])
    w.run(once=True)
    feed.add("vane-oduya-confirmed", "Council confirms move", VANE_AGAIN, in_feed=True, day=4)
    w.run(once=True)
    w.run(once=True)
    w.close()
    hook.close()
    assert [b["event"] for b in hook.bodies] == ["new", "updated"]
    update = hook.bodies[1]
    assert "sources" in update["changed"]
    assert update["change"]["key"] == hook.bodies[0]["change"]["key"]
    assert len(update["source_urls"]) == 2


def test_a_receiver_failing_twice_then_recovering_gets_every_alert_once(
        store: Store, feed: FeedServer) -> None:
    hook = Receiver(fail=2)
    feed.add("pellow-quits", "Pellow quits Labour", PELLOW, in_feed=True, day=3)
    feed.add("vane-oduya-greens", "Vane-Oduya joins Greens", VANE, in_feed=False, day=4)
    w = watcher(store, feed, [Destination("webhook", f"{hook.base}/hook")])
    w.run(once=True)
    w.run(once=True)
    w.close()
    hook.close()
    assert hook.refused == 2
    assert people(hook.bodies) == ["Harriet Vane-Oduya", "Marcus Pellow"]
    assert len({b["alert_id"] for b in hook.bodies}) == 2


def test_a_receiver_down_for_a_whole_poll_gets_its_alerts_on_a_later_poll(
        store: Store, feed: FeedServer, caplog: pytest.LogCaptureFixture) -> None:
    hook = Receiver(fail=3)  # every try of the first poll fails
    feed.add("pellow-quits", "Pellow quits Labour", PELLOW, in_feed=True, day=3)
    w = watcher(store, feed, [Destination("webhook", f"{hook.base}/hook")], retry_base=0.0)
    with caplog.at_level(logging.WARNING, logger="floorcross.watch"):
        first = w.run(once=True)[-1]
    [warning] = [r.getMessage() for r in caplog.records]
    assert "alert 1 to webhook:127.0.0.1:" in warning and "HTTP 500" in warning
    assert first.delivery.sent == 0 and first.delivery.failed == 1 and hook.bodies == []
    with read_session(store.engine) as session:
        row = session.execute(select(Outbox)).scalar_one()
    assert row.status == "pending" and row.attempts == 1 and "HTTP 500" in row.last_error
    second = w.run(once=True)[-1]
    w.close()
    hook.close()
    assert second.delivery.sent == 1
    assert people(hook.bodies) == ["Marcus Pellow"]


def test_filters_choose_what_each_destination_hears(store: Store, feed: FeedServer) -> None:
    stockport, greens_high = Receiver(), Receiver()
    feed.add("pellow-quits", "Pellow quits Labour", PELLOW, in_feed=True, day=3)
    feed.add("vane-oduya-greens", "Vane-Oduya joins Greens", VANE, in_feed=True, day=4)
    w = watcher(store, feed, [
        Destination("webhook", f"{stockport.base}/a", Filters(councils=("Stockport",))),
        Destination("webhook", f"{greens_high.base}/b",
                    Filters(parties=("Labour",), kinds=("defection",), min_confidence="high")),
    ])
    w.run(once=True)
    w.close()
    stockport.close()
    greens_high.close()
    assert people(stockport.bodies) == ["Harriet Vane-Oduya"]
    assert people(greens_high.bodies) == ["Marcus Pellow"]


def test_resend_queues_a_sent_alert_again(store: Store, feed: FeedServer) -> None:
    hook = Receiver()
    feed.add("pellow-quits", "Pellow quits Labour", PELLOW, in_feed=True, day=3)
    w = watcher(store, feed, [Destination("webhook", f"{hook.base}/hook")])
    w.run(once=True)
    with read_session(store.engine) as session:
        row = session.execute(select(Outbox)).scalar_one()
    assert row.status == "sent"
    assert requeue(store, [row.id]) == 1
    w.run(once=True)
    w.close()
    hook.close()
    assert [b["alert_id"] for b in hook.bodies] == [row.payload["alert_id"]] * 2


# ------------------------------------------------------------------------------ e-mail


class Mailbox:
    """An aiosmtpd handler keeping each message; refuses the first ``fail`` with a 451."""

    def __init__(self, fail: int = 0) -> None:
        self.fail, self.refused = fail, 0
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refused < self.fail:
            self.refused += 1
            return "451 Requested action aborted: try again later"
        from email import message_from_bytes

        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[Callable[[int], tuple[Mailbox, int]]]:
    from aiosmtpd.controller import Controller

    controllers = []

    def start(fail: int = 0) -> tuple[Mailbox, int]:
        box = Mailbox(fail)
        with socket.socket() as probe:  # a free port (aiosmtpd checks the one it is given)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(box, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return box, port

    yield start
    for c in controllers:
        c.stop()


def test_email_alerts_once_per_change_across_a_restart_and_refusals(
        store: Store, feed: FeedServer, smtp_server: Callable[[int], tuple[Mailbox, int]]
        ) -> None:
    box, port = smtp_server(2)
    smtp = SmtpSettings(host="127.0.0.1", port=port, sender="alerts@herald.example")
    mail = [Destination("email", "newsdesk@herald.example")]
    feed.add("pellow-quits", "Pellow quits Labour", PELLOW, in_feed=True, day=3)
    w = watcher(store, feed, mail, smtp=smtp)
    w.run(once=True)
    feed.add("vane-oduya-greens", "Vane-Oduya joins Greens", VANE, in_feed=False, day=4)
    w.run(once=True)
    w.close()
    again = watcher(store, feed, mail, smtp=smtp)
    again.run(once=True)
    again.close()
    assert box.refused == 2
    subjects = sorted(m["Subject"] for m in box.messages)
    assert len(subjects) == 2
    assert "Harriet Vane-Oduya" in subjects[0] and "Marcus Pellow" in subjects[1]
    body = box.messages[0].get_payload()
    assert "Sources:" in body and "Rotherham" in body
    assert {m["To"] for m in box.messages} == {"newsdesk@herald.example"}


# ------------------------------------------------------------------------------ failing feeds


def test_a_failing_feed_backs_off_obeys_retry_after_and_is_reported_once(
        store: Store, feed: FeedServer, caplog: pytest.LogCaptureFixture) -> None:
    feed.fail_with = (503, {"Retry-After": "120"})
    w = watcher(store, feed, [], every=0.2)
    with caplog.at_level(logging.INFO, logger="floorcross.watch"):
        first = w.run(once=True)[-1]
        second = w.run(once=True)[-1]
    assert first.outcomes[0].error == "HTTP 503 Service Unavailable"
    assert second.outcomes[0].status == "waiting"  # Retry-After: not asked again
    assert len(feed.feed_statuses()) == 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "503" in warnings[0].getMessage()
    assert sum("poll " in r.getMessage() for r in caplog.records) == 2  # one line per poll
    with read_session(store.engine) as session:
        row = session.execute(select(WatchFeed)).scalar_one()
    assert row.failures == 1 and row.next_poll_at is not None and row.last_error
    # A restart keeps the pause (it is in the database), then a recovered feed is read.
    feed.fail_with = None
    again = watcher(store, feed, [], every=0.2)
    assert again.run(once=True)[-1].outcomes[0].status == "waiting"
    with read_session(store.engine) as session:
        session.execute(select(WatchFeed)).scalar_one()
    from sqlalchemy import update

    from floorcross.store.db import write_session

    with write_session(store.engine) as session:  # as if the two minutes had passed
        session.execute(update(WatchFeed).values(next_poll_at=None))
    again.host_until.clear()
    assert again.run(once=True)[-1].outcomes[0].status == "200"
    again.close()
    w.close()


def test_an_entry_whose_page_fails_is_tried_again_then_given_up(
        store: Store, feed: FeedServer) -> None:
    feed.add("missing-page", "A story that went away", "", in_feed=False, day=3)
    feed.pages.clear()
    w = watcher(store, feed, [])
    for _ in range(4):
        w.run(once=True)
    w.close()
    page_gets = [p for p, _, _ in feed.log if p == "/news/missing-page"]
    assert len(page_gets) == 3
    with read_session(store.engine) as session:
        entry = session.execute(select(WatchEntry)).scalar_one()
    assert entry.status == "failed" and entry.attempts == 3 and "404" in entry.error
    # Once it is given up, the feed's validators are kept again: the last poll got a 304.
    assert feed.feed_statuses()[-1] == (304, 0)


def test_feed_lists_take_urls_and_comments(tmp_path: Path) -> None:
    listing = tmp_path / "feeds.txt"
    listing.write_text("# local papers\nhttps://a.example/rss  # the Argus\n\n"
                       "https://b.example/feed.xml#frag\nhttps://a.example/rss\n")
    assert feeds_from([str(listing), "https://c.example/atom"]) == (
        ["https://a.example/rss", "https://b.example/feed.xml#frag", "https://c.example/atom"],
        [])
    bad = tmp_path / "bad.txt"
    bad.write_text("ftp://x.example/feed\n")
    urls, problems = feeds_from([str(bad), str(tmp_path / "none.txt")])
    assert urls == [] and len(problems) == 2
    assert "line 1: not an http(s) URL" in problems[0] and "cannot read" in problems[1]


# ------------------------------------------------------------------------------ command line


def test_watch_once_from_a_config_file_then_alerts_lists_and_resends(
        tmp_path: Path, feed: FeedServer) -> None:
    from typer.testing import CliRunner

    from floorcross.cli import _register, app

    _register()
    hook = Receiver()
    feed.add("pellow-quits", "Pellow quits Labour", PELLOW, in_feed=True, day=3)
    db = str(tmp_path / "cli.db")
    listing = tmp_path / "feeds.txt"
    listing.write_text(f"# the Herald\n{feed.base}/news.rss\n")
    config = tmp_path / "watch.toml"
    config.write_text(f'sources = ["{listing}"]\nevery = "10m"\n'
                      f'[[webhook]]\nurl = "{hook.base}/hook"\ncouncil = "Rotherham"\n')
    runner = CliRunner()
    result = runner.invoke(app, ["watch", "--once", "--config", str(config), "--db", db])
    assert result.exit_code == 0, result.output
    assert "poll 1: 1 feed (1 polled); 1 new entry, 1 stored; changes: 1 new" in result.output
    assert people(hook.bodies) == ["Marcus Pellow"]

    listed = runner.invoke(app, ["alerts", "--format", "json", "--db", db])
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.stdout)
    assert row["status"] == "sent" and row["event"] == "new" and row["attempts"] == 1
    assert row["target"].endswith("/…")  # the hook's secret path is not shown
    resent = runner.invoke(app, ["alerts", "--resend", str(row["id"]), "--db", db])
    assert resent.exit_code == 0, resent.output
    assert len(hook.bodies) == 2 and hook.bodies[0] == hook.bodies[1]
    missing = runner.invoke(app, ["alerts", "--resend", "999", "--db", db])
    assert missing.exit_code == 1 and "not alerts" in missing.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[[webhook]]\nurl = "hooks.example"\n')
    refused = runner.invoke(app, ["watch", "--once", "--config", str(bad), "--db", db])
    assert refused.exit_code == 2 and "must be an http(s) URL" in refused.output
    hook.close()


def test_sigterm_stops_the_watcher_cleanly(tmp_path: Path, feed: FeedServer) -> None:
    import signal
    import subprocess
    import sys

    feed.add("pellow-quits", "Pellow quits Labour", PELLOW, in_feed=True, day=3)
    db = tmp_path / "sig.db"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "floorcross"), "watch", f"{feed.base}/news.rss", "--every", "1s",
         "--db", str(db)], stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if "poll 1:" in line:
            break
    proc.send_signal(signal.SIGTERM)
    _, rest = proc.communicate(timeout=30)
    assert proc.returncode == 0, "".join(lines) + rest
    assert "SIGTERM: stopping" in rest and "stopped after" in rest
    with open_store(str(db)) as s:
        assert [c.person for c in s.changes()] == ["Marcus Pellow"]


# ------------------------------------------------------------------------------ web app


def test_the_web_app_shows_the_feeds_and_the_front_page_can_update_itself(
        tmp_path: Path, feed: FeedServer) -> None:
    import re
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from floorcross.web import create_app

    db = str(tmp_path / "web.db")
    client = TestClient(create_app(db, secret_key="k" * 32))
    assert "No feed is watched yet" in client.get("/feeds").text
    before = client.get("/api/updates").json()["marker"]

    store = open_store(db)
    feed.add("pellow-quits", "Pellow quits Labour", PELLOW, in_feed=True, day=3)
    w = watcher(store, feed, [])
    w.run(once=True)
    w.close()
    store.close()

    page = client.get("/feeds")
    assert page.status_code == 200
    assert f"{feed.base}/news.rss" in page.text and "1 new entry, 1 article stored" in page.text
    [row] = client.get("/api/feeds").json()["items"]
    assert row["last_status"] == "200" and row["entries_read"] == 1 and row["failures"] == 0
    assert row["changes_found"] == 1 and row["last_polled_at"]

    after = client.get("/api/updates")
    assert after.headers["cache-control"] == "no-store"
    assert after.json()["marker"] != before
    home = client.get("/")
    assert f'data-live-marker="{after.json()["marker"]}"' in home.text
    assert '<script src="/static/live.js" defer></script>' in home.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", home.text)  # nothing inline
    assert "script-src 'self'" in home.headers["content-security-policy"]
    assert "Marcus Pellow" in home.text
    js = client.get("/static/live.js")
    assert js.status_code == 200 and "data-live-region" in js.text


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                    reason="browser tests need Debian's Chromium at /usr/bin/chromium")
def test_the_front_page_shows_a_new_change_without_a_reload(
        tmp_path: Path, feed: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from floorcross.web import create_app
    from floorcross.web.routes import changes

    monkeypatch.setattr(changes, "LIVE_EVERY_S", 2)
    db = str(tmp_path / "live.db")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db, secret_key="live test"),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"http://127.0.0.1:{port}/")
            assert "No changes match" in page.inner_text("#changes-list")
            page.evaluate("window.stillTheSamePage = true")
            store = open_store(db)
            feed.add("pellow-quits", "Pellow quits Labour", PELLOW, in_feed=True, day=3)
            w = watcher(store, feed, [])
            w.run(once=True)
            w.close()
            store.close()
            page.wait_for_selector("#changes-list article.change", timeout=15_000)
            assert "Marcus Pellow" in page.inner_text("#changes-list")
            assert page.evaluate("window.stillTheSamePage") is True  # no reload
            assert page.inner_text("#changes-count").startswith("1 change found")
            assert "Updated at" in page.inner_text("#live-status")
            assert errors == []  # nothing refused by the Content-Security-Policy
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)


def test_intervals_and_config_files_are_checked(tmp_path: Path) -> None:
    from floorcross.watch.config import ConfigError, load_toml, parse_duration

    assert parse_duration("15m") == 900 and parse_duration("1h30m") == 5400
    assert parse_duration("90s") == parse_duration("90") == 90
    for bad in ("soon", "15 minutes", "0s", ""):
        with pytest.raises(ConfigError):
            parse_duration(bad)
    good = tmp_path / "watch.toml"
    good.write_text('every = "5m"\n[smtp]\nhost = "mail.example"\nport = 587\nstarttls = true\n'
                    '[[email]]\nto = "desk@example.org"\nkind = "suspension"\n'
                    'min_confidence = "high"\n')
    config = load_toml(good)
    assert config.every == 300 and config.smtp.port == 587 and config.smtp.starttls
    [dest] = config.destinations
    assert dest.name == "email:desk@example.org"
    assert dest.filters == Filters(kinds=("suspension",), min_confidence="high")
    for text, message in (('[[email]]\nto = "desk"\n', "not an e-mail address"),
                          ('[[webhook]]\nurl = "https://h.example/x"\nkind = "coup"\n',
                           "unknown kind 'coup'"),
                          ('colour = "red"\n', "unknown setting 'colour'"),
                          ("every = \n", "not valid TOML")):
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        with pytest.raises(ConfigError, match=message):
            load_toml(bad)


def test_a_host_in_trouble_pauses_all_its_feeds_and_is_reported_once_an_hour(
        store: Store, feed: FeedServer, caplog: pytest.LogCaptureFixture) -> None:
    now = [1_800_000_000.0]
    feed.fail_with = (500, {})
    urls = [f"{feed.base}/news.rss", f"{feed.base}/news.rss?edition=late"]
    w = Watcher(store, urls, every=60.0, fetcher=Fetcher(min_interval=0.0), clock=lambda: now[0],
                sleep=lambda _s: None)

    def poll_at(minutes: float) -> list[str]:
        now[0] = 1_800_000_000.0 + minutes * 60
        return [o.status for o in w.poll().outcomes]

    with caplog.at_level(logging.WARNING, logger="floorcross.watch"):
        first = [poll_at(m) for m in range(16)]
        assert all(second == "waiting" for _, second in first)  # same host: not asked
        tried = [m for m, (status, _) in enumerate(first) if status == "500"]
        assert tried == [0, 1, 3, 7, 15]  # pauses doubling: 0, 1, 3, 7 polls skipped
        reports = [r.getMessage() for r in caplog.records]
        assert len(reports) == 1 and "HTTP 500" in reports[0]  # not on every poll
        assert poll_at(75)[0] == "500"  # an hour after the first report: reported again
        reports = [r.getMessage() for r in caplog.records]
    assert len(reports) == 2 and "still failing (6 polls in a row" in reports[1]
    feed.fail_with = None
    assert poll_at(106) == ["waiting", "waiting"]
    assert poll_at(107) == ["200", "200"]  # the pause over, the host answers: both read
    w.close()


def test_a_corrected_date_is_announced_and_a_rejection_is_not(
        store: Store, feed: FeedServer) -> None:
    hook = Receiver()
    feed.add("pellow-quits", "Pellow quits Labour", PELLOW, in_feed=True, day=3)
    feed.add("vane-oduya-greens", "Vane-Oduya joins Greens", VANE, in_feed=True, day=4)
    w = watcher(store, feed, [Destination("webhook", f"{hook.base}/hook")])
    w.run(once=True)
    pellow = next(c for c in store.changes() if c.person == "Marcus Pellow")
    vane = next(c for c in store.changes() if c.person == "Harriet Vane-Oduya")
    store.correct_change(pellow.id, "date", "2026-11-30", "editor", "the council's minutes")
    store.reject_change(vane.id, "editor", "a different Harriet")
    w.run(once=True)
    w.run(once=True)
    w.close()
    hook.close()
    events = [(b["event"], b["person"]["name"]) for b in hook.bodies]
    assert sorted(events[:2]) == [("new", "Harriet Vane-Oduya"), ("new", "Marcus Pellow")]
    assert events[2:] == [("updated", "Marcus Pellow")]  # the rejection is not announced
    update = hook.bodies[2]
    assert update["changed"] == ["date"] and update["date"] == "2026-11-30"
