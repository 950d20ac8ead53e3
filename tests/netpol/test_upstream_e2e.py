"""Kubernetes upstream e2e NetworkPolicy cases (test/e2e/network/netpol/network_policy.go @ 008b3652,
kubernetes/kubernetes test/e2e/network/netpol) as table tests with full 9×9 truth tables (loopback ignored,
k8s#95879). Each table is
checked twice: pairwise with ``policy_verdict`` and all-pairs with the class-based matrix."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from aksnet.engine.netpol import policy_verdict
from aksnet.engine.netpol.classes import connectivity
from tests.netpol.model import ALL_PODS, Reachability, e2e_cluster, pod, pod_ip

R = Reachability


def np(name: str, spec: str, ns: str = "x") -> str:
    body = "\n".join("  " + line for line in spec.strip("\n").splitlines())
    return (f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\n"
            f"  namespace: {ns}\nspec:\n{body}\n---\n")


DENY_INGRESS = np("deny-ingress", "podSelector: {}\npolicyTypes: [Ingress]")
DENY_ALL = np("deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]")

CASES: list[tuple[str, str, int, str, Callable[[], Reachability]]] = [
    ("no-policies-all-allowed", "", 80, "TCP", lambda: R(True)),
    ("default-deny-ingress", DENY_INGRESS, 80, "TCP", lambda: R(True).expect(None, "x/", False)),
    ("default-deny-all", DENY_ALL, 80, "TCP",
     lambda: R(True).expect(None, "x/", False).expect("x/", None, False)),
    ("podselector-same-ns", np("allow-b", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from:
  - podSelector: {matchLabels: {pod: b}}
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False).expect("x/b", "x/a", True)),
    ("deny-from-other-namespaces", np("deny-other-ns", """
podSelector: {}
ingress:
- from:
  - podSelector: {}
"""), 80, "TCP", lambda: R(True).expect(None, "x/", False).expect("x/", "x/", True)),
    ("namespaceselector-matchlabels", np("allow-ns-y", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from:
  - namespaceSelector: {matchLabels: {ns: y}}
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False).expect("y/", "x/a", True)),
    ("namespaceselector-matchexpressions-notin", np("allow-not-x", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from:
  - namespaceSelector:
      matchExpressions: [{key: ns, operator: NotIn, values: ["x"]}]
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False).expect("y/", "x/a", True).expect("z/", "x/a", True)),
    ("podselector-and-namespaceselector", np("allow-yb", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from:
  - namespaceSelector: {matchLabels: {ns: y}}
    podSelector: {matchLabels: {pod: b}}
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False).expect("y/b", "x/a", True)),
    ("podselector-or-namespaceselector", np("allow-y-or-b", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from:
  - namespaceSelector: {matchLabels: {ns: y}}
  - podSelector: {matchLabels: {pod: b}}
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False).expect("y/", "x/a", True).expect("x/b", "x/a", True)),
    ("ports-81-only-port-80", np("allow-81", """
podSelector: {matchLabels: {pod: a}}
ingress:
- ports: [{port: 81}]
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False)),
    ("ports-81-only-port-81", np("allow-81", """
podSelector: {matchLabels: {pod: a}}
ingress:
- ports: [{port: 81}]
"""), 81, "TCP", lambda: R(True)),
    ("named-port-ingress", np("allow-named", """
podSelector: {matchLabels: {pod: a}}
ingress:
- ports: [{port: serve-81-tcp}]
"""), 81, "TCP", lambda: R(True)),
    ("named-port-ingress-wrong-port", np("allow-named", """
podSelector: {matchLabels: {pod: a}}
ingress:
- ports: [{port: serve-80-tcp}]
"""), 81, "TCP", lambda: R(True).all_ingress("x/a", False)),
    ("named-port-protocol-mismatch", np("allow-named-udp", """
podSelector: {matchLabels: {pod: a}}
ingress:
- ports: [{port: serve-80-tcp, protocol: UDP}]
"""), 80, "UDP", lambda: R(True).all_ingress("x/a", False)),
    ("named-port-egress", np("egress-named", """
podSelector: {matchLabels: {pod: a}}
policyTypes: [Egress]
egress:
- ports: [{port: serve-80-tcp}]
"""), 80, "TCP", lambda: R(True)),
    ("named-port-egress-81", np("egress-named", """
podSelector: {matchLabels: {pod: a}}
policyTypes: [Egress]
egress:
- ports: [{port: serve-80-tcp}]
"""), 81, "TCP", lambda: R(True).all_egress("x/a", False)),
    ("allow-all-after-deny", DENY_INGRESS + np("allow-all", "podSelector: {}\ningress:\n- {}"), 80, "TCP",
     lambda: R(True)),
    ("stacked-policies-union", np("allow-80-from-b", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from: [{podSelector: {matchLabels: {pod: b}}}]
  ports: [{port: 80}]
""") + np("allow-81-from-c", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from: [{podSelector: {matchLabels: {pod: c}}}]
  ports: [{port: 81}]
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False).expect("x/b", "x/a", True)),
    ("egress-denied-at-client-even-if-server-allows", np("deny-egress-a", """
podSelector: {matchLabels: {pod: a}}
policyTypes: [Egress]
""") + np("allow-all-ingress", "podSelector: {}\ningress:\n- {}", ns="y"), 80, "TCP",
     lambda: R(True).all_egress("x/a", False)),
    ("ingress-and-egress-together", np("in-and-out", """
podSelector: {matchLabels: {pod: a}}
policyTypes: [Ingress, Egress]
ingress:
- from: [{podSelector: {matchLabels: {pod: b}}}]
egress:
- to: [{podSelector: {matchLabels: {pod: b}}}]
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False).all_egress("x/a", False)
     .expect("x/b", "x/a", True).expect("x/a", "x/b", True)),
    ("egress-cidr-to-server", np("egress-cidr", f"""
podSelector: {{matchLabels: {{pod: a}}}}
policyTypes: [Egress]
egress:
- to: [{{ipBlock: {{cidr: {pod_ip('y/b')}/32}}}}]
"""), 80, "TCP", lambda: R(True).all_egress("x/a", False).expect("x/a", "y/b", True)),
    ("egress-cidr-except", np("egress-except", """
podSelector: {matchLabels: {pod: a}}
policyTypes: [Egress]
egress:
- to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.2.2/32]}}]
"""), 80, "TCP", lambda: R(True).expect("x/a", "y/b", False)),
    ("ip-in-cidr-and-except-allowed-by-other-policy", np("egress-except", """
podSelector: {matchLabels: {pod: a}}
policyTypes: [Egress]
egress:
- to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.2.2/32]}}]
""") + np("egress-exact", """
podSelector: {matchLabels: {pod: a}}
policyTypes: [Egress]
egress:
- to: [{ipBlock: {cidr: 10.0.2.2/32}}]
"""), 80, "TCP", lambda: R(True)),
    ("sctp-rule-does-not-allow-tcp", np("allow-sctp", """
podSelector: {matchLabels: {pod: a}}
ingress:
- ports: [{port: 80, protocol: SCTP}]
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False)),
    ("sctp-rule-allows-sctp", np("allow-sctp", """
podSelector: {matchLabels: {pod: a}}
ingress:
- ports: [{port: 80, protocol: SCTP}]
"""), 80, "SCTP", lambda: R(True)),
    ("udp-rule-blocks-tcp", np("allow-udp", """
podSelector: {matchLabels: {pod: a}}
ingress:
- ports: [{port: 81, protocol: UDP}]
"""), 81, "TCP", lambda: R(True).all_ingress("x/a", False)),
    ("any-port-on-protocol", np("allow-udp-any", """
podSelector: {matchLabels: {pod: a}}
ingress:
- ports: [{protocol: UDP}]
"""), 81, "UDP", lambda: R(True)),
    ("default-ns-label-matchlabels", np("allow-by-name", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: z}}}]
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False).expect("z/", "x/a", True)),
    ("default-ns-label-matchexpressions", np("allow-by-name-expr", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from:
  - namespaceSelector:
      matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [y, z]}]
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False).expect("y/", "x/a", True).expect("z/", "x/a", True)),
    ("endport-range", np("allow-range", """
podSelector: {matchLabels: {pod: a}}
ingress:
- ports: [{port: 79, endPort: 81}]
"""), 81, "TCP", lambda: R(True)),
    ("multiple-podselectors-and-namespaceselectors", np("allow-multi", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from:
  - namespaceSelector:
      matchExpressions: [{key: ns, operator: NotIn, values: [x]}]
    podSelector:
      matchExpressions: [{key: pod, operator: In, values: [b, c]}]
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False).expect("y/b", "x/a", True).expect("y/c", "x/a", True)
     .expect("z/b", "x/a", True).expect("z/c", "x/a", True)),
    ("egress-to-other-namespace-by-pod-and-ns-selector", np("egress-ya", """
podSelector: {matchLabels: {pod: a}}
policyTypes: [Egress]
egress:
- to:
  - namespaceSelector: {matchLabels: {ns: y}}
    podSelector: {matchLabels: {pod: a}}
  ports: [{port: 80}]
"""), 80, "TCP", lambda: R(True).all_egress("x/a", False).expect("x/a", "y/a", True)),
    ("allow-all-egress-takes-precedence", np("deny-egress", "podSelector: {}\npolicyTypes: [Egress]")
     + np("allow-all-egress", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- {}"), 80, "TCP",
     lambda: R(True)),
    ("ingress-from-namespace-on-named-port-80", np("allow-y-named", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from: [{namespaceSelector: {matchLabels: {ns: y}}}]
  ports: [{port: serve-80-tcp}]
"""), 80, "TCP", lambda: R(True).all_ingress("x/a", False).expect("y/", "x/a", True)),
    ("ingress-from-namespace-on-named-port-81", np("allow-y-named", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from: [{namespaceSelector: {matchLabels: {ns: y}}}]
  ports: [{port: serve-80-tcp}]
"""), 81, "TCP", lambda: R(True).all_ingress("x/a", False)),
    ("all-namespaces-empty-nsselector", np("allow-all-ns", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from: [{namespaceSelector: {}}]
"""), 80, "TCP", lambda: R(True)),
]


ALLOW_B = np("allow-b", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from: [{podSelector: {matchLabels: {pod: b}}}]
""")
ALLOW_NS_Y = np("allow-ns-y", """
podSelector: {matchLabels: {pod: a}}
ingress:
- from: [{namespaceSelector: {matchLabels: {ns: y}}}]
""")
# Multi-step e2e cases as (step id, policies, relabel, expected); port 80 TCP.
STEPS: list[tuple[str, str, dict[str, dict[str, str]], Callable[[], Reachability]]] = [
    ("updated-pod-labels-step1", ALLOW_B, {}, lambda: R(True).all_ingress("x/a", False).expect("x/b", "x/a", True)),
    ("updated-pod-labels-step2-relabel-b", ALLOW_B, {"x/b": {"pod": "b2"}},
     lambda: R(True).all_ingress("x/a", False)),
    ("updated-pod-labels-step3-relabel-c", ALLOW_B, {"x/c": {"pod": "b"}},
     lambda: R(True).all_ingress("x/a", False).expect("x/b", "x/a", True).expect("x/c", "x/a", True)),
    ("updated-ns-labels-step1", ALLOW_NS_Y, {}, lambda: R(True).all_ingress("x/a", False).expect("y/", "x/a", True)),
    ("updated-ns-labels-step2-relabel-z", ALLOW_NS_Y, {"z": {"ns": "y"}},
     lambda: R(True).all_ingress("x/a", False).expect("y/", "x/a", True).expect("z/", "x/a", True)),
    ("policy-deleted-step1", DENY_ALL, {}, lambda: R(True).expect(None, "x/", False).expect("x/", None, False)),
    ("policy-deleted-step2", "", {}, lambda: R(True)),
    ("target-pod-relabelled-out-of-policy", ALLOW_B, {"x/a": {"pod": "a2"}}, lambda: R(True)),
]


@pytest.mark.parametrize(("policies", "relabel", "expected"), [s[1:] for s in STEPS], ids=[s[0] for s in STEPS])
def test_multi_step(policies: str, relabel: dict[str, dict[str, str]], expected: Callable[[], Reachability]) -> None:
    _check(policies, 80, "TCP", expected, relabel)


def _check(policies: str, port: int, proto: str, expected: Callable[[], Reachability],
           relabel: dict[str, dict[str, str]] | None = None) -> None:
    cluster = e2e_cluster(policies, relabel=relabel)
    want = expected().table
    cm = connectivity(cluster)
    cls_of = {f"{p.namespace}/{p.name}": c.index for c in cm.classes for p in c.pods}
    wrong_pairwise, wrong_matrix = [], []
    for s in ALL_PODS:
        for d in ALL_PODS:
            if s == d:
                continue  # loopback ignored (k8s#95879)
            v = policy_verdict(cluster, pod(cluster, s), pod(cluster, d), port, proto)
            if v.allowed != want[(s, d)]:
                wrong_pairwise.append((s, d, v.deciding))
            if cm.conn(cls_of[s], cls_of[d]).allows(proto, port) != want[(s, d)]:
                wrong_matrix.append((s, d))
    assert wrong_pairwise == []
    assert wrong_matrix == []


@pytest.mark.parametrize(("policies", "port", "proto", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_truth_table(policies: str, port: int, proto: str, expected: Callable[[], Reachability]) -> None:
    _check(policies, port, proto, expected)
