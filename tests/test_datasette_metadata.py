"""``floorcross datasette-metadata``: a real Datasette serves the demo database with the metadata
written, and its canned queries answer."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from floorcross.cli import _register, app
from floorcross.datasette_metadata import QUERIES
from floorcross.store.models import Base

runner = CliRunner()
_register()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The demo database copied to a folder of its own with metadata.json beside it, served by
    Datasette; yields (base URL, metadata path)."""
    folder = tmp_path_factory.mktemp("datasette")
    db = folder / "floorcross.db"
    shutil.copy(demo_db, db)
    result = runner.invoke(app, ["datasette-metadata", "--db", str(db),
                                 "--licence", "CC-BY-4.0"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    meta = folder / "metadata.json"
    assert meta.is_file()
    port = _free_port()
    datasette = Path(sys.executable).parent / "datasette"
    proc = subprocess.Popen([str(datasette), "serve", str(db), "--metadata", str(meta),
                             "--port", str(port), "--host", "127.0.0.1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"datasette exited: {proc.stderr.read().decode()[-500:]}")
                time.sleep(0.1)
        yield base, meta
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_canned_queries_answer(served: tuple[str, Path]) -> None:
    base, _ = served
    people = get(f"{base}/floorcross/people_with_more_than_one_change.json?_shape=array")
    names = {p["name"] for p in people}
    assert "Graham Tindale" in names and all(p["changes"] > 1 for p in people)
    tindale = next(p for p in people if p["name"] == "Graham Tindale")
    assert tindale["path"] == ("defection: Labour -> Independent; "
                               "defection: Independent -> Conservative")
    seats = get(f"{base}/floorcross/net_seats_by_party_per_council.json?_shape=array")
    darlington = {r["party"]: r["net"] for r in seats if r["council_gss"] == "E06000005"}
    assert darlington == {"Conservative": 1, "Independent": 0, "Labour": -1}
    month = get(f"{base}/floorcross/changes_this_month.json?_shape=array")
    assert month == []  # the examples are from 2022-2024


def test_datasette_serves_the_descriptions(served: tuple[str, Path]) -> None:
    base, meta = served
    data = get(f"{base}/-/metadata.json")
    assert data["license"] == "CC-BY-4.0"
    tables = data["databases"]["floorcross"]["tables"]
    assert tables["changes"]["columns"]["review"].startswith("unreviewed, verified")
    assert set(QUERIES) <= set(data["databases"]["floorcross"]["queries"])
    written = json.loads(meta.read_text(encoding="utf-8"))
    assert written["databases"]["floorcross"]["tables"] == tables
    assert data["title"] == written["title"]


def test_every_table_and_column_is_described() -> None:
    from floorcross.datasette_metadata import table_metadata

    tables = table_metadata()
    for table in Base.metadata.tables.values():
        assert tables[table.name]["description"], table.name
        for column in table.columns:
            assert tables[table.name]["columns"][column.name], f"{table.name}.{column.name}"


def test_only_sqlite_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["datasette-metadata", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0
    assert "no such database file" in result.output
