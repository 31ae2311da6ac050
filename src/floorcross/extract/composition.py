"""Seat counts an article states for a council ("There are now four Conservatives ... with 29
Labour councillors and 15 Liberal Democrats").

Patterns run over masked sentences (parties are ``Ƥ`` runs). Counts in hypothetical, past or
non-council contexts (a cabinet, a coalition, MPs, vote tallies) are left out, and a change
"from 14 to 16" records the figure after it.
"""

from __future__ import annotations

import re
from functools import cache

from floorcross.extract.attributes import CouncilMention, council_then
from floorcross.extract.context import PARTY_CHAR, PERSON_CHAR, ArticleContext
from floorcross.extract.events import antecedent_party
from floorcross.fastre import by_first_char
from floorcross.normalise.parties import PartyMention, canonical_party, number_words
from floorcross.records import CompositionStatement, Evidence

_P = re.escape(PARTY_CHAR)
_SEATS = r"(?:councillors?|members?|seats?|representatives?|politicians?|cllrs)"
# After "three Liberal Democrats": the people, perhaps named in apposition, then their move
# ("..., A, B and C, have all resigned"): people moving, not a seat count.
# "four Green councillors on X District Council resigned": a place between them and the move.
_MOVING = (r"(?:\s*,[^.;]{0,80}?,)?(?:\s+(?:on|in|at|from)\s+(?:the\s+)?[A-Z][\w'’-]*"
           r"(?:\s+(?:and\s+|of\s+|with\s+|upon\s+)?[A-Z][\w'’-]*){0,4})?"
           # "two Labour councillors on X Council, A and B, had joined": the place, then the people
           r"(?:\s*,[^.;]{0,80}?,)?\s+(?:(?:have|has|had|both|all|also|now|then)\s+)*"
           r"(?:quit|resign|defect|join|leave|left|walk|switch|cross|form|move|swap|ditch|desert|abandon|broke|break|split)\w*")
_MOVING_AFTER = re.compile(rf"\s+(?:the\s+)?{_P}+(?:\s+{_SEATS})?{_MOVING}", re.IGNORECASE)


@cache
def _count_words() -> tuple[str, ...]:
    """The number words a seat count may use, longest first."""
    return tuple(sorted((w for w in number_words() if w not in {"a", "an", "single", "pair", "couple", "trio", "quartet", "both"}),
                        key=len, reverse=True))


@cache
def _num() -> str:
    return rf"(?:\d{{1,3}}|(?:{'|'.join(_count_words())})(?![\w-]))"


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    n = _num()
    party = rf"(?:the\s+)?(?P<party>{_P}+)(?!{_P})"
    forms = [
        # "Labour's numbers fall from 59 to 45"
        rf"{party}['’]s?\s+(?:numbers?|tally|total|group)\s+(?:on\s+[^.;]{{0,40}}?\s+)?(?:now\s+)?(?:fall|falls|fell|falling|rise|rises|rose|drop|drops|dropped|go|goes|went|goes\s+down|goes\s+up)\s+from\s+{n}\s+to\s+(?P<n>{n})",
        # "leaves Labour holding 45 of the 60 seats", "leaving the Greens with 12 seats"
        rf"(?:leaves?|leaving|left)\s+{party}\s+(?:holding|with|on)\s+(?:just\s+|only\s+)?(?P<n>{n})",
        # "takes the Liberal Democrats to 30", "gives the Conservatives 23 seats"
        rf"(?:takes?|taking|took|brings?|bringing|brought)\s+{party}\s+(?:up\s+|down\s+)?to\s+(?P<n>{n})",
        rf"(?:gives?|giving|gave)\s+{party}\s+(?P<n>{n})\s+{_SEATS}",
        # "The Conservatives are down to 15", "with the Conservatives down to 24"
        rf"{party}\s+(?:are\s+|is\s+|now\s+|have\s+|has\s+|been\s+)*(?:down|up|reduced|cut)\s+to\s+(?P<n>{n})",
        # "The political balance is now: Conservatives 20, Labour 14 ...", "(Lab 20, Con 7, LD 4)"
        rf"(?::|\()\s*{party}\s+(?P<n>\d{{1,3}})(?=\s*(?:[,;)]|and\b))",
        # "the Havering Residents Association group now numbers 18"
        rf"{party}\s+(?:group\s+)?(?:now\s+)?numbers?\s+(?P<n>{n})",
        # "Labour, which took control last year, holds 31 of the 49 seats"
        rf"{party}\s*,\s+(?:which|who)\s+[^,;]{{3,80}},\s+(?:now\s+)?(?:has|have|holds?|hold)\s+(?P<n>{n})",
        # "Labour remains in control of the council with 48 of its 78 seats", "are left with 22"
        rf"{party}\s+(?:remains?|stays?|is|are)\s+[^,.;]{{0,50}}?\bwith\s+(?P<n>{n})\s+(?:of\s+(?:the|its|their)|{_SEATS})",
        rf"{party}\s*(?:,[^,;]{{3,60}},\s*)?(?:are|is)\s+(?:now\s+)?left\s+with\s+(?P<n>{n})",
        # "from 14 to 16 Labour councillors" / "Labour councillors ... from 14 to 16"
        rf"number\s+of\s+{party}\s+(?:[a-z]+\s+){{0,2}}?{_SEATS}?[^.;]{{0,60}}?\bfrom\s+{n}\s+to\s+(?P<n>{n})",
        rf"(?:amount|number)\s+of\s+{party}\s+(?:[a-z]+\s+){{0,2}}?[^.;]{{0,50}}?(?:dropped|fallen|fell|risen|rose|gone|increased|decreased|reduced)\s+from\s+{n}\s+to\s+(?P<n>{n})",
        # "the 10th current Green councillor"
        rf"the\s+(?P<n>\d{{1,3}})(?:st|nd|rd|th)\s+(?:current\s+|sitting\s+)?{party}\s+{_SEATS}",
        # "no Liberal Democrat members"
        rf"\b(?P<n>no)\s+(?:more\s+)?{party}\s+{_SEATS}",
        # "four Conservatives", "29 Labour councillors", "10 for the Lib Dems", "one each for the Greens and Conservatives"
        rf"(?<![\d.,£$])(?P<n>{n})\s+(?:each\s+)?for\s+(?:the\s+)?(?P<party>{_P}+)(?:\s+and\s+(?:the\s+)?(?P<party2>{_P}+))?(?!{_P})",
        (
            rf"(?<![\d.,£$])(?<!\bof\s)(?P<n>{n})\s+(?:sitting\s+|serving\s+|current\s+)?{party}(?:\s+{_SEATS})?+(?!\s*(?:%|per\s*cent|votes))"
            # "Two Labour councillors who ...", "six Green councillors walked out": people, not a count
            rf"(?!\s*,?\s+(?:who|which|that|have|has|had|were|was|will|would|could|walked|voted|said|say|also|all|across)\b)"
            rf"(?![^.;]{{0,40}}\b(?:have|has|had)\s+(?:now\s+|all\s+)?(?:quit|resigned|defected|joined|left|been|formed|walked|switched|crossed))"
            # "two Conservatives, A and B, switched ...": the people named, then their move
            rf"(?!{_MOVING})"
        ),
        # "Labour on 18", "the Lib Dems are on 29", "Labour's 29", "the Conservatives 12"
        rf"{party}\s+(?:are\s+|is\s+|now\s+)?on\s+(?P<n>{n})(?!\s*(?:%|per\s*cent|votes|(?:st|nd|rd|th)?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)))",
        rf"{party}['’]s?\s+(?P<n>{n})(?!\s*(?:%|per\s*cent|votes|\w))",
        rf"(?:and|,)\s+{party}\s+(?P<n>\d{{1,3}})(?![\d%]|\.\d)",
        # "Labour now has 43 councillors", "the Conservatives now hold 25 seats and Labour have 19"
        rf"{party}\s+(?:group\s+)?(?:now\s+|currently\s+|still\s+)?(?:has|have|holds?|hold)\s+(?:just\s+|only\s+)?(?P<n>{n})(?:\s+{_SEATS})?",
        rf"{party}\s*,\s+(?:which|who)\s+(?:now\s+|still\s+|only\s+)?(?:has|have|hold|holds)\s+(?:just\s+|only\s+)?(?P<n>{n})\s+{_SEATS}",
    ]
    return tuple(re.compile(f, re.IGNORECASE) for f in forms)


_EXCLUDE = re.compile(
    r"\b(?:cabinet|coalition|would|could|might|if|likely|expected|to\s+start\s+with|had\s+\d|were\s+only|"
    r"MPs?|votes?|vote\s+share|poll|polls|polling|per\s*cent|%|by-election|candidates?|"
    r"target|needs?|needed|up\s+from\s+\w+\s+at\s+the|mailing|members\s+of\s+the\s+public|contests?|region|regions|nationally|nationwide|"
    r"since\s+\d{4}|in\s+\d{4}|over\s+\d|more\s+than\s+\d|people|residents|jobs|homes|committee|panel|board)\b",
    re.IGNORECASE,
)
_CONTEXT_WORDS = (r"council", r"councillors?", r"seats?", r"members", r"authority", r"chamber",
                  r"group", r"now", r"currently", r"at\s+present", r"presently", r"there\s+are",
                  r"leaves", r"left\s+with", r"means", r"hold", r"holds")
_CONTEXT = re.compile(rf"\b(?:{'|'.join(_CONTEXT_WORDS)})\b", re.IGNORECASE)


def seat_candidate(text: str) -> bool:
    """Whether a sentence (or a paragraph holding it) has a number and a council word."""
    if text.isascii():  # the same test on lower-cased text, where the scans run far faster
        lowered = text.lower()
        digit, number_word, context = _ascii_cue_res()
        return bool(context.search(lowered)
                    and (digit.search(lowered) or number_word.search(lowered)))
    return bool(_CONTEXT.search(text) and _number_re().search(text))


def table_lead(text: str) -> bool:
    """Whether a line introduces a table of counts ("The make-up of the council is now:")."""
    return text.rstrip().endswith(":") and bool(_CONTEXT.search(text))


@cache
def _number_re() -> re.Pattern[str]:
    return re.compile(rf"\d|{_num()}", re.IGNORECASE)


@cache
def _ascii_cue_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """:func:`_number_re` (as a digit and a number word) and ``_CONTEXT`` for lower-cased ASCII
    text. Case-sensitive, and each alternative opening with a literal letter (the word edge
    checked after it), so the regex engine can skip ahead to the letters the words start with.
    """
    words = by_first_char(((w[0], re.escape(w[1:])) for w in _count_words()), after=r"(?![\w-])")
    context = by_first_char(((w[0], w[1:]) for w in _CONTEXT_WORDS), "[a-z0-9_]")
    return re.compile("[0-9]"), re.compile(words), re.compile(rf"(?:{context})\b")


def may_state_seats(sentences, parties: list[PartyMention], body_start: int, *,
                    all_parties_known: bool = True) -> bool:
    """Whether any sentence could hold a seat count (a number and a council word, with a party
    or, for "It currently has 14 councillors", after a local group): a test no looser than
    :func:`find_composition`'s own, so that an article with no change and no count can skip
    the rest. ``all_parties_known=False``: ``parties`` covers only the sentences given, so a
    local group named elsewhere is assumed."""
    if not parties and all_parties_known:
        return False
    local = any(p.local for p in parties) or not all_parties_known
    for sentence in sentences:
        if sentence.start < body_start:
            continue
        if table_lead(sentence.text) and any(sentence.end <= p.start < sentence.end + 400 for p in parties):
            return True  # a table of counts follows, one party a line
        if not seat_candidate(sentence.text):
            continue
        if local and re.match(r"\s*(?:It|The\s+group)\b", sentence.text):
            return True
        if any(p.start < sentence.end and p.end > sentence.start for p in parties):
            return True
    return False


def _value(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return number_words().get(word)


def find_composition(ctx: ArticleContext, councils: list[CouncilMention],
                     default_council: str | None = None) -> list[CompositionStatement]:
    """Seat counts stated in the article, one per party, with the sentence that states them.

    ``default_council`` (the council of the article's changes) is used when no council is named.
    """
    found: dict[tuple[str | None, str], CompositionStatement] = {}
    for sentence in ctx.sentences:
        if sentence.start < ctx.body_start:
            continue
        masked = ctx.mask(sentence)
        if "seats" in masked and not _EXCLUDE.search(masked):
            _they_hold(ctx, sentence, masked, councils, found, default_council)
        if PARTY_CHAR not in masked or not re.search(rf"\d|{_num()}", masked, re.IGNORECASE):
            continue
        if _EXCLUDE.search(masked) or not _CONTEXT.search(sentence.text) or _GROUP_MAKEUP.search(masked) \
                or _MOVERS_SIT.match(masked):
            continue
        for regex in _patterns():
            for match in regex.finditer(masked):
                seats = _value(match.group("n"))
                if seats is None or seats > 200:
                    continue
                for group in ("party", "party2"):
                    if not match.groupdict().get(group):
                        continue
                    s, e = match.span(group)
                    party = ctx.party_at(sentence.start + s, sentence.start + e)
                    if party is None or _ambiguous_independent(party):
                        continue
                    council = _council_for(ctx, sentence.start, councils) or default_council
                    _keep(found, ctx, council, party.name, seats, sentence)
        _pronoun_counts(ctx, sentence, masked, councils, found, default_council)
        for party, seats in _clause_counts(ctx, sentence, masked):
            council = _council_for(ctx, sentence.start, councils) or default_council
            _keep(found, ctx, council, party.name, seats, sentence)
    for party, seats, lead, line in _table_counts(ctx):
        council = _council_for(ctx, lead.start, councils) or default_council
        _keep(found, ctx, council, party.name, seats, line)
    for statement in found.values():  # the council as it was on the day (a former name kept)
        statement.council = council_then(statement.council, councils, statement.date)
    return list(found.values())


@cache
def _cue_re() -> re.Pattern[str]:
    from floorcross.resources import lexicon

    return re.compile(rf"\b(?:{'|'.join(lexicon()['composition_cues'])})", re.IGNORECASE)


# "The group, comprising two X and two Y": a group's own make-up, not the council's.
# "All three now sit as independents", "The pair will sit as Reform UK councillors": where the
# people who moved sit, not how many seats a party holds.
_MOVERS_SIT = re.compile(
    r"[\W_]*(?:all|both|the|these|those)\s+(?:[\w-]+\s+){0,2}?(?:now\s+|will\s+(?:now\s+)?|would\s+|are\s+to\s+)?"
    r"(?:sit|sits|serve|serves|remain|remains|continue)\s+(?:on\s+)?as\b", re.IGNORECASE)
_GROUP_MAKEUP = re.compile(r"\b(?:group|alliance|coalition|administration)\b[^.;]{0,60}?\b(?:compris\w*|made\s+up\s+of|consist\w*|formed\s+(?:of|from))\b", re.IGNORECASE)
_CLAUSE_SPLIT = re.compile(r"\s*(?:[,;:–—]|\s-\s|\band\b|\bwhile\b|\bwith\b|\bafter\b|\bahead\s+of\b)\s*")
_NOT_A_COUNT_AFTER = re.compile(r"\s*(?:%|per\s*cent|votes?|years?|months?|weeks?|days?|pounds?|£|st|nd|rd|th\b|[.,]\d"
                                r"|(?:fewer|more|less|short|behind|ahead|than|times)\b"
                                # "as two leave the group", "three Labour councillors quit": people moving, not seats
                                r"|(?:\s*\S+){0,3}?\s+(?:(?:have|has|had|will|who)\s+)?(?:leave|leaves|left|quit|quits|defect\w*|join\w*|"
                                r"resign\w*|walk\w*|switch\w*|cross\w*|split\w*|broke|break\w*|form\w*)\b)", re.IGNORECASE)


def _clause_counts(ctx: ArticleContext, sentence, masked: str) -> list[tuple[PartyMention, int]]:
    """In a sentence that states the council's make-up (``composition_cues``), every clause
    that pairs one party with one number: "19 Conservatives", "11 from the East Devon
    Alliance", "five seats held by the Liberal Democrats", "Labour's 29", "the SNP now have
    seven". A clause with two numbers or two parties says nothing for certain."""
    if not _cue_re().search(masked) or _EXCLUDE.search(masked) or _GROUP_MAKEUP.search(masked):
        return []
    n = _num()
    out: list[tuple[PartyMention, int]] = []
    carry: PartyMention | None = None
    pos = 0
    pieces = []
    for cut in _CLAUSE_SPLIT.finditer(masked):
        pieces.append((pos, cut.start()))
        pos = cut.end()
    pieces.append((pos, len(masked)))
    for lo, hi in pieces:
        clause = masked[lo:hi]
        parties = list(re.finditer(rf"{_P}+", clause))
        numbers = [m for m in re.finditer(rf"(?<![\w£$.,-])(?P<n>{n})(?![\w-])", clause, re.IGNORECASE)
                   if not _NOT_A_COUNT_AFTER.match(clause, m.end())
                   and not _MOVING_AFTER.match(masked, lo + m.end())
                   and not re.search(rf"(?:\b(?:from|than|by|over|in|one\s+of)|(?:\d|{n})\s+(?:seats?\s+)?(?:of|out\s+of)(?:\s+the)?(?:\s+\w+['’]s)?)\s*$",
                                     clause[: m.start()], re.IGNORECASE)]
        if not parties and len(numbers) == 1 and carry is not None:
            # "Labour follows next, with 15 councillors": the party of the clause before
            party, carry = carry, None
            seats = _value(numbers[0].group("n"))
            if seats is not None and seats <= 200:
                out.append((party, seats))
            continue
        if not parties and len(numbers) == 1 and re.search(r"\b(?:the\s+party|the\s+group|they)\b", clause, re.IGNORECASE):
            from floorcross.extract.events import antecedent_party

            name = antecedent_party(ctx, sentence.start + lo, exclude_independent=True)
            prior = [p for p in ctx.parties if p.name == name and p.end <= sentence.start + lo]
            seats = _value(numbers[0].group("n"))
            if prior and seats is not None and seats <= 200:
                out.append((prior[-1], seats))
            continue
        if len(parties) == 1 and not numbers:
            carry = ctx.party_at(sentence.start + lo + parties[0].start(), sentence.start + lo + parties[0].end())
            continue
        if len(parties) != 1 or len(numbers) != 1:
            continue
        carry = None
        number, party_run = numbers[0], parties[0]
        gap = clause[number.end() : party_run.start()] if number.end() <= party_run.start() \
            else clause[party_run.end() : number.start()]
        if len(gap) > 40 or PERSON_CHAR in gap:
            continue
        seats = _value(number.group("n"))
        party = ctx.party_at(sentence.start + lo + party_run.start(), sentence.start + lo + party_run.end())
        if seats is None or seats > 200 or party is None:
            continue
        out.append((party, seats))
    return out


_TABLE_LINE = re.compile(rf"^[\W_]*(?P<party>{_P}+)(?:\s+(?:group|party|members?|councillors?))?\s*[:–—-]?\s*(?P<n>\d{{1,3}})(?:\s*\([+−–-]?\d+\))?\s*[,.;]?\s*$"
                         rf"|^[\W_]*(?P<n2>\d{{1,3}})\s+(?P<party2>{_P}+)(?:\s+(?:group|party|members?|councillors?))?\s*[,.;]?\s*$",
                         re.IGNORECASE)


def _table_counts(ctx: ArticleContext) -> list[tuple[PartyMention, int, object, object]]:
    """A table of counts after a line that ends with a colon ("... as follows:" then "Plaid
    Cymru 38 (+2)", "Labour 17 (-5)", one per line)."""
    from floorcross.extract.crowds import list_lines

    out = []
    body = [s for s in ctx.sentences if s.start >= ctx.body_start]
    for lead, *lines in list_lines(body):
        if not (_cue_re().search(lead.text) or re.search(r"\b(?:seats|councillors|group|groups|council)\b", lead.text, re.IGNORECASE)):
            continue
        for line in lines:
            match = _TABLE_LINE.match(ctx.mask(line))
            if not match:
                named = _UNMASKED_LINE.match(line.text)
                party = _line_group(line, named) if named else None
                if party is not None:
                    out.append((party, int(named.group("n")), lead, line))
                continue
            group = "party" if match.group("party") else "party2"
            number = match.group("n") or match.group("n2")
            party = ctx.party_at(line.start + match.start(group), line.start + match.end(group))
            if party is not None:
                out.append((party, int(number), lead, line))
    return out


# A table line whose name the party finder left alone: "Green - 1" (a bare "Green" is a party
# only beside a political noun elsewhere), "People Against Bureaucracy - 3" (a local group
# with no tell-tale word).
_UNMASKED_LINE = re.compile(
    r"^[\W_]*(?P<name>[A-Z][\w'’&.-]*(?:\s+(?:of|for|and|the|&|[A-Z][\w'’&.-]*)){0,5})\s*[:–—-]?\s*(?P<n>\d{1,3})"
    r"(?:\s*\([+−–-]?\d+\))?\s*[,.;]?\s*$")


def _line_group(line, match: re.Match[str]) -> PartyMention | None:
    name = match.group("name").strip()
    s, e = line.start + match.start("name"), line.start + match.start("name") + len(name)
    known = canonical_party(name)
    if known is not None:
        return PartyMention(s, e, name, known)
    if len(name.split()) >= 2 and name.split()[-1][0].isupper():
        return PartyMention(s, e, name, name, local=True)
    return None


def _ambiguous_independent(party: PartyMention) -> bool:
    return party.name == "Independent" and party.surface.islower() and party.surface.endswith("s") is False


# "the party's grip on power is loosened as they only hold 28 of the authority's 59 seats":
# "they" is the party named before it in the sentence.
_THEY_HOLD = re.compile(
    r"\b(?:they|it)\s+(?:now\s+|only\s+|still\s+|currently\s+)*(?:hold|holds|have|has|control|controls)\s+"
    r"(?:just\s+|only\s+)?(?P<n>\d{1,3})\s+of\s+(?:the|its|their)\s+(?:council['’]s\s+|authority['’]s\s+)?\d{1,3}\s+seats",
    re.IGNORECASE)


def _they_hold(ctx: ArticleContext, sentence, masked: str, councils, found: dict, default_council: str | None) -> None:
    match = _THEY_HOLD.search(masked)
    if not match:
        return
    name = antecedent_party(ctx, sentence.start + match.start(), exclude_independent=True)
    if name is not None:
        council = _council_for(ctx, sentence.start, councils) or default_council
        _keep(found, ctx, council, name, int(match.group("n")), sentence)


def _keep(found: dict, ctx: ArticleContext, council: str | None, party: str, seats: int, where) -> None:
    """Record a count for (council, party), cited by the sentence or line ``where``; the first
    one the article gives is kept."""
    if (council, party) not in found:
        found[(council, party)] = CompositionStatement(
            council=council, party=party, seats=seats, date=ctx.published,
            evidence=[Evidence(start=where.start, end=where.end, text=where.text)])


def _pronoun_counts(ctx: ArticleContext, sentence, masked: str, councils, found: dict,
                    default_council: str | None) -> None:
    """"It currently has 14 councillors." after naming a local group."""
    match = re.match(rf"^\s*(?:It|The\s+group)\s+(?:now\s+|currently\s+)?has\s+(?P<n>{_num()})\s+{_SEATS}", masked)
    if not match:
        return
    prior = [p for p in ctx.parties if p.end <= sentence.start and p.local]
    seats = _value(match.group("n"))
    if prior and seats is not None:
        council = _council_for(ctx, sentence.start, councils) or default_council
        _keep(found, ctx, council, prior[-1].name, seats, sentence)


def _council_for(ctx: ArticleContext, offset: int, councils: list[CouncilMention]) -> str | None:
    sentence = ctx.sentence_at(offset)
    if sentence is not None:
        inside = [c for c in councils if sentence.start <= c.start < sentence.end]
        if inside:
            return inside[0].council.official_name
    distinct = {c.council.gss: c.council for c in councils}
    if len(distinct) == 1:
        return next(iter(distinct.values())).official_name
    before = [c for c in councils if c.start < offset]
    if before:
        return before[-1].council.official_name
    return councils[0].council.official_name if councils else None
