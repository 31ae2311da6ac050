"""Party memberships from the record: Popolo JSON (checked against the Popolo schemas' required
fields and types) and the Wikidata/QuickStatements CSV, on the demo database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from floorcross.cli import _register, app
from floorcross.memberships import WIKIDATA_COLUMNS, quickstatements_time
from floorcross.store import open_store

SCHEMA = Path(__file__).resolve().parent / "fixtures" / "popolo" / "schema.json"
runner = CliRunner()
_register()


def export(db: Path, fmt: str, tmp_path: Path) -> str:
    out = tmp_path / f"export.{fmt}"
    result = runner.invoke(app, ["export", "--format", fmt, "--db", str(db), "-o", str(out)],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def popolo_data(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return json.loads(export(demo_db, "popolo", tmp_path_factory.mktemp("popolo")))


def test_popolo_export_passes_the_schema(popolo_data: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(popolo_data, schema, format_checker=jsonschema.FormatChecker())
    assert popolo_data["persons"] and popolo_data["memberships"]


def test_a_broken_export_fails_the_schema(popolo_data: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = json.loads(json.dumps(popolo_data))
    broken["memberships"][0]["start_date"] = "12 September 2023"
    del broken["persons"][0]["name"]
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(broken))
    assert len(errors) == 2


def test_organizations_parties_councils_and_groups(popolo_data: dict[str, Any]) -> None:
    orgs = {o["id"]: o for o in popolo_data["organizations"]}
    darlington = orgs["council/E06000005"]
    assert darlington["classification"] == "council"
    assert darlington["identifiers"] == [{"scheme": "gss", "identifier": "E06000005"}]
    group = orgs["council/E06000005/group/labour"]
    assert group["classification"] == "party group" and group["parent_id"] == darlington["id"]
    assert orgs["party/labour"]["identifiers"] == [{"scheme": "wikidata", "identifier": "Q9630"}]
    ids = set(orgs)
    for m in popolo_data["memberships"]:
        assert m["organization_id"] in ids and m["on_behalf_of_id"] in ids
        assert m["sources"], f"{m['id']} has no source"


def _events(memberships: list[dict[str, Any]]) -> list[tuple[str | None, str]]:
    """A person's changes rebuilt from their memberships alone."""
    events: list[tuple[str | None, str]] = []
    for m in memberships:
        if "start_reason" in m and (not events or events[-1] != (m.get("start_date"),
                                                                  m["start_reason"])):
            events.append((m.get("start_date"), m["start_reason"]))
        if "end_reason" in m:
            events.append((m.get("end_date"), m["end_reason"]))
    return events


def _path(parties: list[str]) -> list[str]:
    return [p for i, p in enumerate(parties) if i == 0 or parties[i - 1] != p]


def test_popolo_round_trips_every_person_timeline(popolo_data: dict[str, Any],
                                                  demo_db: Path) -> None:
    from floorcross.web.routes.people import parties_path

    orgs = {o["id"]: o for o in popolo_data["organizations"]}
    by_person: dict[str, list[dict[str, Any]]] = {}
    for m in popolo_data["memberships"]:
        by_person.setdefault(m["person_id"], []).append(m)
    with open_store(str(demo_db)) as store:
        people = [p for p in store.people() if p.changes]
        assert {f"person/{p.key}" for p in people} == {p["id"] for p in popolo_data["persons"]}
        for person in people:
            timeline = store.timeline(person.id)
            mine = sorted(by_person[f"person/{person.key}"],
                          key=lambda m: int(m["id"].rsplit("/", 1)[1]))
            assert _events(mine) == [(e.change.date, e.change.kind) for e in timeline.entries]
            parties = [orgs[m["on_behalf_of_id"]]["name"] for m in mine]
            assert _path(parties) == parties_path(timeline), person.name
            named = next(p for p in popolo_data["persons"] if p["id"] == f"person/{person.key}")
            assert {person.name, *(o["name"] for o in named["other_names"])} == {
                person.name, *person.names}


def test_a_defection_ends_one_membership_and_starts_the_next(
        popolo_data: dict[str, Any]) -> None:
    tindale = [m for m in popolo_data["memberships"]
               if m["person_id"] == "person/darlington/graham-tindale"]
    assert [m["on_behalf_of_id"] for m in tindale] == [
        "party/labour", "party/independent", "party/conservative"]
    first, second = tindale[0], tindale[1]
    assert "start_date" not in first and first["end_reason"] == "defection"
    assert second["start_date"] == first["end_date"]
    assert "end_date" not in tindale[-1]


def test_wikidata_csv_is_shaped_for_quickstatements(demo_db: Path, tmp_path: Path) -> None:
    text = export(demo_db, "wikidata-csv", tmp_path)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == WIKIDATA_COLUMNS
    labour = [r for r in rows if r["party"] == "Labour"]
    assert labour and all(r["P102"] == "Q9630" for r in labour)
    for r in rows:
        assert r["qid"] == ""  # people have no Wikidata item in the record: to reconcile
        for column, plain in (("qal580", "start"), ("qal582", "end")):
            assert r[column] == quickstatements_time(r[plain] or None)
        if r["end"]:
            assert r["end_cause"] in {"defection", "suspension", "expulsion", "readmission"}


def test_quickstatements_time_keeps_the_precision() -> None:
    assert quickstatements_time("2023-09-12") == "+2023-09-12T00:00:00Z/11"
    assert quickstatements_time("2023-09") == "+2023-09-00T00:00:00Z/10"
    assert quickstatements_time("2023") == "+2023-00-00T00:00:00Z/9"
    assert quickstatements_time(None) == "" and quickstatements_time("autumn") == ""
