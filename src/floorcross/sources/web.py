"""Fetching pages over HTTP: size-capped, time-limited and polite to each host."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import httpx

from floorcross import __version__
from floorcross.sources.common import DEFAULT_MAX_BYTES, host_of, too_large, url_scheme
from floorcross.sources.html import article_from_html
from floorcross.sources.models import SourceArticle, SourceProblem
from floorcross.sources.text import decode_text

USER_AGENT = f"floorcross/{__version__} (+https://github.com/floorcross/floorcross)"
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class FetchResult:
    """A successful response: the final URL after redirects, and the (decoded) body."""

    url: str
    status: int
    content_type: str  # media type only, lower case: "text/html"
    content: bytes


class Fetcher:
    """Fetches http/https URLs one at a time, waiting ``min_interval`` seconds between two
    requests to the same host.

    ``transport``, ``clock`` and ``sleep`` are for tests (``httpx.MockTransport``, a fake clock).
    Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        min_interval: float = 1.0,
        user_agent: str = USER_AGENT,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep
        self._last_request: dict[str, float] = {}
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": user_agent},
            transport=transport,
        )

    def fetch(self, url: str) -> FetchResult | SourceProblem:
        """Return the response body for ``url``, or a problem saying why there is none."""
        scheme = url_scheme(url)
        if scheme not in ("http", "https"):
            return SourceProblem(origin=url, reason=f"unsupported URL scheme '{scheme or ''}'")
        self._wait_turn(host_of(url) or "")
        try:
            with self._client.stream("GET", url) as response:
                return self._read(response, url)
        except httpx.TimeoutException:
            return self._failed(url, f"timeout after {self.timeout:g}s")
        except httpx.TooManyRedirects:
            return self._failed(url, "too many redirects")
        except httpx.UnsupportedProtocol:
            return self._failed(url, "redirected to a URL that is not http or https")
        except httpx.ConnectError as exc:
            return self._failed(url, f"connection failed ({exc})")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return self._failed(url, f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _wait_turn(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            wait = last + self.min_interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_request[host] = self._clock()

    @staticmethod
    def _failed(url: str, detail: str) -> SourceProblem:
        return SourceProblem(origin=url, reason=f"could not fetch: {detail}")

    def _read(self, response: httpx.Response, url: str) -> FetchResult | SourceProblem:
        if not 200 <= response.status_code < 300:
            phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
            return self._failed(url, f"HTTP {response.status_code}{phrase}")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return SourceProblem(origin=url, reason=too_large(self.max_bytes, int(declared)))
        body = bytearray()
        # Counted after content decoding, so a small gzip bomb is cut off too.
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                return SourceProblem(
                    origin=url, reason=f"{too_large(self.max_bytes)} (download cut off)"
                )
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return FetchResult(str(response.url), response.status_code, media_type, bytes(body))


def article_from_response(
    result: FetchResult, origin: str, doc: str
) -> SourceArticle | SourceProblem:
    """Return the article in a fetched HTML or plain-text page, or a problem."""
    if not result.content.strip():
        return SourceProblem(origin=origin, reason="empty response")
    if result.content_type in HTML_TYPES or not result.content_type:
        return article_from_html(result.content, url=result.url, origin=origin, doc=doc)
    if result.content_type == "text/plain":
        text, _ = decode_text(result.content)
        return SourceArticle(
            doc=doc, text=text, url=result.url, outlet=host_of(result.url), origin=origin
        )
    return SourceProblem(origin=origin, reason=f"unsupported content type '{result.content_type}'")
