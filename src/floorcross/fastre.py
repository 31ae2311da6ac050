"""Alternations that Python's regex engine can scan quickly.

A pattern that opens with a set of literal characters lets the engine skip to the next place
one of them occurs; one that opens with a look-behind or a word edge (``(?<!\\w)defect``) is
tried in full at every character. :func:`by_first_char` writes an alternation the fast way:
the alternatives grouped by their first character, that character as a literal, and the word
edge before it checked only after it (``d(?<!\\wd)(?:efect|itch)``). Within a group the
alternatives keep their order, so the engine prefers the same one as in the plain
alternation, and the matches are the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def by_first_char(alternatives: Iterable[tuple[str, str]], edge: str | None = None,
                  after: str = "") -> str:
    """``(first, rest)`` pairs (a literal first character and the regex that follows it), in
    order of preference, as one alternation; ``edge``, a character class such as ``\\w``:
    none of it may come right before the first character; ``after``: a regex each group ends
    with (kept inside every group, where the engine still sees a literal first)."""
    groups: dict[str, list[str]] = {}
    for first, rest in alternatives:
        groups.setdefault(first, []).append(rest)
    parts = []
    for first, rests in groups.items():
        lead = re.escape(first)
        before = f"(?<!{edge}{lead})" if edge else ""
        parts.append(f"{lead}{before}(?:{'|'.join(rests)}){after}")
    return "|".join(parts)
