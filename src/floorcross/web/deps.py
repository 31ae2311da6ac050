"""What every route needs: the store, the session and its CSRF token, the signed-in editor,
rendering a page, and running a write on the single writer thread.

Handlers are plain ``def`` functions, so FastAPI runs them on worker threads and reads never
wait for each other (SQLite in WAL mode lets them read while the writer writes). Writes (reviews,
sign-in rehashes) go through :func:`run_write`, one at a time on one thread, as Datasette does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from floorcross.store import Store
from floorcross.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    LoginThrottle,
    Session,
    Signer,
    tokens_match,
)
from floorcross.web.users import get_user

T = TypeVar("T")
CSRF_MESSAGE = ("This form could not be accepted: its security token is missing or out of date "
                "(forms only work from pages of this site). Reload the page and try again.")


class Writer:
    """One thread for every write the app makes (the single-writer discipline); started on
    first use, so an app whose lifespan ended and began again (tests) writes as before."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1,
                                                thread_name_prefix="floorcross-writer")
            future = self._pool.submit(fn, *args, **kwargs)
        return future.result()

    def stop(self) -> None:
        """Finish the write in hand and stop the thread."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


@dataclass
class WebState:
    """The app's long-lived parts, kept on ``app.state.web``."""

    store: Store
    templates: Jinja2Templates
    signer: Signer
    throttle: LoginThrottle
    writer: Writer
    ephemeral_key: bool


def web(request: Request) -> WebState:
    return request.app.state.web  # type: ignore[no-any-return]


def get_store(request: Request) -> Store:
    """The store (a FastAPI dependency)."""
    return web(request).store


def session(request: Request) -> Session:
    """This visitor's session, started (and sent as a cookie) on first need."""
    current: Session | None = getattr(request.state, "session", None)
    if current is None:
        current = Session(changed=True)
        request.state.session = current
    return current


def csrf_token(request: Request) -> str:
    """The token every form on the page must send back."""
    return session(request).csrf


def current_user(request: Request) -> str | None:
    """The signed-in editor's name, or None; an account removed since sign-in signs out, and
    so does a session from before the editor's last sign-out (its generation is behind)."""
    if hasattr(request.state, "user"):
        return request.state.user  # type: ignore[no-any-return]
    current: Session | None = getattr(request.state, "session", None)
    name = current.user if current else None
    if name and current is not None:
        account = get_user(web(request).store, name)
        if account is None or account.session_generation != current.generation:
            name = None
    request.state.user = name
    return name


async def csrf_protect(request: Request) -> None:
    """Refuse (403) an unsafe request whose form field or header lacks the session's token."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    given = request.headers.get(CSRF_HEADER)
    if given is None and "form" in request.headers.get("content-type", ""):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    current: Session | None = getattr(request.state, "session", None)
    if current is None or not tokens_match(current.csrf, given):
        raise HTTPException(status_code=403, detail=CSRF_MESSAGE)


def require_editor(request: Request) -> str:
    """The signed-in editor, or 401 (the page links to the sign-in form)."""
    user = current_user(request)
    if user is None:
        raise HTTPException(status_code=401, detail="Sign in as an editor to review changes.")
    return user


def run_write(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn`` on the single writer thread and wait for it (called from a worker thread)."""
    return web(request).writer.run(fn, *args, **kwargs)


def page_url(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return f"{request.url.path}?{query}" if query else request.url.path


def with_query(path: str, params: dict[str, Any]) -> str:
    """``path`` with ``params`` (empty ones dropped) as its query string."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def render(request: Request, template: str, context: dict[str, Any],
           status_code: int = 200) -> HTMLResponse:
    """A page from ``templates/``, with the signed-in editor and a CSRF token at hand."""
    base = {"user": current_user(request), "csrf": lambda: csrf_token(request),
            "page_url": lambda **kw: page_url(request, **kw), "with_query": with_query}
    return web(request).templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code)


def wants_json(request: Request) -> bool:
    """Whether errors should be JSON (the API) rather than a page."""
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"
