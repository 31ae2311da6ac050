"""Signing in and out. Accounts are made on the command line (``floorcross user add``); the
form checks the password with argon2 and throttles repeated failures (``security.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from floorcross.web.deps import csrf_protect, current_user, render, run_write, session, web
from floorcross.web.security import Session
from floorcross.web.users import authenticate, end_sessions

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/review"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    if current_user(request):
        return RedirectResponse(safe_next(next), status_code=303)
    session(request)  # the form needs a CSRF token, so the session cookie starts here
    return render(request, "login.html", {"next": safe_next(next), "message": None,
                                          "error": None})


@router.post("/login", dependencies=[Depends(csrf_protect)])
def login(request: Request, name: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/review") -> Response:
    state = web(request)
    client = request.client.host if request.client else "unknown"
    refused = state.throttle.refusal(client, name)
    if refused:
        wait, why = refused
        context = {"next": safe_next(next), "message": None, "error": why}
        response = render(request, "login.html", context, status_code=429)
        response.headers["Retry-After"] = str(wait)
        return response
    user = run_write(request, authenticate, state.store, name, password) if name else None
    if user is None:
        state.throttle.failed(client, name)
        context = {"next": safe_next(next), "message": None,
                   "error": "That name and password do not match an editor's account."}
        return render(request, "login.html", context, status_code=401)
    state.throttle.succeeded(client, name)
    # A fresh session (and CSRF token) on sign-in, so a token seen before cannot be reused.
    request.state.session = Session(user=user.name, generation=user.session_generation,
                                    changed=True)
    request.state.user = user.name
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", dependencies=[Depends(csrf_protect)])
def logout(request: Request) -> Response:
    """Sign out here and everywhere: the editor's session generation goes up, so no copy of
    the old cookie (another browser, a stolen one) is signed in any more."""
    name = current_user(request)
    if name:
        run_write(request, end_sessions, web(request).store, name)
    request.state.session = Session(changed=True)
    request.state.user = None
    return RedirectResponse("/", status_code=303)
