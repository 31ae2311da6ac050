"""UK council and ward gazetteer: resolve council names, GSS codes and ward names.

The data lives in ``floorcross/data/gazetteer/`` (``councils.csv`` and ``wards.csv``, built by
``scripts/build_gazetteer.py`` from ONS and mySociety open data) and is loaded once, on first use
of :func:`gazetteer`.

Typical use::

    from floorcross.normalise.councils import gazetteer

    gaz = gazetteer()
    luton = gaz.council_by_name("Luton Council")          # Luton Borough Council
    gaz.councils_for_ward("Poets")                         # [Luton Borough Council]
    gaz.same_council("Harrow Council", "London Borough of Harrow")   # True

Name matching is case-, accent- and punctuation-insensitive, treats ``&`` as ``and`` and
``Saint``/``St.`` as ``St``, ignores a leading "the", and understands the usual council designators
("Borough Council", "County Council", "London Borough of", "City of", ...). Names that match more
than one council equally well resolve to ``None``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = [
    "TYPE_NAMES",
    "Council",
    "CouncilHistory",
    "Gazetteer",
    "Ward",
    "gazetteer",
    "normalise_name",
    "normalise_ward",
]

#: mySociety authority type codes used in :attr:`Council.type`.
TYPE_NAMES: dict[str, str] = {
    "CTY": "County council",
    "NMD": "Non-metropolitan district",
    "MD": "Metropolitan district",
    "LBO": "London borough",
    "CC": "City corporation",
    "UA": "Unitary authority",
    "WPA": "Welsh unitary authority",
    "SCO": "Scottish unitary authority",
    "NID": "Northern Ireland district",
}

_DATA_PACKAGE = "floorcross"
_DATA_DIR = "data/gazetteer"

_GSS_RE = re.compile(r"^[ENSWK]\d{8}$", re.IGNORECASE)
_APOSTROPHES = re.compile(r"['’‘`´]")
_NON_WORD = re.compile(r"[^\w\s]|_")


def normalise_name(text: str) -> str:
    """Return the comparison key for a place or council name.

    Lower-cases, strips accents, drops apostrophes, turns other punctuation (hyphens, commas,
    full stops) into spaces, maps ``&`` to ``and`` and ``saint`` to ``st``, drops a leading
    "the" and collapses whitespace: ``"The Saint Albans City & District"`` ->
    ``"st albans city and district"``.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ")
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text)
    words = ["st" if w == "saint" else w for w in text.split()]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def normalise_ward(text: str) -> str:
    """Return the comparison key for a ward name (see :func:`normalise_name`).

    A trailing "ward" is *not* removed here; :meth:`Gazetteer.councils_for_ward` tries the name
    with and without it.
    """
    return normalise_name(text)


# --------------------------------------------------------------------------------------------
# Council designators
# --------------------------------------------------------------------------------------------

#: Trailing designators, longest first (as normalised word sequences).
_SUFFIXES: tuple[tuple[str, ...], ...] = tuple(
    tuple(s.split())
    for s in sorted(
        [
            "metropolitan borough council",
            "metropolitan district council",
            "county borough council",
            "city and district council",
            "city and county council",
            "borough council",
            "district council",
            "county council",
            "city council",
            "council",
            "corporation",
            "metropolitan borough",
            "metropolitan district",
            "county borough",
            "london borough",
            "unitary authority",
            "borough",
            "district",
            "city",
            "county",
            "ua",
            # ONS style: "Bristol, City of", "Herefordshire, County of"
            "city of",
            "county of",
        ],
        key=lambda s: -len(s.split()),
    )
)
#: Leading designators, longest first.
_PREFIXES: tuple[tuple[str, ...], ...] = tuple(
    tuple(s.split())
    for s in sorted(
        [
            "london borough of",
            "royal borough of",
            "metropolitan borough of",
            "county borough of",
            "city and county of",
            "borough council of",
            "borough of",
            "city of",
            "county of",
        ],
        key=lambda s: -len(s.split()),
    )
)
#: Designator words that make a name refer to a lower-tier (non-county) council.
_LOWER_WORDS = frozenset({"borough", "district", "city", "metropolitan"})
#: Types that can never be called "X County Council".
_NOT_COUNTY_TYPES = frozenset({"NMD", "MD", "LBO", "NID", "CC"})
#: Cores that must not be produced by stripping designators (the City of London is not "London").
_PROTECTED_CORES = frozenset({"london"})
#: Words after which the rest of a name may be dropped to give a short form
#: ("Richmond upon Thames" -> "Richmond", "Blackburn with Darwen" -> "Blackburn").
_SHORTENERS = frozenset({"upon", "on", "under", "with", "and"})


def split_designators(key: str) -> tuple[str, frozenset[str]]:
    """Strip council designators from a normalised name.

    Returns ``(core, designator_words)``: ``"rochdale metropolitan borough council"`` ->
    ``("rochdale", {"metropolitan", "borough", "council"})``;
    ``"london borough of redbridge"`` -> ``("redbridge", {"london", "borough", "of"})``.
    """
    words = key.split()
    removed: list[str] = []
    changed = True
    while changed and words:
        changed = False
        for suffix in _SUFFIXES:
            n = len(suffix)
            if len(words) > n and tuple(words[-n:]) == suffix:
                if " ".join(words[:-n]) in _PROTECTED_CORES:
                    continue
                removed.extend(words[-n:])
                words = words[:-n]
                changed = True
                break
        for prefix in _PREFIXES:
            n = len(prefix)
            if len(words) > n and tuple(words[:n]) == prefix:
                if " ".join(words[n:]) in _PROTECTED_CORES:
                    continue
                removed.extend(words[:n])
                words = words[n:]
                changed = True
                break
    return " ".join(words), frozenset(removed)


def _designator_class(words: frozenset[str]) -> str | None:
    """``"county"`` for "... County Council", ``"lower"`` for borough/district/city, else None."""
    if "county" in words and "borough" not in words and "city" not in words:
        return "county"
    if words & _LOWER_WORDS:
        return "lower"
    return None


def _short_forms(core: str) -> set[str]:
    """Shortened forms of a council core ("kingston upon thames" -> {"kingston"})."""
    words = core.split()
    out: set[str] = set()
    for i, word in enumerate(words):
        if i > 0 and word in _SHORTENERS:
            head, _ = split_designators(" ".join(words[:i]))
            if head:
                out.add(head)
            break
    return out


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Council:
    """A UK principal council (current or former).

    ``type`` is a mySociety authority type code (see :data:`TYPE_NAMES`). ``county_gss`` is the
    upper-tier county council of a two-tier district. For a former council ``replaced_by`` is the
    GSS code of its current successor when there is exactly one; ``successors`` lists all current
    successors (a county split in two has two and ``replaced_by`` ``None``).
    """

    gss: str
    code: str
    official_name: str
    nice_name: str
    type: str
    nation: str
    region: str
    county_gss: str | None
    current: bool
    replaced_by: str | None
    former_gss: tuple[str, ...] = ()
    alt_names: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.official_name


@dataclass(frozen=True)
class Ward:
    """A ward name within a council (the newest ONS code and its vintage year)."""

    ward_gss: str
    ward_name: str
    council_gss: str
    vintage: str


@dataclass(frozen=True)
class CouncilHistory:
    """A council through time (``history.csv``): its first and last day (None: not known, or
    still in being), its direct successors (GSS codes) and a former name with the last day it
    was used (Shepway, until 2018-03-31), and where that comes from."""

    gss: str
    start: Date | None = None
    end: Date | None = None
    successors: tuple[str, ...] = ()
    former_name: str | None = None
    former_name_until: Date | None = None
    source: str = ""


def _day_range(day: Date | str | None) -> tuple[Date, Date] | None:
    """(first, last) day of a date given as a day, a month or a year (``2019``, ``2019-03``)."""
    if day is None:
        return None
    if isinstance(day, Date):
        return day, day
    text = str(day).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            one = Date.fromisoformat(text)
            return one, one
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = int(text[:4]), int(text[5:])
            first = Date(year, month, 1)
            nxt = Date(year + month // 12, month % 12 + 1, 1)
            return first, nxt - timedelta(days=1)
        if re.fullmatch(r"\d{4}", text):
            return Date(int(text), 1, 1), Date(int(text), 12, 31)
    except ValueError:
        return None
    return None


# ranks of name matches, best first
_RANK_OFFICIAL, _RANK_NICE, _RANK_ALT, _RANK_CORE, _RANK_SHORT = range(5)


class Gazetteer:
    """Council and ward lookups over a fixed set of councils and wards.

    All lookups are dictionary based; the indexes are built once in the constructor.
    """

    def __init__(self, councils: Iterable[Council], wards: Iterable[Ward],
                 history: Iterable[CouncilHistory] = ()) -> None:
        # Answers already given: the extractor asks about the same words many times.
        self._name_memo: dict[str, Council | None] = {}
        self._ward_memo: dict[str, tuple[Council, ...]] = {}
        self._councils: tuple[Council, ...] = tuple(sorted(councils, key=lambda c: c.gss))
        self._by_gss: dict[str, Council] = {}
        self._by_code: dict[str, Council] = {}
        # normalised name -> {gss: best rank}
        self._names: dict[str, dict[str, int]] = defaultdict(dict)
        # gss -> designator class of its official name
        self._official_class: dict[str, str | None] = {}

        for council in self._councils:
            self._by_gss[council.gss] = council
            if council.code:
                self._by_code[council.code.upper()] = council
        for council in self._councils:
            for old in council.former_gss:
                self._by_gss.setdefault(old, council)
            self._index_council(council)

        # ward key -> {council gss: Ward (newest spelling)}
        self._wards: dict[str, dict[str, Ward]] = defaultdict(dict)
        self._wards_by_council: dict[str, list[str]] = defaultdict(list)
        for ward in wards:
            council = self._by_gss.get(ward.council_gss)
            if council is None:
                continue
            self._wards_by_council[council.gss].append(ward.ward_name)
            slot = self._wards[normalise_ward(ward.ward_name)]
            old = slot.get(council.gss)
            if old is None or (ward.vintage, ward.ward_gss) > (old.vintage, old.ward_gss):
                slot[council.gss] = ward
        self._names = dict(self._names)
        self._wards = dict(self._wards)
        self._history: dict[str, CouncilHistory] = {h.gss: h for h in history}
        self._predecessors: dict[str, list[str]] = defaultdict(list)
        for item in self._history.values():
            for nxt in item.successors:
                self._predecessors[nxt].append(item.gss)

    # ---------------------------------------------------------------- construction helpers

    def _add_name(self, key: str, council: Council, rank: int) -> None:
        if not key:
            return
        slot = self._names[key]
        if rank < slot.get(council.gss, rank + 1):
            slot[council.gss] = rank

    def _index_council(self, council: Council) -> None:
        official = normalise_name(council.official_name)
        self._official_class[council.gss] = _designator_class(split_designators(official)[1])
        surfaces = [
            (official, _RANK_OFFICIAL),
            (normalise_name(council.nice_name), _RANK_NICE),
            *((normalise_name(alt), _RANK_ALT) for alt in council.alt_names),
        ]
        for key, rank in surfaces:
            self._add_name(key, council, rank)
        for key, _ in surfaces:
            core, _ = split_designators(key)
            self._add_name("\x00core:" + core, council, _RANK_CORE)
            for short in _short_forms(core):
                self._add_name("\x00short:" + short, council, _RANK_SHORT)

    @classmethod
    def from_csv(cls, councils_csv: str | Path, wards_csv: str | Path,
                 history_csv: str | Path | None = None) -> Gazetteer:
        """Build a gazetteer from ``councils.csv``/``wards.csv`` (and ``history.csv``) files
        of the package's format."""
        history: list[CouncilHistory] = []
        if history_csv is not None:
            with open(history_csv, newline="", encoding="utf-8") as h:
                history = list(_read_history(h))
        with (
            open(councils_csv, newline="", encoding="utf-8") as c,
            open(wards_csv, newline="", encoding="utf-8") as w,
        ):
            return cls(_read_councils(c), _read_wards(w), history)

    # ---------------------------------------------------------------- through time

    def history(self, council: Council) -> CouncilHistory:
        """The council's dates, direct successors and former name (empty when none known)."""
        return self._history.get(council.gss) or CouncilHistory(council.gss)

    def successors_of(self, council: Council) -> list[Council]:
        """The councils that directly replaced ``council`` (Waveney -> [East Suffolk]; Taunton
        Deane -> [Somerset West and Taunton], which Somerset replaced in turn)."""
        codes = self.history(council).successors or (() if council.current else council.successors)
        return [self._by_gss[g] for g in codes if g in self._by_gss]

    def predecessors_of(self, council: Council) -> list[Council]:
        """The councils ``council`` directly replaced (East Suffolk -> [Suffolk Coastal,
        Waveney]), by GSS code."""
        return [self._by_gss[g] for g in sorted(self._predecessors.get(council.gss, ()))
                if g in self._by_gss]

    def area_codes(self, council: Council) -> list[str]:
        """GSS codes of ``council`` and every council before it on its ground (East Suffolk:
        itself, Suffolk Coastal and Waveney), for lists that should show an area's record."""
        out, todo = [], [council]
        while todo:
            item = todo.pop()
            if item.gss not in out:
                out.append(item.gss)
                todo.extend(self.predecessors_of(item))
        return out

    def existed_on(self, council: Council, day: Date | str | None) -> bool:
        """Whether ``council`` existed on ``day`` (any day of it, for a month or a year).

        True when no date is given or the date cannot be read, and for a council whose first
        or last day is not known on that side.
        """
        span = _day_range(day)
        if span is None:
            return True
        first, last = span
        item = self.history(council)
        if item.start is not None and last < item.start:
            return False
        if item.end is not None and first > item.end:
            return False
        if item.end is None and not council.current and council.successors:
            # a former council with no known last day: it ended before its successors began
            starts = [self.history(s).start for s in self.successors_of(council)]
            known = [s for s in starts if s is not None]
            if known and first >= min(known):
                return False
        return True

    def council_on(self, ref: str | Council, day: Date | str | None) -> Council | None:
        """The council that ``ref`` (a name, a GSS code or a :class:`Council`) meant on ``day``.

        The council itself when it existed then (Waveney District Council in 2018); after it
        was abolished, its successor (Waveney in 2020 -> East Suffolk Council), and before a
        council began, its predecessor (East Suffolk in 2017 -> None: it replaced two), when
        there is exactly one each step of the way. None when the name is unknown or the answer
        is not one council. Without a date: the council named, as :meth:`council_by_name`.
        """
        council = ref if isinstance(ref, Council) else self.council_by_name(ref)
        if council is None:
            return None
        seen: set[str] = set()
        while council.gss not in seen:
            seen.add(council.gss)
            if self.existed_on(council, day):
                return council
            span = _day_range(day)
            assert span is not None
            item = self.history(council)
            if item.start is not None and span[1] < item.start:
                nxt = self.predecessors_of(council)
            else:
                nxt = self.successors_of(council)
            if len(nxt) != 1:
                return None
            council = nxt[0]
        return None

    def name_on(self, council: Council, day: Date | str | None) -> str:
        """The council's official name on ``day``: its former name before a rename
        (Folkestone and Hythe District Council in 2016 -> "Shepway District Council")."""
        item = self.history(council)
        span = _day_range(day)
        if item.former_name and item.former_name_until and span and span[0] <= item.former_name_until:
            return item.former_name
        return council.official_name

    # ---------------------------------------------------------------- councils

    @property
    def councils(self) -> tuple[Council, ...]:
        """All councils (current and former), sorted by GSS code."""
        return self._councils

    def current_councils(self) -> list[Council]:
        """The current councils, sorted by GSS code."""
        return [c for c in self._councils if c.current]

    def council_by_gss(self, gss: str) -> Council | None:
        """The council with this GSS code (current or a former code of the same council)."""
        return self._by_gss.get(gss.strip().upper()) if gss else None

    def council_by_code(self, code: str) -> Council | None:
        """The council with this mySociety three-letter code (``"LUT"``)."""
        return self._by_code.get(code.strip().upper()) if code else None

    def candidates(self, name: str) -> list[Council]:
        """All councils that ``name`` matches equally well (empty when none; >1 when ambiguous).

        The match tries, in order: the exact official name, nice name, alternative names, the
        name with council designators stripped ("Rochdale Borough Council" -> "rochdale"), and
        short forms ("Richmond" for "Richmond upon Thames"). Designators filter candidates: a
        "County Council" is never a district, a "Borough/District/City Council" never a county
        council. Among equal matches a council whose own designator agrees wins, then a current
        council over a former one.
        """
        if not name or not name.strip():
            return []
        stripped = name.strip()
        if _GSS_RE.match(stripped):
            council = self.council_by_gss(stripped)
            return [council] if council else []
        key = normalise_name(stripped)
        if not key:
            return []
        core, designators = split_designators(key)
        wanted = _designator_class(designators)

        lookups = (key, "\x00core:" + core, "\x00short:" + core)
        best_rank: int | None = None
        found: list[Council] = []
        for lookup in lookups:
            for gss, rank in self._names.get(lookup, {}).items():
                council = self._by_gss[gss]
                if not _compatible(council, wanted):
                    continue
                if best_rank is None or rank < best_rank:
                    best_rank, found = rank, [council]
                elif rank == best_rank and council not in found:
                    found.append(council)
            if found and best_rank is not None and best_rank <= _RANK_ALT:
                break  # an exact surface match beats any stripped form
        if len(found) > 1 and wanted is not None:
            agreeing = [c for c in found if self._official_class[c.gss] == wanted]
            found = agreeing or found
        if len(found) > 1:
            current = [c for c in found if c.current]
            found = current or found
        return sorted(found, key=lambda c: c.gss)

    def council_by_name(self, name: str) -> Council | None:
        """Resolve a council name as written in the news; ``None`` if unknown or ambiguous.

        Examples: "Luton Council", "the London Borough of Redbridge", "Rochdale Borough Council"
        (-> Rochdale Metropolitan Borough Council), "Kent County Council", "St Albans",
        "Lancashire" (-> Lancashire County Council, never Lancaster). A GSS code is accepted too.
        Former councils resolve to themselves ("Waveney District Council"); use :meth:`current`
        for the council that replaced them.
        """
        if name not in self._name_memo:
            found = self.candidates(name)
            self._name_memo[name] = found[0] if len(found) == 1 else None
        return self._name_memo[name]

    def current(self, council: Council) -> Council:
        """The current council for ``council``: itself if current, else its single successor.

        A former council split between several successors is returned unchanged (see
        :attr:`Council.successors`).
        """
        if council.current or not council.replaced_by:
            return council
        return self._by_gss.get(council.replaced_by, council)

    def county(self, council: Council) -> Council | None:
        """The upper-tier county council of a two-tier district, if any."""
        return self._by_gss.get(council.county_gss) if council.county_gss else None

    def same_council(self, a: str, b: str) -> bool:
        """Whether two council names denote the same council.

        True when both resolve to the same council ("Rochdale Borough Council" and "Rochdale
        Metropolitan Borough Council"; "Harrow Council" and "London Borough of Harrow"), or when
        they are equal after normalisation (for names the gazetteer does not know).
        """
        if not a or not b:
            return False
        ca, cb = self.council_by_name(a), self.council_by_name(b)
        if ca is not None and cb is not None:
            return ca.gss == cb.gss
        if ca is not None or cb is not None:
            return False
        ka, kb = normalise_name(a), normalise_name(b)
        return bool(ka) and (ka == kb or split_designators(ka)[0] == split_designators(kb)[0])

    def display_name(self, council: Council) -> str:
        """The name to show for a council: its official name."""
        return council.official_name

    def place_names(self) -> Iterator[tuple[str, Council]]:
        """Every (surface form, council) pair: official, nice and alternative names.

        Covers current and former councils; sorted by council GSS code, then official, nice and
        alternative names; each surface form appears once per council.
        """
        for council in self._councils:
            seen: set[str] = set()
            for surface in (council.official_name, council.nice_name, *council.alt_names):
                if surface and surface not in seen:
                    seen.add(surface)
                    yield surface, council

    # ---------------------------------------------------------------- wards

    def _ward_slot(self, ward: str) -> dict[str, Ward]:
        key = normalise_ward(ward)
        slot = self._wards.get(key)
        if slot is None:
            words = key.split()
            if len(words) > 1 and words[-1] == "ward":
                slot = self._wards.get(" ".join(words[:-1]))
        return slot or {}

    def councils_for_ward(self, ward: str) -> list[Council]:
        """All current councils that have a ward of this name, sorted by GSS code.

        Ward names compare case-insensitively with ``&`` == ``and``, apostrophes and accents
        ignored and an optional trailing " ward": ``"Canons"`` -> [London Borough of Harrow];
        ``"Central"`` -> many councils. Old ward names (from earlier boundary reviews) count and
        point to the council now covering them.
        """
        if not ward:
            return []
        if ward not in self._ward_memo:
            self._ward_memo[ward] = tuple(self._by_gss[gss] for gss in sorted(self._ward_slot(ward)))
        return list(self._ward_memo[ward])

    def ward_name(self, ward: str, council: Council) -> str | None:
        """The gazetteer's spelling of ``ward`` if ``council`` (or its successor) has that ward."""
        if not ward:
            return None
        slot = self._ward_slot(ward)
        for gss in (council.gss, self.current(council).gss):
            if gss in slot:
                return slot[gss].ward_name
        return None

    def ward(self, ward: str, council: Council) -> Ward | None:
        """The :class:`Ward` record for ``ward`` in ``council`` (or its successor), if any."""
        slot = self._ward_slot(ward) if ward else {}
        for gss in (council.gss, self.current(council).gss):
            if gss in slot:
                return slot[gss]
        return None

    def wards_of(self, council: Council) -> list[str]:
        """All ward names (every spelling and vintage) of a current council, sorted."""
        return sorted(set(self._wards_by_council.get(self.current(council).gss, ())))

    def ward_names(self) -> list[str]:
        """Every distinct ward name spelling, sorted (for an entity ruler)."""
        return sorted({name for names in self._wards_by_council.values() for name in names})


def _compatible(council: Council, wanted: str | None) -> bool:
    """Whether a council can carry the designator class of the query."""
    if wanted == "county":
        return council.type not in _NOT_COUNTY_TYPES
    if wanted == "lower":
        return council.type != "CTY"
    return True


def _split(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.split("|") if part) if value else ()


def _read_councils(handle: Iterable[str]) -> Iterator[Council]:
    for row in csv.DictReader(handle):
        successors = _split(row.get("replaced_by", ""))
        yield Council(
            gss=row["gss"],
            code=row.get("code", ""),
            official_name=row["official_name"],
            nice_name=row.get("nice_name", "") or row["official_name"],
            type=row.get("type", ""),
            nation=row.get("nation", ""),
            region=row.get("region", ""),
            county_gss=row.get("county_gss") or None,
            current=row.get("current", "true").strip().lower() in {"true", "1", "yes"},
            replaced_by=successors[0] if len(successors) == 1 else None,
            former_gss=_split(row.get("former_gss", "")),
            alt_names=_split(row.get("alt_names", "")),
            successors=successors,
        )


def _iso_day(text: str | None) -> Date | None:
    text = (text or "").strip()
    return Date.fromisoformat(text) if text else None


def _read_history(handle: Iterable[str]) -> Iterator[CouncilHistory]:
    for row in csv.DictReader(handle):
        yield CouncilHistory(
            gss=row["gss"],
            start=_iso_day(row.get("start_date")),
            end=_iso_day(row.get("end_date")),
            successors=_split(row.get("successors", "")),
            former_name=row.get("former_name") or None,
            former_name_until=_iso_day(row.get("former_name_until")),
            source=row.get("source", ""),
        )


def _read_wards(handle: Iterable[str]) -> Iterator[Ward]:
    for row in csv.DictReader(handle):
        yield Ward(
            ward_gss=row["ward_gss"],
            ward_name=row["ward_name"],
            council_gss=row["council_gss"],
            vintage=row.get("vintage", ""),
        )


@cache
def gazetteer() -> Gazetteer:
    """The package's gazetteer, loaded from ``floorcross/data/gazetteer/`` on first call."""
    base = resources.files(_DATA_PACKAGE).joinpath(_DATA_DIR)
    councils_text = base.joinpath("councils.csv").read_text(encoding="utf-8")
    wards_text = base.joinpath("wards.csv").read_text(encoding="utf-8")
    history_file = base.joinpath("history.csv")
    history = (list(_read_history(io.StringIO(history_file.read_text(encoding="utf-8"),
                                              newline="")))
               if history_file.is_file() else [])
    return Gazetteer(
        _read_councils(io.StringIO(councils_text, newline="")),
        _read_wards(io.StringIO(wards_text, newline="")),
        history,
    )
