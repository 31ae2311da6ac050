"""Web app at scale: derived columns and indexes so every listing filters, sorts, counts and
pages in SQL (``changes.sources``, ``flags``, ``low_confidence``, ``sort_reported``,
``sort_date``; ``person_names.folded``; ``corrections.orphaned``), filled for existing rows.

Revision ID: 0006_web_scale
Revises: 0003_web
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_web_scale"
down_revision: str | None = "0005_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANGE_COLUMNS = (
    ("sources", sa.Integer(), "Number of distinct articles reporting it (derived)"),
    ("flags", sa.Text(), "Review flags, comma separated: why an editor might doubt it (derived)"),
    ("low_confidence", sa.Integer(),
     "1 when a fact was guessed or is missing (see docs/web.md), else 0 (derived)"),
    ("sort_reported", sa.String(10),
     "First reported, else the change's date: the feed's order (derived)"),
    ("sort_date", sa.String(10),
     "The change's date, else first reported: order by date (derived)"),
)
INDEXES = (
    ("ix_changes_sort_reported", ["sort_reported", "id"]),
    ("ix_changes_sort_date", ["sort_date", "id"]),
    ("ix_changes_low_confidence", ["low_confidence", "id"]),
    ("ix_changes_council_sort_date", ["council_gss", "sort_date"]),
)


def upgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        for name, kind, comment in CHANGE_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True, comment=comment))
    with op.batch_alter_table("person_names") as batch:
        batch.add_column(sa.Column(
            "folded", sa.Text(), nullable=True,
            comment="The name folded (no accents, case or punctuation), for search (derived)"))
    with op.batch_alter_table("corrections") as batch:
        batch.add_column(sa.Column(
            "orphaned", sa.Integer(), nullable=True,
            comment="1 when it no longer finds its target, as of the last resolution"))
    for name, columns in INDEXES:
        op.create_index(name, "changes", columns)

    # Fill the derived columns of the rows already there (corrections.orphaned stays NULL,
    # "not known yet", until the next resolution: Store.corrections() works it out meanwhile).
    from sqlalchemy.orm import Session

    from floorcross.store.derived import refresh_all

    session = Session(bind=op.get_bind())
    refresh_all(session)
    session.flush()


def _drop_column(table: str, column: str) -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch "move and copy"
    # would break the views built on these tables.
    op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')


def downgrade() -> None:
    for name, _ in INDEXES:
        op.drop_index(name, table_name="changes")
    _drop_column("corrections", "orphaned")
    _drop_column("person_names", "folded")
    for name, _, _ in CHANGE_COLUMNS:
        _drop_column("changes", name)
