"""Assemble events: triggers + subjects + parties + dates -> one event per person per change.

Steps: find trigger atoms in each sentence; drop those under speculation or denial; join atoms
of one clause ("resigned from the Lib Dems to join Lewisham Labour" is one move); find who each
is about; resolve "the party"; merge mentions of the same change; order each person's changes
and decide which is the news (``new``) and which is context (``background``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from floorcross.extract.context import PARTY_CHAR, PERSON_CHAR, ArticleContext
from floorcross.extract.crowds import counted_lists, ellipsis_patterns, member_lists, opening_lists
from floorcross.extract.segment import Sentence
from floorcross.extract.subjects import Resolver, Subject
from floorcross.extract.triggers import Atom, PartySlot, find_atoms
from floorcross.normalise.dates import DateMention
from floorcross.prefilter import COMPLETING_ROLES
from floorcross.resources import lexicon

_P, _W = re.escape(PARTY_CHAR), re.escape(PERSON_CHAR)


@cache
def _cue_re(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{'|'.join(lexicon()[name])})(?![\w-])", re.IGNORECASE)


_REPORTED_FUTURE = re.compile(
    r"(?:announced|said|says|confirmed|declared|stated|revealed|told|decided|agreed|insisted|explained|wrote)"
    rf"\b[^.;]{{0,80}}?\b(?:that\s+)?(?:he|she|they|it|{_W}+(?:\s+and\s+{_W}+)*)\s+would",
    re.IGNORECASE,
)


@dataclass
class RawEvent:
    """A change stated once in the text, before merging."""

    kind: str
    person: int
    from_party: str | None
    to_party: str | None
    atoms: list[Atom]
    sentences: list[Sentence]
    date: DateMention | None = None
    background_cue: bool = False
    recent_cue: bool = False
    order: int = 0
    explicit_from: bool = False
    explicit_to: bool = False
    via: str = ""
    subject_phrase: tuple[int, int] | None = None
    relative: bool = False  # stated in a relative clause ("who quit Labour last month")

    @property
    def first(self) -> Atom:
        return self.atoms[0]

    @property
    def bare(self) -> bool:
        """A change stated with no party at either end ("X has defected")."""
        return all(a.from_slot is None and a.to_slot is None for a in self.atoms)


@dataclass
class Completion:
    """"X will sit as an independent" / "as a member of the People's Party": where X ends up."""

    person: int
    party: str | None  # None: the statement only dates the change ("confirmed the move on Monday")
    sentence: Sentence
    date: DateMention | None = None
    atoms: list[Atom] | None = None
    subject: Subject | None = None


def not_party_action(ctx: ArticleContext, atom: Atom) -> bool:
    """A suspension or expulsion by an employer, a club or a standards panel, not a party."""
    if atom.kind not in {"suspension", "expulsion", "readmission"}:
        return False
    sentence = atom.sentence
    lo = max(sentence.start, atom.start - 60) - sentence.start
    hi = min(sentence.end, atom.end + 80) - sentence.start
    return bool(_cue_re("not_party_action").search(sentence.text[lo:hi]))


def speculative(ctx: ArticleContext, atom: Atom, subject_start: int | None = None) -> bool:
    """Whether the clause before the trigger carries speculation, denial or negation.

    Quoted words count here ("she had 'no intention' of leaving the party").
    """
    sentence = atom.sentence
    masked = _unquoted(ctx, sentence)
    rel = atom.start - sentence.start
    left = masked[:rel]
    # The clause: back to the last strong boundary.
    cut = max(left.rfind(";"), left.rfind(" but "), left.rfind(":"), left.rfind(" – "))
    clause = left[cut + 1 :] if cut >= 0 else left
    clause_start = rel - len(clause)
    for match in _cue_re("speculation").finditer(clause):
        absolute = match.start() + clause_start
        if any(f.start() <= absolute < f.end() for f in _REPORTED_FUTURE.finditer(masked)):
            continue
        if match.group(0).lower() == "if" and re.search(r"\bas\s+if\b", clause, re.IGNORECASE):
            continue
        return True
    return False


def _unquoted(ctx: ArticleContext, sentence: Sentence) -> str:
    """The masked sentence with quoted words put back (people and parties stay masked)."""
    masked = list(ctx.mask(sentence))
    for i, ch in enumerate(masked):
        if ch == "·":
            masked[i] = sentence.text[i]
    return "".join(masked)


def _retracted(ctx: ArticleContext, sentence: Sentence) -> set[int]:
    """People who "were talked out of it" in this sentence."""
    masked = ctx.mask(sentence)
    out: set[int] = set()
    for cue in _cue_re("retraction").finditer(masked):
        left = masked[: cue.start()]
        runs = list(re.finditer(rf"({_W}+)(?:\s*(?:,|and|&)\s*({_W}+))*\s+(?:were|was|had\s+been|have\s+been|has\s+been|then|later)?\s*$", left))
        if runs:
            for m in re.finditer(f"{_W}+", runs[-1].group(0)):
                mention = ctx.mention_at(sentence.start + runs[-1].start() + m.start())
                if mention:
                    out.add(mention.person)
    return out


_GAP_DATE_RE = re.compile(
    r"\b(?:in|on|last|this|earlier|since)\s+(?:[A-Z][a-z]+\s+)?(?:\d{4}|[A-Z][a-z]+|week|month|year|night)\b(?:\s+\d{4})?"
    r"|\b(?:yesterday|today|this\s+morning)\b")


def _linked(a: Atom, b: Atom, masked: str, base: int) -> bool:
    """Whether two atoms of one sentence state one change ("quit X to join Y", "left X in
    2023 to form Y"); "... and have now joined Z" is a later change."""
    if a.kind != "defection" or b.kind != "defection":
        return False
    raw_gap = masked[a.end - base : b.start - base]
    after_b = masked[b.end - base : b.end - base + 40]
    if a.role in {"join", "gain"} and b.role == "leave" and _JOIN_AFTER_LEAVE.fullmatch(raw_gap):
        # "has joined Y after quitting X", "Y has welcomed A, who quit X on Monday": one switch,
        # unless the leaving is dated apart ("after quitting X last year" is an earlier change).
        return not _OLD_DATE_RE.search(raw_gap + " " + b.text + " " + after_b)
    if re.search(r"\b(?:he|she|they)\s+(?:had\s+)?(?:first\s+|originally\s+)?(?:left|quit)\b", raw_gap, re.IGNORECASE):
        return False  # "rejoined X, the party she left in 2021 to sit as an independent"
    if _GAP_DATE_RE.search(raw_gap) and _GAP_DATE_RE.search(after_b):
        return False  # "left Labour in 2008 and joined the Lib Dems in 2009": two changes
    if _relative_then_main(a, b, masked, base):
        return False
    gap = _GAP_DATE_RE.sub(" ", raw_gap)
    lead = re.match(r"(?:to|and|in\s+order\s+to)\s", b.text, re.IGNORECASE)
    if lead:
        gap = gap + lead.group(0)
    if len(gap) > 80 or re.search(rf"{_W}", gap):
        return False
    if re.search(r"\b(?:now|later|then|since|subsequently|afterwards|before|after)\b", gap, re.IGNORECASE):
        return False
    if re.search(r"(?:\bto\b|\bin\s+order\s+to\b)\s*$", gap) or re.search(r"\bto\s+(?:become|sit|serve|join)\b", gap):
        return True
    if re.search(r"\band\b\s*(?:(?:has|have|had|will|would)\s+)?(?:now\s+)?(?:then\s+)?(?:been\s+)?\s*$", gap):
        return not re.search(r"\b(?:in|since|during)\s+(?:\d{4}|[A-Z][a-z]+)", gap)
    if re.fullmatch(r"\s*,?\s*(?:(?:and|to|so)\s+)?(?:will|would|to)?\s*(?:now\s+)?", gap):
        return True
    return gap.strip() in {"", ","}


_JOIN_AFTER_LEAVE = re.compile(
    # "has joined the Greens on Sheffield City Council, after he quit Labour": the council between
    r"(?:\s+(?:on|in|at)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:and\s+|of\s+|upon\s+)?[A-Z][\w'’-]*){0,5})?"
    rf"(?:\s+(?:former\s+)?(?:[a-z]+\s+)?(?:councillors?\s+|cllrs?\.?\s+)?{_W}+(?:\s+and\s+{_W}+)?)?"
    r"(?:\s+(?:into|to)\s+(?:its|their|the\s+party['’]s|the)\s+(?:ranks|fold|group|team))?"
    r"(?:\s*,\s*(?:who|having)\s+(?:(?:has|have|had|only|recently|just|both)\s+)*"
    r"|\s*,?\s+(?:shortly\s+|just\s+|soon\s+)?after\s+(?:(?:he|she|they)\s+(?:had\s+)?)?)")
_OLD_DATE_RE = re.compile(
    r"\b(?:last|previous)\s+(?:year|month|summer|spring|autumn|winter)|\b(?:19|20)\d\d\b|\bago\b|"
    r"\b(?:years?|months?)\s+(?:earlier|before|after)|\bearlier\s+this\s+year\b|\bpreviously\b|\bformerly\b|"
    r"\bin\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\b",
    re.IGNORECASE)


_RELATIVE_RE = re.compile(
    r"\b(?:who|which|that)\s+(?:(?:had|has|have|was|were|only|first|recently)\s+)*$", re.IGNORECASE)


def _in_relative_clause(atom: Atom, masked: str, base: int) -> bool:
    return bool(_RELATIVE_RE.search(masked[max(0, atom.start - base - 30) : atom.start - base]))


def _relative_then_main(a: Atom, b: Atom, masked: str, base: int) -> bool:
    """"A councillor who walked out of Labour last month has joined the Conservatives": the
    relative clause tells an earlier change; the main verb that follows it is the news."""
    if not _in_relative_clause(a, masked, base):
        return False
    around_b = masked[max(0, b.start - base - 12) : b.end - base]
    return bool(re.search(r"\b(?:has|have|had|is|are|was|were|will|now)\b", around_b)) and \
        not re.match(r"\s*(?:,?\s*and|to|in\s+order\s+to)\b", masked[a.end - base : b.start - base])


def collect_events(ctx: ArticleContext) -> tuple[list[RawEvent], list[Completion]]:
    """Every stated change in the article (one per person per statement), and completions."""
    resolver = Resolver(ctx)
    events: list[RawEvent] = []
    completions: list[Completion] = []
    pending: list[tuple[list[Atom], Subject]] = []
    order = 0
    for sentence in ctx.sentences:
        if sentence.start < ctx.body_start:
            continue
        atoms = [a for a in find_atoms(ctx, sentence) if not ctx.in_quote(a.start, a.end)]
        retracted = _retracted(ctx, sentence) if atoms else set()
        for group in _group_atoms(atoms, ctx.mask(sentence), sentence.start):
            lead = group[0]
            completing = all(a.role in {"to_ind", "when"} for a in group)
            subject = resolver.subject(lead) if completing else _subject_for(resolver, group)
            if speculative(ctx, lead) or not_party_action(ctx, lead):
                continue
            if lead.role == "group_leave" and not _party_in_phrase(ctx, subject):
                continue
            if not subject.people:
                if subject.pending:
                    pending.append((group, subject))
                continue
            if subject.via == "description" and subject.phrase and len(subject.people) == 1:
                ctx.descriptions.setdefault(subject.people[0], []).append(subject.phrase)
            for person in subject.people:
                if person in retracted:
                    continue
                if completing:
                    party = _slot_party(ctx, lead.to_slot, lead) if lead.role == "to_ind" else None
                    if party or lead.role == "when":
                        completions.append(Completion(person, party, sentence, _event_date(ctx, group),
                                                      list(group), subject))
                    continue
                order += 1
                events.append(_raw_event(ctx, group, person, subject, order))
        resolver.note_sentence(sentence)
    named, completed = _named_apart(ctx, pending, events, order)
    events += named
    _groups_named_later(ctx, pending, events)
    completions += completed
    _parties_from_lists(ctx, events)
    events += _lone_completions(ctx, completions, events, order + len(events))
    events += _elliptical(ctx, events, order + len(events))
    events += _left_before(ctx, events, completions, order + len(events))
    return events, completions


# "has rejoined the Conservatives, the party she left in 2021", "returns to Labour, which he quit
# in 2019": the party joined is one the person had left before, an earlier change.
_LEFT_BEFORE_RE = re.compile(
    r"\s*,?\s*(?:the\s+(?:same\s+)?(?:party|group)\s+)?(?:that\s+|which\s+)?(?:he|she|they)\s+(?:had\s+)?"
    r"(?:first\s+|originally\s+|previously\s+|once\s+)?(?:left|quit|walked\s+out\s+of|resigned\s+from|abandoned|deserted)\b"
    r"[^.;,]{0,60}", re.IGNORECASE)


def _left_before(ctx: ArticleContext, events: list[RawEvent], completions: list[Completion],
                 order: int) -> list[RawEvent]:
    out: list[RawEvent] = []
    for event in events:
        if event.kind != "defection" or event.to_party in (None, "Independent"):
            continue
        atom = next((a for a in event.atoms if a.role == "join" and a.to_slot is not None), None)
        if atom is None or any(o.person == event.person and o.from_party == event.to_party for o in events + out):
            continue
        sentence = atom.sentence
        match = _LEFT_BEFORE_RE.match(ctx.mask(sentence), atom.to_slot.end - sentence.start)
        if not match:
            continue
        lo, hi = sentence.start + match.start(), sentence.start + match.end()
        dates = [d for d in ctx.dates_in(lo, hi) if not ctx.in_quote(d.start)]
        if event.date is not None and lo <= event.date.start < hi:
            event.date = None  # the date of the earlier leaving, not of the return
        for c in completions:
            if c.person == event.person and c.date is not None and lo <= c.date.start < hi:
                c.date = None
        order += 1
        out.append(RawEvent("defection", event.person, event.to_party, None, [atom], [sentence],
                            date=dates[0] if dates else None, background_cue=True, order=order,
                            explicit_from=True, via=event.via))
    return out


_JOINED_BY_RE = re.compile(r"\bjoined\s+(?:in\s+the\s+\w+\s+)?by\b", re.IGNORECASE)


def _elliptical(ctx: ArticleContext, events: list[RawEvent], order: int) -> list[RawEvent]:
    """"Councillor A has quit Labour. So have her colleagues B and C." / "D followed suit":
    a change told again for more people without its verb is the change stated last before it."""
    after_res, before_res = ellipsis_patterns()
    out: list[RawEvent] = []
    for sentence in ctx.sentences:
        if sentence.start < ctx.body_start or ctx.in_quote(sentence.start, sentence.end):
            continue
        masked = ctx.mask(sentence)
        if PERSON_CHAR not in masked:
            continue
        spans: list[tuple[int, int, int, int]] = []  # where the people are, where their date may be
        for regex in after_res:
            match = regex.search(masked)
            if match:
                # "Joining him is B, who had been deputy leader until last year": the relative
                # clause describes B; it does not date the move.
                aside = re.search(r",\s*(?:who|whose|which)\b", masked[match.end():])
                date_hi = match.end() + aside.start() if aside else len(masked)
                spans.append((match.end(), len(masked), match.end(), date_hi))
        for regex in before_res:
            match = regex.search(masked)
            if match:
                clause = re.search(r"[,;]|\band\b", masked[match.end():])
                stop = match.end() + clause.start() if clause else len(masked)
                spans.append((0, match.start(), match.end(), stop))
        if not spans:
            continue
        earlier = [e for e in events + out if e.first.sentence.index < sentence.index]
        if not earlier:
            continue
        prev = max(earlier, key=lambda e: (e.first.sentence.index, e.order))
        if sentence.index - prev.first.sentence.index > 3:
            continue
        moved = {e.person for e in events + out if e.kind == prev.kind}
        for lo, hi, date_lo, date_hi in spans:
            for m in ctx.mentions_in(sentence.start + lo, sentence.start + hi):
                if m.person in moved and prev.explicit_to and _JOINED_BY_RE.search(masked):
                    # "He is joined by B, who also left the Tories": B's own leaving, told
                    # without where to, went where the change before it went.
                    for e in events + out:
                        if e.person == m.person and e.first.sentence is sentence and e.kind == prev.kind \
                                and not e.explicit_to and e.from_party != prev.to_party:
                            e.to_party, e.explicit_to = prev.to_party, True
                if m.person in moved or re.match(r"['’]s?\b", ctx.text[m.end:m.end + 2]):
                    continue  # already moved, or a possessor ("Cllr Sharif's husband")
                order += 1
                raw = _raw_event(ctx, prev.atoms, m.person, Subject([m.person], "ellipsis"), order)
                raw.from_party, raw.to_party = prev.from_party, prev.to_party
                raw.explicit_from, raw.explicit_to = prev.explicit_from, prev.explicit_to
                raw.sentences = [sentence] + [s for s in prev.sentences if s is not sentence]
                own = [d for d in ctx.dates_in(sentence.start + date_lo, sentence.start + date_hi)
                       if not ctx.in_quote(d.start)]
                raw.date = own[0] if own else prev.date
                out.append(raw)
                moved.add(m.person)
    return out


def _party_in_phrase(ctx: ArticleContext, subject: Subject) -> bool:
    """Whether a group or description names a party of its own ("Six Labour councillors")."""
    if subject.via not in {"group", "description"} or subject.phrase is None:
        return False
    lo, hi = subject.phrase
    return any(lo <= p.start < hi and p.name != "Independent" and not re.search(
        r"\b(?:former|ex-?)\s*$", ctx.text[max(lo, p.start - 10) : p.start], re.IGNORECASE) for p in ctx.parties)


def _lone_completions(ctx: ArticleContext, completions: list[Completion], events: list[RawEvent],
                      order: int) -> list[RawEvent]:
    """"Cllr X will now sit as an independent", said of someone no other sentence moves: the
    change itself, from the party the text gives them ("Labour councillor X") to where they sit."""
    from floorcross.extract.attributes import party_of

    out: list[RawEvent] = []
    moved = {e.person for e in events}
    for c in completions:
        if c.party is None or c.person in moved or c.atoms is None or c.subject is None:
            continue
        if ctx.sentence_at(c.atoms[0].start) is None or _recalled(ctx, c):
            continue
        left = party_of(ctx, c.person, allow_former=True)
        if left is None or left == c.party:
            continue
        order += 1
        raw = _raw_event(ctx, c.atoms, c.person, c.subject, order)
        raw.from_party, raw.to_party = left, c.party
        out.append(raw)
        moved.add(c.person)
    return out


def _recalled(ctx: ArticleContext, c: Completion) -> bool:
    """"has sat as an independent since 2019", "continues to sit as an independent": a state
    the text reports, not a move."""
    lead = c.atoms[0]
    around = ctx.text[max(lead.sentence.start, lead.start - 40) : min(lead.sentence.end, lead.end + 40)]
    return bool(re.search(r"\b(?:since|still|has\s+sat|have\s+sat|had\s+sat|has\s+been\s+sitting|had\s+been\s+sitting|"
                          r"continues|continued|remains|remained|elected|always|already)\b", around, re.IGNORECASE))


def _named_apart(ctx: ArticleContext, pending: list[tuple[list[Atom], Subject]],
                 events: list[RawEvent], order: int) -> tuple[list[RawEvent], list[Completion]]:
    """Changes of groups whose members a sentence of their own names (see extract.crowds): each
    member list goes to the group change in its own sentence, else the nearest before it, else
    the nearest after it, and to the other group changes of that kind it does not contradict.
    What such a group will sit as ("The five, who will sit as the X Independents, are:") goes
    to each member as a completion."""
    if not pending:
        return [], []
    out: list[RawEvent] = []
    completed: list[Completion] = []
    changes = [p for p in pending if not all(a.role in {"to_ind", "when"} for a in p[0])]
    lists = member_lists(ctx)
    listed = {m for found in lists for m in found.members}
    counts = {p[1].count for p in changes if p[1].count}
    lists += [found for found in counted_lists(ctx, counts) if not set(found.members) & listed]
    listed = {m for found in lists for m in found.members}
    moved = {e.person for e in events}
    lists += [found for found in opening_lists(ctx, {p[0][0].sentence.index: p[1].count for p in changes})
              if not set(found.members) & (listed | moved)]
    for found in lists:
        at = found.sentence.index
        size = len(found.members)
        if all(any(e.person == p and e.first.sentence.index == at for e in events) for p in found.members):
            continue  # a list its own sentence already moves ("lost the whip: A, B and C")
        for group, subject in pending:
            lead = group[0]
            if lead.role == "to_ind" and (subject.count is None or subject.count >= size) and \
                    abs(lead.sentence.index - at) <= 1:
                party = _slot_party(ctx, lead.to_slot, lead)
                completed += [Completion(person, party, lead.sentence, _event_date(ctx, group))
                              for person in found.members if party]
        fits = [p for p in changes if p[1].count is None or p[1].count >= size]
        if not fits:
            continue
        before = [p for p in fits if p[0][0].sentence.index <= at]
        if not before and all(any(e.person == p for e in events) for p in found.members):
            continue  # people already moved are not the members of a group told after them
        primary = max(before, key=lambda p: (p[0][0].sentence.index, p[0][0].start)) if before else \
            min(fits, key=lambda p: (p[0][0].sentence.index, p[0][0].start))
        targets = [primary] + [p for p in fits if p is not primary and p[0][0].kind == primary[0][0].kind
                               and (p[1].count in (None, primary[1].count) or primary[1].count is None)]
        for group, subject in targets:
            for person in found.members:
                if any(e.person == person and e.kind == group[0].kind for e in events):
                    continue
                order += 1
                named = Subject([person], "group", found.sentence, subject.phrase)
                raw = _raw_event(ctx, group, person, named, order)
                left = found.left.get(person)
                if left is not None and not raw.explicit_from and left.name != raw.to_party:
                    raw.from_party, raw.explicit_from = left.name, True
                out.append(raw)
    return out, completed


def _groups_named_later(ctx: ArticleContext, pending: list[tuple[list[Atom], Subject]],
                        events: list[RawEvent]) -> None:
    """"Two councillors have quit the X group to form Y. ... the councillors for Z, A and B, had
    left the group.": a counted group whose change no member list took, and a later sentence
    (within three) that moves exactly that many named people the same way without saying where
    to: those people are the group, and they went where the group went."""
    taken = {id(a) for e in events for a in e.atoms}
    for group, subject in pending:
        lead = group[0]
        if subject.count is None or any(id(a) in taken for a in group):
            continue
        if all(a.role in {"to_ind", "when"} for a in group):
            continue
        to_slot = next((a.to_slot for a in reversed(group) if a.to_slot), None)
        to_party = _slot_party(ctx, to_slot, group[-1]) if to_slot is not None else None
        from_slot = next((a.from_slot for a in group if a.from_slot), None)
        from_party = _slot_party(ctx, from_slot, lead) if from_slot is not None else None
        if to_party is None or to_party == from_party:
            continue
        by_sentence: dict[int, list[RawEvent]] = {}
        for e in events:
            index = e.first.sentence.index
            if e.kind == lead.kind and lead.sentence.index < index <= lead.sentence.index + 3 \
                    and not e.explicit_to and e.to_party in (None, "Independent") \
                    and (e.from_party is None or from_party is None or e.from_party == from_party):
                by_sentence.setdefault(index, []).append(e)
        for index in sorted(by_sentence):
            found = by_sentence[index]
            if len({e.person for e in found}) == subject.count:
                for e in found:
                    e.to_party = to_party
                    if e.from_party is None and from_party is not None:
                        e.from_party = from_party
                break


def _parties_from_lists(ctx: ArticleContext, events: list[RawEvent]) -> None:
    """A member list's descriptions ("ex-Labour members A and B", "C and D (both Tories)") give
    the party left to every change of those members that does not name it."""
    lists = [m for m in member_lists(ctx) if m.left] if any(e.via == "group" for e in events) else []
    for found in lists:
        for e in events:
            left = found.left.get(e.person)
            if left is not None and e.kind == "defection" and not e.explicit_from and left.name != e.to_party:
                e.from_party, e.explicit_from = left.name, True


def _subject_for(resolver: Resolver, group: list[Atom]) -> Subject:
    unnamed = Subject()
    for atom in group:
        if atom.role in {"to_ind", "when"} and len(group) > 1:
            continue
        subject = resolver.subject(atom)
        if subject.people:
            return subject
        if subject.pending and not unnamed.pending:
            unnamed = subject
    return unnamed


def _group_atoms(atoms: list[Atom], masked: str, base: int) -> list[list[Atom]]:
    """Atoms of one change together. A lone "sits as an independent" group only completes
    another change (see :class:`Completion`); it is never a change on its own."""
    groups: list[list[Atom]] = []
    for atom in atoms:
        if groups and _linked(groups[-1][-1], atom, masked, base):
            groups[-1].append(atom)
        else:
            groups.append([atom])
    return groups


def _raw_event(ctx: ArticleContext, group: list[Atom], person: int, subject: Subject, order: int) -> RawEvent:
    kind = group[0].kind
    from_slot = next((a.from_slot for a in group if a.from_slot), None)
    to_slot = next((a.to_slot for a in reversed(group) if a.to_slot), None)
    from_party = _slot_party(ctx, from_slot, group[0])
    to_party = _slot_party(ctx, to_slot, group[-1])
    sentences = [group[0].sentence]
    if subject.group_sentence and subject.group_sentence is not group[0].sentence:
        sentences.append(subject.group_sentence)
    event = RawEvent(kind, person, from_party, to_party, list(group), sentences, order=order,
                     explicit_from=from_slot is not None and from_slot.mention is not None,
                     explicit_to=to_slot is not None and to_slot.mention is not None, via=subject.via,
                     subject_phrase=subject.phrase)
    if kind == "defection" and from_slot is None and to_slot is not None:
        earlier = _time_as_before(ctx, group[-1])
        if earlier is not None and earlier != event.to_party:
            event.from_party, event.explicit_from = earlier, True
    if kind == "defection" and to_slot is None:
        gained = _receiving_party(ctx, group[0])
        if gained is not None and gained != event.from_party:
            event.to_party, event.explicit_to = gained, True
    event.relative = _in_relative_clause(group[0], ctx.mask(group[0].sentence), group[0].sentence.start)
    event.date = _event_date(ctx, group)
    if event.date is None and subject.group_sentence is not None and subject.group_sentence is not group[0].sentence:
        # "Fourteen councillors have quit. The councillors who resigned today are A, B, ...".
        named = subject.group_sentence
        event.date = next((d for d in ctx.dates_in(named.start, named.end)
                           if d.kind in {"today", "yesterday", "last_night", "weekday", "weekday_date", "day_month", "month_day"}
                           and not ctx.in_quote(d.start)), None)
    if event.date is None:
        event.date = _relative_to_previous(ctx, group)
    event.background_cue = _background_cue(ctx, group)
    event.recent_cue = _recent_cue(ctx, group)
    return event


# "Reform UK now has two councillors on X after A and B crossed the floor": the party the main
# clause says grew is where the people of the "after" clause went.
_RECEIVING_RE = re.compile(
    rf"^[\W_]*(?:the\s+)?({_P}+)\s+(?:group\s+)?(?:(?:has|have|had)\s+)?(?:now\s+|also\s+)?"
    r"(?:has|have|had|gained|gains|grown|grew|increased|doubled|trebled|boosted|strengthened|added|become|became)\b"
    r"[^.;]{0,120}?\b(?:after|following|when|as)\s+[^.;]{0,160}$", re.IGNORECASE)


@cache
def _time_as_before_re() -> re.Pattern[str]:
    return re.compile(lexicon()["time_as_before"].replace("{FROM}", f"{_P}+"), re.IGNORECASE)


def _time_as_before(ctx: ArticleContext, atom: Atom) -> str | None:
    """"rejoined Labour after two years as an independent": the party the time was spent in."""
    sentence = atom.sentence
    match = _time_as_before_re().match(ctx.mask(sentence), atom.end - sentence.start)
    if match is None:
        return None
    party = ctx.party_at(sentence.start + match.start(1), sentence.start + match.end(1))
    return party.name if party is not None else None


def _receiving_party(ctx: ArticleContext, lead: Atom) -> str | None:
    sentence = lead.sentence
    match = _RECEIVING_RE.match(ctx.mask(sentence)[: lead.start - sentence.start])
    if match is None:
        return None
    party = ctx.party_at(sentence.start + match.start(1), sentence.start + match.end(1))
    return party.name if party is not None else None


_LATER_RE = re.compile(
    r"\b(?:(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+few|several)\s+"
    r"(?P<unit>days?|weeks?|months?|years?)\s+later|later\s+that\s+(?P<same>year|month)|"
    r"the\s+following\s+(?P<next>year|month))\b", re.IGNORECASE)


def _relative_to_previous(ctx: ArticleContext, group: list[Atom]) -> DateMention | None:
    """"suspended in 2020 ... and had it restored three months later": a date counted from the
    change stated before it in the same sentence."""
    sentence = group[0].sentence
    lo, hi = _scope(ctx, group)
    later = _LATER_RE.search(ctx.text, group[-1].end, min(hi, group[-1].end + 60)) or \
        _LATER_RE.search(ctx.text, max(lo, group[0].start - 40), group[0].start)
    if later is None:
        return None
    earlier = [a for a in find_atoms(ctx, sentence) if a.end <= group[0].start]
    if not earlier:
        return None
    base = _event_date(ctx, [earlier[-1]])
    if base is None or base.value is None:
        return None
    value = _shift(base.value, later)
    if value is None:
        return None
    return DateMention(later.start(), later.end(), later.group(0), "relative", value, base.explicit_year)


def _shift(value: str, later: re.Match[str]) -> str | None:
    year = int(value[:4])
    month = int(value[5:7]) if len(value) >= 7 else None
    if later.group("same"):
        return value[:4] if later.group("same").lower() == "year" or month is None else value[:7]
    if later.group("next"):
        if later.group("next").lower() == "year":
            return f"{year + 1:04d}"
        return None if month is None else (f"{year + (month // 12):04d}-{month % 12 + 1:02d}")
    unit = later.group("unit").lower().rstrip("s")
    words = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
    n_text = later.group("n").lower()
    n = int(n_text) if n_text.isdigit() else words.get(n_text, 1)
    if unit == "year":
        return f"{year + n:04d}"
    if month is None:
        return f"{year:04d}"  # counted from a year alone: the year is all the text allows
    if unit == "month":
        total = year * 12 + (month - 1) + n
        return f"{total // 12:04d}-{total % 12 + 1:02d}"
    return value[:7]

_NEW_GROUP = re.compile(r"\b(?:new|breakaway|splinter|fledgling|own)\b", re.IGNORECASE)
_APPOSED_NAME = re.compile(rf"\s*,?\s*(?:the\s+)?[‘'\"“]?({_P}+)")
_NAMED_AS = re.compile(
    rf"\b(?:called|named|known\s+as|to\s+be\s+known\s+as|under\s+the\s+(?:name|banner)(?:\s+of)?|"
    rf"created|formed|launched|set\s+up|founded|establish(?:ed)?|"
    rf"(?:creation|formation|launch)\s+of(?:\s+(?:a|the))?(?:\s+new)?(?:\s+[\w-]+)?\s+(?:group|party|grouping),?|"
    rf"\b(?:a|the)\s+new(?:\s+[\w-]+)?\s+(?:group|party|grouping)\s*[,:–—-])\s+(?:the\s+)?[‘'\"“]?({_P}+)"
    # "The Hexley Voice group is made up of A, B and C": the new group named by who is in it
    rf"|^[\W_]*(?:the\s+)?[‘'\"“]?({_P}+)[’'\"”]?\s+(?:group\s+)?(?:is|will\s+be)\s+(?:made\s+up\s+of|led\s+by|chaired\s+by)"
    rf"|^[\W_]*(?:the\s+)?[‘'\"“]?({_P}+)[’'\"”]?\s+(?:group\s+)?(?:consists\s+of|comprises|includes|members\s+are)",
    re.IGNORECASE)


def _named_new_group(ctx: ArticleContext, slot: PartySlot) -> str | None:
    """The name a new group is given ("... formed a new group. It will be called the X"): in the
    rest of the sentence or the two after it; never a party named before it."""
    sentence = ctx.sentence_at(slot.start)
    if sentence is None:
        return None
    for s in ctx.sentences[sentence.index : sentence.index + 3]:
        masked = ctx.mask(s)
        lo = slot.end - s.start if s is sentence else 0
        apposition = _APPOSED_NAME.match(masked, lo) if s is sentence else None
        for match in [apposition] + list(_NAMED_AS.finditer(masked, lo)):
            if match is None:
                continue
            group = match.lastindex or 1  # the one alternative's name group that matched
            party = ctx.party_at(s.start + match.start(group), s.start + match.end(group))
            if party is not None and (party.local or not _is_national(party.name)):
                return party.name
    return None


def _is_national(name: str) -> bool:
    from floorcross.normalise.parties import is_canonical

    return is_canonical(name) and name != "Independent"


def _slot_party(ctx: ArticleContext, slot: PartySlot | None, atom: Atom) -> str | None:
    if slot is None:
        return None
    if slot.mention is not None:
        if slot.mention.name == "Independent" and re.search(
                r"\b(?:new|breakaway|splinter)\s+$", ctx.text[max(0, slot.mention.start - 20):slot.mention.start],
                re.IGNORECASE) and re.match(r"\s+group\b", ctx.text[slot.mention.end:slot.mention.end + 8]):
            # "a new independent group ... will be known as X": the group's name where the text gives it
            return _named_new_group(ctx, slot) or slot.mention.name
        return slot.mention.name
    if slot.generic and re.search(r"\bparties$", slot.generic, re.IGNORECASE):
        return None  # "resigned from their parties": each person's own, from what the text gives them
    if slot.generic and _NEW_GROUP.search(slot.generic):
        # "formed a new group": the group's own name if the text gives it, not an older party.
        return _named_new_group(ctx, slot)
    if slot.generic and re.search(r"\b(?:former|old|previous|ex)\b", slot.generic, re.IGNORECASE):
        # "his old party": the party the text calls former ("a former Labour councillor").
        former = [p for p in ctx.parties if p.end <= slot.start and p.name != "Independent"
                  and re.search(r"\b(?:former|ex-?)\s*$", ctx.text[max(0, p.start - 10):p.start], re.IGNORECASE)]
        if former:
            return former[-1].name
    destinations = {a.to_slot.name for a in find_atoms(ctx, atom.sentence)
                    if a.to_slot is not None and a.to_slot.mention is not None and a is not atom}
    if slot is atom.to_slot:
        # "X has announced that the following Labour councillors have joined the party": the party
        # that describes the people joining is the one they come from, not "the party".
        sentence = atom.sentence
        described = {p.name for p in ctx.parties if sentence.start <= p.start < slot.start and re.match(
            r"\s+(?:(?:county|borough|district|city|town)\s+)?(?:councillors?|members?|cllrs?|MPs?)\b", ctx.text[p.end:p.end + 30])}
        found = antecedent_party(ctx, slot.start, exclude_independent=True, exclude=destinations | described)
        if found is not None:
            return found
    return antecedent_party(ctx, slot.start, exclude_independent=True, exclude=destinations)


def antecedent_party(ctx: ArticleContext, offset: int, exclude_independent: bool = False,
                     exclude: set[str | None] = frozenset()) -> str | None:
    """The party "the party" refers to: the last one named before it, this sentence first."""
    sentence = ctx.sentence_at(offset)
    candidates = [p for p in ctx.parties if p.end <= offset and not ctx.in_quote(p.start)
                  and p.name not in exclude]
    if exclude_independent:
        candidates = [p for p in candidates if p.name != "Independent"]
    if sentence is not None:
        inside = [p for p in candidates if p.start >= sentence.start]
        if inside:
            return inside[-1].name
    if candidates:
        return candidates[-1].name
    after = [p for p in ctx.parties if p.start > offset and p.name != "Independent"
             and sentence is not None and p.start < sentence.end]
    return after[0].name if after else None


def acting_party(ctx: ArticleContext, atom: Atom, person: int) -> str | None:
    """The party that suspended, expelled or readmitted someone.

    In order: "by/from Labour" right after the trigger; the party the text gives the person
    ("Labour councillor X", even "former Labour MP X"); a party named before the trigger in its
    sentence; the last party named before that.
    """
    from floorcross.extract.attributes import party_of

    sentence = atom.sentence
    masked = ctx.mask(sentence)
    after = re.match(rf"\s+(?:by|from|with)\s+(?:the\s+)?(?:\w+\s+){{0,2}}?({_P}+)", masked[atom.end - sentence.start:])
    if after:
        party = ctx.party_at(atom.end + after.start(1), atom.end + after.end(1))
        if party and party.name != "Independent":
            return party.name
    own = party_of(ctx, person) or party_of(ctx, person, allow_former=True)
    if own:
        return own
    named = [p for p in ctx.parties if sentence.start <= p.start < sentence.end
             and p.name != "Independent" and not ctx.in_quote(p.start)]
    before = [p for p in named if p.start < atom.start]
    if before:
        return before[-1].name
    party = antecedent_party(ctx, atom.start, exclude_independent=True)
    if party:
        return party
    if named:
        return named[0].name
    later = [p for p in ctx.parties if p.start >= atom.end and p.name != "Independent" and not ctx.in_quote(p.start)]
    return later[0].name if later else None


def _scope(ctx: ArticleContext, group: list[Atom]) -> tuple[int, int]:
    """The stretch of the sentence that belongs to this change: up to the neighbouring triggers."""
    sentence = group[0].sentence
    atoms = [a for a in find_atoms(ctx, sentence) if a not in group]
    lo = max([a.end for a in atoms if a.end <= group[0].start], default=sentence.start)
    hi = min([a.start for a in atoms if a.start >= group[-1].end], default=sentence.end)
    return lo, hi


def _dates_for(ctx: ArticleContext, group: list[Atom]) -> tuple[list[DateMention], list[DateMention]]:
    """The sentence's time expressions that go with this change, and those that go with others.

    A date goes with the trigger whose stretch of the sentence it is in; a date right after a
    verb phrase, before the next clause starts, is that phrase's ("thrown out in 2017 has
    joined": 2017 is the expulsion's); otherwise the nearer trigger takes it.
    """
    sentence = group[0].sentence
    in_sentence = [d for d in ctx.dates_in(sentence.start, sentence.end)
                   if not ctx.in_quote(d.start) and d.kind != "bare_year" and not _date_belongs_elsewhere(ctx, d)]
    others = [a for a in find_atoms(ctx, sentence) if a not in group]
    lo, hi = _scope(ctx, group)

    def distance(d: DateMention, start: int, end: int) -> int:
        return d.start - end if d.start >= end else start - d.end

    def belongs(d: DateMention) -> bool:
        if not lo <= d.start < hi:
            return False
        preceding = [o for o in others + [group[0]] if o.end <= d.start]
        if preceding:
            last = max(preceding, key=lambda o: o.end)
            gap = ctx.text[last.end : d.start]
            if not re.search(r"[,;]|\band\b|\bbut\b|\bwho\b|\bwhich\b", gap) and len(gap) < 60:
                return last.start == group[0].start
        return all(distance(d, group[0].start, group[-1].end) <= distance(d, o.start, o.end) for o in others)

    mine = [d for d in in_sentence if belongs(d)]
    return mine, [d for d in in_sentence if d not in mine]


def _event_date(ctx: ArticleContext, group: list[Atom]) -> DateMention | None:
    """The time expression that goes with this change, nearest first."""
    sentence = group[0].sentence
    if all(a.nominal for a in group):
        # "his suspension in March": only a date written right after the noun is its date.
        # ("the defection last week of X": a date inside the matched words is its date too)
        attached = [d for d in ctx.dates_in(group[-1].start, min(sentence.end, group[-1].end + 40))
                    if d.start - group[-1].end <= 3 and d.kind != "bare_year"]
        return attached[0] if attached else None
    mine, _ = _dates_for(ctx, group)
    if not mine:
        # A date opening the sentence ("In October 2016, X defected ... then returned ...")
        # covers every clause of it.
        first = min(a.start for a in find_atoms(ctx, sentence))
        opening = [d for d in ctx.dates_in(sentence.start, first)
                   if d.start - sentence.start < 30 and d.kind != "bare_year" and not _date_belongs_elsewhere(ctx, d)]
        return opening[0] if opening else None
    after = [d for d in mine if d.start >= group[-1].end]
    before = [d for d in mine if d.end <= group[0].start]
    if after and (not before or after[0].start - group[-1].end <= group[0].start - before[-1].end + 30):
        return after[0]
    if before:
        return before[-1]
    return after[0] if after else mine[0]


def _date_belongs_elsewhere(ctx: ArticleContext, date: DateMention) -> bool:
    """"first elected in 2010", "councillor since 2007": dates of something else."""
    before = ctx.text[max(0, date.start - 90) : date.start].lower()
    if date.text.lower().startswith("since") and re.search(
            r"(?:represent\w*|serv\w*|elected|member|councillor|been)\b(?:\s+[\w'’-]+){0,6}\s*$", before):
        return True
    before = before[-40:]
    return bool(re.search(
        r"\b(?:elected|re-elected|represented|served|serving|councillor|member|mp|leader|mayor|born|"
        r"age|aged|founded|established|selected|won|since|who has been|has been)\s+(?:\w+\s+){0,3}$",
        before)) and not re.search(
            r"\b(?:suspended|expelled|defected|joined|left|quit|resigned|restored|readmitted|reinstated|lifted)\s+(?:\w+\s+){0,3}$",
            before)


def _cue_window(ctx: ArticleContext, group: list[Atom]) -> str:
    """The words around a trigger that can date it, without dates that belong to another trigger."""
    sentence = group[0].sentence
    masked = list(ctx.mask(sentence))
    for d in _dates_for(ctx, group)[1]:
        for i in range(d.start - sentence.start, d.end - sentence.start):
            masked[i] = " "
    # "X, who previously sat as a Conservative, has joined Y": a relative clause on the subject
    # that the trigger is not in describes the person, not when the change happened.
    lead, last = group[0].start - sentence.start, group[-1].end - sentence.start
    for clause in _ASIDE_RE.finditer("".join(masked)):
        if clause.end() <= lead or clause.start() >= last:
            masked[clause.start():clause.end()] = " " * (clause.end() - clause.start())
    lo, hi = _scope(ctx, group)
    lo = max(lo, group[0].start - 80) - sentence.start
    hi = min(hi, group[-1].end + 60) - sentence.start
    return "".join(masked[max(0, lo):hi])


_ASIDE_RE = re.compile(r",\s*(?:who|whose)\b[^,;]{0,100}(?:,|[.!?]?\s*$)")


def _background_cue(ctx: ArticleContext, group: list[Atom]) -> bool:
    """Words that put a change in the past of the story ("previously", "at the time", "a year
    after he walked out")."""
    if _cue_re("background_cues").search(_cue_window(ctx, group)):
        return True
    lead = group[0]
    before = ctx.mask(lead.sentence)[: lead.start - lead.sentence.start]
    cue = re.search(rf"(?:{'|'.join(lexicon()['past_clause_cues'])})", before, re.IGNORECASE)
    if not cue:
        return False
    if not re.match(r"(?i)after\b", cue.group(0)):
        return True  # "vacant since he quit the group", "before he left": a state measured from it
    # "has joined Reform, a year after he walked out": earlier than the change of the main clause.
    # Where the sentence states no other change ("are now part of the Independent group after
    # quitting the party last week"), the "after" clause is the news itself.
    return any(a not in group and a.role not in COMPLETING_ROLES for a in find_atoms(ctx, lead.sentence))


def _recent_cue(ctx: ArticleContext, group: list[Atom]) -> bool:
    """"last month", "last week": earlier than the news, if the article has later news."""
    return bool(_cue_re("recent_cues").search(_cue_window(ctx, group)))


__all__ = ["Completion", "RawEvent", "acting_party", "antecedent_party", "collect_events", "speculative"]
