"""``/docs``: the API reference as a page rendered on the server from ``app.openapi()``.

FastAPI's default ``/docs`` loads Swagger UI's JavaScript and CSS from a CDN, and no package in
our lock ships those files, so a newsroom without internet would get a blank page. This page
reads the same OpenAPI document (``/openapi.json``, which stays the machine-readable source) and
needs no JavaScript at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from floorcross.web.deps import render

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Param:
    name: str
    where: str
    required: bool
    type: str
    description: str
    example: str | None


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    description: str
    tag: str
    params: list[Param] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"{self.method}-{self.path}".replace("/", "-").replace("{", "").replace("}", "")

    @property
    def example_url(self) -> str | None:
        """A URL to try (GET only), with path parameters filled from their examples."""
        if self.method != "GET":
            return None
        path = self.path
        for p in self.params:
            if p.where == "path":
                if not p.example:
                    return None
                path = path.replace("{" + p.name + "}", p.example)
        return path


def _type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        kinds = [_type(s) for s in schema["anyOf"] if s.get("type") != "null"]
        return " or ".join(kinds) or "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"list of {_type(schema.get('items', {}))}"
    return kind


EXAMPLE_PATHS = {"ref": "1", "article_id": "1"}


def endpoints(spec: dict[str, Any]) -> list[Endpoint]:
    """Every operation in the OpenAPI document, in the order the app declares them."""
    out: list[Endpoint] = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = []
            for p in op.get("parameters", []):
                schema = p.get("schema", {})
                examples = p.get("examples") or schema.get("examples") or []
                example = str(examples[0]) if isinstance(examples, list) and examples else None
                if p.get("in") == "path" and example is None:
                    example = EXAMPLE_PATHS.get(p["name"])
                params.append(Param(p["name"], p.get("in", "query"), bool(p.get("required")),
                                    _type(schema), p.get("description", ""), example))
            responses = [(code, r.get("description", ""))
                         for code, r in op.get("responses", {}).items()]
            out.append(Endpoint(method.upper(), path, op.get("summary", ""),
                                op.get("description", ""), (op.get("tags") or ["other"])[0],
                                params, responses))
    return out


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    spec = request.app.openapi()
    found = endpoints(spec)
    tags: dict[str, list[Endpoint]] = {}
    for e in found:
        tags.setdefault(e.tag, []).append(e)
    info = spec.get("info", {})
    return render(request, "api_docs.html", {
        "info": info, "tags": tags, "openapi_version": spec.get("openapi", ""),
    })
