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

    def poll(self, url: str, *, etag: str | None = None,
             last_modified: str | None = None) -> Polled:
        """A conditional GET of ``url`` (``If-None-Match``/``If-Modified-Since``), polite to its
        host like :meth:`fetch`; never raises for network or HTTP errors."""
        scheme = url_scheme(url)
        if scheme not in ("http", "https"):
            return Polled(url, 0, error=f"unsupported URL scheme '{scheme or ''}'")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._wait_turn(host_of(url) or "")
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                return self._read_polled(response, url)
        except httpx.TimeoutException:
            return Polled(url, 0, error=f"timeout after {self.timeout:g}s")
        except httpx.TooManyRedirects:
            return Polled(url, 0, error="too many redirects")
        except httpx.ConnectError as exc:
            return Polled(url, 0, error=f"connection failed ({exc})")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return Polled(url, 0, error=f"{type(exc).__name__}: {exc}")

    def _read_polled(self, response: httpx.Response, url: str) -> Polled:
        status = response.status_code
        head = response.headers
        validators = {"etag": head.get("etag"), "last_modified": head.get("last-modified")}
        if status == 304:
            return Polled(str(response.url), status, **validators)
        if not 200 <= status < 300:
            phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
            return Polled(str(response.url), status, error=f"HTTP {status}{phrase}",
                          retry_after=retry_after_seconds(head.get("retry-after")))
        read = self._read(response, url)
        if isinstance(read, SourceProblem):
            return Polled(str(response.url), status, error=read.reason)
        return Polled(read.url, status, read.content, read.content_type, **validators)

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


@dataclass(frozen=True)
class Polled:
    """The answer to a conditional GET (:meth:`Fetcher.poll`).

    ``status`` 304 means not modified (``content`` is empty); ``error`` is set when there is no
    usable body (the HTTP status, a timeout, a refused connection), and ``retry_after`` holds
    the seconds a ``Retry-After`` header asked for, when it gave any.
    """

    url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None
    error: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


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
