"""Direct quotations about a change, with their speakers.

A quote's speaker is the person named in its attribution ("Cllr Akhtar said:", "..., he
added", "said Mr Lock"); a pronoun takes the last person named before the quote; a paragraph
that continues a quote keeps the previous speaker; "a Labour spokesperson" is an unnamed speaker
(``None``). An event gets its person's own words first, then reactions that name them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from floorcross.extract.context import ArticleContext
from floorcross.records import Event, Quote
from floorcross.resources import lexicon

_MAX_QUOTES = 6


@dataclass
class _Said:
    start: int
    end: int
    speaker: int | None  # person index, or None for an unnamed speaker
    named: bool


def _verbs() -> str:
    return "|".join(re.escape(v) for v in lexicon()["reporting_verbs"])


def _speaker_near(ctx: ArticleContext, qs: int, qe: int, previous: _Said | None) -> tuple[int | None, bool]:
    sentence = ctx.sentence_at(qs)
    para_start = ctx.text.rfind("\n", 0, qs) + 1
    before = ctx.text[max(para_start, qs - 160) : qs]
    after = ctx.text[qe : qe + 80]
    verbs = _verbs()
    # Attribution after the quote: ", Cllr Hai said." / "said Mr Lock".
    if re.match(rf"\s*[,.]?\s*(?:(?:he|she|they)\s+(?:{verbs})|(?:{verbs})\s+(?:he|she))\b", after, re.IGNORECASE):
        return _last_person_before(ctx, qs), True
    named_after = re.match(rf"\s*[,.]?\s*(?:(?:{verbs})\s+)?", after)
    if named_after:
        mention = ctx.mention_at(qe + named_after.end())
        if mention and re.search(rf"(?:{verbs})", after[: named_after.end() + 60], re.IGNORECASE):
            return mention.person, True
    # Attribution before: "Cllr Akhtar said:", "He added:".
    if re.search(rf"\b(?:he|she|they)\s+(?:\w+\s+)?(?:{verbs})\b[^.]*$", before, re.IGNORECASE):
        return _last_person_before(ctx, qs), True
    if re.search(r"\bspokes(?:man|woman|person)\b|\bsource\b|\bstatement\b", before, re.IGNORECASE) and not ctx.mentions_in(qs - len(before), qs):
        return None, True
    people = [m for m in ctx.mentions_in(qs - len(before), qs) if not ctx.in_quote(m.span_start)]
    if people and re.search(rf"(?:{verbs})", before, re.IGNORECASE):
        return people[-1].person, True
    if previous is not None and sentence is not None and (before.strip() == "" or before.strip() in {"“", '"'}):
        return previous.speaker, previous.named
    return _last_person_before(ctx, qs), False


def _last_person_before(ctx: ArticleContext, offset: int) -> int | None:
    prior = [m for m in ctx.mentions if m.end <= offset and not ctx.in_quote(m.span_start)]
    return prior[-1].person if prior else None


def find_quotes(ctx: ArticleContext) -> list[_Said]:
    said: list[_Said] = []
    previous: _Said | None = None
    for qs, qe in ctx.quotes:
        inner_start, inner_end = qs + 1, qe - 1 if ctx.text[qe - 1] in "”\"" else qe
        if inner_end - inner_start < 12:
            continue  # scare quotes and short phrases
        speaker, named = _speaker_near(ctx, qs, qe, previous)
        item = _Said(inner_start, inner_end, speaker, named)
        said.append(item)
        previous = item
    return said


def attach_quotes(ctx: ArticleContext, events: list[Event]) -> None:
    """Fill ``quotes`` on each event: the person's own words first, then reactions."""
    said = find_quotes(ctx)
    if not said:
        return
    names = {p.index: p.name for p in ctx.people}
    index_of = {p.name: p.index for p in ctx.people}
    for event in events:
        person = index_of.get(event.person)
        own = [s for s in said if s.speaker == person]
        others = [s for s in said if s.speaker != person and _about(ctx, s, person)]
        quotes: list[Quote] = []
        for s in (own + others)[:_MAX_QUOTES]:
            quotes.append(Quote(
                speaker=names.get(s.speaker) if s.speaker is not None else None,
                text=ctx.text[s.start : s.end], start=s.start, end=s.end))
        event.quotes = quotes


def _about(ctx: ArticleContext, said: _Said, person: int | None) -> bool:
    """A reaction: the quote or its attribution sentence names the person."""
    if person is None:
        return False
    sentence = ctx.sentence_at(said.start)
    lo = sentence.start if sentence else said.start
    return any(m.person == person for m in ctx.mentions_in(lo, said.end))
