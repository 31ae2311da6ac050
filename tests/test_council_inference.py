"""Councils in the record: a ward names its council only when exactly one council has it, and
every council is stored under its official name and GSS code, whatever the article called it.

The gazetteer's own lookups are tested in ``test_gazetteer.py``; these tests follow the same
rules through extraction and into the store, where the composition ledger counts seats by
council.
"""

from __future__ import annotations

import pytest
from store_helpers import article, event, record

from floorcross.extract import extract_article
from floorcross.normalise.councils import gazetteer
from floorcross.resolve import resolve_council
from floorcross.store import Store

LEFT = ("Councillor Jo Reed, who represents {ward} ward, has left the Labour Party to sit as "
        "an independent.\n\nShe said the decision was a hard one{place}.\n")
PLACE = ", and thanked the people of Luton"


def test_a_ward_only_one_council_has_names_that_council() -> None:
    record = extract_article(LEFT.format(ward="Poets", place=PLACE), published="2024-03-05", doc="poets")
    [found] = record.events
    assert (found.council, found.ward, found.council_inferred) == (
        "Luton Borough Council", "Poets", True)


def test_a_ward_of_one_council_names_it_only_where_the_place_is_named() -> None:
    # A ward name the gazetteer knows on one council may be a parish or county division of the
    # same name elsewhere: without the place in the story, no council is guessed.
    record = extract_article(LEFT.format(ward="Poets", place=""), published="2024-03-05", doc="poets")
    [found] = record.events
    assert (found.council, found.ward, found.council_inferred) == (None, "Poets", False)


def test_a_ward_many_councils_have_names_none() -> None:
    assert len(gazetteer().councils_for_ward("Central")) > 1
    record = extract_article(LEFT.format(ward="Central", place=PLACE), published="2024-03-05", doc="central")
    [found] = record.events
    assert (found.council, found.ward, found.council_inferred) == (None, "Central", False)


@pytest.mark.parametrize(
    ("council", "ward", "expected"),
    [
        ("Luton Council", None, ("Luton Borough Council", "E06000032")),
        ("luton", None, ("Luton Borough Council", "E06000032")),
        ("E06000032", None, ("Luton Borough Council", "E06000032")),
        ("Rochdale Borough Council", None, ("Rochdale Metropolitan Borough Council", "E08000005")),
        ("Harrow Council", None, ("London Borough of Harrow", "E09000015")),
        ("Waveney District Council", None, ("East Suffolk Council", "E07000244")),  # successor
        (None, "Poets", ("Luton Borough Council", "E06000032")),
        (None, "Central", (None, None)),
        ("Pemberley Town Council", None, ("Pemberley Town Council", None)),  # kept as written
    ],
)
def test_councils_are_stored_under_official_names(council: str | None, ward: str | None,
                                                  expected: tuple[str | None, str | None]) -> None:
    name, gss, _ = resolve_council(council, ward, "councillor", gazetteer())
    assert (name, gss) == expected


def test_changes_and_counts_keep_the_official_name(fresh_db: Store) -> None:
    from floorcross.records import CompositionStatement

    rec = record(event("Jo Reed", council="Luton Council", from_party="Labour",
                       to_party="Independent", date="2024-03-04"),
                 event("Sam Cole", ward="Poets", from_party="Labour", to_party="Green",
                       date="2024-03-04"),
                 event("Ann Bell", ward="Central", from_party="Labour", to_party="Green",
                       date="2024-03-04"),
                 published="2024-03-05")
    rec.composition = [CompositionStatement(council="Luton Council", party="Labour", seats=28,
                                            date="2024-03-05")]
    fresh_db.write_batch([(article("three councillors", "news/1.txt"), rec)], "test")
    where = {c.person: (c.council, c.council_gss) for c in fresh_db.changes()}
    assert where == {"Jo Reed": ("Luton Borough Council", "E06000032"),
                     "Sam Cole": ("Luton Borough Council", "E06000032"),
                     "Ann Bell": (None, None)}
    [count] = fresh_db.compositions("Luton")
    assert (count["council"], count["council_gss"]) == ("Luton Borough Council", "E06000032")
