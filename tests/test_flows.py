"""Party flows follow the ledger's rule for suspensions (one rule everywhere)."""

from __future__ import annotations

from floorcross.flows import UNKNOWN, balances, flow_ends, party_flows
from floorcross.store.queries import ChangeView


def view(ident: int, kind: str, from_party: str | None, to_party: str | None) -> ChangeView:
    return ChangeView(ident, f"k{ident}", ident, "Bob Hart", kind, from_party, to_party,
                      "2023-06", "Luton Borough Council", "E06000032", None, "councillor",
                      None, "2023-06-02", "unreviewed", None, 1)


def test_suspended_members_sit_as_independents() -> None:
    assert flow_ends(view(1, "suspension", "Labour", None)) == ("Labour", "Independent")
    assert flow_ends(view(2, "expulsion", "Labour", None)) == ("Labour", "Independent")
    assert flow_ends(view(3, "readmission", None, "Labour")) == ("Independent", "Labour")
    # "Labour -> Labour" readmission: from Independent, as the ledger counts it
    assert flow_ends(view(4, "readmission", "Labour", "Labour")) == ("Independent", "Labour")
    # a readmission naming no party: the ledger looks up the person's history; a flow cannot
    assert flow_ends(view(5, "readmission", None, None)) == ("Independent", UNKNOWN)
    assert flow_ends(view(6, "defection", "Labour", None)) == ("Labour", UNKNOWN)


def test_balances_count_independents_as_a_side() -> None:
    flows = party_flows([view(1, "suspension", "Labour", None),
                         view(2, "readmission", None, "Labour")])
    assert {(f.source, f.target) for f in flows} == {("Labour", "Independent"),
                                                    ("Independent", "Labour")}
    assert {b.party: b.net for b in balances(flows)} == {"Labour": 0, "Independent": 0}
