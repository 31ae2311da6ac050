"""The store commands end to end: ingest, changes, person, people, change, export, corrections.

Ends with the crash test: ``floorcross ingest`` killed with SIGKILL halfway, run again, must
leave a database equal, table by table, to one built without interruption.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from conftest import PG_ENV, PG_HINT, _pg_schema_url
from sqlalchemy import create_engine, text
from store_helpers import table_rows
from typer.testing import CliRunner

from floorcross.cli import _register, app
from floorcross.store.db import WRITER_LOCK_KEY
from floorcross.store.models import CORE_TABLES

_register()
runner = CliRunner()

LEFT = (" date 2023-09-12\nCllr Dana Whitlock, who represents Poets ward on Luton Borough "
        "Council, has quit the Labour Party to sit as an independent.\n\nShe said the decision "
        "had not been easy.\n")
JOINED = (" date 2023-10-20\nDana Whitlock, an independent councillor on Luton Borough Council, "
          "has joined the Conservative Party, five weeks after she quit Labour.\n")
HART = (" date 2023-06-01\nCouncillor Bob Hart has been suspended by the Labour Party on Luton "
        "Borough Council.\n")
ROBERT = (" date 2023-08-02\nCouncillor Robert Hart has had the Labour whip restored on Luton "
          "Borough Council.\n")


def invoke(*args: str | Path, env: dict[str, str] | None = None):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, env=env)


@pytest.fixture
def news(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, body in (("1_left.txt", LEFT), ("2_joined.txt", JOINED), ("3_hart.txt", HART),
                       ("4_robert.txt", ROBERT), ("5_copy.txt", LEFT)):
        (folder / name).write_text(body, encoding="utf-8")
    return folder


@pytest.fixture
def loaded(db_url: str, news: Path) -> str:
    result = invoke("ingest", news, "--db", db_url)
    assert result.exit_code == 0, result.stderr
    return db_url


# ------------------------------------------------------------------------------ help


def _commands(group, prefix: str) -> Iterator[tuple[str, object]]:
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        yield path, command
        if hasattr(command, "commands"):
            yield from _commands(command, path)


def test_every_store_command_has_an_example() -> None:
    group = typer.main.get_command(app)
    mine = {"ingest", "changes", "person", "people", "change", "export", "corrections"}
    assert mine <= set(group.commands)
    for path, _ in _commands(group, "floorcross"):
        if path.split()[1] not in mine:
            continue
        result = invoke(*path.split()[1:], "--help")
        assert result.exit_code == 0
        example = [line for line in result.output.splitlines() if "Example:" in line]
        assert example and path in example[0], f"`{path} --help` needs an Example: {path} ..."


# ------------------------------------------------------------------------------ ingest


def test_ingest_reports_a_summary_and_is_idempotent(db_url: str, news: Path) -> None:
    first = invoke("ingest", news, "--db", db_url)
    assert first.exit_code == 0
    assert first.stderr.strip().splitlines()[-1].startswith(
        "floorcross: 5 articles read: 4 new, 1 duplicate, 4 relevant")
    again = invoke("ingest", news, "--db", db_url)
    assert again.exit_code == 0
    assert "0 new, 5 duplicates" in again.stderr
    assert "changes: 0 new, 0 updated" in again.stderr


def test_ingest_skips_bad_input_with_one_line_and_exit_1(db_url: str, news: Path,
                                                          tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_bytes(b"PK")
    result = invoke("ingest", news, tmp_path / "missing.txt", tmp_path / "notes.docx",
                    "--db", db_url)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"floorcross: {tmp_path / 'missing.txt'}: no such file or directory"
    assert lines[1].startswith(f"floorcross: {tmp_path / 'notes.docx'}: unknown file type")
    assert "2 skipped" in lines[-1]
    assert "Traceback" not in result.output


def test_ingest_needs_a_path_or_reextract(db_url: str) -> None:
    result = invoke("ingest", "--db", db_url)
    assert result.exit_code == 2
    assert "give at least one PATH" in result.stderr


def test_reextract_from_the_cli_keeps_the_answers(loaded: str) -> None:
    before = invoke("changes", "--db", loaded, "--format", "json").output
    result = invoke("ingest", "--reextract", "--db", loaded)
    assert result.exit_code == 0, result.stderr
    assert "re-extracted 4 articles" in result.stderr
    assert invoke("changes", "--db", loaded, "--format", "json").output == before


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = invoke("changes", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.exit_code == 2
    assert result.stderr.startswith("floorcross: cannot open database")
    assert len(result.stderr.strip().splitlines()) == 1


def test_database_from_environment(news: Path, tmp_path: Path) -> None:
    env = {"FLOORCROSS_DB": str(tmp_path / "env.db")}
    assert invoke("ingest", news, env=env).exit_code == 0
    assert (tmp_path / "env.db").exists()
    assert "Dana Whitlock" in invoke("changes", env=env).output


# ------------------------------------------------------------------------------ queries


def test_who_left_labour_on_luton_council(loaded: str) -> None:
    result = invoke("changes", "--council", "Luton", "--party", "Labour", "--format", "csv",
                    "--db", loaded)
    rows = list(csv.DictReader(io.StringIO(result.output)))
    got = sorted((r["person"], r["kind"], r["from_party"], r["to_party"]) for r in rows)
    assert ("Dana Whitlock", "defection", "Labour", "Independent") in got
    assert all("Labour" in (r["from_party"], r["to_party"]) for r in rows)
    table = invoke("changes", "--council", "Luton Council", "--party", "Labour", "--db", loaded)
    assert "Dana Whitlock" in table.output and "Labour → Independent" in table.output


@pytest.mark.parametrize("args", [("person", "99999999999999999999"),
                                  ("changes", "--person", "99999999999999999999"),
                                  ("change", "verify", "9223372036854775808")])
def test_an_id_past_64_bits_is_one_line_not_a_traceback(loaded: str, args: tuple[str, ...]
                                                        ) -> None:
    result = runner.invoke(app, [*args, "--db", loaded])
    assert isinstance(result.exception, SystemExit), result.exception  # no other exception
    assert result.exit_code == 2
    assert result.output.startswith("floorcross: ") and len(result.output.splitlines()) == 1
    assert "too large" in result.output or "out of range" in result.output, result.output


def test_changes_dates_and_formats(loaded: str) -> None:
    data = json.loads(invoke("changes", "--since", "2023-09", "--until", "2023", "-f", "json",
                             "--db", loaded).output)
    assert [c["person"] for c in data] == ["Dana Whitlock", "Dana Whitlock"]
    assert invoke("changes", "--since", "last month", "--db", loaded).exit_code == 0
    bad = invoke("changes", "--since", "the twelfth of never", "--db", loaded)
    assert bad.exit_code == 2 and "cannot read the date" in bad.stderr
    assert invoke("changes", "--kind", "expelled", "--db", loaded).exit_code == 2


def test_person_timeline_shows_sources_and_evidence(loaded: str) -> None:
    result = invoke("person", "Whitlock", "--db", loaded)
    assert result.exit_code == 0
    out = result.output
    assert "Dana Whitlock" in out and "Luton Borough Council" in out
    assert out.index("Labour → Independent") < out.index("Independent → Conservative")
    assert "has quit the Labour Party to sit as an independent" in out
    data = json.loads(invoke("person", "Dana Whitlock", "-f", "json", "--db", loaded).output)
    [timeline] = data
    assert [c["to_party"] for c in timeline["changes"]] == ["Independent", "Conservative"]
    assert timeline["changes"][0]["sources"][0]["evidence_text"].startswith("Cllr Dana Whitlock")
    missing = invoke("person", "Nobody Atall", "--db", loaded)
    assert missing.exit_code == 1 and "no person matches" in missing.stderr


def test_export_formats_and_targets(loaded: str, tmp_path: Path) -> None:
    out = tmp_path / "changes.csv"
    result = invoke("export", "--format", "csv", "--what", "changes", "-o", out, "--db", loaded)
    assert result.exit_code == 0 and "wrote" in result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["person"] for r in rows} >= {"Dana Whitlock"}
    assert all(r["urls"] == "" for r in rows)  # text files have no URLs
    lines = invoke("export", "-f", "jsonl", "--what", "sources", "--db", loaded).output
    sources = [json.loads(line) for line in lines.splitlines()]
    assert all(s["evidence_text"] for s in sources)
    people = invoke("export", "-f", "jsonl", "--what", "people", "--db", loaded).output
    assert "Dana Whitlock" in people
    assert invoke("export", "--what", "votes", "--db", loaded).exit_code == 2


# ------------------------------------------------------------------------------ corrections


def test_corrections_from_the_cli(loaded: str) -> None:
    def changes() -> list[dict]:
        return json.loads(invoke("changes", "-f", "json", "--all", "--db", loaded).output)

    whitlock = [c for c in changes() if c["person"] == "Dana Whitlock"]
    first, second = whitlock[0]["id"], whitlock[1]["key"]
    assert invoke("change", "correct", str(first), "date", "2023-09-10", "--author", "ed",
                  "--note", "minutes", "--db", loaded).exit_code == 0
    assert invoke("change", "verify", second, "--db", loaded).exit_code == 0
    harts = json.loads(invoke("people", "list", "-f", "json", "--db", loaded).output)
    bob, robert = sorted((p for p in harts if "Hart" in p["name"]), key=lambda p: p["id"])
    merged = invoke("people", "merge", str(bob["id"]), str(robert["id"]), "--db", loaded)
    assert merged.exit_code == 0 and "merge_people" in merged.stderr
    split = invoke("people", "split", str(bob["id"]), "--name", "Robert Hart", "--db", loaded)
    assert split.exit_code == 0
    rejected = next(c for c in changes() if c["kind"] == "readmission")
    assert invoke("change", "reject", str(rejected["id"]), "--db", loaded).exit_code == 0

    after = {c["id"]: c for c in changes()}
    assert after[first]["date"] == "2023-09-10" and after[first]["corrected"] == "date"
    assert after[rejected["id"]]["review"] == "rejected"
    assert rejected["id"] not in {c["id"] for c in json.loads(
        invoke("changes", "-f", "json", "--db", loaded).output)}
    listing = json.loads(invoke("corrections", "-f", "json", "--db", loaded).output)
    assert [c["action"] for c in listing] == ["correct_change", "verify_change", "merge_people",
                                              "split_person", "reject_change"]
    assert invoke("ingest", "--reextract", "--db", loaded).exit_code == 0
    assert {c["id"]: c for c in changes()} == after

    bad = invoke("change", "correct", str(first), "colour", "red", "--db", loaded)
    assert bad.exit_code == 2 and "cannot correct 'colour'" in bad.stderr
    assert invoke("change", "show", str(first), "--db", loaded).exit_code == 0
    assert invoke("change", "show", "999", "--db", loaded).exit_code == 2


# ------------------------------------------------------------------------------ crash test

FIRST = ["Nadia", "Tobias", "Harriet", "Kwame", "Imogen", "Declan", "Priya", "Ewan", "Rosalind",
         "Farid", "Bethan", "Callum", "Yasmin", "Gideon", "Leonie", "Aurelio", "Maeve", "Obinna",
         "Sunita", "Lachlan"]
LAST = ["Fenwick", "Wren", "Oduya", "Castellane", "Birtwhistle", "Marchetti", "Ravensdale",
        "Quilliam", "Thorneycroft", "Abernethy", "Penhaligon", "Varga", "Ellery", "Mossop",
        "Tregarthen", "Dunstable", "Okonjo", "Haverstock", "Lindqvist", "Pemberton"]
COUNCILS = ["Kent County Council", "Leeds City Council", "Bristol City Council",
            "Cornwall Council", "Norfolk County Council", "Sheffield City Council",
            "Derby City Council", "Medway Council", "Luton Borough Council", "Wigan Council"]
PARTIES = ["the Green Party", "Reform UK", "the Liberal Democrats", "the Conservative Party"]


def crash_articles() -> list[str]:
    """60 articles: 20 defections, 15 follow-ups in later batches, 10 suspensions,
    8 syndicated copies and 7 council stories with no change."""
    people = [(f"{FIRST[i]} {LAST[i]}", COUNCILS[i % len(COUNCILS)]) for i in range(20)]
    left = [f" date 2023-{1 + i % 6:02d}-{3 + i:02d}\nCouncillor {n} has quit the Labour Party to "
            f"sit as an independent on {c}.\n\nCllr {n.split()[1]} said the decision had been "
            "difficult.\n" for i, (n, c) in enumerate(people)]
    joined = [f" date 2023-{8 + i % 4:02d}-{3 + i:02d}\n{n}, an independent councillor on {c}, "
              f"has joined {PARTIES[i % 4]}. Cllr {n.split()[1]} quit Labour earlier this year "
              "to sit as an independent.\n" for i, (n, c) in enumerate(people[:15])]
    suspended = [f" date 2024-02-{1 + i:02d}\nCouncillor {FIRST[i]} {LAST[19 - i]} has been "
                 f"suspended by the Conservative group on {COUNCILS[(i + 3) % 10]}.\n"
                 for i in range(10)]
    quiet = [f" date 2024-03-{1 + i:02d}\n{COUNCILS[i]} has agreed its budget for next year "
             "after a long debate.\n" for i in range(7)]
    order = left[:10] + left[:4] + joined[:5] + quiet[:3] + left[10:] + suspended[:5] \
        + left[10:14] + joined[5:] + quiet[3:] + suspended[5:]
    assert len(order) == 60
    return order


@pytest.fixture
def two_dbs(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Iterator[list[str]]:
    if db_url.startswith("sqlite"):
        yield [db_url, f"sqlite:///{tmp_path / 'killed.db'}"]
        return
    base = os.environ.get(PG_ENV)
    if not base:  # pragma: no cover - db_url already skipped
        pytest.skip(PG_HINT)
    yield from ([db_url, second] for second in _pg_schema_url(base))


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from floorcross.cli import main; main()", *args]


def _articles(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT COUNT(*) FROM articles")).scalar_one())
    except Exception:  # noqa: BLE001 - the schema may not exist yet
        return 0
    finally:
        engine.dispose()


class WriterLock:
    """Holds the store's writer lock, so the ingest under test stops before its next batch."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.conn = self.engine.connect()
        if url.startswith("sqlite"):
            self.conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            self.conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": WRITER_LOCK_KEY})

    def release(self) -> None:
        if self.engine.dialect.name == "sqlite":
            self.conn.exec_driver_sql("ROLLBACK")
        else:
            self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": WRITER_LOCK_KEY})
        self.conn.close()
        self.engine.dispose()


@pytest.mark.slow
def test_ingest_killed_halfway_and_rerun_equals_an_uninterrupted_run(
    two_dbs: list[str], tmp_path: Path
) -> None:
    folder = tmp_path / "crash"
    folder.mkdir()
    for i, body in enumerate(crash_articles()):
        (folder / f"{i:03d}.txt").write_text(body, encoding="utf-8")
    whole, killed = two_dbs
    args = ["ingest", str(folder), "--batch-size", "1"]  # many small batches: the kill comes mid-run

    done = subprocess.run(_cli(*args, "--db", whole), capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr

    proc = subprocess.Popen(_cli(*args, "--db", killed), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while _articles(killed) < 8:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "ingest wrote nothing in two minutes"
        time.sleep(0.02)
    lock = WriterLock(killed)  # the next batch waits here, mid-run
    try:
        time.sleep(0.3)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        lock.release()
    assert proc.returncode == -signal.SIGKILL
    partial = _articles(killed)
    assert 8 <= partial < _articles(whole)

    rerun = subprocess.run(_cli(*args, "--db", killed), capture_output=True, text=True,
                           timeout=300, check=False)
    assert rerun.returncode == 0, rerun.stderr
    for table in CORE_TABLES:
        assert table_rows(killed, table) == table_rows(whole, table), table
    assert len(table_rows(whole, "changes")) >= 40
