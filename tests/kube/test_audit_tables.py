"""Table rows kubectl prints for Endpoints, EndpointSlices and Leases (``printers.go``: ``formatEndpoints``,
``formatDiscoveryPorts``, ``formatDiscoveryEndpoints``, ``listWithMoreString``, ``printLease``)."""

from __future__ import annotations

from typing import Any

import pytest

from aksnet.cli.kubectl.tables import endpoints_row, endpointslice_row, ingress_row, ingressclass_row, lease_row


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


def _rule(host: str | None) -> dict[str, Any]:
    return {"host": host} if host else {}


@pytest.mark.parametrize(("hosts", "want"), [
    ([], "*"),
    ([None], "*"),
    (["a.example.com"], "a.example.com"),
    (["a", "b", "c"], "a,b,c"),
    (["a", "b", "c", "d"], "a,b,c + 1 more..."),
    (["a", None, "b", "c", "d", None], "a,b,c + 3 more..."),  # every further rule counts, host-less too
    ([None, None, None, "d"], "d"),
], ids=["no-rules", "no-host", "one", "three", "four", "host-less-rules-count", "late-host"])
def test_ingress_hosts(hosts: list[str | None], want: str) -> None:
    ing = {"metadata": {"name": "i"}, "spec": {"rules": [_rule(h) for h in hosts]}}
    assert ingress_row(ing, False)[2] == want


@pytest.mark.parametrize(("lb", "wide", "want"), [
    ([{"ip": "20.1.2.3"}], False, "20.1.2.3"),
    ([{"ip": "20.1.2.3"}, {"ip": "10.0.0.1"}, {"ip": "20.1.2.3"}], True, "10.0.0.1,20.1.2.3"),
    ([{"ip": "20.1.2.3"}, {"ip": "10.0.0.1"}], False, "10.0.0.1,20.1..."),
    ([{"hostname": "abc.fz96.alb.azure.com"}], False, "abc.fz96.alb...."),  # 13 characters, then "..."
    ([{"hostname": "abc.fz96.alb.azure.com"}], True, "abc.fz96.alb.azure.com"),
], ids=["one-ip", "sorted-unique-wide", "clipped-at-16", "hostname-clipped", "hostname-wide"])
def test_ingress_address(lb: list[dict[str, str]], wide: bool, want: str) -> None:
    ing = {"metadata": {"name": "i"}, "spec": {}, "status": {"loadBalancer": {"ingress": lb}}}
    assert ingress_row(ing, wide)[3] == want


@pytest.mark.parametrize(("params", "want"), [
    (None, "<none>"),
    ({"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "lb"},
     "IngressParameters.k8s.example.com/lb"),
    ({"kind": "ConfigMap", "name": "lb"}, "ConfigMap/lb"),
], ids=["none", "with-group", "core-group"])
def test_ingressclass_parameters(params: dict[str, str] | None, want: str) -> None:
    spec: dict[str, Any] = {"controller": "k8s.io/ingress-nginx", **({"parameters": params} if params else {})}
    assert ingressclass_row({"metadata": {"name": "c"}, "spec": spec}, False)[2] == want
