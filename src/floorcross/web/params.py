"""Query parameters shared by the pages and the JSON API, checked with messages people can act on.

A bad parameter raises :class:`BadParam`, which the app turns into a 422: JSON for ``/api/``, an
error page otherwise. FastAPI's own validation messages ("Input should be a valid integer") are
rewritten the same way in ``app.py``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from floorcross.records import KINDS
from floorcross.resolve import date_range

REVIEW_STATES: tuple[str, ...] = ("unreviewed", "verified", "rejected", "any")
CONFIDENCE: tuple[str, ...] = ("low", "any")
SORTS: tuple[str, ...] = ("reported", "date", "found")
FORMATS: tuple[str, ...] = ("json", "csv")
MAX_LIMIT = 500
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
    if page < 1:
        raise BadParam("page", "must be 1 or more")
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
