#!/usr/bin/env python3
"""Does the prefilter keep every change? Recall over annotated folders (NAME.txt + NAME.gold.json).

For each gold event the article must pass the prefilter, and the sentence that states the
change must be inside the candidate windows it passes on: the gold evidence spans where the
gold file gives them, else a sentence naming the person (any part of the name, which is how
"Cllr Khan" or "the five are A, B and C" are found). With ``--extractor``, the evidence of every
event the extractor finds in the whole article must be inside the windows too. The byte-level
scan that runs before HTML parsing (:mod:`floorcross.bytescan`) must pass every relevant
article too, both as its raw text and as an HTML page carrying it (scripts and styles around).

    .venv/bin/python benchmarks/prefilter_recall.py tests/fixtures/articles examples/articles
    .venv/bin/python benchmarks/prefilter_recall.py ../shared/corpus/seeds ../shared/corpus/dev
    .venv/bin/python benchmarks/prefilter_recall.py FOLDER... --extractor --json

Exit status 1 when any gold event is lost (so it can gate CI). Prints counts and the names of
lost events only: never the corpus text.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from floorcross.bytescan import is_candidate_bytes
from floorcross.prefilter import prefilter


@dataclass
class Recall:
    articles: int = 0
    relevant_articles: int = 0
    relevant_passed: int = 0
    irrelevant_passed: int = 0
    events: int = 0
    events_kept: int = 0
    extractor_events: int = 0
    extractor_kept: int = 0
    bytes_passed: int = 0  # relevant articles the byte scan passes, as text and as a page
    byte_seconds: float = 0.0
    window_chars: int = 0
    text_chars: int = 0
    seconds: float = 0.0
    lost: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = dict(self.__dict__)
        out["event_recall"] = _ratio(self.events_kept, self.events)
        out["article_recall"] = _ratio(self.relevant_passed, self.relevant_articles)
        out["irrelevant_pass_rate"] = _ratio(self.irrelevant_passed,
                                             self.articles - self.relevant_articles)
        out["window_share"] = _ratio(self.window_chars, self.text_chars)
        out["byte_scan_article_recall"] = _ratio(self.bytes_passed, self.relevant_articles)
        return out


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def annotated(folders: Sequence[Path]) -> Iterator[tuple[str, str, dict]]:
    """``(name, text, gold)`` for every ``NAME.txt`` with a ``NAME.gold.json`` beside it."""
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            gold_path = path.with_name(path.stem + ".gold.json")
            if gold_path.exists():
                yield (path.stem, path.read_text(encoding="utf-8"),
                       json.loads(gold_path.read_text(encoding="utf-8")))


def _names(value: object) -> list[str]:
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return [value] if isinstance(value, str) and value.strip() else []


def covered(span: tuple[int, int], windows: Sequence[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in windows)


def event_kept(text: str, event: dict, windows: Sequence[tuple[int, int]]) -> bool:
    """True when the sentence stating ``event`` is inside ``windows``."""
    if not windows:
        return False
    evidence = event.get("evidence") or []
    if evidence:
        return all(covered((e["start"], e["end"]), windows) for e in evidence)
    inside = " ".join(text[s:e] for s, e in windows)
    parts = {w for name in _names(event.get("person")) for w in name.split() if len(w) > 1}
    return any(part in inside for part in parts)


def as_page(text: str) -> bytes:
    """An HTML page carrying ``text``, a paragraph a line, with a script and a style."""
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line)
    return ("<!DOCTYPE html><html><head><title>News</title><script>var a=1;</script>"
            "<style>p{margin:0}</style></head><body><nav><a href='/'>Home</a></nav>"
            f"<article>{paragraphs}</article><footer>Contact us</footer></body></html>"
            ).encode()


def bytes_pass(text: str) -> bool:
    return is_candidate_bytes(text.encode("utf-8")) and is_candidate_bytes(as_page(text))


def measure(folders: Sequence[Path], with_extractor: bool = False) -> Recall:
    result = Recall()
    scan = prefilter()
    items = list(annotated(folders))
    started = time.perf_counter()
    windows = [scan.windows(text) for _, text, _ in items]
    result.seconds = round(time.perf_counter() - started, 4)
    started = time.perf_counter()
    byte_passes = [bytes_pass(text) for _, text, _ in items]
    result.byte_seconds = round(time.perf_counter() - started, 4)
    records = []
    if with_extractor:
        from floorcross.extract import extract_many

        records = extract_many([(text, None, name) for name, text, _ in items])
    for i, ((name, text, gold), found) in enumerate(zip(items, windows, strict=True)):
        result.articles += 1
        result.text_chars += len(text)
        result.window_chars += sum(e - s for s, e in found)
        relevant = bool(gold.get("events"))
        result.relevant_articles += relevant
        result.relevant_passed += relevant and bool(found)
        result.irrelevant_passed += (not relevant) and bool(found)
        result.bytes_passed += relevant and byte_passes[i]
        if relevant and not byte_passes[i]:
            result.lost.append(f"{name}: rejected by the byte scan")
        for event in gold.get("events", []):
            result.events += 1
            if event_kept(text, event, found):
                result.events_kept += 1
            else:
                result.lost.append(f"{name}: {event.get('kind')} of {_names(event.get('person'))}")
        for event in records[i].events if records else []:
            result.extractor_events += 1
            spans = [(e.start, e.end) for e in event.evidence]
            if all(covered(span, found) for span in spans):
                result.extractor_kept += 1
            else:
                result.lost.append(f"{name}: extractor's {event.kind} of {event.person}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path, help="annotated folders")
    parser.add_argument("--extractor", action="store_true",
                        help="also check the evidence of the extractor's own events")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    missing = [str(f) for f in args.folders if not f.is_dir()]
    if missing:
        parser.error(f"not a folder: {', '.join(missing)}")
    result = measure(args.folders, args.extractor)
    figures = result.as_dict()
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"prefilter recall over {result.articles} annotated articles "
              f"({', '.join(str(f) for f in args.folders)})")
        print(f"  gold events kept        {result.events_kept}/{result.events}"
              f"  ({figures['event_recall']})")
        print(f"  relevant articles kept  {result.relevant_passed}/{result.relevant_articles}")
        print(f"  irrelevant passed on    {result.irrelevant_passed}/"
              f"{result.articles - result.relevant_articles}")
        if args.extractor:
            print(f"  extractor events kept   {result.extractor_kept}/{result.extractor_events}")
        print(f"  byte scan kept          {result.bytes_passed}/{result.relevant_articles}"
              " relevant articles (as text and as a page)")
        print(f"  text passed on          {figures['window_share']} of the characters "
              f"of the articles")
        print(f"  scan time               {result.seconds:.4f} s (byte scan "
              f"{result.byte_seconds:.4f} s)")
        for line in result.lost:
            print(f"  LOST {line}")
    return 1 if result.lost else 0


if __name__ == "__main__":
    sys.exit(main())
