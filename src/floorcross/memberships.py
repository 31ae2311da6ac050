"""Party memberships derived from the record, in the formats the field already uses.

A person's changes, in date order, cut their time into *memberships*: one party (on one
council) from one change to the next. A defection ends the membership of the party left and
starts one in the party joined; a suspension or an expulsion ends the membership (and starts
one only if a party, such as Independent, is named as what they sit as); a readmission starts
one. The first membership has no start date (it began before the news we hold), the last no
end date. Every membership carries the sources of the changes that start and end it.

Two formats:

* **Popolo** JSON (:func:`popolo`, the people-and-memberships standard of EveryPolitician and
  mySociety): ``persons`` (name, other names, our key as an identifier), ``organizations``
  (parties, councils with their GSS code as an identifier, and each council's party groups,
  the group's ``parent_id`` its council), ``memberships`` (a person in a party group, or in a
  party when no council is known, ``on_behalf_of_id`` the party, ``start_date``/``end_date``
  at the precision the news gave, ``start_reason``/``end_reason`` (our extension: the kind
  of change that started or ended it: defection, suspension, expulsion, readmission),
  ``sources``: every article reporting those changes).
* **Wikidata** (:func:`wikidata_rows`): one row per membership shaped for QuickStatements'
  CSV (``qid``, ``P102`` member of political party, qualifiers ``P580`` start time, ``P582``
  end time, ``P1534`` end cause, reference ``S854`` URL), with readable columns beside them.
  People have no Wikidata item in the record, so ``qid`` is left for a person to fill
  (reconcile the ``person`` column first, e.g. in OpenRefine); parties whose item is well known
  get their QID in ``P102``.

Rejected changes are left out, as everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from floorcross.normalise.councils import gazetteer
from floorcross.resolve import slug

if TYPE_CHECKING:
    from floorcross.store import SourceView, Store, Timeline

END_REASONS = {"defection": "defection", "suspension": "suspension", "expulsion": "expulsion",
               "readmission": "readmission"}
# Wikidata items of the main parties (Q-ids checked by hand); others are left for a person.
PARTY_QIDS: dict[str, str] = {
    "Labour": "Q9630",
    "Conservative": "Q9626",
    "Liberal Democrats": "Q9624",
    "Green": "Q9669",
    "SNP": "Q10658",
    "UKIP": "Q10647",
}
WIKIDATA_COLUMNS: tuple[str, ...] = (
    "qid", "P102", "qal580", "qal582", "qal1534", "S854",
    "person", "person_key", "party", "council", "council_gss", "start", "end", "end_cause",
)


@dataclass
class Membership:
    """A person's time in one party on one council (either end may be unknown)."""

    person_key: str
    party: str
    council: str | None
    council_gss: str | None
    start: str | None = None
    end: str | None = None
    end_reason: str | None = None
    start_reason: str | None = None
    start_change: str | None = None
    end_change: str | None = None
    sources: list[SourceView] = field(default_factory=list)


def memberships(timeline: Timeline) -> list[Membership]:
    """The memberships one person's timeline implies, oldest first."""
    out: list[Membership] = []
    current: Membership | None = None
    key = timeline.person.key
    for entry in timeline.entries:
        change = entry.change
        council, gss = change.council, change.council_gss
        if current is None and change.from_party and change.kind != "readmission":
            current = Membership(key, change.from_party, council, gss)
            out.append(current)
        if current is not None:
            current.end, current.end_reason = change.date, END_REASONS[change.kind]
            current.end_change = change.key
            current.sources.extend(entry.sources)
            current = None
        if change.to_party:
            current = Membership(key, change.to_party, council, gss, start=change.date,
                                 start_reason=END_REASONS[change.kind],
                                 start_change=change.key, sources=list(entry.sources))
            out.append(current)
    return out


def _timelines(store: Store) -> Iterable[Timeline]:
    for person in store.people():
        timeline = store.timeline(person.id)
        if timeline.entries:
            yield timeline


# ------------------------------------------------------------------------------ Popolo


def _source(s: SourceView) -> dict[str, str]:
    url = s.url or f"urn:sha256:{s.content_hash}"
    parts = [f"“{s.title}”" if s.title else None, s.outlet, s.published]
    return {"url": url, "note": ", ".join(p for p in parts if p) or "article"}


def _sources(found: Iterable[SourceView]) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for s in found:
        item = _source(s)
        seen.setdefault(item["url"], item)
    return list(seen.values())


def _party_id(party: str) -> str:
    return f"party/{slug(party)}"


def _council_id(council: str | None, gss: str | None) -> str:
    return f"council/{gss}" if gss else f"council/{slug(council or 'unknown')}"


def popolo(store: Store) -> dict[str, Any]:
    """The record as Popolo JSON: ``persons``, ``organizations`` and ``memberships``."""
    gaz = gazetteer()
    persons: list[dict[str, Any]] = []
    organizations: dict[str, dict[str, Any]] = {}
    out_memberships: list[dict[str, Any]] = []
    for timeline in _timelines(store):
        person = timeline.person
        others = [{"name": n} for n in person.names if n != person.name]
        persons.append({
            "id": f"person/{person.key}", "name": person.name, "other_names": others,
            "identifiers": [{"scheme": "floorcross", "identifier": person.key}],
            "sources": _sources(s for e in timeline.entries for s in e.sources),
        })
        for number, m in enumerate(memberships(timeline), start=1):
            party_id = _party_id(m.party)
            organizations.setdefault(party_id, {
                "id": party_id, "name": m.party, "classification": "party",
                "identifiers": ([{"scheme": "wikidata", "identifier": PARTY_QIDS[m.party]}]
                                if m.party in PARTY_QIDS else []),
            })
            item: dict[str, Any] = {
                "id": f"membership/{person.key}/{number}", "person_id": f"person/{person.key}",
                "organization_id": party_id, "on_behalf_of_id": party_id,
                "role": "member",
            }
            if m.council or m.council_gss:
                council_id = _council_id(m.council, m.council_gss)
                if council_id not in organizations:
                    known = gaz.council_by_gss(m.council_gss) if m.council_gss else None
                    council = {"id": council_id, "name": known.official_name if known
                               else m.council, "classification": "council", "identifiers": []}
                    if m.council_gss:
                        council["identifiers"] = [{"scheme": "gss", "identifier": m.council_gss}]
                    organizations[council_id] = council
                group_id = f"{council_id}/group/{slug(m.party)}"
                organizations.setdefault(group_id, {
                    "id": group_id,
                    "name": f"{m.party} group, {organizations[council_id]['name']}",
                    "classification": "party group", "parent_id": council_id,
                })
                item["organization_id"] = group_id
            if m.start:
                item["start_date"] = m.start
            if m.end:
                item["end_date"] = m.end
            if m.start_reason:
                item["start_reason"] = m.start_reason
            if m.end_reason:
                item["end_reason"] = m.end_reason
            item["sources"] = _sources(m.sources)
            out_memberships.append(item)
    return {"persons": persons, "organizations": sorted(organizations.values(),
                                                        key=lambda o: o["id"]),
            "memberships": out_memberships}


# ------------------------------------------------------------------------------ Wikidata


def quickstatements_time(value: str | None) -> str:
    """A partial ISO date as QuickStatements writes a time: ``+2023-09-12T00:00:00Z/11``
    (precision 11 a day, 10 a month, 9 a year); empty when unknown."""
    if not value or not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        return ""
    parts = value.split("-")
    precision = {1: 9, 2: 10, 3: 11}[len(parts)]
    full = (parts + ["00", "00"])[:3]
    return f"+{full[0]}-{full[1]}-{full[2]}T00:00:00Z/{precision}"


def wikidata_rows(store: Store) -> list[dict[str, str]]:
    """One row per membership, shaped for QuickStatements (see the module docstring)."""
    rows: list[dict[str, str]] = []
    for timeline in _timelines(store):
        for m in memberships(timeline):
            urls = [s.url for s in m.sources if s.url]
            rows.append({
                "qid": "", "P102": PARTY_QIDS.get(m.party, ""),
                "qal580": quickstatements_time(m.start), "qal582": quickstatements_time(m.end),
                "qal1534": "", "S854": f'"{urls[0]}"' if urls else "",
                "person": timeline.person.name, "person_key": m.person_key, "party": m.party,
                "council": m.council or "", "council_gss": m.council_gss or "",
                "start": m.start or "", "end": m.end or "", "end_cause": m.end_reason or "",
            })
    return rows


__all__ = ["PARTY_QIDS", "WIKIDATA_COLUMNS", "Membership", "memberships", "popolo",
           "quickstatements_time", "wikidata_rows"]
