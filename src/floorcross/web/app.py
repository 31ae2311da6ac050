"""The web app: ``create_app(store_url)`` builds a FastAPI app over one store.

Pages are rendered on the server (Jinja2, autoescaped) and work without JavaScript except the
charts; the JSON API under ``/api/`` answers from the same library calls. Errors never show a
traceback: a 404 or 500 page (or JSON under ``/api/``) says what went wrong in words. Plotly's
JavaScript is served from the installed plotly package, so charts work with no internet.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from floorcross import __version__
from floorcross.store import open_store
from floorcross.store.errors import CorrectionError, NotFound, QueryError, StoreError
from floorcross.web import present
from floorcross.web.deps import WebState, Writer, render, wants_json, web
from floorcross.web.params import BadParam, guard_request
from floorcross.web.security import COOKIE_NAME, SESSION_MAX_AGE, LoginThrottle, Signer

log = logging.getLogger("floorcross.web")
HERE = Path(__file__).resolve().parent
SECRET_ENV = "FLOORCROSS_SECRET_KEY"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
DESCRIPTION = """Changes of party by UK councillors, found in local news, each with the sentences
that report it. Reading is open to all; reviewing needs a signed-in editor (the web pages).
Every list takes `format=csv` for a download. Dates are `YYYY-MM-DD` (or `YYYY-MM`, `YYYY`)."""


def plotly_js() -> Path | None:
    """The minified plotly.js inside the installed plotly package (None if it is missing)."""
    try:
        import plotly
    except ImportError:
        return None
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=jinja2.select_autoescape(["html", "xml", "atom"], default=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters.update(describe=present.describe, nice_date=present.nice_date,
                       party_colour=present.party_colour, atom_time=present.atom_time)
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


def create_app(store_url: str | None = None, *, secret_key: str | None = None) -> FastAPI:
    """The web app over the store at ``store_url`` (default: ``$FLOORCROSS_DB``, else
    ``./floorcross.db``), signing sessions with ``secret_key`` (default: ``$FLOORCROSS_SECRET_KEY``,
    else a random key, so sign-ins last until the server restarts)."""
    store = open_store(store_url)
    key = secret_key or os.environ.get(SECRET_ENV)
    ephemeral = not key
    if ephemeral:
        log.warning("no secret key (--secret-key or $%s): sign-ins end when the server stops",
                    SECRET_ENV)
    writer = Writer()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        writer.stop()
        store.close()  # only the connection pool: the engine reconnects if used again

    # FastAPI's own /docs loads Swagger UI from a CDN; ours is a page rendered on the server
    # from app.openapi() (routes/apidocs.py), so the reference works with no internet.
    app = FastAPI(title="floorcross", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=lifespan,
                  dependencies=[Depends(guard_request)])
    app.state.web = WebState(store, _templates(), Signer(key or secrets.token_urlsafe(32)),
                             LoginThrottle(), writer, ephemeral)
    _add_middleware(app)
    _add_error_handlers(app)
    _add_routes(app)
    return app


def _add_routes(app: FastAPI) -> None:
    from floorcross.web.routes import (
        apidocs,
        auth,
        changes,
        councils,
        feeds,
        flows,
        people,
        review,
        search,
    )

    bundle = plotly_js()

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_bundle() -> Response:
        if bundle is None:
            return Response("// plotly is not installed: charts are unavailable\n",
                            media_type="text/javascript", status_code=404)
        return FileResponse(bundle, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (changes, people, councils, flows, search, review, auth, feeds, apidocs):
        app.include_router(module.router)


def _add_middleware(app: FastAPI) -> None:
    @app.middleware("http")
    async def sessions_and_headers(request: Request,
                                   call_next: Callable[[Request], Awaitable[Response]]
                                   ) -> Response:
        state = web(request)
        request.state.session = state.signer.loads(request.cookies.get(COOKIE_NAME))
        response = await call_next(request)
        current = request.state.session
        if current is not None and current.changed:
            response.set_cookie(COOKIE_NAME, state.signer.dumps(current), max_age=SESSION_MAX_AGE,
                                httponly=True, samesite="lax", path="/",
                                secure=request.url.scheme == "https")
        return with_security_headers(response)


SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def with_security_headers(response: Response) -> Response:
    """The headers every response carries: the middleware adds them, and so does the error
    page of an unexpected error (answered outside the middleware, by Starlette's outermost
    layer)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


# ------------------------------------------------------------------------------ errors

TITLES = {400: "Bad request", 401: "Sign in needed", 403: "Not allowed", 404: "Not found",
          405: "Not allowed", 422: "Cannot read that request", 429: "Too many attempts",
          500: "Something went wrong", 503: "Database unavailable"}


def error_response(request: Request, status: int, message: str,
                   errors: list[dict[str, Any]] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """A JSON error for the API, a plain page otherwise; never a traceback."""
    if wants_json(request):
        body: dict[str, Any] = {"detail": message}
        if errors:
            body["errors"] = errors
        return with_security_headers(JSONResponse(body, status_code=status, headers=headers))
    context = {"status": status, "title": TITLES.get(status, "Error"), "message": message}
    response = render(request, "error.html", context, status_code=status)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return with_security_headers(response)


def bad_request_status(request: Request) -> int:
    """A parameter that cannot be used: 422 for the API (what FastAPI clients expect), 400 for
    a page (a plain "bad request" page saying which parameter and why)."""
    return 422 if wants_json(request) else 400


def _validation_message(error: dict[str, Any]) -> dict[str, Any]:
    loc = [str(p) for p in error.get("loc", ()) if p not in {"query", "path", "body"}]
    name = ".".join(loc) or "request"
    kind = str(error.get("type", ""))
    if kind.startswith("int"):
        text = "must be a whole number"
    elif kind == "missing":
        text = "is required"
    elif "greater_than" in kind or "less_than" in kind:
        text = str(error.get("msg", "is out of range")).replace("Input should be", "must be")
    else:
        text = str(error.get("msg", "is not valid")).replace("Input should be", "must be")
    return {"param": name, "message": text}


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "")
        if exc.status_code == 404 and message == "Not Found":
            message = f"There is no page at {request.url.path}."
        if exc.status_code == 401 and not wants_json(request):
            wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            context = {"message": message, "next": wanted, "error": None}
            return render(request, "login.html", context, status_code=401)
        return error_response(request, exc.status_code, message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [_validation_message(e) for e in exc.errors()]
        message = "; ".join(f"{e['param']}: {e['message']}" for e in errors)
        return error_response(request, bad_request_status(request), message, errors)

    @app.exception_handler(BadParam)
    async def bad_param(request: Request, exc: BadParam) -> Response:
        return error_response(request, bad_request_status(request), str(exc),
                              [{"param": exc.name, "message": exc.message}])

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404, str(exc).strip("'\""))

    @app.exception_handler(QueryError)
    @app.exception_handler(CorrectionError)
    async def bad_query(request: Request, exc: StoreError) -> Response:
        return error_response(request, 422, str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        log.error("store error on %s: %s", request.url.path, exc)
        return error_response(request, 503, "The database cannot be read right now; try again "
                                            "in a moment.")

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("error on %s", request.url.path, exc_info=exc)
        return error_response(request, 500, "Something went wrong on our side. The error has "
                                            "been logged; please try again later.")
