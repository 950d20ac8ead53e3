"""CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy on a Cilium cluster: evaluated through their exact
NetworkPolicy translation (L3/L4 allow rules), otherwise a warning that names what aksnet does not evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aksnet.io.cilium_policy import Untranslatable, translate
from tests.conftest import run_cli

DUMP = Path(__file__).resolve().parent / "dump"


def cnp(spec: dict[str, Any], kind: str = "CiliumNetworkPolicy") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "p"} if kind != "CiliumNetworkPolicy" else {"name": "p", "namespace": "prod"}
    return {"apiVersion": "cilium.io/v2", "kind": kind, "metadata": meta, "spec": spec}


SEL = {"matchLabels": {"k8s:app": "db"}}
CASES = [
    pytest.param(cnp({"endpointSelector": SEL, "ingress": [{"fromEndpoints": [{"matchLabels": {"app": "web"}}],
                                                            "toPorts": [{"ports": [{"port": "5432",
                                                                                    "protocol": "TCP"}]}]}]}),
                 [("prod", {"podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"],
                            "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                                         "ports": [{"protocol": "TCP", "port": 5432}]}], "egress": []})],
                 id="same-namespace-endpoints-and-port"),
    pytest.param(cnp({"endpointSelector": SEL, "ingress": [{"fromEndpoints": [
        {"matchLabels": {"k8s:io.kubernetes.pod.namespace": "ingress", "app": "nginx"}}]}]}),
                 [("prod", {"podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"],
                            "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "nginx"}},
                                                   "namespaceSelector": {"matchLabels": {
                                                       "kubernetes.io/metadata.name": "ingress"}}}]}],
                            "egress": []})], id="other-namespace-by-pod-namespace-label"),
    pytest.param(cnp({"endpointSelector": SEL, "egress": [{"toCIDRSet": [{"cidr": "10.0.0.0/8",
                                                                          "except": ["10.1.0.0/16"]}],
                                                           "toPorts": [{"ports": [{"port": "53",
                                                                                   "protocol": "ANY"}]}]}]}),
                 [("prod", {"podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Egress"], "ingress": [],
                            "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}],
                                        "ports": [{"protocol": "TCP", "port": 53}, {"protocol": "UDP", "port": 53},
                                                  {"protocol": "SCTP", "port": 53}]}]})],
                 id="egress-cidr-set-any-protocol"),
    pytest.param(cnp({"endpointSelector": {}, "ingress": [{"fromEntities": ["cluster"]}]},
                     "CiliumClusterwideNetworkPolicy"),
                 [(ns, {"podSelector": {}, "policyTypes": ["Ingress"],
                        "ingress": [{"from": [{"namespaceSelector": {}}]}], "egress": []}) for ns in ("a", "b")],
                 id="clusterwide-in-every-namespace"),
    pytest.param(cnp({"endpointSelector": SEL, "ingress": []}),
                 [("prod", {"podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"],
                            "ingress": [], "egress": []})], id="empty-ingress-is-default-deny"),
]


@pytest.mark.parametrize(("doc", "want"), CASES)
def test_translation(doc: dict[str, Any], want: list[tuple[str, dict[str, Any]]]) -> None:
    policies, _ = translate(doc, ["a", "b"])
    assert [(p["metadata"]["namespace"], p["spec"]) for p in policies] == want


@pytest.mark.parametrize(("spec", "reason"), [
    pytest.param({"endpointSelector": SEL, "ingressDeny": [{"fromEntities": ["world"]}]}, "ingressDeny", id="deny"),
    pytest.param({"endpointSelector": SEL, "egress": [{"toFQDNs": [{"matchName": "x.example.com"}]}]}, "toFQDNs",
                 id="fqdn"),
    pytest.param({"endpointSelector": SEL, "ingress": [{"fromEntities": ["host"]}]}, "entity 'host'", id="host"),
    pytest.param({"nodeSelector": {}, "ingress": []}, "nodeSelector", id="host-policy"),
])
def test_untranslatable(spec: dict[str, Any], reason: str) -> None:
    with pytest.raises(Untranslatable, match=reason):
        translate(cnp(spec), [])


def test_l7_rules_keep_their_ports_with_a_note() -> None:
    doc = cnp({"endpointSelector": SEL, "ingress": [{"toPorts": [{"ports": [{"port": "80", "protocol": "TCP"}],
                                                                  "rules": {"http": [{"method": "GET"}]}}]}]})
    policies, notes = translate(doc, [])
    assert policies[0]["spec"]["ingress"] == [{"ports": [{"protocol": "TCP", "port": 80}]}]
    assert notes == ["its L7 rules are not evaluated (their L4 ports are)"]


def test_cilium_engine_enforces_the_dumps_cilium_policy(home: Path) -> None:
    """The fixture's CiliumNetworkPolicy lets frontend reach api on TCP 80: only where Cilium enforces it."""
    r = run_cli("diff", "--engine1", "calico", "--engine2", "cilium", str(DUMP))
    assert r.code == 0, r.err
    assert ("diff-type: added, source: production/frontend[Deployment], destination: production/api[Deployment], "
            "ref1: No Connections, ref2: TCP 80") in r.out
