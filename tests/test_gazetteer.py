"""Tests for the UK council/ward gazetteer (floorcross.normalise.councils + build script)."""

from __future__ import annotations

import csv
import importlib.util
import io
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest

from floorcross.normalise.councils import (
    Council,
    Gazetteer,
    gazetteer,
    normalise_name,
    split_designators,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = REPO_ROOT / "scripts" / "build_gazetteer.py"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return gazetteer()


# ------------------------------------------------------------------------------------------------
# packaged data
# ------------------------------------------------------------------------------------------------


def test_data_files_are_package_resources() -> None:
    base = resources.files("floorcross").joinpath("data/gazetteer")
    for name in ("councils.csv", "wards.csv"):
        resource = base.joinpath(name)
        assert resource.is_file(), name
    header = base.joinpath("councils.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == (
        "gss,code,official_name,nice_name,type,nation,region,county_gss,current,replaced_by,"
        "former_gss,alt_names"
    )
    wards_header = base.joinpath("wards.csv").read_text(encoding="utf-8").splitlines()[0]
    assert wards_header == "ward_gss,ward_name,council_gss,vintage"


def test_data_is_compact_and_sorted() -> None:
    base = REPO_ROOT / "src" / "floorcross" / "data" / "gazetteer"
    total = sum((base / n).stat().st_size for n in ("councils.csv", "wards.csv"))
    assert total < 2 * 1024 * 1024
    with (base / "councils.csv").open(newline="", encoding="utf-8") as handle:
        gss = [row["gss"] for row in csv.DictReader(handle)]
    assert gss == sorted(gss)
    assert len(gss) == len(set(gss))


def test_gazetteer_is_cached_singleton(gaz: Gazetteer) -> None:
    assert gazetteer() is gaz


def test_counts(gaz: Gazetteer) -> None:
    current = gaz.current_councils()
    by_nation: dict[str, int] = {}
    for council in current:
        by_nation[council.nation] = by_nation.get(council.nation, 0) + 1
    # England: 21 county councils, 164 districts, 63 unitaries, 36 metropolitan districts,
    # 32 London boroughs and the City of London
    assert by_nation == {"England": 317, "Wales": 22, "Scotland": 32, "Northern Ireland": 11}
    assert sum(c.type == "CTY" for c in current) == 21
    assert not any(c.type in {"COMB", "SRA"} for c in gaz.councils)


def test_lookup_speed(gaz: Gazetteer) -> None:
    start = time.perf_counter()
    for _ in range(200):
        gaz.council_by_name("Rochdale Borough Council")
        gaz.councils_for_ward("Central")
    assert time.perf_counter() - start < 0.5


# ------------------------------------------------------------------------------------------------
# council names
# ------------------------------------------------------------------------------------------------

OFFICIAL_NAMES = {
    "Luton Council": "Luton Borough Council",
    "Luton Borough Council": "Luton Borough Council",
    "luton": "Luton Borough Council",
    "LUTON COUNCIL": "Luton Borough Council",
    "the London Borough of Redbridge": "London Borough of Redbridge",
    "Redbridge Council": "London Borough of Redbridge",
    "Brighton & Hove City Council": "Brighton and Hove City Council",
    "Brighton and Hove": "Brighton and Hove City Council",
    "Rochdale Borough Council": "Rochdale Metropolitan Borough Council",
    "Rochdale Council": "Rochdale Metropolitan Borough Council",
    "Wigan Council": "Wigan Metropolitan Borough Council",
    "Blackpool Council": "Blackpool Borough Council",
    "Kent County Council": "Kent County Council",
    "Stoke-on-Trent City Council": "Stoke-on-Trent City Council",
    "Stoke on Trent Council": "Stoke-on-Trent City Council",
    "Wrexham Council": "Wrexham County Borough Council",
    "Bath and North East Somerset Council": "Bath and North East Somerset Council",
    "Bath & North East Somerset": "Bath and North East Somerset Council",
    "Isle of Wight Council": "Isle of Wight Council",
    "Derby City Council": "Derby City Council",
    "Tower Hamlets borough council": "London Borough of Tower Hamlets",
    "Tower Hamlets Council": "London Borough of Tower Hamlets",
    "Aberdeen City Council": "Aberdeen City Council",
    "Aberdeen": "Aberdeen City Council",
    "Belfast City Council": "Belfast City Council",
    "Armagh City, Banbridge and Craigavon Borough Council": (
        "Armagh City, Banbridge and Craigavon Borough Council"
    ),
    "St Albans": "St Albans City and District Council",
    "St. Albans City Council": "St Albans City and District Council",
    "Saint Albans District Council": "St Albans City and District Council",
    "St Helens Council": "St Helens Council",
    "Saint Helens": "St Helens Council",
    "Royal Borough of Greenwich": "Royal Borough of Greenwich",
    "Greenwich Council": "Royal Borough of Greenwich",
    "Kensington and Chelsea Council": "Royal Borough of Kensington and Chelsea",
    "Hammersmith & Fulham Council": "London Borough of Hammersmith & Fulham",
    "Westminster City Council": "City of Westminster",
    "Bradford Council": "City of Bradford Metropolitan District Council",
    "City of York Council": "City of York Council",
    "York Council": "City of York Council",
    "Edinburgh Council": "City of Edinburgh Council",
    "Glasgow City Council": "Glasgow City Council",
    "Cardiff Council": "City of Cardiff Council",
    "Swansea Council": "City and County of Swansea Council",
    "Highland Council": "The Highland Council",
    "Hull City Council": "Hull City Council",
    "Kingston upon Hull": "Hull City Council",
    "Newcastle City Council": "Newcastle City Council",
    "Newcastle-under-Lyme Borough Council": "Newcastle-under-Lyme Borough Council",
    "Richmond upon Thames Council": "London Borough of Richmond upon Thames",
    "Blackburn with Darwen Council": "Blackburn with Darwen Borough Council",
    "King's Lynn and West Norfolk Council": "Borough Council of Kings Lynn and West Norfolk",
    "Durham County Council": "Durham County Council",
    "Shepway District Council": "Folkestone and Hythe District Council",
    "Sheffield City Council": "Sheffield City Council",
    "Barnsley Council": "Barnsley Metropolitan Borough Council",
    "Cornwall Council": "Cornwall Council",
    "Newry, Mourne and Down District Council": "Newry, Mourne and Down District Council",
    "Comhairle nan Eilean Siar": "Comhairle nan Eilean Siar",
    "Western Isles Council": "Comhairle nan Eilean Siar",
    "Isle of Anglesey County Council": "Isle of Anglesey County Council",
    "Anglesey Council": "Isle of Anglesey County Council",
}


@pytest.mark.parametrize(("name", "official"), sorted(OFFICIAL_NAMES.items()))
def test_council_by_name_official(gaz: Gazetteer, name: str, official: str) -> None:
    council = gaz.council_by_name(name)
    assert council is not None, name
    assert council.official_name == official
    assert gaz.display_name(council) == official


@pytest.mark.parametrize(
    ("name", "gss", "code"),
    [
        ("Luton Council", "E06000032", "LUT"),
        ("London Borough of Harrow", "E09000015", "HRW"),
        ("Redbridge", "E09000026", "RDB"),
        ("Stockport Council", "E08000007", "SKP"),
        ("Wrexham", "W06000006", "WRX"),
        ("Belfast", "N09000003", "BFS"),
        ("Barnsley Metropolitan Borough Council", "E08000038", "BNS"),  # 2024 recode
    ],
)
def test_council_codes(gaz: Gazetteer, name: str, gss: str, code: str) -> None:
    council = gaz.council_by_name(name)
    assert council is not None
    assert (council.gss, council.code) == (gss, code)


def test_council_record_fields(gaz: Gazetteer) -> None:
    luton = gaz.council_by_gss("E06000032")
    assert luton == gaz.council_by_name("Luton")
    assert luton is not None
    assert (luton.nice_name, luton.type, luton.nation, luton.region) == (
        "Luton",
        "UA",
        "England",
        "East of England",
    )
    assert luton.current is True
    assert luton.county_gss is None and luton.replaced_by is None
    lancaster = gaz.council_by_name("Lancaster City Council")
    assert lancaster is not None and lancaster.county_gss == "E10000017"
    county = gaz.county(lancaster)
    assert county is not None and county.official_name == "Lancashire County Council"
    # regions come from ONS: Lincolnshire County Council is in the East Midlands
    lincs = gaz.council_by_name("Lincolnshire County Council")
    assert lincs is not None and lincs.region == "East Midlands"
    aberdeen = gaz.council_by_name("Aberdeen")
    assert aberdeen is not None and (aberdeen.nation, aberdeen.region) == ("Scotland", "Scotland")


def test_county_versus_district(gaz: Gazetteer) -> None:
    lancs = gaz.council_by_name("Lancashire County Council")
    assert lancs is not None and (lancs.gss, lancs.type) == ("E10000017", "CTY")
    assert gaz.council_by_name("Lancashire") == lancs
    lancaster = gaz.council_by_name("Lancaster")
    assert lancaster is not None and lancaster.gss == "E07000121"
    assert gaz.council_by_name("Lancaster City Council") == lancaster
    # a "County Council" is never a district, a "District Council" never a county council
    assert gaz.council_by_name("Lancaster County Council") is None
    assert gaz.council_by_name("Warwick County Council") is None
    assert gaz.council_by_name("Kent District Council") is None
    warwick = gaz.council_by_name("Warwick")
    assert warwick is not None and warwick.official_name == "Warwick District Council"
    warwickshire = gaz.council_by_name("Warwickshire")
    assert warwickshire is not None and warwickshire.official_name == "Warwickshire County Council"
    durham = gaz.council_by_name("Durham")
    assert durham is not None and durham.official_name == "Durham County Council"
    # unitary councils are often called "county council"
    wilts = gaz.council_by_name("Wiltshire County Council")
    assert wilts is not None and wilts.official_name == "Wiltshire Council"


def test_shared_nice_names_prefer_current_and_designator(gaz: Gazetteer) -> None:
    somerset = gaz.council_by_name("Somerset")
    assert somerset is not None and (somerset.gss, somerset.current) == ("E06000066", True)
    old = gaz.council_by_name("Somerset County Council")
    assert old is not None and (old.gss, old.current) == ("E10000027", False)
    assert gaz.current(old) == somerset
    nyc = gaz.council_by_name("North Yorkshire")
    assert nyc is not None and nyc.official_name == "North Yorkshire Council"
    nycc = gaz.council_by_name("North Yorkshire County Council")
    assert nycc is not None and nycc.gss == "E10000023"
    dorset = gaz.council_by_name("Dorset")
    assert dorset is not None and dorset.official_name == "Dorset Council"
    bucks = gaz.council_by_name("Buckinghamshire")
    assert bucks is not None and bucks.official_name == "Buckinghamshire Council"


def test_short_forms(gaz: Gazetteer) -> None:
    expected = {
        "Richmond Council": "London Borough of Richmond upon Thames",
        "Stockton Council": "Stockton-on-Tees Borough Council",
        "Southend Council": "Southend-on-Sea Borough Council",
        "Newcastle": "Newcastle City Council",
        "Stoke": "Stoke-on-Trent City Council",
    }
    for name, official in expected.items():
        council = gaz.council_by_name(name)
        assert council is not None and council.official_name == official, name


@pytest.mark.parametrize(
    "name",
    ["", "   ", "Kingston", "Kingston Council", "London", "Narnia District Council", "Council"],
)
def test_unknown_or_ambiguous_names(gaz: Gazetteer, name: str) -> None:
    assert gaz.council_by_name(name) is None


def test_candidates_lists_ambiguity(gaz: Gazetteer) -> None:
    assert [c.gss for c in gaz.candidates("Kingston")] == ["E06000010", "E09000021"]
    assert gaz.candidates("Narnia") == []


def test_former_councils_and_successors(gaz: Gazetteer) -> None:
    waveney = gaz.council_by_name("Waveney District Council")
    assert waveney is not None
    assert (waveney.gss, waveney.current, waveney.replaced_by) == ("E07000206", False, "E07000244")
    assert gaz.current(waveney).official_name == "East Suffolk Council"
    chiltern = gaz.council_by_name("Chiltern District Council")
    assert chiltern is not None and chiltern.replaced_by == "E06000060"
    assert gaz.current(chiltern).official_name == "Buckinghamshire Council"
    # chains are followed to the current council: Taunton Deane -> Somerset West and Taunton -> Somerset
    taunton = gaz.council_by_name("Taunton Deane Borough Council")
    assert taunton is not None and taunton.replaced_by == "E06000066"
    # a county split in two has no single successor
    cumbria = gaz.council_by_name("Cumbria County Council")
    assert cumbria is not None
    assert cumbria.replaced_by is None
    assert cumbria.successors == ("E06000063", "E06000064")
    assert gaz.current(cumbria) is cumbria
    luton = gaz.council_by_name("Luton")
    assert luton is not None and gaz.current(luton) is luton


def test_council_by_gss(gaz: Gazetteer) -> None:
    harrow = gaz.council_by_gss("E09000015")
    assert harrow is not None and harrow.official_name == "London Borough of Harrow"
    assert gaz.council_by_gss("e09000015") == harrow
    # former codes of the same council (ONS recodes) resolve too
    sheffield = gaz.council_by_gss("E08000019")
    assert sheffield is not None and sheffield.gss == "E08000039"
    st_albans = gaz.council_by_gss("E07000100")
    assert st_albans is not None and st_albans.gss == "E07000240"
    assert gaz.council_by_gss("E99999999") is None
    assert gaz.council_by_gss("") is None
    assert gaz.council_by_name("E06000032") == gaz.council_by_gss("E06000032")
    assert gaz.council_by_code("lut") == gaz.council_by_gss("E06000032")


def test_same_council(gaz: Gazetteer) -> None:
    assert gaz.same_council("Rochdale Borough Council", "Rochdale Metropolitan Borough Council")
    assert gaz.same_council("Harrow Council", "London Borough of Harrow")
    assert gaz.same_council("Brighton & Hove City Council", "brighton and hove")
    assert gaz.same_council("Tower Hamlets borough council", "Tower Hamlets Council")
    assert not gaz.same_council("Lancashire County Council", "Lancaster City Council")
    assert not gaz.same_council("Harrow Council", "Luton Council")
    assert not gaz.same_council("Waveney District Council", "East Suffolk Council")
    # unknown names fall back to normalised equality
    assert gaz.same_council("Narnia Parish Council", "narnia parish council")
    assert not gaz.same_council("Narnia Parish Council", "Luton Council")
    assert not gaz.same_council("", "")


def test_place_names(gaz: Gazetteer) -> None:
    pairs = list(gaz.place_names())
    by_surface: dict[str, set[str]] = {}
    for surface, council in pairs:
        assert isinstance(council, Council)
        by_surface.setdefault(surface, set()).add(council.gss)
    assert by_surface["Luton Borough Council"] == {"E06000032"}
    assert by_surface["Luton"] == {"E06000032"}
    assert by_surface["London Borough of Redbridge"] == {"E09000026"}
    assert by_surface["Wrecsam"] == {"W06000006"}  # Welsh alternative name
    assert by_surface["Shepway"] == {"E07000112"}  # former name of Folkestone and Hythe
    assert "Waveney District Council" in by_surface  # former councils appear in the news
    assert len(pairs) == len({(s, c.gss) for s, c in pairs})
    # alternative-name junk from the inputs is filtered out
    assert "Luton UA" not in by_surface
    assert "harrow london boro" not in by_surface
    assert "aberdeen cuty" not in by_surface
    assert not any("ï¿½" in s or "\ufffd" in s for s in by_surface)


# ------------------------------------------------------------------------------------------------
# wards
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ward", "gss"),
    [
        ("Canons", "E09000015"),
        ("Poets", "E06000032"),
        ("Goodmayes", "E09000026"),
        ("Offerton", "E08000007"),
        ("Gwersyllt North", "W06000006"),
        ("canons ward", "E09000015"),
        ("POETS Ward", "E06000032"),
        ("Shepherds Bush Green", "E09000013"),
        ("Shepherd’s Bush Green", "E09000013"),
        ("Kirkley & Pakefield", "E07000244"),  # an East Suffolk ward (formerly Waveney)
    ],
)
def test_unique_ward_to_council(gaz: Gazetteer, ward: str, gss: str) -> None:
    assert [c.gss for c in gaz.councils_for_ward(ward)] == [gss]


def test_ambiguous_wards(gaz: Gazetteer) -> None:
    central = gaz.councils_for_ward("Central")
    castle = gaz.councils_for_ward("Castle")
    assert len(central) == 24
    assert len(castle) == 29
    assert {"E06000032", "E08000012", "E08000038", "N09000003"} <= {c.gss for c in central}
    assert {"E07000008", "E07000121", "W06000011", "S12000030"} <= {c.gss for c in castle}
    assert all(c.current for c in central + castle)
    assert [c.gss for c in central] == sorted(c.gss for c in central)
    assert gaz.councils_for_ward("Nowhere In Particular") == []
    assert gaz.councils_for_ward("") == []


def test_ward_name(gaz: Gazetteer) -> None:
    harrow = gaz.council_by_name("Harrow")
    luton = gaz.council_by_name("Luton")
    assert harrow is not None and luton is not None
    assert gaz.ward_name("canons ward", harrow) == "Canons"
    assert gaz.ward_name("Canons", luton) is None
    assert gaz.ward_name("poets", luton) == "Poets"
    hf = gaz.council_by_name("Hammersmith and Fulham")
    assert hf is not None
    assert gaz.ward_name("shepherds bush green", hf) == "Shepherd's Bush Green"
    # a former council's wards are looked up in its successor
    waveney = gaz.council_by_name("Waveney District Council")
    assert waveney is not None
    assert gaz.ward_name("kirkley and pakefield", waveney) == "Kirkley & Pakefield"
    ward = gaz.ward("Poets", luton)
    assert ward is not None and (ward.ward_gss, ward.vintage) == ("E05014747", "2023")


def test_ward_names(gaz: Gazetteer) -> None:
    names = gaz.ward_names()
    assert names == sorted(set(names))
    assert {"Canons", "Poets", "Goodmayes", "Gwersyllt North"} <= set(names)
    luton_wards = gaz.wards_of(gaz.council_by_gss("E06000032"))  # type: ignore[arg-type]
    assert "Poets" in luton_wards and "Canons" not in luton_wards


# ------------------------------------------------------------------------------------------------
# normalisation helpers
# ------------------------------------------------------------------------------------------------


def test_normalise_name() -> None:
    assert normalise_name("The Saint Albans City & District") == "st albans city and district"
    assert normalise_name("St. Mary’s") == normalise_name("St Marys") == "st marys"
    assert normalise_name("Stoke-on-Trent") == "stoke on trent"
    assert normalise_name("Eilean a' Chèo") == "eilean a cheo"
    assert normalise_name("  Luton   COUNCIL ") == "luton council"


def test_split_designators() -> None:
    assert split_designators("rochdale metropolitan borough council")[0] == "rochdale"
    assert split_designators("london borough of redbridge")[0] == "redbridge"
    assert split_designators("city of bradford metropolitan district council")[0] == "bradford"
    assert split_designators("bristol city of")[0] == "bristol"
    assert split_designators("city of london")[0] == "city of london"  # not "london"
    core, words = split_designators("kent county council")
    assert core == "kent" and words == {"county", "council"}


# ------------------------------------------------------------------------------------------------
# build script on synthetic inputs of the published shapes
# ------------------------------------------------------------------------------------------------

MS_COLUMNS = [
    "local-authority-code",
    "official-name",
    "nice-name",
    "gss-code",
    "start-date",
    "end-date",
    "replaced-by",
    "nation",
    "region",
    "local-authority-type",
    "local-authority-type-name",
    "county-la",
    "combined-authority",
    "alt-names",
    "former-gss-codes",
    "notes",
    "current-authority",
    "BS-6879",
    "ecode",
    "even-older-register-and-code",
    "gov-uk-slug",
    "area",
    "pop-2020",
    "x",
    "y",
    "lat",
    "long",
    "powers",
    "lower-or-unitary",
    "mapit-area-code",
    "ofcom",
    "old-ons-la-code",
    "old-register-and-code",
    "open-council-data-id",
    "os-file",
    "os",
    "snac",
    "wdtk-id",
]
LA_COLUMNS = [
    "LADCD",
    "LADNM",
    "LADCD_ACTIVE",
    "LADNM_ACTIVE",
    "UTLACD",
    "UTLANM",
    "CAUTHCD",
    "CAUTHNM",
    "RGNCD",
    "RGNNM",
    "CTRYCD",
    "CTRYNM",
    "EWCD",
    "EWNM",
    "GBCD",
    "GBNM",
    "UKCD",
    "UKNM",
    "Current",
    "LAD20CD",
    "LAD20NM",
]
WARD_COLUMNS = [
    "WDCD",
    "WDNM",
    "LADCD",
    "LADNM",
    "SOURCEFILE",
    "LADCD_ACTIVE",
    "LADNM_ACTIVE",
    "UTLACD",
    "UTLANM",
    "CAUTHCD",
    "CAUTHNM",
    "RGNCD",
    "RGNNM",
    "CTRYCD",
    "CTRYNM",
    "EWCD",
    "EWNM",
    "GBCD",
    "GBNM",
    "UKCD",
    "UKNM",
    "LAD20CD",
    "LAD20NM",
]


def _ms(
    code: str, official: str, nice: str, gss: str, typ: str, current: bool, **extra: str
) -> dict[str, str]:
    row = {
        "local-authority-code": code,
        "official-name": official,
        "nice-name": nice,
        "gss-code": gss,
        "local-authority-type": typ,
        "nation": extra.pop("nation", "England"),
        "region": extra.pop("region", ""),
        "current-authority": "True" if current else "False",
    }
    row.update(extra)
    return row


def _la(
    code: str, name: str, active: str, active_name: str, upper: str, current: bool, region: str = ""
) -> dict[str, str]:
    return {
        "LADCD": code,
        "LADNM": name,
        "LADCD_ACTIVE": active,
        "LADNM_ACTIVE": active_name,
        "UTLACD": upper,
        "RGNNM": region,
        "CTRYNM": "England",
        "Current": "TRUE" if current else "FALSE",
    }


def _ward(code: str, name: str, lad: str, active: str, vintage: str) -> dict[str, str]:
    return {"WDCD": code, "WDNM": name, "LADCD": lad, "LADCD_ACTIVE": active, "SOURCEFILE": vintage}


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


@pytest.fixture()
def synthetic_inputs(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    authorities = [
        _ms(
            "LUT",
            "Luton Borough Council",
            "Luton",
            "E06000032",
            "UA",
            True,
            region="East of England",
            **{"alt-names": "Luton,Luton UA,luton,luton borough council,luton cuty,Shared Name"},
        ),
        _ms(
            "SFK",
            "Suffolk County Council",
            "Suffolk",
            "E10000029",
            "CTY",
            True,
            **{"alt-names": "Suffolk,suffolk,suffolk county"},
        ),
        _ms(
            "ESK",
            "East Suffolk Council",
            "East Suffolk",
            "E07000244",
            "NMD",
            True,
            **{"county-la": "SFK", "alt-names": "East Suffolk,Shared Name"},
        ),
        _ms(
            "WAV",
            "Waveney District Council",
            "Waveney",
            "E07000206",
            "NMD",
            False,
            **{"county-la": "SFK", "replaced-by": "ESK", "end-date": "2019-03-31"},
        ),
        _ms("BNS", "Barnsley Metropolitan Borough Council", "Barnsley", "E08000016", "MD", True),
        _ms("SMT", "Somerset Council", "Somerset", "E06000066", "UA", True),
        _ms(
            "SWT",
            "Somerset West and Taunton Council",
            "Somerset West and Taunton",
            "E07000246",
            "NMD",
            False,
            **{"replaced-by": "SMT"},
        ),
        _ms(
            "TAU",
            "Taunton Deane Borough Council",
            "Taunton Deane",
            "E07000190",
            "NMD",
            False,
            **{"replaced-by": "SWT"},
        ),
        _ms(
            "CMA",
            "Cumbria County Council",
            "Cumbria",
            "E10000006",
            "CTY",
            False,
            **{"replaced-by": "CBD,WAF"},
        ),
        _ms("CBD", "Cumberland Council", "Cumberland", "E06000063", "UA", True),
        _ms(
            "WAF",
            "Westmorland and Furness Council",
            "Westmorland and Furness",
            "E06000064",
            "UA",
            True,
        ),
        _ms(
            "AGY",
            "Isle of Anglesey County Council",
            "Isle of Anglesey",
            "W06000001",
            "WPA",
            True,
            nation="Wales",
            region="Wales",
            **{
                "alt-names": "Isle of Anglesey,Sir Ynys Mï¿½n,anglesey,isle of anglesey county council"
            },
        ),
        _ms(
            "ABC",
            "Armagh City, Banbridge and Craigavon Borough Council",
            "Armagh City, Banbridge and Craigavon",
            "N09000002",
            "NID",
            True,
            nation="Northern Ireland",
            region="Northern Ireland",
            **{"alt-names": "Armagh City, Banbridge and Craigavon,armagh, banbridge and craigavon"},
        ),
        _ms("NIR-A", "Derry City Council", "Derry", "", "NID", False, nation="Northern Ireland"),
        _ms(
            "GMCA",
            "Greater Manchester Combined Authority",
            "Greater Manchester",
            "E47000001",
            "COMB",
            True,
        ),
    ]
    las = [
        _la("E06000032", "Luton", "E06000032", "Luton", "E06000032", True, "East of England"),
        _la(
            "E07000244",
            "East Suffolk",
            "E07000244",
            "East Suffolk",
            "E10000029",
            True,
            "East of England",
        ),
        _la(
            "E07000206",
            "Waveney",
            "E07000244",
            "East Suffolk",
            "E10000029",
            False,
            "East of England",
        ),
        _la(
            "E08000016",
            "Barnsley",
            "E08000038",
            "Barnsley",
            "E08000038",
            False,
            "Yorkshire and The Humber",
        ),
        _la(
            "E08000038",
            "Barnsley",
            "E08000038",
            "Barnsley",
            "E08000038",
            True,
            "Yorkshire and The Humber",
        ),
        _la("E06000066", "Somerset", "E06000066", "Somerset", "E06000066", True, "South West"),
        _la(
            "E07000246",
            "Somerset West and Taunton",
            "E06000066",
            "Somerset",
            "E06000066",
            False,
            "South West",
        ),
        _la(
            "E07000190", "Taunton Deane", "E06000066", "Somerset", "E06000066", False, "South West"
        ),
        _la("E06000063", "Cumberland", "E06000063", "Cumberland", "E06000063", True, "North West"),
        _la(
            "E06000064",
            "Westmorland and Furness",
            "E06000064",
            "Westmorland and Furness",
            "E06000064",
            True,
            "North West",
        ),
        _la("W06000001", "Isle of Anglesey", "W06000001", "Isle of Anglesey", "W06000001", True),
        _la(
            "N09000002",
            "Armagh City, Banbridge and Craigavon",
            "N09000002",
            "Armagh City, Banbridge and Craigavon",
            "N09000002",
            True,
        ),
    ]
    lookup = [
        {"la-name": "Luton Borough Council", "local-authority-code": "LUT"},
        {"la-name": "Luton Council", "local-authority-code": "LUT"},
        {"la-name": "east suffolkk", "local-authority-code": "ESK"},
        {"la-name": "Sir Ynys Mï¿½n", "local-authority-code": "AGY"},
        {"la-name": "Lowestoft and Waveney", "local-authority-code": "WAV"},
        {"la-name": "Nowhere", "local-authority-code": "ZZZ"},
    ]
    wards = [
        _ward("E05000002", "Poets", "E06000032", "E06000032", "2016"),
        _ward("E05014747", "Poets", "E06000032", "E06000032", "2023"),
        _ward("E05014739", "Central", "E06000032", "E06000032", "2023"),
        _ward("E05007196", "Kirkley", "E07000206", "E07000244", "2016"),
        _ward("E05000976", "Central", "E08000016", "E08000038", "2016"),
        _ward("E05016568", "Central", "E08000038", "E08000038", "2026"),
        _ward("W05000001", "Aberffraw", "W06000001", "W06000001", "2022"),
        _ward("E05999999", "Nowhere Ward", "E07999999", "E07999999", "2023"),
    ]
    _write(src / "mysociety_uk_local_authorities_current.csv", MS_COLUMNS, authorities)
    _write(src / "drkane_la_all_codes.csv", LA_COLUMNS, las)
    _write(
        src / "mysociety_lookup_name_to_registry.csv", ["la-name", "local-authority-code"], lookup
    )
    _write(src / "drkane_ward_all_codes.csv", WARD_COLUMNS, wards)
    return src


def _run_build(src: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--source-dir", str(src), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )


def test_build_script_on_synthetic_inputs(synthetic_inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _run_build(synthetic_inputs, out)
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    expected = (
        "gazetteer: 13 councils (9 current, 4 former, 1 without GSS skipped), "
        "5 wards from 8 rows (1 unmatched)"
    )
    assert lines[0].startswith(expected)

    councils_csv = (out / "councils.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(councils_csv)))
    assert rows[0] == [
        "gss", "code", "official_name", "nice_name", "type", "nation", "region", "county_gss",
        "current", "replaced_by", "former_gss", "alt_names",
    ]  # fmt: skip
    ne, nw, sw, yh = "England", "North West", "South West", "Yorkshire and The Humber"
    ee = "East of England"
    assert rows[1:] == [
        ["E06000032", "LUT", "Luton Borough Council", "Luton", "UA", ne, ee, "", "true", "", "",
         "Luton Council"],
        ["E06000063", "CBD", "Cumberland Council", "Cumberland", "UA", ne, nw, "", "true", "", "",
         ""],
        ["E06000064", "WAF", "Westmorland and Furness Council", "Westmorland and Furness", "UA",
         ne, nw, "", "true", "", "", ""],
        ["E06000066", "SMT", "Somerset Council", "Somerset", "UA", ne, sw, "", "true", "", "", ""],
        ["E07000190", "TAU", "Taunton Deane Borough Council", "Taunton Deane", "NMD", ne, sw, "",
         "false", "E06000066", "", ""],
        ["E07000206", "WAV", "Waveney District Council", "Waveney", "NMD", ne, ee, "E10000029",
         "false", "E07000244", "", "Lowestoft and Waveney"],
        ["E07000244", "ESK", "East Suffolk Council", "East Suffolk", "NMD", ne, ee, "E10000029",
         "true", "", "", ""],
        ["E07000246", "SWT", "Somerset West and Taunton Council", "Somerset West and Taunton",
         "NMD", ne, sw, "", "false", "E06000066", "", ""],
        ["E08000038", "BNS", "Barnsley Metropolitan Borough Council", "Barnsley", "MD", ne, yh, "",
         "true", "", "E08000016", ""],
        ["E10000006", "CMA", "Cumbria County Council", "Cumbria", "CTY", ne, "", "", "false",
         "E06000063|E06000064", "", ""],
        ["E10000029", "SFK", "Suffolk County Council", "Suffolk", "CTY", ne, ee, "", "true", "",
         "", "suffolk county"],
        ["N09000002", "ABC", "Armagh City, Banbridge and Craigavon Borough Council",
         "Armagh City, Banbridge and Craigavon", "NID", "Northern Ireland", "Northern Ireland", "",
         "true", "", "", "armagh, banbridge and craigavon"],
        ["W06000001", "AGY", "Isle of Anglesey County Council", "Isle of Anglesey", "WPA", "Wales",
         "Wales", "", "true", "", "", "anglesey"],
    ]  # fmt: skip
    wards_csv = (out / "wards.csv").read_text(encoding="utf-8")
    assert wards_csv.splitlines() == [
        "ward_gss,ward_name,council_gss,vintage",
        "E05014739,Central,E06000032,2023",
        "E05014747,Poets,E06000032,2023",
        "E05007196,Kirkley,E07000244,2016",
        "E05016568,Central,E08000038,2026",
        "W05000001,Aberffraw,W06000001,2022",
    ]

    # re-runnable and deterministic
    _run_build(synthetic_inputs, out)
    assert (out / "councils.csv").read_text(encoding="utf-8") == councils_csv
    assert (out / "wards.csv").read_text(encoding="utf-8") == wards_csv

    # the output loads into a working gazetteer
    gaz = Gazetteer.from_csv(out / "councils.csv", out / "wards.csv")
    waveney = gaz.council_by_name("Waveney District Council")
    assert waveney is not None and gaz.current(waveney).official_name == "East Suffolk Council"
    taunton = gaz.council_by_name("Taunton Deane")
    assert taunton is not None and gaz.current(taunton).gss == "E06000066"
    assert gaz.council_by_gss("E08000016") == gaz.council_by_name("Barnsley Council")
    assert [c.nice_name for c in gaz.councils_for_ward("central")] == ["Luton", "Barnsley"]
    assert [c.gss for c in gaz.councils_for_ward("Kirkley ward")] == ["E07000244"]
    assert gaz.council_by_name("Shared Name") is None
    assert gaz.council_by_name("Suffolk County Council") == gaz.council_by_gss("E10000029")


def test_build_script_reports_missing_inputs(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(BUILD_SCRIPT),
            "--source-dir",
            str(tmp_path),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "missing input file" in result.stderr
    assert not (tmp_path / "o").exists()


def test_build_script_normalisation_matches_package() -> None:
    spec = importlib.util.spec_from_file_location("build_gazetteer", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while executing it
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    samples = [
        "The Saint Albans City & District",
        "St. Mary’s",
        "Stoke-on-Trent",
        "Eilean a' Chèo",
        "Armagh City, Banbridge and Craigavon",
        "  King's Lynn  ",
    ]
    assert [module.norm_key(s) for s in samples] == [normalise_name(s) for s in samples]


# ------------------------------------------------------------------------------ through time


def test_build_script_writes_councils_through_time(synthetic_inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _run_build(synthetic_inputs, out)
    assert "with dates or former names" in result.stdout
    rows = list(csv.DictReader(io.StringIO((out / "history.csv").read_text(encoding="utf-8"))))
    by_gss = {r["gss"]: r for r in rows}
    # Waveney: its register end date, its direct successor
    assert (by_gss["E07000206"]["end_date"], by_gss["E07000206"]["successors"]) == (
        "2019-03-31", "E07000244")
    # Taunton Deane's direct successor is Somerset West and Taunton (which Somerset replaced)
    assert by_gss["E07000190"]["successors"] == "E07000246"
    assert by_gss["E10000006"]["successors"] == "E06000063|E06000064"
    assert "E06000032" not in by_gss  # nothing dated about Luton
    assert all(r["source"] for r in rows)


def test_council_on_a_date(gaz: Gazetteer) -> None:
    on = gaz.council_on
    assert on("Waveney District Council", "2018-06-14").official_name == "Waveney District Council"
    assert on("Waveney District Council", "2020-01-01").official_name == "East Suffolk Council"
    assert on("Kettering", "2022").official_name == "North Northamptonshire Council"
    # Taunton Deane -> Somerset West and Taunton (2019) -> Somerset (2023), step by step
    assert on("Taunton Deane", "2020-06-01").official_name == "Somerset West and Taunton Council"
    assert on("Taunton Deane", "2024-01-01").official_name == "Somerset Council"
    assert on("E07000244", "2017-05-01") is None  # East Suffolk before it began: two predecessors
    assert on("Cumbria County Council", "2024-01-01") is None  # split in two
    assert on("Luton", "2008-01-01").official_name == "Luton Borough Council"
    assert on("Nowhereshire", "2020-01-01") is None
    assert on("Waveney", None).official_name == "Waveney District Council"


def test_successors_predecessors_and_former_names(gaz: Gazetteer) -> None:
    east = gaz.council_by_name("East Suffolk")
    assert east is not None
    assert [c.official_name for c in gaz.predecessors_of(east)] == [
        "Suffolk Coastal District Council", "Waveney District Council"]
    history = gaz.history(east)
    assert str(history.start) == "2019-04-01" and history.end is None
    waveney = gaz.council_by_name("Waveney")
    assert waveney is not None and [c.gss for c in gaz.successors_of(waveney)] == ["E07000244"]
    assert gaz.existed_on(waveney, "2019-03") and not gaz.existed_on(waveney, "2019-04-01")
    assert set(gaz.area_codes(east)) == {"E07000244", "E07000206", "E07000205"}
    folkestone = gaz.council_by_name("Shepway")
    assert folkestone is not None and folkestone.gss == "E07000112"
    assert gaz.name_on(folkestone, "2016-05-01") == "Shepway District Council"
    assert gaz.name_on(folkestone, "2018-04-01") == "Folkestone and Hythe District Council"
