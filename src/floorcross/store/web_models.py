"""Tables the web app needs beyond the record itself: the editors who may review changes.

Kept apart from ``models.py`` because nothing in the extraction or resolution pipeline reads
them; ``models.py`` imports this module (one line at its end) so that Alembic and the tests see
one metadata. Created by the migration ``0003_web``; ``session_generation`` by ``0007_sessions``.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from floorcross.store.models import Base


class User(Base):
    """An editor of the web app: reading is open, reviewing needs one of these accounts."""

    __tablename__ = "users"
    __table_args__ = ({"comment": "Editors who may review changes in the web app."},)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, comment="Row id")
    name: Mapped[str] = mapped_column(
        Text, unique=True, comment="Sign-in name; recorded as the author of each review"
    )
    password_hash: Mapped[str] = mapped_column(
        Text, comment="argon2id hash of the password (never the password itself)"
    )
    created_at: Mapped[str] = mapped_column(String(32), comment="When added (UTC, ISO 8601)")
    session_generation: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0",
        comment="Raised at each sign-out: a session cookie made before it no longer counts")


WEB_TABLES: tuple[str, ...] = ("users",)
