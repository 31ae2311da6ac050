"""Party names: canonical names for every alias, and party mentions found in sentences."""

from __future__ import annotations

import pytest

from floorcross.normalise.parties import canonical_party, find_parties, is_canonical
from floorcross.resources import parties_data

CANONICAL = ("Conservative", "Labour", "Liberal Democrats", "Green", "Reform UK", "UKIP",
             "Brexit Party", "SNP", "Plaid Cymru", "Alba", "Scottish Green", "DUP", "UUP",
             "Sinn Féin", "SDLP", "Alliance", "TUV", "Workers Party", "Your Party", "Independent")


def names(text: str) -> list[str]:
    return [m.name for m in find_parties(text)]


def test_the_data_file_lists_exactly_the_canonical_parties() -> None:
    assert sorted(p["name"] for p in parties_data()["parties"]) == sorted(CANONICAL)
    assert all(is_canonical(name) for name in CANONICAL)
    assert not is_canonical("Ashfield Independents")
    assert not is_canonical(None)


def test_smaller_parties_are_found_but_not_canonical() -> None:
    others = parties_data()["other_parties"]
    assert others and not any(is_canonical(p["name"]) for p in others)
    assert [m.name for m in find_parties("Cllr Ann Pike has joined Mebyon Kernow.")] == ["Mebyon Kernow"]
    assert [m.name for m in find_parties("We aspire to do better.")] == []  # a context alias needs context


@pytest.mark.parametrize("party", parties_data()["parties"] + parties_data()["other_parties"],
                         ids=lambda p: p["name"])
def test_every_alias_in_the_data_maps_to_its_party(party: dict) -> None:
    for alias in [party["name"], *party.get("aliases", []), *party.get("context_aliases", [])]:
        if alias.startswith("the "):
            continue  # see test_alias_starting_with_the
        assert canonical_party(alias) == party["name"], alias
        if alias != party["name"] or alias in party.get("aliases", []):
            # a bare name that is no alias ("Alliance") is too ambiguous to find in text
            assert [m.name for m in find_parties(f"She joined {alias} councillors.")][:1] == [
                party["name"]], alias


def test_alias_starting_with_the_is_found_in_text() -> None:
    text = "Two councillors have joined the party founded by Jeremy Corbyn."
    assert [(m.surface, m.name) for m in find_parties(text)] == [
        ("the party founded by Jeremy Corbyn", "Your Party")]


def test_alias_starting_with_the() -> None:
    assert canonical_party("the party founded by Jeremy Corbyn") == "Your Party"


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        # Conservative
        ("Tory", "Conservative"), ("Tories", "Conservative"), ("Conservatives", "Conservative"),
        ("Scottish Conservatives", "Conservative"), ("Welsh Conservatives", "Conservative"),
        ("the Conservative party", "Conservative"),
        # Liberal Democrats
        ("Lib Dem", "Liberal Democrats"), ("Lib Dems", "Liberal Democrats"),
        ("Liberal Democrat", "Liberal Democrats"), ("  Lib   Dems ", "Liberal Democrats"),
        # Labour
        ("Labour group", "Labour"), ("Labour Party", "Labour"), ("Welsh Labour", "Labour"),
        ("Scottish Labour", "Labour"), ("Labour’s", "Labour"),
        # Greens, with the Scottish Greens apart
        ("Green Party", "Green"), ("Greens", "Green"), ("The Greens", "Green"),
        ("Scottish Greens", "Scottish Green"),
        # the rest of the canonical list
        ("Reform", "Reform UK"), ("Ukip", "UKIP"), ("Scottish National Party", "SNP"),
        ("SNP group", "SNP"), ("Plaid", "Plaid Cymru"), ("Alba Party", "Alba"),
        ("Democratic Unionist Party", "DUP"), ("Ulster Unionists", "UUP"), ("Sinn Fein", "Sinn Féin"),
        ("Social Democratic and Labour Party", "SDLP"), ("Alliance Party", "Alliance"),
        ("Traditional Unionist Voice", "TUV"), ("Workers' Party of Britain", "Workers Party"),
        ("Corbyn's party", "Your Party"),
        # sitting as an independent
        ("independent", "Independent"), ("non-aligned", "Independent"),
        ("unaffiliated", "Independent"), ("Independents", "Independent"),
    ],
)
def test_canonical_party(surface: str, expected: str) -> None:
    assert canonical_party(surface) == expected


def test_other_parties_are_kept_as_written() -> None:
    assert canonical_party("Ashfield Independents") == "Ashfield Independents"
    assert canonical_party("Residents for Uttlesford") == "Residents for Uttlesford"
    assert canonical_party("Havering Residents’ Association") == "Havering Residents' Association"
    assert canonical_party(None) is None


def test_find_parties_maps_aliases_and_keeps_offsets() -> None:
    text = "Cllr Ivo Penhallow crossed from the Tories to Reform UK after a row with Lib Dem allies."
    found = find_parties(text)
    assert [(m.surface, m.name) for m in found] == [
        ("Tories", "Conservative"), ("Reform UK", "Reform UK"), ("Lib Dem", "Liberal Democrats")]
    for m in found:
        assert text[m.start : m.end] == m.surface
        assert not m.local and m.place is None


def test_find_parties_respects_start_and_end() -> None:
    text = "Labour lost a seat. The Greens gained one. Reform held on."
    found = find_parties(text, start=20, end=42)
    assert [(m.start, m.end, m.name) for m in found] == [(24, 30, "Green")]


def test_reform_the_verb_is_not_a_party() -> None:
    assert names("She promised to reform the planning committee before joining Reform.") == ["Reform UK"]


def test_green_needs_a_political_noun() -> None:
    assert names("A Green councillor walked past the green belt and the village green.") == ["Green"]


def test_local_groups_are_kept_as_the_article_names_them() -> None:
    [mention] = find_parties("Two members crossed the floor to the Ashfield Independents on Monday.")
    assert (mention.surface, mention.name, mention.local) == (
        "Ashfield Independents", "Ashfield Independents", True)
    [mention] = find_parties("He now sits with the Tamworth Residents' Association group.")
    assert mention.name == "Tamworth Residents' Association"
    assert mention.local


def test_quoted_group_names() -> None:
    [mention] = find_parties("They formed the 'Valley Voice' group after the budget vote.")
    assert (mention.name, mention.local) == ("Valley Voice", True)


def test_place_prefixed_party_is_the_national_party() -> None:
    [mention] = find_parties("The row split Luton Labour down the middle.")
    assert (mention.surface, mention.name, mention.place, mention.local) == (
        "Luton Labour", "Labour", "Luton", False)
    [mention] = find_parties("Hounslow Labour Group chose a new leader.")
    assert (mention.name, mention.place) == ("Labour", "Hounslow")


def test_independent_group_is_a_group_of_its_own() -> None:
    [mention] = find_parties("Three councillors set up the Independent Group at County Hall.")
    assert (mention.name, mention.local) == ("Independent Group", True)


def test_sitting_as_an_independent() -> None:
    assert names("She will now sit as an independent member for Oakfield.") == ["Independent"]


def test_local_group_at_sentence_end_has_no_full_stop() -> None:
    assert names("He left the Conservatives to join Residents for Uttlesford.") == [
        "Conservative", "Residents for Uttlesford"]


def test_two_parties_joined_by_and_stay_two() -> None:
    assert names("She has left Welsh Labour and the Labour Party for good.") == ["Labour", "Labour"]


def test_party_then_local_group() -> None:
    assert names("Two councillors swapped Plaid Cymru for the Havering Residents' Association.") == [
        "Plaid Cymru", "Havering Residents' Association"]


def test_green_inside_a_ward_name_is_a_place() -> None:
    assert [m.name for m in find_parties("Cllr Ray Moss, a councillor for the Heald Green ward")] == []
    assert [m.name for m in find_parties("the Heald Green Ward councillor")] == []
    assert [m.name for m in find_parties("Sheffield Green councillor Ann Lee")] == ["Green"]


# ---- the fast scans find exactly what the plain patterns find


def _unicode_case_matches(ch: str) -> tuple[str, ...]:
    import re
    import sys

    single = re.compile(f"(?i:{re.escape(ch)})")
    return tuple(chr(c) for c in range(sys.maxunicode + 1) if single.fullmatch(chr(c)))


def test_case_variants_below_u3000_are_all_of_them() -> None:
    from floorcross.normalise.parties import _case_variants

    letters = {a[0] for p in parties_data()["parties"] for a in p.get("aliases", []) if a.islower()}
    letters |= set("greenalba")
    assert "i" in letters  # "i" is the letter with extra matches: "İ" and "ı"
    for ch in sorted(letters):
        assert _case_variants(ch) == _unicode_case_matches(ch), ch
    assert set(_case_variants("i")) == {"I", "i", "İ", "ı"}


_FAST_SCAN_TRAPS = [
    "The İndependent councillor and the unalıgned member", "She now sits as UNALIGNED.",
    "a non-Labour majority", "Labour-run Harnby", "the Tory's plan", "LIB DEMS gain a seat",
    "the 'Real Green' party", "she joined GREEN councillors", "he left Alba for the SNP",
    "Eastwell Residents' Association of Copperton", "Ashfield Independents",
    "Independents for Saltings said", "the Luton Labour group", "Heald Green ward",
    "Reform UK and the Conservatives", "the Conservatives' group leader", "IndependentS",
]


def test_fast_party_scans_find_what_the_plain_patterns_find(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses
    import re
    from pathlib import Path

    from floorcross.normalise import parties

    tables = parties._tables()
    aliases = [a for p in parties_data()["parties"] + parties_data()["other_parties"] for a in p.get("aliases", [])]
    # The patterns as first written: every alias tried at every character, no word tests.
    plain = dataclasses.replace(
        tables, alias_re=re.compile(rf"(?<![\w'’-])(?:{parties._alias_pattern(aliases)})(?![\w-])"),
        context_words=None, local_words=("",))
    root = Path(__file__).resolve().parent.parent
    texts = _FAST_SCAN_TRAPS + [p.read_text(encoding="utf-8") for folder in (
        root / "tests" / "fixtures" / "articles", root / "examples" / "articles")
        for p in sorted(folder.glob("*.txt"))]
    fast = [find_parties(text) for text in texts]
    monkeypatch.setattr(parties, "_tables", lambda: plain)
    slow = [find_parties(text) for text in texts]
    assert sum(map(len, fast)) > 100
    for text, f, s in zip(texts, fast, slow, strict=True):
        assert f == s, text[:60]
    assert [m.name for m in fast[0]] == ["Independent", "Independent"]
