"""People: the directory and each person's timeline of parties with its sources."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from floorcross.store import PersonView, Store, Timeline, queries
from floorcross.store.db import read_session
from floorcross.store.queries import (
    count_people,
    list_people,
    people_by_ids,
    people_on,
    ranked_people,
)
from floorcross.web.changelist import FLAGS, ChangeRow, rows_for
from floorcross.web.deps import get_store, render, with_query
from floorcross.web.params import clean, page_and_limit
from floorcross.web.routes.changes import CHANGE_COLUMNS
from floorcross.web.routes.common import CouncilQ, FormatQ, LimitQ, PageQ, output_format
from floorcross.web.tables import table_response

router = APIRouter()
StoreDep = Annotated[Store, Depends(get_store)]
NameQ = Annotated[str | None, Query(description="Only people whose name matches this")]
PERSON_COLUMNS = ("id", "key", "name", "council", "council_gss", "ward", "office", "names",
                  "changes")


def people_list(store: Store, council: str | None, name: str | None, page: int = 1,
                limit: int | None = None) -> tuple[list[PersonView], int]:
    """The people the directory shows, one page of them, and how many in all: matching
    ``name`` (best first) or all by name (paged in SQL)."""
    council, name = clean(council), clean(name)
    offset = (page - 1) * (limit or 0)
    if name:
        with read_session(store.engine) as session:
            if name.isdigit() or "/" in name:  # an id or a key
                ranked = [p.id for p in queries.find_people(session, name)]
            else:
                ranked = ranked_people(session, name)
            if council:
                wanted = people_on(session, council, ranked)
                ranked = [i for i in ranked if i in wanted]
            chosen = ranked[offset:offset + limit] if limit else ranked
            return people_by_ids(session, chosen), len(ranked)
    with read_session(store.engine) as session:
        items = list_people(session, council, offset=offset, limit=limit)
        return items, count_people(session, council)


def timeline_rows(store: Store, timeline: Timeline) -> list[tuple[ChangeRow, Any]]:
    """Each change of the timeline as a listing row (with flags), beside its sources."""
    rows = rows_for(store, [e.change for e in timeline.entries])
    return [(row, entry.sources) for row, entry in zip(rows, timeline.entries, strict=True)]


def parties_path(timeline: Timeline) -> list[str]:
    """The parties a person went through, in order ("Labour", "Independent", "Reform UK")."""
    path: list[str] = []
    for entry in timeline.entries:
        change = entry.change
        for party in (change.from_party, change.to_party):
            if party and (not path or path[-1] != party):
                path.append(party)
    return path


@router.get("/people", response_class=HTMLResponse, include_in_schema=False)
def people_page(request: Request, store: StoreDep, council: CouncilQ = None, q: NameQ = None,
                page: PageQ = 1, limit: LimitQ = 100) -> Response:
    page, limit = page_and_limit(page, limit)
    people, total = people_list(store, council, q, page, limit)
    params = {"council": clean(council), "q": clean(q)}
    return render(request, "people.html", {
        "people": people, "total": total, "page": page,
        "pages": max(1, -(-total // limit)), "council": clean(council), "q": clean(q),
        "csv_url": with_query("/api/people", {**params, "format": "csv"}),
        "json_url": with_query("/api/people", params),
    })


@router.get("/people/{ref:path}", response_class=HTMLResponse, include_in_schema=False)
def person_page(request: Request, store: StoreDep, ref: str) -> Response:
    timeline = store.timeline(ref)
    return render(request, "person.html", {
        "person": timeline.person, "entries": timeline_rows(store, timeline),
        "path": parties_path(timeline), "flags": FLAGS,
        "csv_url": f"/api/people/{timeline.person.id}?format=csv",
        "json_url": f"/api/people/{timeline.person.id}",
    })


@router.get("/api/people", tags=["people"], summary="List people")
def api_people(store: StoreDep, council: CouncilQ = None, q: NameQ = None, page: PageQ = 1,
               limit: LimitQ = 100, fmt: FormatQ = None) -> Response:
    """Everyone in the record (on a council, or matching a name), with the names they appear
    under and how many changes they have."""
    page, limit = page_and_limit(page, limit)
    if output_format(fmt) == "csv":
        everyone = [p.as_dict() for p in people_list(store, council, q)[0]]
        return table_response(None, everyone, "csv", "people", PERSON_COLUMNS)
    people, total = people_list(store, council, q, page, limit)
    pages = max(1, -(-total // limit))
    data = {"total": total, "page": page, "limit": limit, "pages": pages,
            "items": [p.as_dict() for p in people]}
    return table_response(data, [], "json", "people")


@router.get("/api/people/{ref:path}", tags=["people"], summary="One person and their timeline")
def api_person(store: StoreDep, ref: str, fmt: FormatQ = None) -> Response:
    """A person (by id or key) and their changes in date order, each with its sources;
    `format=csv` gives one row per change."""
    timeline = store.timeline(ref)
    entries = timeline_rows(store, timeline)
    if output_format(fmt) == "csv":
        rows = [row.as_dict() for row, _ in entries]
        return table_response(None, rows, "csv", f"person-{timeline.person.id}", CHANGE_COLUMNS)
    data = {"person": timeline.person.as_dict(), "parties": parties_path(timeline),
            "timeline": [{**row.as_dict(), "sources": [s.as_dict() for s in sources]}
                         for row, sources in entries]}
    return table_response(data, [], "json", "person")
