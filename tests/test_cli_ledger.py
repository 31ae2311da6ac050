"""The ledger commands end to end: ``baseline import``, ``council`` and ``conflicts``.

The seed case runs the real extractor over an article written for these tests
(``fixtures/ledger/``): a Luton councillor who left Labour in September joins the
Conservatives, and the article states the council's seats after his move (4 Conservative,
29 Labour, 15 Liberal Democrats).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from floorcross.cli import _register, app

_register()
runner = CliRunner()

FIXTURES = Path(__file__).parent / "fixtures" / "ledger"
REPO_ROOT = Path(__file__).resolve().parent.parent
LUTON = "Luton Borough Council"
HEADER = "council,party,seats,date\n"
MATCHING = HEADER + ("Luton Council,Labour,30,2023-05-04\n"
                     "Luton Council,Conservative,3,2023-05-04\n"
                     "Luton Council,Liberal Democrats,15,2023-05-04\n")


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def csv_file(tmp_path: Path, text: str, name: str = "baseline.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def luton_db(db_url: str) -> str:
    """A database holding the Luton article (both of the councillor's moves and the count)."""
    result = invoke("ingest", FIXTURES, "--no-fetch", "--db", db_url)
    assert result.exit_code == 0, result.stderr
    return db_url


def test_seed_case_a_matching_baseline_agrees(luton_db: str, tmp_path: Path) -> None:
    imported = invoke("baseline", "import", csv_file(tmp_path, MATCHING), "--db", luton_db)
    assert imported.exit_code == 0, imported.stderr
    assert "imported 3 baseline rows for 1 council (3 new" in imported.stderr

    state = json.loads(invoke("council", "Luton", "--format", "json", "--db", luton_db).stdout)
    assert state["council"] == LUTON and state["baseline_date"] == "2023-05-04"
    assert state["seats"] == {"Labour": 29, "Liberal Democrats": 15, "Conservative": 4}
    assert (state["total"], state["majority"], state["control_label"]) == (48, 25,
                                                                           "Labour majority")
    assert [(c["seat_from"], c["seat_to"]) for c in state["changes"]] == [
        ("Labour", "Independent"), ("Independent", "Conservative")]
    assert state["conflicts"] == []

    listed = invoke("conflicts", "--format", "json", "--db", luton_db)
    assert listed.exit_code == 0 and json.loads(listed.stdout) == []

    # The stated count is kept as a checkpoint in the store.
    from floorcross.store import open_store

    with open_store(luton_db) as store:
        stated = {(c["party"], c["seats"], c["date"]) for c in store.compositions("Luton")}
    assert stated == {("Conservative", 4, "2023-10-10"), ("Labour", 29, "2023-10-10"),
                      ("Liberal Democrats", 15, "2023-10-10")}


def test_seed_case_a_wrong_baseline_is_a_conflict(luton_db: str, tmp_path: Path) -> None:
    wrong = MATCHING.replace("Labour,30", "Labour,32")
    assert invoke("baseline", "import", csv_file(tmp_path, wrong), "--db", luton_db).exit_code == 0
    result = invoke("conflicts", "--council", "E06000032", "--format", "json", "--db", luton_db)
    assert result.exit_code == 1  # conflicts listed: scripts and CI can tell
    [conflict] = json.loads(result.stdout)
    assert (conflict["council"], conflict["date"], conflict["party"]) == (LUTON, "2023-10-10",
                                                                          "Labour")
    assert (conflict["ledger_seats"], conflict["reported_seats"]) == (31, 29)
    assert conflict["doc"] == "luton_councillor_joins_conservatives"
    assert conflict["evidence"].startswith("His move means there are now four Conservatives")
    # the ledger's 31 rests on the baseline and two changes; the article's 29 is two fewer
    assert conflict["basis"] == "the baseline of 2023-05-04" and conflict["since"] == "2023-05-04"
    assert conflict["gap"].endswith(": 2 seats fewer")
    assert conflict["explanations"][0] == (
        "2 unrecorded changes from Labour between 2023-05-04 and 2023-10-10")
    text = invoke("conflicts", "--db", luton_db)
    assert text.exit_code == 1 and "unrecorded changes from Labour" in text.stdout

    table = invoke("council", "Luton", "--db", luton_db).stdout
    assert "conflict: 2023-10-10 Labour: the ledger has 31, article 1 says 29" in table
    # the article is the more recent source: the ledger follows it
    state = json.loads(invoke("council", "Luton", "--format", "json", "--db", luton_db).stdout)
    assert state["seats"] == {"Labour": 29, "Liberal Democrats": 15, "Conservative": 4}
    assert "Labour majority" in table


def test_council_table_dates_and_history(luton_db: str, tmp_path: Path) -> None:
    invoke("baseline", "import", csv_file(tmp_path, MATCHING), "--db", luton_db)
    table = invoke("council", "Luton Council", "--on", "2023-09-30", "--db", luton_db)
    assert table.exit_code == 0
    out = table.stdout
    assert "Luton Borough Council (E06000032), on 2023-09-30; baseline 2023-05-04" in out
    assert "total 48 of 48 seats; majority 25: Labour majority" in out
    assert "1 change since the baseline" in out and "Labour → Independent" in out
    assert "Farid Okonjo" in out

    rows = list(csv.DictReader(io.StringIO(invoke(
        "council", "Luton", "--on", "2023-09-30", "--format", "csv", "--db", luton_db).stdout)))
    assert [(r["party"], r["seats"]) for r in rows] == [
        ("Labour", "29"), ("Liberal Democrats", "15"), ("Conservative", "3"), ("Independent", "1")]
    assert {r["control"] for r in rows} == {"Labour majority"}

    history = list(csv.DictReader(io.StringIO(invoke(
        "council", "Luton", "--history", "--format", "csv", "--db", luton_db).stdout)))
    assert [h["event"] for h in history] == [
        "baseline", "defection: Labour → Independent", "defection: Independent → Conservative",
        "article 1 of 2023-10-10 states the seats"]
    assert [h["Conservative"] for h in history] == ["3", "3", "4", "4"]
    assert [h["Independent"] for h in history] == ["0", "1", "0", "0"]
    steps = json.loads(invoke("council", "Luton", "--history", "--format", "json",
                              "--db", luton_db).stdout)
    assert steps[0]["kind"] == "baseline" and steps[-1]["seats"]["Conservative"] == 4


def test_without_a_baseline_the_article_s_count_is_the_council(luton_db: str) -> None:
    """The done-when of the seed case, on an article of our own: no baseline, and the story
    states all 48 seats: the ledger rests on it, with the sentence."""
    result = invoke("council", "Luton", "--db", luton_db)
    out = result.stdout
    assert "from the seats an article stated on 2023-10-10" in out
    assert "total 48 of 48 seats; majority 25: Labour majority" in out
    assert "“His move means there are now four Conservatives on Luton Borough Council" in out
    state = json.loads(invoke("council", "Luton", "--format", "json", "--db", luton_db).stdout)
    assert state["has_baseline"] is True and state["basis"] == "article"
    assert state["seats"] == {"Labour": 29, "Liberal Democrats": 15, "Conservative": 4}
    assert state["total"] == 48 and state["size"] == 48
    assert {(f["party"], f["source"], f["sure"], f["since"]) for f in state["figures"]} == {
        ("Labour", "article", "high", "2023-10-10"),
        ("Liberal Democrats", "article", "high", "2023-10-10"),
        ("Conservative", "article", "high", "2023-10-10")}
    # before the article, only net changes are known
    before = json.loads(invoke("council", "Luton", "--on", "2023-09-30", "--format", "json",
                               "--db", luton_db).stdout)
    assert before["basis"] == "net" and before["seats"] == {"Independent": 1, "Labour": -1}
    assert "no baseline: net changes only" in invoke(
        "council", "Luton", "--on", "2023-09-30", "--db", luton_db).stdout
    rows = list(csv.DictReader(io.StringIO(invoke(
        "council", "Luton", "--format", "csv", "--db", luton_db).stdout)))
    assert rows[0]["source"] == "article" and rows[0]["evidence"].startswith("His move means")
    assert invoke("conflicts", "--db", luton_db).exit_code == 0


def test_council_all_lists_every_council_tracked(luton_db: str, tmp_path: Path) -> None:
    rows = csv_file(tmp_path, HEADER + "Darlington,Labour,26,2023-05-04\n"
                                      "Darlington,Conservative,24,2023-05-04\n")
    invoke("baseline", "import", rows, "--db", luton_db)
    result = invoke("council", "--all", "--format", "json", "--db", luton_db)
    assert result.exit_code == 0
    listed = {r["council"]: r for r in json.loads(result.stdout)}
    assert set(listed) == {"Darlington Borough Council", LUTON}
    assert listed["Darlington Borough Council"]["control_label"] == "Labour majority"
    assert listed[LUTON]["changes"] == 2 and listed[LUTON]["baseline_date"] is None
    assert "Councils tracked" in invoke("council", "--all", "--db", luton_db).stdout


def test_council_errors_are_one_line(luton_db: str) -> None:
    for args, message in (
        (("council", "Nowhereshire"), "floorcross: unknown council 'Nowhereshire'"),
        (("council", "Luton", "--on", "not a date at all"), "floorcross: cannot read the date"),
        (("council",), "floorcross: give a council NAME, or --all"),
        (("council", "Luton", "--all"), "floorcross: give a council NAME, or --all"),
        (("conflicts", "--council", "Nowhereshire"), "floorcross: unknown council"),
    ):
        result = invoke(*args, "--db", luton_db)
        assert result.exit_code == 2, args
        assert result.stderr.startswith(message), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_baseline_import_skips_bad_rows_and_is_idempotent(db_url: str, tmp_path: Path) -> None:
    path = csv_file(tmp_path, MATCHING + "Lutonshire,Labour,3,2023-05-04\n"
                                         "Luton,Green,-2,2023-05-04\n")
    first = invoke("baseline", "import", path, "--db", db_url)
    assert first.exit_code == 1
    lines = first.stderr.strip().splitlines()
    assert lines == [
        f"floorcross: {path}:5: unknown council 'Lutonshire' (give its official name or GSS code)",
        f"floorcross: {path}:6: seats must be a whole number of 0 or more, not '-2'",
        (f"floorcross: {path}: imported 3 baseline rows for 1 council (3 new, 0 updated, "
         "0 unchanged); skipped 2"),
    ]
    good = csv_file(tmp_path, MATCHING, "good.csv")
    again = invoke("baseline", "import", good, "--db", db_url)
    assert again.exit_code == 0
    assert "(0 new, 0 updated, 3 unchanged)" in again.stderr
    state = json.loads(invoke("council", "Luton", "--format", "json", "--db", db_url).stdout)
    assert state["total"] == 48


def test_baseline_import_of_an_unreadable_file(db_url: str, tmp_path: Path) -> None:
    result = invoke("baseline", "import", tmp_path / "missing.csv",
                    csv_file(tmp_path, MATCHING), "--db", db_url)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"floorcross: {tmp_path / 'missing.csv'}: no such file"
    assert "imported 3 baseline rows" in lines[1]


def test_example_baselines_agree_with_the_example_articles(db_url: str) -> None:
    examples = REPO_ROOT / "examples"
    assert invoke("ingest", examples / "articles", "--no-fetch", "--db", db_url).exit_code == 0
    result = invoke("baseline", "import", examples / "baselines.csv", "--db", db_url)
    assert result.exit_code == 0, result.stderr
    councils = json.loads(invoke("council", "--all", "--format", "json", "--db", db_url).stdout)
    assert len(councils) == 6
    assert all(c["baseline_date"] for c in councils)
    assert sum(c["conflicts"] for c in councils) == 0
    darlington = json.loads(invoke("council", "Darlington", "--format", "json",
                                   "--db", db_url).stdout)
    assert darlington["seats"]["Conservative"] == 23  # as the second Darlington story says
    assert darlington["control_label"] == "No overall control"


# ------------------------------------------------------------------------------ checkpoints

CHECKPOINTS = REPO_ROOT / "tests" / "fixtures" / "ledger_checkpoints"
FORMER = REPO_ROOT / "tests" / "fixtures" / "ledger_former"


def test_a_count_two_defections_and_a_count_one_seat_apart(db_url: str) -> None:
    """Darlington (50 seats): a full count in January, a Labour -> Green and a Conservative ->
    Reform UK defection, and an April count with one more Green and one fewer Labour member
    than the ledger makes it. The ledger follows the April count; `conflicts` exits 1 and
    names the gap: a move from Labour to the Greens between the two counts."""
    assert invoke("ingest", CHECKPOINTS, "--no-fetch", "--db", db_url).exit_code == 0
    march = json.loads(invoke("council", "Darlington", "--on", "2024-03-31", "--format", "json",
                              "--db", db_url).stdout)
    assert march["basis"] == "article" and march["anchor_date"] == "2024-01-15"
    assert march["seats"] == {"Labour": 23, "Conservative": 14, "Green": 8,
                              "Liberal Democrats": 3, "Independent": 1, "Reform UK": 1}
    derived = {f["party"]: (f["source"], f["sure"], f["changes_since"])
               for f in march["figures"]}
    assert derived["Labour"] == ("derived", "medium", 1)
    assert derived["Liberal Democrats"] == ("article", "high", 0)
    assert derived["Reform UK"] == ("derived", "medium", 1)  # none in January, one moved in

    latest = json.loads(invoke("council", "Darlington", "--format", "json",
                               "--db", db_url).stdout)
    assert latest["seats"] == {"Labour": 22, "Conservative": 14, "Green": 9,
                               "Liberal Democrats": 3, "Independent": 1, "Reform UK": 1}
    assert (latest["total"], latest["size"], latest["majority"]) == (50, 50, 26)
    assert latest["control_label"] == "No overall control"
    assert {f["source"] for f in latest["figures"]} == {"article"}

    result = invoke("conflicts", "--format", "json", "--db", db_url)
    assert result.exit_code == 1
    found = {c["party"]: c for c in json.loads(result.stdout)}
    assert set(found) == {"Green", "Labour"}
    green = found["Green"]
    assert (green["ledger_seats"], green["reported_seats"], green["since"]) == (8, 9,
                                                                                "2024-01-15")
    assert green["basis"] == "article 1 of 2024-01-15" and len(green["changes"]) == 1
    assert green["evidence"].startswith("The council now has 22 Labour councillors")
    gap = "1 move from Labour to Green between 2024-01-15 and 2024-04-10 that no article recorded"
    assert green["explanations"] == [gap] and found["Labour"]["explanations"] == [gap]
    table = invoke("conflicts", "--council", "Darlington", "--db", db_url)
    assert table.exit_code == 1 and "1 move from Labour to Green" in table.stdout
    text = invoke("council", "Darlington", "--db", db_url).stdout
    assert "conflict: 2024-04-10 Green: the ledger has 8, article 4 says 9" in text
    assert "could be: 1 move from Labour to Green" in text


def test_a_story_about_an_abolished_council_is_recorded_on_it(db_url: str) -> None:
    """Waveney District Council ended on 2019-03-31 (East Suffolk replaced it): a 2018 story
    about it stays on Waveney, which shows its successor, and East Suffolk's ledger neither
    counts it nor forgets where it came from."""
    assert invoke("ingest", FORMER, "--no-fetch", "--db", db_url).exit_code == 0
    changes = json.loads(invoke("changes", "--format", "json", "--db", db_url).stdout)
    councils = {c["person"]: (c["council"], c["council_gss"]) for c in changes}
    assert councils["Harold Quennell"] == ("Waveney District Council", "E07000206")
    assert councils["Marion Tuddenham"] == ("East Suffolk Council", "E07000244")

    waveney = json.loads(invoke("council", "Waveney", "--format", "json", "--db", db_url).stdout)
    assert waveney["council_gss"] == "E07000206" and waveney["end"] == "2019-03-31"
    assert [c["name"] for c in waveney["successors"]] == ["East Suffolk Council"]
    assert waveney["seats"] == {"Independent": 1, "Conservative": -1}
    out = invoke("council", "Waveney", "--db", db_url).stdout
    assert "existed until 2019-03-31" in out
    assert "replaced by East Suffolk Council (E07000244)" in out

    east = json.loads(invoke("council", "East Suffolk", "--format", "json",
                             "--db", db_url).stdout)
    assert east["start"] == "2019-04-01"
    assert [c["name"] for c in east["predecessors"]] == [
        "Suffolk Coastal District Council", "Waveney District Council"]
    assert [c["person"] for c in east["changes"]] == ["Marion Tuddenham"]
    assert east["seats"] == {"Green": 1, "Labour": -1}
    # the changes list of East Suffolk's area still has both
    area = json.loads(invoke("changes", "--council", "East Suffolk", "--format", "json",
                             "--db", db_url).stdout)
    assert {c["person"] for c in area} == {"Harold Quennell", "Marion Tuddenham"}
