#!/usr/bin/env python3
"""Main-text extractors on whole pages: trafilatura, trafilatura's fast mode, Resiliparse.

For every page of the folders given (default ``tests/fixtures/pages``: our fixture articles
inside page chrome, the date given in five different ways), each extractor makes an article
(text, title, date), the extractor makes a record of each, and the records are compared with
trafilatura's (what ``floorcross`` used for every page until now), leaving out only the
character offsets of evidence and quotes (the texts differ in lines such as a caption, which
move them). Prints milliseconds per page and how many records are identical.

    .venv/bin/python benchmarks/html_extractors.py
    .venv/bin/python benchmarks/html_extractors.py tests/fixtures/pages --json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from floorcross.sources.common import host_of, iso_date
from floorcross.sources.html import (
    _date_params,
    article_from_html,
    article_from_html_fast,
    with_title,
)
from floorcross.sources.models import SourceArticle, SourceProblem

ROOT = Path(__file__).resolve().parent.parent


def trafilatura_fast(html: bytes, url: str | None, origin: str, *, doc: str | None = None
                     ) -> SourceArticle | SourceProblem:
    """:func:`article_from_html` with trafilatura's ``fast`` option (no fallback extractors)."""
    result = trafilatura.bare_extraction(html, url=url, with_metadata=True, fast=True,
                                         include_comments=False,
                                         date_extraction_params=_date_params())
    text = ((result.text if result is not None else None) or "").strip()
    if not text:
        return SourceProblem(origin=origin, reason="no main text found in HTML")
    title = (result.title or "").strip() or None
    return SourceArticle(doc=doc or origin, text=with_title(title, text),
                         published=iso_date(result.date), title=title, url=result.url or url,
                         outlet=(result.sitename or "").strip() or host_of(url), origin=origin)


EXTRACTORS: dict[str, Callable[..., SourceArticle | SourceProblem]] = {
    "trafilatura": article_from_html,
    "trafilatura-fast": trafilatura_fast,
    "resiliparse": article_from_html_fast,
}


def comparable(record: Any) -> Any:
    """A record's dump without character offsets."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("start", "end")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return strip(record.model_dump())


def measure(folders: list[Path]) -> dict[str, Any]:
    from floorcross.extract import extract_many

    pages = [(p.stem, p.read_bytes()) for f in folders for p in sorted(f.glob("*.html"))]
    out: dict[str, Any] = {"pages": len(pages), "extractors": {}}
    records: dict[str, list[Any]] = {}
    for name, fn in EXTRACTORS.items():
        fn(pages[0][1], None, "warm-up")
        started = time.perf_counter()
        articles = [fn(html, None, stem, doc=stem) for stem, html in pages]
        seconds = time.perf_counter() - started
        texts = [(a.text, a.published, a.doc) if isinstance(a, SourceArticle) else ("", None, s)
                 for a, (s, _) in zip(articles, pages, strict=True)]
        records[name] = [comparable(r) for r in extract_many(texts)]
        out["extractors"][name] = {"ms_per_page": round(1000 * seconds / len(pages), 2),
                                   "problems": sum(isinstance(a, SourceProblem)
                                                   for a in articles),
                                   "published": sum(isinstance(a, SourceArticle)
                                                    and a.published is not None
                                                    for a in articles)}
    for name in EXTRACTORS:
        same = [a == b for a, b in zip(records[name], records["trafilatura"], strict=True)]
        out["extractors"][name]["records_identical"] = sum(same)
        out["extractors"][name]["differing"] = [s for (s, _), ok in zip(pages, same,
                                                                        strict=True) if not ok]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path,
                        default=[ROOT / "tests" / "fixtures" / "pages"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = measure(args.folders)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{figures['pages']} pages ({', '.join(str(f) for f in args.folders)})")
    print(f"  {'extractor':<18}{'ms/page':>9}{'identical records':>19}{'dated':>7}")
    for name, f in figures["extractors"].items():
        print(f"  {name:<18}{f['ms_per_page']:>9}{f['records_identical']:>12}/"
              f"{figures['pages']:<6}{f['published']:>7}")
        for stem in f["differing"]:
            print(f"    differs: {stem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
