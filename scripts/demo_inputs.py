"""Write the example articles in the other shapes `floorcross ingest` reads, for `make demo`.

From ``examples/articles/*.txt`` this writes, under the output folder:

- ``html/NAME.html``: each article as a small news page (headline, date, body in <article>);
- ``examples.rss``: an RSS 2.0 feed carrying every article in full (content:encoded);
- ``examples.warc.gz``: a web archive with each page as an HTTP response.

The same stories in several shapes show that ingest stores each article once, however many
times and ways it arrives.

Usage: python scripts/demo_inputs.py [--articles examples/articles] [--out demo-out/inputs]
"""

from __future__ import annotations

import argparse
import html
import io
import re
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HEADER = re.compile(r"^ date (\d{4}-\d{2}-\d{2})[ \t]*(.*)$")
SITE = "https://news.example.org"


def split_article(text: str) -> tuple[str | None, str, list[str]]:
    """(published, headline, paragraphs) of one of our plain-text articles."""
    lines = [line.strip() for line in text.splitlines()]
    published = None
    first = HEADER.match(text.splitlines()[0]) if text else None
    if first:
        published = first.group(1)
        lines[0] = first.group(2).strip()
    lines = [line for line in lines if line]
    return published, lines[0], lines[1:]


def page(headline: str, published: str | None, paragraphs: list[str], url: str) -> str:
    date_meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(headline)} | Example News</title>
<meta property="og:title" content="{html.escape(headline)}">
<meta property="og:site_name" content="Example News">
{date_meta}
<link rel="canonical" href="{url}">
</head><body>
<nav><a href="/">Home</a> <a href="/politics">Politics</a></nav>
<article><h1>{html.escape(headline)}</h1>
{body}
</article>
<footer>Example News is a demonstration site.</footer>
</body></html>
"""


def feed(items: list[tuple[str, str | None, str, str]]) -> str:
    entries = []
    for url, published, headline, content in items:
        when = ""
        if published:
            stamp = datetime.fromisoformat(published).replace(hour=9, tzinfo=UTC)
            when = f"<pubDate>{format_datetime(stamp)}</pubDate>"
        entries.append(
            f"<item><title>{html.escape(headline)}</title><link>{url}</link><guid>{url}</guid>{when}"
            f"<content:encoded><![CDATA[{content}]]></content:encoded></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            f"<title>Example News: politics</title><link>{SITE}/politics</link>"
            "<description>Demonstration feed</description>" + "".join(entries) + "</channel></rss>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", default="examples/articles")
    parser.add_argument("--out", default="demo-out/inputs")
    args = parser.parse_args()
    out = Path(args.out)
    (out / "html").mkdir(parents=True, exist_ok=True)
    items = []
    with open(out / "examples.warc.gz", "wb") as raw:
        writer = WARCWriter(raw, gzip=True)
        for path in sorted(Path(args.articles).glob("*.txt")):
            published, headline, paragraphs = split_article(path.read_text(encoding="utf-8"))
            url = f"{SITE}/politics/{path.stem.replace('_', '-')}"
            document = page(headline, published, paragraphs, url)
            (out / "html" / f"{path.stem}.html").write_text(document, encoding="utf-8")
            body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
            items.append((url, published, headline, body))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(document.encode("utf-8")),
                                               http_headers=headers)
            writer.write_record(record)
    (out / "examples.rss").write_text(feed(items), encoding="utf-8")
    print(f"wrote {len(items)} articles as HTML pages, an RSS feed and a WARC archive under {out}")


if __name__ == "__main__":
    main()
