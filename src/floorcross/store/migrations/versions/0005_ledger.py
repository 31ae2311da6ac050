"""Ledger: the sentence behind each stored seat count (``compositions`` evidence offsets).

Revision ID: 0005_ledger
Revises: 0003_web
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_ledger"
down_revision: str | None = "0004_watch"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("evidence_start", sa.Integer(), "Start offset of the sentence stating the count (into the article text)"),
    ("evidence_end", sa.Integer(), "End offset (exclusive) of that sentence"),
    ("evidence_text", sa.Text(), "The sentence stating the count"),
)


def upgrade() -> None:
    with op.batch_alter_table("compositions") as batch:
        for name, kind, comment in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True, comment=comment))


def downgrade() -> None:
    with op.batch_alter_table("compositions") as batch:
        for name, _, _ in reversed(COLUMNS):
            batch.drop_column(name)
