"""Answers an imported dump cannot give: which of the cluster's missing data make a verdict unknown.

A dump that lacks objects (Nodes, NICs, a load balancer, an NSG a subnet names …) is recorded at import
(``ClusterState.unknowns``). A flow that is not delivered may be dropped only for want of those objects, so its
verdict is unknown, never a false DROPPED; a delivered flow is unknown when the missing objects could deny it
(an NSG or a route table the dump names but does not hold). A NetworkPolicy verdict alone (``explain --to``)
depends only on the objects policies select and resolve: Pods, Namespaces (their labels) and Nodes. The same
rule serves trace, curl, dns, probe and explain, so their answers agree. Pure: reads the cluster state, prints
nothing.
"""

from __future__ import annotations

from aksnet.model.twin import ClusterState

# Missing objects that can turn a delivered flow into a dropped one (NSG rules deny, UDRs misroute).
_DENY_CAPABLE = ("the dump has no NSG ", "the dump has no route table ")
# Missing objects a NetworkPolicy verdict depends on: the peers' pods and nodes, the namespaces' labels.
_POLICY_DATA = ("the dump has no Pod objects", "the dump has no Namespace objects", "the dump has no Node objects")


def unknown_reasons(state: ClusterState, delivered: bool) -> tuple[str, ...]:
    """The missing data that make a verdict (delivered or not) unknown; empty when the verdict stands."""
    if delivered:
        return tuple(u for u in state.unknowns if u.startswith(_DENY_CAPABLE))
    return state.unknowns


def policy_unknown_reasons(state: ClusterState, allowed: bool) -> tuple[str, ...]:
    """The missing data that make a NetworkPolicy denial unknown (a selector cannot match what is not there)."""
    if allowed:
        return ()
    return tuple(u for u in state.unknowns if u.startswith(_POLICY_DATA))


def unknown_lines(reasons: tuple[str, ...], answer: str, noun: str = "answer") -> list[str]:
    """What the CLI prints (stderr) for an unknown answer: each missing piece, then which answer it voids."""
    return [f"unknown: {r}" for r in reasons] + [
        f"unknown: the {noun} above ({answer}) depends on data the dump does not hold"]
