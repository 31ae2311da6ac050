"""The prefilter: a cheap scan that keeps the NLP away from articles that cannot be relevant.

In a stream of general news perhaps one article in a hundred reports a change of party, and
most of the rest never mention an elected office, let alone a trigger phrase. The prefilter
reads an article (or the raw bytes of a page, before any HTML parsing) with two compiled
scans and passes it on only when it names an office **and** has a sentence with a trigger
word; for those it also gives the candidate sentences with their neighbours.

Nothing here is a word list of its own. The words are derived from the rules the extractor
uses, by reading each regular expression and keeping the literal words one of which every
match must contain (a necessary "factor", as code-search engines do with trigrams):

* trigger words from ``triggers.yaml``: for ``"defect(?:ed|s|ing)?\\s+from\\s+{FROM}"`` the
  factor is ``defect``; the extractor makes an event only from a sentence where one of its
  patterns matches, so a sentence without any factor can never state a change. Patterns whose
  role only completes another event (``to_ind``, ``when``) are left out: they never make one
  on their own;
* office words from ``titles.yaml`` (titles that say an office is held) and the ``offices``
  patterns of ``lexicon.yaml`` (``councillor``, ``Cllr``, ``MSP``, ``mayor``, ...); short
  all-capital acronyms (``MP``, ``MS``, ``AM``) are matched in their own case, so that "I am"
  is not an Assembly Member.

* party words from ``parties.yaml`` (the longest word of every name and alias, the last word
  of every local group head) and the generic words the trigger patterns accept in a party's
  place (``party``, ``group``, ``whip``, ``movement``, ``independent``): a change has a party
  at one end or the other, and the extractor finds it in one of these forms.

The office and party tests are judgements, not laws of the extractor: every change in the annotated
corpus and in our fixtures names an office somewhere in the article, and `benchmarks/
prefilter_recall.py` measures that this stays true.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from floorcross.fastre import by_first_char
from floorcross.resources import lexicon, parties_data, titles_data, triggers_data

# Trigger roles that never make an event by themselves (see extract/events.py).
COMPLETING_ROLES = frozenset({"to_ind", "when"})
# Sentences either side of a candidate sentence passed on with it.
NEIGHBOURS = 1
_MAX_EXACT = 64  # strings an exact run may spell before it is cut (cross products grow fast)
_PLACEHOLDER = re.compile(r"\{(?:FROM|TO|TONEW|PARTY|IND)\}")
_SENTENCE_END = re.compile(r"[.!?]+[\"'’”)\]]*\s+|\n+")


@dataclass(frozen=True)
class Factor:
    """A literal every match of some rule contains; ``start``/``end``: it begins/ends a word."""

    text: str
    start: bool = False
    end: bool = False
    cased: bool = False  # an acronym, matched in its own case


# ------------------------------------------------------------------------------ factors


@dataclass
class _Info:
    """What a piece of a pattern tells: the strings it spells exactly, or factors it needs."""

    exact: set[str] | None = None
    best: set[Factor] | None = None
    kind: str = "other"  # "boundary" (zero-width, at a word edge), "space", or "other"
    edge_after: bool = False  # a word edge is certain right after this piece
    open: frozenset[Factor] = frozenset()  # factors of ``best`` that end where this piece does


def _closed(factors: set[Factor], open_: frozenset[Factor]) -> set[Factor]:
    """``factors`` with those in ``open_`` marked as ending a word (a space or edge follows)."""
    return {Factor(f.text, f.start, True, f.cased) if f in open_ else f for f in factors}


def _effective_length(text: str) -> int:
    # A capitalised acronym ("MP") is as selective as a longer word, so it wins over "for".
    return len(text) + 3 if text.isupper() and text.isalpha() else len(text)


@cache
def _rule_frequency() -> dict[str, int]:
    """How many rule patterns in the data files each word appears in. Between two literals of
    the same length, the one many rules share ("from", "back") is a connective, not a cue, and
    makes the poorer factor."""
    counts: dict[str, int] = {}
    for pattern in _all_patterns():
        for word in set(re.findall(r"[a-z]+", pattern.lower())):
            counts[word] = counts.get(word, 0) + 1
    return counts


def _score(factors: set[Factor]) -> tuple[int, int, bool, int]:
    frequency = _rule_frequency()
    return (min(_effective_length(f.text) for f in factors),
            -max(frequency.get(f.text.lower(), 0) for f in factors),
            all(f.start for f in factors), -len(factors))


def _better(a: set[Factor] | None, b: set[Factor] | None) -> set[Factor] | None:
    if not a or not b:
        return a or b
    return a if _score(a) >= _score(b) else b


def _is_word_class(items: Sequence[tuple[Any, Any]]) -> bool:
    return any(op is sre_c.IN and any(code is sre_c.CATEGORY and arg is sre_c.CATEGORY_WORD
                                      for code, arg in av) for op, av in items)


def _class_info(items: Sequence[tuple[Any, Any]]) -> _Info:
    if all(code is sre_c.CATEGORY and arg is sre_c.CATEGORY_SPACE for code, arg in items):
        return _Info(kind="space", edge_after=True)
    if len(items) <= 6 and all(code is sre_c.LITERAL for code, _ in items):
        return _Info(exact={chr(arg) for _, arg in items})
    return _Info()


def _item(op: Any, av: Any, edge: bool) -> _Info:
    """Information on one parsed regex item; ``edge``: a word edge comes just before it."""
    if op is sre_c.LITERAL:
        return _Info(exact={chr(av)})
    if op is sre_c.IN:
        return _class_info(av)
    if op is sre_c.AT:
        at_edge = av in (sre_c.AT_BOUNDARY, sre_c.AT_BEGINNING, sre_c.AT_BEGINNING_STRING,
                         sre_c.AT_END, sre_c.AT_END_STRING)
        return _Info(exact={""}, kind="boundary" if at_edge else "other", edge_after=at_edge)
    if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
        at_edge = op is sre_c.ASSERT_NOT and _is_word_class(av[1])
        return _Info(exact={""}, kind="boundary" if at_edge else "other", edge_after=at_edge)
    if op is sre_c.SUBPATTERN:
        return _sequence(av[-1], edge)
    if op is sre_c.BRANCH:
        return _branch(av[1], edge)
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
        low, high, body = av
        inner = _sequence(body, edge)
        if low == 0:
            after = edge and inner.edge_after  # skipped, or taken up to an edge
            if high == 1 and inner.exact is not None:
                return _Info(exact=inner.exact | {""})
            return _Info(edge_after=after)
        if inner.kind == "space":
            return inner
        if low == high == 1:
            return inner
        if inner.exact is not None and "" not in inner.exact:
            return _Info(best={Factor(s, edge) for s in inner.exact})
        return _Info(best=inner.best, edge_after=inner.edge_after, open=inner.open)
    return _Info()


def _branch(alternatives: Sequence[Any], edge: bool) -> _Info:
    infos = [_sequence(alt, edge) for alt in alternatives]
    after = all(i.edge_after for i in infos)
    if all(i.exact is not None for i in infos):
        return _Info(exact=set().union(*(i.exact or set() for i in infos)))
    factors: set[Factor] = set()
    open_: set[Factor] = set()
    for info in infos:
        if info.exact is not None and "" not in info.exact:
            exact = {Factor(s, edge) for s in info.exact}
            factors |= exact
            open_ |= exact
        elif info.best:
            factors |= info.best
            open_ |= info.open
        else:
            return _Info(edge_after=after)  # one alternative needs nothing we can name
    return _Info(best=factors, edge_after=after, open=frozenset(open_))


def _sequence(items: Sequence[tuple[Any, Any]], edge: bool) -> _Info:
    """Walk a concatenation, joining literal runs and keeping the most selective factor set."""
    best: set[Factor] | None = None
    run: set[str] | None = None
    run_start = False
    kinds: set[str] = set()
    # The factors of the last piece, held back until we know whether a word edge follows.
    held: set[Factor] | None = None
    held_open: frozenset[Factor] = frozenset()

    def settle(at_edge: bool) -> None:
        nonlocal held, best
        if held:
            best = _better(best, _closed(held, held_open) if at_edge else held)
        held = None

    def flush(end: bool) -> None:
        nonlocal run, best
        if run is not None and "" not in run:
            best = _better(best, {Factor(s, run_start, end) for s in run})
        run = None

    for op, av in items:
        info = _item(op, av, edge if run is None else False)
        kinds.add(info.kind if info.exact is None or info.kind == "boundary" else "exact")
        if info.kind in ("boundary", "space"):
            flush(end=True)
            settle(at_edge=True)
            edge = True
            continue
        settle(at_edge=False)
        if info.exact is not None:
            if run is None:
                run, run_start = {""}, edge
            if len(run) * len(info.exact) > _MAX_EXACT:
                flush(end=False)
                run, run_start = {""}, False
            run = {a + b for a in run for b in info.exact}
            edge = False
            continue
        flush(end=False)
        held, held_open = info.best, info.open
        edge = info.edge_after
    if kinds == {"exact"} and run is not None:
        return _Info(exact=run)
    if kinds == {"space"}:
        return _Info(kind="space", edge_after=True)
    # What ends the sequence stays open: the enclosing pattern says what follows.
    tail: set[Factor] | None = None
    tail_open: frozenset[Factor] = frozenset()
    if run is not None and "" not in run:
        tail = {Factor(s, run_start, edge) for s in run}
        tail_open = frozenset(tail)
    elif held:
        tail, tail_open = held, held_open
    chosen = _better(best, tail)
    return _Info(best=chosen, edge_after=edge,
                 open=tail_open if tail is not None and chosen is tail else frozenset())


def pattern_factors(pattern: str, *, bounded: bool = False) -> set[Factor] | None:
    """Literals one of which every match of ``pattern`` contains (lower case), or None.

    ``pattern`` is read as written (its capitals make acronyms preferred); matching is
    case-insensitive, so the literals come back lower-cased.

    ``bounded``: the pattern is only ever matched at the start of a word.
    """
    info = _sequence(sre_parse.parse(pattern), bounded)
    if info.exact is not None:
        found = {Factor(s, bounded) for s in info.exact} if "" not in info.exact else None
    else:
        found = info.best
    return None if found is None else {Factor(f.text.lower(), f.start, f.end) for f in found}


def _cased(factors: Iterable[Factor], original: str) -> set[Factor]:
    """Mark the factors that are short all-capital words in ``original`` as acronyms."""
    out = set()
    for f in factors:
        upper = f.text.upper()
        acronym = len(f.text) <= 4 and f.text.isalpha() and re.search(
            rf"(?<![A-Za-z]){re.escape(upper)}(?![a-z])", original) is not None
        out.add(Factor(upper if acronym else f.text, f.start, f.end, acronym))
    return out


def _trigger_patterns() -> list[tuple[str, str]]:
    return [(entry["role"], entry["pattern"]) for entries in triggers_data().values()
            for entry in entries]


def _office_patterns() -> list[str]:
    patterns = [re.escape(t["form"]).replace(r"\ ", r"\s+") for t in titles_data()["titles"]
                if t.get("office")]
    return patterns + [o["pattern"] for o in lexicon()["offices"]]


def _all_patterns() -> list[str]:
    return [p for _, p in _trigger_patterns()] + _office_patterns()


@cache
def trigger_factors() -> tuple[Factor, ...]:
    """The trigger words, from ``triggers.yaml`` (roles that make events)."""
    found: set[Factor] = set()
    for role, pattern in _trigger_patterns():
        if role in COMPLETING_ROLES:
            continue
        body = _PLACEHOLDER.sub("(?:.+)", pattern)
        factors = pattern_factors(rf"(?<![\w-])(?:{body})(?![\w])", bounded=True)
        if not factors:
            raise ValueError(f"trigger pattern with no literal word: {pattern!r}")
        found |= factors
    return tuple(sorted(found, key=lambda f: (f.text, f.start, f.end)))


@cache
def office_factors() -> tuple[Factor, ...]:
    """The office words, from ``titles.yaml`` and the ``offices`` of ``lexicon.yaml``."""
    # A title is a literal phrase whose last word is its head ("County Cllr" is a "Cllr"):
    # that word is the one to look for, however short, rather than "county".
    found: set[Factor] = set()
    for title in titles_data()["titles"]:
        if title.get("office"):
            head = title["form"].split()[-1]
            found |= _cased({Factor(head.lower(), True, True)}, head)
    for pattern in [o["pattern"] for o in lexicon()["offices"]]:
        factors = pattern_factors(rf"\b(?:{pattern})\b", bounded=True)
        if not factors:
            raise ValueError(f"office pattern with no literal word: {pattern!r}")
        found |= _cased(factors, pattern)
    return tuple(sorted(found, key=lambda f: (f.text, f.start, f.end)))


# What the trigger patterns accept where a party is named ("the party", "the whip"): see
# ``_GENERIC`` in extract/triggers.py; "independent" stands for "sit as an independent".
_GENERIC_PARTY_WORDS = ("party", "group", "whip", "movement", "independent", "independents")


def _ascii_word(phrase: str, last: bool = False) -> str | None:
    """The word of a party name to look for: every mention contains all of its words, so the
    longest (rarest, as a rule) ASCII one will do, or the last one for a group head."""
    words = [w for w in re.findall(r"[\w-]+", phrase) if w.isascii() and w.lower() not in {"the", "s"}]
    if not words:
        return None
    return words[-1] if last else max(words, key=len)


@cache
def party_factors() -> tuple[Factor, ...]:
    """The party words, from ``parties.yaml``, and the generic words for a party.

    Local group heads ("Peterborough First", "Ashfield Residents") are found by the extractor
    only capitalised, so they are looked for in their own case: "first" and "residents" are in
    most news stories, "First" and "Residents" far fewer."""
    data = parties_data()
    words: set[str] = set(_GENERIC_PARTY_WORDS)
    for party in data["parties"] + data.get("other_parties", []):
        for phrase in [party["name"], *party.get("aliases", []), *party.get("context_aliases", [])]:
            if word := _ascii_word(phrase):
                words.add(word.lower())
    factors = {Factor(w, True, True) for w in words}
    heads = [(h, True) for h in data.get("local_group_heads", [])]
    starts = [(s, False) for s in data.get("local_group_starts", [])]
    for phrase, last in heads + starts:
        if (word := _ascii_word(phrase, last=last)) and word.lower() not in words:
            factors.add(Factor(word, True, True, cased=True))
    return tuple(sorted(factors, key=lambda f: (f.text, f.cased)))


# ------------------------------------------------------------------------------ compiled scans


def _trie(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` as a trie (``defect|define`` → ``def(?:ect|ine)``),
    which Python's engine walks one branch per character instead of trying every word."""
    tree: dict[str, Any] = {}
    for word in set(words):
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if ends else body

    return render(tree)


def _alternation(factors: Iterable[Factor], word: str) -> str | None:
    """One pattern for all ``factors``, grouped by their word edges; ``word`` is the class of
    word characters (``\\w`` for text, ``[A-Za-z0-9_]`` for bytes).

    The words sharing a first letter become a trie after it, and every alternative opens
    with its letter as a literal (:func:`floorcross.fastre.by_first_char`), so the engine
    skips ahead to the letters the words start with.
    """
    groups: dict[tuple[bool, bool], dict[str, list[str]]] = {}
    for f in factors:
        groups.setdefault((f.start, f.end), {}).setdefault(f.text[0], []).append(f.text[1:])
    parts = []
    for (start, end), by_first in sorted(groups.items(), reverse=True):
        after = f"(?!{word})" if end else ""
        parts.append(by_first_char(((first, _trie(rests)) for first, rests in
                                    sorted(by_first.items())), word if start else None, after))
    return "|".join(parts) or None


@dataclass(frozen=True)
class _Scan:
    """Two compiled searches: case-insensitive words (run on lower-cased input) and acronyms."""

    folded: re.Pattern[Any] | None
    cased: re.Pattern[Any] | None

    @classmethod
    def build(cls, factors: Sequence[Factor], *, raw: bool) -> _Scan:
        word = r"[A-Za-z0-9_]" if raw else r"\w"

        def compile_(fs: list[Factor]) -> re.Pattern[Any] | None:
            pattern = _alternation(fs, word)
            if pattern is None:
                return None
            return re.compile(pattern.encode() if raw else pattern)

        return cls(compile_([f for f in factors if not f.cased]),
                   compile_([f for f in factors if f.cased]))

    def search(self, original: Any, folded: Any) -> bool:
        return bool((self.folded is not None and self.folded.search(folded))
                    or (self.cased is not None and self.cased.search(original)))


def _raw_factors(factors: Sequence[Factor]) -> list[Factor]:
    """Factors usable on undecoded bytes: ASCII ones (others would depend on the encoding)."""
    if any(not f.text.isascii() for f in factors):
        raise ValueError("non-ASCII vocabulary cannot be scanned in raw bytes")
    return list(factors)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Rough sentences (ends at ``.!?`` + space, and at line breaks), as ``(start, end)``.

    Rougher than the extractor's splitter on purpose: a window of neighbours around each
    candidate covers where the two disagree.
    """
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > start:
            spans.append((start, match.start() + len(match.group(0).rstrip())))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


class Prefilter:
    """The compiled prefilter (build once with :func:`prefilter`; safe to share)."""

    def __init__(self, triggers: Sequence[Factor], offices: Sequence[Factor],
                 neighbours: int = NEIGHBOURS, parties: Sequence[Factor] = ()) -> None:
        self.neighbours = neighbours
        self._trigger = _Scan.build(triggers, raw=False)
        self._office = _Scan.build(offices, raw=False)
        self._trigger_raw = _Scan.build(_raw_factors(triggers), raw=True)
        self._office_raw = _Scan.build(_raw_factors(offices), raw=True)
        self._party = _Scan.build(parties, raw=False) if parties else None
        self._party_raw = _Scan.build(_raw_factors(parties), raw=True) if parties else None
        assert self._trigger.folded is not None
        self._trigger_iter = self._trigger.folded

    def passes(self, text: str) -> bool:
        """True when the article names an office and has a trigger word: worth extracting."""
        folded = text.lower()
        return (self._office.search(text, folded) and self._trigger.search(text, folded)
                and (self._party is None or self._party.search(text, folded)))

    def trigger_positions(self, text: str) -> list[int] | None:
        """Where the trigger words start in ``text`` (None when lower-casing would move
        characters, as for "İ", and positions could not be trusted)."""
        folded = text.lower()
        if len(folded) != len(text):
            return None
        hits = [m.start() for m in self._trigger_iter.finditer(folded)]
        if self._trigger.cased is not None:
            hits += [m.start() for m in self._trigger.cased.finditer(text)]
        return sorted(hits)

    def windows(self, text: str) -> list[tuple[int, int]]:
        """The candidate sentences and their neighbours, merged; empty when it does not pass.

        ``text[start:end]`` of each window is exactly the text the extractor would see there.
        """
        folded = text.lower()
        if not self._office.search(text, folded) or (
                self._party is not None and not self._party.search(text, folded)):
            return []
        hits = [m.start() for m in self._trigger_iter.finditer(folded)]
        if not hits:
            return []
        spans = sentence_spans(text)
        starts = [s for s, _ in spans]
        wanted: set[int] = set()
        for hit in hits:
            i = max(0, bisect_right(starts, hit) - 1)
            wanted.update(range(max(0, i - self.neighbours),
                                min(len(spans), i + self.neighbours + 1)))
        wanted.update(_member_list_spans(text, spans))
        windows: list[tuple[int, int]] = []
        for i in sorted(wanted):
            if windows and i - 1 in wanted:
                windows[-1] = (windows[-1][0], spans[i][1])
            else:
                windows.append(spans[i])
        return windows

    def raw_passes(self, data: bytes) -> bool:
        """:meth:`passes` for the raw bytes of a page (HTML, any ASCII-compatible encoding),
        before parsing. Never false for a page whose text would pass; pages in UTF-16/32,
        which a byte scan cannot read, always pass."""
        head = data[:4096]
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
            return True
        folded = data.lower()
        return (self._office_raw.search(data, folded)
                and self._trigger_raw.search(data, folded)
                and (self._party_raw is None or self._party_raw.search(data, folded)))


def _member_list_spans(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Sentences that may name a group's members away from the change ("These councillors are
    A, B and C", a name per line after a colon, "D followed suit"): the extractor reads them too
    (extract.crowds)."""
    from floorcross.extract.crowds import ellipsis_patterns, might_name_members
    from floorcross.extract.segment import LIST_LINE_MAX

    after, before = ellipsis_patterns()
    wanted: set[int] = set()
    for i, (start, end) in enumerate(spans):
        chunk = text[start:end]
        if might_name_members(chunk) or any(r.search(chunk) for r in after + before):
            wanted.add(i)  # ... or repeat a change for more people ("So have B and C")
        if chunk.rstrip().endswith(":") and "\n" in text[end : end + 3]:
            j = i + 1
            while j < len(spans) and spans[j][1] - spans[j][0] <= LIST_LINE_MAX:
                wanted.add(j)
                j += 1
    return wanted


@cache
def prefilter() -> Prefilter:
    """The prefilter built from the data files (once per process)."""
    return Prefilter(trigger_factors(), office_factors(), parties=party_factors())


def vocabulary() -> dict[str, list[str]]:
    """The words each scan looks for, for people: ``{"triggers": [...], "offices": [...], "parties": [...]}``."""
    return {"triggers": sorted({f.text for f in trigger_factors()}),
            "offices": sorted({f.text for f in office_factors()}),
            "parties": sorted({f.text for f in party_factors()})}
