"""Web app: sign-out ends every session of an editor (``users.session_generation``).

Revision ID: 0007_sessions
Revises: 0003_web
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_sessions"
down_revision: str | None = "0006_web_scale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column(
            "session_generation", sa.Integer(), nullable=False, server_default="0",
            comment="Raised at each sign-out: a session cookie made before it no longer counts"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_generation")
