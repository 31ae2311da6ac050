"""Raw HTTP responses as archived in WARC records: status line, headers, decoded body."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

_STATUS_LINE = re.compile(rb"^HTTP/\d(?:\.\d)?\s+(\d{3})")


@dataclass(frozen=True)
class HttpResponse:
    """A parsed HTTP response; ``headers`` has lower-case names (the last value wins)."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        """Return the Content-Type without parameters, lower case ("text/html")."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def decoded_body(self) -> bytes | str:
        """Return the body with chunking and gzip/deflate removed, or a reason it cannot be."""
        body = self.body
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            body = dechunk(body)
        encoding = self.headers.get("content-encoding", "").strip().lower()
        if encoding in ("", "identity"):
            return body
        if encoding not in ("gzip", "x-gzip", "deflate"):
            return f"unsupported content encoding '{encoding}'"
        try:
            return inflate(body, encoding)
        except zlib.error as exc:
            return f"could not decode {encoding} content: {exc}"


def parse_http_response(block: bytes) -> HttpResponse | None:
    """Return the response in a WARC response block, or None when it is not HTTP."""
    match = _STATUS_LINE.match(block)
    if not match:
        return None
    end = block.find(b"\r\n\r\n")
    separator = 4
    if end < 0:
        end, separator = block.find(b"\n\n"), 2
    if end < 0:
        return None
    headers: dict[str, str] = {}
    for line in block[:end].split(b"\n")[1:]:
        name, colon, value = line.partition(b":")
        if colon:
            headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    return HttpResponse(int(match.group(1)), headers, block[end + separator :])


def dechunk(data: bytes) -> bytes:
    """Return the body of a chunked transfer; ``data`` unchanged if it is not validly chunked."""
    out = bytearray()
    pos = 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            return data
        try:
            size = int(data[pos:eol].split(b";")[0].strip(), 16)
        except ValueError:
            return data
        if size == 0:
            return bytes(out)
        start = eol + 2
        if start + size > len(data):
            return data
        out += data[start : start + size]
        pos = start + size + 2


def inflate(data: bytes, encoding: str) -> bytes:
    """Return gzip- or deflate-compressed ``data`` decompressed (raises ``zlib.error``)."""
    if encoding == "deflate":
        try:
            return zlib.decompress(data)
        except zlib.error:
            return zlib.decompress(data, -zlib.MAX_WBITS)  # raw deflate, as some servers send
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return inflater.decompress(data) + inflater.flush()
