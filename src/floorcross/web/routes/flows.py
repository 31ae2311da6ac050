"""Party flows: who is gaining councillors from whom, for a date range and a region, as a
Sankey chart and a table (``floorcross.flows``), with the JSON/CSV under ``/api/flows``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from floorcross.flows import (
    Flow,
    PartyBalance,
    balances,
    flows_from_groups,
    region_councils,
    regions,
    sankey,
)
from floorcross.store import Store
from floorcross.store.db import read_session
from floorcross.store.queries import flow_groups
from floorcross.web.deps import get_store, render, with_query
from floorcross.web.params import BadParam, clean, iso_date
from floorcross.web.present import party_colour
from floorcross.web.routes.common import CouncilQ, FormatQ, RegionQ, SinceQ, UntilQ
from floorcross.web.routes.common import output_format as fmt_of
from floorcross.web.tables import table_response

router = APIRouter()
StoreDep = Annotated[Store, Depends(get_store)]
FLOW_COLUMNS = ("source", "target", "count", "changes")


@dataclass(frozen=True)
class FlowQuery:
    since: str | None
    until: str | None
    region: str | None
    council: str | None

    def params(self) -> dict[str, str | None]:
        return {"since": self.since, "until": self.until, "region": self.region,
                "council": self.council}


def flow_query(since: SinceQ = None, until: UntilQ = None, region: RegionQ = None,
               council: CouncilQ = None) -> FlowQuery:
    """The flow filters of a request (a FastAPI dependency); bad values give a 422."""
    start, finish = iso_date("since", since), iso_date("until", until, end=True)
    if start and finish and start > finish:
        raise BadParam("until", f"must not be before since ({since} > {until})")
    region = clean(region)
    if region and region.lower() not in {r.lower() for r in regions()}:
        raise BadParam("region", f"unknown region {region!r}: choose one of "
                                 f"{', '.join(regions())}")
    return FlowQuery(start, finish, region, clean(council))


FlowDep = Annotated[FlowQuery, Depends(flow_query)]


def compute(store: Store, query: FlowQuery) -> tuple[list[Flow], list[PartyBalance]]:
    with read_session(store.engine) as session:
        groups = flow_groups(session, since=query.since, until=query.until,
                             council=query.council,
                             council_gss=region_councils(query.region) if query.region else None)
    flows = flows_from_groups(groups)
    return flows, balances(flows)


def sankey_figure(flows: list[Flow]) -> dict[str, Any] | None:
    """Plotly Sankey trace for ``flows`` (None when there are none)."""
    if not flows:
        return None
    data = sankey(flows)
    colours = [party_colour(label) for label in data["labels"]]
    return {"traces": [{
        "type": "sankey", "orientation": "h", "arrangement": "snap",
        "node": {"label": data["labels"], "color": colours, "pad": 18, "thickness": 16},
        "link": {"source": data["source"], "target": data["target"], "value": data["value"],
                 "color": [colours[s] + "66" for s in data["source"]]},
    }], "title": "Councillors moving between parties"}


@router.get("/flows", response_class=HTMLResponse, include_in_schema=False)
def flows_page(request: Request, store: StoreDep, query: FlowDep) -> Response:
    flows, balance = compute(store, query)
    figure = sankey_figure(flows)
    params = query.params()
    return render(request, "flows.html", {
        "flows": flows, "balances": balance, "query": query, "regions": regions(),
        "chart": figure,
        "total": sum(f.count for f in flows),
        "csv_url": with_query("/api/flows", {**params, "format": "csv"}),
        "json_url": with_query("/api/flows", params),
        "changes_url": with_query("/", {"since": query.since, "until": query.until,
                                        "council": query.council}),
    })


@router.get("/api/flows", tags=["flows"], summary="Party flows")
def api_flows(store: StoreDep, query: FlowDep, fmt: FormatQ = None) -> Response:
    """How many councillors moved from each party to each other between `since` and `until`,
    in a `region` (or nation) or on one `council`, with each party's gains, losses and net.
    A suspension or expulsion goes to "Independent" (the ledger's rule); a missing party is "Unknown".
    `format=csv` gives the flows table."""
    flows, balance = compute(store, query)
    rows = [f.as_dict() for f in flows]
    if fmt_of(fmt) == "csv":
        return table_response(None, rows, "csv", "flows", FLOW_COLUMNS)
    data = {"filters": query.params(), "total": sum(f.count for f in flows), "flows": rows,
            "parties": [b.as_dict() for b in balance]}
    return table_response(data, [], "json", "flows")
