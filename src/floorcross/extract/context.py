"""Everything the rules need to know about one article, computed once.

The context holds the sentences, quoted speech, parties, people, dates and council mentions,
and for each sentence a *masked* copy of its text: party mentions become ``Ƥ`` characters,
people ``Ƿ`` and quoted speech ``·``, all of the same length as what they replace, so trigger
patterns can name a party slot or a person slot and every offset still points into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from floorcross.extract.people import Person, PersonMention
from floorcross.extract.segment import Sentence
from floorcross.normalise.dates import DateMention
from floorcross.normalise.parties import PartyMention

PARTY_CHAR = "Ƥ"
PERSON_CHAR = "Ƿ"
QUOTE_CHAR = "·"


@dataclass
class ArticleContext:
    text: str
    body_start: int
    published: str | None
    sentences: list[Sentence]
    quotes: list[tuple[int, int]]
    parties: list[PartyMention]
    people: list[Person]
    mentions: list[PersonMention]
    dates: list[DateMention]
    masked: dict[int, str] = field(default_factory=dict)
    # Descriptions the rules resolved to a person as the subject of a change ("The Heston East
    # councillor has ..."): person -> spans.
    descriptions: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # Weaker: sentence-opening descriptions taken to mean the person in focus ("The Derwent ward
    # councillor was first elected in 2007"); used for the ward, not for the role.
    references: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # Trigger matches per sentence index, computed once (see triggers.find_atoms).
    atoms: dict[int, list] = field(default_factory=dict)

    def sentence_at(self, offset: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        return None

    def in_quote(self, start: int, end: int | None = None) -> bool:
        end = start + 1 if end is None else end
        return any(qs <= start and end <= qe and self.is_speech(qs, qe) for qs, qe in self.quotes)

    def is_speech(self, qs: int, qe: int) -> bool:
        """Quoted speech, as opposed to a quoted name or phrase ("“Independents for B&NES”")."""
        inner = self.text[qs + 1 : qe - 1].strip()
        words = inner.split()
        if len(words) > 5 or not words:
            return True
        return not all(w[0].isupper() or w.lower() in {"for", "of", "and", "the", "&"} for w in words)

    def spans_of(self, person: int) -> list[tuple[int, int]]:
        """Where the text refers to a person: their mentions and descriptions resolved to them."""
        spans = [(m.span_start, m.end) for m in self.people[person].mentions]
        return sorted(spans + self.descriptions.get(person, []) + self.references.get(person, []))

    def mask(self, sentence: Sentence) -> str:
        """The sentence with parties, people and quoted speech masked (same length)."""
        if sentence.index in self.masked:
            return self.masked[sentence.index]
        chars = list(sentence.text)
        base = sentence.start

        def paint(start: int, end: int, ch: str) -> None:
            for i in range(max(start, base), min(end, sentence.end)):
                chars[i - base] = ch

        for p in self.parties:
            if p.end > base and p.start < sentence.end:
                paint(p.start, p.end, PARTY_CHAR)
        for m in self.mentions:
            if m.end > base and m.span_start < sentence.end:
                paint(m.span_start, m.end, PERSON_CHAR)
        for qs, qe in self.quotes:
            if qe > base and qs < sentence.end and self.is_speech(qs, qe):
                paint(qs + 1, qe - 1, QUOTE_CHAR)
        masked = "".join(chars)
        self.masked[sentence.index] = masked
        return masked

    def party_at(self, start: int, end: int) -> PartyMention | None:
        for p in self.parties:
            if p.start <= start < p.end or start <= p.start < end:
                return p
        return None

    def mention_at(self, offset: int) -> PersonMention | None:
        for m in self.mentions:
            if m.span_start <= offset < m.end:
                return m
        return None

    def mentions_in(self, start: int, end: int) -> list[PersonMention]:
        return [m for m in self.mentions if start <= m.span_start and m.end <= end]

    def dates_in(self, start: int, end: int) -> list[DateMention]:
        return [d for d in self.dates if start <= d.start and d.end <= end]

    @cached_property
    def first_mention(self) -> dict[int, int]:
        """Offset of each person's first mention."""
        first: dict[int, int] = {}
        for m in self.mentions:
            first.setdefault(m.person, m.span_start)
        return first

    def person(self, index: int) -> Person:
        return self.people[index]


def runs_of(masked: str, char: str) -> list[tuple[int, int]]:
    """Spans of consecutive ``char`` in a masked sentence (relative offsets)."""
    return [(m.start(), m.end()) for m in re.finditer(f"{re.escape(char)}+", masked)]
