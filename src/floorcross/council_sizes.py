"""How many seats each council has, election by election: ``data/council_sizes.csv``.

Each row is one election of one council (``council_gss,council,election,seats,source,
checked``): from that day until the council's next listed election, it has that many seats.
Every row names its source and the day it was checked; a council nobody has sourced is simply
not listed, and its size is unknown (the ledger then cannot tell whether a stated composition
is complete, and says so). The ledger uses the sizes to tell a complete statement of a
council's seats from a partial one, to flag one that adds up to more seats than the council
has, and to work out the majority; the election days mark where one council term ends.

Typical use::

    from floorcross.council_sizes import council_sizes

    size = council_sizes().on("E06000032", "2023-10-10")   # CouncilSize(... seats=48 ...)
"""

from __future__ import annotations

import bisect
import csv
import io
from dataclasses import asdict, dataclass
from datetime import date as Date
from functools import cache
from importlib import resources
from typing import Any

COLUMNS = ("council_gss", "council", "election", "seats", "source", "checked")


@dataclass(frozen=True)
class CouncilSize:
    """A council's number of seats from one election on, and where that figure comes from."""

    council_gss: str
    council: str
    election: Date
    seats: int
    source: str
    checked: str

    @property
    def majority(self) -> int:
        """Seats needed for a majority of all members: ``seats // 2 + 1``."""
        return self.seats // 2 + 1

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["election"] = self.election.isoformat()
        data["majority"] = self.majority
        return data


class CouncilSizes:
    """Council sizes by GSS code, each council's elections in date order."""

    def __init__(self, rows: list[CouncilSize]) -> None:
        self._by_gss: dict[str, list[CouncilSize]] = {}
        for row in sorted(rows, key=lambda r: (r.council_gss, r.election)):
            self._by_gss.setdefault(row.council_gss, []).append(row)

    @classmethod
    def from_text(cls, text: str, where: str = "council_sizes.csv") -> CouncilSizes:
        """Read the CSV; a bad row raises ``ValueError`` naming the line (the file is data the
        project ships, so a bad row is a bug to fix, not input to skip)."""
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{where}:1: missing columns {', '.join(missing)}")
        rows = []
        for line, row in enumerate(reader, start=2):
            try:
                seats = int(row["seats"])
                election = Date.fromisoformat(row["election"])
            except ValueError as exc:
                raise ValueError(f"{where}:{line}: {exc}") from None
            if seats <= 0 or not row["source"].strip():
                raise ValueError(f"{where}:{line}: seats must be positive and a source given")
            rows.append(CouncilSize(row["council_gss"].strip(), row["council"].strip(),
                                    election, seats, row["source"].strip(),
                                    row["checked"].strip()))
        return cls(rows)

    def on(self, gss: str | None, day: Date | None) -> CouncilSize | None:
        """The council's size on ``day``: its latest listed election on or before that day
        (None when not listed, or when ``day`` comes before every listed election)."""
        rows = self._by_gss.get(gss or "")
        if not rows or day is None:
            return rows[-1] if rows and day is None else None
        index = bisect.bisect_right([r.election for r in rows], day) - 1
        return rows[index] if index >= 0 else None

    def elections(self, gss: str | None) -> list[Date]:
        """The council's listed election days, oldest first."""
        return [r.election for r in self._by_gss.get(gss or "", [])]

    def election_between(self, gss: str | None, after: Date | None, until: Date | None) -> Date | None:
        """A listed election of the council in ``(after, until]``, if any (the latest)."""
        if after is None or until is None:
            return None
        found = [d for d in self.elections(gss) if after < d <= until]
        return found[-1] if found else None

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_gss.values())


@cache
def council_sizes() -> CouncilSizes:
    """The package's council sizes, read once from ``data/council_sizes.csv``."""
    text = resources.files("floorcross").joinpath("data/council_sizes.csv").read_text("utf-8")
    return CouncilSizes.from_text(text)


__all__ = ["CouncilSize", "CouncilSizes", "council_sizes"]
