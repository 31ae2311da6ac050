"""The feeds ``floorcross watch`` polls (when each was last polled, what it found) and the
marker the front page asks for to update itself without a reload (``static/live.js``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from floorcross.store import Store
from floorcross.store.db import read_session
from floorcross.store.watch_models import WatchFeed
from floorcross.web.deps import get_store, render

router = APIRouter()
StoreDep = Annotated[Store, Depends(get_store)]
# Seconds between two checks of the front page for news (the script backs off when hidden).
LIVE_EVERY_S = 30
FEED_FIELDS = ("url", "last_polled_at", "last_status", "last_result", "last_error",
               "last_new_at", "entries_read", "changes_found", "failures", "failing_since",
               "next_poll_at")


def feed_rows(store: Store) -> list[dict[str, Any]]:
    """Every watched feed, the failing ones first, then by URL."""
    with read_session(store.engine) as session:
        feeds = list(session.execute(select(WatchFeed).order_by(WatchFeed.url)).scalars())
    rows = [{f: getattr(feed, f) for f in FEED_FIELDS} for feed in feeds]
    return sorted(rows, key=lambda r: (not r["failures"], r["url"]))


def update_marker(store: Store) -> str:
    """Changes whenever a change, an article's extraction or a correction does."""
    from floorcross.watch.alerts import record_fingerprint

    return ".".join(str(n) for n in record_fingerprint(store))


@router.get("/feeds", response_class=HTMLResponse, include_in_schema=False)
def feeds_page(request: Request, store: StoreDep) -> Response:
    rows = feed_rows(store)
    return render(request, "feeds.html", {"feeds": rows,
                                          "failing": sum(1 for r in rows if r["failures"])})


@router.get("/api/feeds", tags=["watch"], summary="Watched feeds")
def api_feeds(store: StoreDep) -> dict[str, Any]:
    """The feeds `floorcross watch` polls: when each was last polled, its HTTP status, what
    the poll found, and how many polls in a row failed (failing feeds first)."""
    rows = feed_rows(store)
    return {"total": len(rows), "items": rows}


@router.get("/api/updates", tags=["watch"], summary="Has anything changed?")
def api_updates(store: StoreDep) -> Response:
    """A marker that changes whenever the record does (a new change, a new report of one, a
    correction): the front page polls it and reloads its list only when it differs."""
    from fastapi.responses import JSONResponse

    return JSONResponse({"marker": update_marker(store), "every": LIVE_EVERY_S},
                        headers={"Cache-Control": "no-store"})
