"""Kubenet routes: one user-defined route per node in the cluster's route table — name = node name, address
prefix = the node's pod /24, next hop VirtualAppliance → the node IP (dual-stack: one route per family, named
``<node>____<CIDR>``) — as cloud-provider-azure's route controller writes them
[kubernetes-sigs/cloud-provider-azure pkg/provider/azure_routes.go@7b31c76;
CPA pkg/provider/azure_routes.go ``CreateRoute``].

Uses the network RP's route functions; never touches routes it did not write (other names in a BYO table).
"""

from __future__ import annotations

from collections.abc import Iterable

from aksnet.store import Transaction
from aksnet.twin.network import delete_route, upsert_route

SEPARATOR = "____"  # consts.RouteNameSeparator


def route_name(node: str, pod_cidr: str, dual_stack: bool) -> str:
    """``mapNodeNameToRouteName``: the node name; on a dual-stack cluster ``<node>____<CIDR without : . />``
    (one route per family, ``cidrtoRfc1035``)."""
    if not dual_stack:
        return node
    return f"{node}{SEPARATOR}{pod_cidr.replace(':', '').replace('.', '').replace('/', '')}"


def write_routes(tx: Transaction, route_table_id: str, nodes: Iterable[tuple[str, str, str]]) -> None:
    """``nodes``: (route name, pod CIDR, node IP of the CIDR's family) for each route to write."""
    for name, pod_cidr, ip in nodes:
        upsert_route(tx, route_table_id, name, pod_cidr, "VirtualAppliance", ip)


def remove_routes(tx: Transaction, route_table_id: str, node_names: Iterable[str]) -> None:
    """Delete the routes of removed nodes, both families' on a dual-stack cluster (a missing table or route is
    not an error)."""
    table = tx.get("microsoft.network/routetables", route_table_id)
    if table is None:
        return
    wanted = set(node_names)
    for r in list(table["properties"].get("routes") or []):
        name = str(r.get("name", ""))
        if name in wanted or (name.split(SEPARATOR, 1)[0] in wanted and SEPARATOR in name):
            delete_route(tx, route_table_id, name)
