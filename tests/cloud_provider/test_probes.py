"""Health probe and rule selection per Service port (kubernetes-sigs/cloud-provider-azure
pkg/provider/azure_loadbalancer.go@7b31c76; learn.microsoft.com/azure/aks/configure-load-balancer-standard: CPA
``azure_loadbalancer_healthprobe.go`` and the probe annotations)."""

from __future__ import annotations

from typing import Any

import pytest

from aksnet.twin.cloud_provider.config import read_service
from aksnet.twin.cloud_provider.frontends import Frontend
from aksnet.twin.cloud_provider.lb_rules import service_rules

A = "service.beta.kubernetes.io/"


def _svc(spec: dict[str, Any], ann: dict[str, str] | None = None) -> dict[str, Any]:
    return {"metadata": {"name": "s", "namespace": "default", "uid": "0000000a-aaaa-4bbb-8ccc-dddddddddddd",
                         "annotations": ann or {}},
            "spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Cluster", **spec}}


TCP80 = [{"port": 80, "protocol": "TCP", "nodePort": 30080}]
CASES: list[tuple[str, dict[str, Any], dict[str, str], list[str]]] = [
    ("tcp-cluster", {"ports": TCP80}, {}, ["TCP-80 Tcp:30080"]),
    ("udp-cluster", {"ports": [{"port": 53, "protocol": "UDP", "nodePort": 30053}]}, {}, ["UDP-53 -"]),
    ("etp-local", {"ports": TCP80, "externalTrafficPolicy": "Local", "healthCheckNodePort": 32000}, {},
     ["TCP-80 Http:32000/healthz"]),
    ("app-protocol-http", {"ports": [{**TCP80[0], "appProtocol": "http"}]}, {}, ["TCP-80 Http:30080/"]),
    ("request-path", {"ports": [{**TCP80[0], "appProtocol": "http"}]},
     {A + "azure-load-balancer-health-probe-request-path": "/healthz"}, ["TCP-80 Http:30080/healthz"]),
    ("probe-protocol", {"ports": TCP80}, {A + "azure-load-balancer-health-probe-protocol": "http"},
     ["TCP-80 Http:30080/"]),
    ("no-probe", {"ports": TCP80}, {A + "port_80_no_probe_rule": "true"}, ["TCP-80 -"]),
    ("no-rule", {"ports": TCP80}, {A + "port_80_no_lb_rule": "true"}, []),
    ("port-override", {"ports": TCP80}, {A + "port_80_health-probe_protocol": "Http",
                                        A + "port_80_health-probe_port": "10254",
                                        A + "port_80_health-probe_request-path": "/ready"},
     ["TCP-80 Http:10254/ready"]),
    ("no-node-port", {"ports": [{"port": 80, "protocol": "TCP"}], "allocateLoadBalancerNodePorts": False}, {},
     ["TCP-80 -"]),
]


@pytest.mark.parametrize(("case", "spec", "ann", "want"), CASES, ids=[c[0] for c in CASES])
def test_rules_and_probes(case: str, spec: dict[str, Any], ann: dict[str, str], want: list[str]) -> None:
    svc = read_service(_svc(spec, ann))
    rules, probes = service_rules(svc, Frontend("kubernetes", svc.base), "/lb", True)
    by_name = {p["name"]: p["properties"] for p in probes}
    got = []
    for r in rules:
        p = by_name.get(r["name"])
        desc = "-" if p is None else f"{p['protocol']}:{p['port']}{p.get('requestPath', '')}"
        got.append(f"{r['name'].split('-', 1)[1]} {desc}")
        assert r["properties"]["enableFloatingIP"] is True
        assert r["properties"]["frontendPort"] == r["properties"]["backendPort"]
    assert got == want
