"""Council baselines: the composition the ledger starts from.

Revision ID: 0002_baselines
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_baselines"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "council_baselines",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False, comment="Row id"),
        sa.Column("council_key", sa.Text(), nullable=False, index=True,
                  comment="GSS code when the gazetteer knows the council, else its name folded"),
        sa.Column("council", sa.Text(), nullable=False,
                  comment="Council (official name when known)"),
        sa.Column("council_gss", sa.String(9), nullable=True, comment="GSS code, when known"),
        sa.Column("party", sa.Text(), nullable=False, comment="Party (canonical name)"),
        sa.Column("seats", sa.Integer(), nullable=False, comment="Seats held on that date"),
        sa.Column("date", sa.String(10), nullable=False,
                  comment="Date of the baseline, YYYY-MM-DD"),
        sa.Column("source", sa.Text(), nullable=True, comment="File the row was imported from"),
        sa.UniqueConstraint("council_key", "party", "date",
                            name="uq_council_baselines_council_key_party_date"),
        comment="Baseline compositions (council, party, seats, date) the ledger starts from.",
    )


def downgrade() -> None:
    op.drop_table("council_baselines")
