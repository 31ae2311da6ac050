"""The composition ledger: baselines, changes applied in date order, control, and conflicts
with the seat counts articles state.

Records come from a fake extractor (``store_helpers``) so that each test pins the ledger's
rules whatever the extractor says; the seed case at the end runs the real extractor over an
article written for this test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from store_helpers import article, event

from floorcross.ledger import (
    NO_BASELINE,
    NO_CONTROL,
    Ledger,
    LedgerError,
    effective_day,
    statement_evidence,
)
from floorcross.records import ArticleRecord, CompositionStatement, Event
from floorcross.store import NotFound, QueryError, Store

LUTON = "Luton Borough Council"
DARLINGTON = "Darlington Borough Council"


def put(store: Store, *records: tuple[str, ArticleRecord]) -> None:
    """Store articles (text, record) in one batch, as an ingest would."""
    items = [(article(text, f"news/{i}.txt", url=f"https://news.example/{i}",
                      published=rec.published), rec)
             for i, (text, rec) in enumerate(records, 1)]
    store.write_batch(items, "test")


def story(text: str, *events: Event, published: str | None = None,
          seats: dict[str, int] | None = None, council: str = LUTON,
          stated: str | None = None) -> tuple[str, ArticleRecord]:
    composition = [CompositionStatement(council=council, party=p, seats=n,
                                        date=stated or published)
                   for p, n in (seats or {}).items()]
    return text, ArticleRecord(published=published, relevant=bool(events), events=list(events),
                               composition=composition)


def baseline(ledger: Ledger, council: str, day: str, **seats: int) -> None:
    parties = {"lab": "Labour", "con": "Conservative", "ld": "Liberal Democrats",
               "grn": "Green", "ind": "Independent", "ref": "Reform UK"}
    result = ledger.import_rows(
        [{"council": council, "party": parties[k], "seats": str(n), "date": day}
         for k, n in seats.items()], source="test.csv")
    assert result.skipped == []


# Dana Whitlock: Labour -> Independent (September) -> Conservative (October), as the Luton
# seed case. Bob Hart: suspended by Labour in June, readmitted in August.
WHITLOCK_LEAVES = story(
    "Dana Whitlock has left Labour to sit as an independent.",
    event("Dana Whitlock", council=LUTON, from_party="Labour", to_party="Independent",
          date="2023-09-11"), published="2023-09-12")
WHITLOCK_JOINS = story(
    "Dana Whitlock has joined the Conservatives.",
    event("Dana Whitlock", council=LUTON, from_party="Independent", to_party="Conservative",
          date="2023-10-19"),
    published="2023-10-20")
# The same news with the council's seats after it: a complete count (48 is Luton's size).
WHITLOCK_JOINS_COUNTED = story(
    "Dana Whitlock has joined the Conservatives. There are now four Conservatives, 29 Labour "
    "councillors and 15 Liberal Democrats on the council.",
    event("Dana Whitlock", council=LUTON, from_party="Independent", to_party="Conservative",
          date="2023-10-19"),
    published="2023-10-20", seats={"Conservative": 4, "Labour": 29, "Liberal Democrats": 15})
HART_SUSPENDED = story(
    "Bob Hart has been suspended by the Labour group.",
    event("Bob Hart", "suspension", council=LUTON, from_party="Labour", date="2023-06-02"),
    published="2023-06-03")
HART_READMITTED = story(
    "Bob Hart has had the whip restored.",
    event("Bob Hart", "readmission", council=LUTON, to_party="Labour", date="2023-08"),
    published="2023-08-10")


@pytest.fixture
def luton(fresh_db: Store) -> Ledger:
    put(fresh_db, WHITLOCK_LEAVES, WHITLOCK_JOINS, HART_SUSPENDED, HART_READMITTED)
    return Ledger(fresh_db)


@pytest.fixture
def counted(fresh_db: Store) -> Ledger:
    """Luton as above, the October story stating the council's seats."""
    put(fresh_db, WHITLOCK_LEAVES, WHITLOCK_JOINS_COUNTED, HART_SUSPENDED, HART_READMITTED)
    return Ledger(fresh_db)


# ------------------------------------------------------------------------------ the ledger


def test_changes_apply_in_date_order_from_the_baseline(luton: Ledger) -> None:
    baseline(luton, "Luton", "2023-05-04", lab=30, con=3, ld=15)
    state = luton.state("Luton Council")
    assert state.council == LUTON and state.council_gss == "E06000032"
    assert state.baseline_date == "2023-05-04" and state.has_baseline
    assert state.seats == {"Labour": 29, "Liberal Democrats": 15, "Conservative": 4}
    assert list(state.seats) == ["Labour", "Liberal Democrats", "Conservative"]
    assert (state.total, state.majority) == (48, 25)
    assert (state.control, state.control_label) == ("Labour", "Labour majority")
    assert [c.person for c in state.changes] == ["Bob Hart", "Bob Hart", "Dana Whitlock",
                                                 "Dana Whitlock"]
    assert [(s.seat_from, s.seat_to) for s in state.steps] == [
        ("Labour", "Independent"), ("Independent", "Labour"),
        ("Labour", "Independent"), ("Independent", "Conservative")]
    assert state.conflicts == [] and state.uncounted == [] and state.warnings == []


def test_suspension_sits_as_independent_until_readmission(luton: Ledger) -> None:
    baseline(luton, "Luton", "2023-05-04", lab=30, con=3, ld=15)
    assert luton.state("Luton", on="2023-06-01").seats["Labour"] == 30
    suspended = luton.state("Luton", on="2023-06-02")
    assert suspended.seats == {"Labour": 29, "Liberal Democrats": 15, "Conservative": 3,
                               "Independent": 1}
    assert [c.kind for c in suspended.changes] == ["suspension"]
    # The readmission names no party left: the ledger knows he sat as an independent.
    back = luton.state("Luton", on="2023-08-31")
    assert back.seats == {"Labour": 30, "Liberal Democrats": 15, "Conservative": 3}


def test_dates_between_changes(luton: Ledger) -> None:
    baseline(luton, "Luton", "2023-05-04", lab=30, con=3, ld=15)
    # "2023-08" reported on 10 August counts from the day it was reported.
    assert luton.state("Luton", on="2023-08-09").seats.get("Independent") == 1
    assert "Independent" not in luton.state("Luton", on="2023-08-10").seats
    between = luton.state("Luton", on="2023-10-01")
    assert between.on == "2023-10-01"
    assert between.seats == {"Labour": 29, "Liberal Democrats": 15, "Conservative": 3,
                             "Independent": 1}
    assert luton.state("Luton", on="2023-05-04").changes == []
    assert luton.state("Luton", on="2023-09").seats["Independent"] == 1  # end of September
    history = luton.history("Luton")
    assert [s.date for s in history] == ["2023-05-04", "2023-06-02", "2023-08-10",
                                         "2023-09-11", "2023-10-19"]
    assert history[0].change is None and history[0].seats["Labour"] == 30
    assert [s.seats.get("Independent", 0) for s in history] == [0, 1, 0, 1, 0]
    window = luton.history("Luton", since="2023-09-01", until="2023-09-30")
    assert [s.date for s in window] == ["2023-08-10", "2023-09-11"]


def test_effective_day_rules() -> None:
    assert str(effective_day("2023-09-11", "2023-09-12")) == "2023-09-11"
    assert str(effective_day("2023-09", "2023-09-20")) == "2023-09-20"
    assert str(effective_day("2023-09", "2023-12-01")) == "2023-09-30"
    assert str(effective_day("2023", None)) == "2023-12-31"
    assert str(effective_day(None, "2023-03-01")) == "2023-03-01"
    assert effective_day(None, None) is None


def test_a_council_loses_its_majority_through_defections(fresh_db: Store) -> None:
    defections = [
        story(f"{name} has left Labour for the Greens.",
              event(name, council=DARLINGTON, from_party="Labour", to_party="Green", date=day),
              published=day)
        for name, day in (("Amy Pike", "2024-01-10"), ("Carl Dunn", "2024-02-14"))
    ]
    put(fresh_db, *defections)
    ledger = Ledger(fresh_db)
    baseline(ledger, "Darlington", "2023-05-04", lab=26, con=20, grn=4)
    assert ledger.state("Darlington", on="2024-01-01").control_label == "Labour majority"
    still = ledger.state("Darlington", on="2024-01-31")
    assert (still.seats["Labour"], still.majority, still.control) == (25, 26, None)
    assert still.control_label == NO_CONTROL
    steps = ledger.history("Darlington")
    assert [s.control_label for s in steps] == ["Labour majority", NO_CONTROL, NO_CONTROL]
    summary = {s.council: s for s in ledger.councils()}[DARLINGTON]
    assert (summary.control, summary.total, summary.changes) == (None, 50, 2)


def test_independents_never_hold_a_majority(fresh_db: Store) -> None:
    ledger = Ledger(fresh_db)
    baseline(ledger, "Darlington", "2023-05-04", ind=30, lab=10)
    state = ledger.state("Darlington")
    assert state.control is None and state.control_label == NO_CONTROL


def test_rejected_changes_never_count(luton: Ledger) -> None:
    baseline(luton, "Luton", "2023-05-04", lab=30, con=3, ld=15)
    hart = next(c for c in luton.store.changes(person="Bob Hart") if c.kind == "suspension")
    luton.store.reject_change(hart.id, "tester", "wrong council")
    state = luton.state("Luton", on="2023-07-01")
    assert state.seats == {"Labour": 30, "Liberal Democrats": 15, "Conservative": 3}
    assert [c.kind for c in state.changes] == []


def test_corrected_parties_are_what_the_ledger_counts(luton: Ledger) -> None:
    baseline(luton, "Luton", "2023-05-04", lab=30, con=3, ld=15)
    joined = next(c for c in luton.store.changes(person="Dana Whitlock")
                  if c.to_party == "Conservative")
    luton.store.correct_change(joined.id, "to_party", "Reform UK", "tester")
    assert luton.state("Luton").seats.get("Reform UK") == 1


def test_without_a_baseline_seats_are_net_changes(luton: Ledger) -> None:
    state = luton.state("Luton")
    assert not state.has_baseline and state.baseline_date is None
    assert state.seats == {"Conservative": 1, "Labour": -1}
    assert (state.total, state.control, state.control_label) == (0, None, NO_BASELINE)
    assert len(state.changes) == 4
    assert luton.history("Luton")[0].seats == {}
    assert luton.conflicts() == []  # nothing to check a seat count against


def test_changes_that_cannot_be_placed_are_listed_not_guessed(fresh_db: Store) -> None:
    put(fresh_db,
        story("Eve Lamb has quit the Labour group.",
              event("Eve Lamb", council=LUTON, from_party="Labour", date="2023-07-01"),
              published="2023-07-02"),
        story("Mayor Sam Vey has joined Reform UK.",
              event("Sam Vey", council=LUTON, office="mayor", from_party="Conservative",
                    to_party="Reform UK", date="2023-07-03"),
              published="2023-07-04"))
    ledger = Ledger(fresh_db)
    baseline(ledger, "Luton", "2023-05-04", lab=30, con=3, ld=15)
    state = ledger.state("Luton")
    assert state.seats["Labour"] == 30 and state.changes == []
    assert sorted(u.reason for u in state.uncounted) == [
        "a change of mayor moves no council seat", "the party joined is not known"]


def test_a_later_baseline_replaces_the_earlier_one(luton: Ledger) -> None:
    baseline(luton, "Luton", "2019-05-02", lab=33, con=8, ld=7)
    baseline(luton, "Luton", "2023-09-20", lab=29, con=3, ld=15, ind=1)
    assert luton.state("Luton", on="2023-06-30").baseline_date == "2019-05-02"
    latest = luton.state("Luton")
    assert latest.baseline_date == "2023-09-20"
    assert [c.person for c in latest.changes] == ["Dana Whitlock"]
    assert latest.seats == {"Labour": 29, "Liberal Democrats": 15, "Conservative": 4}


def test_the_party_the_ledger_placed_someone_in_comes_first(luton: Ledger) -> None:
    baseline(luton, "Luton", "2023-05-04", lab=30, con=3, ld=15)
    joined = next(c for c in luton.store.changes(person="Dana Whitlock")
                  if c.to_party == "Conservative")
    luton.store.correct_change(joined.id, "from_party", "Green", "tester")
    state = luton.state("Luton")
    # Her September change put her with the independents, so the seat comes from there.
    assert state.steps[-1].seat_from == "Independent"
    assert state.warnings == [] and "Green" not in state.seats


def test_a_party_falling_below_zero_is_a_warning(luton: Ledger) -> None:
    baseline(luton, "Luton", "2023-05-04", con=3, ld=15)  # a baseline with Labour left out
    state = luton.state("Luton")
    assert state.seats["Labour"] == -1
    assert state.warnings[0] == ("Labour falls below zero seats with change 3 (Bob Hart, "
                                 "2023-06-02): the baseline or a change is wrong")


# ------------------------------------------------------------------------------ conflicts


def test_a_stated_count_that_agrees_is_no_conflict(counted: Ledger) -> None:
    baseline(counted, "Luton", "2023-05-04", lab=30, con=3, ld=15)
    assert counted.conflicts() == [] and counted.conflicts("Luton") == []
    state = counted.state("Luton")
    assert state.seats == {"Labour": 29, "Liberal Democrats": 15, "Conservative": 4}
    assert [f.source for f in state.figures] == ["article", "article", "article"]


def test_a_wrong_baseline_is_reported_as_a_conflict(counted: Ledger) -> None:
    luton = counted
    baseline(luton, "Luton", "2023-05-04", lab=31, con=3, ld=15)
    [conflict] = luton.conflicts()
    assert (conflict.council, conflict.council_gss) == (LUTON, "E06000032")
    assert (conflict.date, conflict.party) == ("2023-10-20", "Labour")
    assert (conflict.ledger_seats, conflict.reported_seats) == (30, 29)
    assert conflict.url == "https://news.example/2" and conflict.doc == "2.txt"
    assert conflict.evidence == ("There are now four Conservatives, 29 Labour councillors and "
                                 "15 Liberal Democrats on the council.")
    assert conflict.as_dict()["reported_seats"] == 29
    assert conflict.kind == "article" and conflict.changes != ()
    assert luton.state("Luton").conflicts == [conflict]
    assert luton.state("Luton").seats["Labour"] == 29  # the more recent source wins
    assert luton.state("Luton", on="2023-10-19").conflicts == []
    assert {s.council: s.conflicts for s in luton.councils()} == {LUTON: 1}


def test_a_count_stated_the_day_of_a_change_is_after_it(fresh_db: Store) -> None:
    put(fresh_db, story(
        "Dana Whitlock joined the Conservatives today, giving them four seats.",
        event("Dana Whitlock", council=LUTON, from_party="Labour", to_party="Conservative",
              date="2023-10-19"),
        published="2023-10-19", seats={"Conservative": 4}))
    ledger = Ledger(fresh_db)
    baseline(ledger, "Luton", "2023-05-04", lab=30, con=3, ld=15)
    assert ledger.conflicts() == []


def test_a_party_missing_from_the_ledger_conflicts_at_zero(fresh_db: Store) -> None:
    put(fresh_db, story("Reform UK now has two councillors in Luton.", published="2023-11-01",
                        seats={"Reform UK": 2}))
    ledger = Ledger(fresh_db)
    baseline(ledger, "Luton", "2023-05-04", lab=30, con=3, ld=15)
    [conflict] = ledger.conflicts("E06000032")
    assert (conflict.party, conflict.ledger_seats, conflict.reported_seats) == ("Reform UK", 0, 2)
    assert conflict.evidence == "Reform UK now has two councillors in Luton."


def test_a_later_baseline_that_disagrees_with_an_article_is_listed(counted: Ledger) -> None:
    baseline(counted, "Luton", "2023-11-01", lab=31, con=4, ld=15)
    [conflict] = counted.conflicts()
    assert (conflict.kind, conflict.party, conflict.ledger_seats, conflict.reported_seats) == (
        "baseline", "Labour", 29, 31)
    assert conflict.article_id == 2 and conflict.basis == "article 2 of 2023-10-20"
    assert conflict.explanations == (
        "2 unrecorded changes to Labour between 2023-10-20 and 2023-11-01",)
    assert counted.state("Luton").seats["Labour"] == 31  # the baseline is more recent


def test_a_baseline_after_an_election_is_no_conflict(counted: Ledger) -> None:
    # A count from 2018, then the 2019 election's result (Luton elects in 2019 and 2023,
    # data/council_sizes.csv): what was elected replaces the count, with no conflict.
    put(counted.store, story("Labour now has 35 seats on Luton council.", published="2018-01-10",
                             seats={"Labour": 35}))
    baseline(counted, "Luton", "2019-05-02", lab=33, con=8, ld=7)
    assert [c for c in counted.conflicts() if c.date < "2023"] == []
    # The October 2023 count comes after the 2023 election, whose result the ledger lacks:
    # conflicts, each saying so first.
    found = {c.party: c for c in counted.conflicts()}
    assert (found["Labour"].ledger_seats, found["Labour"].reported_seats) == (32, 29)
    assert found["Labour"].explanations[0].startswith("the election of 2023-05-04 came between")
    assert counted.state("Luton").seats == {"Labour": 29, "Liberal Democrats": 15,
                                            "Conservative": 4}
    before = counted.state("Luton", on="2023-10-01")
    assert any("the election of 2023-05-04 came after the last count" in w
               for w in before.warnings)
    assert {f.sure for f in before.figures} == {"low"}



def test_statement_evidence_finds_the_sentence() -> None:
    text = "Labour lost a seat. The Greens now have 12 seats and Labour has nine."
    assert statement_evidence(text, "Labour", 9) == text.split(". ")[1]
    assert statement_evidence(text, "Labour", 40) is None


# ------------------------------------------------------------------------------ councils


def test_councils_lists_every_tracked_council(luton: Ledger) -> None:
    baseline(luton, "Darlington", "2023-05-04", lab=26, con=20, grn=4)
    summaries = luton.councils()
    assert [s.council for s in summaries] == [DARLINGTON, LUTON]
    darlington, luton_row = summaries
    assert (darlington.changes, darlington.baseline_date, darlington.total) == (0, "2023-05-04", 50)
    assert (luton_row.changes, luton_row.baseline_date, luton_row.control_label) == (
        4, None, NO_BASELINE)
    assert luton_row.as_dict()["council_gss"] == "E06000032"


def test_council_names_codes_and_unknowns(luton: Ledger) -> None:
    for name in ("Luton", "Luton Council", "luton borough council", "E06000032"):
        assert luton.state(name).council == LUTON
    with pytest.raises(NotFound, match="unknown council 'Nowhereshire'"):
        luton.state("Nowhereshire")
    with pytest.raises(QueryError):
        luton.state("Luton", on="not a date at all")
    # A council with nothing recorded has an empty ledger, not an error.
    empty = luton.state("Kent County Council")
    assert (empty.seats, empty.changes, empty.has_baseline) == ({}, [], False)


# ------------------------------------------------------------------------------ import


def write(tmp_path: Path, text: str, name: str = "baselines.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_normalises_and_is_idempotent(fresh_db: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "council,party,seats,date\n"
                           "Luton Council,Lab,30,2023-05-04\n"
                           "E06000032,Tories,3,2023-05-04\n"
                           "luton,Lib Dems,15,2023-05-04\n"
                           "Darlington,Labour,26,2023-05-04\n")
    ledger = Ledger(fresh_db)
    first = ledger.import_baseline(path)
    assert (first.rows, first.added, first.skipped) == (4, 4, [])
    assert first.councils == [DARLINGTON, LUTON]
    again = ledger.import_baseline(path)
    assert (again.rows, again.added, again.updated, again.unchanged) == (4, 0, 0, 4)
    assert ledger.state("Luton").seats == {"Labour": 30, "Liberal Democrats": 15,
                                           "Conservative": 3}
    fixed = write(tmp_path, "council,party,seats,date\nLuton,Labour,29,2023-05-04\n", "fix.csv")
    assert ledger.import_baseline(fixed).updated == 1
    assert ledger.state("Luton").seats["Labour"] == 29


def test_import_skips_bad_rows_one_line_each(fresh_db: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "council,party,seats,date\n"
                           "Luton,Labour,30,2023-05-04\n"
                           "Nowhereshire,Labour,3,2023-05-04\n"
                           "Luton,Conservative,three,2023-05-04\n"
                           "Luton,Green,2,May 2023\n"
                           "Luton,,2,2023-05-04\n"
                           "Luton,Liberal Democrats,15\n"
                           "Luton,Labour,31,2023-05-04\n"
                           "Luton,Liberal Democrats,15,2023-02-30\n"
                           "\n"
                           "Luton,Liberal Democrats,15,2023-05-04\n")
    result = Ledger(fresh_db).import_baseline(path)
    assert result.rows == 2
    assert result.skipped == [
        f"{path}:3: unknown council 'Nowhereshire' (give its official name or GSS code)",
        f"{path}:4: seats must be a whole number of 0 or more, not 'three'",
        f"{path}:5: date must be a day as YYYY-MM-DD, not 'May 2023'",
        f"{path}:6: no party given",
        f"{path}:7: expected 4 fields, found 3",
        f"{path}:8: Labour on {LUTON} on 2023-05-04 has 30 seats on line 2 already",
        f"{path}:9: date must be a day as YYYY-MM-DD, not '2023-02-30'",
    ]
    assert all("\n" not in line for line in result.skipped)


def test_import_needs_the_header_and_a_readable_file(fresh_db: Store, tmp_path: Path) -> None:
    ledger = Ledger(fresh_db)
    with pytest.raises(LedgerError, match=r"baselines.csv:1: the header must name the columns "
                                          r"council,party,seats,date \(missing seats\)"):
        ledger.import_baseline(write(tmp_path, "council,party,date\nLuton,Labour,2023-05-04\n"))
    with pytest.raises(LedgerError, match="no such file"):
        ledger.import_baseline(tmp_path / "missing.csv")
    binary = tmp_path / "latin1.csv"
    binary.write_bytes("council,party,seats,date\nM\xe9rton,Labour,3,2023-05-04\n".encode("latin-1"))
    with pytest.raises(LedgerError, match="not UTF-8"):
        ledger.import_baseline(binary)


def test_import_accepts_a_council_only_the_store_knows(fresh_db: Store) -> None:
    town = "Pemberley Town Council"
    put(fresh_db, story("Jo Marsh has joined the Greens.",
                        event("Jo Marsh", council=town, from_party="Labour", to_party="Green",
                              date="2023-07-01"), published="2023-07-02"))
    ledger = Ledger(fresh_db)
    result = ledger.import_rows([{"council": "pemberley town council", "party": "Labour",
                                  "seats": "5", "date": "2023-05-04"}])
    assert result.skipped == [] and result.councils == [town]
    state = ledger.state(town)
    assert state.council_gss is None and state.seats == {"Labour": 4, "Green": 1}


# ------------------------------------------------------------------------------ checkpoints


def test_a_partial_count_fixes_only_the_parties_it_names(luton: Ledger) -> None:
    put(luton.store, story("The Liberal Democrats now have 16 seats.", published="2023-11-01",
                           seats={"Liberal Democrats": 16}))
    baseline(luton, "Luton", "2023-05-04", lab=30, con=3, ld=15)
    state = luton.state("Luton")
    assert state.seats == {"Labour": 29, "Liberal Democrats": 16, "Conservative": 4}
    figures = {f.party: f for f in state.figures}
    assert (figures["Liberal Democrats"].source, figures["Liberal Democrats"].sure) == (
        "article", "medium")  # 15 + 29 + 4 + 16 is not checked against a total: partial
    assert figures["Labour"].source == "derived" and figures["Labour"].changes_since == 3
    assert [c.party for c in state.conflicts] == ["Liberal Democrats"]


def test_a_partial_count_without_a_baseline(fresh_db: Store) -> None:
    put(fresh_db, story("Reform UK now has two councillors in Luton.", published="2023-11-01",
                        seats={"Reform UK": 2}),
        story("Amy Cole has joined Reform UK.",
              event("Amy Cole", council=LUTON, from_party="Labour", to_party="Reform UK",
                    date="2023-12-01"), published="2023-12-02"))
    state = Ledger(fresh_db).state("Luton")
    assert (state.basis, state.has_baseline, state.control) == ("partial", False, None)
    assert state.seats == {"Reform UK": 3, "Labour": -1}
    assert {f.party: f.source for f in state.figures} == {"Reform UK": "derived",
                                                          "Labour": "net"}
    assert state.total == 3  # at least three seats known


def test_a_count_that_does_not_add_up_is_flagged_not_used(fresh_db: Store) -> None:
    put(fresh_db, story("Labour has 30 seats, the Lib Dems 15 and the Tories 6.",
                        published="2023-11-01",
                        seats={"Labour": 30, "Liberal Democrats": 15, "Conservative": 6}))
    ledger = Ledger(fresh_db)
    baseline(ledger, "Luton", "2023-05-04", lab=30, con=3, ld=15)
    state = ledger.state("Luton")
    assert state.seats == {"Labour": 30, "Liberal Democrats": 15, "Conservative": 3}
    [flagged] = state.flagged
    assert flagged.flagged == ("adds up to 51 seats, more than the 48 the council has (elected "
                               "2023-05-04)")
    assert ledger.conflicts() == []


def test_two_counts_for_one_party_in_one_article_are_flagged(fresh_db: Store) -> None:
    text, rec = story("Labour has 29 seats. Labour has 30 seats.", published="2023-11-01")
    rec.composition = [CompositionStatement(council=LUTON, party="Labour", seats=n,
                                            date="2023-11-01") for n in (29, 30)]
    put(fresh_db, (text, rec))
    state = Ledger(fresh_db).state("Luton")
    assert [c.flagged for c in state.flagged] == ["gives Labour (29 and 30) two counts"]
    assert state.basis == "net" and state.seats == {}


def test_a_change_before_its_council_existed_is_not_counted(fresh_db: Store) -> None:
    put(fresh_db, story("An East Suffolk councillor has joined the Greens.",
                        event("Ada Snell", council="East Suffolk Council", from_party="Labour",
                              to_party="Green", date="2017-03-01"), published="2017-03-02"))
    ledger = Ledger(fresh_db)
    [left] = ledger.state("East Suffolk").uncounted
    assert left.reason == ("dated 2017-03-01, before East Suffolk Council existed (from "
                           "2019-04-01): it belongs to Suffolk Coastal District Council, "
                           "Waveney District Council")


def test_council_sizes_can_be_given(luton: Ledger) -> None:
    from floorcross.council_sizes import CouncilSizes

    none = Ledger(luton.store, sizes=CouncilSizes([]))
    put(luton.store, story("Labour 29, Lib Dems 15, Tories 4.", published="2023-11-01",
                           seats={"Labour": 29, "Liberal Democrats": 15, "Conservative": 4}))
    # Without a size (and without a baseline) the count cannot be known to be complete.
    assert none.state("Luton").basis == "partial"
    assert luton.state("Luton").basis == "article"
