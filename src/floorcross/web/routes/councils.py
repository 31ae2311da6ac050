"""Councils: the directory, a council's page (composition, seats over time, changes, conflicts)
and their JSON/CSV twins under ``/api/``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from floorcross.flows import regions
from floorcross.store import Store
from floorcross.web.changelist import FLAGS
from floorcross.web.councils import (
    all_conflicts,
    composition_rows,
    council_directory,
    council_page,
    council_ref,
    council_slug,
    find_council,
    history_rows,
    ledger_for,
    seats_chart,
)
from floorcross.web.deps import get_store, render, with_query
from floorcross.web.params import clean, iso_date
from floorcross.web.routes.common import CouncilQ, FormatQ, OnQ, RegionQ, SinceQ, UntilQ
from floorcross.web.routes.common import output_format as fmt_of
from floorcross.web.tables import table_response

router = APIRouter()
StoreDep = Annotated[Store, Depends(get_store)]
DIRECTORY_COLUMNS = ("gss", "slug", "name", "short_name", "region", "nation", "changes",
                     "conflicts", "total", "control", "control_label", "baseline_date")
CONFLICT_COLUMNS = ("council", "council_gss", "date", "party", "ledger_seats", "reported_seats",
                    "article_id", "title", "url", "evidence", "kind", "gap", "explanations")
STATED_COLUMNS = ("council", "council_gss", "party", "seats", "date", "article_id", "url")


def _region(region: str | None) -> str | None:
    region = clean(region)
    if region and region.lower() not in {r.lower() for r in regions()}:
        from floorcross.web.params import BadParam

        raise BadParam("region", f"unknown region {region!r}: choose one of "
                                 f"{', '.join(regions())}")
    return region


# ------------------------------------------------------------------------------ pages


@router.get("/councils", response_class=HTMLResponse, include_in_schema=False)
def councils_page(request: Request, store: StoreDep, region: RegionQ = None) -> Response:
    region = _region(region)
    rows = council_directory(store, region)
    return render(request, "councils.html", {
        "rows": rows, "region": region, "regions": regions(), "slug": council_slug,
        "csv_url": with_query("/api/councils", {"region": region, "format": "csv"}),
        "json_url": with_query("/api/councils", {"region": region}),
    })


@router.get("/councils/{ref}", response_class=HTMLResponse, include_in_schema=False)
def council_html(request: Request, store: StoreDep, ref: str, on: OnQ = None) -> Response:
    council = find_council(ref)
    day = iso_date("on", on, end=True)
    page = council_page(store, council, day)
    chart = seats_chart(page)
    base = f"/api/councils/{council.gss}"
    return render(request, "council.html", {
        "page": page, "council": council, "ref": council_ref(council), "state": page.state,
        "composition": composition_rows(page.state), "history": history_rows(page.history),
        "chart": chart, "on": day, "flags": FLAGS,
        "links": {
            "composition": (with_query(base, {"on": day, "format": "csv"}),
                            with_query(base, {"on": day})),
            "history": (f"{base}/history?format=csv", f"{base}/history"),
            "changes": (with_query("/api/changes", {"council": council.gss, "format": "csv"}),
                        with_query("/api/changes", {"council": council.gss})),
            "conflicts": (f"/api/conflicts?council={council.gss}&format=csv",
                          f"/api/conflicts?council={council.gss}"),
            "stated": (f"/api/compositions?council={council.gss}&format=csv",
                       f"/api/compositions?council={council.gss}"),
        },
    })


# ------------------------------------------------------------------------------ API


@router.get("/api/councils", tags=["councils"], summary="List councils")
def api_councils(store: StoreDep, region: RegionQ = None, fmt: FormatQ = None) -> Response:
    """Every council with a recorded change or a baseline: its seats, control and number of
    changes and conflicts, most changes first. `region` narrows to a region or nation."""
    rows = [r.as_dict() for r in council_directory(store, _region(region))]
    if fmt_of(fmt) == "csv":
        return table_response(None, rows, "csv", "councils", DIRECTORY_COLUMNS)
    return table_response({"total": len(rows), "items": rows}, [], "json", "councils")


@router.get("/api/councils/{ref}", tags=["councils"], summary="A council's composition on a date")
def api_council(store: StoreDep, ref: str, on: OnQ = None, fmt: FormatQ = None) -> Response:
    """The council (GSS code, slug or name) on a date (`on`, default today): seats per party,
    total, majority and control from the ledger, the changes recorded, the seat counts articles
    stated and any conflicts between the two. `format=csv` gives the seats, one row per party."""
    council = find_council(ref)
    page = council_page(store, council, iso_date("on", on, end=True), with_history=False)
    if fmt_of(fmt) == "csv":
        return table_response(None, composition_rows(page.state), "csv",
                              f"{council_slug(council)}-composition",
                              ("party", "seats", "share", "source", "sure", "since",
                               "article_id", "evidence"))
    return table_response(page.as_dict(), [], "json", "council")


@router.get("/api/councils/{ref}/history", tags=["councils"], summary="Seats over time")
def api_council_history(store: StoreDep, ref: str, since: SinceQ = None, until: UntilQ = None,
                        fmt: FormatQ = None) -> Response:
    """The ledger's steps for a council: the baseline, then the seats after each change.
    `format=csv` gives one row per step and one column per party."""
    council = find_council(ref)
    steps = ledger_for(store).history(council.gss, since=iso_date("since", since),
                                      until=iso_date("until", until, end=True))
    if fmt_of(fmt) == "csv":
        return table_response(None, history_rows(steps), "csv",
                              f"{council_slug(council)}-history")
    data = {"council": council_ref(council), "steps": [s.as_dict() for s in steps]}
    return table_response(data, [], "json", "history")


@router.get("/api/conflicts", tags=["councils"], summary="Conflicts with reported seat counts")
def api_conflicts(store: StoreDep, council: CouncilQ = None, fmt: FormatQ = None) -> Response:
    """Where a seat count an article reported differs from the ledger's count on that date (or
    a baseline from a count an article gave), with the gap and the changes that would explain
    it."""
    gss = find_council(council).gss if clean(council) else None
    found = ledger_for(store).conflicts(gss) if gss else all_conflicts(store)
    rows = [c.as_dict() for c in found]
    if fmt_of(fmt) == "csv":
        for row in rows:
            row["explanations"] = " | ".join(row["explanations"])
        return table_response(None, rows, "csv", "conflicts", CONFLICT_COLUMNS)
    return table_response({"total": len(rows), "items": rows}, [], "json", "conflicts")


@router.get("/api/compositions", tags=["councils"], summary="Seat counts stated by articles")
def api_compositions(store: StoreDep, council: CouncilQ = None, fmt: FormatQ = None) -> Response:
    """Seat counts as articles stated them ("Labour now holds 45 seats"), newest first."""
    gss = find_council(council).gss if clean(council) else None
    rows: list[dict[str, Any]] = store.compositions(gss)
    if fmt_of(fmt) == "csv":
        return table_response(None, rows, "csv", "compositions", STATED_COLUMNS)
    return table_response({"total": len(rows), "items": rows}, [], "json", "compositions")

