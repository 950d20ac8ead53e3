"""Answers an imported dump cannot give: which of the cluster's missing data make a verdict unknown.

A dump that lacks objects (Nodes, NICs, a load balancer, an NSG a subnet names …) is recorded at import
(``ClusterState.unknowns``). A flow that is not delivered may be dropped only for want of those objects, so its
verdict is unknown, never a false DROPPED; a delivered flow is unknown when the missing objects could deny it
(an NSG or a route table the dump names but does not hold). Pure: reads the cluster state, prints nothing.
"""

from __future__ import annotations

from aksnet.model.twin import ClusterState

# Missing objects that can turn a delivered flow into a dropped one (NSG rules deny, UDRs misroute).
_DENY_CAPABLE = ("the dump has no NSG ", "the dump has no route table ")


def unknown_reasons(state: ClusterState, delivered: bool) -> tuple[str, ...]:
    """The missing data that make a verdict (delivered or not) unknown; empty when the verdict stands."""
    if delivered:
        return tuple(u for u in state.unknowns if u.startswith(_DENY_CAPABLE))
    return state.unknowns
