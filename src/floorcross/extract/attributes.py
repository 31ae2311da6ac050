"""What the article says about each person: office, council, ward, role and party.

All of it is read from the words around the person's mentions; councils and wards are checked
against the gazetteer, and a council is inferred from a ward only when the ward name belongs to
exactly one council.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from floorcross.extract.context import PARTY_CHAR, PERSON_CHAR, ArticleContext
from floorcross.normalise.councils import Council, gazetteer
from floorcross.resources import lexicon

_P, _W = re.escape(PARTY_CHAR), re.escape(PERSON_CHAR)
_COUNCIL_SUFFIX = r"(?:Metropolitan\s+Borough|County\s+Borough|Borough|City|District|County|Town|Parish|Unitary|Regional|Island[s]?)?\s*Council"
_CAP = r"[A-Z][\w'’&.-]*"
_COUNCIL_NAME_RE = re.compile(
    rf"(?<![\w-])(?:(?:the\s+)?(?:London\s+Borough|Royal\s+Borough|City|Borough|County)\s+of\s+{_CAP}(?:\s+(?:and|&|upon|on|in|-)?\s*{_CAP}){{0,4}}(?:\s+Council)?"
    rf"|{_CAP}(?:,?\s+(?:and\s+|&\s+|upon\s+|on\s+|under\s+|le\s+|with\s+|of\s+)?{_CAP}){{0,6}}\s+{_COUNCIL_SUFFIX})(?![\w-])"
)
_PLACE_COUNCILLOR_RE = re.compile(
    rf"(?<![\w-])(?P<place>(?-i:{_CAP}(?:[ \t-]+(?:and[ \t]+|&[ \t]+|upon[ \t]+|on[ \t]+|under[ \t]+)?{_CAP}){{0,3}}))(?:['’]s)?\s+"
    r"(?:(?:city|borough|district|county|town|council|directly|elected|labour|conservative|tory|lib\s+dem|green|reform)\s+)*"
    r"(?:councillors?|councilors?|cllrs?|council\b|mayor|seats\b|authority|cabinet\b)",
    re.IGNORECASE,
)
_ROUNDUP_RE = re.compile(rf"(?m)^(?P<place>{_CAP}(?:\s+(?:and\s+|upon\s+|on\s+)?{_CAP}){{0,3}}):\s")
# "In Gosport, ...", "Over in Dudley, ...", "South Lanarkshire's Poppy Corbett": a round-up's place
# before its item, a place that owns a person.
_IN_OPENING_RE = re.compile(
    rf"(?m)(?:^|(?<=[.!?]\s)|(?<=[.!?]\s\s))(?:(?:Over|Meanwhile|Elsewhere|And|But|Nearby|Across\s+the\s+(?:border|county|river|district|city)),?\s+)?(?:in|In)\s+"
    rf"(?P<place>{_CAP}(?:\s+(?:and\s+|upon\s+|on\s+|under\s+)?{_CAP}){{0,3}}),\s")
_PLACE_OWNER_RE = re.compile(rf"(?P<place>{_CAP}(?:\s+(?:and\s+|upon\s+|on\s+)?{_CAP}){{0,3}})['’]s\s+(?=[A-Z])")
_IN_PLACE_RE = re.compile(
    rf"(?:(?:[Cc]ouncillors?|[Cc]ouncilors?|members?|authority|council)\s+(?:in|for|on|at|of)|[Ww]ard\s+(?:[\w'’-]+\s+){{0,2}}?in)\s+"
    rf"(?P<place>{_CAP}(?:[\s-]+(?:and\s+|upon\s+|on\s+)?{_CAP}){{0,3}})",
)


@dataclass(frozen=True)
class CouncilMention:
    start: int
    end: int
    council: Council  # today's council (the named one, or its successor)
    named: Council | None = None  # the council as the text names it, where that is a former one


@cache
def _office_rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((o["office"], re.compile(rf"(?<![\w-])(?:{o['pattern']})(?![\w-])", re.IGNORECASE if o["office"] in {"councillor", "candidate", "peer"} else 0))
                 for o in lexicon()["offices"])


@cache
def _role_rules() -> tuple[re.Pattern[str], ...]:
    council = r"(?:the\s+)?(?:council|authority|(?:[A-Z][\w'’&,.-]*\s+){1,6}" + _COUNCIL_SUFFIX + ")"
    return tuple(re.compile(r.replace("{COUNCIL}", council)) for r in lexicon()["roles"])


def find_councils(ctx: ArticleContext) -> list[CouncilMention]:
    """Councils named in the article ("Luton Borough Council", "a Derby city councillor")."""
    gaz = gazetteer()
    text = ctx.text
    found: list[CouncilMention] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, name: str) -> None:
        if any(start < e and end > s for s, e in taken):
            return
        name = re.sub(r"['’]s$", "", name)
        council = gaz.council_by_name(name) or gaz.council_by_name(name.title())
        if council is None:
            return
        current = gaz.current(council)
        named = council if council.gss != current.gss or council.official_name != current.official_name else None
        found.append(CouncilMention(start, end, current, named))
        taken.append((start, end))

    for match in _COUNCIL_NAME_RE.finditer(text, ctx.body_start):
        name = match.group(0)
        # "legacy Craigavon Borough Council", "the then-Waveney District Council": still a council.
        start, end = match.start(), match.end()
        words = name.split()
        while len(words) > 2 and gaz.council_by_name(" ".join(words)) is None:
            start += len(words[0]) + 1
            words = words[1:]
            name = " ".join(words)
        if gaz.council_by_name(name) is None:
            # "the London Borough of Hackney on Tuesday": words after the name are not of it.
            words = match.group(0).split()
            while len(words) > 3 and gaz.council_by_name(" ".join(words)) is None:
                words = words[:-1]
            start, name = match.start(), " ".join(words)
            end = start + len(name)
        add(start, end, name)
    for regex in (_ROUNDUP_RE, _IN_OPENING_RE, _PLACE_OWNER_RE):
        for match in regex.finditer(text, ctx.body_start):
            place = match.group("place")
            if regex is _PLACE_OWNER_RE and not any(m.span_start == match.end() for m in ctx.mentions):
                continue  # only "Place's Firstname Surname"
            add(match.start("place"), match.end("place"), place)
    for regex in (_PLACE_COUNCILLOR_RE, _IN_PLACE_RE):
        for match in regex.finditer(text, ctx.body_start):
            place = re.sub(r"['’]s$", "", match.group("place"))
            words = place.split()
            # Suffixes ("Three more Ashfield District") and prefixes ("Leicester and Benjamin Gray").
            spans = [(i, len(words)) for i in range(len(words))] + [(0, j) for j in range(len(words) - 1, 0, -1)]
            for i, j in spans:
                candidate = " ".join(words[i:j])
                if candidate.lower() in {"and", "council", "city", "borough"}:
                    continue
                if gaz.council_by_name(candidate) or gaz.council_by_name(candidate.title()):
                    s = match.start("place") + len(" ".join(words[:i])) + (1 if i else 0)
                    add(s, s + len(candidate), candidate)
                    break
    for party in ctx.parties:
        if party.place:
            add(party.start, party.start + len(party.place), party.place)
    # Town, parish and community councils are not in the gazetteer: kept as the text names them.
    for match in _LOCAL_COUNCIL_RE.finditer(text, ctx.body_start):
        if not any(match.start() < e and match.end() > s for s, e in taken) and gaz.council_by_name(match.group(0)) is None:
            name = re.sub(r"\s+", " ", match.group(0))
            found.append(CouncilMention(match.start(), match.end(), Council(
                gss=f"text:{name.lower()}", code="", official_name=name, nice_name=name, type="PAR",
                nation="", region="", county_gss=None, current=True, replaced_by=None)))
            taken.append((match.start(), match.end()))
    return sorted(found, key=lambda c: c.start)


_LOCAL_COUNCIL_RE = re.compile(
    rf"(?<![\w-]){_CAP}(?:\s+(?:and\s+|upon\s+|on\s+|le\s+|&\s+)?{_CAP}){{0,4}}\s+(?:Town|Parish|Community)\s+Council(?![\w-])")


def office_of(ctx: ArticleContext, person: int, sentences: list[int], group_noun: str | None) -> str:
    """The office a person holds, from titles and office words next to their name."""
    text = ctx.text
    for m in ctx.people[person].mentions:
        for title in [m.title] if m.title else []:
            office = _office_word(title)
            if office and office != "councillor":
                return office
    for lo, hi in ctx.descriptions.get(person, []):
        for office, regex in _office_rules():
            if regex.search(text[lo:hi]):
                return office
    for m in ctx.people[person].mentions:
        before = text[max(0, m.span_start - 60) : m.span_start]
        after = text[m.end : m.end + 80]
        office_before = re.search(r"\b(MPs?|MSPs?|MLAs?|MEPs?|AM|MS|peer|candidate)\b(?:\s+for\s+[^,.;]{1,40})?,?\s*$", before)
        if office_before:
            office = _office_word(office_before.group(1))
            if office:
                return office
        who = re.match(r",\s+who\s+[^.;,]{0,50}?\b(MPs?|MSPs?|MLAs?|MEPs?)\b", after)
        if who:  # "Smith, who now sits as an independent MP"
            return _office_word(who.group(1)) or "mp"
        near = re.search(r"(?:^|[\s,(])((?:[\w'’-]+\s+){0,3}?)([\w'’-]+)\s*$", before)
        lead = re.match(r"\s*(?:,\s+(?:the|a|an)\s+(?:[\w'’-]+\s+){0,4}?([\w'’-]+(?:\s+for\b)?)|\s+(MP|MSP|MLA|MEP|AM|MS)\b|\s+(?:has|had)\s+(?:become|been)\s+(?:the|a)\s+(?:[\w'’-]+\s+){0,3}?(MP|MSP|MLA|MEP)\b)", after)
        for word in ([lead.group(1), lead.group(2), lead.group(3)] if lead else []) + ([near.group(2)] if near else []):
            office = _office_word(word) if word else None
            if office and office != "councillor":
                return office
            if office == "councillor":
                return "councillor"
    if group_noun:
        office = _office_word(group_noun)
        if office:
            return office
    for index in sentences:
        sent = ctx.sentences[index].text
        if re.search(r"\bMPs?\b", sent) and not re.search(r"council", sent, re.IGNORECASE):
            return "mp"
    if _ABOUT_PARLIAMENT.search(text) and not _ABOUT_COUNCILS.search(text):
        return "mp"  # a story about MPs that never speaks of a council
    return "councillor"


_ABOUT_PARLIAMENT = re.compile(r"\bMPs?\b|\bHouse of Commons\b|\bWestminster\b")
_ABOUT_COUNCILS = re.compile(r"council|\bcllrs?\b|\bcouns?\b|\bward\b", re.IGNORECASE)


def _office_word(word: str) -> str | None:
    word = word.strip(" ,")
    for office, regex in _office_rules():
        if regex.fullmatch(word) or (office in {"mp", "msp", "mla", "mep"} and regex.fullmatch(word.rstrip("s"))):
            return office
    return None


def council_of(ctx: ArticleContext, person: int, councils: list[CouncilMention], ward: str | None,
               office: str, change_sentences: list[int] = ()) -> tuple[str | None, bool]:
    """The person's council (official name) and whether it was inferred from the ward."""
    if office in {"mp", "msp", "ms", "mla", "mep", "peer", "other"}:
        return None, False
    gaz = gazetteer()
    if any(not c.council.gss.startswith("text:") for c in councils):
        # A town or parish council only when the text names no principal council.
        councils = [c for c in councils if not c.council.gss.startswith("text:")]
    mentions = ctx.people[person].mentions
    best: tuple[int, Council] | None = None
    for span_start, _ in ctx.spans_of(person):
        sentence = ctx.sentence_at(span_start)
        if sentence is None:
            continue
        for c in councils:
            if sentence.start <= c.start < sentence.end:
                distance = abs(c.start - span_start)
                # "A, a councillor in Leicester and B, a councillor in Rushcliffe": a council
                # with someone else named in between is further away than it looks.
                # So is one that follows someone else's name ("A, a councillor in X"): it is theirs.
                lo, hi = sorted((span_start, c.start))
                owner = max((m for m in ctx.mentions if sentence.start <= m.end <= c.start),
                            key=lambda m: m.end, default=None)
                mates = _list_mates(ctx, span_start, sentence.start)
                if any(m.person != person and m.person not in mates and lo < m.span_start < hi for m in ctx.mentions) or (
                        c.start < span_start and owner is not None and owner.person != person
                        and owner.person not in mates
                        and not _NEW_CLAUSE.search(ctx.text, owner.end, c.start)):
                    distance += 200
                if best is None or distance < best[0]:
                    best = (distance, c.council)
    county_title = any(m.title and m.title.lower().startswith("county") for m in mentions)
    if best is not None and best[0] < 220:
        council = best[1]
        if county_title and council.type != "CTY":
            county = gaz.county(council)
            council = county or council
        return council.official_name, False
    local = _change_council(ctx, change_sentences, councils) or _paragraph_council(ctx, person, councils)
    if local is not None:
        if county_title and local.type != "CTY":
            local = gaz.county(local) or local
        return local.official_name, False
    if ward:
        ward_councils = gaz.councils_for_ward(ward)
        named = [c for c in ward_councils if any(c.gss == cm.council.gss for cm in councils)]
        if len(named) == 1:
            return named[0].official_name, False
        # A ward name that belongs to one council elsewhere in the country says nothing when the
        # article is about another council ("Sutton West" division of Nottinghamshire).
        # Nor does it when the article never names the council's place: a ward name alone
        # ("Eastgate", "Mill Lane") is shared by too many places to place a story.
        if len(ward_councils) == 1 and not councils and _place_named(ctx, ward_councils[0]):
            return ward_councils[0].official_name, True
    dominant = _dominant_council(ctx, councils, person)
    if dominant is not None:
        if county_title and dominant.type != "CTY":
            county = gaz.county(dominant)
            if county is not None:
                return county.official_name, False
        return dominant.official_name, False
    return None, False


# What opens a new clause between someone's name and a council named after it ("A joined
# the Greens, while on X Council B and C ..."): the council is no longer A's.
_NEW_CLAUSE = re.compile(r";|[,–—]\s*(?:while|whereas|but|and|meanwhile|elsewhere)\b|\bwhile\b|\bwhereas\b")

_PLACE_NOISE = frozenset({"city", "of", "borough", "district", "county", "council", "and", "the",
                          "royal", "metropolitan", "upon", "on", "with", "le", "north", "south",
                          "east", "west", "central", "mid", "greater", "new", "great"})


def _place_named(ctx: ArticleContext, council: Council) -> bool:
    """Whether the article names the place of ``council`` anywhere: a word of its short name
    that is not a council, compass or joining word ("Mansfield"; "Suffolk" for West Suffolk;
    "Windsor" or "Maidenhead")."""
    words = [w for w in re.findall(r"[A-Z][\w'’-]+", council.nice_name or council.official_name)
             if w.lower() not in _PLACE_NOISE]
    return any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", ctx.text) for w in words)


_LIST_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)(?:(?:Cllrs?\.?|Councillors?|Couns?\.?)\s+)?")


def _list_mates(ctx: ArticleContext, span_start: int, floor: int) -> set[int]:
    """The people listed right before the mention at ``span_start`` ("Basildon councillors A
    and B": A is B's list mate, so "Basildon" is B's council too)."""
    mates: set[int] = set()
    pos = span_start
    while True:
        before = max((m for m in ctx.mentions if floor <= m.end <= pos), key=lambda m: m.end, default=None)
        if before is None or not _LIST_JOIN.fullmatch(ctx.text, before.end, pos):
            return mates
        mates.add(before.person)
        pos = before.span_start


def _change_council(ctx: ArticleContext, sentences: list[int], councils: list[CouncilMention]) -> Council | None:
    """The council named in the sentence that states the person's change ("Six councillors have
    quit Labour on Bolton Council ... These councillors are A, B, ..."), when only one is."""
    if len({c.council.gss for c in councils}) < 2:
        return None
    for index in sentences:
        sentence = ctx.sentences[index]
        inside = {c.council.gss: c.council for c in councils if sentence.start <= c.start < sentence.end}
        if len(inside) == 1:
            return next(iter(inside.values()))
    return None


def _paragraph_council(ctx: ArticleContext, person: int, councils: list[CouncilMention]) -> Council | None:
    """In an article naming several councils, the one named in the paragraph where the person
    is first named (nearest before the name, else after it)."""
    if len({c.council.gss for c in councils}) < 2:
        return None
    first = ctx.sentence_at(ctx.people[person].mentions[0].span_start)
    if first is None:
        return None
    inside = [c for c in councils if (s := ctx.sentence_at(c.start)) is not None and s.paragraph == first.paragraph]
    if not inside or len({c.council.gss for c in inside}) > 1:
        return None
    return inside[0].council


def _dominant_council(ctx: ArticleContext, councils: list[CouncilMention], person: int) -> Council | None:
    """The council the article is about: the only one named, or the first named before the person."""
    if not councils:
        return None
    distinct = {c.council.gss: c.council for c in councils}
    if len(distinct) == 1:
        return next(iter(distinct.values()))
    # The council a story names first is the one it is about; a council named later, even
    # just before the person ("... as happened on X Council last year"), is context.
    first = ctx.people[person].mentions[0].span_start
    before = [c for c in councils if c.start <= first]
    if before:
        return before[0].council
    counts: dict[str, int] = {}
    for c in councils:
        counts[c.council.gss] = counts.get(c.council.gss, 0) + 1
    top = max(counts.values())
    leaders = [g for g, n in counts.items() if n == top]
    return distinct[leaders[0]] if len(leaders) == 1 else None


_ROLE_AFTER = re.compile(
    r"\s*,\s+(?:the\s+|a\s+|who\s+(?:is|was|has\s+been|had\s+been)\s+(?:the\s+|a\s+)?)?")
_ROLE_CLAUSE = re.compile(r"\s*,\s+who\s+[^,;.]{0,80}?\b(?:and\s+)?(?:is|was|has\s+been|serves\s+as|served\s+as)\s+(?:the\s+|a\s+)?")


def role_of(ctx: ArticleContext, person: int) -> str | None:
    """A position the person held, from phrases right next to their name ("Cllr X, deputy leader
    of the council", "council leader Y", "Z, who represents Hulton and is deputy leader of the
    Conservative group") or from a description resolved to them ("The leader of Pendle Borough
    Council has left ...")."""
    for lo, hi in ctx.descriptions.get(person, []):
        phrase = re.sub(r"^(?:[A-Z][\w-]*['’]s|the|The|this|This)\s+", "", ctx.text[lo:hi])
        for regex in _role_rules():
            hit = regex.match(phrase)
            if hit:
                return _clean_role(hit.group("role"))
    for m in ctx.people[person].mentions:
        if ctx.in_quote(m.span_start):
            continue
        sentence = ctx.sentence_at(m.span_start)
        if sentence is None:
            continue
        before = ctx.text[max(sentence.start, m.span_start - 90) : m.span_start]
        after = ctx.text[m.end : min(sentence.end, m.end + 160)]
        for regex in _role_rules():
            hit = regex.search(before)
            if hit and re.fullmatch(r"\s*(?:[A-Z][\w-]*\s+){0,3}(?:Cllr\s+|Councillor\s+|Coun\s+)?", before[hit.end():]):
                role = hit.group("role")
                # "Former Labour deputy leader of ...": 'former' before a party still applies.
                if re.search(r"\b(?:[Ff]ormer|[Ee]x-)\s*(?:[A-Z][\w-]*\s+){0,2}$", before[:hit.start("role")]) \
                        and not re.match(r"(?i)former\b", role):
                    role = "former " + role
                return _clean_role(role)
            for lead in (_ROLE_AFTER, _ROLE_CLAUSE):
                opening = lead.match(after)
                if not opening:
                    continue
                rest = after[opening.end():]
                # Up to two words may come first ("the council's cabinet member for ...").
                starts = [0] + [m.end() for m in re.finditer(r"[\w'’-]+\s+", rest)][:2]
                for start in starts:
                    role = regex.match(rest[start:])
                    if role:
                        return _clean_role(role.group("role"))
    return None


def _clean_role(role: str) -> str:
    role = re.sub(r"\s+", " ", role).strip(" ,")
    role = re.sub(r"^(?:the|a|an)\s+", "", role)
    role = re.sub(r"\bcouncil leader\b", "leader of the council", role, flags=re.IGNORECASE)
    role = re.sub(r"\b(leader|member|chair) of (?!the council\b)(?:the )?[A-Z][\w'’&,. -]*?(?:Metropolitan Borough|County Borough|Borough|City|District|County)? Council\b",
                  r"\1 of the council", role)
    return role[0].lower() + role[1:] if role and not role[:2].isupper() else role


def party_of(ctx: ArticleContext, person: int, before: int | None = None, allow_former: bool = False) -> str | None:
    """The party the text attaches to a person ("Labour councillor X", "X, a Reform UK councillor").

    "former Labour MP X" says which party X was in, not which they are in: only with ``allow_former``.
    """
    for span_start, span_end in ctx.spans_of(person):
        if before is not None and span_start > before:
            break
        sentence = ctx.sentence_at(span_start)
        if sentence is None or ctx.in_quote(span_start):
            continue
        masked = ctx.mask(sentence)
        rel, rel_end = span_start - sentence.start, span_end - sentence.start
        inner = re.search(rf"({_P}+)\s+(?:[\w-]+\s+){{0,3}}?(?:councillor|cllr|member|MP|politician|representative)\b", masked[rel:rel_end], re.IGNORECASE)
        if inner and not re.search(r"\b(?:former|ex)\W*\s*$", masked[rel:rel + inner.start(1)], re.IGNORECASE):
            p = ctx.party_at(span_start + inner.start(1), span_start + inner.end(1))
            if p and p.name != "Independent":
                return p.name
        left = masked[max(0, rel - 50) : rel]
        former = "" if allow_former else r"(?<!former\s)(?<!ex-)"
        adj = re.search(rf"{former}({_P}+)(?:['’]s?)?\s+(?:[a-z-]+\s+){{0,2}}?(?:(?:county|borough|district|city|town|parish)\s+)?(?:councillor|cllr|coun|member|MP|MSP|MLA|MEP|AM|politician|representative|group\s+leader|leader|candidate|peer|mayor)?(?:\s+for\s+[^,.;]{{1,40}}?)?\s*,?\s*$", left, re.IGNORECASE)
        if adj:
            p = ctx.party_at(sentence.start + rel - len(left) + adj.start(1), sentence.start + rel - len(left) + adj.end(1))
            if p and p.name != "Independent":
                return p.name
        right = masked[rel_end : rel_end + 90]
        # "Jane Roe (Lib Dem, Bodmin St Leonard)", "Jo Bell (Con)": the party in brackets
        bracket = re.match(rf"\s*\(\s*({_P}+)\s*(?:[,;/–-][^()]{{0,60}})?\)", right)
        if bracket:
            p = ctx.party_at(span_end + bracket.start(1), span_end + bracket.end(1))
            if p and p.name != "Independent":
                return p.name
        app = re.match(rf"\s*,\s+(?:who\s+(?:is|was|has\s+been|had\s+been)\s+)?(?:the|a|an)\s+(?:[a-z-]+\s+){{0,2}}({_P}+)\s+(?:councillor|cllr|member|MP|representative|politician|group)", right, re.IGNORECASE)
        if not app:
            app = re.match(rf"\s*,\s+(?:the|a|an)\s+[^,.;]{{0,40}}?\b(?:for|of)\s+the\s+({_P}+)", right)
        if not app:
            app = re.match(rf"[^.;{_W}]{{0,60}}?(?:for|as\s+an?)\s+(?:the\s+)?({_P}+)\s+(?:since|in|for|councillor|member)", right)
        if app:
            p = ctx.party_at(sentence.start + rel_end + app.start(1), sentence.start + rel_end + app.end(1))
            if p and p.name != "Independent":
                return p.name
    return None


def council_then(council: str | None, councils: list[CouncilMention], day: str | None) -> str | None:
    """The council as it was on the change's date, when the text names it by a former name or
    as a council since abolished ("Waveney District Council" in 2015, "Shepway District
    Council" in 2016); today's council when the change came after the abolition or rename."""
    if council is None or day is None:
        return council
    gaz = gazetteer()
    for mention in councils:
        if mention.named is None or mention.council.official_name != council:
            continue
        then = gaz.council_on(mention.named, day)
        if then is not None:
            return gaz.name_on(then, day)
    known = gaz.council_by_name(council)
    return gaz.name_on(known, day) if known is not None else council  # a renamed council's name then
