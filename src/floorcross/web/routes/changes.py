"""The feed of changes, one change with its sources, an article with its evidence marked, and the
Atom feed; with their JSON twins under ``/api/``."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from floorcross.records import KINDS, OFFICES
from floorcross.store import Store
from floorcross.web.articles import article_view, marked_text
from floorcross.web.changelist import (
    FLAGS,
    ChangePage,
    ChangeRow,
    change_detail,
    change_page,
    matching_changes,
    rows_for,
)
from floorcross.web.deps import get_store, render, with_query
from floorcross.web.params import REVIEW_STATES, ChangeFilters, page_and_limit
from floorcross.web.present import atom_time, describe
from floorcross.web.routes.common import (
    FormatQ,
    LimitQ,
    PageQ,
    SortQ,
    change_filters,
    output_format,
    sort_order,
)
from floorcross.web.routes.feeds import LIVE_EVERY_S, update_marker
from floorcross.web.tables import table_response

router = APIRouter()
StoreDep = Annotated[Store, Depends(get_store)]
FiltersDep = Annotated[ChangeFilters, Depends(change_filters)]
ATOM_ENTRIES = 50
CHANGE_COLUMNS = ("id", "key", "date", "person", "person_id", "kind", "from_party", "to_party",
                  "council", "council_gss", "ward", "office", "role", "reported", "review",
                  "corrected", "sources", "flags", "low_confidence", "evidence", "article_title",
                  "article_outlet", "article_published", "article_url")


def page_data(result: ChangePage, path: str, params: dict[str, Any]) -> dict[str, Any]:
    """A page of changes as the API returns it, with a link to the next page."""
    following = None
    if result.page < result.pages:
        following = with_query(path, {**params, "page": result.page + 1, "limit": result.limit})
    return {"total": result.total, "page": result.page, "limit": result.limit,
            "pages": result.pages, "next": following,
            "items": [r.as_dict() for r in result.items]}


def changes_download(store: Store, filters: ChangeFilters, sort: str, filename: str
                     ) -> Response:
    """Every change the filters select, as CSV (no paging: the whole table)."""
    rows = [r.as_dict() for r in rows_for(store, matching_changes(store, filters, sort))]
    return table_response(None, rows, "csv", filename, CHANGE_COLUMNS)


# ------------------------------------------------------------------------------ pages


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def feed_page(request: Request, store: StoreDep, filters: FiltersDep, sort: SortQ = None,
              page: PageQ = 1, limit: LimitQ = 50) -> Response:
    page, limit = page_and_limit(page, limit)
    order = sort_order(sort)
    result = change_page(store, filters, page, limit, order)
    params = filters.query(sort=None if order == "reported" else order)
    return render(request, "feed.html", {
        "result": result, "filters": filters, "sort": order, "flags": FLAGS,
        "review_states": REVIEW_STATES,
        "csv_url": with_query("/api/changes", {**params, "format": "csv"}),
        "json_url": with_query("/api/changes", params),
        "atom_url": "/feed.atom",
        "live_marker": update_marker(store), "live_every": LIVE_EVERY_S,
    })


@router.get("/changes/{ref:path}", response_class=HTMLResponse, include_in_schema=False)
def change_page_html(request: Request, store: StoreDep, ref: str) -> Response:
    detail = change_detail(store, ref)
    return render(request, "change.html", {"detail": detail, "row": detail.row,
                                           "change": detail.row.change, "flags": FLAGS,
                                           "kinds": KINDS, "offices": OFFICES})


@router.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
def article_page(request: Request, store: StoreDep, article_id: int,
                 change: Annotated[int | None, Query()] = None,
                 seats: Annotated[int | None, Query()] = None) -> Response:
    article = article_view(store, article_id)
    return render(request, "article.html", {"article": article, "current": change,
                                            "body": marked_text(article, change, bool(seats))})


@router.get("/feed.atom", tags=["changes"], summary="Atom feed of new changes",
            response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}},
                             "description": "An Atom 1.0 feed"}})
def atom_feed(request: Request, store: StoreDep, filters: FiltersDep) -> Response:
    """The latest changes found (newest first, at most 50), for a feed reader; the filters of
    `/api/changes` narrow it (`?council=luton` follows one council)."""
    found = matching_changes(store, filters, "found", limit=ATOM_ENTRIES)
    query = urlencode(filters.query())
    suffix = f"?{query}" if query else ""
    title = "floorcross: changes of party"
    if filters.council:
        title += f" on {filters.council}"
    return atom_response(request, rows_for(store, found), title, "/feed.atom" + suffix,
                         "/" + suffix, "urn:floorcross:feed:" + (query or "all"))


def atom_response(request: Request, rows: list[ChangeRow], title: str, self_path: str,
                  alternate_path: str, feed_id: str) -> Response:
    """An Atom feed of ``rows`` (newest found first). Entry ids are the changes' keys, so they
    stay the same across servers and rebuilds of the database."""
    base = str(request.base_url).rstrip("/")
    updated = max((atom_time(r.change.reported or r.change.date) for r in rows),
                  default=atom_time(None))
    body = request.app.state.web.templates.get_template("feed.atom").render(
        rows=rows, title=title, base=base, self_url=base + self_path,
        alternate_url=base + alternate_path, updated=updated, feed_id=feed_id, describe=describe)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


# ------------------------------------------------------------------------------ API


@router.get("/api/changes", tags=["changes"], summary="List changes")
def api_changes(request: Request, store: StoreDep, filters: FiltersDep, sort: SortQ = None,
                page: PageQ = 1, limit: LimitQ = 50, fmt: FormatQ = None) -> Response:
    """Changes of party, newest first, with the sentence that reports each one and its review
    flags. JSON is paged (`page`, `limit`); `format=csv` downloads every matching change."""
    page, limit = page_and_limit(page, limit)
    order = sort_order(sort)
    if output_format(fmt) == "csv":
        return changes_download(store, filters, order, "changes")
    result = change_page(store, filters, page, limit, order)
    data = page_data(result, "/api/changes", filters.query(sort=order))
    return table_response(data, [], "json", "changes")


@router.get("/api/changes/{ref:path}", tags=["changes"], summary="One change")
def api_change(store: StoreDep, ref: str) -> dict[str, Any]:
    """One change by id or key (rejected ones too), with every article reporting it, the
    evidence spans (offsets into the article text) and its review history."""
    return change_detail(store, ref).as_dict()


@router.get("/api/articles/{article_id}", tags=["changes"], summary="One article")
def api_article(store: StoreDep, article_id: int) -> dict[str, Any]:
    """An article's text and the spans of it that report changes."""
    return article_view(store, article_id).as_dict()
