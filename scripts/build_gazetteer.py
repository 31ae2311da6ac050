#!/usr/bin/env python3
"""Build floorcross's compact UK council/ward gazetteer from published open data.

Inputs (files of the published shapes; none of them is copied into the project):

* ``drkane_ward_all_codes.csv`` - ONS-derived ward -> local authority district lookup
  (github.com/drkane/geo-lookups, Open Government Licence v3.0).
* ``drkane_la_all_codes.csv`` - local authority districts, including former ones, with the
  currently active district for each (``LADCD_ACTIVE``) and region/country.
* ``mysociety_uk_local_authorities_current.csv`` - mySociety's UK local authority names and
  codes (official name, nice name, GSS code, type, county, alternative names; CC BY 4.0).
* ``mysociety_lookup_name_to_registry.csv`` - mySociety's name variant -> authority code list.

Outputs (written to ``src/floorcross/data/gazetteer/`` by default, sorted, ``\\n`` line endings):

* ``councils.csv`` - one row per principal council (current ones, and former ones that the inputs
  describe, with their current successor in ``replaced_by``).
* ``wards.csv`` - one row per distinct (ward name, active council), keeping the newest ward code.
* ``history.csv`` - councils through time: for every council the inputs date or that was renamed,
  its first and last day, its direct successors (not only the current ones) and a former name
  with the last day it was used (renames are listed in :data:`RENAMES`, each with its source).

Usage::

    python scripts/build_gazetteer.py [--source-dir DIR] [--out DIR]

The script only uses the standard library and is safe to re-run; it prints a one-line summary.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE_DIR = REPO_ROOT.parent / "shared" / "data" / "gazetteer"
DEFAULT_OUT_DIR = REPO_ROOT / "src" / "floorcross" / "data" / "gazetteer"

WARDS_FILE = "drkane_ward_all_codes.csv"
LAS_FILE = "drkane_la_all_codes.csv"
AUTHORITIES_FILE = "mysociety_uk_local_authorities_current.csv"
NAME_LOOKUP_FILE = "mysociety_lookup_name_to_registry.csv"

#: mySociety authority types that are principal councils (combined authorities and the GLA are not).
PRINCIPAL_TYPES = frozenset({"NMD", "UA", "MD", "LBO", "CC", "CTY", "WPA", "SCO", "NID"})

COUNCIL_COLUMNS = [
    "gss",
    "code",
    "official_name",
    "nice_name",
    "type",
    "nation",
    "region",
    "county_gss",
    "current",
    "replaced_by",
    "former_gss",
    "alt_names",
]
WARD_COLUMNS = ["ward_gss", "ward_name", "council_gss", "vintage"]
HISTORY_COLUMNS = ["gss", "start_date", "end_date", "successors", "former_name",
                   "former_name_until", "source"]

#: Councils renamed without a new GSS code (the register keeps only the name in use today, so
#: these are listed by hand, each with where the date comes from): GSS -> (former official
#: name, last day it was used, source).
RENAMES: dict[str, tuple[str, str, str]] = {
    "E07000112": ("Shepway District Council", "2018-03-31",
                  ("renamed Folkestone and Hythe District Council from 1 April 2018 (council "
                   "resolution of 17 January 2018; The Guardian, 18 January 2018)")),
}

#: Words that may be added to a council's name without changing which council it is; an
#: all-lower-case variant from the inputs is kept only if its words are drawn from the council's
#: own names plus these (this drops typos such as "aberdeen cuty" or "highands").
GENERIC_WORDS = frozenset(
    {
        "the",
        "of",
        "and",
        "city",
        "council",
        "borough",
        "county",
        "district",
        "metropolitan",
        "royal",
        "london",
        "st",
    }
)
#: Alternative names ending in these words are register artefacts, not names used in the news.
JUNK_SUFFIXES = ("ua", "london boro", "district")
#: Names holding these (mis-decoded UTF-8, replacement characters) are dropped.
_MOJIBAKE = re.compile("[\u0080-\u00bf\u00c2\u00c3\ufffd]")
#: Words skipped when finding the distinctive first word of a council's name.
LEADING_FILLER = frozenset({"the", "city", "of", "county", "borough", "royal", "london", "isle"})

_SPACE = re.compile(r"\s+")
_ALT_SPLIT = re.compile(r",(?! )")  # alt-names are joined with "," while names contain ", "


def clean(text: str) -> str:
    """Collapse whitespace and strip ``text``."""
    return _SPACE.sub(" ", text or "").strip()


def norm_key(text: str) -> str:
    """Comparison key: case-, accent-, punctuation-insensitive; '&' == 'and'; 'saint' == 'st'.

    Kept in step with :func:`floorcross.normalise.councils.normalise_name` (the build script must
    run without the package installed, so it carries its own copy).
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ")
    text = re.sub(r"['’‘`´]", "", text)
    text = re.sub(r"[^\w\s]|_", " ", text)
    words = ["st" if w == "saint" else w for w in text.split()]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@dataclass
class CouncilRow:
    """A council being assembled from the inputs."""

    gss: str
    code: str
    official_name: str
    nice_name: str
    type: str
    nation: str
    region: str
    county_code: str
    current: bool
    replaced_by_codes: list[str]
    former_gss: set[str] = field(default_factory=set)
    alt_names: list[str] = field(default_factory=list)
    county_gss: str = ""
    replaced_by: list[str] = field(default_factory=list)
    start_date: str = ""
    end_date: str = ""


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a CSV file (UTF-8, optional BOM) into a list of dicts."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def split_codes(value: str) -> list[str]:
    """Split a comma/pipe separated code list."""
    return [part.strip() for part in re.split(r"[,|]", value or "") if part.strip()]


def first_word(name: str) -> str:
    """The first distinctive word of a name ("City of Edinburgh" -> "edinburgh")."""
    words = norm_key(name).split()
    return next((w for w in words if w not in LEADING_FILLER), "")


def is_useful_alt(name: str, own_words: set[str], heads: set[str]) -> bool:
    """Whether an alternative name from the inputs is worth keeping.

    ``own_words`` are the words of the council's official, nice and properly cased alternative
    names; ``heads`` their distinctive first words.
    """
    if not name or _MOJIBAKE.search(name):
        return False
    key = norm_key(name)
    if not key or any(key == s or key.endswith(" " + s) for s in JUNK_SUFFIXES):
        return False
    if name == name.lower():  # machine-lowered variants: keep only re-wordings, not typos
        words = key.split()
        if len(words) == 1:  # "aberdeen", "anglesey" yes; fragments such as "taff", "eilean" no
            return words[0] in heads
        return set(words) <= own_words | GENERIC_WORDS
    return True


def load_councils(
    authorities: list[dict[str, str]],
    las: list[dict[str, str]],
    name_lookup: list[dict[str, str]],
) -> tuple[dict[str, CouncilRow], dict[str, str], int]:
    """Assemble principal councils keyed by canonical GSS code.

    Returns the councils, an alias map (any known GSS code -> canonical GSS code) and the number of
    principal authorities skipped because the inputs give them no GSS code.
    """
    la_by_code = {row["LADCD"]: row for row in las}
    ms_gss = {clean(r["gss-code"]) for r in authorities if clean(r["gss-code"])}

    councils: dict[str, CouncilRow] = {}
    skipped = 0
    for row in authorities:
        if row["local-authority-type"] not in PRINCIPAL_TYPES:
            continue
        gss = clean(row["gss-code"])
        if not gss:
            skipped += 1  # e.g. the 26 pre-2015 NI district councils: no code, no successor
            continue
        former = set(split_codes(row.get("former-gss-codes", "")))
        la = la_by_code.get(gss)
        if la and la["LADCD_ACTIVE"] and la["LADCD_ACTIVE"] != gss:
            active = la["LADCD_ACTIVE"]
            if active not in ms_gss and la["LADNM"] == la["LADNM_ACTIVE"]:
                former.add(gss)  # a recode of the same council (e.g. Barnsley 2024)
                gss = active
        council = CouncilRow(
            gss=gss,
            code=clean(row["local-authority-code"]),
            official_name=clean(row["official-name"]),
            nice_name=clean(row["nice-name"]),
            type=row["local-authority-type"],
            nation=clean(row["nation"]),
            region=clean(row["region"]),
            county_code=clean(row.get("county-la", "")),
            current=row.get("current-authority", "").strip().lower() == "true",
            replaced_by_codes=split_codes(row.get("replaced-by", "")),
            former_gss=former,
            start_date=clean(row.get("start-date", "")),
            end_date=clean(row.get("end-date", "")),
        )
        council.alt_names = [n for n in _ALT_SPLIT.split(row.get("alt-names", "")) if clean(n)]
        councils[gss] = council

    # ONS recodes listed only in the drkane file (old code -> active code, same council).
    for la in las:
        old, active = la["LADCD"], la["LADCD_ACTIVE"]
        if old != active and active in councils and old not in ms_gss and old not in councils:
            councils[active].former_gss.add(old)

    alias = {gss: gss for gss in councils}
    for council in councils.values():
        for old in council.former_gss:
            alias.setdefault(old, council.gss)

    by_code = {c.code: c for c in councils.values()}
    for row in name_lookup:
        council = by_code.get(clean(row.get("local-authority-code", "")))
        if council is not None:
            council.alt_names.append(row.get("la-name", ""))

    _resolve_successors(councils, by_code, la_by_code, alias)
    _resolve_counties(councils, by_code, la_by_code)
    _resolve_regions(councils, la_by_code)
    _filter_alt_names(councils)
    return councils, alias, skipped


def _resolve_successors(
    councils: dict[str, CouncilRow],
    by_code: dict[str, CouncilRow],
    la_by_code: dict[str, dict[str, str]],
    alias: dict[str, str],
) -> None:
    """Fill ``replaced_by`` with the *current* successor(s) of each former council."""

    def successors(council: CouncilRow, seen: frozenset[str]) -> set[str]:
        direct: list[CouncilRow] = [by_code[c] for c in council.replaced_by_codes if c in by_code]
        if not direct:
            la = la_by_code.get(council.gss)
            active = alias.get(la["LADCD_ACTIVE"], "") if la else ""
            if active and active != council.gss and active in councils:
                direct = [councils[active]]
        found: set[str] = set()
        for nxt in direct:
            if nxt.gss in seen:
                continue
            if nxt.current:
                found.add(nxt.gss)
            else:
                found |= successors(nxt, seen | {nxt.gss})
        return found

    for council in councils.values():
        if not council.current:
            council.replaced_by = sorted(successors(council, frozenset({council.gss})))


def _resolve_counties(
    councils: dict[str, CouncilRow],
    by_code: dict[str, CouncilRow],
    la_by_code: dict[str, dict[str, str]],
) -> None:
    """Fill ``county_gss`` (the upper-tier county council) for two-tier districts.

    The ONS upper-tier code wins where it names a county council; otherwise (e.g. districts of a
    county since abolished) mySociety's ``county-la`` is used.
    """
    for council in councils.values():
        la = la_by_code.get(council.gss)
        upper = la["UTLACD"] if la else ""
        if upper.startswith("E10") and upper in councils and upper != council.gss:
            council.county_gss = upper
            continue
        county = by_code.get(council.county_code)
        if county is not None and county.type == "CTY":
            council.county_gss = county.gss


def _resolve_regions(
    councils: dict[str, CouncilRow], la_by_code: dict[str, dict[str, str]]
) -> None:
    """Take regions from the ONS lookup; a county takes its districts' (majority) region."""
    for council in councils.values():
        if council.nation and council.nation != "England":
            council.region = council.nation
            continue
        codes = [council.gss, *sorted(council.former_gss)]
        ons = next(
            (la_by_code[c]["RGNNM"] for c in codes if la_by_code.get(c, {}).get("RGNNM")), ""
        )
        if ons:
            council.region = ons
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for council in councils.values():
        if council.county_gss and council.region:
            votes[council.county_gss][council.region] += 1
    for gss, counter in votes.items():
        # most common region, ties broken alphabetically for determinism
        councils[gss].region = min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _filter_alt_names(councils: dict[str, CouncilRow]) -> None:
    """Keep deduplicated, useful alternative names that identify exactly one council."""
    own_keys: dict[str, set[str]] = {}
    claims: dict[str, set[str]] = defaultdict(set)
    for council in councils.values():
        keys = {norm_key(council.official_name), norm_key(council.nice_name)}
        own_keys[council.gss] = keys
        for key in keys:
            claims[key].add(council.gss)

    candidates: dict[str, dict[str, str]] = {}
    for council in councils.values():
        words = {w for n in (council.official_name, council.nice_name) for w in norm_key(n).split()}
        words |= {
            w
            for n in council.alt_names
            if n != n.lower() and not _MOJIBAKE.search(n)
            for w in norm_key(n).split()
        }
        heads = {first_word(council.official_name), first_word(council.nice_name)}
        chosen: dict[str, str] = {}
        # Prefer properly cased spellings, then the shortest, then alphabetical.
        for name in sorted(
            {clean(n) for n in council.alt_names}, key=lambda n: (n == n.lower(), len(n), n)
        ):
            if not is_useful_alt(name, words, heads):
                continue
            key = norm_key(name)
            if key in own_keys[council.gss] or key in chosen:
                continue
            chosen[key] = name
        candidates[council.gss] = chosen
        for key in chosen:
            claims[key].add(council.gss)

    for council in councils.values():
        chosen = candidates[council.gss]
        # A variant that names more than one council (or another council's own name) is dropped.
        council.alt_names = sorted(
            (name for key, name in chosen.items() if claims[key] == {council.gss}), key=str.casefold
        )


def build_wards(
    rows: Iterable[dict[str, str]], alias: dict[str, str], councils: dict[str, CouncilRow]
) -> tuple[list[tuple[str, str, str, str]], int]:
    """Deduplicate wards on (name, active council), keeping the newest code.

    Returns the ward rows ``(ward_gss, ward_name, council_gss, vintage)`` sorted by council and
    name, and the number of input rows whose active council is not a known current council.
    """
    best: dict[tuple[str, str], tuple[str, str, str, str]] = {}
    unmatched = 0
    for row in rows:
        name = clean(row["WDNM"])
        ward_gss = clean(row["WDCD"])
        council_gss = alias.get(clean(row.get("LADCD_ACTIVE") or row["LADCD"]), "")
        if not name or not ward_gss:
            continue
        if council_gss not in councils or not councils[council_gss].current:
            unmatched += 1
            continue
        vintage = clean(row.get("SOURCEFILE", ""))
        record = (ward_gss, name, council_gss, vintage)
        key = (name, council_gss)
        old = best.get(key)
        if old is None or (vintage, ward_gss) > (old[3], old[0]):
            best[key] = record
    wards = sorted(best.values(), key=lambda r: (r[2], r[1].casefold(), r[1], r[0]))
    return wards, unmatched


def council_records(councils: dict[str, CouncilRow]) -> Iterator[dict[str, str]]:
    """Rows for ``councils.csv``, sorted by GSS code."""
    for gss in sorted(councils):
        c = councils[gss]
        yield {
            "gss": c.gss,
            "code": c.code,
            "official_name": c.official_name,
            "nice_name": c.nice_name,
            "type": c.type,
            "nation": c.nation,
            "region": c.region,
            "county_gss": c.county_gss,
            "current": "true" if c.current else "false",
            "replaced_by": "|".join(c.replaced_by),
            "former_gss": "|".join(sorted(c.former_gss)),
            "alt_names": "|".join(c.alt_names),
        }


def _day_before(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


def history_records(councils: dict[str, CouncilRow]) -> Iterator[dict[str, str]]:
    """Rows for ``history.csv``, sorted by GSS code.

    The register's end dates are not all alike (Waveney ends "2019-03-31", Cumbria
    "2023-04-01", the day its successors began), so a former council's last day is the day
    before its successors' first day where the register gives that, else its end date as
    given. A start date is kept only for a council that replaced others in the register (East
    Suffolk, 2019-04-01): the register's other start dates are when its own entries began
    ("2005-06-18" for most Scottish councils, "1996-07-01" for Birmingham), not when the
    council did, so those councils have no start date (known since before the news we read).
    ``successors`` are the direct ones (Taunton Deane -> Somerset West and Taunton),
    where ``councils.csv``'s ``replaced_by`` holds the current ones (-> Somerset).
    """
    by_code = {c.code: c for c in councils.values()}
    successor_of = {code for c in councils.values() for code in c.replaced_by_codes}
    for gss in sorted(councils):
        c = councils[gss]
        direct = [by_code[code] for code in c.replaced_by_codes if code in by_code]
        start = c.start_date if c.code in successor_of else ""
        end = c.end_date
        starts = sorted({s.start_date for s in direct if s.start_date and s.code in successor_of})
        if not c.current and starts:
            end = _day_before(starts[0])
        rename = RENAMES.get(gss)
        if not (start or end or direct or rename):
            continue
        source = "mySociety register (start-date, end-date, replaced-by)"
        if rename:
            source = rename[2] if not (start or end or direct) else f"{source}; {rename[2]}"
        yield {
            "gss": gss,
            "start_date": start,
            "end_date": end if not c.current else "",
            "successors": "|".join(sorted(s.gss for s in direct)),
            "former_name": rename[0] if rename else "",
            "former_name_until": rename[1] if rename else "",
            "source": source,
        }


def write_csv(
    path: Path, columns: list[str], rows: Iterable[dict[str, str] | tuple[str, ...]]
) -> None:
    """Write rows deterministically (UTF-8, ``\\n`` line endings, minimal quoting)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row[c] for c in columns] if isinstance(row, dict) else row)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source-dir",
        type=Path,
        default=DEFAULT_SOURCE_DIR,
        help=f"folder holding the four input files (default: {DEFAULT_SOURCE_DIR})",
    )
    parser.add_argument(
        "--wards", type=Path, help=f"ward lookup (default: SOURCE_DIR/{WARDS_FILE})"
    )
    parser.add_argument("--las", type=Path, help=f"LAD lookup (default: SOURCE_DIR/{LAS_FILE})")
    parser.add_argument(
        "--authorities",
        type=Path,
        help=f"mySociety authorities (default: SOURCE_DIR/{AUTHORITIES_FILE})",
    )
    parser.add_argument(
        "--name-lookup",
        type=Path,
        help=f"mySociety name variants (default: SOURCE_DIR/{NAME_LOOKUP_FILE})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT_DIR,
        help=f"output folder (default: {DEFAULT_OUT_DIR})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build the gazetteer and print a one-line summary."""
    args = parse_args(argv)
    src: Path = args.source_dir
    paths = {
        "wards": args.wards or src / WARDS_FILE,
        "las": args.las or src / LAS_FILE,
        "authorities": args.authorities or src / AUTHORITIES_FILE,
        "name_lookup": args.name_lookup or src / NAME_LOOKUP_FILE,
    }
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        print(f"build_gazetteer: missing input file(s): {', '.join(missing)}", file=sys.stderr)
        return 2

    councils, alias, skipped = load_councils(
        read_csv(paths["authorities"]), read_csv(paths["las"]), read_csv(paths["name_lookup"])
    )
    ward_rows = read_csv(paths["wards"])
    wards, unmatched = build_wards(ward_rows, alias, councils)

    out: Path = args.out
    write_csv(out / "councils.csv", COUNCIL_COLUMNS, council_records(councils))
    write_csv(out / "wards.csv", WARD_COLUMNS, wards)
    history = list(history_records(councils))
    write_csv(out / "history.csv", HISTORY_COLUMNS, history)

    n_current = sum(c.current for c in councils.values())
    size_kb = sum((out / f).stat().st_size
                  for f in ("councils.csv", "wards.csv", "history.csv")) / 1024
    print(
        f"gazetteer: {len(councils)} councils ({n_current} current, {len(councils) - n_current} former, "
        f"{skipped} without GSS skipped), {len(wards)} wards from {len(ward_rows)} rows "
        f"({unmatched} unmatched), {len(history)} with dates or former names -> {out} "
        f"({size_kb:.0f} KiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
