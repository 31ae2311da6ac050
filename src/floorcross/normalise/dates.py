"""Dates: find time expressions in text and resolve them against the publication date.

Results are ISO strings at the precision the text allows: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.
"last night" in an article published 2023-10-10 is ``2023-10-09``; without a publication date
relative expressions resolve to ``None`` while absolute ones ("in October 2016") still resolve.
dateparser reads day-and-month phrases; the forms it cannot ("in August last year", "earlier
this year", "last summer") are rules here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
SEASONS = {"spring": 4, "summer": 7, "autumn": 10, "winter": 1}

_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

# Order matters: the first pattern that matches at a position wins.
_PATTERNS: list[tuple[str, str]] = [
    ("weekday_date", rf"(?:on\s+)?{_WEEKDAY},?\s+(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"),
    ("weekday_date", rf"(?:on\s+)?{_WEEKDAY},?\s+{_MONTH}\s+{_DAY}(?![\d:])(?:,?\s+{_YEAR})?"),
    ("day_month", rf"(?:on\s+)?(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"),
    ("month_day", rf"(?:on\s+)?{_MONTH}\s+{_DAY}(?![\d:])(?:,?\s+{_YEAR})?"),
    ("month_rel_year", rf"(?:in\s+|last\s+)?{_MONTH}\s+(?P<rel>last\s+year|this\s+year|next\s+year)"),
    ("month_year", rf"(?:in\s+|since\s+|during\s+|from\s+|by\s+|until\s+)?(?:(?:early|mid|late|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of|the\s+middle\s+of)[\s-]+)?{_MONTH},?\s+{_YEAR}"),
    ("last_month_name", rf"last\s+{_MONTH}"),
    ("in_month", rf"(?:in|during|since|from|until|by|at\s+the\s+(?:end|start|beginning)\s+of|(?:early|late|mid)[\s-])\s*{_MONTH}(?!\s*\d)"),
    ("last_season", r"last\s+(?P<season>spring|summer|autumn|winter)"),
    ("year_rel", r"(?:earlier\s+|later\s+)?(?P<which>this|last)\s+year"),
    ("earlier_this", r"earlier\s+this\s+(?P<unit>month|week)"),
    ("month_rel", r"(?P<which>last|this)\s+month"),
    ("week_rel", r"(?P<which>last|this)\s+week(?:end)?"),
    ("yesterday", r"yesterday(?:\s+(?:morning|afternoon|evening))?"),
    ("last_night", r"last\s+night|overnight"),
    ("today", r"today|this\s+(?:morning|afternoon|evening)|tonight|earlier\s+today"),
    ("weekday", rf"(?:on\s+|(?P<last>last\s+))?{_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?"),
    ("in_year", rf"(?:in|since|during|from|until|by|of|early|late|mid)[\s-]+{_YEAR}(?!\s*[-–/]\s*\d)"),
    ("bare_year", rf"(?<![\d£$%-]){_YEAR}(?![\d%-])"),
]
_COMPILED = [(name, re.compile(rf"(?<![\w-])(?:{pattern})(?![\w])", re.IGNORECASE)) for name, pattern in _PATTERNS]


@dataclass(frozen=True)
class DateMention:
    """A time expression in the text and what it resolves to."""

    start: int
    end: int
    text: str
    kind: str
    value: str | None  # ISO date at its precision, or None when it cannot be resolved
    explicit_year: bool  # the text itself names the year ("in 2016", "October 2016")


def find_dates(text: str, published: str | None, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Time expressions in ``text[start:end]``, resolved against ``published`` (YYYY-MM-DD)."""
    end = len(text) if end is None else end
    pub = _parse_iso(published)
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, regex in _COMPILED:
        for match in regex.finditer(text, start, end):
            s, e = match.span()
            if any(s < te and e > ts for ts, te in taken):
                continue
            if kind == "bare_year" and not _plausible_bare_year(text, s, e):
                continue
            if kind in {"in_month", "last_month_name"} and match.group("month").lower() == "may" and not _may_is_month(text, e):
                continue
            value = _resolve(kind, match, pub)
            explicit = bool(match.groupdict().get("year"))
            taken.append((s, e))
            found.append(DateMention(s, e, text[s:e], kind, value, explicit))
    return sorted(found, key=lambda d: d.start)


def _may_is_month(text: str, end: int) -> bool:
    """"in May" is the month unless a verb follows ("in May we ..." is still a month; "may be" is not)."""
    return not re.match(r"\s+(?:be|have|not|also|well|yet|join|leave)\b", text[end:end + 12])


def _plausible_bare_year(text: str, s: int, e: int) -> bool:
    before = text[max(0, s - 12) : s].lower()
    after = text[e : e + 10].lower()
    if re.search(r"(?:£|\$|no\.?|number|page|tel|phone|ward|room)\s*$", before):
        return False
    return not re.match(r"\s*(?:votes|seats|people|members|councillors|residents|jobs|homes|%|per)", after)


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _month_of(match: re.Match[str]) -> int:
    return MONTHS[match.group("month").lower().rstrip(".")]


def _day_value(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _year_for(month: int, day: int | None, pub: date | None) -> int | None:
    """The year of a month (and day) given without one: the latest not after publication."""
    if pub is None:
        return None
    if (month, day or 1) > (pub.month, pub.day):
        return pub.year - 1
    return pub.year


def _resolve(kind: str, match: re.Match[str], pub: date | None) -> str | None:
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if kind in {"weekday_date", "day_month", "month_day"}:
        month, day = _month_of(match), int(groups["day"])
        if not 1 <= day <= 31:
            return None
        return _day_value(year or _year_for(month, day, pub), month, day)
    if kind == "month_rel_year":
        if pub is None:
            return None
        offset = {"last": -1, "this": 0, "next": 1}[groups["rel"].split()[0].lower()]
        return f"{pub.year + offset:04d}-{_month_of(match):02d}"
    if kind == "month_year":
        return f"{year:04d}-{_month_of(match):02d}"
    if kind in {"last_month_name", "in_month"}:
        month = _month_of(match)
        y = _year_for(month, None, pub)
        if kind == "last_month_name" and pub is not None and month >= pub.month:
            y = pub.year - 1
        return None if y is None else f"{y:04d}-{month:02d}"
    if kind == "last_season":
        if pub is None:
            return None
        month = SEASONS[groups["season"].lower()]
        return f"{pub.year - 1 if month >= pub.month else pub.year:04d}"
    if pub is None:
        return f"{year:04d}" if kind in {"in_year", "bare_year"} and year else None
    return _resolve_relative(kind, groups, pub, year)


def _resolve_relative(kind: str, groups: dict[str, str | None], pub: date, year: int | None) -> str | None:
    if kind == "year_rel":
        return f"{pub.year - (1 if (groups['which'] or '').lower() == 'last' else 0):04d}"
    if kind == "earlier_this":
        return f"{pub.year:04d}-{pub.month:02d}"
    if kind == "month_rel":
        if (groups["which"] or "").lower() == "this":
            return f"{pub.year:04d}-{pub.month:02d}"
        prev = pub.replace(day=1) - timedelta(days=1)
        return f"{prev.year:04d}-{prev.month:02d}"
    if kind == "week_rel":
        day = pub - timedelta(days=7 if (groups["which"] or "").lower() == "last" else 0)
        return f"{day.year:04d}-{day.month:02d}"
    if kind in {"yesterday", "last_night"}:
        return (pub - timedelta(days=1)).isoformat()
    if kind == "today":
        return pub.isoformat()
    if kind == "weekday":
        target = WEEKDAYS[(groups["weekday"] or "").lower()]
        back = (pub.weekday() - target) % 7
        if back == 0 and (groups.get("last") or "").strip():
            back = 7  # "last Tuesday" in Tuesday's paper is a week ago
        return (pub - timedelta(days=back)).isoformat()
    if kind in {"in_year", "bare_year"} and year:
        return f"{year:04d}"
    return None


def date_precision(value: str | None) -> int:
    """0 for None, 1 for a year, 2 for a month, 3 for a day."""
    if not value:
        return 0
    return value.count("-") + 1


def resolve_expression(expression: str, published: str | None) -> str | None:
    """Resolve one time expression on its own: ``resolve_expression("last month", "2023-10-10") == "2023-09"``."""
    found = find_dates(expression, published)
    return found[0].value if found else None
