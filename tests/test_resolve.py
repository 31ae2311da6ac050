"""Resolution across articles: one person per councillor, one change per change, in order."""

from __future__ import annotations

import pytest
from store_helpers import event, mentions, record

from floorcross.resolve import (
    Resolver,
    date_range,
    dates_compatible,
    name_score,
    slug,
)

LUTON = "Luton Borough Council"


def resolve(*records) -> Resolver:
    """Resolve records as articles 1, 2, ... in that order."""
    resolver = Resolver()
    for i, rec in enumerate(records, 1):
        resolver.add(mentions(i, rec))
    return resolver


def summary(resolver: Resolver) -> list[tuple[str, str, str | None, str | None, str | None, int]]:
    snap = resolver.snapshot()
    return [
        (c.person_key, c.kind, c.value("from_party"), c.value("to_party"), c.value("date"),
         len(c.mentions))
        for c in snap.changes.values()
    ]


# ------------------------------------------------------------------------------ helpers


@pytest.mark.parametrize(("a", "b", "score"), [
    ("Mohammed Aslam Khan", "Aslam Khan", 2),
    ("Aslam Khan", "Aslam Khan", 3),
    ("Cllr Aslam Khan", "Aslam Khan", 3),
    ("D Whitlock", "Dana Whitlock", 2),
    ("Dana Whitlock", "Dana Whitlok", 1),
    ("Pat Flynn", "Ted Flynn", 0),
    ("Khan", "Aslam Khan", 0),
    ("John Smith", "John Smithson", 0),
])
def test_name_score(a: str, b: str, score: int) -> None:
    assert name_score(a, b) == score


def test_dates_compatible_within_window_or_missing() -> None:
    assert dates_compatible("2023-09", "2023-09-12")
    assert dates_compatible(None, "2023-09-12")
    assert dates_compatible("2023-09-28", "2023-10-30")  # 32 days
    assert not dates_compatible("2023-01-05", "2023-06-01")
    assert dates_compatible("2023", "2023-06-01")
    assert date_range("2023-02") == (date_range("2023-02-01")[0], date_range("2023-02-28")[0])


def test_slug_is_readable_and_ascii() -> None:
    assert slug("Siân O’Brien-Jones") == "sian-o-brien-jones"


# ------------------------------------------------------------------------------ people


def test_fuller_name_on_same_council_is_one_person() -> None:
    r = resolve(
        record(event("Mohammed Aslam Khan", council=LUTON, ward="Poets", from_party="Labour",
                     to_party="Independent", date="2023-09")),
        record(event("Aslam Khan", council="Luton Council", from_party="Independent",
                     to_party="Conservative", date="2023-10")),
    )
    assert list(r.people) == ["luton/mohammed-aslam-khan"]
    person = r.snapshot().people["luton/mohammed-aslam-khan"]
    assert person.name == "Mohammed Aslam Khan"
    assert person.names == ["Mohammed Aslam Khan", "Aslam Khan"]
    assert person.first("council_gss") == "E06000032"


def test_same_name_on_different_councils_stays_apart() -> None:
    r = resolve(
        record(event("John Smith", "suspension", council="Kent County Council",
                     from_party="Labour", date="2023-05")),
        record(event("John Smith", council="Leeds City Council", from_party="Conservative",
                     to_party="Reform UK", date="2023-05")),
    )
    assert sorted(r.people) == ["kent/john-smith", "leeds/john-smith"]


def test_name_without_council_joins_only_a_unique_candidate() -> None:
    kent = record(event("John Smith", "suspension", council="Kent County Council",
                        from_party="Labour", date="2023-05"))
    leeds = record(event("John Smith", council="Leeds City Council", from_party="Conservative",
                         to_party="Reform UK", date="2023-05"))
    bare = record(event("John Smith", "readmission", to_party="Labour", date="2023-11"))
    one = resolve(kent, bare)
    assert list(one.people) == ["kent/john-smith"]
    two = resolve(kent, leeds, bare)
    assert sorted(two.people) == ["councillor/john-smith", "kent/john-smith", "leeds/john-smith"]


def test_a_ward_known_to_one_council_gives_the_council() -> None:
    r = resolve(record(event("Dana Whitlock", ward="Poets", from_party="Labour",
                             to_party="Independent")))
    person = r.snapshot().people["luton/dana-whitlock"]
    assert person.first("council") == LUTON


def test_an_mp_and_a_councillor_of_one_name_without_councils_stay_apart() -> None:
    r = resolve(
        record(event("Jo Marsh", office="mp", from_party="Labour", to_party="Independent")),
        record(event("Jo Marsh", from_party="Green", to_party="Labour")),
    )
    assert len(r.people) == 2


# ------------------------------------------------------------------------------ changes


def test_same_change_from_two_outlets_is_one_change_with_two_sources() -> None:
    r = resolve(
        record(event("Dana Whitlock", council=LUTON, from_party="Labour", to_party="Independent",
                     date="2023-09-11"), published="2023-09-12"),
        record(event("Cllr Dana Whitlock", council=LUTON, from_party="Labour",
                     to_party="Independent", date="2023-09"), published="2023-09-13"),
    )
    assert summary(r) == [("luton/dana-whitlock", "defection", "Labour", "Independent",
                           "2023-09-11", 2)]


def test_background_mention_joins_the_stored_change() -> None:
    r = resolve(
        record(event("Dana Whitlock", council=LUTON, from_party="Labour", to_party="Independent",
                     date="2023-09-11"), published="2023-09-12"),
        record(event("Dana Whitlock", council=LUTON, from_party="Independent",
                     to_party="Conservative", date="2023-10-19"),
               event("Dana Whitlock", council=LUTON, status="background", from_party="Labour",
                     to_party="Independent"),
               published="2023-10-20"),
    )
    assert summary(r) == [
        ("luton/dana-whitlock", "defection", "Labour", "Independent", "2023-09-11", 2),
        ("luton/dana-whitlock", "defection", "Independent", "Conservative", "2023-10-19", 1),
    ]
    assert list(r.changes) == ["luton/dana-whitlock/2023-09-11-defection",
                               "luton/dana-whitlock/2023-10-19-defection"]


def test_dates_far_apart_are_two_changes() -> None:
    r = resolve(
        record(event("Ravi Patel", "suspension", council=LUTON, from_party="Labour",
                     date="2021-03")),
        record(event("Ravi Patel", "suspension", council=LUTON, from_party="Labour",
                     date="2023-07")),
    )
    assert [n for *_, n in summary(r)] == [1, 1]


def test_a_change_never_takes_two_events_of_one_article() -> None:
    r = resolve(record(
        event("Ravi Patel", "suspension", council=LUTON, from_party="Labour", date="2021"),
        event("Ravi Patel", "suspension", council=LUTON, from_party="Labour"),
    ))
    assert len(r.changes) == 2


def test_background_cannot_report_a_change_after_its_publication() -> None:
    r = resolve(
        record(event("Ravi Patel", "suspension", council=LUTON, from_party="Labour",
                     date="2024-02-01"), published="2024-02-02"),
        record(event("Ravi Patel", "suspension", council=LUTON, status="background",
                     from_party="Labour"), published="2023-05-01"),
    )
    assert len(r.changes) == 2


def test_a_missing_party_fits_a_known_one() -> None:
    r = resolve(
        record(event("Dana Whitlock", council=LUTON, from_party="Labour", to_party="Independent",
                     date="2023-09")),
        record(event("Dana Whitlock", council=LUTON, status="background",
                     to_party="Independent")),
    )
    assert [n for *_, n in summary(r)] == [2]


# ------------------------------------------------------------------------------ order


def test_batches_do_not_change_the_result() -> None:
    recs = [
        record(event("Mohammed Aslam Khan", council=LUTON, from_party="Labour",
                     to_party="Independent", date="2023-09")),
        record(event("John Smith", council="Leeds City Council", from_party="Conservative",
                     to_party="Reform UK")),
        record(event("Aslam Khan", council=LUTON, from_party="Independent",
                     to_party="Conservative", date="2023-10")),
        record(event("John Smith", from_party="Conservative", to_party="Reform UK")),
    ]
    whole = Resolver()
    whole.add([m for i, rec in enumerate(recs, 1) for m in mentions(i, rec)])
    pieces = Resolver()
    for i, rec in enumerate(recs, 1):
        pieces.add(mentions(i, rec))
    assert summary(whole) == summary(pieces)
    assert list(whole.people) == list(pieces.people)


def test_mentions_out_of_order_are_refused() -> None:
    r = Resolver()
    r.add(mentions(2, record(event("Dana Whitlock", council=LUTON))))
    with pytest.raises(ValueError, match="out of order"):
        r.add(mentions(1, record(event("Dana Whitlock", council=LUTON))))
