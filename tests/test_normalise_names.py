"""People's names: titles off, one person however the article names them."""

from __future__ import annotations

import pytest

from floorcross.normalise.names import cluster_names, same_person, strip_titles, surname, title_info


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Cllr Hattie Loveridge MBE", "Hattie Loveridge"),
        ("Councillor Mohammed Aslam Khan", "Mohammed Aslam Khan"),
        ("County Cllr Jane Ellerby", "Jane Ellerby"),
        ("Coun. Peter Haldane", "Peter Haldane"),
        ("Dr Amina Shah OBE", "Amina Shah"),
        ("Baroness Ruth Ormerod", "Ruth Ormerod"),
        ("Sir Bertram Quill MP", "Bertram Quill"),
        ("Lord Mayor Ann Brightwell", "Ann Brightwell"),
        ("Deputy Mayor Tom Hartigan", "Tom Hartigan"),
        ("Mrs O'Neill's", "O'Neill"),
        ("Mr Khan", "Khan"),
        ("  Cllr   Rosa  Vint, ", "Rosa Vint"),
        ("Cllr", "Cllr"),  # a title alone is left as it is
    ],
)
def test_strip_titles(written: str, expected: str) -> None:
    assert strip_titles(written) == expected


def test_title_info() -> None:
    assert title_info("Cllrs").plural is True
    assert title_info("Cllr.").office == "councillor"
    assert title_info("Baroness").office == "peer"
    assert title_info("Mr").office is None
    assert title_info("Sergeant") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Cllr Rachel Hurst", "Hurst"),
        ("Hurst", "Hurst"),
        ("Mr Khan", "Khan"),
        ("Bruno de Oliveira", "de Oliveira"),
        ("", ""),
    ],
)
def test_surname(name: str, expected: str) -> None:
    assert surname(name) == expected


def test_surname_with_two_particles() -> None:
    assert surname("Jan van der Berg") == "van der Berg"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Aslam Khan", "Mohammed Aslam Khan", True),
        ("Mr Khan", "Mohammed Aslam Khan", True),
        ("Councillor Khan", "Aslam Khan", True),
        ("Cllr Khan", "Councillor Aslam Khan", True),
        ("Khan", "Khan", True),
        ("Pat Flynn", "Ted Flynn", False),
        ("Flynn", "Ted Flynn", True),
        ("Mohammed Khan", "Aslam Khan", False),
        ("Sinéad O’Brien", "Sinead O'Brien", True),
        ("Jo Lee-Hart", "Jo Lee Hart", True),
        ("Ann Smith", "Smith Jones", False),
        ("", "", False),
    ],
)
def test_same_person(a: str, b: str, expected: bool) -> None:
    assert same_person(a, b) is expected
    assert same_person(b, a) is expected


def clusters(names: list[str]) -> list[list[str]]:
    return [c.names for c in cluster_names(names)]


def test_one_person_named_four_ways() -> None:
    found = cluster_names(["Mohammed Aslam Khan", "Aslam Khan", "Mr Khan", "Councillor Khan"])
    assert [c.names for c in found] == [["Mohammed Aslam Khan", "Aslam Khan", "Mr Khan",
                                         "Councillor Khan"]]
    assert found[0].name == "Mohammed Aslam Khan"


def test_the_fullest_name_wins_even_when_it_comes_later() -> None:
    [cluster] = cluster_names(["Cllr Khan", "Aslam Khan", "Mohammed Aslam Khan"])
    assert cluster.name == "Mohammed Aslam Khan"


def test_two_people_with_one_surname_stay_apart() -> None:
    found = cluster_names(["Pat Flynn", "Ted Flynn", "Mr Flynn"])
    assert [c.names for c in found] == [["Pat Flynn"], ["Ted Flynn", "Mr Flynn"]]
    assert [c.name for c in found] == ["Pat Flynn", "Ted Flynn"]
    assert clusters(["Pat Flynn", "Ted Flynn", "Pat Flynn"]) == [["Pat Flynn", "Pat Flynn"],
                                                                 ["Ted Flynn"]]


def test_a_bare_surname_joins_the_latest_person_it_fits() -> None:
    assert clusters(["Ted Flynn", "Pat Flynn", "Flynn"]) == [["Ted Flynn"], ["Pat Flynn", "Flynn"]]


def test_second_full_name_after_a_bare_surname_stays_apart() -> None:
    assert clusters(["Ted Flynn", "Flynn", "Pat Flynn"]) == [["Ted Flynn", "Flynn"], ["Pat Flynn"]]


def test_empty_names_are_ignored() -> None:
    assert clusters(["", "Mr", "Rosa Vint"]) == [["Mr"], ["Rosa Vint"]]
