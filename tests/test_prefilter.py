"""The prefilter: vocabulary read from the rules, full recall on our annotated articles,
rejection of unrelated news, and the raw-bytes scan that spares HTML parsing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from floorcross.ingest import ingest
from floorcross.prefilter import (
    Factor,
    Prefilter,
    office_factors,
    pattern_factors,
    prefilter,
    trigger_factors,
    vocabulary,
)
from floorcross.store import Store

ROOT = Path(__file__).resolve().parent.parent
ANNOTATED = (ROOT / "tests" / "fixtures" / "articles", ROOT / "examples" / "articles")

FOOTBALL = (
    "Harnby Town have signed striker Leon Marsh on a two-year deal after he left Rovers in "
    "the summer.\n\nThe club said Marsh, 24, had joined after a successful trial and would "
    "go straight into the squad for Saturday's match against Eastwell."
)
BUSINESS = (
    "Shares in Pellow Foods fell 4% after the chief executive resigned with immediate effect."
    "\n\nThe board said an interim leader would be appointed from within the company."
)
PLANNING = (
    "Councillor Amira Dunn praised plans for a new library on Market Street, saying the town "
    "had waited a decade.\n\nThe scheme goes to the planning committee next month."
)
DEFECTION = (
    "Councillor Amira Dunn has quit the Labour Party to sit as an independent on Harnby "
    "Borough Council.\n\nShe said the decision had not been easy."
)


def test_vocabulary_comes_from_the_rules() -> None:
    words = vocabulary()
    for cue in ("defect", "suspend", "expel", "readmit", "reinstate", "quit", "resign", "join"):
        assert any(w.startswith(cue) for w in words["triggers"]), cue
    # Whip patterns are found by whichever of their needed words is rarest in the rules ("whip",
    # or the verb beside it): each whip phrase passes.
    for phrase in ("Cllr Ann Pike has had the Labour whip restored.", "Cllr Ann Pike lost the party whip.",
                   "The whip was withdrawn from Cllr Ann Pike of the Labour group."):
        assert prefilter().passes(phrase), phrase
    for office in ("councillor", "cllr", "mayor", "MP", "MSP", "peer"):
        assert office in words["offices"], office
    # Roles that only complete another change ("sits as an independent") add no words.
    assert "independent" not in words["triggers"] and "sit" not in words["triggers"]


def test_factors_of_a_pattern() -> None:
    quit_ = pattern_factors(r"(?<![\w-])(?:(?:quit|left)\s+(?:.+))(?![\w])", bounded=True)
    assert quit_ == {Factor("quit", True, True), Factor("left", True, True)}
    suspend = pattern_factors(r"\b(?:suspend(?:s|ed)?)\b", bounded=True)
    assert {f.text for f in suspend or ()} == {"suspend", "suspends", "suspended"}
    # An optional word is not needed; the longest needed literal is kept.
    assert {f.text for f in pattern_factors(r"(?:all\s+)?ties\s+with") or ()} == {"ties"}
    # A pattern that needs no literal at all gives none (and the data may not have one).
    assert pattern_factors(r"\w+\s+\w+") is None
    assert all(f.cased == f.text.isupper() for f in office_factors())
    assert all(not f.cased for f in trigger_factors())


def _annotated() -> list[tuple[str, str, dict]]:
    items = []
    for folder in ANNOTATED:
        for path in sorted(folder.glob("*.txt")):
            gold = json.loads(path.with_name(path.stem + ".gold.json").read_text("utf-8"))
            items.append((path.stem, path.read_text(encoding="utf-8"), gold))
    return items


def _inside(span: tuple[int, int], windows: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in windows)


def _names(value: object) -> list[str]:
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return [value] if isinstance(value, str) else []


def test_every_gold_event_survives_the_prefilter() -> None:
    items = _annotated()
    assert len(items) >= 70
    lost, events = [], 0
    for name, text, gold in items:
        windows = prefilter().windows(text)
        assert bool(windows) == prefilter().passes(text), name
        passed_on = " ".join(text[s:e] for s, e in windows)
        for event in gold["events"]:
            events += 1
            evidence = [(e["start"], e["end"]) for e in event.get("evidence") or []]
            if evidence:
                kept = all(_inside(span, windows) for span in evidence)
            else:  # the sentence naming the person is passed on
                kept = any(part in passed_on for n in _names(event["person"])
                           for part in n.split() if len(part) > 1)
            if not kept:
                lost.append(f"{name}: {event['person']}")
    assert events >= 100
    assert lost == []


def test_every_extracted_event_has_its_evidence_passed_on() -> None:
    from floorcross.extract import extract_many

    items = _annotated()
    records = extract_many([(text, None, name) for name, text, _ in items])
    checked = 0
    for (name, text, _), record in zip(items, records, strict=True):
        windows = prefilter().windows(text)
        for event in record.events:
            checked += 1
            assert all(_inside((e.start, e.end), windows) for e in event.evidence), name
    assert checked >= 100


@pytest.mark.parametrize("text", [FOOTBALL, BUSINESS, PLANNING])
def test_unrelated_news_is_passed_over(text: str) -> None:
    assert not prefilter().passes(text)
    assert prefilter().windows(text) == []
    assert not prefilter().raw_passes(page("News", text))


def test_a_change_passes_with_its_sentence_and_neighbour() -> None:
    weather = ("Rain is expected across Harnby on Saturday. Forecasters said temperatures would "
               "stay mild. The market will open as usual.")
    text = weather + "\n" + DEFECTION
    windows = prefilter().windows(text)
    assert prefilter().passes(text)
    first = text.index("Councillor Amira Dunn has quit")
    assert _inside((first, first + 40), windows)
    assert not _inside((0, 20), windows)  # the weather is not passed on, but its last
    assert _inside((text.index("The market"), first), windows)  # sentence is a neighbour


def page(title: str, text: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
    return (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>{title}</h1>{body}</article></body></html>").encode()


def test_raw_scan_never_rejects_a_page_whose_text_passes() -> None:
    for name, text, _ in _annotated():
        if prefilter().passes(text):
            assert prefilter().raw_passes(page(name, text)), name
            assert prefilter().raw_passes(page(name, text).decode().encode("cp1252",
                                                                           "replace")), name
    # A byte scan cannot read UTF-16, so such a page always goes on to be parsed.
    assert prefilter().raw_passes(page("x", FOOTBALL).decode().encode("utf-16"))


def _warc(path: Path, pages: list[tuple[str, bytes]]) -> Path:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, body in pages:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=http))
    path.write_bytes(out.getvalue())
    return path


def test_relevant_only_ingest_parses_only_candidate_pages(
        fresh_db: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from floorcross.sources import warc

    parsed: list[str] = []
    real = warc.article_from_html_fast

    def counting(html: bytes, url: str | None, origin: str, **kw: object):  # type: ignore[no-untyped-def]
        parsed.append(str(url))
        return real(html, url=url, origin=origin, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(warc, "article_from_html_fast", counting)
    base = "https://harnby.example/news/"
    archive = _warc(tmp_path / "crawl.warc.gz", [
        (base + "football", page("Marsh signs", FOOTBALL)),
        (base + "dunn-quits", page("Dunn quits Labour", DEFECTION)),
        (base + "shares", page("Pellow shares fall", BUSINESS)),
        (base + "library", page("Library plans", PLANNING)),
    ])
    summary = ingest([str(archive)], fresh_db, relevant_only=True)
    assert parsed == [base + "dunn-quits"]
    assert (summary.read, summary.new, summary.relevant, summary.pages_passed_over) == (1, 1, 1, 3)
    assert "3 pages passed over as read" in summary.line()
    [change] = fresh_db.changes()
    assert (change.person, change.from_party) == ("Amira Dunn", "Labour")


# An office word and a trigger word, but no party anywhere: a council story, not a change.
CHAIR = (
    "Councillor Amira Dunn has been named chair of the scrutiny committee.\n\nThe previous chair "
    "stood down after six years. Minutes will be published when they become available, and the "
    "meeting returns to the town hall next month."
)


def test_a_story_with_no_party_word_is_passed_over() -> None:
    words = vocabulary()["parties"]
    for word in ("labour", "conservative", "green", "party", "whip", "independent", "group"):
        assert word in words, word
    assert Prefilter(trigger_factors(), office_factors()).passes(CHAIR)  # the party test decides
    assert not prefilter().passes(CHAIR)
    assert prefilter().windows(CHAIR) == []
    assert not prefilter().raw_passes(page("News", CHAIR))
    with_party = CHAIR.replace("named chair", "suspended by the party and named chair")
    assert prefilter().passes(with_party)
    assert prefilter().raw_passes(page("News", with_party))
