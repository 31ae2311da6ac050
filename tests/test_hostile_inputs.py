"""Bad input that cannot hurt: each case is built here, run through the real CLI in a process
of its own, and must end with one clear line naming the input, exit status 1, the good inputs
of the same run written, in bounded time and memory.

The cases: a FIFO and a socket in a folder (which used to hang the run), a file name that is not
UTF-8 (which used to end it with ``UnicodeEncodeError``), servers on 127.0.0.1 that trickle
their headers or body a byte at a time (which held the run 90 s per URL), gzip bombs in a WARC
record, an HTTP ``Content-Encoding`` and a ``.jsonl.gz`` (2.2 GB of memory), and an HTML page of
a million tiny tags (42 s, 850 MB). The time bounds are generous safety nets; the real limits
are ``--fetch-timeout`` and the caps in ``floorcross.sources``.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

CLI = [sys.executable, "-c", "from floorcross.cli import main; main()"]
MAX_MEMORY = 1 << 30  # bytes of resident memory the process may reach, at most
GOOD_TEXT = ("Village fete raises money for the school roof\n\nThe summer fete on the green "
             "raised 900 pounds for the school roof, organisers said on Sunday.\n")
GOOD_HTML = ("<html><head><title>Fete raises money</title></head><body><article>"
             "<h1>Fete raises money</h1>"
             + "".join(f"<p>{GOOD_TEXT.splitlines()[2]} Paragraph {i} of the report.</p>"
                       for i in range(6))
             + "</article></body></html>").encode()
# 10 MB of zeros compress to about 10 KB; a hundred such gzip members in a row are one valid
# gzip stream of 1 GB.
ZEROS_MEMBER = gzip.compress(b"\0" * 10_000_000, 9)
GIGABYTE_BOMB = ZEROS_MEMBER * 100


@dataclass
class Run:
    status: int
    stderr: str
    seconds: float
    max_rss: int  # bytes

    def lines_naming(self, text: str) -> list[str]:
        return [line for line in self.stderr.splitlines() if text in line]


def run_cli(*args: str | Path, cwd: Path) -> Run:
    """Run the CLI in a child process; its own peak memory comes from ``wait4``."""
    err = cwd / "stderr.txt"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}
    start = time.monotonic()
    with err.open("wb") as fh:
        child = subprocess.Popen([*CLI, *map(str, args)], cwd=cwd, stdout=subprocess.DEVNULL,
                                 stderr=fh, stdin=subprocess.DEVNULL, env=env)
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            child.returncode = 0  # reaped by wait4; nothing for Popen to wait for
    seconds = time.monotonic() - start
    stderr = err.read_text("utf-8")
    assert "Traceback" not in stderr, stderr
    return Run(os.waitstatus_to_exitcode(status), stderr, seconds, usage.ru_maxrss * 1024)


def assert_bounded(run: Run, seconds: float) -> None:
    assert run.seconds < seconds, f"took {run.seconds:.1f}s"
    assert run.max_rss < MAX_MEMORY, f"reached {run.max_rss / 2**20:.0f} MiB"


def records(path: Path) -> dict[str, dict]:
    return {r["doc"]: r for r in map(json.loads, path.read_text("utf-8").splitlines())}


def stored_origins(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT origin FROM article_urls")}


# ------------------------------------------------------------------------------ files


@pytest.fixture
def folder_with_a_fifo_and_a_socket(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT)
    os.mkfifo(folder / "pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "sock.txt"))
    try:
        yield folder
    finally:
        server.close()


@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_a_fifo_or_socket_is_skipped_not_waited_on(folder_with_a_fifo_and_a_socket: Path,
                                                   command: str) -> None:
    folder = folder_with_a_fifo_and_a_socket
    cwd = folder.parent
    if command == "extract":
        run = run_cli("extract", folder, "-o", "out.jsonl", cwd=cwd)
    else:
        run = run_cli("ingest", folder, "--db", "x.db", "--workers", "1", cwd=cwd)
    assert run.status == 1
    assert run.lines_naming("pipe.txt") == [
        f"floorcross: {folder}/pipe.txt: not a regular file (FIFO): skipped"]
    assert run.lines_naming("sock.txt") == [
        f"floorcross: {folder}/sock.txt: not a regular file (socket): skipped"]
    if command == "extract":
        assert set(records(cwd / "out.jsonl")) == {"good"}
    else:
        assert stored_origins(cwd / "x.db") == {f"{folder}/good.txt"}
    assert_bounded(run, 30)


@pytest.mark.parametrize("command", ["extract", "ingest"])
def test_a_file_name_that_is_not_utf8_is_shown_and_stored_escaped(tmp_path: Path,
                                                                  command: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT)
    bad_name = os.fsencode(folder) + b"/caf\xe9.txt"
    with open(bad_name, "wb") as fh:  # a story, under a Latin-1 name
        fh.write(GOOD_TEXT.replace("fete", "fair").encode())
    with open(os.fsencode(folder) + b"/x\xff.html", "wb") as fh:  # and a page with no text
        fh.write(b"<html><body></body></html>")
    if command == "extract":
        run = run_cli("extract", folder, "-o", "out.jsonl", cwd=tmp_path)
        assert set(records(tmp_path / "out.jsonl")) == {"good", "caf\\xe9"}
    else:
        run = run_cli("ingest", folder, "--db", "x.db", "--workers", "1", cwd=tmp_path)
        assert stored_origins(tmp_path / "x.db") == {f"{folder}/good.txt",
                                                      f"{folder}/caf\\xe9.txt"}
    assert run.status == 1  # the empty page
    assert run.lines_naming("x\\xff.html") == [
        f"floorcross: {folder}/x\\xff.html: no main text found in HTML"]
    assert_bounded(run, 30)


def test_an_html_page_of_a_million_tags_is_skipped_unparsed(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD_TEXT)
    (tmp_path / "tags.html").write_bytes(b"<html><body>" + b"<b>" * 1_000_000 + b"</body></html>")
    run = run_cli("extract", "good.txt", "tags.html", "-o", "out.jsonl", cwd=tmp_path)
    assert run.status == 1
    assert run.lines_naming("tags.html") == [(
        "floorcross: tags.html: HTML has 1,000,004 tags (more than 50,000): not parsed, as it "
        "would take too long and too much memory")]
    assert set(records(tmp_path / "out.jsonl")) == {"good"}
    assert_bounded(run, 20)


def warc_record(uri: str, http_block: bytes) -> bytes:
    """One WARC response record, as its own gzip member."""
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Date: 2024-06-11T07:00:00Z\r\nWARC-Record-ID: <urn:uuid:{abs(hash(uri))}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http_block)}\r\n\r\n").encode()
    return gzip.compress(head + http_block + b"\r\n\r\n", 1)


def http_block(body: bytes, *headers: str) -> bytes:
    lines = ["HTTP/1.1 200 OK", "Content-Type: text/html; charset=utf-8", *headers,
             f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def big_zeros_record(uri: str, size: int) -> bytes:
    """A WARC record whose (uncompressed) HTTP body is ``size`` zero bytes, compressed as it
    is made, so the test never holds it."""
    head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {size}\r\n"
            "\r\n").encode()
    warc = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Record-ID: <urn:uuid:zeros>\r\nContent-Type: application/http; "
            f"msgtype=response\r\nContent-Length: {len(head) + size}\r\n\r\n").encode()
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    out = [packer.compress(warc + head)]
    chunk = b"\0" * (1 << 22)
    for _ in range(size // len(chunk)):
        out.append(packer.compress(chunk))
    out.append(packer.compress(b"\0" * (size % len(chunk)) + b"\r\n\r\n"))
    out.append(packer.flush())
    return b"".join(out)


def test_gzip_bombs_in_a_warc_record_are_cut_off(tmp_path: Path) -> None:
    archive = tmp_path / "crawl.warc.gz"
    bomb = warc_record("https://bomb.example/a", http_block(GIGABYTE_BOMB,
                                                            "Content-Encoding: gzip"))
    zeros = big_zeros_record("https://zeros.example/b", 200_000_000)
    good = warc_record("https://good.example/fete", http_block(GOOD_HTML))
    archive.write_bytes(bomb + zeros + good)
    run = run_cli("extract", archive, "-o", "out.jsonl", cwd=tmp_path)
    assert run.status == 1
    [line] = run.lines_naming(f"{archive}@0:")
    assert line.startswith(f"floorcross: {archive}@0: gzip content decompresses to more than "
                           "5 MB (from ")
    assert line.endswith(" compressed): skipped (a decompression bomb?)")
    assert run.lines_naming(f"{archive}@{len(bomb)}:") == [
        f"floorcross: {archive}@{len(bomb)}: larger than 5 MB (200 MB)"]
    assert set(records(tmp_path / "out.jsonl")) == {"good.example_fete"}
    assert_bounded(run, 30)


def test_a_gzip_bomb_in_jsonl_gz_stops_with_one_line(tmp_path: Path) -> None:
    good = json.dumps({"id": "good", "text": GOOD_TEXT}).encode() + b"\n"
    (tmp_path / "export.jsonl.gz").write_bytes(gzip.compress(good) + GIGABYTE_BOMB)
    run = run_cli("extract", "export.jsonl.gz", "-o", "out.jsonl", cwd=tmp_path)
    assert run.status == 1
    [line] = run.lines_naming("export.jsonl.gz")
    assert line.startswith("floorcross: export.jsonl.gz: after line 1: decompressed data over "
                           "100 times the compressed size")
    assert line.endswith("not read further (a gzip bomb?)")
    assert set(records(tmp_path / "out.jsonl")) == {"good"}
    assert_bounded(run, 30)


# ------------------------------------------------------------------------------ servers


class Hostile(BaseHTTPRequestHandler):
    """``/good`` a page; ``/slow-body`` and ``/slow-head`` a byte every 0.2 s for a minute;
    ``/bomb`` 1 GB of zeros as gzip ``Content-Encoding``, twice over (``gzip, gzip``)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def trickle(self, data: bytes) -> None:
        for i in range(len(data)):
            self.wfile.write(data[i:i + 1])
            self.wfile.flush()
            time.sleep(0.2)

    def do_GET(self) -> None:
        try:
            if self.path == "/good":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(GOOD_HTML)))
                self.end_headers()
                self.wfile.write(GOOD_HTML)
            elif self.path == "/slow-head":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                self.trickle(b"X-Padding: " + b"x" * 300)
            elif self.path == "/slow-body":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "300")
                self.end_headers()
                self.trickle(b"<p>" + b"x" * 297)
            elif self.path == "/bomb":
                body = gzip.compress(GIGABYTE_BOMB)
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Encoding", "gzip, gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        except OSError:
            pass  # the client gave up, as it should


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_servers_that_trickle_bytes_hit_the_fetch_deadline(server: str, tmp_path: Path) -> None:
    run = run_cli("extract", f"{server}/slow-head", f"{server}/slow-body", f"{server}/good",
                  "--fetch-timeout", "2", "-o", "out.jsonl", cwd=tmp_path)
    assert run.status == 1
    for path in ("/slow-head", "/slow-body"):
        assert run.lines_naming(path) == [(
            f"floorcross: {server}{path}: could not fetch: no complete response within 2s "
            "(--fetch-timeout)")]
    assert len(records(tmp_path / "out.jsonl")) == 1
    assert_bounded(run, 25)  # two deadlines of 2 s, and the start; each URL alone held 60 s


def test_a_content_encoding_bomb_is_cut_off_while_streaming(server: str, tmp_path: Path) -> None:
    run = run_cli("extract", f"{server}/bomb", f"{server}/good", "-o", "out.jsonl",
                  cwd=tmp_path)
    assert run.status == 1
    assert run.lines_naming("/bomb") == [(
        f"floorcross: {server}/bomb: larger than 5 MB once decompressed (download cut off; a "
        "decompression bomb?)")]
    assert len(records(tmp_path / "out.jsonl")) == 1
    assert_bounded(run, 25)
