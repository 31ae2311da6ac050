"""Hostile requests to the web app: every route, every parameter, never a 5xx.

The routes are enumerated from the app itself (``app.routes``, into included routers), and each
query, path and form parameter gets each hostile value in turn: numbers past 64 bits, bad dates,
control characters, very long strings, markup. The API answers 422, a page 400, and nothing
answers 500. Then the session: a cookie copied before sign-out is dead after it, sign-in
attempts are limited per account and per address, and every response carries the security
headers.
"""

from __future__ import annotations

import os
import re
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import PG_ENV, PG_HINT, _pg_schema_url
from test_web_api import EDITOR, PASSWORD, build_web_db, sign_in, token

from floorcross.web import create_app
from floorcross.web.security import LoginThrottle
from floorcross.web.users import add_user

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.routing import APIRoute
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HOSTILE = [
    "99999999999999999999", "2147483648", "-2147483649", "2147483647", "-1", "0",
    "2023-02-30", "0000-00-00", "10000-01-01", "a\x00b", "'; DROP TABLE x;--",
    "<script>alert(1)</script>", "x" * 5000, "Ω" * 300, "../../etc/passwd", "%_*\\", "",
]
# The review queue reads the change filters from the query string itself (signed in only).
REVIEW_PARAMS = ("council", "party", "kind", "since", "until", "person", "review", "confidence",
                 "conflicts", "page", "limit")
# A value for path parameters that the hostile one is not tested in: something that exists.
PATH_DEFAULT = "1"


def all_routes(routes: list[Any]) -> Iterator[APIRoute]:
    """Every API route, looking into included routers (FastAPI includes them lazily)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from all_routes(inner.routes)
        elif isinstance(route, APIRoute):
            yield route


def params_of(route: APIRoute, where: str) -> list[str]:
    """The names of a route's query (or form) parameters, its dependencies' included."""
    names: list[str] = []
    stack = [route.dependant]
    while stack:
        dep = stack.pop()
        fields = dep.query_params if where == "query" else dep.body_params
        names += [f.alias for f in fields]
        stack += dep.dependencies
    return sorted(set(names))


def fill(path: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        return quote(values.get(match.group(1), PATH_DEFAULT), safe="")

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


@pytest.fixture(scope="module")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "floorcross.db"
    build_web_db(path)
    return path


@pytest.fixture(scope="module")
def app(web_db: Path) -> Any:
    return create_app(f"sqlite:///{web_db}", secret_key="test key")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                               marks=pytest.mark.postgres)])
def any_app(request: pytest.FixtureRequest, app: Any) -> Iterator[Any]:
    """The app on SQLite, and on PostgreSQL when configured (its integers are narrower)."""
    if request.param == "sqlite":
        yield app
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(PG_HINT)
    for url in _pg_schema_url(base):
        build_web_db(url)
        pg_app = create_app(url, secret_key="test key")
        yield pg_app
        pg_app.state.web.store.close()


@pytest.fixture
def own_app(web_db: Path, tmp_path: Path) -> Any:
    copy = tmp_path / "own.db"
    shutil.copy(web_db, copy)
    return create_app(f"sqlite:///{copy}", secret_key="k")


def check(response: Any, url: str) -> None:
    """No 5xx; a refused parameter is a 422 with a JSON detail from the API, a page elsewhere
    (400 for a parameter; a form the store refuses, a correction in words, is a 422 page)."""
    assert response.status_code < 500, f"{url}: {response.status_code} {response.text[:300]}"
    if response.status_code in (400, 422):
        assert "Traceback" not in response.text
        if url.startswith("/api/"):
            assert response.status_code == 422 and response.json()["detail"]
        else:
            assert "<!doctype html>" in response.text.lower()
            assert response.status_code == 400 or response.request.method == "POST"


def test_the_route_list_is_complete(app: Any) -> None:
    paths = {r.path for r in all_routes(app.routes)}
    assert {"/", "/api/changes", "/feed.atom", "/people", "/api/people/{ref:path}",
            "/articles/{article_id}", "/review/{change_id}/correct", "/login"} <= paths
    assert len(paths) > 25


def test_no_get_route_answers_5xx_to_hostile_parameters(any_app: Any) -> None:
    tried = 0
    with TestClient(any_app, raise_server_exceptions=False) as client:
        for route in all_routes(any_app.routes):
            if "GET" not in route.methods:
                continue
            names = params_of(route, "query")
            path_names = re.findall(r"\{(\w+)", route.path)
            for value in HOSTILE:
                for name in names:
                    url = fill(route.path, {})
                    check(client.get(url, params={name: value}), url)
                    tried += 1
                for name in path_names:
                    if not value.strip() or value in ("..", "../../etc/passwd"):
                        continue  # an empty or dot segment is another URL, not this route
                    url = fill(route.path, {name: value})
                    check(client.get(url), url)
                    tried += 1
    assert tried > 500


@pytest.mark.parametrize("url", [
    "/?person=99999999999999999999", "/api/changes?person=9223372036854775808",
    "/feed.atom?person=9223372036854775808", "/people?q=%00", "/api/people?page=1000001",
    "/api/articles/99999999999999999999", "/api/changes?since=2023-02-30",
    "/api/changes?sort=sideways", "/api/changes?limit=99999999999999999999",
])
def test_the_reported_cases_are_clear_refusals(app: Any, url: str) -> None:
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(url)
    want = 422 if url.startswith("/api/") else 400
    assert response.status_code == want, response.text
    name = re.search(r"[?&](\w+)=", url)
    assert (name.group(1) if name else "article_id") in response.text


def test_no_form_or_review_filter_answers_5xx_to_hostile_values(own_app: Any) -> None:
    with TestClient(own_app, raise_server_exceptions=False) as client:
        tok = sign_in(client)
        for value in HOSTILE[::2]:
            for name in REVIEW_PARAMS:
                check(client.get("/review", params={name: value}), "/review")
        for route in all_routes(own_app.routes):
            if "POST" not in route.methods or route.path in ("/login", "/logout"):
                continue
            for value in HOSTILE[::2]:
                for name in params_of(route, "form"):
                    url = fill(route.path, {})
                    data = {name: value, "csrf_token": tok}
                    check(client.post(url, data=data, follow_redirects=False), url)
                url = fill(route.path, {"change_id": value or "0"})
                check(client.post(url, data={"csrf_token": tok}, follow_redirects=False), url)
        for value in HOSTILE[::4]:
            page = client.get("/login")
            tok = token(page.text) if page.status_code == 200 else tok
            check(client.post("/login", data={"name": value, "password": value,
                                              "csrf_token": tok}), "/login")


# ------------------------------------------------------------------------------ sessions


def test_a_cookie_copied_before_sign_out_is_dead_after_it(own_app: Any) -> None:
    with TestClient(own_app, raise_server_exceptions=False) as client:
        tok = sign_in(client)
        copied = dict(client.cookies)
        assert client.get("/review").status_code == 200
        client.post("/logout", data={"csrf_token": tok})
        assert client.get("/review").status_code == 401
    with TestClient(own_app, raise_server_exceptions=False, cookies=copied) as thief:
        assert thief.get("/review").status_code == 401
        assert f"Signed in as <strong>{EDITOR}</strong>" not in thief.get("/").text
    with TestClient(own_app, raise_server_exceptions=False) as again:  # a new sign-in works
        sign_in(again)
        assert again.get("/review").status_code == 200


def failing_attempts(client: TestClient, name: str, n: int) -> list[int]:
    codes = []
    for _ in range(n):
        tok = token(client.get("/login").text)
        codes.append(client.post("/login", data={"name": name, "password": "guess",
                                                 "csrf_token": tok}).status_code)
    return codes


def test_sign_in_attempts_are_limited_per_account(own_app: Any) -> None:
    with TestClient(own_app, raise_server_exceptions=False) as client:
        assert failing_attempts(client, EDITOR, 5) == [401] * 5
    # From another address, the right password for that account: still refused, in words.
    with TestClient(own_app, raise_server_exceptions=False, client=("192.0.2.7", 4000)) as other:
        tok = token(other.get("/login").text)
        refused = other.post("/login", data={"name": EDITOR, "password": PASSWORD,
                                             "csrf_token": tok})
        assert refused.status_code == 429
        assert "Too many failed sign-ins for this account" in refused.text
        assert int(refused.headers["retry-after"]) > 0


def test_sign_in_attempts_are_limited_per_address(own_app: Any) -> None:
    own_app.state.web.throttle = LoginThrottle(limit=3)  # fewer accounts (and hashes) to try
    for i in range(4):
        add_user(own_app.state.web.store, f"user{i}", PASSWORD)
    with TestClient(own_app, raise_server_exceptions=False) as client:
        codes = [failing_attempts(client, f"user{i}", 1)[0] for i in range(4)]
        assert codes == [401, 401, 401, 429]  # one failure per account, four accounts
        tok = token(client.get("/login").text)
        page = client.post("/login", data={"name": "user3", "password": PASSWORD,
                                           "csrf_token": tok})
        assert page.status_code == 429
        assert "Too many failed sign-ins from your address" in page.text


def test_security_headers_on_every_response(own_app: Any, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    def broken(**_: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(own_app.state.web.store, "changes", broken)
    monkeypatch.setattr(own_app.state.web.store, "change_slice", broken)  # what the pages call
    with TestClient(own_app, raise_server_exceptions=False) as client:
        responses = [client.get(u) for u in (
            "/", "/api/changes", "/login", "/static/style.css", "/static/charts.js", "/no/page",
            "/api/changes?page=0", "/?since=nope", "/docs", "/openapi.json", "/feed.atom")]
        responses.append(client.post("/login", data={}))
    assert {r.status_code for r in responses} >= {200, 400, 403, 404, 422, 500}
    for response in responses:
        csp = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split(
            "script-src")[1].split(";")[0], response.url
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


def test_no_template_has_an_inline_script() -> None:
    templates = Path(__file__).parents[1] / "src" / "floorcross" / "web" / "templates"
    for page in templates.iterdir():
        for tag in re.findall(r"<script\b[^>]*>", page.read_text()):
            # Only scripts from files, and JSON data islands (never run by the browser).
            assert "src=" in tag or 'type="application/json"' in tag, (page.name, tag)
        assert not re.search(r"\son[a-z]+=", page.read_text()), page.name  # no onclick=...
