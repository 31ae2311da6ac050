"""Query parameters the routers share, declared once so that pages and API read them alike and
the OpenAPI docs describe them the same way everywhere."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from floorcross.web.params import FORMATS, MAX_LIMIT, SORTS, ChangeFilters, choice

CouncilQ = Annotated[str | None, Query(
    description="Council: GSS code (E06000032), slug (luton) or name", examples=["luton"])]
PartyQ = Annotated[str | None, Query(
    description="Party left or joined (aliases work: 'Tories')", examples=["Labour"])]
KindQ = Annotated[str | None, Query(
    description="defection, suspension, expulsion or readmission")]
SinceQ = Annotated[str | None, Query(
    description="From this date: YYYY-MM-DD, YYYY-MM or YYYY", examples=["2023-01-01"])]
UntilQ = Annotated[str | None, Query(
    description="Up to this date: YYYY-MM-DD, YYYY-MM or YYYY", examples=["2023-12-31"])]
PersonQ = Annotated[str | None, Query(description="Person: id, key or name")]
ReviewQ = Annotated[str | None, Query(
    description="unreviewed, verified, rejected or any (default: all but rejected)")]
ConfidenceQ = Annotated[str | None, Query(
    description="low: only changes with a guessed or missing fact (see docs/web.md)")]
ConflictsQ = Annotated[str | None, Query(
    description="1: only changes behind a conflict between the ledger and a reported seat count")]
SortQ = Annotated[str | None, Query(
    description="reported (newest report first, default), date (newest change first) or found "
                "(latest found first)")]
PageQ = Annotated[int, Query(description="Page number, from 1")]
LimitQ = Annotated[int, Query(description=f"Rows per page, 1 to {MAX_LIMIT}")]
FormatQ = Annotated[str | None, Query(
    alias="format", description="json (default) or csv (a download of every matching row)")]
OnQ = Annotated[str | None, Query(description="The date to show: YYYY-MM-DD (default: today)")]
RegionQ = Annotated[str | None, Query(
    description="A region or nation of the council (North West, Wales, ...)")]


def change_filters(council: CouncilQ = None, party: PartyQ = None, kind: KindQ = None,
                   since: SinceQ = None, until: UntilQ = None, person: PersonQ = None,
                   review: ReviewQ = None, confidence: ConfidenceQ = None,
                   conflicts: ConflictsQ = None) -> ChangeFilters:
    """The change filters of a request (a FastAPI dependency); bad values give a 422."""
    return ChangeFilters.parse(council=council, party=party, kind=kind, since=since,
                               until=until, person=person, review=review,
                               confidence=confidence, conflicts=conflicts)


def output_format(fmt: str | None) -> str:
    return choice("format", fmt, FORMATS, "json") or "json"


def sort_order(sort: str | None) -> str:
    return choice("sort", sort, SORTS, "reported") or "reported"
