"""The extractor against articles we wrote ourselves, record by record.

Every fixture under ``tests/fixtures/articles`` and every bundled example under
``examples/articles`` has a gold file in the corpus format. Each test extracts one article and
compares the whole record: relevance, the number of events, every field of every event (gold
lists of acceptable values count as in FORMAT.md), and every seat-count statement. Evidence must
be exact slices of the text.

Fixtures the extractor does not yet get exactly right are listed in ``KNOWN_GAPS`` with the
reason; they run as strict expected failures, so fixing one makes its test fail until it is
removed from the list.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from floorcross import extract_article
from floorcross.evaluate import FIELDS, field_ok, match_events
from floorcross.records import ArticleRecord

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [ROOT / "tests" / "fixtures" / "articles", ROOT / "examples" / "articles"]
# Near misses that report no change: each must come out not relevant, with nothing extracted.
QUIET = ROOT / "tests" / "fixtures" / "quiet"

KNOWN_GAPS: dict[str, str] = {
    "f005_whip_removed_this_morning": "a role is read per person, not per change: the 2020 "
    "suspension is given the role held today",
    "f009_mp_defects_to_reform_on_4_may": "'parliamentary private secretary' is not among the roles",
}


def _cases() -> list[Path]:
    return sorted(p for folder in [*FOLDERS, QUIET] for p in folder.glob("*.gold.json"))


def _params() -> list:
    params = []
    for gold in _cases():
        doc = gold.name[: -len(".gold.json")]
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[doc])] if doc in KNOWN_GAPS else []
        params.append(pytest.param(gold, id=doc, marks=marks))
    return params


def differences(record: ArticleRecord, gold: dict, text: str) -> list[str]:
    """Every way the extracted record differs from the gold one (empty when they agree)."""
    predicted = record.to_json_dict()
    problems: list[str] = []
    if predicted["doc"] != gold["doc"]:
        problems.append(f"doc {predicted['doc']!r} != {gold['doc']!r}")
    if predicted["published"] != gold["published"]:
        problems.append(f"published {predicted['published']!r} != {gold['published']!r}")
    if predicted["relevant"] != gold["relevant"]:
        problems.append(f"relevant {predicted['relevant']} != {gold['relevant']}")
    events, gold_events = predicted["events"], gold["events"]
    pairs = match_events(events, gold_events)
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    for i, event in enumerate(events):
        if i not in matched_p:
            problems.append(f"unexpected event {event['kind']} of {event['person']}")
    for j, event in enumerate(gold_events):
        if j not in matched_g:
            problems.append(f"missing event {event['kind']} of {event['person']}")
    for i, j in pairs:
        for name in FIELDS:
            if not field_ok(name, events[i].get(name), gold_events[j].get(name)):
                problems.append(f"{gold_events[j]['person']} {gold_events[j]['kind']}: {name} "
                                f"{events[i].get(name)!r} != {gold_events[j].get(name)!r}")
    for event in events:
        if not event["evidence"]:
            problems.append(f"{event['person']} {event['kind']}: no evidence")
        for span in event["evidence"]:
            if text[span["start"] : span["end"]] != span["text"]:
                problems.append(f"{event['person']}: evidence is not a slice of the text")
    for statement in record.composition:
        for span in statement.evidence:
            if text[span.start : span.end] != span.text:
                problems.append(f"seat count {statement.party}: evidence is not a slice of the text")
        if not any(_states_count(span.text, statement.seats) for span in statement.evidence):
            problems.append(f"seat count {statement.party} {statement.seats}: evidence does not state it")
    problems += _composition_differences(predicted["composition"], gold["composition"])
    return problems


_NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                 "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]


def _states_count(text: str, seats: int) -> bool:
    """Whether a sentence gives the number (as digits, or as a word up to twenty)."""
    words = [str(seats)] + ([_NUMBER_WORDS[seats]] if seats < len(_NUMBER_WORDS) else []) + (["zero", "none"] if seats == 0 else [])
    return any(re.search(rf"(?<![\w-]){w}(?![\w-])", text, re.IGNORECASE) for w in words)


def _composition_differences(predicted: list[dict], gold: list[dict]) -> list[str]:
    problems: list[str] = []
    remaining = list(gold)
    for statement in predicted:
        hit = next((g for g in remaining if g["party"] == statement["party"]
                    and g["seats"] == statement["seats"]
                    and field_ok("council", statement["council"], g["council"])
                    and statement["date"] == g["date"]), None)
        if hit is None:
            problems.append(f"unexpected seat count {statement}")
        else:
            remaining.remove(hit)
    problems += [f"missing seat count {g}" for g in remaining]
    return problems


@pytest.mark.parametrize("gold_path", _params())
def test_fixture_record_is_exact(gold_path: Path) -> None:
    text = gold_path.with_name(gold_path.name.replace(".gold.json", ".txt")).read_text(encoding="utf-8")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    record = extract_article(text, doc=gold["doc"])
    assert differences(record, gold, text) == []


def test_there_are_enough_fixtures_of_our_own() -> None:
    assert len(_cases()) >= 40
    assert len(list(QUIET.glob("*.gold.json"))) >= 40
    assert all(doc in {g.name[: -len(".gold.json")] for g in _cases()} for doc in KNOWN_GAPS)


def test_article_with_no_change_and_no_count_is_empty_and_a_count_alone_is_kept() -> None:
    # Both pass a vocabulary scan (an office word and 'becomes'), neither states a change.
    quiet = ("Councillor Ada Brook, the cabinet member for planning, opened the new library.\n"
             "More details will be published when the timetable becomes available.\n")
    record = extract_article(quiet, published="2025-01-10", doc="quiet")
    assert (record.relevant, record.events, record.composition) == (False, [], [])
    counted = quiet + "Labour now has 31 councillors on the authority.\n"
    record = extract_article(counted, published="2025-01-10", doc="counted")
    assert record.events == []
    assert [(c.party, c.seats) for c in record.composition] == [("Labour", 31)]


# Articles written to test the quick look an article gets before it is split whole: each pairs
# a paragraph that could state something with a neighbour that decides whether it does.
_QUICK_LOOK_TRAPS = [
    # The party named at the end of one paragraph, the trigger at the start of the next.
    "Councillor Jo Pike was elected for the Liberal Democrats\n\nin 2019. She has now quit the party.\n",
    # A trigger inside a quotation only: nobody is reported to change.
    'The leader said: "If anyone defects to Reform they will regret it."\n\nCllr Tom Reed spoke next.\n',
    # A quotation that opens in one paragraph and never closes there.
    '"I have left the Green Party,\n\nCllr Ann Lee is said to have told friends.\n',
    # A seat count with no trigger word anywhere.
    "The chamber was busy.\n\nThere are now 12 Conservatives, 20 Labour and 3 Green councillors.\n",
    # Party names and numbers that are not a seat count.
    "Labour won 12 of the 20 contests and the Conservatives 3 in 2019.\n\nCllr Ray Dunn chaired.\n",
    # The trigger word only in the headline, which is read as part of the article.
    " date 2025-03-01\nCouncillor quits Labour\n\nThe meeting was cancelled because of snow.\n",
    # A trigger word used of something else entirely.
    "Councillor Sam Hart resigned from the planning committee.\n\nHe remains a Labour member.\n",
    # A real change, plainly stated.
    "Councillor Priya Shah has left the Conservatives to sit as an independent.\n",
    # Nothing that could state anything.
    "The library opens on Saturday.\n\nVisitors are welcome.\n",
]


def _full_look_says_empty(text: str) -> bool:
    from floorcross.extract import _may_state_change
    from floorcross.extract.composition import may_state_seats
    from floorcross.extract.segment import parse_header, quote_spans, split_sentences
    from floorcross.normalise.parties import find_parties

    _, body_start = parse_header(text)
    sentences = split_sentences(text, body_start)
    parties = find_parties(text, body_start)
    return not (_may_state_change(text, sentences, body_start, parties, quote_spans(text, body_start))
                or may_state_seats(sentences, parties, body_start))


@pytest.mark.parametrize("text", _QUICK_LOOK_TRAPS + [
    p.read_text(encoding="utf-8") for folder in FOLDERS for p in sorted(folder.glob("*.txt"))])
def test_quick_look_at_an_article_agrees_with_the_full_look(text: str) -> None:
    from floorcross.extract import _surely_empty
    from floorcross.extract.segment import parse_header

    assert _surely_empty(text, parse_header(text)[1]) == _full_look_says_empty(text)


def test_quick_look_traps_include_both_answers() -> None:
    answers = [_full_look_says_empty(t) for t in _QUICK_LOOK_TRAPS]
    assert True in answers and False in answers


def test_seat_count_cue_on_ascii_text_is_the_plain_test() -> None:
    from floorcross.extract.composition import _CONTEXT, _number_re, seat_candidate

    lines = ["There are now 12 Labour councillors.", "The group has seventeen members",
             "Councillors met at the town hall", "Ten councillors", "She is a councillor now",
             "the councillors' 3 seats", "Nothing to count in this line",
             "someone held the chamber", "CHAMBER: TWENTY", "re-counted seats: none"]
    lines += [line for folder in FOLDERS for p in sorted(folder.glob("*.txt"))
              for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    answers = [seat_candidate(line) for line in lines]
    assert answers == [bool(_CONTEXT.search(line) and _number_re().search(line)) for line in lines]
    assert answers[:10] == [True, True, False, True, False, True, False, True, True, True]


def _all_lines() -> list[str]:
    return [line for folder in FOLDERS for p in sorted(folder.glob("*.txt"))
            for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_fast_trigger_word_scans_agree_with_the_plain_ones() -> None:
    from floorcross.extract.triggers import (
        _all_anchors,
        _ascii_vocabulary_regex,
        present_anchors,
        vocabulary_regex,
    )

    lines = ["He rejoined the party", "she re-joined Labour", "crossed-over", "non-aligned",
             "self-suspended", "They set  up a group", "unsuspended", "the whips' office",
             "a walkout", "Returning officer", "suspensions", "SUSPENDED", "x-defected"]
    lines += _all_lines()
    for line in lines:
        lowered = line.lower()
        assert present_anchors(lowered) == {a for a in _all_anchors() if a in lowered}, line
        if line.isascii():
            fast = _ascii_vocabulary_regex().search(lowered)
            plain = vocabulary_regex().search(line)
            assert (fast.span() if fast else None) == (plain.span() if plain else None), line
    assert present_anchors("he rejoined") >= {"rejoin", "join"}
