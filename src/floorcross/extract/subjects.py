"""Who a trigger is about: the person, list of people, pronoun or group it applies to.

Rules, nearest first: the possessor or of-phrase of a noun trigger ("Mann's defection", "the
resignation of Cllr Hai"); the object of a party's act ("Labour has restored the whip to A, B
and C"); the nearest person, list, pronoun or group to the left of a verb; a sentence-initial
description ("A Labour councillor has quit...") stands for the person the article goes on to
name. Groups ("Six Liberal Democrat councillors") take their members from the names that follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from floorcross.extract.context import PARTY_CHAR, PERSON_CHAR, ArticleContext
from floorcross.extract.people import PersonMention, relation_gap
from floorcross.extract.segment import Sentence
from floorcross.extract.triggers import Atom
from floorcross.normalise.parties import number_words
from floorcross.resources import lexicon

_W, _P = re.escape(PERSON_CHAR), re.escape(PARTY_CHAR)
_PRONOUN_RE = re.compile(r"(?<![\w-])(he|she|they|his|her|their|him|them)(?![\w-])", re.IGNORECASE)
_PREPOSITION_BEFORE = re.compile(
    r"(?:\b(?i:by|with|to|from|against|under|behind|alongside|than|about|for|of|on\s+behalf\s+of|"
    r"like|including|after|before|between|among|amongst|towards|toward|unlike|beside|besides|"
    r"via|at|in|on|into|onto|over)\s+(?:(?:the|a|former|fellow|party|council|group|deputy|"
    r"leader|colleague|(?!that\b|who\b|which\b|and\b|but\b|as\b)[a-z]+|Ƥ+)\s+){0,3})$"
)
_OFFICE_NOUN = r"(?:councillor|councilor|cllr|coun|member|MP|MSP|MLA|MEP|AM|politician|representative|leader|mayor|peer|candidate|commissioner)"


@cache
def _group_re() -> re.Pattern[str]:
    nouns = "|".join(re.escape(n) for n in lexicon()["group_nouns"])
    nums = "|".join(sorted((re.escape(w) for w in number_words() if w not in {"a", "an", "no", "none"}), key=len, reverse=True))
    return re.compile(
        rf"(?<![\w-])(?:(?P<det>the|all|both|these|those)\s+)?(?:(?:a|an)\s+)?"
        rf"(?:(?P<num>\d+|{nums})\s+(?:(?:more|other|further|of\s+(?:the|his|her|their)|of)\s+)*)"
        rf"(?:(?!(?:said|says|have|has|had|were|was|are|is|will|and)\b)[\w'’{_P}.-]+\s+){{0,5}}?"
        rf"(?P<noun>{nouns})(?![\w-])",
        re.IGNORECASE,
    )


def group_phrase_regex() -> re.Pattern[str]:
    """"Six Labour councillors", "a trio of county councillors": a counted group of representatives."""
    return _group_re()


# "a third", "another (councillor)", "a further member": one more person than those just told of.
_ANOTHER_RE = re.compile(
    rf"(?<![\w-])(?:(?:a|an)\s+(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|further|fresh)"
    rf"|another)(?:\s+(?:{_P}+\s+)?(?:{_OFFICE_NOUN}|cllr|colleague)s?)?(?![\w-])(?!\s*{_W})",
    re.IGNORECASE)


@cache
def _uncounted_group_re() -> re.Pattern[str]:
    """"Several Labour councillors", "Members of the X group": representatives, not counted."""
    data = lexicon()
    openers = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in data["uncounted_group_openers"])
    nouns = "|".join(re.escape(n) for n in data["group_nouns"] if n != "others")
    return re.compile(
        rf"(?<![\w-])(?:(?:{openers})\s+(?:(?!(?:said|says|have|has|had|were|was|are|is|will|and|of)\b)[\w'’{_P}.-]+\s+){{0,4}}?"
        rf"(?:{nouns})|members\s+of\s+(?:the\s+)?{_P}+(?:\s+group)?)(?![\w-])",
        re.IGNORECASE)


_DEF_GROUP_RE = re.compile(
    rf"(?<![\w-])(?:(?:the|these|those)\s+(?:(?:remaining|rebel|two|three|four|five|six|seven|eight|nine|ten|{_P}+|[a-z-]+)\s+){{0,3}}"
    r"(?:councillors|members|MPs|representatives|rebels|defectors|trio|pair|couple|duo|quartet|others|rest)"
    # "Those who quit Labour are A and B": the people named after the verb
    r"|(?:those|the\s+ones)(?=\s+who\b)"
    # "All three have ...", "The six were ...", "Both have": a counted group with no noun
    r"|(?:all|the|these|those)\s+(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
    r"(?=\s+(?:have|has|had|were|are|was|will|would|now|also|all|each|then|later|,))"
    r"|both(?=\s+(?:have|had|were|are|will|now|also|then|later)\b))(?![\w-])",
    re.IGNORECASE,
)
_INDEF_DESC_RE = re.compile(
    rf"(?<![\w-])(?:a|an)\s+(?:(?!(?:said|says|who|which|has|have|had|was|is)\b)[\w'’{_P}.-]+\s+){{0,5}}?{_OFFICE_NOUN}(?![\w-])",
    re.IGNORECASE,
)
_DEF_DESC_RE = re.compile(
    rf"^[\W_]*(?:[A-Z][A-Z ]+:\s*)?(?:the|this|(?:[A-Z][\w'’-]+\s+){{0,3}}[A-Z][\w-]+['’]s)\s+(?:[\w'’{_P}{_W}.,-]+\s+){{0,8}}?{_OFFICE_NOUN}(?:\s+(?:of|for)\s+[\w'’{_P}{_W} ,-]{{1,80}}?)?(?=,?\s+(?:who|has|have|had|was|is|says|said|will|announced|resigned|quit|left|joined|defected|told|tells|wrote|writes|spoke|insists|admits|explains|claims|\w+ed)\b)",
    re.IGNORECASE,
)


@dataclass
class Subject:
    """The people a trigger is about (empty when it names nobody we can identify)."""

    people: list[int] = field(default_factory=list)
    via: str = ""  # how they were found: person, list, pronoun, group, description
    group_sentence: Sentence | None = None  # where a group's names were found
    phrase: tuple[int, int] | None = None  # the group or description words ("Two Labour councillors")
    # A group whose members are not named near it ("Six councillors have quit", "they"): the
    # names may come anywhere later ("These councillors are A, B ...", see extract.crowds).
    pending: bool = False
    count: int | None = None


@dataclass
class Resolver:
    """Resolves subjects through an article, remembering the focus person and recent groups."""

    ctx: ArticleContext
    focus: int | None = None
    groups: list[tuple[int | None, list[int]]] = field(default_factory=list)
    last: tuple[int, Subject] | None = None  # (sentence index, subject) of the last trigger

    # -- public -----------------------------------------------------------------------------
    def subject(self, atom: Atom) -> Subject:
        sentence = atom.sentence
        masked = self.ctx.mask(sentence)
        rel_start, rel_end = atom.start - sentence.start, atom.end - sentence.start
        coordinated = re.search(r",?\s+and\s+(?:(?:was|were|has|have|had|been|then|later|subsequently|is|are)\s+)*$",
                                masked[:rel_start])
        if coordinated and self.last and self.last[0] == sentence.index and not re.search(
                f"{_W}", masked[coordinated.start():rel_start]):
            # "He was suspended in March 2019 ..., and was readmitted in May": the same subject.
            found = Subject(list(self.last[1].people), self.last[1].via)
        else:
            found = self._by_role(atom, masked, rel_start, rel_end)
        if found.people:
            self.last = (sentence.index, found)
            if len(found.people) == 1:
                self.focus = found.people[0]
            elif found.via != "group":
                self.groups.append((len(found.people), found.people))
        return found

    def note_sentence(self, sentence: Sentence) -> None:
        """Track the subject of a sentence that starts with a name (the focus of the story); a
        sentence that starts with a description ("The Derwent ward councillor was ...") is
        about the focus person too."""
        masked = self.ctx.mask(sentence)
        desc = _DEF_DESC_RE.match(masked)
        if desc and self.focus is not None and PERSON_CHAR not in desc.group(0):
            span = (sentence.start + desc.start(), sentence.start + desc.end())
            spans = self.ctx.references.setdefault(self.focus, [])
            if span not in spans:
                spans.append(span)
        lead = re.match(rf"^[\W_]*(?:[A-Z][\w-]*\s+){{0,3}}?({_W}+)", masked)
        if lead and lead.start(1) < 40:
            mention = self.ctx.mention_at(sentence.start + lead.start(1))
            if mention and not self._is_speaker_only(masked, lead.end(1)):
                self.focus = mention.person

    # -- strategies -------------------------------------------------------------------------
    def _by_role(self, atom: Atom, masked: str, rs: int, re_: int) -> Subject:
        if atom.nominal:
            return self._nominal(atom, masked, rs, re_)
        if atom.role in {"gain", "lose"}:
            return self._gained(atom, masked, rs, re_)
        passive_from = atom.role == "act" and re.match(
            rf"\s+(?:from|to)\s+(?:[\w'’-]+\s+){{0,3}}?(?:{_W}|(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\b)",
            masked[re_:], re.IGNORECASE) and re.search(r"\b(?:whip|membership)\b", atom.text, re.IGNORECASE)
        if atom.role == "act" and (passive_from or self._active_party_agent(masked[:rs])
                                   or self._active_verb(atom, masked, rs, re_)):
            right = self._people_right(atom, masked, re_)
            if right:
                return Subject(right, "object")
            # "suspended the whip from five councillors": past the whip to the group
            skip = re.match(rf"\s*(?:the\s+(?:party\s+|{_P}+\s+)?whip\s+)?(?:from|to)?\s*", masked[re_:], re.IGNORECASE)
            group = _group_re().match(masked, re_ + skip.end())
            if group and not re.search(_W, group.group(0)):
                # "Labour has suspended five councillors": named later, or never.
                found = self._group_from_text(atom.sentence, group.group(0), group.start())
                found.phrase = (atom.sentence.start + group.start(), atom.sentence.start + group.end())
                return found
        return self._left(atom, masked, rs)

    def _gained(self, atom: Atom, masked: str, rs: int, re_: int) -> Subject:
        """The people a party gains or loses: a group, a list or a person after the verb."""
        verb = re.search(r"\b(?:welcom|recruit|gain|poach|won|sign|lost|los)\w*", masked[rs:re_], re.IGNORECASE)
        after = rs + verb.end() if verb else re_
        rest = masked[after:]
        pos = after + len(rest) - len(rest.lstrip())
        group = _group_re().match(masked, pos)
        if group and not re.search(_W, group.group(0)):
            found = self._group_from_text(atom.sentence, group.group(0), group.start())
            found.phrase = (atom.sentence.start + group.start(), atom.sentence.start + group.end())
            return found
        for m in re.finditer(f"{_W}+", masked[pos:]):
            start = pos + m.start()
            if self._is_speaker_only(masked, pos + m.end()) or self._non_elected(masked, start, atom.sentence):
                continue
            if re.search(r"\b(?:by|leader|chairman|chair|said|says|according\s+to)\s+(?:[\w-]+\s+){0,2}$",
                         masked[pos:start], re.IGNORECASE):
                continue
            return Subject(self._run_at(atom.sentence, masked, start), "object")
        if re.match(rf"\s*(?:(?:former|fellow|rebel|disaffected|{_P}+)\s+){{0,3}}(?:councillors|members|cllrs|MPs|MSPs|MLAs)\b", rest):
            # "A new group has been formed by councillors who quit the Greens": named later, or never.
            return Subject(via="group", pending=True, count=None)
        indefinite = re.match(r"\s*(?:(?:another|a|an|its|their|new|first|second|third|fourth|fifth)\s+)+", rest)
        if indefinite:
            return self._description(atom, rest[: indefinite.end() + 20])
        return Subject()

    def _active_verb(self, atom: Atom, masked: str, rs: int, re_: int) -> bool:
        """"the motion to suspend Mrs Hughes", "Labour expelled Cllr X": the person follows."""
        if re.search(r"\b(?:was|were|been|being|be|is|are|get|gets|got|had|has|have|having)\s+(?:\w+ly\s+)?$", masked[:rs], re.IGNORECASE):
            return False
        if not re.match(r"(?:suspend|expel|readmit|re-admit|reinstat|re-instat|restor|kicked|thrown|booted|turfed)", atom.text, re.IGNORECASE):
            return False
        return bool(re.match(rf"\s+(?:(?:the\s+whip\s+)?to\s+)?(?:(?:former|fellow|councillors?|cllrs?|couns?|MPs?)\s+)?{_W}", masked[re_:], re.IGNORECASE))

    def _nominal(self, atom: Atom, masked: str, rs: int, re_: int) -> Subject:
        left = masked[:rs]
        poss = re.search(rf"({_W}+)['’]s?\s+(?:[\w-]+\s+){{0,2}}$", left)
        if poss:
            mention = self.ctx.mention_at(atom.sentence.start + poss.start(1))
            if mention:
                return Subject(self._run_at(atom.sentence, masked, poss.start(1)), "person")
        if re.search(r"\b(?:received|receive|receives|receiving|given|handed|faced|faces|facing|served\s+with|hit\s+with)\s+"
                     r"(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,3}$", left, re.IGNORECASE):
            return self._left(atom, masked, rs)  # "Cllrs A and B received six-month suspensions"
        pron = re.search(r"(?<![\w-])(his|her|their)\s+(?:[\w-]+\s+){0,2}$", left, re.IGNORECASE)
        if pron:
            return self._pronoun(atom.sentence, masked, pron.group(1).lower(), pron.start(1))
        of = re.match(rf"\s+(?:from\s+{_P}+\s+)?(?:(?:last|this)\s+(?:week|month|year)\s+)?of\s+(?:[\w'’{_P}.,-]+\s+){{0,5}}?({_W}+)", masked[re_:])
        if of:
            return Subject(self._run_at(atom.sentence, masked, re_ + of.start(1)), "person")
        desc = _DEF_DESC_RE.match(left) or re.search(rf"(?:^|[.,;:]\s+)(?:a|an)\s+[\w'’{_P} .-]{{0,60}}{_OFFICE_NOUN}\s+(?:who|whose|[\w-]+ed)\b[^{_W}]*$", left, re.IGNORECASE)
        if desc and atom.kind != "defection":
            found = self._description(atom, desc.group(0))
            found.phrase = (atom.sentence.start + desc.start(), atom.sentence.start + desc.end())
            return found
        return Subject()

    def _active_party_agent(self, left: str) -> bool:
        return bool(re.search(
            rf"(?:{_P}+|\bthe\s+party|\bparty|\bit|\bwhich)\s+(?:(?:has|have|had|now|today|also|formally|"
            rf"officially|since|subsequently|then|decided\s+to|voted\s+to|moved\s+to|will|would|agreed\s+to)\s+)*$",
            left, re.IGNORECASE))

    def _people_right(self, atom: Atom, masked: str, re_: int) -> list[int]:
        group = _group_re().match(masked, re_ + len(masked[re_:]) - len(masked[re_:].lstrip()))
        if group and not re.search(_W, group.group(0)):
            return self._group_from_text(atom.sentence, group.group(0), group.start()).people
        definite = _DEF_GROUP_RE.match(masked, re_ + len(masked[re_:]) - len(masked[re_:].lstrip()))
        if definite:
            return self._recent_group(None, atom.sentence).people
        right = re.match(
            rf"\s+(?:(?:the\s+whip\s+|whip\s+)?(?:to|from|of)\s+)?(?:(?:the|a|an|former|fellow|"
            rf"councillors?|cllrs?|couns?|MPs?|[a-z-]+|[A-Z][\w-]+|{_P}+)\s+){{0,4}}?({_W}+)", masked[re_:])
        if not right:
            return []
        return self._run_at(atom.sentence, masked, re_ + right.start(1))

    def _left(self, atom: Atom, masked: str, rs: int) -> Subject:
        left = masked[:rs]
        candidates: list[tuple[int, str, int]] = []  # (end, type, start)
        for m in re.finditer(f"{_W}+", left):
            before = left[: m.start()]
            right_before_verb = re.fullmatch(
                r"\s*(?:,?\s*(?:[^,]{0,80},\s+)?(?:who|which)\s+)?(?:(?:has|have|had|was|were|is|are|been|now|also|then|both|all|officially|formally|"
                r"recently|just|finally|reportedly|subsequently|since|later|previously|himself|herself)\s+)*",
                left[m.end():])
            decided = re.search(r"\b(?:decision|move|choice)\s+(?:by|of)\s+(?:\S+\s+){0,5}$", before) and \
                re.fullmatch(r"\s+to\s*", left[m.end():]) is not None
            if (_PREPOSITION_BEFORE.search(before) and not re.search(r"\b(?:and|,)\s*$", before)
                    and not right_before_verb and not decided):
                continue  # ("the decision by councillor X to cross the floor": X decided)
            if re.search(r"\(\s*$", before):
                continue
            if re.match(r"['’]s?\s+(?!(?:defection|resignation|suspension|expulsion|move|switch|departure|decision)\b)[a-z]", left[m.end():]):
                continue  # "Tom Brown's attitude ... was why she quit": a possessor is not the subject
            candidates.append((m.end(), "person", m.start()))
        for m in _PRONOUN_RE.finditer(left):
            if m.group(1).lower() in {"him", "them"}:
                continue
            candidates.append((m.end(), "pronoun", m.start()))
        for m in _group_re().finditer(left):
            if re.search(rf"{_W}+\s*,\s*(?:the|these|those)?\s*$", left[: m.start()]):
                continue  # apposition: "A and B, the two Green councillors for X, have joined"
            candidates.append((m.end(), "group", m.start()))
        for m in _DEF_GROUP_RE.finditer(left):
            if re.search(rf"{_W}+\s*,\s*$", left[: m.start()]):
                continue  # apposition: "A and B, the two Green councillors for X, have joined"
            candidates.append((m.end(), "defgroup", m.start()))
        for m in _ANOTHER_RE.finditer(left):
            if not re.search(rf"{_W}+\s*,\s*$", left[: m.start()]):  # "B, another councillor, who ..."
                candidates.append((m.end(), "another", m.start()))
        for m in _uncounted_group_re().finditer(left):
            if not re.search(rf"{_W}+\s*,\s*$", left[: m.start()]):
                candidates.append((m.end(), "uncounted", m.start()))
        for m in _INDEF_DESC_RE.finditer(left):
            if re.search(rf"{_W}+\s*,\s*$", left[: m.start()]):
                continue  # apposition: "James Buchan, a Reform UK councillor, has ..."
            if re.search(r",\s+(?:who|which)\b[^,]*$", left[: m.start()]):
                continue  # "X, who now sits as an independent MP, quit": a relative clause's predicate
            candidates.append((m.end(), "indef", m.start()))
        desc = _DEF_DESC_RE.match(masked)
        if desc and desc.end() <= rs:
            candidates.append((desc.end(), "def", desc.start()))
        if not candidates and re.search(r"(?:^|[\W_])(?:those|the\s+ones)\s+$", left, re.IGNORECASE) \
                and re.match(r"[a-z]+ing\b", atom.text, re.IGNORECASE):
            # "Those leaving the group are: A, B ...": the people are named after the verb.
            return Subject(via="group", pending=True, count=None)
        if not candidates:
            return Subject()
        # Nearest to the trigger; a group or description that contains a person loses to it.
        candidates.sort(key=lambda c: (c[0], -c[2]))
        end, kind, start = candidates[-1]
        if kind == "person":
            return Subject(self._run_at(atom.sentence, masked, start), "person")
        if kind == "pronoun":
            word = left[start:end].lower()
            return self._pronoun(atom.sentence, masked, word, start)
        phrase = (atom.sentence.start + start, atom.sentence.start + end)
        named_too = re.search(rf"({_W}+)\s*(?:,\s*and|,|and)\s*$", left[:start])
        one_of = re.search(rf"({_W}+)\s*,?\s+(?:is|was|are|were|became|becomes)\s+(?:also\s+|now\s+)?"
                           r"((?:one\s+of|among)\s+(?:the\s+)?)?$", left[:start])
        if one_of and not one_of.group(2) and not re.match(r"(?i)(?:one\s+of|among)\b", left[start:end]):
            one_of = None
        if kind in {"group", "defgroup", "uncounted"} and one_of:
            # "X is one of three councillors to have quit": X is the one named of the group.
            return Subject(self._run_at(atom.sentence, masked, one_of.start(1)), "person")
        if kind == "group" and named_too and re.match(r"(?i)\S+\s+(?:more\s+)?others?\b", left[start:end]):
            # "A and B and seven others left": the named ones, the others unnamed.
            return Subject(self._run_at(atom.sentence, masked, named_too.start(1)), "person")
        if kind == "group":
            found = self._group(atom, left[start:end], start)
        elif kind == "defgroup" and re.search(r"\b(?:others|rest|those|ones)\s*$", left[start:end], re.IGNORECASE):
            # "The others who quit Labour are A and B": the people come after, not before
            found = Subject(via="group", pending=True, count=None)
        elif kind == "defgroup":
            count = _phrase_count(left[start:end])
            found = self._recent_group(count, atom.sentence)
            if not found.people and count is not None:
                found = self._recent_group(None, atom.sentence)
            if not found.people:
                found = Subject(via="group", pending=True, count=count)
        elif kind == "another":
            # "Two councillors defected, while a third was suspended": someone else, unnamed here.
            return Subject()
        elif kind == "uncounted":
            found = Subject(via="group", pending=True, count=None)
        elif kind in {"def", "indef"}:
            found = self._description(atom, left[start:end])
        else:
            return Subject()
        found.phrase = phrase
        return found

    # -- people, lists and pronouns ----------------------------------------------------------
    def _run_at(self, sentence: Sentence, masked: str, rel: int) -> list[int]:
        """The person at ``rel`` and everyone listed with them ("A, B and C")."""
        spans = [(m.start(), m.end()) for m in re.finditer(f"{_W}+", masked)]
        index = next((i for i, (s, e) in enumerate(spans) if s <= rel < e), None)
        if index is None:
            return []
        lo = hi = index
        while lo > 0 and _list_gap(masked[spans[lo - 1][1] : spans[lo][0]]):
            lo -= 1
        while hi + 1 < len(spans) and _list_gap(masked[spans[hi][1] : spans[hi + 1][0]]):
            hi += 1
        people: list[int] = []
        for s, _ in spans[lo : hi + 1]:
            mention = self.ctx.mention_at(sentence.start + s)
            if mention and mention.person not in people and not self._non_elected(masked, s, sentence):
                people.append(mention.person)
        if len(people) > 1:
            self.groups.append((len(people), people))
        return people

    def _non_elected(self, masked: str, rel: int, sentence: Sentence | None = None) -> bool:
        if sentence is not None:
            mention = self.ctx.mention_at(sentence.start + rel)
            if mention is not None and _council_title(mention.title):
                return False  # "Former Metro chairman Councillor X": the title says elected
        before = masked[max(0, rel - 40) : rel]
        words = lexicon()["non_elected_descriptors"]
        return bool(re.search(rf"\b(?:{'|'.join(re.escape(w) for w in words)})\s+(?:{_W}+\s+(?:and|,)\s+)*$", before, re.IGNORECASE))

    def _is_speaker_only(self, masked: str, rel_end: int) -> bool:
        verbs = "|".join(lexicon()["reporting_verbs"])
        return bool(re.match(rf"\s*(?:,[^,]{{0,60}},\s*)?(?:{verbs})\b", masked[rel_end:], re.IGNORECASE))

    def _pronoun(self, sentence: Sentence, masked: str, word: str, rel: int) -> Subject:
        if word in {"they", "their", "them"}:
            # "the number of residents who told her they had signed up": they are the residents.
            last_ref = max([m.end() for m in re.finditer(f"{_W}+", masked[:rel])] + [0])
            if re.search(r"\b(?:residents|people|voters|activists|supporters|officials|campaigners|"
                         r"constituents|staff|families|members\s+of\s+the\s+public|others|many|some)\b",
                         masked[last_ref:rel], re.IGNORECASE):
                return Subject()
            # "A trio of councillors have said they will join": a group earlier in the sentence.
            for m in _group_re().finditer(masked[:rel]):
                found = self._group_from_text(sentence, m.group(0), m.start())
                found.phrase = (sentence.start + m.start(), sentence.start + m.end())
                return found
            spans = [m for m in re.finditer(f"{_W}+", masked[:rel])]
            if spans:
                people = self._run_at(sentence, masked, spans[-1].start())
                if len(people) > 1:
                    return Subject(people, "pronoun")
            found = self._recent_group(None, sentence)
            if not found.people and word == "they":
                definite = list(_DEF_GROUP_RE.finditer(masked[:rel]))
                phrase = definite[-1].group(0) if definite else ""
                return Subject(via="group", pending=True, count=_phrase_count(phrase))
            return found
        relative = re.search(rf"({_W}+)\s*,?\s+who\b[^.;,{_W}]*$", masked[:rel])
        if relative:
            # "Cllr Y, who led the group until he defected": the pronoun in a relative clause is Y.
            mention = self.ctx.mention_at(sentence.start + relative.start(1))
            if mention:
                return Subject([mention.person], "pronoun")
        verbs = "|".join(lexicon()["reporting_verbs"])
        speaker = None
        for m in re.finditer(rf"({_W}+)(?:\s*\([^()]{{0,50}}\))?(?:\s*,[^,]{{0,80}},)?\s+(?:\w+\s+)?(?:{verbs})\b", masked[:rel], re.IGNORECASE):
            speaker = m
        if speaker:
            mention = self.ctx.mention_at(sentence.start + speaker.start(1))
            if mention:
                return Subject([mention.person], "pronoun")
        # Cataphora: "Speaking on his decision to leave, Kitterick said ..."
        opener = re.match(rf"^(?:Speaking|Commenting|Writing|Responding|Explaining|Announcing)\b[^{_W}]*,\s*({_W}+)", masked)
        if opener and rel < opener.start(1):
            mention = self.ctx.mention_at(sentence.start + opener.start(1))
            if mention:
                return Subject([mention.person], "pronoun")
        if self.focus is not None:
            return Subject([self.focus], "pronoun")
        protagonist = self.protagonist()
        return Subject([protagonist], "pronoun") if protagonist is not None else Subject()

    def protagonist(self) -> int | None:
        """The person the article is mostly about: most mentions, then first named."""
        if not self.ctx.people:
            return None
        return max(self.ctx.people, key=lambda p: (len(p.mentions), -p.mentions[0].span_start)).index

    # -- groups ----------------------------------------------------------------------------
    def _group(self, atom: Atom, phrase: str, rel: int) -> Subject:
        return self._group_from_text(atom.sentence, phrase, rel)

    def _group_from_text(self, sentence: Sentence, phrase: str, rel: int) -> Subject:
        match = _group_re().match(phrase)
        count = None
        if match and match.group("num"):
            num = match.group("num").lower()
            count = int(num) if num.isdigit() else number_words().get(num)
        if count is not None and count < 2:
            return self._recent_group(None, sentence)
        # "Two other councillors", "three more": not the people named before.
        shifted = bool(_topic_shift().match(sentence.text)) or bool(
            match and re.search(r"\b(?:other|more|further|additional)\b", match.group(0), re.IGNORECASE))
        for size, members in () if shifted else reversed(self.groups):
            # "All four" are the four named before, unless the story has moved on ("Meanwhile, two ...").
            if (count is None or size == count) and (count is not None or (match and match.group("det"))):
                return Subject(list(members), "group")
        members, where = self._members_after(sentence, count, rel)
        if members:
            self.groups.append((count, members))
            return Subject(members, "group", where)
        if count is not None and not shifted:
            # "Cllrs A, B, C and D voted against the budget. All four have been suspended."
            earlier = self._recent_group(count, sentence)
            if earlier.people:
                return earlier
        return Subject(via="group", pending=True, count=count)

    def _recent_group(self, count: int | None, before: Sentence | None = None) -> Subject:
        for size, members in reversed(self.groups):
            if count is None or size == count:
                return Subject(list(members), "group")
        # A list named earlier but not yet the subject of anything ("Cllrs A, B and C backed ...").
        earlier = [s for s in self.ctx.sentences if before is None or s.index <= before.index]
        for s in reversed(earlier[-6:]):
            masked = self.ctx.mask(s)
            for run in reversed(_runs(masked, 0)):
                people = self._run_people(s, masked, run)
                if len(people) >= 2 and (count is None or len(people) == count):
                    self.groups.append((len(people), people))
                    return Subject(people, "group")
        return Subject()

    def _members_after(self, sentence: Sentence, count: int | None, rel: int) -> tuple[list[int], Sentence | None]:
        """Names of a group's members in this sentence (after the group) or the next few."""
        following = [s for s in self.ctx.sentences if s.index > sentence.index][:4]
        shift = next((i for i, s in enumerate(following) if _topic_shift().match(s.text)), None)
        if shift is not None:
            following = following[:shift]
        # First choice: a list written with a plural title or all titled ("Councillors A, B and C").
        for s in [sentence] + following:
            masked = self.ctx.mask(s)
            offset = rel if s is sentence else 0
            for run in _runs(masked[offset:], offset):
                people = self._run_people(s, masked, run)
                titled = [m for m in self._run_mentions(s, masked, run) if _council_title(m.title)]
                if len(people) >= 2 and (count is None or len(people) == count) and titled:
                    return people, s
        # Otherwise collect elected-looking names until the count is reached.
        members: list[int] = []
        where: Sentence | None = None
        for s in [sentence] + following:
            masked = self.ctx.mask(s)
            offset = rel if s is sentence else 0
            for run in _runs(masked[offset:], offset):
                mentions = self._run_mentions(s, masked, run)
                people = self._run_people(s, masked, run)
                titled = any(_council_title(m.title) for m in mentions)
                elected = len(people) >= 2 or titled or self._council_descriptor(masked, run[0])
                if not elected or re.match(r"['’]s?\b", masked[run[1]:]):
                    continue
                if self._is_speaker_only(masked, run[1]) and not (
                        count is not None and titled and s is not sentence and not self._office_holder(masked, run)):
                    # "leader Marion Tebbit said the departures of A, B and C": a speaker. But a
                    # counted group's members often speak in turn ("Cllr A said ...", "Cllr B added").
                    continue
                for p in people:
                    if p not in members:
                        members.append(p)
                        where = s
                if count is not None and len(members) >= count:
                    return members[:count], where
        if count is None and len(members) >= 2:
            return members, where
        return [], None

    def _office_holder(self, masked: str, run: tuple[int, int]) -> bool:
        """A speaker described by a post ("group leader Cllr X", "Cllr X, leader of the council")."""
        around = masked[max(0, run[0] - 40) : run[0]] + " " + masked[run[1] : run[1] + 40]
        return bool(re.search(r"\b(?:leader|chair\w*|spokes\w*|mayor|chief|secretary|minister|whip|MP|agent|officer)\b",
                              around, re.IGNORECASE))

    def _council_descriptor(self, masked: str, rel: int) -> bool:
        return bool(re.search(r"(?:council(?:lor)?|cllr|coun|leader|member)\s*$", masked[max(0, rel - 25) : rel], re.IGNORECASE))

    def _run_mentions(self, sentence: Sentence, masked: str, run: tuple[int, int]) -> list[PersonMention]:
        return [m for m in self.ctx.mentions_in(sentence.start + run[0], sentence.start + run[1])]

    def _run_people(self, sentence: Sentence, masked: str, run: tuple[int, int]) -> list[int]:
        people: list[int] = []
        for m in self._run_mentions(sentence, masked, run):
            if m.person not in people and not self._non_elected(masked, m.span_start - sentence.start, sentence):
                people.append(m.person)
        return people

    # -- descriptions --------------------------------------------------------------------------
    def _description(self, atom: Atom, phrase: str) -> Subject:
        """"A Labour councillor has quit": the person the article names next (or the focus)."""
        definite = bool(re.match(r"^[\W_]*(?:[A-Z][A-Z ]+:\s*)?(?:the|this)\b", phrase, re.IGNORECASE))
        if definite and self.focus is not None:
            return Subject([self.focus], "description")
        known: set[int] = set()
        in_sentence_before = {m.person for m in self.ctx.mentions
                              if atom.sentence.start <= m.span_start < atom.start}
        following = [s for s in self.ctx.sentences if s.index >= atom.sentence.index][:4]
        for s in following:
            for m in self.ctx.mentions_in(s.start, s.end):
                if m.span_start < atom.end and s is atom.sentence:
                    continue
                if m.person in known or m.person in in_sentence_before:
                    continue
                if re.match(r"['’]s?\b", self.ctx.text[m.end : m.end + 2]):
                    continue  # "over Jeremy Corbyn's leadership": a possessor is not the one described
                if s is atom.sentence and not re.search(r"(?:,|\(|–|—|-)\s*$", self.ctx.text[s.start : m.span_start]):
                    continue  # later in the sentence only in apposition ("..., Cllr X, ...")
                self.focus = m.person
                return Subject([m.person], "description")
        if self.focus is not None:
            return Subject([self.focus], "description")
        return Subject()


@cache
def _topic_shift() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in lexicon()["topic_shifts"])
    return re.compile(rf"^[\W_]*(?:{words})\b")


def _phrase_count(phrase: str) -> int | None:
    """The number a group phrase gives ("the six rebels": 6), if any."""
    for word in re.findall(r"[\w-]+", phrase.lower()):
        if word.isdigit():
            return int(word)
        value = number_words().get(word)
        if value is not None and value >= 2 and word not in {"a", "an", "both"}:
            return value
    return 2 if re.search(r"\b(?:both|pair|duo|couple)\b", phrase, re.IGNORECASE) else None


def _council_title(title: str | None) -> bool:
    """Titles that say the person holds elected office (not "Mr" or "Sir")."""
    return bool(title) and bool(re.match(r"(?:county\s+|borough\s+|district\s+|city\s+|town\s+|parish\s+)?(?:councillors?|cllrs?\.?|couns?\.?|clr)$", title, re.IGNORECASE))


def _list_gap(gap: str) -> bool:
    """Whether the text between two names joins them in a list."""
    if re.fullmatch(relation_gap(), gap):
        return True
    gap = re.sub(r"\([^()]{0,60}\)", "", gap)  # "(Preston Central)"
    # an aside on the first name: "A, a former mayor, B ...", "A, of Dewsbury South, B", "A, who represents X, and B"
    gap = re.sub(r"^\s*,\s+(?:a|an|the|who|which|of|for|from|representing)\b[^,]{0,60}?(?=,?\s*(?:and|plus|&)\s)", "", gap)
    gap = re.sub(r"^\s*,[^,]{0,60},", ",", gap) if re.match(
        r"^\s*,\s+(?:a|an|the|who|which|former|of|for|from|representing)\b", gap) else gap
    return bool(re.fullmatch(
        r"\s*(?:,\s*and|,\s*plus|and|plus|&|,|and\s+(?:allies|colleagues?|fellow\s+\w+)|,\s*and\s+fellow\s+\w+)"
        r"\s*(?:(?:former|fellow|ex-|deputy|[A-Z][a-z]+\s+)?(?:[a-z-]+\s+){0,3})?"
        # "Labour's A and the Conservatives' B": each name with its party's possessive
        rf"(?:(?:the\s+)?{_P}+['’]s?\s+(?:(?:councillor|cllr|member)\s+)?)?",
        gap,
    )) and "said" not in gap


def _runs(masked: str, offset: int) -> list[tuple[int, int]]:
    """Lists of names in a masked text (relative spans covering each list)."""
    spans = [(m.start() + offset, m.end() + offset) for m in re.finditer(f"{_W}+", masked)]
    runs: list[tuple[int, int]] = []
    full = " " * offset + masked
    for s, e in spans:
        if runs and _list_gap(full[runs[-1][1] : s]):
            runs[-1] = (runs[-1][0], e)
        else:
            runs.append((s, e))
    return runs
