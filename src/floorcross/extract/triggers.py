"""Trigger phrases: where a sentence says someone changed party (patterns in ``triggers.yaml``).

Patterns run over the masked sentence (see :mod:`floorcross.extract.context`), so a slot such
as ``{FROM}`` only matches a real party mention or a generic "the party" that context resolves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from floorcross.extract.context import PARTY_CHAR, PERSON_CHAR, ArticleContext
from floorcross.extract.segment import Sentence
from floorcross.fastre import by_first_char
from floorcross.normalise.parties import PartyMention
from floorcross.resources import lexicon, triggers_data

_P, _W = re.escape(PARTY_CHAR), re.escape(PERSON_CHAR)
# "the", "his", "the council's", and the doubled "the the" of hasty copy.
_DETERMINER = r"(?:(?:the|a|an|his|her|their|its|my|our)\s+(?:(?:the|council['’]s|party['’]s)\s+)?)?"
_ADJECTIVES = r"(?:(?:new|former|old|local|ruling|governing|national|own|opposition|main|mainstream|parent|fledgling|newly[\s-]formed|breakaway|splinter|start-up|upstart|[‘'\"“][\w-]+[’'\"”])\s+)*"
_GENERIC = (
    rf"(?:(?:the|his|her|their|its|my|our|{_W}+['’]s?)\s+(?:(?:local|national|former|old|own|political|council|ruling|"
    r"parliamentary|new|current|entire|whole|fledgling|main|mainstream|governing|parent)\s+)*"
    # "a new political group", "an independent splinter group": a group not yet named
    r"|(?:a|an)\s+(?:(?:political|independent|council)\s+)?(?:new|breakaway|splinter|fledgling)\s+(?:(?:political|independent|council)\s+)*)"
    r"(?:(?:respective\s+)?parties|party|group|whip|movement)"
    r"(?!\s+(?:leader|whip|meeting|chair|line|member|members|colleagues|policy|policies))"
)


def _party_slot(name: str) -> str:
    return (
        rf"(?:{_DETERMINER}{_ADJECTIVES}(?:{_W}+['’]s?\s+{_ADJECTIVES})?[‘'\"“]?(?P<{name}>{_P}+)[’'\"”]?"
        rf"(?:\s+(?:party|group|Party|Group))?|(?P<{name}_g>{_GENERIC}))"
    )


def _expand(template: str) -> str:
    pattern = template
    pattern = pattern.replace("{FROM}", _party_slot("from"))
    pattern = pattern.replace("{TONEW}", _party_slot("to"))
    pattern = pattern.replace("{TO}", _party_slot("to"))
    pattern = pattern.replace("{PARTY}", rf"(?:{_P}+)")
    pattern = pattern.replace("{IND}", rf"(?P<ind>{_P}+)")
    return rf"(?<![\w-])(?:{pattern})(?![\w])"


@dataclass(frozen=True)
class TriggerRule:
    kind: str
    role: str
    nominal: bool
    regex: re.Pattern[str]
    anchors: tuple[str, ...] | None  # one of these must be in the lower-cased sentence


def _first_group(pattern: str) -> str:
    """The pattern's leading group ("(?:quit|left|...)") or leading word."""
    if pattern.startswith("(?:"):
        depth = 0
        for i, ch in enumerate(pattern):
            if ch == "(" and (i == 0 or pattern[i - 1] != "\\"):
                depth += 1
            elif ch == ")" and pattern[i - 1] != "\\":
                depth -= 1
                if depth == 0:
                    return pattern[3:i]
    return pattern


def _anchors(pattern: str) -> tuple[str, ...] | None:
    """Literal words one of which every match of ``pattern`` starts with, for a cheap pre-check."""
    first = _first_group(pattern)
    alternatives, depth, current = [], 0, ""
    for i, ch in enumerate(first):
        if ch == "(" and (i == 0 or first[i - 1] != "\\"):
            depth += 1
        elif ch == ")" and first[i - 1] != "\\":
            depth -= 1
        if ch == "|" and depth == 0:
            alternatives.append(current)
            current = ""
        else:
            current += ch
    alternatives.append(current)
    words = []
    for alternative in alternatives:
        word = re.match(r"[a-z-]{3,}", alternative.lower())
        if not word:
            return None
        words.append(word.group(0))
    return tuple(sorted(set(words)))


@cache
def rules() -> tuple[TriggerRule, ...]:
    out: list[TriggerRule] = []
    for kind, entries in triggers_data().items():
        for entry in entries:
            out.append(TriggerRule(kind, entry["role"], bool(entry.get("nominal", False)),
                                   re.compile(_expand(entry["pattern"]), re.IGNORECASE),
                                   _anchors(entry["pattern"])))
    return tuple(out)


@cache
def _all_anchors() -> tuple[str, ...]:
    return tuple(sorted({a for rule in rules() for a in rule.anchors or ()}))


@cache
def _stems() -> tuple[str, ...]:
    """``trigger_stems`` of lexicon.yaml: every trigger pattern holds one of these words."""
    return tuple(lexicon()["trigger_stems"])


@cache
def vocabulary_regex() -> re.Pattern[str]:
    """A fast pre-check: could this text contain a trigger at all? (Every trigger pattern starts
    with, or contains, one of these words; whole words only, so "former" is not "form".)"""
    return re.compile(rf"(?<![\w-])(?:{'|'.join(_stems())})(?![\w-])", re.IGNORECASE)


@cache
def _ascii_vocabulary_regex() -> re.Pattern[str]:
    """:func:`vocabulary_regex` for lower-cased ASCII text, where it is the same test, written
    for a fast scan (:func:`floorcross.fastre.by_first_char`)."""
    body = by_first_char(((stem[0], stem[1:]) for stem in _stems()), r"[\w-]")
    return re.compile(rf"(?:{body})(?![\w-])")


@cache
def _anchor_scan() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """One scan for every anchor: a look-ahead tried at each character gives the longest anchor
    starting there, and the anchors that are prefixes of it start there too."""
    anchors = _all_anchors()
    body = by_first_char((a[0], re.escape(a[1:])) for a in sorted(anchors, key=len, reverse=True))
    prefixes = {a: frozenset(b for b in anchors if a.startswith(b)) for a in anchors}
    return re.compile(f"(?=({body}))"), prefixes


def present_anchors(lowered: str) -> set[str]:
    """The anchors that occur in ``lowered`` (a lower-cased sentence), as substrings."""
    scan, prefixes = _anchor_scan()
    present: set[str] = set()
    for match in scan.finditer(lowered):
        present |= prefixes[match.group(1)]
    return present


@dataclass
class PartySlot:
    """A party end of a change: a named party, or "the party" to resolve from context."""

    mention: PartyMention | None
    generic: str | None  # the generic words ("the party") when no party is named
    start: int
    end: int

    @property
    def name(self) -> str | None:
        return self.mention.name if self.mention else None


@dataclass
class Atom:
    """One trigger match in one sentence."""

    kind: str
    role: str
    nominal: bool
    start: int
    end: int
    sentence: Sentence
    from_slot: PartySlot | None = None
    to_slot: PartySlot | None = None

    @property
    def text(self) -> str:
        return self.sentence.text[self.start - self.sentence.start : self.end - self.sentence.start]


def _slot(ctx: ArticleContext, match: re.Match[str], name: str, base: int) -> PartySlot | None:
    groups = match.groupdict()
    if groups.get(name):
        s, e = match.span(name)
        mention = ctx.party_at(s + base, e + base)
        return PartySlot(mention, None, s + base, e + base) if mention else None
    if groups.get(f"{name}_g"):
        s, e = match.span(f"{name}_g")
        return PartySlot(None, groups[f"{name}_g"], s + base, e + base)
    return None


def find_atoms(ctx: ArticleContext, sentence: Sentence) -> list[Atom]:
    """The trigger matches in a sentence, longest first where they overlap (cached per sentence)."""
    if sentence.index not in ctx.atoms:
        ctx.atoms[sentence.index] = _find_atoms(ctx, sentence)
    return ctx.atoms[sentence.index]


def _find_atoms(ctx: ArticleContext, sentence: Sentence) -> list[Atom]:
    lowered = sentence.text.lower()
    if sentence.text.isascii():
        if not _ascii_vocabulary_regex().search(lowered):
            return []
    elif not vocabulary_regex().search(sentence.text):
        return []
    masked = ctx.mask(sentence)
    present = present_anchors(lowered)
    base = sentence.start
    found: list[Atom] = []
    for rule in rules():
        if rule.anchors is not None and present.isdisjoint(rule.anchors):
            continue
        for match in rule.regex.finditer(masked):
            atom = Atom(rule.kind, rule.role, rule.nominal, match.start() + base,
                        match.end() + base, sentence)
            atom.from_slot = _slot(ctx, match, "from", base)
            atom.to_slot = _slot(ctx, match, "to", base)
            if match.groupdict().get("ind"):
                s, e = match.span("ind")
                party = ctx.party_at(s + base, e + base)
                if party is None or not (party.name == "Independent" or party.name.startswith("Independent ")):
                    continue  # ("sit as an Independent Unionist": an independent label of its own)
                atom.to_slot = PartySlot(party, None, s + base, e + base)
            found.append(atom)
    chosen: list[Atom] = []
    for atom in sorted(found, key=lambda a: (-(a.end - a.start), a.start)):
        if all(atom.end <= c.start or atom.start >= c.end for c in chosen):
            chosen.append(atom)
    return sorted(chosen, key=lambda a: a.start)
