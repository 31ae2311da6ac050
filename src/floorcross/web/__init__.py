"""The web app and JSON API for newsrooms (``floorcross serve``); see ``docs/web.md``.

``create_app`` is imported lazily so that ``import floorcross.web.users`` (the CLI's user
commands) does not pull in FastAPI.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from floorcross.web.app import create_app

        return create_app
    raise AttributeError(f"module 'floorcross.web' has no attribute {name!r}")


__all__ = ["create_app"]
