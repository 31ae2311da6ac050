"""The search box: people, councils and parties matching a few letters (``web/search.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from floorcross.store import Store
from floorcross.web.deps import get_store, render, with_query
from floorcross.web.params import BadParam, clean
from floorcross.web.routes.common import FormatQ
from floorcross.web.routes.common import output_format as fmt_of
from floorcross.web.search import MIN_QUERY, search
from floorcross.web.tables import table_response

router = APIRouter()
StoreDep = Annotated[Store, Depends(get_store)]
SEARCH_COLUMNS = ("type", "name", "id", "council", "changes")


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, store: StoreDep,
                q: Annotated[str | None, Query()] = None) -> Response:
    text = clean(q) or ""
    results = search(store, text) if len(text) >= MIN_QUERY else None
    return render(request, "search.html", {
        "q": text, "results": results, "min_query": MIN_QUERY,
        "csv_url": with_query("/api/search", {"q": text, "format": "csv"}),
        "json_url": with_query("/api/search", {"q": text}),
    })


@router.get("/api/search", tags=["search"], summary="Search people, councils and parties")
def api_search(store: StoreDep, q: Annotated[str, Query(
        description=f"What to look for (at least {MIN_QUERY} characters): a name, a council, "
                    "a party or an alias ('Tories')", examples=["Tindale"])],
               fmt: FormatQ = None) -> Response:
    """People (best match first), councils and parties matching `q`; those with recorded
    changes come first."""
    text = clean(q) or ""
    if len(text) < MIN_QUERY:
        raise BadParam("q", f"give at least {MIN_QUERY} characters")
    results = search(store, text)
    if fmt_of(fmt) == "csv":
        return table_response(None, results.rows(), "csv", "search", SEARCH_COLUMNS)
    return table_response(results.as_dict(), [], "json", "search")
