"""The prefilter on a page's raw bytes, in one pass: is this page worth parsing at all?

At archive scale a page costs far more to parse (HTML to main text) than to read, and most
pages cannot report a change of party. :func:`is_candidate_bytes` looks at the undecoded
bytes of a page (HTML in UTF-8 or any ASCII-compatible encoding) for the three kinds of word
the text prefilter needs (:mod:`floorcross.prefilter`): an office, a trigger and a party word.
A page without all three cannot hold an article that passes the text prefilter, so it is
passed over before any parsing.

How it runs: the page is lower-cased once (``bytes.lower``, ASCII only), the contents of
``<script>`` and ``<style>`` elements and of comments are left out (no main-text extractor
reads text there; JSON-LD scripts are kept, since titles and dates come from them), and
every word of the vocabulary is looked for in a single pass: a Hyperscan database of one
pattern per word (its edges ``\\b``, caseless unless the word is cased; about 0.13 ms for a
70 KB page), else one Aho-Corasick automaton over the lower-cased text (pyahocorasick, about
0.43 ms), else a regular expression per kind on bytes. Each hit is checked for its word edges
(``[A-Za-z0-9_]`` on either side, as the text prefilter's ``\\w`` on ASCII text) and, for
acronyms (``MP``) and local group heads (``First``), its own case; the scan stops as soon as
all three kinds are seen. ``tests/test_bytescan.py`` holds the engines to the same answers.

The vocabulary is data, ``floorcross/data/bytescan.yaml``, written from the prefilter's own
factors (``python -m floorcross.bytescan --write``); ``tests/test_bytescan.py`` holds it to
covering every factor the rules give, so it rejects no page the text prefilter would pass.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from floorcross.resources import load_yaml

VOCABULARY_FILE = "bytescan.yaml"
KINDS = ("offices", "triggers", "parties")
_ALL = (1 << len(KINDS)) - 1
_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
# What starts a region no extractor reads text from (scripts, styles, comments), or one whose
# contents are text even when they look like a tag (titles, text areas).
_OPENING = re.compile(rb"<(?:script|style|title|textarea)(?=[\s>/])|<!--")
_CLOSING = {b"<script": b"</script", b"<style": b"</style", b"<title": b"</title",
            b"<textarea": b"</textarea"}
_LOOK_BACK = 4096  # bytes looked at to tell whether an opening is inside another tag


@dataclass(frozen=True)
class Word:
    """One vocabulary entry: ``^word$`` in the data file (``^``: starts a word, ``$``: ends
    one); a word with capitals is matched only in that case."""

    text: str
    start: bool
    end: bool

    @property
    def cased(self) -> bool:
        return self.text != self.text.lower()

    @classmethod
    def parse(cls, entry: str) -> Word:
        start, end = entry.startswith("^"), entry.endswith("$") and len(entry) > 1
        text = entry[1 if start else 0: -1 if end else None]
        if not text or not text.isascii():
            raise ValueError(f"{VOCABULARY_FILE}: not an ASCII word: {entry!r}")
        return cls(text, start, end)

    def entry(self) -> str:
        return f"{'^' if self.start else ''}{self.text}{'$' if self.end else ''}"


@cache
def vocabulary() -> dict[str, tuple[Word, ...]]:
    """The words of each kind (``offices``, ``triggers``, ``parties``), from the data file."""
    data = load_yaml(VOCABULARY_FILE)
    return {kind: tuple(Word.parse(str(e)) for e in data[kind]) for kind in KINDS}


def derived_vocabulary() -> dict[str, list[Word]]:
    """The words the prefilter reads out of the rules now (what the data file is written
    from, and must cover)."""
    from floorcross.prefilter import office_factors, party_factors, trigger_factors

    out: dict[str, list[Word]] = {}
    for kind, factors in zip(KINDS, (office_factors(), trigger_factors(), party_factors()),
                             strict=True):
        words = {Word(f.text if f.cased else f.text.lower(), f.start, f.end) for f in factors}
        out[kind] = sorted(words, key=lambda w: (w.text.lower(), w.text, w.start, w.end))
    return out


def render_vocabulary(words: dict[str, list[Word]]) -> str:
    """The data file's text for ``words``."""
    lines = [
        "# The byte-level prefilter's vocabulary (floorcross.bytescan): the words a page's raw",
        "# bytes must hold, one of each kind, to be parsed at all.",
        "#",
        "# Written from the prefilter's factors, which are read out of triggers.yaml, titles.yaml,",
        "# lexicon.yaml and parties.yaml: regenerate with",
        "#     python -m floorcross.bytescan --write",
        "# tests/test_bytescan.py fails when a rule needs a word that is missing here.",
        "# ^ : the word starts a word; $ : it ends one; capitals: matched in that case only.",
    ]
    for kind in KINDS:
        lines.append(f"{kind}:")
        lines += [f'  - "{w.entry()}"' for w in words[kind]]
    return "\n".join(lines) + "\n"


class ByteScan:
    """The compiled scan (build once with :func:`byte_scan`; safe to share in a process)."""

    def __init__(self, words: dict[str, Sequence[Word]]) -> None:
        by_text: dict[str, list[tuple[int, bool, bool, str | None]]] = {}
        for bit, kind in enumerate(KINDS):
            for w in words[kind]:
                by_text.setdefault(w.text.lower(), []).append(
                    (1 << bit, w.start, w.end, w.text if w.cased else None))
        self._entries = {t: (len(t), tuple(es)) for t, es in by_text.items()}
        self._automaton: Any = None
        self._hyperscan: Any = _hyperscan_database(words)
        self._regexes: list[Any] = []
        if self._hyperscan is not None:
            return
        try:
            import ahocorasick
        except ImportError:
            self._regexes = _regex_scans(words)
        else:
            automaton = ahocorasick.Automaton()
            for text, value in self._entries.items():
                automaton.add_word(text, value)
            automaton.make_automaton()
            self._automaton = automaton

    @property
    def engine(self) -> str:
        if self._hyperscan is not None:
            return "hyperscan"
        return "aho-corasick" if self._automaton is not None else "regex"

    def kinds(self, data: bytes) -> int:
        """A bit per kind of word found in ``data`` (bit 0: office, 1: trigger, 2: party)."""
        folded_bytes = data.lower()
        spans = text_spans(folded_bytes)
        if self._hyperscan is not None:
            return self._hyperscan_kinds(b"".join(data[s:e] for s, e in spans))
        if self._automaton is None:
            return self._regex_kinds(data, folded_bytes, spans)
        folded = b"".join(folded_bytes[s:e] for s, e in spans).decode("latin-1")
        original: str | None = None
        n, found = len(folded), 0
        for end, (length, entries) in self._automaton.iter(folded):
            pos = end - length + 1
            for bit, start, stop, cased in entries:
                if found & bit:
                    continue
                if start and pos > 0 and folded[pos - 1] in _WORD:
                    continue
                if stop and end + 1 < n and folded[end + 1] in _WORD:
                    continue
                if cased is not None:
                    if original is None:
                        original = b"".join(data[s:e] for s, e in spans).decode("latin-1")
                    if original[pos:end + 1] != cased:
                        continue
                found |= bit
                if found == _ALL:
                    return found
        return found

    def _hyperscan_kinds(self, text: bytes) -> int:
        """:meth:`kinds` with Hyperscan: every word one pattern (its edges ``\\b``, case
        folded by the engine unless the word is cased), the scan stopped once all kinds
        are seen."""
        found = 0

        def hit(kind: int, _start: int, _end: int, _flags: int, _context: object) -> bool:
            nonlocal found
            found |= 1 << kind
            return found == _ALL  # True stops the scan

        try:
            self._hyperscan.scan(text, match_event_handler=hit)
        except Exception as exc:
            if found != _ALL:
                raise RuntimeError(f"hyperscan scan failed: {exc}") from exc
        return found

    def _regex_kinds(self, data: bytes, folded: bytes, spans: list[tuple[int, int]]) -> int:
        """:meth:`kinds` with a compiled regex per kind (the prefilter's alternations on
        bytes), tried in turn: when pyahocorasick is not installed."""
        folded = b"".join(folded[s:e] for s, e in spans)
        original = b"".join(data[s:e] for s, e in spans)
        found = 0
        for bit, scan in enumerate(self._regexes):
            if not scan.search(original, folded):
                break
            found |= 1 << bit
        return found

    def passes(self, data: bytes) -> bool:
        """True when ``data`` holds an office, a trigger and a party word (see the module);
        pages in UTF-16/32, which a byte scan cannot read, always pass."""
        head = data[:4096]
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
            return True
        return self.kinds(data) == _ALL


def _hyperscan_database(words: dict[str, Sequence[Word]]) -> Any:
    """A Hyperscan database of the vocabulary (the match id is the kind's bit number), or
    None where Hyperscan is not installed or cannot run here."""
    try:
        import hyperscan
    except ImportError:
        return None
    expressions, ids, flags = [], [], []
    for bit, kind in enumerate(KINDS):
        for w in words[kind]:
            pattern = re.escape(w.text).encode("ascii")
            expressions.append((rb"\b" if w.start else b"") + pattern + (rb"\b" if w.end else b""))
            ids.append(bit)
            flags.append(hyperscan.HS_FLAG_SINGLEMATCH
                         | (0 if w.cased else hyperscan.HS_FLAG_CASELESS))
    key = hashlib.sha256(repr((hyperscan.__version__, expressions, ids, flags)).encode()).hexdigest()
    cached = _cached_database(hyperscan, key)
    if cached is not None:
        return cached
    try:
        database = hyperscan.Database()
        database.compile(expressions=expressions, ids=ids, elements=len(expressions),
                         flags=flags)
    except Exception:  # noqa: BLE001 - e.g. a CPU it does not support: the next engine
        return None
    _store_database(hyperscan, key, database)
    return database


# A compiled database is kept in the cache folder (about 0.2 s to compile, 0.1 ms to load),
# named by a hash of the patterns and the Hyperscan version, its bytes checked by their own
# hash before Hyperscan reads them: a file changed or cut short is compiled again.
_HS_MAGIC = b"floorcross-hsdb-1\n"


def _cache_file(key: str) -> Path | None:
    from floorcross.resources import cache_dir

    folder = cache_dir()
    return None if folder is None else folder / f"bytescan-{key[:24]}.hsdb"


def _cached_database(hyperscan: Any, key: str) -> Any:
    path = _cache_file(key)
    try:
        data = path.read_bytes() if path is not None else b""
    except OSError:
        return None
    head = len(_HS_MAGIC) + 64
    if not data.startswith(_HS_MAGIC) or len(data) <= head:
        return None
    digest, body = data[len(_HS_MAGIC):head].decode("ascii", "replace"), data[head:]
    if hashlib.sha256(body).hexdigest() != digest:
        return None
    try:
        database = hyperscan.loadb(body, hyperscan.HS_MODE_BLOCK)
        database.scratch = hyperscan.Scratch(database)
    except Exception:  # noqa: BLE001 - unreadable: compile it again
        return None
    return database


def _store_database(hyperscan: Any, key: str, database: Any) -> None:
    path = _cache_file(key)
    if path is None:
        return
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        body = hyperscan.dumpb(database)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(_HS_MAGIC + hashlib.sha256(body).hexdigest().encode("ascii") + body)
        os.replace(partial, path)
    except Exception:  # noqa: BLE001 - a read-only or full disk: compile next time too
        with contextlib.suppress(OSError):
            partial.unlink()


def _regex_scans(words: dict[str, Sequence[Word]]) -> list[Any]:
    from floorcross.prefilter import Factor, _Scan

    return [_Scan.build([Factor(w.text, w.start, w.end, w.cased) for w in words[kind]],
                        raw=True) for kind in KINDS]


def text_spans(folded: bytes) -> list[tuple[int, int]]:
    """The parts of a lower-cased page a main-text extractor can take text from: all of it
    but the contents of ``<script>`` (other than JSON-LD) and ``<style>`` elements and of
    comments. When in doubt (an opening inside another tag, an element never closed) the
    bytes are kept, so the scan can only see more than the extractor, never less."""
    spans: list[tuple[int, int]] = []
    i = 0
    while (m := _OPENING.search(folded, i)) is not None:
        at, tag = m.start(), m.group()
        back = max(i, at - _LOOK_BACK)
        if folded.rfind(b"<", back, at) > folded.rfind(b">", back, at):
            spans.append((i, m.end()))  # inside a tag (an attribute value): not an element
            i = m.end()
            continue
        if tag == b"<!--":
            close = folded.find(b"-->", m.end())
            if close < 0:
                break
            spans.append((i, at))
            i = close + 3
            continue
        gt = folded.find(b">", m.end())
        closing = folded.find(_CLOSING[tag], gt) if gt >= 0 else -1
        if closing < 0:
            break
        if tag in (b"<title", b"<textarea") or b"ld+json" in folded[m.end():gt]:
            spans.append((i, closing))  # read as text by extractors: kept
        else:
            spans.append((i, at))
        i = closing
    spans.append((i, len(folded)))
    return spans


@cache
def byte_scan() -> ByteScan:
    """The scan built from the data file (once per process)."""
    return ByteScan(vocabulary())


def is_candidate_bytes(data: bytes) -> bool:
    """True unless the raw bytes of a page show it cannot hold a relevant article."""
    return byte_scan().passes(data)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["--write"]:
        print("usage: python -m floorcross.bytescan --write   (rewrite data/bytescan.yaml "
              "from the rules)", file=sys.stderr)
        return 2
    path = Path(__file__).resolve().parent / "data" / VOCABULARY_FILE
    path.write_text(render_vocabulary(derived_vocabulary()), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
