"""Engines, transactions and migrations: one place that knows SQLite from PostgreSQL.

Any SQLAlchemy URL works. SQLite gets the settings a file shared by a CLI and a web app needs
(WAL so readers never block the writer, foreign keys on, a busy timeout, ``BEGIN IMMEDIATE`` for
writes so two writers queue instead of deadlocking). PostgreSQL writers take one advisory lock,
so there is a single writer there too. The schema is created and upgraded by the Alembic
migrations shipped in ``floorcross/store/migrations``, run whenever a store is opened.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from floorcross.store.errors import StoreError

ENV_VAR = "FLOORCROSS_DB"
DEFAULT_URL = "sqlite:///./floorcross.db"
BUSY_TIMEOUT_MS = 30_000
# Any fixed number: the key of the PostgreSQL advisory lock every writer takes.
WRITER_LOCK_KEY = 7_345_202_611


def database_url(url: str | None = None) -> str:
    """Return the URL to use: ``url``, else ``$FLOORCROSS_DB``, else ``./floorcross.db``.

    A bare file path (``data/floorcross.db``) is taken as a SQLite file, so that
    ``--db my.db`` works as people expect.
    """
    chosen = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    if "://" not in chosen:
        chosen = f"sqlite:///{chosen}"
    try:
        make_url(chosen)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {chosen!r} ({exc})") from exc
    return chosen


def is_sqlite(engine: Engine | Connection) -> bool:
    """Whether the engine (or connection) talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """Create the engine for ``url`` with the per-backend settings described above."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:  # e.g. psycopg missing
        raise StoreError(
            f"no driver for {parsed.get_backend_name()} ({exc.name}); "
            "install it, e.g. pip install 'floorcross[postgres]'"
        ) from exc


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself (pysqlite's own implicit
        # transactions cannot be made IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        with contextlib.suppress(Exception):  # read-only media keep their journal mode
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("floorcross_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one write transaction, committed on success, rolled back on error.

    This is the single-writer discipline: on SQLite the transaction starts with ``BEGIN
    IMMEDIATE``; on PostgreSQL it takes a transaction-scoped advisory lock first.
    """
    with engine.connect().execution_options(floorcross_write=True) as conn, conn.begin():
        if not is_sqlite(conn):
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITER_LOCK_KEY})
        session = Session(bind=conn, autoflush=True, expire_on_commit=False)
        try:
            yield session
            session.flush()
        finally:
            session.close()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only session (one consistent snapshot for the queries inside it)."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


# ------------------------------------------------------------------------------ migrations


def migrations_dir() -> Path:
    """The folder of the Alembic environment shipped in the package."""
    return Path(str(resources.files("floorcross.store").joinpath("migrations")))


def alembic_config(url: str) -> Any:
    """An Alembic ``Config`` for ``url`` that needs no ``alembic.ini``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    """The newest migration shipped with this version of floorcross."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(migrations_dir())).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (a no-op when already there)."""
    from alembic import command

    if current_revision(engine) == head_revision():
        return
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect().execution_options(floorcross_write=True) as conn, conn.begin():
        if not is_sqlite(conn):
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITER_LOCK_KEY})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
