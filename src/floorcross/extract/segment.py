"""Split an article into its header, paragraphs, sentences and quoted speech.

Offsets always index the original text, so evidence spans are exact slices of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER_RE = re.compile(r"^ date (\d{4}-\d{2}-\d{2})(?:[ \t]+|\r?\n|$)")

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "cllr", "coun", "clr", "rev", "prof", "no", "co", "ltd",
    "jr", "sr", "snr", "jnr", "gen", "lt", "col", "capt", "sgt", "insp", "supt", "vs", "etc",
    "e.g", "i.e", "a.m", "p.m", "approx", "dept", "est", "inc", "mt", "ft", "rd", "ave", "cllrs",
    "couns", "hon", "govt", "sen", "rep", "fig", "vol", "op", "cf",
}
_BOUNDARY_RE = re.compile(r"[.!?…]+['\"”’)\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
_OPEN_QUOTES = "“"
_CLOSE_QUOTES = "”"


@dataclass(frozen=True)
class Sentence:
    """One sentence: its position in the article and its paragraph."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int


def parse_header(text: str) -> tuple[str | None, int]:
    """The publication date from a leading `` date YYYY-MM-DD`` line, and where the prose starts."""
    match = HEADER_RE.match(text)
    if not match:
        return None, 0
    return match.group(1), match.end()


_PARAGRAPH_RE = re.compile(r"\S(?:[^\r\n]*\S)?")  # a line's text, whitespace trimmed

# Lines of a list after a line ending with a colon ("The councillors are:" then a name a line):
# the bullet or number a line may open with, and the longest line that is still a list line.
LIST_BULLET = re.compile(r"^[\s\-•*·–—]*(?:\d{1,2}[.)]\s*)?")
LIST_LINE_MAX = 140


def paragraphs(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Non-empty lines of the text as ``(start, end)`` spans, whitespace trimmed."""
    return [m.span() for m in _PARAGRAPH_RE.finditer(text, start)]


def _ends_with_abbreviation(chunk: str) -> bool:
    word = re.search(r"([A-Za-z.]+)\.$", chunk)
    if not word:
        return False
    token = word.group(1).lower()
    if token in _ABBREVIATIONS:
        return True
    # A single capital initial ("J. Smith") does not end a sentence.
    return len(token) == 1


def split_sentences(text: str, start: int = 0) -> list[Sentence]:
    """Sentences of every paragraph from ``start`` on, in order."""
    sentences: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs(text, start)):
        paragraph_sentences(sentences, text, p_start, p_end, p_index)
    return sentences


def paragraph_sentences(out: list[Sentence], text: str, p_start: int, p_end: int,
                        p_index: int) -> None:
    """Append the sentences of one paragraph (``text[p_start:p_end]``) to ``out``."""
    para = text[p_start:p_end]
    cursor = 0
    for match in _BOUNDARY_RE.finditer(para):
        cut = match.end()
        if match.group(0).startswith(".") and _ends_with_abbreviation(para[cursor : match.start() + 1]):
            continue
        _add_sentence(out, text, p_start + cursor, p_start + cut, p_index)
        cursor = cut
    _add_sentence(out, text, p_start + cursor, p_end, p_index)


def _add_sentence(out: list[Sentence], text: str, s: int, e: int, paragraph: int) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append(Sentence(len(out), s, e, text[s:e], paragraph))


def quote_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Spans of direct speech (quote marks included).

    Curly and straight double quotes are understood; a quote still open at the end of a
    paragraph closes there (news style opens each paragraph of a long quote afresh). Single
    quotes are left alone: headlines use them for scare quotes and short phrases.
    """
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraphs(text, start):
        paragraph_quotes(spans, text, p_start, p_end)
    return spans


_QUOTE_MARK_RE = re.compile(f'[{_OPEN_QUOTES}{_CLOSE_QUOTES}"]')


def paragraph_quotes(out: list[tuple[int, int]], text: str, p_start: int, p_end: int) -> None:
    """Append the spans of direct speech in one paragraph to ``out`` (see :func:`quote_spans`)."""
    open_at: int | None = None
    for match in _QUOTE_MARK_RE.finditer(text, p_start, p_end):
        i, ch = match.start(), match.group(0)
        if ch in _OPEN_QUOTES and open_at is None:
            open_at = i
        elif ch in _CLOSE_QUOTES and open_at is not None:
            out.append((open_at, i + 1))
            open_at = None
        elif ch == '"':
            if open_at is None:
                open_at = i
            else:
                out.append((open_at, i + 1))
                open_at = None
    if open_at is not None:
        out.append((open_at, p_end))
