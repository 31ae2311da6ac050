"""Web app: the editors who may review changes (``users``).

Revision ID: 0003_web
Revises: 0002_baselines
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_web"
down_revision: str | None = "0002_baselines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False, comment="Row id"),
        sa.Column("name", sa.Text(), nullable=False,
                  comment="Sign-in name; recorded as the author of each review"),
        sa.Column("password_hash", sa.Text(), nullable=False,
                  comment="argon2id hash of the password (never the password itself)"),
        sa.Column("created_at", sa.String(32), nullable=False,
                  comment="When added (UTC, ISO 8601)"),
        sa.UniqueConstraint("name", name="uq_users_name"),
        comment="Editors who may review changes in the web app.",
    )


def downgrade() -> None:
    op.drop_table("users")
