"""Table rows kubectl prints for Endpoints, EndpointSlices and Leases (``printers.go``: ``formatEndpoints``,
``formatDiscoveryPorts``, ``formatDiscoveryEndpoints``, ``listWithMoreString``, ``printLease``)."""

from __future__ import annotations

from typing import Any

import pytest

from aksnet.cli.kubectl.tables import endpoints_row, endpointslice_row, lease_row


def _slice(ports: list[dict[str, Any]], addrs: list[str]) -> dict[str, Any]:
    return {"metadata": {"name": "web-abcde"}, "addressType": "IPv4", "ports": ports,
            "endpoints": [{"addresses": [a]} for a in addrs]}


@pytest.mark.parametrize(("ports", "addrs", "want_ports", "want_eps"), [
    ([], [], "<unset>", "<unset>"),
    ([{"port": 80}], [], "80", "<unset>"),
    ([{"name": "http", "port": None}], ["10.0.0.1"], "http", "10.0.0.1"),
    ([{}], ["10.0.0.1"], "*", "10.0.0.1"),
    ([{"port": p} for p in (1, 2, 3, 4, 5)], [f"10.0.0.{i}" for i in range(1, 6)],
     "1,2,3 + 2 more...", "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more..."),
])
def test_endpointslice_row(ports: list[dict[str, Any]], addrs: list[str], want_ports: str, want_eps: str) -> None:
    row = endpointslice_row(_slice(ports, addrs), False)
    assert row[2:4] == [want_ports, want_eps]


@pytest.mark.parametrize(("subsets", "want"), [
    ([], "<none>"),
    ([{"notReadyAddresses": [{"ip": "10.0.0.9"}], "ports": [{"port": 80}]}], ""),
    # port-major: every address of the first port, then of the second
    ([{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}], "ports": [{"port": 80}, {"port": 443}]}],
     "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more..."),
    ([{"addresses": [{"ip": "10.0.0.1"}]}], "10.0.0.1"),
])
def test_endpoints_row(subsets: list[dict[str, Any]], want: str) -> None:
    assert endpoints_row({"metadata": {"name": "web"}, "subsets": subsets}, False)[1] == want


@pytest.mark.parametrize(("spec", "want"), [
    ({"holderIdentity": "aks-nodepool1-0"}, "aks-nodepool1-0"),
    ({}, ""),  # no holder: an empty cell, not <unset>
], ids=["held", "unheld"])
def test_lease_row(spec: dict[str, Any], want: str) -> None:
    assert lease_row({"metadata": {"name": "n"}, "spec": spec}, False)[1] == want
