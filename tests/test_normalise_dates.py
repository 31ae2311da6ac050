"""Dates: time expressions resolved against the publication date, at the precision given."""

from __future__ import annotations

import pytest

from floorcross.normalise.dates import date_precision, find_dates, resolve_expression

# Tuesday 10 October 2023
PUBLISHED = "2023-10-10"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("last night", "2023-10-09"),
        ("overnight", "2023-10-09"),
        ("yesterday", "2023-10-09"),
        ("yesterday evening", "2023-10-09"),
        ("today", "2023-10-10"),
        ("this morning", "2023-10-10"),
        ("tonight", "2023-10-10"),
        ("on Monday", "2023-10-09"),
        ("on Wednesday", "2023-10-04"),
        ("on Sunday", "2023-10-08"),
        ("last week", "2023-10"),
        ("this week", "2023-10"),
        ("last month", "2023-09"),
        ("this month", "2023-10"),
        ("earlier this month", "2023-10"),
        ("in August last year", "2022-08"),
        ("earlier this year", "2023"),
        ("last year", "2022"),
        ("last summer", "2023"),
        ("last August", "2023-08"),
        ("in December", "2022-12"),
        ("in October 2016", "2016-10"),
        ("May 2019", "2019-05"),
        ("in 2017", "2017"),
        ("in early 2019", "2019"),
        ("on 4 May", "2023-05-04"),
        ("on 4 November", "2022-11-04"),
        ("on 10 October", "2023-10-10"),
        ("21st July", "2023-07-21"),
        ("September 29", "2023-09-29"),
        ("Friday 6 October", "2023-10-06"),
        ("the 3rd of March 2020", "2020-03-03"),
        ("on 4 May 2023", "2023-05-04"),
        ("31 February", None),
        ("next month", None),
    ],
)
def test_resolve_against_publication(expression: str, expected: str | None) -> None:
    assert resolve_expression(expression, PUBLISHED) == expected


def test_on_a_weekday_is_the_latest_one_not_after_publication() -> None:
    assert resolve_expression("on Tuesday", "2023-10-12") == "2023-10-10"  # published a Thursday
    assert resolve_expression("on Tuesday", PUBLISHED) == "2023-10-10"  # the same day


def test_last_weekday_on_that_weekday_is_a_week_earlier() -> None:
    assert resolve_expression("last Tuesday", PUBLISHED) == "2023-10-03"


def test_a_day_and_month_rolls_back_a_year_when_after_publication() -> None:
    assert resolve_expression("on 4 May", "2023-05-04") == "2023-05-04"
    assert resolve_expression("on 4 May", "2023-05-03") == "2022-05-04"


def test_relative_expressions_across_the_new_year() -> None:
    assert resolve_expression("last month", "2024-01-15") == "2023-12"
    assert resolve_expression("last week", "2024-01-03") == "2023-12"
    assert resolve_expression("in August last year", "2024-01-03") == "2023-08"
    assert resolve_expression("yesterday", "2024-01-01") == "2023-12-31"


@pytest.mark.parametrize(
    "expression",
    ["last night", "yesterday", "today", "this morning", "on Tuesday", "last week", "last month",
     "in August last year", "earlier this year", "on 4 May", "21st July", "in December"],
)
def test_relative_expressions_need_a_publication_date(expression: str) -> None:
    assert resolve_expression(expression, None) is None


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("in October 2016", "2016-10"),
        ("in 2017", "2017"),
        ("on 4 May 2023", "2023-05-04"),
        ("the 3rd of March 2020", "2020-03-03"),
        ("since 2015", "2015"),
    ],
)
def test_absolute_dates_resolve_without_publication(expression: str, expected: str) -> None:
    assert resolve_expression(expression, None) == expected


def test_find_dates_in_a_sentence() -> None:
    text = "Cllr Nia Brackley quit last night, having been suspended in August last year."
    found = find_dates(text, PUBLISHED)
    assert [(d.text, d.kind, d.value, d.explicit_year) for d in found] == [
        ("last night", "last_night", "2023-10-09", False),
        ("in August last year", "month_rel_year", "2022-08", False),
    ]
    for d in found:
        assert text[d.start : d.end] == d.text


def test_find_dates_without_publication_keeps_the_mentions() -> None:
    text = "She joined in 2017 and left last night."
    assert [(d.text, d.value, d.explicit_year) for d in find_dates(text, None)] == [
        ("in 2017", "2017", True), ("last night", None, False)]


def test_find_dates_within_a_window() -> None:
    text = "Yesterday was busy. On 4 May she quit. Today she spoke."
    assert [(d.start, d.text, d.value) for d in find_dates(text, PUBLISHED, 20, 38)] == [
        (20, "On 4 May", "2023-05-04")]


def test_numbers_that_are_not_years() -> None:
    assert find_dates("There are 2019 votes, room 2021 and £2020 to spend.", PUBLISHED) == []


def test_may_the_verb_is_not_a_month() -> None:
    assert [d.text for d in find_dates("He may be suspended in May.", PUBLISHED)] == ["in May"]


def test_date_precision() -> None:
    assert [date_precision(v) for v in (None, "2023", "2023-10", "2023-10-09")] == [0, 1, 2, 3]
