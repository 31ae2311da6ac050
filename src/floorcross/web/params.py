"""Query parameters shared by the pages and the JSON API, checked with messages people can act on.

A bad parameter raises :class:`BadParam`, which the app turns into a 422 JSON answer under
``/api/`` and a 400 error page elsewhere. FastAPI's own validation messages ("Input should be a
valid integer") are rewritten the same way in ``app.py``.

:func:`guard_request` runs before every route (an app-wide dependency): whatever a route does
with its parameters, none of them (query, path or form) reaches the database holding a number
past 32 bits (PostgreSQL's ids), a control character, or thousands of characters.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from fastapi import Request

from floorcross.records import KINDS
from floorcross.resolve import date_range

REVIEW_STATES: tuple[str, ...] = ("unreviewed", "verified", "rejected", "any")
CONFIDENCE: tuple[str, ...] = ("low", "any")
SORTS: tuple[str, ...] = ("reported", "date", "found")
FORMATS: tuple[str, ...] = ("json", "csv")
MAX_LIMIT = 500
# Past this a page is empty anyway; it keeps OFFSET (page x limit) far inside 64 bits.
MAX_PAGE = 1_000_000
# Longest value any parameter may have (a council name, a search, a review note).
MAX_VALUE_CHARS = 2_000
# Whole numbers a parameter may hold: the row ids' range on PostgreSQL (``integer``, 32 bits;
# SQLite's are 64). Nothing a route takes is a number outside it.
NUMBER_RANGE = (-(2**31), 2**31 - 1)
_INTEGER = re.compile(r"[+-]?\d+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DATE_HINT = "date must be YYYY-MM-DD (or YYYY-MM, or YYYY)"


class BadParam(ValueError):
    """A query parameter that cannot be used; ``str()`` is the message for the user."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


def clean(value: str | None) -> str | None:
    """Empty form fields (``?council=``) count as not given."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def iso_date(name: str, value: str | None, *, end: bool = False) -> str | None:
    """A ``YYYY[-MM[-DD]]`` parameter as the first (or, with ``end``, last) day it can mean."""
    value = clean(value)
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise BadParam(name, f"{DATE_HINT}, not {value!r}")
    rng = date_range(value)
    if rng is None:
        raise BadParam(name, f"{value!r} is not a real date; {DATE_HINT}")
    return (rng[1] if end else rng[0]).isoformat()


def choice(name: str, value: str | None, options: tuple[str, ...], default: str | None = None
           ) -> str | None:
    """``value`` if it is one of ``options`` (``default`` when not given)."""
    value = clean(value)
    if value is None:
        return default
    if value not in options:
        raise BadParam(name, f"choose one of {', '.join(options)} (not {value!r})")
    return value


def flag(name: str, value: str | None) -> bool:
    """A yes/no parameter: ``1``, ``true``, ``yes``, ``on`` or ``0``, ``false``, ``no``, ``off``."""
    value = clean(value)
    if value is None:
        return False
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise BadParam(name, f"give 1 or 0 (not {value!r})")


def page_and_limit(page: int, limit: int) -> tuple[int, int]:
    if not 1 <= page <= MAX_PAGE:
        raise BadParam("page", f"must be between 1 and {MAX_PAGE:,}")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadParam("limit", f"must be between 1 and {MAX_LIMIT}")
    return page, limit


@dataclass(frozen=True)
class ChangeFilters:
    """What a list of changes is narrowed to: the feed, the API and the review queue share it."""

    council: str | None = None
    party: str | None = None
    kind: str | None = None
    since: str | None = None
    until: str | None = None
    person: str | None = None
    review: str | None = None
    confidence: str | None = None
    conflicts: bool = False

    @classmethod
    def parse(cls, *, council: str | None = None, party: str | None = None,
              kind: str | None = None, since: str | None = None, until: str | None = None,
              person: str | None = None, review: str | None = None,
              confidence: str | None = None, conflicts: str | None = None) -> ChangeFilters:
        """Check raw query parameters; raise :class:`BadParam` on the first bad one."""
        start, finish = iso_date("since", since), iso_date("until", until, end=True)
        if start and finish and start > finish:
            raise BadParam("until", f"must not be before since ({since} > {until})")
        return cls(
            council=clean(council), party=clean(party), kind=choice("kind", kind, KINDS),
            since=start, until=finish, person=clean(person),
            review=choice("review", review, REVIEW_STATES),
            confidence=choice("confidence", confidence, CONFIDENCE),
            conflicts=flag("conflicts", conflicts),
        )

    def query(self, **override: Any) -> dict[str, str]:
        """The filters as query parameters (for links to other pages and downloads)."""
        data = {k: v for k, v in {**asdict(self), **override}.items() if v}
        return {k: "1" if v is True else str(v) for k, v in data.items()}


def check_value(name: str, value: str) -> None:
    """Raise :class:`BadParam` for a value no route could use: a whole number outside
    :data:`NUMBER_RANGE` (no id is, and the database cannot compare one past its integers:
    ``?person=99999999999999999999``), a control character (a NUL ends a PostgreSQL string),
    or more than :data:`MAX_VALUE_CHARS` characters."""
    if len(value) > MAX_VALUE_CHARS:
        raise BadParam(name, f"too long ({len(value):,} characters, at most {MAX_VALUE_CHARS:,})")
    if _CONTROL.search(value):
        raise BadParam(name, "must not contain control characters")
    stripped = value.strip()
    low, high = NUMBER_RANGE
    if _INTEGER.fullmatch(stripped) and not low <= int(stripped) <= high:
        raise BadParam(name, f"{_short(stripped)} is out of range (a number must be between "
                             f"{low} and {high})")


def _short(value: str) -> str:
    return value if len(value) <= 30 else f"{value[:27]}..."


async def guard_request(request: Request) -> None:
    """Check every query, path and form value of a request (an app-wide dependency)."""
    for name, value in request.query_params.multi_items():
        check_value("parameter name", name)
        check_value(name, value)
    for name, value in request.path_params.items():
        if isinstance(value, str):
            check_value(name, value)
    if request.method == "POST" and "form" in request.headers.get("content-type", ""):
        for name, value in (await request.form()).multi_items():
            if isinstance(value, str):
                check_value(name, value)
