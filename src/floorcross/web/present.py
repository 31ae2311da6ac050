"""How things read on the page: one plain sentence per change, party colours, dates.

Kept out of the templates so that the feed, the council page and the Atom entries describe a
change in the same words.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from floorcross.store import ChangeView

# Colours the parties use themselves (or near them); anything else gets a grey from the list.
PARTY_COLOURS: dict[str, str] = {
    "Labour": "#d50000",
    "Labour and Co-operative": "#d50000",
    "Conservative": "#0087dc",
    "Liberal Democrats": "#faa61a",
    "Green": "#02a95b",
    "Scottish Greens": "#02a95b",
    "SNP": "#c9b800",
    "Plaid Cymru": "#005b54",
    "Reform UK": "#12b6cf",
    "Brexit Party": "#5bc0de",
    "UKIP": "#6d3177",
    "Independent": "#7f7f7f",
    "DUP": "#d46a4c",
    "Sinn Féin": "#326760",
    "SDLP": "#2aa82c",
    "UUP": "#48a5ee",
    "Alliance": "#c9a100",
    "Alba": "#005eb8",
    "Unknown": "#bbbbbb",
}
_FALLBACK = ("#8c564b", "#9467bd", "#17becf", "#bcbd22", "#e377c2", "#1f77b4", "#ff7f0e")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def party_colour(party: str | None) -> str:
    """A stable colour for a party (the same on every chart and page)."""
    if not party:
        return PARTY_COLOURS["Unknown"]
    if party in PARTY_COLOURS:
        return PARTY_COLOURS[party]
    return _FALLBACK[sum(map(ord, party)) % len(_FALLBACK)]


def describe(change: ChangeView | Any) -> str:
    """What happened, in words: "left Labour for Reform UK", "was suspended by Labour"."""
    old, new = change.from_party, change.to_party
    if change.kind == "defection":
        if old and new:
            return f"left {old} for {new}"
        return f"left {old}" if old else f"joined {new}" if new else "changed party"
    if change.kind == "suspension":
        return f"was suspended by {old}" if old else "was suspended"
    if change.kind == "expulsion":
        return f"was expelled by {old}" if old else "was expelled"
    if change.kind == "readmission":
        return f"was readmitted to {new}" if new else "was readmitted"
    return change.kind


def nice_date(value: str | None) -> str:
    """``2023-09-12`` -> "12 September 2023"; ``2023-09`` -> "September 2023"; ``2023``."""
    if not value:
        return "date unknown"
    parts = value.split("-")
    try:
        if len(parts) == 3:
            d = date.fromisoformat(value)
            return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
        if len(parts) == 2:
            return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        return value
    return value


def atom_time(value: str | None, fallback: str = "2000-01-01") -> str:
    """An RFC 3339 timestamp for Atom from a partial ISO date (midnight UTC, first day)."""
    text = value or fallback
    if "T" in text:
        return text if text.endswith(("Z", "+00:00")) else text + "Z"
    parts = (text.split("-") + ["01", "01"])[:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"
