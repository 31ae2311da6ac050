"""Alembic environment for the floorcross store.

``floorcross.store.db.upgrade`` passes an open connection in ``config.attributes``; developers
can also run ``alembic upgrade head`` from the repository root (``alembic.ini``), which uses
``sqlalchemy.url`` from the ini file or ``$FLOORCROSS_DB``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from floorcross.store.db import database_url
from floorcross.store.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    configured = config.get_main_option("sqlalchemy.url")
    return database_url(configured or None)


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
