"""The review queue: an editor accepts (verifies), corrects or rejects each extracted change.

Every action is one call to the store's correction API (``verify_change``, ``correct_change``,
``reject_change``), made on the single writer thread with the signed-in editor as its author, so
it is kept in ``corrections`` with who and when, survives re-extraction, and shows in the audit
trail (``/corrections``). Every form carries the session's CSRF token; a post without it is
refused before anything else is looked at.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from floorcross.records import KINDS, OFFICES
from floorcross.store import Store
from floorcross.store.corrections import CORRECTABLE
from floorcross.store.errors import CorrectionError
from floorcross.web.changelist import FLAGS, change_page
from floorcross.web.deps import (
    csrf_protect,
    get_store,
    render,
    require_editor,
    run_write,
)
from floorcross.web.params import REVIEW_STATES, ChangeFilters, page_and_limit
from floorcross.web.routes.auth import safe_next
from floorcross.web.routes.common import (
    FormatQ,
    LimitQ,
    PageQ,
    change_filters,
    output_format,
)
from floorcross.web.tables import table_response

router = APIRouter()
StoreDep = Annotated[Store, Depends(get_store)]
EditorDep = Annotated[str, Depends(require_editor)]
# CSRF first: a forged post is refused whoever is signed in.
WRITE_GUARDS = [Depends(csrf_protect), Depends(require_editor)]
NoteF = Annotated[str, Form(description="Why (kept with the review)")]
NextF = Annotated[str, Form(description="Where to go afterwards")]
CORRECTION_COLUMNS = ("id", "action", "target_key", "other_key", "field", "value", "author",
                      "note", "created_at", "orphaned")


def review_filters(request: Request) -> ChangeFilters:
    """The queue's filters: unreviewed changes unless ``review`` says otherwise."""
    params = dict(request.query_params)
    params.setdefault("review", "unreviewed")
    names = ("council", "party", "kind", "since", "until", "person", "review", "confidence",
             "conflicts")
    return change_filters(**{k: params.get(k) for k in names})


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_queue(request: Request, store: StoreDep, editor: EditorDep,
                 filters: Annotated[ChangeFilters, Depends(review_filters)],
                 page: PageQ = 1, limit: LimitQ = 20) -> Response:
    page, limit = page_and_limit(page, limit)
    result = change_page(store, filters, page, limit, "found")
    return render(request, "review.html", {
        "result": result, "filters": filters, "flags": FLAGS, "review_states": REVIEW_STATES,
        "kinds": KINDS, "offices": OFFICES, "here": str(request.url.path) + (
            f"?{request.url.query}" if request.url.query else ""),
    })


def _note(note: str) -> str | None:
    return note.strip() or None


def _back(next_url: str, change_id: int) -> RedirectResponse:
    target = safe_next(next_url) if next_url else f"/changes/{change_id}"
    return RedirectResponse(target, status_code=303)


@router.post("/review/{change_id}/verify", dependencies=WRITE_GUARDS, include_in_schema=False)
def verify(request: Request, store: StoreDep, change_id: int, editor: EditorDep,
           note: NoteF = "", next: NextF = "") -> Response:
    run_write(request, store.verify_change, change_id, editor, _note(note))
    return _back(next, change_id)


@router.post("/review/{change_id}/reject", dependencies=WRITE_GUARDS, include_in_schema=False)
def reject(request: Request, store: StoreDep, change_id: int, editor: EditorDep,
           note: NoteF = "", next: NextF = "") -> Response:
    run_write(request, store.reject_change, change_id, editor, _note(note))
    return _back(next, change_id)


FieldF = Annotated[str | None, Form()]


@router.post("/review/{change_id}/correct", dependencies=WRITE_GUARDS, include_in_schema=False)
def correct(request: Request, store: StoreDep, change_id: int, editor: EditorDep,
            kind: FieldF = None, from_party: FieldF = None, to_party: FieldF = None,
            council: FieldF = None, ward: FieldF = None, office: FieldF = None,
            role: FieldF = None, date: FieldF = None, note: NoteF = "",
            accept: Annotated[str, Form()] = "", next: NextF = "") -> Response:
    """Correct every field whose value the form changed (one correction per field); a field
    the form leaves out is left alone. With ``accept`` the corrected change is also marked
    verified."""
    given = {"kind": kind, "from_party": from_party, "to_party": to_party, "council": council,
             "ward": ward, "office": office, "role": role, "date": date}
    change = store.change(change_id)
    fixes = [(name, value.strip() or None) for name in CORRECTABLE
             if (value := given.get(name)) is not None
             and value.strip() != (getattr(change, name) or "")]
    if not fixes:
        raise CorrectionError("nothing to correct: change at least one field of the form")

    def apply() -> None:
        for name, value in fixes:
            store.correct_change(change_id, name, value, editor, _note(note))
        if accept:
            store.verify_change(change_id, editor, "accepted as corrected")

    run_write(request, apply)
    return _back(next, change_id)


# ------------------------------------------------------------------------------ audit trail


@router.get("/corrections", response_class=HTMLResponse, include_in_schema=False)
def corrections_page(request: Request, store: StoreDep, page: PageQ = 1,
                     limit: LimitQ = 100) -> Response:
    page, limit = page_and_limit(page, limit)
    rows = store.corrections(newest_first=True, offset=(page - 1) * limit, limit=limit)
    total = store.count_corrections()
    return render(request, "corrections.html", {
        "rows": rows, "page": page, "pages": max(1, -(-total // limit)), "total": total,
        "csv_url": "/api/corrections?format=csv", "json_url": "/api/corrections",
    })


@router.get("/api/corrections", tags=["review"], summary="Audit trail of reviews")
def api_corrections(store: StoreDep, fmt: FormatQ = None, page: PageQ = 1,
                    limit: LimitQ = 100) -> Response:
    """Reviews and corrections, newest first: what was done to which change or person, by
    whom, when and why, and whether it still finds its target (`orphaned`). JSON is paged
    (`page`, `limit`); `format=csv` downloads them all."""
    page, limit = page_and_limit(page, limit)
    if output_format(fmt) == "csv":
        rows = [c.as_dict() for c in store.corrections(newest_first=True)]
        return table_response(None, rows, "csv", "corrections", CORRECTION_COLUMNS)
    total = store.count_corrections()
    rows = [c.as_dict() for c in store.corrections(newest_first=True,
                                                    offset=(page - 1) * limit, limit=limit)]
    data = {"total": total, "page": page, "limit": limit, "pages": max(1, -(-total // limit)),
            "items": rows}
    return table_response(data, [], "json", "corrections")

