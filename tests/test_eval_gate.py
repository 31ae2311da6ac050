"""Quality gate: the scorer over our own articles must stay at or above the pinned floors.

The floors live in ``tests/eval_baseline.json``; a change that lowers quality below them fails
here, with the figures that fell.
"""

from __future__ import annotations

import json
from pathlib import Path

from floorcross.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent
FLOORS = json.loads((ROOT / "tests" / "eval_baseline.json").read_text(encoding="utf-8"))


def test_quality_stays_above_the_floors() -> None:
    report = evaluate([ROOT / "tests" / "fixtures" / "articles", ROOT / "examples" / "articles"]).as_dict()
    figures = {
        "relevance_f1": report["relevance"]["f1"],
        "events_f1": report["events"]["f1"],
        "events_new_f1": report["events_new"]["f1"],
        "full_event_f1": report["full_event"]["f1"],
        "composition_f1": report["composition"]["f1"],
        "grounded": report["grounded"],
    }
    below = {k: (v, FLOORS[k]) for k, v in figures.items() if v < FLOORS[k]}
    assert below == {}, f"below the floor (figure, floor): {below}"
