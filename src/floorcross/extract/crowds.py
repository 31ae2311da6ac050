"""Groups whose members are named apart from the change: "Six councillors have quit Labour ...
These councillors are A, B, C, D, E and F."

News often tells a group's change with a counted or definite group ("nine councillors", "the
rebels", "they") and names the members elsewhere, in a sentence of its own whose only job is to
say who they are:

- a copula after a group noun: "The councillors are A, B and C", "The other five to quit were:
  A, B ...", "Its members include A and B";
- "among": "Among the councillors to quit was A", "A and B were among those who left";
- the group's leader and joiners: "It is led by Cllr A", "They have been joined by B".

A member list may come in parts, each with its own description ("ex-Liberal Democrat members A
and B with former Independent group members C and D", "A and B (both ECI), together with C and
D, both Independent"): a party the description calls former, or a bracketed "(both X)", is the
party those members left. The openers and joiners are data (``lexicon.yaml``: ``member_lists``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from floorcross.extract.context import PARTY_CHAR, PERSON_CHAR, ArticleContext
from floorcross.extract.segment import LIST_BULLET, LIST_LINE_MAX, Sentence
from floorcross.normalise.parties import PartyMention
from floorcross.resources import lexicon

_W, _P = re.escape(PERSON_CHAR), re.escape(PARTY_CHAR)


@dataclass
class MemberList:
    """Members of a group named in one sentence, each with the party a description gives them."""

    sentence: Sentence
    members: list[int] = field(default_factory=list)
    left: dict[int, PartyMention] = field(default_factory=dict)  # person -> party they left


@cache
def _openers() -> re.Pattern[str]:
    data = lexicon()["member_lists"]
    nouns = "|".join(data["nouns"])
    patterns = [p.replace("{NOUN}", f"(?:{nouns})") for p in data["openers"]]
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@cache
def _closers() -> re.Pattern[str]:
    data = lexicon()["member_lists"]
    return re.compile("|".join(f"(?:{p})" for p in data["closers"]), re.IGNORECASE)


@cache
def _joiner() -> re.Pattern[str]:
    words = "|".join(lexicon()["member_lists"]["joiners"])
    return re.compile(
        rf"\s*(?:\([^()]{{0,40}}\))?\s*(?:,\s*(?:both|all)\s+(?:an?\s+)?{_P}+(?:\s+\w+)?)?\s*,?\s*(?:{words})\s+",
        re.IGNORECASE)


# Words a description of members may hold before their names ("ex-Liberal Democrat group
# members", "Cllrs", "fellow councillor"); a verb or a clause boundary ends it.
_DESCRIPTION = re.compile(
    rf"(?:(?!(?:have|has|had|was|were|is|are|will|would|said|says|over|after|before|because|when|since|"
    rf"following|amid|despite|than)\b)(?:[a-z][\w'’-]*|{_P}+|[A-Z][a-z]+s?\.?|[A-Z][\w'’-]*),?\s+){{0,7}}?(?={_W})")
_FORMER = re.compile(r"\b(?:former|ex|ex-|previously|formerly|erstwhile|one-time|onetime)\b[\s-]*$",
                     re.IGNORECASE)
_BRACKET_PARTY = re.compile(rf"^\s*(?:\(\s*(?:both|all|each)?\s*(?:an?\s+)?({_P}+)[^()]{{0,20}}\)|,\s*(?:both|all)\s+(?:an?\s+)?({_P}+))")


def might_name_members(text: str) -> bool:
    """A cheap test on a raw sentence: could it be a member list (for the NER windows)?"""
    return bool(_openers().search(text))


# Two full names in a row ("Jane Roe, John Doe and ...", "Jane Roe (Ward) and John Doe"): a list.
_NAME_PAIR = re.compile(r"[A-Z][\w'’-]+\s+[A-Z][\w'’-]+(?:\s*\([^()]{0,40}\))?\s*(?:,\s*and|,|and|&)\s+"
                        r"(?:[a-z]+\s+){0,2}[A-Z][\w'’-]+\s+[A-Z]")


@cache
def ellipsis_patterns() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
    """``ellipsis`` of lexicon.yaml: words that repeat the change before them for the people
    after them ("So have B and C") and for those before them ("D followed suit")."""
    data = lexicon()["ellipsis"]
    return (tuple(re.compile(p, re.IGNORECASE) for p in data["after"]),
            tuple(re.compile(p, re.IGNORECASE) for p in data["before"]))


def member_list_sentences(sentences: list[Sentence], body_start: int) -> set[int]:
    """Indexes of the sentences that may name a group's members (for the NER windows)."""
    after, before = ellipsis_patterns()
    wanted = {s.index for s in sentences if s.start >= body_start
              and (might_name_members(s.text) or _NAME_PAIR.search(s.text)
                   or any(r.search(s.text) for r in after + before))}
    for run in list_lines([s for s in sentences if s.start >= body_start]):
        wanted.update(s.index for s in run)
    return wanted


def member_lists(ctx: ArticleContext) -> list[MemberList]:
    """Every member list in the article's body, outside quoted speech."""
    out: list[MemberList] = []
    for sentence in ctx.sentences:
        if sentence.start < ctx.body_start or ctx.in_quote(sentence.start, sentence.end):
            continue
        masked = ctx.mask(sentence)
        if PERSON_CHAR not in masked:
            continue
        found = MemberList(sentence)
        parts = [_list_from(ctx, sentence, masked, m.end()) for m in _openers().finditer(masked)]
        parts += [_list_before(ctx, sentence, masked, m.start()) for m in _closers().finditer(masked)]
        for part in parts:
            for person in part.members:
                if person not in found.members:
                    found.members.append(person)
            found.left.update(part.left)
        if found.members:
            out.append(found)
    out += _line_lists(ctx)
    return out


def counted_lists(ctx: ArticleContext, counts: set[int]) -> list[MemberList]:
    """Lists of exactly as many names as a group the article counts ("nine councillors ...",
    then nine names in a row anywhere): the count says they are the group's members."""
    from floorcross.extract.subjects import _runs

    out: list[MemberList] = []
    for sentence in ctx.sentences:
        if sentence.start < ctx.body_start or ctx.in_quote(sentence.start, sentence.end):
            continue
        masked = ctx.mask(sentence)
        if masked.count(PERSON_CHAR) == 0:
            continue
        for start, end in _runs(masked, 0):
            people: list[int] = []
            for m in ctx.mentions_in(sentence.start + start, sentence.start + end):
                if m.person not in people:
                    people.append(m.person)
            if len(people) >= 3 and len(people) in counts:
                out.append(MemberList(sentence, people))
    return out




def list_lines(sentences: list[Sentence]) -> list[list[Sentence]]:
    """Runs of two or more short one-line paragraphs after a line that ends with a colon
    ("The councillors who resigned are:" then one name per line)."""
    by_paragraph: dict[int, list[Sentence]] = {}
    for s in sentences:
        by_paragraph.setdefault(s.paragraph, []).append(s)
    runs: list[list[Sentence]] = []
    paragraphs = sorted(by_paragraph)
    for i, p in enumerate(paragraphs):
        if not by_paragraph[p][-1].text.rstrip().endswith(":"):
            continue
        run: list[Sentence] = []
        for q in paragraphs[i + 1 :]:
            line = by_paragraph[q]
            if sum(len(x.text) for x in line) > LIST_LINE_MAX or line[-1].text.rstrip().endswith(":"):
                break
            run.append(line[0])
        if len(run) >= 2:
            runs.append([by_paragraph[p][-1]] + run)
    return runs


_OPENING = re.compile(r"[\s\-•*·–—]*(?:(?:Cllrs?\.?|Councillors|Couns?\.?|County\s+Councillors)\s+)?")


def opening_lists(ctx: ArticleContext, changes: dict[int, int | None]) -> list[MemberList]:
    """"Members of the X group have left to join Y. A (Ward), B (Ward) and C said the move was
    ...": a group change that names nobody, then a sentence that opens with a list of names and
    states no change of its own. The list is the group, when it has as many names as the group
    is counted ("Three councillors ..."), or two or more where it is not counted.

    ``changes``: the sentence index of each such group change, with the group's count."""
    from floorcross.extract.subjects import _runs
    from floorcross.extract.triggers import find_atoms

    out: list[MemberList] = []
    for index, count in changes.items():
        if index + 1 >= len(ctx.sentences):
            continue
        sentence = ctx.sentences[index + 1]
        if ctx.in_quote(sentence.start, sentence.end) or find_atoms(ctx, sentence):
            continue
        masked = ctx.mask(sentence)
        lead = _OPENING.match(masked).end()
        runs = [r for r in _runs(masked, 0) if r[0] == lead]
        if not runs:
            continue
        people: list[int] = []
        for m in ctx.mentions_in(sentence.start + runs[0][0], sentence.start + runs[0][1]):
            if m.person not in people:
                people.append(m.person)
        if len(people) >= 2 and (count is None or count == len(people)):
            out.append(MemberList(sentence, people))
    return out


def _line_lists(ctx: ArticleContext) -> list[MemberList]:
    """Members listed one per line (see :func:`list_lines`): each line opens with the name."""
    out: list[MemberList] = []
    body = [s for s in ctx.sentences if s.start >= ctx.body_start]
    for lead, *lines in list_lines(body):
        found = MemberList(lead)
        for line in lines:
            masked = ctx.mask(line)
            start = LIST_BULLET.match(masked).end()
            if not masked.startswith(PERSON_CHAR, start):
                continue
            mention = ctx.mention_at(line.start + start)
            if mention and mention.person not in found.members:
                found.members.append(mention.person)
                party = _line_party(ctx, line, masked)
                if party is not None:
                    found.left[mention.person] = party
        if len(found.members) >= 2:
            out.append(found)
    return out


def _line_party(ctx: ArticleContext, line: Sentence, masked: str) -> PartyMention | None:
    """"Jane Smith (former Labour)" on a list line: the party a former-description gives."""
    for run in re.finditer(f"{_P}+", masked):
        if _FORMER.search(masked[: run.start()]):
            return ctx.party_at(line.start + run.start(), line.start + run.end())
    return None


def _list_from(ctx: ArticleContext, sentence: Sentence, masked: str, pos: int) -> MemberList:
    from floorcross.extract.subjects import _list_gap

    found = MemberList(sentence)
    while True:
        description = _DESCRIPTION.match(masked, pos)
        if description is None:
            return found
        start = description.end()
        spans = [m.span() for m in re.finditer(f"{_W}+", masked[start:])]
        if not spans or spans[0][0] != 0:
            return found
        end = start + spans[0][1]
        if re.match(r"['’]s?\b", masked[end:end + 2]):
            return found  # "over Tom Brown's stance": a possessor, not a member
        for s, e in spans[1:]:
            gap = masked[end : start + s]
            if not _list_gap(gap) or _BRACKET_PARTY.match(gap):
                break  # "A and B (both Labour), together with C": a part of the list ends
            end = start + e
        left = _left_party(ctx, sentence, masked, pos, start, end)
        for mention in ctx.mentions_in(sentence.start + start, sentence.start + end):
            if mention.person not in found.members and (_council_title(mention.title) or not _non_elected(masked, mention.span_start - sentence.start)):
                found.members.append(mention.person)
                if left is not None:
                    found.left[mention.person] = left
        joiner = _joiner().match(masked, end)
        if joiner is None:
            return found
        pos = joiner.end()


def _list_before(ctx: ArticleContext, sentence: Sentence, masked: str, pos: int) -> MemberList:
    from floorcross.extract.subjects import _runs

    found = MemberList(sentence)
    runs = [r for r in _runs(masked[:pos], 0) if masked[r[1]:pos].strip(" ,") == ""]
    if not runs:
        return found
    start, end = runs[-1]
    for mention in ctx.mentions_in(sentence.start + start, sentence.start + end):
        if mention.person not in found.members:
            found.members.append(mention.person)
    return found


def _left_party(ctx: ArticleContext, sentence: Sentence, masked: str, zone_start: int,
                start: int, end: int) -> PartyMention | None:
    """The party a description before or after a part of a list says those members left."""
    zone = masked[zone_start:start]
    for run in reversed(list(re.finditer(f"{_P}+", zone))):
        if _FORMER.search(zone[: run.start()]):
            return ctx.party_at(sentence.start + zone_start + run.start(),
                                sentence.start + zone_start + run.end())
    after = _BRACKET_PARTY.match(masked[end:])
    if after:
        group = 1 if after.group(1) else 2
        return ctx.party_at(sentence.start + end + after.start(group), sentence.start + end + after.end(group))
    return None


def _council_title(title: str | None) -> bool:
    from floorcross.extract.subjects import _council_title as council_title

    return council_title(title)


def _non_elected(masked: str, rel: int) -> bool:
    before = masked[max(0, rel - 40) : rel]
    words = lexicon()["non_elected_descriptors"]
    return bool(re.search(rf"\b(?:{'|'.join(re.escape(w) for w in words)})\s+$", before, re.IGNORECASE))


__all__ = ["MemberList", "member_lists", "might_name_members"]
