"""Fetching pages over HTTP: size-capped, time-limited and polite to each host."""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import httpx

from floorcross import __version__
from floorcross.sources.common import DEFAULT_MAX_BYTES, host_of, too_large, url_scheme
from floorcross.sources.html import article_from_html
from floorcross.sources.http_body import DecompressedTooLarge, Inflater, content_encodings
from floorcross.sources.models import SourceArticle, SourceProblem
from floorcross.sources.text import decode_text

USER_AGENT = f"floorcross/{__version__} (+https://github.com/floorcross/floorcross)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
# The whole of one fetch (connecting, redirects, headers and body) must end within this.
DEFAULT_FETCH_TIMEOUT = 30.0


@dataclass
class _Deadline:
    """One fetch's total time limit. At the deadline the sockets it opened are shut down, so a
    server that trickles its headers or body a byte at a time cannot hold the run; the read
    under way then fails, and the fetch reports the timeout."""

    seconds: float
    end: float = 0.0
    expired: bool = False
    _sockets: list[socket.socket] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _timer: threading.Timer | None = None

    def __enter__(self) -> Self:
        self.end = time.monotonic() + self.seconds
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.end

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: keeps the socket of each connection made for this fetch."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if isinstance(sock, socket.socket):
                with self._lock:
                    self._sockets.append(sock)
                    late = self.expired
                if late:
                    self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


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

    Each fetch ends within ``deadline`` seconds, whatever the server does (connecting,
    redirects, headers and the whole body; ``timeout`` bounds each single network wait), and
    stops as soon as the body passes ``max_bytes`` after decompression: each layer of
    ``Content-Encoding`` is decompressed here, a piece at a time, never past ``max_bytes``.

    ``transport``, ``clock`` and ``sleep`` are for tests (``httpx.MockTransport``, a fake clock).
    Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        deadline: float = DEFAULT_FETCH_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        min_interval: float = 1.0,
        user_agent: str = USER_AGENT,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout = min(timeout, deadline)
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep
        self._last_request: dict[str, float] = {}
        self._client = httpx.Client(
            timeout=self.timeout,
            follow_redirects=True,
            # Only what is decompressed here, under the size cap.
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            transport=transport,
            # A new connection for each fetch, so that its deadline can shut its socket.
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def fetch(self, url: str) -> FetchResult | SourceProblem:
        """Return the response body for ``url``, or a problem saying why there is none."""
        scheme = url_scheme(url)
        if scheme not in ("http", "https"):
            return SourceProblem(origin=url, reason=f"unsupported URL scheme '{scheme or ''}'")
        self._wait_turn(host_of(url) or "")
        with _Deadline(self.deadline) as deadline:
            try:
                with self._client.stream("GET", url, extensions={"trace": deadline.trace}
                                         ) as response:
                    return self._read(response, url, deadline)
            except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
                if deadline.passed():
                    return self._over_time(url)
                return self._error(url, exc)

    def _over_time(self, url: str) -> SourceProblem:
        return self._failed(url, f"no complete response within {self.deadline:g}s "
                                 "(--fetch-timeout)")

    def _error(self, url: str, exc: Exception) -> SourceProblem:
        if isinstance(exc, httpx.TimeoutException):
            return self._failed(url, f"timeout after {self.timeout:g}s")
        if isinstance(exc, httpx.TooManyRedirects):
            return self._failed(url, "too many redirects")
        if isinstance(exc, httpx.UnsupportedProtocol):
            return self._failed(url, "redirected to a URL that is not http or https")
        if isinstance(exc, httpx.ConnectError):
            return self._failed(url, f"connection failed ({exc})")
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
        with _Deadline(self.deadline) as deadline:
            return self._poll_within(url, headers, deadline)

    def _poll_within(self, url: str, headers: dict[str, str], deadline: _Deadline) -> Polled:
        try:
            with self._client.stream("GET", url, headers=headers,
                                     extensions={"trace": deadline.trace}) as response:
                return self._read_polled(response, url, deadline)
        except httpx.TimeoutException:
            return Polled(url, 0, error=f"timeout after {self.timeout:g}s")
        except httpx.TooManyRedirects:
            return Polled(url, 0, error="too many redirects")
        except httpx.ConnectError as exc:
            return Polled(url, 0, error=f"connection failed ({exc})")
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return Polled(url, 0, error=f"{type(exc).__name__}: {exc}")

    def _read_polled(self, response: httpx.Response, url: str, deadline: _Deadline) -> Polled:
        status = response.status_code
        head = response.headers
        validators = {"etag": head.get("etag"), "last_modified": head.get("last-modified")}
        if status == 304:
            return Polled(str(response.url), status, **validators)
        if not 200 <= status < 300:
            phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
            return Polled(str(response.url), status, error=f"HTTP {status}{phrase}",
                          retry_after=retry_after_seconds(head.get("retry-after")))
        read = self._read(response, url, deadline)
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

    def _read(self, response: httpx.Response, url: str, deadline: _Deadline
              ) -> FetchResult | SourceProblem:
        if not 200 <= response.status_code < 300:
            phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
            return self._failed(url, f"HTTP {response.status_code}{phrase}")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return SourceProblem(origin=url, reason=too_large(self.max_bytes, int(declared)))
        encodings = content_encodings(response.headers.get("content-encoding", ""))
        if isinstance(encodings, str):
            return SourceProblem(origin=url, reason=encodings)
        if response.is_stream_consumed:  # a response built in memory (tests): already decoded
            chunks, encodings = iter([response.content]), []
        else:
            chunks = response.iter_raw()
        # Innermost layer last; each may give at most max_bytes (+1, to tell it was more).
        layers = [Inflater(e, self.max_bytes + 1) for e in reversed(encodings)]
        body = bytearray()
        try:
            for chunk in chunks:
                for layer in layers:
                    chunk = layer.feed(chunk)
                body += chunk
                if len(body) > self.max_bytes:
                    return SourceProblem(
                        origin=url, reason=f"{too_large(self.max_bytes)} (download cut off)"
                    )
                if deadline.passed():
                    return self._over_time(url)
            for i, layer in enumerate(layers):  # the rest of each layer, through the next ones
                tail = layer.finish()
                for later in layers[i + 1:]:
                    tail = later.feed(tail)
                body += tail
        except DecompressedTooLarge:
            return SourceProblem(
                origin=url, reason=f"{too_large(self.max_bytes)} once decompressed "
                                   "(download cut off; a decompression bomb?)")
        except zlib.error as exc:
            return self._failed(url, f"could not decode {', '.join(encodings)} content: {exc}")
        if len(body) > self.max_bytes:
            return SourceProblem(origin=url, reason=f"{too_large(self.max_bytes)} (download cut off)")
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
