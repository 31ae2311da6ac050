"""Council sizes per election (``data/council_sizes.csv``): every row sourced, looked up by
date."""

from __future__ import annotations

from datetime import date

import pytest

from floorcross.council_sizes import COLUMNS, CouncilSizes, council_sizes

HEADER = ",".join(COLUMNS) + "\n"


def test_the_shipped_sizes_are_sourced_and_dated() -> None:
    sizes = council_sizes()
    assert len(sizes) >= 10
    luton = sizes.on("E06000032", date(2023, 10, 10))
    assert luton is not None and (luton.seats, luton.majority) == (48, 25)
    assert str(luton.election) == "2023-05-04" and "lutontoday" in luton.source
    for gss in ("E06000032", "E06000005", "E07000244"):
        for day in sizes.elections(gss):
            row = sizes.on(gss, day)
            assert row is not None and row.source and row.checked


def test_sizes_by_date_and_elections_between() -> None:
    sizes = CouncilSizes.from_text(
        HEADER + "E1,A Council,2019-05-02,40,results 2019,2026-12-04\n"
                 "E1,A Council,2023-05-04,42,results 2023,2026-12-04\n")
    assert sizes.on("E1", date(2019, 5, 1)) is None  # before any listed election: unknown
    assert sizes.on("E1", date(2020, 1, 1)).seats == 40
    assert sizes.on("E1", date(2023, 5, 4)).seats == 42
    assert sizes.on("E2", date(2023, 5, 4)) is None  # not listed: unknown, never invented
    assert sizes.election_between("E1", date(2019, 5, 2), date(2023, 5, 4)) == date(2023, 5, 4)
    assert sizes.election_between("E1", date(2019, 5, 2), date(2023, 5, 3)) is None


@pytest.mark.parametrize(("row", "message"), [
    ("E1,A,2019-05-02,forty,x,2026-12-04", "council_sizes.csv:2:"),
    ("E1,A,2019-05-02,0,x,2026-12-04", "seats must be positive and a source given"),
    ("E1,A,2019-05-02,40,,2026-12-04", "seats must be positive and a source given"),
])
def test_a_bad_row_names_its_line(row: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CouncilSizes.from_text(HEADER + row + "\n")
    with pytest.raises(ValueError, match="missing columns"):
        CouncilSizes.from_text("council,seats\n")
