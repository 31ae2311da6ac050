"""Find the people an article names, and tie every mention of one person together.

Sources of names, in order of trust: a title before capitalised words ("Cllr Akhtar",
"Couns George Newton and Jack Naylor"), spaCy PERSON entities in the windows the NER saw, then
every later occurrence of a known name or surname anywhere in the text. Mentions that are really
parties, councils or wards are dropped; names cut short by the model are repaired ("Brophy Lee"
after "Doreen"), and "Pat and Ted Flynn" becomes two people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise

from floorcross.extract.segment import LIST_BULLET, LIST_LINE_MAX, paragraphs
from floorcross.nlp import Entity
from floorcross.normalise.councils import gazetteer
from floorcross.normalise.names import (
    name_particles,
    name_tokens,
    same_person,
    strip_titles,
    surname,
    title_info,
    title_regex,
)
from floorcross.normalise.parties import PartyMention, canonical_party, is_canonical
from floorcross.resources import lexicon

_NAME_WORD = r"(?:[A-Z]\.(?=\s+[A-Z])|(?:Mc[A-Z][a-z]+|Mac[A-Z][a-z]+|O['’][A-Z][a-z]+|[A-Z][a-zà-ÿ]*(?:['’][A-Z][a-zà-ÿ]+)?)(?:-[A-Z][a-zà-ÿ]+)*(?![\w])|[A-Z]\.)"
_PARTICLE = r"(?:de|da|di|du|del|della|van|von|der|den|le|la|al|el|bin|ap)"
NAME_RE = re.compile(rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NAME_WORD}){{0,3}}")
# Capitalised words that are never part of a person's name.
_NOT_NAME_WORDS = {
    "The", "A", "An", "And", "But", "Or", "In", "On", "At", "Of", "For", "To", "From", "By", "With",
    "He", "She", "They", "It", "His", "Her", "Their", "We", "I", "This", "That", "These", "Those",
    "Council", "Councillor", "Councillors", "Cllr", "Cllrs", "Coun", "Couns", "Party", "Group",
    "Ward", "Borough", "District", "County", "City", "Town", "Hall", "Street", "Road", "Lane",
    "Labour", "Conservative", "Conservatives", "Tory", "Tories", "Liberal", "Democrat", "Democrats",
    "Green", "Greens", "Reform", "Independent", "Independents", "Lib", "Dem", "Dems", "UKIP", "SNP",
    "DUP", "MP", "MPs", "MSP", "MLA", "MEP", "Mayor", "Leader", "Deputy", "Cabinet", "Minister",
    "Secretary", "Chancellor", "Government", "Parliament", "Commons", "Lords", "Assembly",
    "Senedd", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "June", "July", "August", "September",
    "October", "November", "December", "BBC", "News", "Image", "Picture", "Photo", "Read", "More",
    "Related", "Published", "Follow", "Facebook", "Twitter", "Instagram", "Email", "Updated",
    "Local", "Democracy", "Reporting", "Service", "Chief", "Executive", "Committee", "Police",
    "Officer", "Former", "New", "Senior", "Speaking", "Responding", "Meanwhile", "However",
    "Nationally", "Locally", "Both", "All", "Two", "Three", "Four", "Five", "Six", "Seven",
    "Eight", "Nine", "Ten", "Eleven", "Twelve", "Mr", "Mrs", "Ms", "Dr", "Sir", "Dame", "Lord",
    "Baroness", "Lady", "Councillors'", "Telegraph", "Express", "Echo", "Gazette", "Post",
    "Times", "Mail", "Herald", "Guardian", "Recorder", "Observer", "Live", "Chronicle",
    "Yesterday", "Today", "Tonight", "Last", "Next", "When", "While", "After", "Before", "Since",
    "Although", "Though", "Despite", "During", "If", "As", "Asked", "Following", "Under", "Over",
    "Now", "Then", "Earlier", "Later", "Also", "Only", "Even", "So", "Why", "How", "What", "Where",
    "Who", "Which", "Writing", "Commenting", "Announcing", "Welcome", "Dear", "Our",
    "Your", "My", "Its", "There", "Here", "Some", "Many", "Most", "Several", "Other", "Another",
    "Every", "Each", "No", "Not", "Please", "Thanks", "Thank", "Sources", "Source", "According",
    "Political", "Tributes", "Voters", "Residents", "Members", "Opposition",
}


@dataclass
class PersonMention:
    start: int
    end: int  # end of the name itself
    name: str  # the name without titles
    title: str | None = None  # the title written before it ("Cllr", "County Councillor")
    title_start: int | None = None  # where the title starts, when there is one
    person: int = -1  # index of the person (cluster) in the article
    hidden: bool = False  # inside a party name ("Jeremy Corbyn's party"): names a person, masks nothing

    @property
    def span_start(self) -> int:
        return self.title_start if self.title_start is not None else self.start


@dataclass
class Person:
    """One person in the article: every mention of them and their fullest name."""

    index: int
    names: list[str] = field(default_factory=list)
    mentions: list[PersonMention] = field(default_factory=list)

    @property
    def name(self) -> str:
        return max(self.names, key=lambda n: (len(n.split()), len(n), -self.names.index(n)))

    @property
    def titles(self) -> list[str]:
        return [m.title for m in self.mentions if m.title]


# Words of _NOT_NAME_WORDS that are also common surnames ("Duncan Hall", "Peter Read"): a
# name may end with one after a first name that is not itself a non-name word ("Town Hall").
_FIRST_NAME_TOO = {"April", "May", "June", "August", "Dean", "Grace"}
_SURNAME_TOO = {"Hall", "Street", "Lane", "Green", "Read", "Post", "Dean", "Bishop", "Chancellor", "Ward", "Mayor",
                "Town", "Lord"}


def _is_name_like(name: str) -> bool:
    words = name.split()
    if not words:
        return False
    for i, w in enumerate(words):
        if w.lower() in name_particles():
            continue
        if not (w[0].isupper() or w[0] in "ÀÁÂÄÉÈÍÓÖÚÜ"):
            return False
        bare = w.strip(".,'’")
        if bare in _FIRST_NAME_TOO and i == 0 and len(words) >= 2 and words[1][:1].isupper() \
                and words[1].strip(".,'’") not in _NOT_NAME_WORDS:
            continue  # "June Salter", "April Jones": a month that is a first name
        if bare in _NOT_NAME_WORDS and not (bare in _SURNAME_TOO and i == len(words) - 1 and i > 0):
            return False
    return True


def _is_place_or_party(name: str, parties: list[PartyMention], start: int, end: int) -> bool:
    for p in parties:
        if p.start <= start and end <= p.end:
            return True
        if start <= p.start and p.end <= end and not p.local:
            return True
    if canonical_party(name) and is_canonical(canonical_party(name)):
        return True
    gaz = gazetteer()
    return gaz.council_by_name(name) is not None or bool(gaz.councils_for_ward(name))


def titled_names(text: str, start: int, end: int) -> list[PersonMention]:
    """Names written after a title, including lists after a plural title."""
    out: list[PersonMention] = []
    for match in title_regex().finditer(text, start, end):
        title_text = re.sub(r"\s+", " ", match.group(0))
        info = title_info(title_text)
        if info is None or info.form in {"MP", "MSP", "MLA", "MEP", "MS", "AM"}:
            continue
        pos = match.end()
        gap = re.match(r"[ \t]+", text[pos:end])
        if not gap:
            continue
        pos += gap.end()
        if info.plural:
            out.extend(_name_list(text, pos, end, title_text, match.start()))
            continue
        name = NAME_RE.match(text, pos, end)
        if name and _is_name_like(name.group(0)):
            out.append(PersonMention(name.start(), name.end(), strip_titles(name.group(0)),
                                     title_text, match.start()))
    return out


_LIST_SEP = re.compile(r"\s*(?:\([^()]{0,60}\))?\s*(?:,\s*and\s+|,\s*plus\s+|\s+and\s+|\s+&\s+|\s+plus\s+|,\s*)")
# Words before a listed name ("former group leader B"); never a relative clause or a verb
# ("A and B, who represent Carlton and Netherfield": the list has ended).
_NOT_DESCRIPTOR = (r"(?!(?:who|whose|which|that|where|when|while|both|all|each|respectively|is|are|was|were|"
                   r"has|have|had|will|would|represents?|represented|sits?|sat|serves?|served|said|says)\b)")
_DESCRIPTOR = re.compile(rf"(?:{_NOT_DESCRIPTOR}(?:former|ex-|fellow|new|veteran|long-serving|deputy|council|group|Labour|"
                         r"Conservative|Tory|Liberal|Democrat|Lib|Dem|Green|Reform|Independent|leader|[a-z]+)\s+){1,4}(?=[A-Z])")


def _name_list(text: str, pos: int, end: int, title: str, title_start: int) -> list[PersonMention]:
    """"Councillors Brewer, Chapman and Smith", "County Cllrs A (Ward), former X veteran B and C"."""
    out: list[PersonMention] = []
    while pos < end:
        name = NAME_RE.match(text, pos, end)
        if not name or not _is_name_like(name.group(0)):
            break
        out.append(PersonMention(name.start(), name.end(), strip_titles(name.group(0)), title,
                                 title_start if not out else None))
        sep = _LIST_SEP.match(text, name.end(), end)
        if not sep or sep.end() == name.end():
            break
        pos = sep.end()
        desc = _DESCRIPTOR.match(text, pos, end)
        if desc:
            pos = desc.end()
        title_again = title_regex().match(text, pos, end)
        if title_again:
            pos = title_again.end()
            pos += len(text[pos:end]) - len(text[pos:end].lstrip())
    return out


def entity_names(text: str, ents: list[Entity], parties: list[PartyMention]) -> list[PersonMention]:
    """PERSON entities, cleaned: titles split off, cut names repaired, non-names dropped."""
    out: list[PersonMention] = []
    ents, nicknamed = _join_nicknames(text, ents)
    for ent in ents:
        if ent.label != "PERSON":
            continue
        start, end = ent.start, ent.end
        surface = text[start:end]
        # Trailing possessive and post-nominals are not part of the name.
        poss = re.search(r"['’]s?$", surface)
        if poss:
            end -= len(poss.group(0))
        title_text, title_start = None, None
        title = title_regex().match(text, start, end)
        while title:
            title_text, title_start = re.sub(r"\s+", " ", title.group(0)), title_start or start
            start = title.end() + (len(text[title.end():end]) - len(text[title.end():end].lstrip()))
            title = title_regex().match(text, start, end)
        name_match = NAME_RE.match(text, start, end)
        if not name_match:
            continue
        nickname = (ent.start, ent.end) in nicknamed
        end = ent.end if nickname else name_match.end()
        start, title_text, title_start = _extend_left(text, start, title_text, title_start)
        name = strip_titles(_NICKNAME.sub(" ", text[start:end]) if nickname else text[start:end])
        if not name or not _is_name_like(name):
            continue
        inside_party = any(p.start <= start and end <= p.end for p in parties)
        if title_text is None and not inside_party and _is_place_or_party(name, parties, start, end):
            continue
        if inside_party:
            if len(name.split()) >= 2 and not _is_place_or_party(name, [], start, end):
                out.append(PersonMention(start, end, name, None, None, hidden=True))
            continue
        if _names_a_seat(text, start):
            continue  # "MP for Brighton Kemptown": a constituency, not a person
        if re.match(r"\s+(?:MP|MSP|MLA|MS|AM|MEP)\s+(?:[A-Z][\w'’-]+\s+)*[A-Z]", text[end:end + 60]):
            continue  # "Birmingham Yardley MP Jess Phillips": the seat, then the person
        out.append(PersonMention(start, end, name, title_text, title_start))
    return out


_NICKNAME = re.compile(r"\s+['‘\"“][A-Z][\w'’-]*['’\"”]\s+")
_INITIAL_SURNAME = re.compile(r"\.?\s+[A-Z][\w'’-]+(?=[\s,.;:)]|$)")
_NICKNAME_SURNAME = re.compile(_NICKNAME.pattern + r"[A-Z][\w'’-]+(?=[\s,.;:)]|$)")


def _join_nicknames(text: str, ents: list[Entity]) -> tuple[list[Entity], set[tuple[int, int]]]:
    """"Cllr Altaf 'Tiger' Patel", read by the model as two names: one person, Altaf Patel."""
    out: list[Entity] = []
    joined: set[tuple[int, int]] = set()
    for ent in ents:
        prev = out[-1] if out else None
        if prev is not None and prev.end > ent.start:
            continue  # taken into the name before it
        if (prev is not None and prev.label == "PERSON" and ent.label == "PERSON"
                and _NICKNAME.fullmatch(text, prev.end, ent.start)):
            out[-1] = Entity(prev.start, ent.end, "PERSON", text[prev.start:ent.end])
            joined.add((prev.start, ent.end))
            continue
        surname = (_NICKNAME_SURNAME.match(text, ent.end) or (
            _INITIAL_SURNAME.match(text, ent.end) if re.search(r"\s[A-Z]\.?$", ent.text) else None)
        ) if ent.label == "PERSON" else None
        if surname:  # "Councillor Derek 'Dex' Holroyd", "John P. Hart": the surname left out
            ent = Entity(ent.start, surname.end(), "PERSON", text[ent.start:surname.end()])
            joined.add((ent.start, ent.end))
        out.append(ent)
    return out, joined


def _names_a_seat(text: str, start: int) -> bool:
    """The words before ``start`` say a seat follows: "MP for Brighton Kemptown", "the
    councillors for Marsh End, Ann Dale and ..." (a ward or constituency, not a person)."""
    return bool(re.search(r"\b(?:(?:MPs?|MSPs?|MLAs?|MS|AM|members?|candidates?|constituency|seat|ward|councill?ors?|cllrs?)\s+(?:for|of)|representing)\s+$",
                          text[max(0, start - 25):start], re.IGNORECASE))


def _extend_left(text: str, start: int, title: str | None, title_start: int | None) -> tuple[int, str | None, int | None]:
    """Take in a first name the model left out ("Doreen" + "Brophy Lee")."""
    if title is not None:
        return start, title, title_start
    before = re.search(rf"({_NAME_WORD})\s+$", text[max(0, start - 30):start])
    if not before:
        return start, title, title_start
    word = before.group(1)
    word_start = start - len(before.group(0))
    preceding = text[max(0, word_start - 12):word_start]
    if word in _NOT_NAME_WORDS or title_info(word) or _is_place_or_party(word, [], 0, 0):
        return start, title, title_start
    if re.search(r"(?:^|[.!?:]\s+|\n\s*|[,(]\s*|\band\s+|\b[a-z]+\s+)$", preceding) or not preceding.strip():
        return word_start, title, title_start
    return start, title, title_start


def split_shared_surnames(text: str, mentions: list[PersonMention]) -> list[PersonMention]:
    """"Pat and Ted Flynn": a lone first name joined by "and" to a full name shares its surname."""
    out = list(mentions)
    for m in mentions:
        if len(m.name.split()) < 2:
            continue
        before = re.search(rf"(?:^|,\s|\(|\n|[.:;]\s|\b[a-z]+\s)({_NAME_WORD})\s+and\s+$", text[max(0, m.start - 30):m.start])
        if not before:
            continue
        first = before.group(1)
        if first in _NOT_NAME_WORDS or title_info(first) or _is_place_or_party(first, [], 0, 0):
            continue
        if re.search(r"\b(?:in|of|for|at|on|from|to|by)\s+$", text[max(0, m.start - 40):m.start - len(before.group(0)) + before.group(0).index(first)]):
            continue
        f_start = m.start - len(before.group(0)) + before.group(0).index(first)
        if any(o.start <= f_start < o.end and len(o.name.split()) > 1 for o in out):
            continue
        out = [o for o in out if o.start != f_start]
        full = f"{first} {surname(m.name)}"
        out.append(PersonMention(f_start, f_start + len(first), full, None, None))
    return out


def complete_lists(text: str, mentions: list[PersonMention], parties: list[PartyMention]) -> list[PersonMention]:
    """Names the model missed inside a list of names ("..., Barbara Todd and Naim Mahmood")."""
    out = list(mentions)
    changed = True
    while changed:
        changed = False
        for m in sorted(out, key=lambda x: x.start):
            after = re.match(rf"(?:\s*\([^()]{{0,40}}\))?(?:,\s*and\s+|,\s*plus\s+|\s+and\s+|\s+plus\s+|,\s+)"
                             rf"(?P<poss>(?:the\s+)?[A-Z][\w -]{{1,30}}?['’]s?\s+)?({NAME_RE.pattern})", text[m.end:m.end + 100])
            if after and after.group("poss"):
                # "Labour's A and the Conservatives' B": a party's possessive before the name
                ps, pe = m.end + after.start("poss"), m.end + after.end("poss")
                if not any(p.start >= ps and p.end <= pe and re.match(r"['’]s?\s+$", text[p.end:pe]) for p in parties):
                    after = None
            if after:
                s = m.end + after.start(2)
                e = m.end + after.end(2)
                name = after.group(2)
                if (len(name.split()) >= 2 and _is_name_like(name) and not any(o.start < e and s < o.end for o in out)
                        and not _is_place_or_party(name, parties, s, e) and not _names_a_seat(text, s)):
                    out.append(PersonMention(s, e, strip_titles(name)))
                    changed = True
            before = re.search(rf"({NAME_RE.pattern})(?:\s*\([^()]{{0,40}}\))?(?:,\s+|\s+and\s+)$", text[max(0, m.span_start - 80):m.span_start])
            if before and m.title is None:
                s = m.span_start - len(before.group(0)) + before.start(1) - before.start(0)
                e = s + len(before.group(1))
                name = before.group(1)
                lead = text[max(0, s - 3):s]
                if (len(name.split()) >= 2 and _is_name_like(name) and not any(o.start < e and s < o.end for o in out)
                        and not _is_place_or_party(name, parties, s, e) and not lead.strip().endswith((".",))
                        and not _names_a_seat(text, s)):
                    out.append(PersonMention(s, e, strip_titles(name)))
                    changed = True
    return out


_APPOSITION_RE = re.compile(
    rf"(?:^|(?<=[\n.!?:]\s)|(?<=\n)|(?<=^\s))({NAME_RE.pattern})"
    r"(?=,\s+(?:a|an|the|who|whose|aged|\d{2}),?\s|\s+(?:said|says|told|added|has|had|is|was|will|who|confirmed|announced|wrote|claimed)\b)",
    re.MULTILINE,
)


_PAREN_RE = re.compile(rf"(?<![\w'’-])({NAME_RE.pattern})(?=\s+\((?:[A-Z][\w'’&.-]*\s*){{1,5}}(?:ward)?\))")
_OFFICE_PREFIX_RE = re.compile(rf"\b(?:MP|MSP|MLA|MEP|MS|AM)\s+({NAME_RE.pattern})")


def apposition_names(text: str, start: int, parties: list[PartyMention]) -> list[PersonMention]:
    """Names that need no statistical model: a capitalised name opening a sentence with an
    apposition or a speech verb ("Priya Venkatesan, a teacher ...", "Stephen Willoughby said"),
    a name with a bracketed ward after it ("Pervez Choudhry (Central ward)"), and a name after
    an office ("List MSP Catriona Lennox")."""
    out = []
    for regex in (_APPOSITION_RE, _PAREN_RE, _OFFICE_PREFIX_RE):
        for match in regex.finditer(text, start):
            name = match.group(1)
            if len(name.split()) >= 2 and _is_name_like(name) and not _is_place_or_party(name, parties, match.start(1), match.end(1)):
                out.append(PersonMention(match.start(1), match.end(1), name))
    return out


_LINE_NAME_RE = re.compile(rf"(?:(?:Cllr|Councillor|Coun)\.?[ \t]+)?({NAME_RE.pattern})(?=[ \t]*(?:$|[,(:–—-]))")


def list_line_names(text: str, body_start: int, parties: list[PartyMention]) -> list[PersonMention]:
    """The name that opens each line of a list after a line ending with a colon ("The
    councillors who have resigned are:" then "- Jo Bloggs, Abbey ward" a line each): the model
    often misses names in a column, where they have no sentence around them. The lines are
    those :func:`floorcross.extract.crowds.list_lines` reads the members from."""
    out: list[PersonMention] = []
    open_list = False
    for start, end in paragraphs(text, body_start):
        line = text[start:end]
        if open_list and len(line) <= LIST_LINE_MAX:
            match = _LINE_NAME_RE.match(line, LIST_BULLET.match(line).end())
            if match:
                s, e = start + match.start(1), start + match.end(1)
                name = match.group(1)
                if len(name.split()) >= 2 and _is_name_like(name) and not _is_place_or_party(name, parties, s, e):
                    out.append(PersonMention(s, e, name))
        else:
            open_list = False
        if line.endswith(":"):
            open_list = True
    return out


def find_people(text: str, body_start: int, ents: list[Entity], parties: list[PartyMention],
                masked: list[tuple[int, int]]) -> tuple[list[Person], list[PersonMention]]:
    """All people named in the article and all their mentions, in text order."""
    mentions = titled_names(text, body_start, len(text))
    mentions += entity_names(text, ents, parties)
    mentions += apposition_names(text, body_start, parties)
    mentions += list_line_names(text, body_start, parties)
    mentions = _not_bracketed_seats(text, _dedupe(mentions))
    mentions = _not_bracketed_seats(text, _dedupe(complete_lists(text, mentions, parties)))
    mentions = split_shared_surnames(text, mentions)
    mentions = _dedupe(mentions)
    mentions = _confirmed(mentions)
    people = _cluster(mentions)
    mentions = _more_mentions(text, body_start, people, mentions, parties)
    return _without_hidden(people, mentions)


def _not_bracketed_seats(text: str, mentions: list[PersonMention]) -> list[PersonMention]:
    """"Gina Dowd (Skelmersdale West)": a name in brackets right after a person is their ward or
    seat, not a second person, however much it looks like a name to the model."""
    ordered = sorted(mentions, key=lambda m: m.start)
    drop = set()
    for before, m in pairwise(ordered):
        if m.title is None and re.fullmatch(r"\s*\(\s*", text[before.end:m.span_start]) and \
                re.match(r"\s*(?:[Ww]ard|[Dd]ivision)?\s*\)", text[m.end:m.end + 12]):
            drop.add(id(m))
    return [m for m in mentions if id(m) not in drop]


def _without_hidden(people: list[Person], mentions: list[PersonMention]) -> tuple[list[Person], list[PersonMention]]:
    """Drop mentions inside party names; keep the people they named only if seen elsewhere."""
    kept: list[Person] = []
    remap: dict[int, int] = {}
    for person in people:
        visible = [m for m in person.mentions if not m.hidden]
        if not visible:
            continue
        remap[person.index] = len(kept)
        person.index = len(kept)
        person.mentions = visible
        kept.append(person)
    out = []
    for m in mentions:
        if m.hidden or m.person not in remap:
            continue
        m.person = remap[m.person]
        out.append(m)
    return kept, out


def _confirmed(mentions: list[PersonMention]) -> list[PersonMention]:
    """Drop one-word names with no title unless they are the surname of someone named in full.

    The model tags words such as "Heysham" in "A Heysham councillor" as people.
    """
    surnames = {name_tokens(m.name)[-1] for m in mentions if len(name_tokens(m.name)) >= 2}
    return [m for m in mentions if m.title or len(name_tokens(m.name)) >= 2 or name_tokens(m.name)[-1] in surnames]


def _dedupe(mentions: list[PersonMention]) -> list[PersonMention]:
    """Overlapping mentions: keep the titled one, then the longer."""
    chosen: list[PersonMention] = []
    for m in sorted(mentions, key=lambda m: (m.title is None, -(m.end - m.start), m.start)):
        if all(m.end <= c.start or m.start >= c.end for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


def _cluster(mentions: list[PersonMention]) -> list[Person]:
    people: list[Person] = []
    # Full names first so that a bare surname finds the person it belongs to.
    order = sorted(mentions, key=lambda m: (len(name_tokens(m.name)) < 2, m.start))
    for m in order:
        fits = [p for p in people if any(same_person(m.name, n) for n in p.names)]
        if not fits and m.title in {"Sir", "Dame", "Lord", "Lady"} and len(name_tokens(m.name)) == 1:
            # "Sir Keir" after "Sir Keir Starmer": a knight is called by his first name.
            fits = [p for p in people if any(name_tokens(n)[:1] == name_tokens(m.name) for n in p.names)]
        if len(name_tokens(m.name)) < 2 and len(fits) > 1:
            # A bare surname shared by several people: the one mentioned last before it.
            before = [p for p in fits if any(x.start < m.start for x in p.mentions)]
            fits = [max(before, key=lambda p: max(x.start for x in p.mentions if x.start < m.start))] if before else fits[:1]
        if fits:
            person = fits[0]
        else:
            person = Person(len(people))
            people.append(person)
        person.names.append(m.name)
        person.mentions.append(m)
        m.person = person.index
    return people


def _more_mentions(text: str, body_start: int, people: list[Person], mentions: list[PersonMention],
                   parties: list[PartyMention]) -> list[PersonMention]:
    """Every other place a known full name or surname appears ("Mann's defection")."""
    taken = [(m.span_start, m.end) for m in mentions if not m.hidden]
    taken += [(p.start, p.end) for p in parties]
    owners: dict[str, list[Person]] = {}
    firsts = [p.name.split()[0] for p in people if len(p.name.split()) >= 2]
    for person in people:
        forms = set(person.names)
        if any(len(n.split()) >= 2 for n in forms):
            forms.add(surname(person.name))
            first = person.name.split()[0]
            # "Hannah was elected as a Liberal Democrat": a first name only one person has.
            if firsts.count(first) == 1 and first not in _NOT_NAME_WORDS and len(first) >= 4 \
                    and not title_info(first):
                forms.add(first)
        for form in forms:
            if form not in _NOT_NAME_WORDS and len(form) >= 3:
                owners.setdefault(form, []).append(person)
    if not owners:
        return mentions
    # One pass over the text for every name form, longest forms first.
    alternation = "|".join(re.escape(f) for f in sorted(owners, key=len, reverse=True))
    extra: list[PersonMention] = []
    for match in re.finditer(rf"(?<![\w'’-])(?:{alternation})(?![\w-])", text[body_start:]):
        form = match.group(0)
        s, e = match.start() + body_start, match.end() + body_start
        if any(s < te and e > ts for ts, te in taken):
            continue
        candidates = owners[form]
        person = candidates[0]
        # "Bharti Gajjar" where only "Councillors Gajjar" was known: take in the first name.
        if len(form.split()) == 1 and all(len(n.split()) == 1 for n in person.names):
            first = re.search(rf"({_NAME_WORD})\s+$", text[max(body_start, s - 25):s])
            if first and first.group(1) not in _NOT_NAME_WORDS and not title_info(first.group(1)) \
                    and not any(s - len(first.group(0)) < te and s > ts for ts, te in taken):
                s -= len(first.group(0))
                person.names.append(f"{first.group(1)} {form}")
        # A surname shared by several people goes to the one named last before it.
        owner = person
        if len(form.split()) == 1:
            sharing = [p for p in people if any(surname(n) == form for n in p.names)] or candidates
            if len(sharing) > 1:
                prior = [(max((x.start for x in p.mentions if x.start < s), default=-1), p) for p in sharing]
                owner = max(prior, key=lambda t: t[0])[1]
        mention = PersonMention(s, e, form, None, None, owner.index)
        owner.mentions.append(mention)
        extra.append(mention)
        taken.append((s, e))
    for person in people:
        person.mentions.sort(key=lambda m: m.start)
    return sorted(mentions + extra, key=lambda m: m.start)


@cache
def relation_gap() -> str:
    """What stands between two listed names when the second is the first's relation in
    apposition ("A and his wife, Cllr B"; ``list_relations`` in lexicon.yaml), as a regex."""
    nouns = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in lexicon()["list_relations"])
    return (rf"\s*,?\s*and\s+(?:his|her|their)\s+(?:[a-z-]+\s+){{0,2}}?(?:{nouns})s?\s*,?\s*"
            r"(?:(?:former|fellow|deputy)\s+)?(?:(?:county\s+|borough\s+|district\s+|city\s+|town\s+)?"
            r"(?:councillors?|cllrs?\.?)\s+)?")
