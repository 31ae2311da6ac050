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

    def decoded_body(self, limit: int | None = None) -> bytes | str:
        """Return the body with chunking and gzip/deflate removed, or a reason it cannot be.

        Each layer of ``Content-Encoding`` is decompressed to at most ``limit`` bytes: a
        body that would give more is a reason (a gzip bomb never reaches memory).
        """
        body = self.body
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            body = dechunk(body)
        encodings = content_encodings(self.headers.get("content-encoding", ""))
        if isinstance(encodings, str):
            return encodings
        for encoding in reversed(encodings):  # the last one applied is undone first
            try:
                body = inflate(body, encoding, limit)
            except zlib.error as exc:
                return f"could not decode {encoding} content: {exc}"
            except DecompressedTooLarge as exc:
                return str(exc)
        return body


class DecompressedTooLarge(Exception):
    """Compressed content that decompresses to more than the limit."""

    def __init__(self, encoding: str, limit: int, compressed: int) -> None:
        from floorcross.sources.common import fmt_size

        super().__init__(
            f"{encoding} content decompresses to more than {fmt_size(limit)} "
            f"(from {fmt_size(compressed)} compressed): skipped (a decompression bomb?)")


DECODABLE = ("gzip", "x-gzip", "deflate")


def content_encodings(header: str) -> list[str] | str:
    """Return the layers of a ``Content-Encoding`` header in the order applied, without
    ``identity``; or the reason when one cannot be decoded."""
    layers = [e.strip().lower() for e in header.split(",") if e.strip()]
    layers = [e for e in layers if e != "identity"]
    for encoding in layers:
        if encoding not in DECODABLE:
            return f"unsupported content encoding '{encoding}'"
    return layers


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


def inflate(data: bytes, encoding: str, limit: int | None = None) -> bytes:
    """Return gzip- or deflate-compressed ``data`` decompressed (raises ``zlib.error``, and
    :class:`DecompressedTooLarge` past ``limit`` bytes, having held at most that many)."""
    inflater = Inflater(encoding, limit)
    return inflater.feed(data) + inflater.finish()


class Inflater:
    """Decompresses gzip (every member) or deflate (zlib-wrapped or raw) a piece at a time,
    never giving, nor holding, more than ``limit`` bytes in all."""

    def __init__(self, encoding: str, limit: int | None = None) -> None:
        self.encoding = encoding
        self.limit = limit
        self.given = 0
        self.compressed = 0
        self._gzip = encoding != "deflate"
        self._obj: zlib._Decompress | None = _gzip_obj() if self._gzip else None
        self._pending = b""  # deflate: the first bytes, until they tell zlib from raw

    def feed(self, data: bytes) -> bytes:
        """Return what ``data`` decompresses to (raises past the limit)."""
        self.compressed += len(data)
        if self._obj is None:
            data = self._pending + data
            if len(data) < 2:
                self._pending = data
                return b""
            self._pending = b""
            wrapped = (data[0] & 0x0F) == 8 and (data[0] * 256 + data[1]) % 31 == 0
            self._obj = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        obj = self._obj
        out = bytearray()
        while data:
            room = 0 if self.limit is None else self.limit - self.given - len(out) + 1
            out += obj.decompress(data, room)
            self._check(len(out))
            data = obj.unconsumed_tail
            if obj.eof:
                rest = obj.unused_data
                if not (self._gzip and rest.lstrip(b"\x00")):
                    break
                obj = self._obj = _gzip_obj()  # a further gzip member
                data = rest
        self.given += len(out)
        return bytes(out)

    def finish(self) -> bytes:
        """Return the last bytes (a stream cut short gives what it had, as browsers do)."""
        if self._obj is None:
            tail = zlib.decompressobj(-zlib.MAX_WBITS).decompress(self._pending)
        else:
            tail = self._obj.flush()
        self._check(len(tail))
        self.given += len(tail)
        return tail

    def _check(self, more: int) -> None:
        if self.limit is not None and self.given + more > self.limit:
            raise DecompressedTooLarge(self.encoding, self.limit, self.compressed)


def _gzip_obj() -> zlib._Decompress:
    return zlib.decompressobj(16 + zlib.MAX_WBITS)
