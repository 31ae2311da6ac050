"""The search box: people (as the store finds them), councils (as the gazetteer knows them) and
parties (canonical names and their aliases, "Tories" finding Conservative).

One function for the page and ``/api/search``; councils and parties already in the record come
before ones with nothing recorded, since that is what a reader is looking for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from floorcross.normalise.councils import Council, gazetteer
from floorcross.normalise.names import fold
from floorcross.normalise.parties import canonical_party, is_canonical
from floorcross.store import PersonView, Store
from floorcross.store.db import read_session
from floorcross.store.queries import change_counts
from floorcross.web.councils import cached, council_ref, council_slug

MIN_QUERY = 2


@dataclass(frozen=True)
class PartyHit:
    """A party matching the query and how many recorded changes name it."""

    name: str
    changes: int


@dataclass(frozen=True)
class SearchResults:
    query: str
    people: list[PersonView]
    councils: list[tuple[Council, int]]
    parties: list[PartyHit]

    @property
    def empty(self) -> bool:
        return not (self.people or self.councils or self.parties)

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "people": [p.as_dict() for p in self.people],
            "councils": [council_ref(c) | {"changes": n} for c, n in self.councils],
            "parties": [{"name": p.name, "changes": p.changes} for p in self.parties],
        }

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per hit, for CSV."""
        out = [{"type": "person", "name": p.name, "id": p.key, "council": p.council,
                "changes": p.changes} for p in self.people]
        out += [{"type": "council", "name": c.official_name, "id": c.gss,
                 "council": c.official_name, "changes": n} for c, n in self.councils]
        out += [{"type": "party", "name": p.name, "id": p.name, "council": None,
                 "changes": p.changes} for p in self.parties]
        return out


def search(store: Store, query: str, limit: int = 20) -> SearchResults:
    """People, councils and parties matching ``query`` (at most ``limit`` of each)."""
    text = query.strip()
    if len(text) < MIN_QUERY:
        return SearchResults(text, [], [], [])
    by_council, by_party = cached(store, "search_counts", lambda: _counts(store))
    people = store.find_people(text)[:limit]
    return SearchResults(text, people, _councils(text, by_council, limit),
                         _parties(text, by_party, limit))


def _counts(store: Store) -> tuple[dict[str, int], dict[str, int]]:
    """Changes per council and per party, counted in SQL (GROUP BY)."""
    with read_session(store.engine) as session:
        return change_counts(session, "council_gss"), change_counts(session, "party")


def _councils(text: str, counts: dict[str, int], limit: int) -> list[tuple[Council, int]]:
    gaz = gazetteer()
    wanted = fold(text)
    found: dict[str, Council] = {c.gss: gaz.current(c) for c in gaz.candidates(text)}
    for council in gaz.current_councils():
        names = (council.official_name, council.nice_name, council_slug(council), council.gss)
        if any(wanted in fold(n) for n in names):
            found.setdefault(council.gss, council)
    ranked = sorted(found.values(), key=lambda c: (-counts.get(c.gss, 0), c.official_name))
    return [(c, counts.get(c.gss, 0)) for c in ranked[:limit]]


def _parties(text: str, counts: dict[str, int], limit: int) -> list[PartyHit]:
    wanted = fold(text)
    names = {p for p in counts if wanted in fold(p)}
    canonical = canonical_party(text)
    if canonical and (is_canonical(canonical) or canonical in counts):  # not any word at all
        names.add(canonical)
    ranked = sorted(names, key=lambda p: (-counts.get(p, 0), p))
    return [PartyHit(p, counts.get(p, 0)) for p in ranked[:limit]]
