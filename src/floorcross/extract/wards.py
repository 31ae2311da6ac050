"""Which ward (or county division) a person represents, as the text gives it.

Two kinds of phrase name a ward: those that follow the name ("X, who represents Ely on Cardiff
Council", "X (Preston Central)", "X, councillor for Coseley East") and those that come right
before it ("Plympton Erle councillor John Lock", "Grove Park's Councillor David Britton").
Ward names may contain commas and "and" ("Hanley Park, Joiner's Square & Shelton"), so a phrase is
read generously and then trimmed: the longest reading that is a ward in the gazetteer wins,
otherwise the phrase up to "on <council>" / "in <town>". "A and B represent X and Y
respectively" pairs names and wards in order.
"""

from __future__ import annotations

import re

from floorcross.extract.context import PARTY_CHAR, PERSON_CHAR, ArticleContext
from floorcross.extract.people import relation_gap
from floorcross.normalise.councils import Council, gazetteer
from floorcross.normalise.dates import MONTHS, WEEKDAYS

_P, _W = re.escape(PARTY_CHAR), re.escape(PERSON_CHAR)
_CAP = r"[A-Z][\w'’&.-]*"
_JOIN = r"(?:,?\s+(?:and|&|on|upon|in|the|of|de|la|le|by|under|with|next\s+the)\s+|\s+|,\s+|\s*&\s*|-)"
# A generous reading of a ward name: capitalised words with joiners, commas and ampersands.
_NAME = rf"(?P<ward>{_CAP}(?:{_JOIN}{_CAP}){{0,7}})"
_WARD_WORD = r"(?:\s+[Ww]ard|\s+[Dd]ivision|\s+[Ee]lectoral\s+[Dd]ivision)"

# Phrases after the name: (pattern, must the person be the nearest name before it).
_AFTER = [
    rf"\A\s*\(\s*(?:(?:{_P}+|Lab|Con|Cons|LD|Lib\s+Dem|Ind|Indep|Green|Grn|Reform|SNP|Plaid|UKIP|Res|RA)\.?\s*[,/–-]\s*)?{_NAME}{_WARD_WORD}?\s*\)",
    (
        rf"(?:represents?|representing|represented|re-elected\s+to\s+represent|elected\s+to\s+represent|"
        rf"member\s+for|councillors?\s+for|representative\s+for|candidate\s+for|sits?\s+for|sat\s+for|"
        rf"(?:is|was|were|been)\s+(?:first\s+|re-?)?elected\s+(?:for\s+{_P}+\s+)?(?:in|for))\s+(?:the\s+)?{_NAME}{_WARD_WORD}?"
    ),
    rf"\b(?:of|for|in)\s+(?:the\s+)?{_NAME}{_WARD_WORD}",
    rf"\b(?:his|her|their|whose)\s+{_NAME}\s+seat\b",
    # "who represents the safe Tory seat of Pedmore and Stourbridge East"
    rf"(?:represents?|representing|represented|holds?|held)\s+the\s+(?:[\w-]+\s+){{0,3}}?(?:seat|ward|division)\s+of\s+{_NAME}",
    # "Jim Hale, Rothwell ward, said ..." / "- Jim Hale, Rothwell ward" (a list line): the ward in apposition
    rf"\A\s*[,–—]\s*(?:the\s+)?{_NAME}{_WARD_WORD}(?=\s*(?:$|[.;,)–—]))",
    # "was a Battenhall ward member before the election"
    rf"\b(?:is|was|been|as)\s+(?:a|an|the)\s+{_NAME}{_WARD_WORD}\s+(?:{_P}+\s+)?(?:councillor|member)\b",
    # "Patrick Hale, Sedgley" alone on a list line: a place after the name, if the council has
    # such a ward (checked against the gazetteer, never guessed)
    rf"\A\s*[,–—]\s*{_NAME}\s*\Z",
    # "Mussarat Pervaiz, of Dewsbury South, ...": a place in apposition, if the council has such a ward
    rf"\A\s*,\s+of\s+{_NAME}\s*(?=[,;)]|\s+and\b)",
]
_BRACKETED = _AFTER[0]
_GAZETTEER_ONLY = {_AFTER[-2], _AFTER[-1]}
# Phrases right before the name.
_BEFORE = [
    rf"{_NAME}{_WARD_WORD}\s+(?:{_P}+\s+)?(?:councillor|[Cc]llr|[Cc]oun|member)?\s*$",
    rf"(?:the|a|an)\s+{_NAME}\s+(?:{_P}+\s+)?(?:[Cc]ouncillor|[Cc]llr)\s*$",
    rf"{_NAME}['’]s\s+(?:{_P}+\s+)?(?:[Cc]ouncillor|[Cc]llr|[Cc]oun)?\s*$",
    rf"councillors?\s+for\s+{_NAME}\s*,\s*(?:{_W}+\s*(?:,|and|&)\s*)*$",
    # "neighbouring Underwood councillor, Dawn Justice"
    rf"(?:the|a|an|neighbouring|fellow)\s+{_NAME}{_WARD_WORD}?\s+(?:{_P}+\s+)?(?:councillor|member),\s*$",
    rf"{_NAME}\s+(?:{_P}+\s+)?(?:[Cc]ouncillor\s+|[Cc]llr\s+|member\s+)?$",
]
# Checked against the gazetteer: a capitalised word before a name is often a town or a party.
_NEEDS_GAZETTEER = {len(_BEFORE) - 1}
# Inside a description resolved to a person ("The Poets ward councillor", "The councillor for X").
_INSIDE = [
    rf"(?:[Tt]he|[Aa]n?)\s+(?:[\w-]+\s+){{0,2}}?{_NAME}(?:{_WARD_WORD})?\s+(?:{_P}+\s+)?(?:[Cc]ouncillor|[Cc]llr|member)\b",
    rf"(?:councillor|member|representative|candidate)\s+for\s+(?:the\s+)?{_NAME}{_WARD_WORD}?",
]
_GROUP_REF = re.compile(
    rf"^(?:The\s+(?:couple|pair|duo|trio|two|three|four|five|six)|They|Both)\b[^.]{{0,30}}?"
    rf"(?:represent|sit\s+for|serve)\s+(?:the\s+)?{_NAME}{_WARD_WORD}?")
_STOP = {"the", "council", "labour", "conservative", "independent", "party", "group", "he", "she"}


def _readings(raw: str) -> list[str]:
    """Possible ward names in a generously read phrase, longest first."""
    raw = re.sub(r"\s+", " ", raw).strip(" ,")
    raw = re.sub(r"(?<!\bSt)(?<!\bMt)(?<!\b[A-Z])\.$", "", raw)  # "... represents Elstree." ends the sentence
    raw = re.sub(r"\s+(?:[Ww]ard|[Dd]ivision)$", "", raw)
    words = raw.split(" ")
    out: list[str] = []
    for end in range(len(words), 0, -1):
        candidate = re.sub(r"\s+(?:[Ww]ard|[Dd]ivision)$", "", " ".join(words[:end]).rstrip(","))
        last = words[end - 1].rstrip(",")
        if not last or not last[0].isupper():
            continue
        out.append(candidate)
    # "Lowestoft's Whitton": the ward after a town's possessive.
    owner = re.match(r"[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?['’]s\s+(?=[A-Z])", raw)
    if owner:
        out += [r for r in _readings(raw[owner.end():]) if r not in out]
    return out


def _choose(raw: str, councils: list[Council], strict: bool = False) -> str | None:
    """The right reading of a ward phrase: a gazetteer ward (of the person's council if known),
    else the phrase cut before "on/in <place>" or a comma. The text's spelling is kept.
    ``strict``: only a gazetteer ward will do."""
    gaz = gazetteer()
    readings = _readings(raw)
    for reading in readings:
        found = gaz.councils_for_ward(reading)
        named_council = any(gaz.council_by_name(reading) == c for c in councils)
        if found and not named_council and (not councils or any(c.gss == f.gss for c in councils for f in found)):
            return reading
    if not readings or strict:
        return None
    cut = re.split(r",\s+|\s+(?:on|in|for|at|of)\s+", readings[0])[0].strip()
    cut = re.sub(r"\s+(?:[Ww]ard|[Dd]ivision)$", "", cut)
    return cut if _may_be_ward(cut, councils) else None


def _may_be_ward(name: str, councils: list[Council]) -> bool:
    """Whether a reading the gazetteer does not confirm can still stand as a ward: not a title,
    a date, a party or council word, and not a town or council (unless also a ward)."""
    if not name or name.lower() in _STOP or _is_date_word(name) or _not_a_place(name):
        return False
    if re.search(r"Council|Party|Labour|Conservative|Borough|District|County|Parliament|Liberal|Green|Reform", name):
        return False
    gaz = gazetteer()
    council = gaz.council_by_name(name)
    return council is None or (council not in councils and bool(gaz.councils_for_ward(name)))


def _not_a_place(text: str) -> bool:
    """Words a loose reading takes for a ward that cannot be one: a title or office ("Cllr",
    "Mayor"), a party's short form ("Ind", "Con"), a word in capitals ("FORMER"), a compound
    adjective ("German-born", "Leeds-based")."""
    from floorcross.normalise.names import title_info
    from floorcross.resources import lexicon

    words = text.split()
    if text.isupper() and len(text) > 1:
        return True
    if any(re.search(r"-[a-z]", w) for w in words):
        return True
    if text.lower().rstrip(".") in {w.lower() for w in lexicon()["not_wards"]}:
        return True
    return title_info(text) is not None


def _parties_masked(ctx: ArticleContext, start: int, end: int) -> str:
    """The text of a description with only its parties masked (the sentence mask hides the
    whole description, since it stands for a person)."""
    chars = list(ctx.text[start:end])
    for party in ctx.parties:
        for i in range(max(party.start, start), min(party.end, end)):
            chars[i - start] = PARTY_CHAR
    return "".join(chars)


def _is_date_word(text: str) -> bool:
    """"re-elected in May", "elected in May 2023": months, weekdays and years are no ward."""
    words = [w.lower().rstrip(".,").removesuffix("'s").removesuffix("’s") for w in text.split()]
    return bool(words) and all(w in MONTHS or w in WEEKDAYS or w.isdigit() for w in words)


def _same_list(masked: str, lo: int, hi: int) -> bool:
    """Whether only list joiners stand between two names ("Mr A and Ms B represent ...")."""
    return bool(re.fullmatch(r"[\s,]*(?:and|&|,)?[\s,]*", masked[lo:hi]))


def ward_of(ctx: ArticleContext, person: int, councils: list[Council]) -> str | None:
    """The ward the person represents, or ``None`` when the text does not say."""
    respective = _respectively(ctx).get(person) or _group_reference(ctx).get(person)
    if respective:
        return _choose(respective, councils)
    spans = []
    for span_start, span_end in ctx.spans_of(person):
        sentence = ctx.sentence_at(span_start)
        if sentence is not None and not ctx.in_quote(span_start):
            spans.append((sentence, span_start - sentence.start, span_end - sentence.start))
    descriptions = set(ctx.descriptions.get(person, []) + ctx.references.get(person, []))
    # A reading the gazetteer knows as a ward beats one it does not, wherever each is found
    # ("A Heysham councillor ..." then "... was elected in Heysham South").
    for strict in (True, False):
        for sentence, rel, rel_end in spans:
            if (sentence.start + rel, sentence.start + rel_end) in descriptions:
                inside = _parties_masked(ctx, sentence.start + rel, sentence.start + rel_end)
                for pattern in _INSIDE:
                    match = re.search(pattern, inside)
                    if match and (ward := _choose(match.group("ward"), councils, strict)):
                        return ward
        for finder in (_ward_after, _ward_before):
            for sentence, rel, rel_end in spans:
                masked = ctx.mask(sentence)
                at = rel_end if finder is _ward_after else rel
                if ward := finder(masked, at, councils, strict):
                    return ward
    return _unnamed_ward(ctx, spans, councils)


# "ward Cllr Ali Hai", "an independent councillor for his ward": the ward is not named beside
# the person, but a place in the same sentence may be one of the council's wards.
_UNNAMED_BEFORE = re.compile(r"\bward\s+(?:(?:[Cc]ouncillor|[Cc]llr|[Cc]oun)\.?\s*)?$")
_UNNAMED_AFTER = re.compile(r"\A[^.;]{0,80}?\b(?:for|in|of)\s+(?:his|her|their)\s+ward\b")
_PLACE = re.compile(rf"\b{_CAP}(?:\s+{_CAP}){{0,3}}")


def _unnamed_ward(ctx: ArticleContext, spans: list, councils: list[Council]) -> str | None:
    if len(councils) != 1:
        return None
    gaz = gazetteer()
    for sentence, rel, rel_end in spans:
        masked = ctx.mask(sentence)
        if not (_UNNAMED_BEFORE.search(masked[:rel]) or _UNNAMED_AFTER.search(masked[rel_end:])):
            continue
        for match in _PLACE.finditer(masked):
            words = match.group(0).split()
            for end in range(len(words), 0, -1):
                reading = " ".join(words[:end])
                if gaz.council_by_name(reading) == councils[0]:
                    break
                if any(c.gss == councils[0].gss for c in gaz.councils_for_ward(reading)):
                    return reading
    return None


def _ward_after(masked: str, rel_end: int, councils: list[Council], strict: bool = False) -> str | None:
    tail = masked[rel_end : rel_end + 160]
    # Skip the rest of a list this name is in ("Mr A and Ms B represent X").
    lead = re.match(rf"(?:(?:\s*(?:,|and|&)\s*|{relation_gap()}){_W}+)*", tail)
    offset = lead.end() if lead else 0
    for pattern in _AFTER:
        match = re.search(pattern, tail[offset:]) if not pattern.startswith(r"\A") else re.match(pattern, tail[offset:])
        if not match:
            continue
        between = tail[offset : offset + match.start()]
        if re.search(_W, between) or re.search(r"[.;]|\bsaid\b|\bbut\b", between):
            continue
        if pattern is not _AFTER[0] and not re.match(r"\s*,?\s*(?:who\s+|which\s+|a\s+|an\s+|the\s+|has\s+|have\s+|had\s+|and\s+|now\s+|also\s+|still\s+|currently\s+|)\s*", between):
            continue
        if len(between) > 90:
            continue
        if pattern in _GAZETTEER_ONLY:
            ward = _choose(match.group("ward"), councils, strict=True) if councils else None
        elif pattern is _BRACKETED:
            ward = _whole(match.group("ward"), councils, strict)
        else:
            ward = _choose(match.group("ward"), councils, strict)
        if ward:
            return ward
    return None


def _whole(raw: str, councils: list[Council], strict: bool) -> str | None:
    """A ward in brackets ("A (Poplar and Limehouse)") is the whole bracket, never a shorter
    reading of it that happens to be a ward somewhere else."""
    readings = _readings(raw)
    if not readings:
        return None
    whole = readings[0]
    known = gazetteer().councils_for_ward(whole)
    if known and (not councils or any(c.gss == f.gss for c in councils for f in known)):
        return whole
    if strict:
        return None
    return whole if _may_be_ward(whole, councils) else None  # not "Cllr A (Salford)", the town


def _ward_before(masked: str, rel: int, councils: list[Council], strict: bool = False) -> str | None:
    head = masked[max(0, rel - 90) : rel]
    for index, pattern in enumerate(_BEFORE):
        match = re.search(pattern, head)
        if not match:
            continue
        ward = _choose(match.group("ward"), councils, strict=strict or index in _NEEDS_GAZETTEER)
        if ward:
            return ward
    return None


def _group_reference(ctx: ArticleContext) -> dict[int, str]:
    """"The couple, who both represent Bishopstoke": the ward of everyone in the last list of names."""
    out: dict[int, str] = {}
    for sentence in ctx.sentences:
        match = _GROUP_REF.match(ctx.mask(sentence))
        if match:
            for person in _people_before(ctx, sentence, "", 0):
                out.setdefault(person, match.group("ward"))
    return out


def _respectively(ctx: ArticleContext) -> dict[int, str]:
    """"A and B represent X and Y respectively" / "They represent W, X, Y and Z respectively"."""
    out: dict[int, str] = {}
    for sentence in ctx.sentences:
        if "respectively" not in sentence.text:
            continue
        masked = ctx.mask(sentence)
        match = re.search(r"(?:represent|represents|sit\s+for|serve)\s+(?P<wards>.+?),?\s+respectively", masked)
        if not match:
            continue
        people = _people_before(ctx, sentence, masked, match.start())
        wards = _split_list(match.group("wards"))
        if people and len(wards) == len(people):
            for person, ward in zip(people, wards, strict=True):
                out[person] = ward
    return out


def _people_before(ctx: ArticleContext, sentence, masked: str, rel: int) -> list[int]:
    """The names a "respectively" sentence distributes over: a list in it, or the last list before."""
    runs = [m for m in re.finditer(rf"{_W}+(?:\s*(?:,|and|&)\s*{_W}+)*", masked[:rel])]
    if runs:
        people: list[int] = []
        for m in re.finditer(f"{_W}+", runs[-1].group(0)):
            mention = ctx.mention_at(sentence.start + runs[-1].start() + m.start())
            if mention and mention.person not in people:
                people.append(mention.person)
        if len(people) > 1:
            return people
    for previous in reversed([s for s in ctx.sentences if s.index < sentence.index][-3:]):
        pm = ctx.mask(previous)
        # "A, B and C", "A and her husband, B"
        joiner = rf"(?:\s*(?:,|and|&|,\s*and)\s*|{relation_gap()})"
        for run in reversed(list(re.finditer(rf"{_W}+(?:{joiner}{_W}+)+", pm))):
            people = []
            for m in re.finditer(f"{_W}+", run.group(0)):
                mention = ctx.mention_at(previous.start + run.start() + m.start())
                if mention and mention.person not in people:
                    people.append(mention.person)
            if len(people) > 1:
                return people
    return []


def _split_list(text: str) -> list[str]:
    """"Elswick, Wingrove, Arthur's Hill and Benwell, Scotswood & Denton Burn" -> four wards,
    keeping together the parts that make one gazetteer ward."""
    parts = [p.strip() for p in re.split(r",\s*|\s+and\s+", text) if p.strip()]
    gaz = gazetteer()
    out: list[str] = []
    i = 0
    while i < len(parts):
        best = 1
        for j in range(len(parts), i + 1, -1):
            for joiner in (", ", " and "):
                candidate = joiner.join(parts[i:j])
                if gaz.councils_for_ward(candidate) or gaz.councils_for_ward(re.sub(r",\s*([^,]+)$", r" & \1", candidate)):
                    best = j - i
                    break
            if best > 1:
                break
        if best > 1:
            # Rebuild the original spelling of the joined parts from the text.
            pattern = r"\s*(?:,|and|&)?\s*".join(re.escape(p) for p in parts[i : i + best])
            found = re.search(pattern, text)
            out.append(found.group(0) if found else ", ".join(parts[i : i + best]))
        else:
            out.append(parts[i])
        i += best
    return out
