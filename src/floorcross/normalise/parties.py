"""Party names: find party mentions in text and map them to canonical names.

Canonical names and aliases live in ``data/parties.yaml``. Besides the national parties the
finder recognises local groups ("Ashfield Independents", "Havering Residents' Association",
"the 'Democratic Conservative' group") and keeps them as the article names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from floorcross.fastre import by_first_char
from floorcross.resources import lexicon, parties_data

_POLITICAL_NOUNS = (
    r"(?:councillors?|cllrs?|couns?|group|party|members?|MPs?|MSPs?|MLAs?|MEPs?|MS|AMs?|candidates?"
    r"|leader|politicians?|representatives?|seats?|colleagues?|administration|supporters|peer"
    r"|mayor|activists?|opposition|minority|majority|cabinet|spokes\w+|chair\w*|ward|bench)"
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})


@dataclass(frozen=True)
class PartyMention:
    """A party named in the text: ``text[start:end]`` and its canonical name."""

    start: int
    end: int
    surface: str
    name: str
    local: bool = False  # a local group kept as written, not one of the canonical parties
    place: str | None = None  # "Luton" in "Luton Labour"


@dataclass(frozen=True)
class _PartyTables:
    alias_to_name: dict[str, str]
    alias_re: re.Pattern[str]
    context_re: re.Pattern[str]
    local_re: re.Pattern[str]
    quoted_group_re: re.Pattern[str]
    not_parties: frozenset[str]
    # Words one of which every match of a pattern contains, so the pattern need not run over
    # text without them (see find_parties): lower-case for ``context_re`` (None: no such test
    # is safe), as written for ``local_re``.
    context_words: tuple[str, ...] | None
    local_words: tuple[str, ...]


def _alias_pattern(aliases: list[str]) -> str:
    parts = []
    for alias in sorted(set(aliases), key=len, reverse=True):
        body = r"[ \t]+".join(re.escape(w) for w in alias.split()).replace("'", "['’]")
        if alias.islower():
            parts.append(f"(?i:{body})")
        else:
            parts.append(body)
            if alias.upper() != alias:
                parts.append(r"[ \t]+".join(re.escape(w) for w in alias.upper().split()).replace("'", "['’]"))
    return "|".join(parts)


@cache
def _case_variants(ch: str) -> tuple[str, ...]:
    """The characters a case-insensitive pattern matches for ``ch`` ("i" also matches "İ" and
    "ı"); every one lies below U+3000, which a test checks over the whole of Unicode."""
    single = re.compile(f"(?i:{re.escape(ch)})")
    return tuple(chr(c) for c in range(0x3000) if single.fullmatch(chr(c)))


def _alias_alternation(aliases: list[str]) -> str:
    """:func:`_alias_pattern` written for a fast scan (:func:`floorcross.fastre.by_first_char`):
    the same matches, longest alias first among those sharing a first letter. A lower-case
    alias is matched in any case, so it opens with each letter its first one matches."""
    alternatives: list[tuple[str, str]] = []
    for alias in sorted(set(aliases), key=len, reverse=True):
        forms = [alias] if alias.islower() else \
            [alias] + ([alias.upper()] if alias.upper() != alias else [])
        for form in forms:
            body = r"[ \t]+".join(re.escape(w) for w in form.split()).replace("'", "['’]")
            rest = body[len(re.escape(form[0])):]
            if alias.islower():
                alternatives += [(first, f"(?i:{rest})") for first in _case_variants(form[0])]
            else:
                alternatives.append((form[0], rest))
    return by_first_char(alternatives, r"[\w'’-]")


def _lower_safe(words: list[str]) -> tuple[str, ...] | None:
    """``words`` lower-cased, when every text a case-insensitive pattern for them matches
    lower-cases to contain them (true of plain ASCII letters other than i, k and s)."""
    lowered = tuple(sorted({w.lower() for w in words}))
    safe = all(v.lower() == ch for w in lowered for ch in w for v in _case_variants(ch))
    return lowered if safe else None


@cache
def _tables() -> _PartyTables:
    data = parties_data()
    alias_to_name: dict[str, str] = {}
    aliases: list[str] = []
    context_aliases: list[str] = []
    for party in data["parties"] + data.get("other_parties", []):
        alias_to_name[_key(party["name"])] = party["name"]
        for alias in party.get("aliases", []):
            alias_to_name[_key(alias)] = party["name"]
            aliases.append(alias)
        for alias in party.get("context_aliases", []):
            alias_to_name[_key(alias)] = party["name"]
            context_aliases.append(alias)
    alias_re = re.compile(rf"(?:{_alias_alternation(aliases)})(?![\w-])")
    context_re = re.compile(
        rf"(?<![\w'’-])(?P<alias>{_alias_pattern(context_aliases)})(?=\s+{_POLITICAL_NOUNS}\b)"
        rf"|\b(?:to|from|left|join|joined|joins|quit|quits|leave|leaves|for)\s+(?P<alias2>{_alias_pattern(context_aliases)})(?![\w'’-])(?!\s+(?-i:[A-Z]))"
        # "a former Green,", "an ex-Green who ...": the party word as a person's description
        rf"|\b(?:former|ex|a|an)[\s-]+(?P<alias3>{_alias_pattern(context_aliases)})(?![\w'’-])(?=\s*[,.;)]|\s+(?:and|who|but)\b)",
        re.IGNORECASE,
    )
    heads = sorted(data["local_group_heads"], key=len, reverse=True)
    head_re = "|".join(r"[ \t]+".join(re.escape(w) for w in h.split()) for h in heads)
    starts = "|".join(re.escape(s).replace(r"\ ", r"[ \t]+") for s in data["local_group_starts"])
    word = r"(?:[A-Z][\w'’&.-]*|&|and|of|for|the|St\.?)"
    local_re = re.compile(
        rf"(?<![\w'’-])(?:(?:{starts})(?:[ \t]+{word}){{1,4}}"
        rf"|[A-Z][\w'’&.-]*(?:[ \t]+{word}){{0,4}}?[ \t]+(?:{head_re}))(?![\w-])"
    )
    quoted_group_re = re.compile(
        r"(?:the\s+)?[‘'\"“](?P<name>[A-Z0-9][^‘’'\"“”\n]{2,40}?)[’'\"”]"
        # "the 'Democratic Conservative' group", or a quoted name that is a group's own
        r"(?:\s+(?:group|party|Group|Party)|(?<=Group.)|(?<=Party.)|(?<=Independents.)|(?<=Alliance.))"
    )
    return _PartyTables(
        alias_to_name, alias_re, context_re, local_re, quoted_group_re,
        frozenset(_key(n) for n in data["not_parties"]),
        _lower_safe(context_aliases),
        tuple(sorted({h.split()[-1] for h in heads} | {s.split()[0] for s in data["local_group_starts"]})),
    )


def _key(surface: str) -> str:
    # "İ" and "ı" match an alias's "i" case-insensitively; "İ".lower() is "i" plus a dot.
    key = re.sub(r"\s+", " ", surface.translate(_APOSTROPHES)).strip().lower()
    return key.replace("i\u0307", "i").replace("ı", "i") if not key.isascii() else key


def canonical_party(surface: str | None) -> str | None:
    """The canonical name for a party as written ("Tories" -> "Conservative"), else the text tidied.

    >>> canonical_party("Lib Dems")
    'Liberal Democrats'
    """
    if surface is None:
        return None
    text = re.sub(r"\s+", " ", surface).strip()
    names = _tables().alias_to_name
    if _key(text) in names:
        return names[_key(text)]
    text = re.sub(r"^(?:the|The)\s+", "", text)
    text = re.sub(r"['’]s$", "", text)
    key = _key(text)
    if key in names:
        return names[key]
    for suffix in (" party", " group"):
        if key.endswith(suffix) and key[: -len(suffix)] in names:
            return names[key[: -len(suffix)]]
    return text.translate(_APOSTROPHES)


def _place_prefix(words: list[str]) -> bool:
    """Whether words name a place (so "Luton Labour" is Labour, not a new party)."""
    if not words:
        return False
    phrase = " ".join(words)
    regional = {"welsh", "scottish", "london", "english", "northern", "southern", "local", "national"}
    if all(w.lower() in regional for w in words):
        return True
    try:
        from floorcross.normalise.councils import gazetteer
    except ImportError:  # pragma: no cover - gazetteer data missing in a partial install
        return False
    gaz = gazetteer()
    return gaz.council_by_name(phrase) is not None or bool(gaz.councils_for_ward(phrase))


_GROUP_WORD = r"[A-Z][\w'’&.-]*"
_GROUP_NAME = rf"(?P<name>{_GROUP_WORD}(?:[ \t]+(?:of|for|and|&|{_GROUP_WORD}))*?[ \t]+{_GROUP_WORD})"


@cache
def _discovery_res() -> tuple[re.Pattern[str], ...]:
    data = parties_data()
    contexts = "|".join(re.escape(w) for w in data["local_group_contexts"])
    return (
        re.compile(rf"(?<![\w'’&.-]){_GROUP_NAME}(?=[ \t]+(?:{contexts})\b)"),
        re.compile(rf"\bon\s+(?:a|an|the)\s+{_GROUP_NAME}\s+ticket\b"),
        re.compile(rf"(?<![\w'’&.-]){_GROUP_NAME}\s+(?:has\s+|have\s+|had\s+)?(?:also\s+)?lost\s+(?:\w+\s+){{0,2}}?(?:councillors?|members?)\b"),
        re.compile(rf"\b(?:party|group),\s+(?:the\s+)?{_GROUP_NAME}(?=\s*(?:[,.;)]|\s+and\b))"),
        # "left Labour to form Hexley Voice", "have set up the Dunmore Alliance": a group named as it is formed.
        re.compile(rf"\b(?:form|formed|forming|found|founded|founding|launch|launched|launching|set\s+up|setting\s+up|"
                   rf"start|started|starting|create|created|creating)\s+(?:the\s+|a\s+)?(?:new\s+)?[‘'\"“]?{_GROUP_NAME}"),
        # "... will be known as Hexley Together", "a group called the Dunmore Alliance"
        re.compile(rf"\b(?:called|named|known\s+as|under\s+the\s+(?:name|banner)(?:\s+of)?)\s+(?:the\s+)?[‘'\"“]?{_GROUP_NAME}"),
    )


def discover_local_groups(text: str) -> frozenset[str]:
    """Names of local groups an article gives in its own words (see ``local_group_contexts`` in
    parties.yaml), so that every other place it names them is a party mention too."""
    if not any(w in text for w in ("ticket", "lost", "party,", "group,", "form", "found", "launch", "set up",
                                   "start", "creat", "called", "named", "known as", "banner")) and not re.search(
            r"[A-Z]\w+ [A-Z]\w+ (?:councillor|member|leader|group|candidate|cllr|spokes|whip|colleague|administration)", text):
        return frozenset()
    tables = _tables()
    stop = frozenset(parties_data()["not_group_words"])
    heads = frozenset(parties_data()["local_group_words"])
    numbers = number_words()
    found: set[str] = set()
    for regex in _discovery_res():
        for match in regex.finditer(text):
            name = match.group("name")
            words = name.split()
            while words and (words[0] in stop or words[0].lower() in numbers):
                words = words[1:]
            if len(words) < 2 or any(w.strip(",.") in stop for w in words):
                continue
            if not any(w.strip(",.") in heads for w in words):
                continue
            name = " ".join(words).rstrip(".,;:")
            if tables.alias_re.search(name) or _key(name) in tables.not_parties or _place_prefix(words):
                continue
            if any(_place_prefix(words[:i]) for i in range(1, len(words))) and \
                    canonical_party(" ".join(words[1:])) in _canonical_names():
                continue
            found.add(name)
    return frozenset(found)


_EX_PREFIX = re.compile(r"(?<![\w-])(?i:ex)-(?=[A-Z])")


def find_parties(text: str, start: int = 0, end: int | None = None,
                 known_groups: frozenset[str] = frozenset()) -> list[PartyMention]:
    """Every party mention in ``text[start:end]``, longest first where they overlap.

    ``known_groups``: local group names found elsewhere in the article
    (:func:`discover_local_groups`), matched wherever they occur."""
    end = len(text) if end is None else end
    tables = _tables()
    segment = text[start:end]
    lowered = segment.lower()
    found: list[PartyMention] = []
    for name in known_groups:
        for match in re.finditer(rf"(?<![\w'’-]){re.escape(name)}(?![\w'’-])", segment):
            s, e = match.start() + start, match.end() + start
            found.append(PartyMention(s, e, text[s:e], name, local=True))
    # Three of the four patterns run only over text holding a word every match contains.
    quoted = "group" in lowered or "party" in lowered
    for match in tables.quoted_group_re.finditer(segment) if quoted else ():
        name = match.group("name").strip()
        s, e = match.start() + start, match.end() + start
        found.append(PartyMention(s, e, text[s:e], canonical_party(name) or name, local=True))
    # "ex-Labour", "ex-Tory": the party after the prefix (same length, so offsets hold).
    scan = _EX_PREFIX.sub("ex ", segment) if "x-" in segment else segment
    for match in tables.alias_re.finditer(scan):
        s, e = match.start() + start, match.end() + start
        name = tables.alias_to_name[_key(match.group(0))]
        place_start = _place_before(text, s, start) if name != "Independent" else None
        if place_start is not None:
            place = text[place_start:s].strip()
            found.append(PartyMention(place_start, e, text[place_start:e], name, place=place))
        else:
            found.append(PartyMention(s, e, text[s:e], name))
    context = tables.context_words is None or any(w in lowered for w in tables.context_words)
    for match in tables.context_re.finditer(segment) if context else ():
        group = "alias" if match.group("alias") else "alias2" if match.group("alias2") else "alias3"
        s, e = match.start(group) + start, match.end(group) + start
        if _inside_place_name(text, s, e, start):
            continue  # "Heald Green ward", "a Bethnal Green councillor": a place, not the party
        found.append(PartyMention(s, e, text[s:e], tables.alias_to_name[_key(match.group(group))]))
    pos = 0
    local = any(w in segment for w in tables.local_words)
    while local and (match := tables.local_re.search(segment, pos)) is not None:
        mention = _local_mention(text, match.start() + start, match.end() + start, tables)
        if mention:
            found.append(mention)
        joiner = re.search(r"\s(?:and|for)\s", match.group(0))
        # "Plaid Cymru for the Havering Residents' Association": look again after the joiner.
        pos = match.start() + joiner.end() if (mention is None and joiner) else match.end()
    found += _acronyms(text, start, end, segment, found)
    if "(" in segment:
        labels = parties_data()["bracket_labels"]
        for match in _bracket_label_re().finditer(segment):
            group = "label" if match.group("label") else "label2"
            s, e = match.start(group) + start, match.end(group) + start
            found.append(PartyMention(s, e, text[s:e], labels[match.group(group)]))
    return _longest_non_overlapping(found)


@cache
def _bracket_label_re() -> re.Pattern[str]:
    labels = sorted(parties_data()["bracket_labels"], key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in labels)
    # "(Con, Worksop North)", "(Lab)"; and a bracketed count list "(Lab 20, Con 7, LD 4, Ind 2)"
    return re.compile(rf"\(\s*(?P<label>{alternatives})\.?(?=\s*[,;/)–-])"
                      rf"|(?:\(|(?<=\d)\s*[,;]\s*)(?P<label2>{alternatives})(?=\s+\d{{1,3}}\s*[,;)])")


def _acronyms(text: str, start: int, end: int, segment: str, found: list[PartyMention]) -> list[PartyMention]:
    """"two East Cleveland Independents ... Steve Kay (ECI)": a local group's initials, written
    in capitals as a word of their own, stand for it."""
    out: list[PartyMention] = []
    seen: set[str] = set()
    for mention in found:
        words = [w for w in re.findall(r"[\w'’]+", mention.name) if w.lower() not in {"of", "and", "the", "for"}]
        if not mention.local or len(words) < 2:
            continue
        acronym = "".join(w[0] for w in words).upper()
        if acronym in seen or not acronym.isalpha() or acronym not in segment:
            continue
        seen.add(acronym)
        for match in re.finditer(rf"(?<![\w'’&.-]){acronym}(?![\w'’&-])", segment):
            s, e = match.start() + start, match.end() + start
            out.append(PartyMention(s, e, text[s:e], mention.name, local=True))
    return out


_CAPS_BEFORE_RE = re.compile(r"((?:[A-Z][\w'’&.-]*[ \t]+){1,3})$")


def _inside_place_name(text: str, s: int, e: int, lower: int) -> bool:
    """Whether capitalised words before a bare party word make a ward or council with it."""
    match = _CAPS_BEFORE_RE.search(text[max(lower, s - 50) : s])
    if not match:
        return False
    words = match.group(1).split()
    for i in range(len(words)):
        if _place_prefix(words[i:] + [text[s:e]]):
            return True
    return False


_PLACE_BEFORE_RE = re.compile(r"((?:[A-Z][\w'’&.-]*[ \t]+(?:and[ \t]+|upon[ \t]+|on[ \t]+)?){1,4})$")


def _place_before(text: str, s: int, lower: int) -> int | None:
    """Where a place name right before a party starts ("Lewisham Labour"), if there is one."""
    match = _PLACE_BEFORE_RE.search(text[max(lower, s - 60) : s])
    if not match:
        return None
    words = match.group(1).split()
    offset = s - len(match.group(1))
    for i in range(len(words)):
        phrase = " ".join(words[i:])
        if words[i] in {"and", "upon", "on"} or words[i][0].islower():
            offset += len(words[i]) + 1
            continue
        if phrase in {"The", "A"}:
            return None
        if _place_prefix(words[i:]) and not re.search(r"[.!?]\s*$", text[max(0, offset - 3):offset]):
            return offset + (len(text[offset:s]) - len(text[offset:s].lstrip()))
        offset = text.index(words[i + 1], offset + len(words[i])) if i + 1 < len(words) else s
    return None


_ROLE_WORDS = {"Chair", "Chairman", "Chairwoman", "Leader", "Deputy", "Secretary", "Minister", "Member",
               "Councillor", "Mayor", "Candidate", "Spokesman", "Spokeswoman", "Spokesperson", "Whip",
               "Chief", "President", "Treasurer", "Officer", "Director", "Head", "Cabinet", "Shadow"}


def _local_mention(text: str, s: int, e: int, tables: _PartyTables) -> PartyMention | None:
    while e > s and text[e - 1] == "." and not re.search(r"\b(?:St|Mt)\.$", text[s:e]):
        e -= 1  # "Residents for Uttlesford." ends a sentence
    surface = text[s:e]
    words = surface.split()
    if any(w.strip(",.") in _ROLE_WORDS for w in words):
        return None  # "Deputy Chair for the Conservatives" is a role, not a party
    joiner = re.search(r"\s(?:and|for)\s", surface)
    if joiner and not re.match("|".join(re.escape(x) for x in parties_data()["local_group_starts"]), surface):
        head = surface[: joiner.start()]
        if tables.alias_re.search(head) or tables.context_re.search(head):
            return None  # "Welsh Labour and the Labour Party": two parties, not one group
    # "Members of the Ashfield Independents": the group is what follows "of (the)".
    members = re.match(rf"(?:{'|'.join(parties_data()['group_member_nouns'])})\s+of\s+(?:the\s+)?", surface)
    if members:
        s += members.end()
        surface = text[s:e]
        words = surface.split()
    # Drop leading words that cannot start a group name ("The", "Labour's").
    while words and (words[0] in {"The", "A", "An", "In", "On", "At", "For", "Former"}
                     or (words[0] == "New" and len(words) > 2)):
        s = text.index(words[1], s + len(words[0])) if len(words) > 1 else e
        words = words[1:]
    if len(words) < 2 or _key(" ".join(words)) in tables.not_parties:
        return None
    surface = text[s:e]
    key = _key(surface)
    if any(key.startswith(n) or key == n for n in tables.not_parties):
        return None
    # "Luton Labour", "Hounslow Labour Group": a place in front of a national party.
    for i in range(1, len(words)):
        canon = canonical_party(" ".join(words[i:]))
        if canon == "Alliance" and words[i:] == ["Alliance"]:
            break  # "East Devon Alliance": a local group, not Northern Ireland's Alliance Party
        if canon in _canonical_names() and canon != "Independent" and _place_prefix(words[:i]):
            return PartyMention(s, e, surface, canon, local=False, place=" ".join(words[:i]))
    canon = canonical_party(surface)
    if canon == "Alliance" and words[-1] == "Alliance" and len(words) > 1:
        return PartyMention(s, e, surface, " ".join(words).translate(_APOSTROPHES), local=True)
    if canon == "Independent" and words[-1] == "Group":
        # "the Independent Group" is a council group of its own, not just "independent".
        return PartyMention(s, e, surface, " ".join(words).translate(_APOSTROPHES), local=True)
    if canon in _canonical_names():
        return PartyMention(s, e, surface, canon)
    return PartyMention(s, e, surface, canon, local=True)


@cache
def _canonical_names() -> frozenset[str]:
    return frozenset(p["name"] for p in parties_data()["parties"])


def is_canonical(name: str | None) -> bool:
    """Whether ``name`` is one of the canonical party names of FORMAT.md."""
    return name in _canonical_names()


def _longest_non_overlapping(mentions: list[PartyMention]) -> list[PartyMention]:
    chosen: list[PartyMention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= c.start or m.start >= c.end for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


def number_words() -> dict[str, int]:
    """Number words ("four", "trio") and their values."""
    return {str(k).lower(): int(v) for k, v in lexicon()["number_words"].items()}
