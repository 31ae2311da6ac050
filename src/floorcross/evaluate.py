"""Score extracted records against gold annotations (the FORMAT.md shape).

Events are matched within an article one-to-one: a predicted and a gold event can match when
the person is the same (same name, or one name's words contained in the other's with the same
surname) and the kind agrees; among possible pairings the one that agrees on most other fields
wins. Gold lists of acceptable values count as in FORMAT.md: any listed value (``null``
included) is right. Councils are compared by identity through the gazetteer, so "Rochdale
Borough Council" and "Rochdale Metropolitan Borough Council" are the same council; every other
field is compared as text (case, apostrophes and spacing aside).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from floorcross.normalise.names import same_person

FIELDS = ("status", "office", "council", "ward", "from_party", "to_party", "date", "role")
FULL_FIELDS = ("from_party", "to_party", "council")
KINDS = ("defection", "suspension", "expulsion", "readmission")


def _norm(value: Any) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def _options(gold: Any) -> list[Any]:
    return list(gold) if isinstance(gold, list) else [gold]


def field_ok(name: str, predicted: Any, gold: Any) -> bool:
    """Whether a predicted field value is acceptable for the gold value (or list of values)."""
    for option in _options(gold):
        if option is None or predicted is None:
            if option is None and predicted is None:
                return True
            continue
        if name == "council":
            if _same_council(str(predicted), str(option)):
                return True
        elif _norm(predicted) == _norm(option):
            return True
    return False


def _same_council(a: str, b: str) -> bool:
    if _norm(a) == _norm(b):
        return True
    from floorcross.normalise.councils import gazetteer

    gaz = gazetteer()
    ca, cb = gaz.council_by_name(a), gaz.council_by_name(b)
    if ca is None or cb is None:
        return False
    return gaz.current(ca).gss == gaz.current(cb).gss


def _person_ok(predicted: str, gold: Any) -> bool:
    return any(option and same_person(predicted, option) for option in _options(gold))


def _pairable(p: dict, g: dict) -> bool:
    return _person_ok(p.get("person", ""), g.get("person")) and field_ok("kind", p.get("kind"), g.get("kind"))


def _agreement(p: dict, g: dict) -> int:
    return sum(field_ok(f, p.get(f), g.get(f)) for f in FIELDS)


def match_events(predicted: Sequence[dict], gold: Sequence[dict]) -> list[tuple[int, int]]:
    """One-to-one pairs (predicted index, gold index), most agreeing pairs first."""
    candidates = [
        (_agreement(p, g), -abs(i - j), i, j)
        for i, p in enumerate(predicted)
        for j, g in enumerate(gold)
        if _pairable(p, g)
    ]
    pairs: list[tuple[int, int]] = []
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, _, i, j in sorted(candidates, reverse=True):
        if i not in used_p and j not in used_g:
            pairs.append((i, j))
            used_p.add(i)
            used_g.add(j)
    return pairs


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Report:
    """Scores over a set of articles, and every error for ``--errors``."""

    articles: int = 0
    relevance: Counts = field(default_factory=Counts)
    events: Counts = field(default_factory=Counts)
    events_new: Counts = field(default_factory=Counts)
    by_kind: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    full: Counts = field(default_factory=Counts)
    composition: Counts = field(default_factory=Counts)
    field_right: dict[str, int] = field(default_factory=lambda: {f: 0 for f in FIELDS})
    matched: int = 0
    grounded: int = 0
    predicted_events: int = 0
    errors: list[dict] = field(default_factory=list)

    def by_category(self) -> dict[str, int]:
        """How many errors fall in each of :data:`CATEGORIES` (see :func:`categorise`)."""
        counts = {c: 0 for c in CATEGORIES}
        for error in self.errors:
            counts[error.get("category") or categorise(error)] += 1
        return counts

    def field_accuracy(self) -> dict[str, float]:
        return {f: (self.field_right[f] / self.matched if self.matched else 1.0) for f in FIELDS}

    @property
    def grounded_share(self) -> float:
        return self.grounded / self.predicted_events if self.predicted_events else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "relevance": self.relevance.as_dict(),
            "events": self.events.as_dict(),
            "events_new": self.events_new.as_dict(),
            "events_by_kind": {k: c.as_dict() for k, c in self.by_kind.items()},
            "field_accuracy": {k: round(v, 4) for k, v in self.field_accuracy().items()},
            "matched_events": self.matched,
            "full_event": self.full.as_dict(),
            "composition": self.composition.as_dict(),
            "grounded": round(self.grounded_share, 4),
            "errors_by_category": self.by_category(),
        }


# Where the losses are, in the terms of English news rather than of fields (``eval --by-category``).
CATEGORIES = {
    "many people": "a missed event in a story that names several people changing (lists, groups, round-ups)",
    "one person missed": "a missed event in a story about one person",
    "not the subject": "a false event: someone who did not change, or a change the story does not report",
    "new vs background": "an event found with the wrong status (the news, or an earlier change recalled)",
    "local groups": "a party end wrong where either side is a local group, not a national party",
    "from and to": "a party end wrong between national parties or Independent",
    "councils and wards": "a wrong council or ward",
    "dates, offices and roles": "a wrong date, office or role",
    "seat counts": "a seat count missed or wrongly found",
    "relevance": "an article called relevant or not, against the gold",
}


def _is_local(value: Any) -> bool:
    from floorcross.normalise.parties import is_canonical

    return any(v is not None and not is_canonical(v) for v in _options(value))


def categorise(error: dict) -> str:
    """The :data:`CATEGORIES` entry an error of ``Report.errors`` belongs to."""
    kind = error.get("type")
    if kind == "relevance":
        return "relevance"
    if kind in ("composition miss", "composition false alarm"):
        return "seat counts"
    if kind == "false alarm":
        return "not the subject"
    if kind == "miss":
        return "many people" if error.get("crowd", 0) >= 3 else "one person missed"
    name = error.get("field")
    if name == "status":
        return "new vs background"
    if name in ("from_party", "to_party"):
        local = _is_local(error.get("gold")) or _is_local(error.get("predicted"))
        return "local groups" if local else "from and to"
    if name in ("council", "ward"):
        return "councils and wards"
    return "dates, offices and roles"


def grounded(event: dict, text: str) -> bool:
    """An event is grounded when it has evidence and every span is an exact slice of the text."""
    spans = event.get("evidence") or []
    return bool(spans) and all(
        isinstance(s.get("start"), int) and isinstance(s.get("end"), int)
        and 0 <= s["start"] < s["end"] <= len(text) and text[s["start"] : s["end"]] == s.get("text")
        for s in spans
    )


def score_article(report: Report, predicted: dict, gold: dict, text: str) -> None:
    """Add one article's comparison to the report."""
    doc = gold.get("doc") or predicted.get("doc")
    report.articles += 1
    _count(report.relevance, bool(predicted.get("relevant")), bool(gold.get("relevant")))
    first_error = len(report.errors)
    if bool(predicted.get("relevant")) != bool(gold.get("relevant")):
        report.errors.append({"doc": doc, "type": "relevance", "predicted": predicted.get("relevant"),
                              "gold": gold.get("relevant")})
    p_events, g_events = predicted.get("events", []), gold.get("events", [])
    # How many people the gold says changed: a miss among three or more is a "many people" miss.
    crowd = len({str(_options(e.get("person"))[0]).lower() for e in g_events})
    report.predicted_events += len(p_events)
    report.grounded += sum(grounded(e, text) for e in p_events)
    pairs = match_events(p_events, g_events)
    _tally(report.events, pairs, len(p_events), len(g_events))
    new_p = [i for i, e in enumerate(p_events) if e.get("status") == "new"]
    new_g = [j for j, e in enumerate(g_events) if field_ok("status", "new", e.get("status"))]
    new_pairs = match_events([p_events[i] for i in new_p], [g_events[j] for j in new_g])
    _tally(report.events_new, new_pairs, len(new_p), len(new_g))
    for kind in KINDS:
        kp = [i for i, e in enumerate(p_events) if e.get("kind") == kind]
        kg = [j for j, e in enumerate(g_events) if field_ok("kind", kind, e.get("kind"))]
        kpairs = match_events([p_events[i] for i in kp], [g_events[j] for j in kg])
        _tally(report.by_kind[kind], kpairs, len(kp), len(kg))
    full_tp = 0
    for i, j in pairs:
        p, g = p_events[i], g_events[j]
        report.matched += 1
        wrong = []
        for f in FIELDS:
            if field_ok(f, p.get(f), g.get(f)):
                report.field_right[f] += 1
            else:
                wrong.append(f)
        if all(field_ok(f, p.get(f), g.get(f)) for f in FULL_FIELDS):
            full_tp += 1
        for f in wrong:
            report.errors.append({"doc": doc, "type": "field", "field": f, "person": g.get("person"),
                                  "kind": g.get("kind"), "predicted": p.get(f), "gold": g.get(f)})
    report.full.tp += full_tp
    report.full.fp += len(p_events) - full_tp
    report.full.fn += len(g_events) - full_tp
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    for i, e in enumerate(p_events):
        if i not in matched_p:
            report.errors.append({"doc": doc, "type": "false alarm", "event": _brief(e)})
    for j, e in enumerate(g_events):
        if j not in matched_g:
            report.errors.append({"doc": doc, "type": "miss", "event": _brief(e), "crowd": crowd})
    _score_composition(report, doc, predicted.get("composition", []), gold.get("composition", []))
    for error in report.errors[first_error:]:
        error["category"] = categorise(error)


def _brief(event: dict) -> dict:
    return {k: event.get(k) for k in ("kind", "status", "person", "from_party", "to_party", "council", "date")}


def _count(counts: Counts, predicted: bool, gold: bool) -> None:
    if predicted and gold:
        counts.tp += 1
    elif predicted:
        counts.fp += 1
    elif gold:
        counts.fn += 1


def _tally(counts: Counts, pairs: list, n_pred: int, n_gold: int) -> None:
    counts.tp += len(pairs)
    counts.fp += n_pred - len(pairs)
    counts.fn += n_gold - len(pairs)


def _score_composition(report: Report, doc: str | None, predicted: list[dict], gold: list[dict]) -> None:
    used: set[int] = set()
    for p in predicted:
        hit = next((j for j, g in enumerate(gold) if j not in used
                    and field_ok("party", p.get("party"), g.get("party"))
                    and p.get("seats") == g.get("seats")
                    and field_ok("council", p.get("council"), g.get("council"))), None)
        if hit is None:
            report.composition.fp += 1
            report.errors.append({"doc": doc, "type": "composition false alarm", "statement": p})
        else:
            used.add(hit)
            report.composition.tp += 1
    for j, g in enumerate(gold):
        if j not in used:
            report.composition.fn += 1
            report.errors.append({"doc": doc, "type": "composition miss", "statement": g})


@dataclass(frozen=True)
class GoldItem:
    doc: str
    text_path: Path
    gold_path: Path


def gold_items(dirs: Iterable[str | Path]) -> list[GoldItem]:
    """Every ``NAME.txt`` with a ``NAME.gold.json`` beside it, in the given folders."""
    items: list[GoldItem] = []
    for d in dirs:
        folder = Path(d)
        for gold in sorted(folder.glob("*.gold.json")):
            doc = gold.name[: -len(".gold.json")]
            text = folder / f"{doc}.txt"
            if text.exists():
                items.append(GoldItem(doc, text, gold))
    return items


def evaluate(dirs: Iterable[str | Path], extract=None) -> Report:
    """Extract every gold article in ``dirs`` and score it."""
    from floorcross.extract import extract_many

    items = gold_items(dirs)
    texts = [i.text_path.read_text(encoding="utf-8") for i in items]
    extract = extract or (lambda batch: extract_many(batch))
    records = extract([(t, None, i.doc) for t, i in zip(texts, items, strict=True)])
    report = Report()
    for item, text, record in zip(items, texts, records, strict=True):
        gold = json.loads(item.gold_path.read_text(encoding="utf-8"))
        predicted = record.to_json_dict() if hasattr(record, "to_json_dict") else record
        score_article(report, predicted, gold, text)
    return report
