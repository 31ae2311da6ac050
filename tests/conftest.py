"""Shared fixtures: a fresh database on SQLite, and on PostgreSQL when one is configured.

Database tests take ``db_url`` (a URL to an empty database) or ``fresh_db`` (a :class:`Store`
opened on it). Both run once on SQLite (a file in the test's tmp folder) and once on
PostgreSQL when ``FLOORCROSS_TEST_DATABASE_URL`` names a server, each test in a schema of its
own that is dropped afterwards. Without the variable the PostgreSQL runs are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ENV = "FLOORCROSS_TEST_DATABASE_URL"
PG_HINT = (
    f"PostgreSQL tests need a server: set {PG_ENV}="
    "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _pg_schema_url(base: str) -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"fc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: SQLite, or PostgreSQL when configured."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'floorcross.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_HINT)
    yield from _pg_schema_url(base)


@pytest.fixture
def fresh_db(db_url: str) -> Iterator[object]:
    """A :class:`floorcross.store.Store` on an empty database."""
    from floorcross.store import open_store

    store = open_store(db_url)
    try:
        yield store
    finally:
        store.close()


def pytest_report_header(config: pytest.Config) -> str:
    if os.environ.get(PG_ENV):
        return f"database tests: SQLite and PostgreSQL ({PG_ENV} is set)"
    return f"database tests: SQLite only ({PG_HINT})"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database (``make demo``): the example articles ingested with the real
    extractor, and the example baselines. Built once per test session; treat it as read-only."""
    from typer.testing import CliRunner

    from floorcross.cli import _register, app

    _register()
    root = Path(__file__).resolve().parent.parent / "examples"
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    runner = CliRunner()
    for args in (["ingest", str(root / "articles"), "--no-fetch", "--db", str(path)],
                 ["baseline", "import", str(root / "baselines.csv"), "--db", str(path)]):
        result = runner.invoke(app, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return path
