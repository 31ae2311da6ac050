"""``floorcross watch``: time from an entry appearing in a feed to its webhook arriving, and
memory over many polls.

Everything is local: 20 RSS feeds on a ThreadingHTTPServer on 127.0.0.1 (with ETags, so an
unchanged feed answers 304) and a webhook receiver, with the real extractor and a SQLite file.

1. Latency: the watcher polls every ``--every`` seconds; entries (about made-up councillors)
   appear in the feeds one at a time, half with their text in the feed, half only on the linked
   page. For each, the script prints the time from the entry appearing to its alert arriving,
   and from the start of the poll that saw it (the feed request answered with the entry) to the
   alert arriving. The target is under 5 s past the poll that sees it.
2. Memory: ``--polls`` polls of the 20 feeds back to back (a new entry every 100 polls), the
   process's resident memory printed along the way: it should stay flat.

    python benchmarks/watch.py                 # 1,000 polls of 20 feeds
    python benchmarks/watch.py --polls 200 --entries 4
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIRST = ("Alys", "Bryn", "Carys", "Dafydd", "Elin", "Ffion", "Gethin", "Heledd", "Iwan", "Lowri")
LAST = ("Pennant", "Treharne", "Maddock", "Gwilt", "Rhydderch", "Bevan", "Prosser", "Vaughan")
COUNCILS = ("Stockport Council", "Rotherham Council", "Wirral Council", "Luton Council",
            "Darlington Borough Council", "Cardiff Council")
MOVES = (("Labour", "the Green Party"), ("the Conservatives", "Reform UK"),
         ("the Liberal Democrats", "Labour"), ("Plaid Cymru", "the Liberal Democrats"))


def story(n: int) -> tuple[str, str]:
    name = f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]}"
    old, new = MOVES[n % len(MOVES)]
    council = COUNCILS[n % len(COUNCILS)]
    text = (f"Councillor {name} has left {old} and joined {new}, becoming the latest member "
            f"of {council} to cross the floor. Cllr {name} announced the move on {1 + n % 27} "
            f"November 2026, saying local people deserved a party that listened to them on "
            f"housing and bus routes.")
    return f"{name} crosses the floor", text


class Feeds:
    def __init__(self, count: int) -> None:
        self.lock = threading.Lock()
        self.entries: dict[int, list[dict[str, Any]]] = {i: [] for i in range(count)}
        self.pages: dict[str, bytes] = {}
        self.served: list[tuple[float, str, int, int]] = []  # time, path, status, bytes
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.feeds = self  # type: ignore[attr-defined]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def urls(self) -> list[str]:
        return [f"{self.base}/feed/{i}.rss" for i in self.entries]

    def add(self, feed: int, n: int, in_feed: bool) -> str:
        title, text = story(n)
        link = f"{self.base}/story/{n}"
        with self.lock:
            if not in_feed:
                self.pages[f"/story/{n}"] = (f"<html><head><title>{title}</title></head><body>"
                                             f"<article><h1>{title}</h1><p>{text}</p>"
                                             "</article></body></html>").encode()
            self.entries[feed].insert(0, {"id": f"urn:bench:{n}", "title": title, "link": link,
                                          "text": text if in_feed else None})
            del self.entries[feed][20:]
        return link

    def rss(self, feed: int) -> bytes:
        items = "".join(
            f"<item><title>{e['title']}</title><link>{e['link']}</link><guid>{e['id']}</guid>"
            + (f"<content:encoded><![CDATA[<p>{e['text']}</p>]]></content:encoded>"
               if e["text"] else "<description>More soon.</description>") + "</item>"
            for e in self.entries[feed])
        return ('<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/'
                f'1.0/modules/content/"><channel><title>Bench {feed}</title>{items}'
                "</channel></rss>").encode()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *_: Any) -> None:
        pass

    def do_GET(self) -> None:
        feeds: Feeds = self.server.feeds  # type: ignore[attr-defined]
        status, body, headers = 404, b"", {}
        if self.path.startswith("/feed/"):
            with feeds.lock:
                body = feeds.rss(int(self.path.split("/")[2].split(".")[0]))
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            headers = {"ETag": etag, "Content-Type": "application/rss+xml"}
            status = 200
            if self.headers.get("If-None-Match") == etag:
                status, body = 304, b""
        elif self.path in feeds.pages:
            status, body = 200, feeds.pages[self.path]
            headers = {"Content-Type": "text/html"}
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with feeds.lock:
            feeds.served.append((time.time(), self.path, status, len(body)))
            del feeds.served[:-5000]


class Hook:
    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _HookHandler)
        self.httpd.hook = self  # type: ignore[attr-defined]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"


class _HookHandler(BaseHTTPRequestHandler):
    def log_message(self, *_: Any) -> None:
        pass

    def do_POST(self) -> None:
        hook: Hook = self.server.hook  # type: ignore[attr-defined]
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with hook.lock:
            for url in body["source_urls"]:
                hook.arrived.setdefault(url, time.time())
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--polls", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=6, help="entries timed for latency")
    parser.add_argument("--every", type=float, default=2.0, help="poll interval (latency run)")
    args = parser.parse_args()

    from floorcross.sources import Fetcher
    from floorcross.store import open_store
    from floorcross.watch import Destination, Watcher

    feeds, hook = Feeds(args.feeds), Hook()
    workdir = Path(tempfile.mkdtemp(prefix="fc-watch-bench-"))
    store = open_store(str(workdir / "watch.db"))
    watcher = Watcher(store, feeds.urls(), destinations=[Destination("webhook", hook.url)],
                      every=args.every, fetcher=Fetcher(min_interval=0.0))
    watcher.extraction()
    from floorcross.extract import extract_many

    extract_many([(story(999)[1], None, None)])  # load the model before timing
    n = 0
    watcher.poll()  # the first poll reads every feed in full

    print(f"1. latency: {args.feeds} feeds polled every {args.every:g}s, "
          f"{args.entries} entries appearing one at a time")
    stop = threading.Event()
    runner = threading.Thread(target=watcher.run, kwargs={"stop": stop}, daemon=True)
    runner.start()
    since_entry, since_poll = [], []
    for i in range(args.entries):
        time.sleep(args.every * 0.37)  # at some point inside the interval
        feed, in_feed = (i * 7) % args.feeds, i % 2 == 0
        appeared = time.time()
        link = feeds.add(feed, n, in_feed)
        n += 1
        deadline = time.time() + args.every + 60
        while link not in hook.arrived and time.time() < deadline:
            time.sleep(0.01)
        if link not in hook.arrived:
            print(f"   entry {i + 1}: no alert within {args.every + 60:g}s")
            continue
        arrived = hook.arrived[link]
        with feeds.lock:
            seen = min(t for t, path, status, _ in feeds.served
                       if path == f"/feed/{feed}.rss" and status == 200 and t >= appeared)
        since_entry.append(arrived - appeared)
        since_poll.append(arrived - seen)
        where = "text in the feed" if in_feed else "text on the linked page"
        print(f"   entry {i + 1} ({where}): alert {arrived - appeared:5.2f}s after it appeared, "
              f"{arrived - seen:5.2f}s after the poll that saw it")
    stop.set()
    runner.join()
    if since_poll:
        print(f"   past the poll that saw it: median {statistics.median(since_poll):.2f}s, "
              f"max {max(since_poll):.2f}s (target < 5s); from the entry appearing: median "
              f"{statistics.median(since_entry):.2f}s, max {max(since_entry):.2f}s "
              f"(includes waiting for the next poll)")

    print(f"2. memory: {args.polls} polls of {args.feeds} feeds, back to back "
          "(a new entry every 100 polls)")
    watcher.every = 0.0
    start_polls, began = watcher.polls, time.perf_counter()
    marks = sorted({1, 10, 100, args.polls // 2, args.polls} - {0})
    before = rss_mb()
    first = None
    for done in range(1, args.polls + 1):
        if done % 100 == 0:
            feeds.add(done % args.feeds, n, done % 200 == 0)
            n += 1
        watcher.poll()
        if done in marks:
            now = rss_mb()
            first = first or now
            print(f"   after {done:5d} polls: {now:7.1f} MB resident "
                  f"({(time.perf_counter() - began) / done * 1000:.1f} ms a poll)")
    with feeds.lock:
        recent = [s for _, p, s, _ in feeds.served if p.startswith("/feed/")][-args.feeds * 50:]
    print(f"   resident memory: {before:.1f} MB before, {rss_mb():.1f} MB after "
          f"{watcher.polls - start_polls} polls ({(rss_mb() - (first or before)):+.1f} MB since "
          f"the first); {recent.count(304) / max(1, len(recent)):.0%} of the recent feed "
          f"requests were 304s; {len(hook.arrived)} alerts delivered")
    watcher.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
