#!/usr/bin/env python3
"""Ingest of a web archive of whole news pages, against decompressing the same file.

Builds a ``.warc.gz`` of N pages (default 3,000) as a crawler writes them (a request and a
response record per page, one gzip member per record): each page is one of our own synthetic
articles (``benchmarks/throughput.py``'s stream, a share of them, default 2%, reporting a change
of party) inside page chrome of real size, 60-150 KB: a head with scripts, a style sheet and
JSON-LD, navigation with hundreds of links, share buttons, related links and a footer. The
chrome comes from a dozen made-up sites, each with its own sections, scripts and styles.

It then runs, in the same session, each as its own process:

* ``gzip -dc FILE > /dev/null``: the floor, reading the file at all;
* ``floorcross ingest FILE --relevant-only`` into a fresh SQLite database;
* ``floorcross ingest FILE`` (every page parsed and stored) into another;

and prints pages/s, raw HTML MB/s, peak RSS (the process and its workers) and each run's time
as a multiple of the decompression's. Targets are read from this report; no test asserts them.

    .venv/bin/python benchmarks/archive.py                          # 3,000 pages, 2 workers
    .venv/bin/python benchmarks/archive.py --n 10000 --only relevant-only
    .venv/bin/python benchmarks/archive.py --office-chrome 0.2      # sites whose menus say "Council"
    .venv/bin/python benchmarks/archive.py --keep FILE.warc.gz      # keep the archive
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import stream

# Sections and topics of the made-up sites' menus: none names an office by default; a site
# with ``office`` (see --office-chrome) has a "Council" section, as many local papers do.
SECTIONS = ("News", "Sport", "Business", "Politics", "Opinion", "Lifestyle", "Culture", "Food",
            "Travel", "Health", "Education", "Property", "Motors", "Jobs", "Weather", "Traffic",
            "Crime", "Courts", "Environment", "Technology", "Money", "Entertainment", "TV",
            "Music", "Film", "Books", "Gardening", "Pets", "Obituaries", "Letters", "Puzzles",
            "Podcasts", "Video", "Photos", "Events", "What's On", "Schools", "Nostalgia")
PLACES = ("Harnby", "Eastwell", "Marlow Vale", "Copperton", "Saltings", "Brackwater", "Fenwick",
          "Oakhurst", "Ravensmoor", "Thistleby", "Upper Dene", "Wickam", "Yarrowford",
          "Ashcombe", "Birchley", "Coldharbour", "Dunsford", "Elmstead", "Foxley", "Greystone")
SPORTS = ("Football", "Rugby", "Cricket", "Tennis", "Golf", "Boxing", "Athletics", "Cycling",
          "Racing", "Hockey", "Netball", "Swimming", "Darts", "Snooker")
HEADLINES = ("Roadworks to close {place} high street for a week", "New bakery opens in {place}",
             "{place} school celebrates record exam results", "Flood defences finished at last",
             "Man charged after {place} break-in", "Bus timetable changes from Monday",
             "Ten things to do in {place} this weekend", "Rovers sign striker on loan",
             "House prices in {place} rise again", "Charity walk raises thousands",
             "Police appeal after car stolen in {place}", "Hospital car park fees frozen",
             "Farmers' market returns to {place}", "Library to open later on Thursdays",
             "Pictures: {place} carnival in full swing", "Review: a comedy at the Corn Exchange",
             "Dog rescued from river near {place}", "Plans for 200 homes on old mill site",
             "Weather warning for heavy rain", "Cricket club marks its 150th year")
JS_WORDS = ("window", "document", "function", "return", "var", "const", "let", "this",
            "prototype", "length", "push", "slot", "ad", "unit", "render", "config", "consent",
            "tracker", "event", "listener", "callback", "promise", "resolve", "timeout", "queue",
            "node", "element", "style", "width", "height", "offset", "scroll", "visible", "lazy",
            "image", "src", "data", "json", "parse", "string", "cookie", "banner", "analytics",
            "pixel", "frame", "target", "options", "default", "init", "load", "ready", "state")
CSS_PROPS = ("margin", "padding", "color", "background", "font-size", "line-height", "display",
             "border", "width", "max-width", "float", "position", "top", "z-index", "opacity",
             "text-align", "margin-left", "padding-right", "transition", "font-weight")
CSS_VALUES = ("0", "auto", "1rem", "12px", "#222", "#fafafa", "none", "block", "flex", "left",
              "right", "center", "relative", "absolute", "100%", "bold", "inherit", "1.4",
              "solid 1px #ddd", "all .2s ease")


@dataclass(frozen=True)
class Site:
    """A made-up news site: its name, host and the chrome every page of it carries."""

    name: str
    host: str
    head: str  # scripts and styles, before the page's own metadata
    nav: str
    footer: str


def _js(rng: random.Random, size: int) -> str:
    """Minified-looking script of about ``size`` characters."""
    parts, total = [], 0
    while total < size:
        a, b, c = rng.sample(JS_WORDS, 3)
        n = rng.randint(0, 999)
        part = rng.choice((f"var {a}{n}=function({b},{c}){{return {b}.{c}+{n}}};",
                           f"{a}.{b}({c},function(e){{e&&e.{c}({n})}});",
                           f"if({a}[{n}]){{{b}={a}[{n}].{c}}}else{{{b}=null}}",
                           f'{a}["{b}-{c}"]={{"{c}":{n},"{a}":"{b}"}};'))
        parts.append(part)
        total += len(part)
    return "".join(parts)


def _css(rng: random.Random, size: int) -> str:
    parts, total = [], 0
    while total < size:
        selector = f".{rng.choice(JS_WORDS)}-{rng.choice(JS_WORDS)}"
        body = ";".join(f"{rng.choice(CSS_PROPS)}:{rng.choice(CSS_VALUES)}"
                        for _ in range(rng.randint(2, 6)))
        parts.append(f"{selector}{{{body}}}\n")
        total += len(parts[-1])
    return "".join(parts)


def _link(href: str, label: str, cls: str = "nav-link") -> str:
    return f'<li class="{cls}"><a href="{href}" data-track="nav">{escape(label)}</a></li>'


def make_site(i: int, rng: random.Random, office: bool, scale: float = 1.0) -> Site:
    """Site ``i``'s chrome; ``scale`` shrinks its scripts, styles and menus (for fixtures)."""
    name = f"The {rng.choice(PLACES)} {rng.choice(('Herald', 'Gazette', 'Post', 'Echo', 'Mercury', 'Chronicle', 'Advertiser', 'Times'))}"
    host = f"www.{re.sub(r'[^a-z]', '', name.lower())}{i}.example"
    scripts = "".join(f'<script src="https://cdn.{host}/js/{rng.choice(JS_WORDS)}.{n}.js" '
                      f'async></script>' for n in range(rng.randint(6, 14)))
    inline = "".join(f"<script>{_js(rng, int(scale * rng.randint(3_000, 9_000)))}</script>"
                     for _ in range(rng.randint(2, 4)))
    head = (f'<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
            f'<link rel="stylesheet" href="https://cdn.{host}/css/main.css">{scripts}'
            f"<style>{_css(rng, int(scale * rng.randint(6_000, 16_000)))}</style>{inline}")
    sections = list(SECTIONS) + (["Council"] if office else [])
    links = []
    for section in sections:  # a mega-menu: each section with its places and topics
        slug = re.sub(r"[^a-z]+", "-", section.lower())
        links.append(_link(f"/{slug}/", section, "nav-section"))
        for sub in rng.sample(PLACES + SPORTS, max(1, int(scale * rng.randint(4, 10)))):
            links.append(_link(f"/{slug}/{sub.lower().replace(' ', '-')}/", f"{sub} {section}"))
    nav = (f'<header class="site-header"><a class="logo" href="/">{escape(name)}</a>'
           f'<button class="menu-toggle" aria-label="Menu">Menu</button>'
           f'<nav class="main-nav"><ul>{"".join(links)}</ul></nav>'
           '<form class="search" action="/search"><input name="q" placeholder="Search">'
           "</form></header>")
    footer_links = "".join(_link(f"/{w.lower().replace(' ', '-')}/", w, "footer-link") for w in (
        "About us", "Contact us", "Advertise", "Terms and conditions", "Privacy notice",
        "Cookie settings", "Corrections", "Complaints", "Newsletters", "Archive", "Sitemap",
        "Careers", "Announcements", "Buy a photo", "Subscribe", "Help"))
    footer = (f'<footer class="site-footer"><ul>{footer_links}</ul>'
              f"<p>&copy; 2024 {escape(name)}. All rights reserved. Registered in England and "
              "Wales.</p><p>We use cookies to improve your experience and to show you "
              "relevant advertising. Find out more in our cookie notice.</p></footer>"
              f"<script>{_js(rng, int(scale * rng.randint(2_000, 6_000)))}</script>")
    return Site(name, host, head, nav, footer)


DATE_STYLES = ("meta", "json-ld", "url", "time", "none")


def page_html(article: dict[str, object], site: Site, rng: random.Random,
              date_style: str = "meta") -> tuple[str, str]:
    """The URL and HTML of one page carrying ``article``; ``date_style``: where the page gives
    its publication date (a meta tag, JSON-LD only, the URL, a ``<time pubdate>``, or nowhere;
    ``article["published"]`` None: nowhere)."""
    text = str(article["text"])
    lines = [line for line in text.split("\n") if line.strip()]
    title = str(article["title"])
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
    day = article.get("published")
    if not day:
        date_style = "none"
    path = f"/news/{str(day).replace('-', '/')}/" if date_style == "url" else "/news/"
    url = f"https://{site.host}{path}{slug}-{article['id']}"
    published = f"{day}T{rng.randint(6, 21):02d}:{rng.randint(0, 59):02d}:00Z"
    ld: dict[str, object] = {"@context": "https://schema.org", "@type": "NewsArticle",
                             "headline": title,
                             "publisher": {"@type": "Organization", "name": site.name}}
    if date_style in ("meta", "json-ld"):
        ld["datePublished"] = published
    meta = (f"<title>{escape(title)} | {escape(site.name)}</title>"
            f'<link rel="canonical" href="{url}">'
            f'<meta property="og:title" content="{escape(title)}">'
            f'<meta property="og:site_name" content="{escape(site.name)}">'
            + (f'<meta property="article:published_time" content="{published}">'
               if date_style == "meta" else "")
            + f'<meta name="description" content="{escape(lines[0][:150])}">'
            '<script type="application/ld+json">' + json.dumps(ld) + "</script>")
    byline_date = (f'<time datetime="{published}" pubdate>{day}</time>'
                   if date_style == "time" else "")
    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    places = rng.sample(PLACES, 8)
    related = "".join(
        f'<li><a href="/news/related-{rng.randint(1, 10**6)}"><img src="/img/{n}.jpg" alt="">'
        f"{escape(rng.choice(HEADLINES).format(place=places[n % 8]))}</a></li>"
        for n in range(rng.randint(12, 30)))
    share = "".join(f'<a class="share share-{s}" href="https://{s}.example/share?u={url}">'
                    f"Share on {s.title()}</a>" for s in ("facebook", "x", "whatsapp", "email"))
    html = (f'<!DOCTYPE html><html lang="en-GB"><head>{site.head}{meta}</head>'
            f'<body class="article-page">{site.nav}<main><article class="story">'
            f'<h1 class="headline">{escape(title)}</h1><div class="byline">By '
            f"{escape(site.name)} reporter {byline_date}</div>"
            f'<div class="share-bar">{share}</div>'
            f'<figure><img src="/img/lead.jpg" alt=""><figcaption>{escape(places[0])} '
            f'(file picture)</figcaption></figure><div class="story-body">{body}</div></article>'
            f'<aside class="related"><h2>More from {escape(site.name)}</h2><ul>{related}</ul>'
            f"</aside></main>{site.footer}</body></html>")
    return url, html


def write_fixture_pages(folder: Path, out: Path, seed: int = 16) -> int:
    """An HTML page (compact chrome, the date given in each of DATE_STYLES in turn) for every
    annotated article of ``folder``: ``out/NAME.html``. Returns the pages written."""
    rng = random.Random(seed)
    sites = [make_site(i, rng, office=False, scale=0.05) for i in range(4)]
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for i, path in enumerate(sorted(folder.glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        match = re.match(r" date (\d{4}-\d{2}-\d{2}) ?", text)
        body = (text[match.end():] if match else text).lstrip()
        title, _, rest = body.partition("\n")
        article = {"text": rest, "title": title.strip(), "id": i,
                   "published": match.group(1) if match else None}
        _, html = page_html(article, sites[i % len(sites)], rng,
                            DATE_STYLES[i % len(DATE_STYLES)])
        (out / f"{path.stem}.html").write_text(html, encoding="utf-8")
        written += 1
    return written


def _record(kind: str, url: str, payload: bytes, n: int) -> bytes:
    """One WARC record, uncompressed."""
    headers = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {url}\r\n"
               f"WARC-Date: 2024-06-01T12:00:{n % 60:02d}Z\r\n"
               f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{n:012d}>\r\n"
               f"Content-Type: application/http; msgtype={kind}\r\n"
               f"Content-Length: {len(payload)}\r\n\r\n")
    return headers.encode() + payload + b"\r\n\r\n"


def pages(n: int, share: float, office_chrome: float, seed: int = 16
          ) -> Iterator[tuple[str, bytes]]:
    """``(url, html)`` for N pages of the archive, generated one at a time."""
    rng = random.Random(seed)
    sites = [make_site(i, rng, office=i < round(12 * office_chrome)) for i in range(12)]
    for article in stream(n, share, seed=seed):
        url, html = page_html(article, rng.choice(sites), rng)
        yield url, html.encode()


def write_archive(path: Path, n: int, share: float, office_chrome: float) -> tuple[int, int]:
    """Write the archive (a gzip member per record); return (pages, bytes of raw HTML)."""
    raw = 0
    with path.open("wb") as fh:
        for i, (url, html) in enumerate(pages(n, share, office_chrome)):
            raw += len(html)
            request = (f"GET {url.split('/', 3)[3]} HTTP/1.1\r\nHost: {url.split('/')[2]}\r\n"
                       "User-Agent: floorcross-bench\r\n\r\n").encode()
            response = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                        + f"Content-Length: {len(html)}\r\n\r\n".encode() + html)
            for j, (kind, payload) in enumerate((("request", request),
                                                 ("response", response))):
                fh.write(gzip.compress(_record(kind, url, payload, 2 * i + j), 6))
    return n, raw


def _tree_rss(proc: object) -> tuple[int, int]:
    import psutil

    assert isinstance(proc, psutil.Process)
    try:
        procs = [proc, *proc.children(recursive=True)]
        rss = [p.memory_info().rss for p in procs if p.is_running()]
    except psutil.Error:
        return 0, 0
    return (sum(rss), max(rss)) if rss else (0, 0)


def timed(args: list[str], stdout: object = subprocess.DEVNULL) -> dict[str, object]:
    """Run ``args``; wall seconds, stderr's summary line and memory samples (every 0.1 s)."""
    import psutil

    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=stdout, stderr=subprocess.PIPE, text=True, env=env)
    parent = psutil.Process(proc.pid)
    samples: list[tuple[int, int]] = []
    while proc.poll() is None:
        if (rss := _tree_rss(parent))[0]:
            samples.append(rss)
        time.sleep(0.1)
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args[:6])} failed ({proc.returncode}):\n{err}")
    summary = [line for line in err.splitlines() if " read: " in line]
    return {"seconds": seconds, "summary": summary[-1] if summary else err.strip()[-300:],
            "peak_rss": max((s[0] for s in samples), default=0),
            "peak_rss_one": max((s[1] for s in samples), default=0),
            "quarters": [samples[min(len(samples) - 1, int(len(samples) * q))][0]
                         for q in (0.25, 0.5, 0.75)] if samples else []}


def _mib(n: float) -> float:
    return round(n / 2**20, 1)


def ingest_args(path: Path, db: Path, workers: int, relevant_only: bool) -> list[str]:
    return [sys.executable, "-c", "from floorcross.cli import main; main()", "ingest",
            str(path), "--db", str(db), "--workers", str(workers),
            "--relevant-only" if relevant_only else "--keep-irrelevant"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=3000, help="pages (default 3000)")
    parser.add_argument("--relevant-share", type=float, default=0.02,
                        help="share of pages reporting a change (default 0.02)")
    parser.add_argument("--office-chrome", type=float, default=0.0,
                        help="share of the sites whose menus name an office (a 'Council' "
                             "section), so that every page of theirs passes the byte scan")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--only", choices=("relevant-only", "plain"),
                        help="run one of the two ingests")
    parser.add_argument("--keep", type=Path, help="write the archive here and keep it")
    parser.add_argument("--archive", type=Path, help="use this archive instead of building one")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--write-pages", nargs=2, type=Path, metavar=("ARTICLES", "OUT"),
                        help="write a page for each article of ARTICLES into OUT and stop "
                             "(how tests/fixtures/pages was made)")
    args = parser.parse_args(argv)
    if args.write_pages:
        count = write_fixture_pages(*args.write_pages)
        print(f"wrote {count} pages to {args.write_pages[1]}")
        return 0
    if args.n < 1 or not 0 <= args.relevant_share <= 1 or args.workers < 1:
        parser.error("--n and --workers must be at least 1, --relevant-share within 0..1")

    with tempfile.TemporaryDirectory(prefix="floorcross-archive-") as tmp:
        path = args.archive or args.keep or Path(tmp) / "crawl.warc.gz"
        started = time.perf_counter()
        if args.archive:
            n, raw = _count(path)
        else:
            n, raw = write_archive(path, args.n, args.relevant_share, args.office_chrome)
        build = time.perf_counter() - started
        size = path.stat().st_size
        runs: dict[str, dict[str, object]] = {
            "decompress": timed(["gzip", "-dc", str(path)])}
        modes = [args.only] if args.only else ["relevant-only", "plain"]
        for mode in modes:
            db = Path(tmp) / f"{mode}.db"
            runs[mode] = timed(ingest_args(path, db, args.workers, mode == "relevant-only"))
            runs[mode]["database_bytes"] = db.stat().st_size if db.exists() else 0
    floor = float(runs["decompress"]["seconds"])  # type: ignore[arg-type]
    figures: dict[str, object] = {
        "pages": n, "relevant_share": args.relevant_share, "office_chrome": args.office_chrome,
        "workers": args.workers, "archive_mib": _mib(size), "raw_html_mib": _mib(raw),
        "mean_page_kib": round(raw / n / 1024, 1), "build_seconds": round(build, 1),
        "cpus_available": len(os.sched_getaffinity(0)),
        "load_average_1min": round(os.getloadavg()[0], 2), "runs": {}}
    for name, run in runs.items():
        seconds = float(run["seconds"])  # type: ignore[arg-type]
        figures["runs"][name] = {  # type: ignore[index]
            "seconds": round(seconds, 2), "pages_per_s": round(n / seconds, 1),
            "raw_mb_per_s": round(raw / seconds / 1e6, 1),
            "times_decompression": round(seconds / floor, 2),
            "peak_rss_mib": _mib(run["peak_rss"]),  # type: ignore[arg-type]
            "peak_rss_mib_largest_process": _mib(run["peak_rss_one"]),  # type: ignore[arg-type]
            "rss_mib_at_quarters": [_mib(q) for q in run["quarters"]],  # type: ignore[attr-defined]
            "summary": run["summary"] if name != "decompress" else "",
        }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"archive: {n} pages ({args.relevant_share:.0%} relevant, {args.office_chrome:.0%} of "
          f"sites with an office in their menus), {figures['archive_mib']} MiB gzip, "
          f"{figures['raw_html_mib']} MiB of HTML ({figures['mean_page_kib']} KiB a page); "
          f"--workers {args.workers}, {figures['cpus_available']} CPUs")
    print(f"  {'run':<16}{'seconds':>9}{'pages/s':>10}{'HTML MB/s':>11}{'x gzip -dc':>12}"
          f"{'peak RSS MiB':>14}")
    for name, f in figures["runs"].items():  # type: ignore[attr-defined]
        print(f"  {name:<16}{f['seconds']:>9}{f['pages_per_s']:>10}{f['raw_mb_per_s']:>11}"
              f"{f['times_decompression']:>12}{f['peak_rss_mib']:>14}")
    for name, f in figures["runs"].items():  # type: ignore[attr-defined]
        if f["summary"]:
            print(f"  {name}: {f['summary']}")
            print(f"    RSS at 1/4, 1/2, 3/4 of the run: {f['rss_mib_at_quarters']} MiB "
                  f"(largest process {f['peak_rss_mib_largest_process']} MiB)")
    print(f"  (1-minute load average at the end: {figures['load_average_1min']}; other work "
          "on the machine lowers these figures)")
    return 0


def _count(path: Path) -> tuple[int, int]:
    """Pages and bytes of HTML in an existing archive (HTML responses)."""
    from warcio.archiveiterator import ArchiveIterator

    n = raw = 0
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                n += 1
                raw += len(record.content_stream().read())
    return n, raw


if __name__ == "__main__":
    sys.exit(main())
