"""Party flows: who is gaining councillors from whom, over a date range and a region.

Each change not rejected moves one person from one side to another. A defection goes from the
party left to the party joined. Suspensions follow the ledger's rule (one rule everywhere,
``data/ledger.yaml`` and docs/ledger.md): a suspended or expelled member sits as an
Independent until readmitted, so a suspension or expulsion that names no party joined goes to
"Independent", and a readmission that names no party left comes from "Independent". Other
missing parties count as "Unknown", so every change is counted once and the totals match the
change lists. The region is the gazetteer's ``region`` or ``nation`` of the change's
council ("North West", "Wales").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from floorcross.normalise.councils import Gazetteer, gazetteer
from floorcross.store.queries import ChangeView

UNKNOWN = "Unknown"


@dataclass(frozen=True)
class Flow:
    """How many changes went from one side to the other."""

    source: str
    target: str
    count: int
    changes: tuple[int, ...]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["changes"] = list(self.changes)
        return data


@dataclass(frozen=True)
class PartyBalance:
    """One party's gains, losses and net change over the flows."""

    party: str
    gained: int
    lost: int

    @property
    def net(self) -> int:
        return self.gained - self.lost

    def as_dict(self) -> dict[str, Any]:
        return {"party": self.party, "gained": self.gained, "lost": self.lost, "net": self.net}


def flow_ends(change: ChangeView) -> tuple[str, str]:
    """Where a change takes its person from, and to, by the ledger's rules for a party left
    out (``to_unnamed``/``from_unnamed`` in ``data/ledger.yaml``): a suspension goes to
    Independent, a readmission with no party left comes from Independent, and one recorded
    "Labour -> Labour" from Independent too. A rule naming the person's earlier party
    (``@previous``) needs their history, which a flow does not follow: that end is Unknown."""
    return _ends(change.kind, change.from_party, change.to_party)


def _ends(kind: str, from_party: str | None, to_party: str | None) -> tuple[str, str]:
    from floorcross.ledger import ledger_rules

    rules = ledger_rules()
    source = from_party or rules.from_unnamed.get(kind) or UNKNOWN
    if kind == "readmission" and source == to_party:
        source = rules.readmitted_from
    target = to_party or rules.to_unnamed.get(kind) or UNKNOWN
    if target.startswith("@"):
        target = UNKNOWN
    return source, target


def region_of(change: ChangeView, gaz: Gazetteer | None = None) -> tuple[str | None, str | None]:
    """The (region, nation) of a change's council, or (None, None) when it has none."""
    council = (gaz or gazetteer()).council_by_gss(change.council_gss or "")
    return (council.region or None, council.nation or None) if council else (None, None)


def in_region(change: ChangeView, region: str | None, gaz: Gazetteer | None = None) -> bool:
    """Whether a change's council lies in ``region`` (a region or a nation; any when None)."""
    if not region:
        return True
    wanted = region.strip().lower()
    return any(v and v.lower() == wanted for v in region_of(change, gaz))


def regions(gaz: Gazetteer | None = None) -> list[str]:
    """The region and nation names a flow can be narrowed to, nations first."""
    councils = (gaz or gazetteer()).current_councils()
    nations = sorted({c.nation for c in councils if c.nation})
    named = sorted({c.region for c in councils if c.region} - set(nations))
    return nations + named


def party_flows(changes: Iterable[ChangeView], region: str | None = None,
                gaz: Gazetteer | None = None) -> list[Flow]:
    """Counts of changes from each side to each other, biggest first."""
    counts: Counter[tuple[str, str]] = Counter()
    ids: dict[tuple[str, str], list[int]] = {}
    for change in changes:
        if change.review == "rejected" or not in_region(change, region, gaz):
            continue
        ends = flow_ends(change)
        counts[ends] += 1
        ids.setdefault(ends, []).append(change.id)
    return [Flow(s, t, n, tuple(ids[(s, t)]))
            for (s, t), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def region_councils(region: str, gaz: Gazetteer | None = None) -> list[str]:
    """The GSS codes of the councils in ``region`` (a region or a nation), former ones too."""
    wanted = region.strip().lower()
    return [c.gss for c in (gaz or gazetteer()).councils
            if c.gss and wanted in {(c.region or "").lower(), (c.nation or "").lower()}]


def flows_from_groups(groups: Iterable[tuple[str, str | None, str | None, list[int]]]
                      ) -> list[Flow]:
    """:func:`party_flows` from changes already grouped by the database (see
    ``store.queries.flow_groups``) as (kind, party left, party joined, change ids)."""
    counts: Counter[tuple[str, str]] = Counter()
    ids: dict[tuple[str, str], list[int]] = {}
    for kind, old, new, found in groups:
        ends = _ends(kind, old, new)
        counts[ends] += len(found)
        ids.setdefault(ends, []).extend(found)
    return [Flow(s, t, n, tuple(sorted(ids[(s, t)])))
            for (s, t), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def balances(flows: Iterable[Flow]) -> list[PartyBalance]:
    """Each party's gains and losses, biggest net gain first (pseudo-parties left out)."""
    gained: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    for flow in flows:
        if flow.source == flow.target:
            continue
        lost[flow.source] += flow.count
        gained[flow.target] += flow.count
    names = (set(gained) | set(lost)) - {UNKNOWN}
    out = [PartyBalance(p, gained[p], lost[p]) for p in names]
    return sorted(out, key=lambda b: (-b.net, -b.gained, b.party))


def sankey(flows: list[Flow]) -> dict[str, Any]:
    """Plotly Sankey data: a left node per source, a right node per target (so a party that
    both loses and gains appears twice and the chart has no loops)."""
    left = sorted({f.source for f in flows})
    right = sorted({f.target for f in flows})
    index = {("l", n): i for i, n in enumerate(left)}
    index.update({("r", n): len(left) + i for i, n in enumerate(right)})
    return {
        "labels": [*left, *right],
        "source": [index[("l", f.source)] for f in flows],
        "target": [index[("r", f.target)] for f in flows],
        "value": [f.count for f in flows],
    }
