"""Alternations written for a fast scan find what the plain alternations find."""

from __future__ import annotations

import re

from floorcross.fastre import by_first_char

WORDS = ["defect", "defected", "deselect", "ditch", "quit", "quits", "join", "rejoin", "set\\s+up"]
TEXTS = ["He defected and quit", "self-defected", "undefected", "rejoined; joined", "ditched",
         "They set  up a group", "QUIT", "quitsdefect", "d", "", "de-select deselect"]


def _plain(edge: str | None) -> re.Pattern[str]:
    before = f"(?<!{edge})" if edge else ""
    return re.compile(rf"{before}(?:{'|'.join(WORDS)})(?!\w)")


def _fast(edge: str | None) -> re.Pattern[str]:
    return re.compile(by_first_char(((w[0], w[1:]) for w in WORDS), edge, r"(?!\w)"))


def test_same_matches_as_the_plain_alternation_with_and_without_a_word_edge() -> None:
    for edge in (None, r"[\w-]"):
        for text in TEXTS:
            assert [m.span() for m in _fast(edge).finditer(text)] == \
                [m.span() for m in _plain(edge).finditer(text)], (edge, text)
    assert [m.group(0) for m in _fast(r"[\w-]").finditer(TEXTS[0])] == ["defected", "quit"]


def test_the_pattern_opens_with_a_set_of_literal_characters() -> None:
    from re import _compiler, _parser  # type: ignore[attr-defined]

    charset = _compiler._get_charset_prefix(_parser.parse(_fast(r"\w").pattern), 0)
    assert sorted(chr(c) for _, c in charset) == ["d", "j", "q", "r", "s"]
    assert _compiler._get_charset_prefix(_parser.parse(_plain(r"\w").pattern), 0) is None
