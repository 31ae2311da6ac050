"""Sessions, CSRF tokens and sign-in throttling, with nothing but the standard library.

The session is a small JSON object in a cookie, signed with HMAC-SHA256 under the server's
secret key (itsdangerous, which Starlette's own session middleware needs, is not a dependency).
It holds the signed-in editor's name, a CSRF token, when it was issued and the editor's session
generation; it is HttpOnly and SameSite=Lax, and Secure when the request came over HTTPS. Signing
out raises the editor's generation in the database (``users.session_generation``), so a copy of
the cookie taken before sign-out is refused afterwards: the signature alone is not enough. Every form carries the CSRF token;
a POST whose token does not match the session's is refused (403), so another site cannot make an
editor's browser review changes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

COOKIE_NAME = "floorcross_session"
SESSION_MAX_AGE = 7 * 24 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Session:
    """What the cookie carries: who is signed in (if anyone) and the CSRF token."""

    user: str | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    issued: int = field(default_factory=lambda: int(time.time()))
    generation: int = 0  # the editor's users.session_generation at sign-in
    changed: bool = False

    def as_payload(self) -> dict[str, Any]:
        return {"u": self.user, "c": self.csrf, "i": self.issued, "g": self.generation}


class Signer:
    """Signs and checks session cookies with one secret key."""

    def __init__(self, secret_key: str) -> None:
        self._key = hashlib.sha256(b"floorcross-session:" + secret_key.encode("utf-8")).digest()

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest())

    def dumps(self, session: Session) -> str:
        body = _b64(json.dumps(session.as_payload(), separators=(",", ":")).encode("utf-8"))
        return f"{body}.{self._mac(body)}"

    def loads(self, cookie: str | None, *, max_age: int = SESSION_MAX_AGE) -> Session | None:
        """The session in a cookie, or None if it is missing, tampered with or too old."""
        if not cookie or "." not in cookie:
            return None
        body, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            data = json.loads(_unb64(body))
            user, csrf, issued = data.get("u"), str(data["c"]), int(data["i"])
            generation = int(data.get("g", 0))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        if time.time() - issued > max_age:
            return None
        return Session(user=user if isinstance(user, str) else None, csrf=csrf, issued=issued,
                       generation=generation)


def tokens_match(expected: str, given: str | None) -> bool:
    """Constant-time comparison of the session's CSRF token with the one a form sent."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


class LoginThrottle:
    """At most ``limit`` failed sign-ins per client address and per name in ``window`` seconds;
    past either, sign-in is refused (429, even with the right password) until the oldest
    failure is ``window`` seconds old.

    Kept in memory: it slows down password guessing against one server process, which is what
    a newsroom running ``floorcross serve`` needs; a restart forgets it.
    """

    def __init__(self, limit: int = 5, window: float = 300.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def retry_after(self, client: str, name: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        refused = self.refusal(client, name)
        return refused[0] if refused else 0

    def refusal(self, client: str, name: str) -> tuple[int, str] | None:
        """Why a sign-in is refused now, and for how many seconds: ``(wait, message)``; None
        when it may go ahead. The account's limit is checked before the address's."""
        now = time.monotonic()
        with self._lock:
            for key, whose in ((f"name:{name.lower()}", "for this account"),
                               (f"ip:{client}", "from your address")):
                times = self._recent(key, now)
                if len(times) >= self.limit:
                    wait = int(self.window - (now - times[0])) + 1
                    return wait, (f"Too many failed sign-ins {whose}. Try again in {wait} "
                                  "seconds.")
        return None

    def failed(self, client: str, name: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in (f"ip:{client}", f"name:{name.lower()}"):
                self._recent(key, now).append(now)

    def succeeded(self, client: str, name: str) -> None:
        """A right password clears the account's failures, not the address's: one account of
        one's own must not reset the count of guesses at others."""
        with self._lock:
            self._failures.pop(f"name:{name.lower()}", None)
