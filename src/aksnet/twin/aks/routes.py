"""Kubenet routes: one user-defined route per node in the cluster's route table — name = node name, address
prefix = the node's pod /24, next hop VirtualAppliance → the node IP — as cloud-provider-azure's route
controller writes them [kubernetes-sigs/cloud-provider-azure pkg/provider/azure_routes.go@7b31c76;
CPA pkg/provider/azure_routes.go ``CreateRoute``].

Uses the network RP's route functions; never touches routes it did not write (other names in a BYO table).
"""

from __future__ import annotations

from collections.abc import Iterable

from aksnet.store import Transaction
from aksnet.twin.network import delete_route, upsert_route


def write_routes(tx: Transaction, route_table_id: str, nodes: Iterable[tuple[str, str, str]]) -> None:
    """``nodes``: (node name, pod CIDR, node IP) for each node that needs a route."""
    for name, pod_cidr, ip in nodes:
        upsert_route(tx, route_table_id, name, pod_cidr, "VirtualAppliance", ip)


def remove_routes(tx: Transaction, route_table_id: str, node_names: Iterable[str]) -> None:
    """Delete the routes of removed nodes (a missing table or route is not an error)."""
    if tx.get("microsoft.network/routetables", route_table_id) is None:
        return
    for name in node_names:
        delete_route(tx, route_table_id, name)
