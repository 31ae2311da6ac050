"""Tables the composition ledger needs: the baseline seats per party that changes start from.

Kept apart from ``models.py`` because the extraction and resolution pipeline never reads them;
``models.py`` imports this module (one line at its end) so Alembic and the tests see one
metadata. Created by the migration ``0002_baselines``; ``floorcross.ledger`` reads and writes it.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from floorcross.store.models import Base


class CouncilBaseline(Base):
    """Seats one party held on one council on one date (an election result, say)."""

    __tablename__ = "council_baselines"
    __table_args__ = (
        UniqueConstraint("council_key", "party", "date"),
        {"comment": "Baseline compositions (council, party, seats, date) the ledger starts from."},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, comment="Row id")
    council_key: Mapped[str] = mapped_column(
        Text, index=True, comment="GSS code when the gazetteer knows the council, else its name folded"
    )
    council: Mapped[str] = mapped_column(Text, comment="Council (official name when known)")
    council_gss: Mapped[str | None] = mapped_column(String(9), comment="GSS code, when known")
    party: Mapped[str] = mapped_column(Text, comment="Party (canonical name)")
    seats: Mapped[int] = mapped_column(Integer, comment="Seats held on that date")
    date: Mapped[str] = mapped_column(String(10), comment="Date of the baseline, YYYY-MM-DD")
    source: Mapped[str | None] = mapped_column(Text, comment="File the row was imported from")


LEDGER_TABLES: tuple[str, ...] = ("council_baselines",)
