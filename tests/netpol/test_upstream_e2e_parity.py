"""Every one of the 48 ``f.It`` cases of the upstream e2e suite (kubernetes/kubernetes
test/e2e/network/netpol/network_policy.go @ 008b3652, kubernetes/kubernetes test/e2e/network/netpol),
by its upstream title, transcribed
step by step: the pods the case creates (``initializeResources``), the policies of each step (by their
upstream names; ``UpdatePolicy`` replaces a policy of the same name), label updates, and each
``ValidateOrFail`` with its port, protocol and truth table, built with the upstream DSL (``NewReachability``
default true, then ``ExpectPeer``/``ExpectAllIngress``/``ExpectAllEgress``/``Expect`` in the upstream order;
loopback ignored as upstream does, k8s#95879). Namespaces are selected by ``kubernetes.io/metadata.name``
where upstream uses ``namespaceLabelKey``. Each table is checked pairwise (``policy_verdict``) and with the
class-based matrix; ``test_upstream_e2e.py`` keeps the older 9-pod variants."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from aksnet.engine.netpol import policy_verdict
from aksnet.engine.netpol.classes import connectivity
from tests.netpol.model import e2e_cluster, pod, pod_ip
from tests.netpol.test_upstream_e2e import np

K = "kubernetes.io/metadata.name"


class Reach:
    """reachability.go over the pods a case creates: ``Peer`` fields None are wildcards."""

    def __init__(self, pods: tuple[str, ...], default: bool = True) -> None:
        self.table = {(s, d): default for s in pods for d in pods}

    def peer(self, src: tuple[str | None, str | None], dst: tuple[str | None, str | None], ok: bool) -> Reach:
        def m(p: tuple[str | None, str | None], key: str) -> bool:
            ns, name = key.split("/")
            return (p[0] is None or p[0] == ns) and (p[1] is None or p[1] == name)

        for s, d in self.table:
            if m(src, s) and m(dst, d):
                self.table[(s, d)] = ok
        return self

    def all_ingress(self, dst: str, ok: bool) -> Reach:
        return self.peer((None, None), (dst.split("/")[0], dst.split("/")[1]), ok)

    def all_egress(self, src: str, ok: bool) -> Reach:
        return self.peer((src.split("/")[0], src.split("/")[1]), (None, None), ok)

    def expect(self, src: str, dst: str, ok: bool) -> Reach:
        self.table[(src, dst)] = ok
        return self


Table = Callable[[Reach], Reach]
ALL_OK: Table = lambda r: r  # noqa: E731


@dataclass
class Step:
    policies: list[str]
    checks: list[tuple[int, str, Table]]
    relabel: dict[str, dict[str, str]] = field(default_factory=dict)


def pol(name: str, spec: str, ns: str = "x") -> str:
    return np(name, spec, ns)


DENY_INGRESS_ALL = "podSelector: {}\npolicyTypes: [Ingress]"
X, Y, Z = ("x", None), ("y", None), ("z", None)
XA = ("x", "a")


def _ns_in(*names: str) -> str:
    return f"{{matchExpressions: [{{key: {K}, operator: In, values: [{', '.join(names)}]}}]}}"


def _ns_not_in(*names: str) -> str:
    return f"{{matchExpressions: [{{key: {K}, operator: NotIn, values: [{', '.join(names)}]}}]}}"


def _ns(name: str) -> str:
    return f"{{matchLabels: {{{K}: {name}}}}}"


def _ingress_a(name: str, from_: str, ports: str = "", ns: str = "x") -> str:
    parts = ([f"from: {from_}"] if from_ else []) + ([f"ports: {ports}"] if ports else [])
    rule = "- " + "\n  ".join(parts) if parts else "- {}"
    return pol(name, f"podSelector: {{matchLabels: {{pod: a}}}}\npolicyTypes: [Ingress]\ningress:\n{rule}", ns)


PORT81_Y = _ingress_a("allow-client-a-via-ns-selector", f"[{{namespaceSelector: {_ns('y')}}}]",
                      "[{port: 81, protocol: TCP}]")
PORT80_Y = _ingress_a("allow-client-a-via-ns-selector-80", f"[{{namespaceSelector: {_ns('y')}}}]",
                      "[{port: 80, protocol: TCP}]")
CIDR_EXCEPT = pol("allow-client-a-via-cidr-egress-rule", f"""
podSelector: {{matchLabels: {{pod: a}}}}
policyTypes: [Egress]
egress:
- to: [{{ipBlock: {{cidr: 0.0.0.0/4, except: ["{pod_ip('x/b')}/32"]}}}}]
""")  # makeLargeCIDRForIP(10.0.1.2) = the /4 holding it


def _stacked_allow(r: Reach) -> Reach:
    return r.peer(X, XA, False).peer(Y, XA, True).peer(Z, XA, False)


def _ns_y_only(r: Reach) -> Reach:
    return r.peer(X, XA, False).peer(Z, XA, False)


def _ya_only(r: Reach) -> Reach:
    return r.all_ingress("x/a", False).expect("y/a", "x/a", True)


# (upstream title, pods, steps)
CASES: list[tuple[str, tuple[str, ...], list[Step]]] = [
    ("should support a 'default-deny-ingress' policy", ("x/a", "x/b", "y/a", "y/b"), [
        Step([pol("deny-ingress", DENY_INGRESS_ALL)], [(80, "TCP", lambda r: r.peer((None, None), X, False))])]),
    ("should support a 'default-deny-all' policy", ("x/a", "x/b", "y/a"), [
        Step([pol("deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]")],
             [(80, "TCP", lambda r: r.peer((None, None), X, False).peer(X, (None, None), False))])]),
    ("should enforce policy to allow traffic from pods within server namespace based on PodSelector",
     ("x/a", "x/b", "x/c", "y/a"), [
         Step([_ingress_a("x-a-allows-x-b", "[{podSelector: {matchLabels: {pod: b}}}]")],
              [(80, "TCP", lambda r: r.all_ingress("x/a", False).expect("x/b", "x/a", True))])]),
    ("should enforce policy to allow ingress traffic for a target", ("x/a", "x/b", "y/a"), [
        Step([pol("deny-all", DENY_INGRESS_ALL),
              _ingress_a("allow-all-to-a", "[{podSelector: {}, namespaceSelector: {}}]")],
             [(80, "TCP", lambda r: r.all_ingress("x/a", True).all_ingress("x/b", False))])]),
    ("should enforce policy to allow ingress traffic from pods in all namespaces", ("x/a", "x/b", "y/a", "z/a"), [
        Step([_ingress_a("allow-from-another-ns", "[{namespaceSelector: {matchLabels: {}}}]")],
             [(80, "TCP", ALL_OK)])]),
    ("should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector",
     ("x/a", "x/b", "y/a", "z/a"), [
         Step([_ingress_a("allow-client-a-via-ns-selector", f"[{{namespaceSelector: {_ns('y')}}}]")],
              [(80, "TCP", _ns_y_only)])]),
    ("should enforce policy based on PodSelector with MatchExpressions", ("x/a", "x/b", "y/a"), [
        Step([_ingress_a("x-a-allows-x-b",
                         "[{podSelector: {matchExpressions: [{key: pod, operator: In, values: [b]}]}}]")],
             [(80, "TCP", lambda r: r.all_ingress("x/a", False).expect("x/b", "x/a", True))])]),
    ("should enforce policy based on NamespaceSelector with MatchExpressions", ("x/a", "x/b", "y/a", "z/a"), [
        Step([_ingress_a("allow-ns-y-match-selector", f"[{{namespaceSelector: {_ns_in('y')}}}]")],
             [(80, "TCP", _ns_y_only)])]),
    ("should enforce policy based on PodSelector or NamespaceSelector", ("x/a", "x/b", "x/c", "y/a"), [
        Step([_ingress_a("allow-ns-y-match-selector", f"[{{namespaceSelector: {_ns_not_in('x')}}}, "
                                                      "{podSelector: {matchLabels: {pod: b}}}]")],
             [(80, "TCP", lambda r: r.expect("x/a", "x/a", False).expect("x/c", "x/a", False))])]),
    ("should enforce policy based on PodSelector and NamespaceSelector", ("x/a", "x/b", "y/a", "y/b", "z/b"), [
        Step([_ingress_a("allow-ns-y-podselector-and-nsselector",
                         f"[{{namespaceSelector: {_ns_not_in('x')}, podSelector: {{matchLabels: {{pod: b}}}}}}]")],
             [(80, "TCP", lambda r: r.all_ingress("x/a", False).expect("y/b", "x/a", True)
               .expect("z/b", "x/a", True))])]),
    ("should enforce policy based on Multiple PodSelectors and NamespaceSelectors",
     ("x/a", "x/b", "y/a", "y/b", "y/c"), [
         Step([_ingress_a("allow-ns-y-z-pod-b-c", f"[{{namespaceSelector: {_ns_not_in('x')}, podSelector: "
                                                  "{matchExpressions: [{key: pod, operator: In, values: [b, c]}]}}]")],
              [(80, "TCP", lambda r: r.peer(X, XA, False).expect("y/a", "x/a", False))])]),
    ("should enforce policy based on any PodSelectors", ("x/a", "x/b", "x/c"), [
        Step([_ingress_a("allow-ns-x-pod-b-c", "[{podSelector: {matchLabels: {pod: b}}}, "
                                               "{podSelector: {matchLabels: {pod: c}}}]")],
             [(80, "TCP", lambda r: r.all_ingress("x/a", False).expect("x/b", "x/a", True)
               .expect("x/c", "x/a", True))])]),
    ("should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and "
     "NamespaceSelector", ("x/a", "x/b", "y/a", "y/b", "z/a"), [
         Step([_ingress_a("allow-ns-y-pod-a-via-namespace-pod-selector",
                          f"[{{namespaceSelector: {_ns('y')}, podSelector: {{matchLabels: {{pod: a}}}}}}]")],
              [(80, "TCP", _ya_only)])]),
    ("should enforce policy based on Ports", ("x/a", "x/b", "y/a", "y/b", "z/a"), [
        Step([PORT81_Y], [(81, "TCP", _stacked_allow)])]),
    ("should enforce multiple, stacked policies with overlapping podSelectors", ("x/a", "x/b", "y/a", "y/b", "z/a"), [
        Step([PORT81_Y], [(81, "TCP", _stacked_allow), (80, "TCP", lambda r: r.all_ingress("x/a", False))]),
        Step([PORT81_Y, PORT80_Y], [(80, "TCP", _stacked_allow)])]),
    ("should support allow-all policy", ("x/a", "x/b", "y/a"), [
        Step([pol("allow-all", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- {}")],
             [(80, "TCP", ALL_OK), (81, "TCP", ALL_OK)])]),
    ("should allow ingress access on one named port", ("x/a", "x/b", "y/a"), [
        Step([pol("allow-all", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- ports: [{port: serve-81-tcp}]")],
             [(81, "TCP", ALL_OK), (80, "TCP", lambda r: r.peer((None, None), X, False))])]),
    ("should allow ingress access from namespace on one named port", ("x/a", "x/b", "y/a", "z/a"), [
        Step([_ingress_a("allow-client-a-via-ns-selector-80", f"[{{namespaceSelector: {_ns('y')}}}]",
                         "[{port: serve-80-tcp, protocol: TCP}]")],
             [(80, "TCP", _ns_y_only), (81, "TCP", lambda r: r.all_ingress("x/a", False))])]),
    ("should allow egress access on one named port", ("x/a", "y/a"), [
        Step([pol("allow-egress", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: [{port: serve-80-tcp}]")],
             [(80, "TCP", ALL_OK), (81, "TCP", lambda r: r.peer(X, (None, None), False))])]),
    ("should enforce updated policy", ("x/a", "y/a"), [
        Step([pol("allow-all-mutate-to-deny-all", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- {}")],
             [(81, "TCP", ALL_OK)]),
        Step([pol("allow-all-mutate-to-deny-all", "podSelector: {}\npolicyTypes: [Ingress]\ningress: []")],
             [(81, "TCP", lambda r: r.peer((None, None), X, False))])]),
    ("should allow ingress access from updated namespace", ("x/a", "y/a"), [
        Step([_ingress_a("allow-client-a-via-ns-selector", "[{namespaceSelector: {matchLabels: {ns2: updated}}}]")],
             [(80, "TCP", lambda r: r.all_ingress("x/a", False))]),
        Step([_ingress_a("allow-client-a-via-ns-selector", "[{namespaceSelector: {matchLabels: {ns2: updated}}}]")],
             [(80, "TCP", lambda r: r.all_ingress("x/a", False).peer(Y, (None, None), True))],
             {"y": {"ns": "y", "ns2": "updated"}})]),
    ("should allow ingress access from updated pod", ("x/a", "x/b"), [
        Step([_ingress_a("allow-client-a-via-pod-selector", "[{podSelector: {matchLabels: {pod: b, pod2: updated}}}]")],
             [(80, "TCP", lambda r: r.all_ingress("x/a", False))]),
        Step([_ingress_a("allow-client-a-via-pod-selector", "[{podSelector: {matchLabels: {pod: b, pod2: updated}}}]")],
             [(80, "TCP", lambda r: r.all_ingress("x/a", False).expect("x/b", "x/a", True))],
             {"x/b": {"pod": "b", "pod2": "updated"}})]),
    ("should deny ingress from pods on other namespaces", ("x/a", "x/b", "y/a", "z/a"), [
        Step([pol("deny-empty-policy", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n"
                                       "- from: [{podSelector: {matchLabels: {}}}]")],
             [(80, "TCP", lambda r: r.peer(Y, X, False).peer(Z, X, False))])]),
    ("should deny ingress access to updated pod", ("x/a", "y/a"), [
        Step([pol("deny-ingress-via-label-selector", "podSelector: {matchLabels: {target: isolated}}\n"
                                                     "policyTypes: [Ingress]")], [(80, "TCP", ALL_OK)]),
        Step([pol("deny-ingress-via-label-selector", "podSelector: {matchLabels: {target: isolated}}\n"
                                                     "policyTypes: [Ingress]")],
             [(80, "TCP", lambda r: r.all_ingress("x/a", False))], {"x/a": {"pod": "a", "target": "isolated"}})]),
    ("should deny egress from pods based on PodSelector", ("x/a", "x/b", "y/a"), [
        Step([pol("deny-egress-pod-a", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]")],
             [(80, "TCP", lambda r: r.all_egress("x/a", False))])]),
    ("should deny egress from all pods in a namespace", ("x/a", "x/b", "y/a"), [
        Step([pol("deny-egress-ns-x", "podSelector: {}\npolicyTypes: [Egress]")],
             [(80, "TCP", lambda r: r.peer(X, (None, None), False))])]),
    ("should work with Ingress, Egress specified together", ("x/a", "x/b", "x/c", "y/a"), [
        Step([pol("allow-client-a-via-pod-selector", """
podSelector: {matchLabels: {pod: a}}
policyTypes: [Egress, Ingress]
ingress:
- from: [{podSelector: {matchLabels: {pod: b}}}]
egress:
- ports: [{port: 80}]
""")], [(80, "TCP", lambda r: r.all_ingress("x/a", False).expect("x/b", "x/a", True)),
        (81, "TCP", lambda r: r.all_ingress("x/a", False).all_egress("x/a", False).expect("x/b", "x/a", True))])]),
    ("should support denying of egress traffic on the client side (even if the server explicitly allows this "
     "traffic)", ("x/a", "y/a", "y/b"), [
         Step([pol("allow-to-ns-y-pod-a", f"podSelector: {{matchLabels: {{pod: a}}}}\npolicyTypes: [Egress]\n"
                                          f"egress:\n- to: [{{namespaceSelector: {_ns('y')}, "
                                          "podSelector: {matchLabels: {pod: a}}}]"),
               _ingress_a("allow-from-xa-on-ya-match-selector",
                          f"[{{namespaceSelector: {_ns('x')}, podSelector: {{matchLabels: {{pod: a}}}}}}]", ns="y"),
               pol("allow-from-xa-on-yb-match-selector",
                   f"podSelector: {{matchLabels: {{pod: b}}}}\npolicyTypes: [Ingress]\ningress:\n"
                   f"- from: [{{namespaceSelector: {_ns('x')}, podSelector: {{matchLabels: {{pod: a}}}}}}]", "y")],
              [(80, "TCP", lambda r: r.peer(XA, (None, None), False).peer((None, None), ("y", "a"), False)
                .peer(XA, ("y", "a"), True).peer((None, None), ("y", "b"), False))])]),
    ("should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and "
     "NamespaceSelector", ("x/a", "y/a", "y/b"), [
         Step([pol("allow-to-ns-y-pod-a", f"podSelector: {{matchLabels: {{pod: a}}}}\npolicyTypes: [Egress]\n"
                                          f"egress:\n- to: [{{namespaceSelector: {_ns('y')}, "
                                          "podSelector: {matchLabels: {pod: a}}}]")],
              [(80, "TCP", lambda r: r.all_egress("x/a", False).expect("x/a", "y/a", True))])]),
    ("should enforce ingress policy allowing any port traffic to a server on a specific protocol", ("x/a", "y/a"), [
        Step([_ingress_a("allow-ingress-by-proto", "", "[{protocol: TCP}]")],
             [(80, "TCP", ALL_OK), (80, "UDP", lambda r: r.peer((None, None), XA, False))])]),
    ("should enforce multiple ingress policies with ingress allow-all policy taking precedence", ("x/a", "y/a"), [
        Step([pol("allow-ingress-port-80", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- ports: [{port: 80}]")],
             [(81, "TCP", lambda r: r.peer((None, None), X, False))]),
        Step([pol("allow-ingress-port-80", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- ports: [{port: 80}]"),
              pol("allow-ingress", "podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- {}")],
             [(81, "TCP", ALL_OK)])]),
    ("should enforce multiple egress policies with egress allow-all policy taking precedence", ("x/a", "y/a"), [
        Step([pol("allow-egress-port-80", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: [{port: 80}]")],
             [(81, "TCP", lambda r: r.peer(X, (None, None), False))]),
        Step([pol("allow-egress-port-80", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: [{port: 80}]"),
              pol("allow-egress", "podSelector: {}\npolicyTypes: [Egress]\negress:\n- {}")],
             [(81, "TCP", ALL_OK)])]),
    ("should stop enforcing policies after they are deleted", ("x/a", "y/a"), [
        Step([pol("deny-all", "podSelector: {}\npolicyTypes: [Ingress, Egress]")],
             [(80, "TCP", lambda r: r.peer(X, (None, None), False).peer((None, None), X, False))]),
        Step([], [(80, "TCP", ALL_OK)])]),
    ("should allow egress access to server in CIDR block", ("x/a", "y/a", "y/b"), [
        Step([pol("allow-client-a-via-cidr-egress-rule", f"podSelector: {{matchLabels: {{pod: a}}}}\n"
                                                         f"policyTypes: [Egress]\negress:\n"
                                                         f"- to: [{{ipBlock: {{cidr: {pod_ip('y/b')}/32}}}}]")],
             [(80, "TCP", lambda r: r.all_egress("x/a", False).expect("x/a", "y/b", True))])]),
    ("should enforce except clause while egress access to server in CIDR block", ("x/a", "x/b", "x/c"), [
        Step([CIDR_EXCEPT], [(80, "TCP", lambda r: r.expect("x/a", "x/b", False))])]),
    ("should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed", ("x/a", "x/b", "x/c"), [
        Step([CIDR_EXCEPT], [(80, "TCP", lambda r: r.expect("x/a", "x/b", False))]),
        Step([pol("allow-client-a-via-cidr-egress-rule", f"podSelector: {{matchLabels: {{pod: a}}}}\n"
                                                         f"policyTypes: [Egress]\negress:\n"
                                                         f"- to: [{{ipBlock: {{cidr: {pod_ip('x/b')}/32}}}}]")],
             [(80, "TCP", lambda r: r.all_egress("x/a", False).expect("x/a", "x/b", True))])]),
    ("should enforce policies to check ingress and egress policies can be controlled independently based on "
     "PodSelector", ("x/a", "x/b", "y/a"), [
         Step([pol("allow-egress-for-target", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\n"
                                              "egress:\n- {}")], [(80, "TCP", ALL_OK)]),
         Step([pol("allow-egress-for-target", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\n"
                                              "egress:\n- {}"),
               pol("deny-ingress-via-label-selector", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress]")],
              [(80, "TCP", lambda r: r.all_ingress("x/a", False))])]),
    ("should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP",
     ("x/a", "y/a"), [
         Step([pol("deny-ingress", DENY_INGRESS_ALL),
               _ingress_a("allow-only-sctp-ingress-on-port-81", "", "[{port: 81, protocol: SCTP}]")],
              [(81, "TCP", lambda r: r.peer((None, None), X, False))])]),
    ("should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support "
     "SCTP", ("x/a", "y/a"), [
         Step([_ingress_a("allow-only-sctp-ingress-on-port-80", "", "[{port: 80, protocol: SCTP}]")],
              [(81, "TCP", lambda r: r.all_ingress("x/a", False))])]),
    ("should not allow access by TCP when a policy specifies only UDP", ("x/a", "y/a"), [
        Step([_ingress_a("allow-only-udp-ingress-on-port-81", "", "[{port: 81, protocol: UDP}]")],
             [(81, "TCP", lambda r: r.all_ingress("x/a", False))])]),
    ("should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label",
     ("x/a", "x/b", "y/a", "z/a"), [
         Step([_ingress_a("allow-client-a-via-ns-selector-for-immutable-ns-label",
                          f"[{{namespaceSelector: {_ns('y')}}}]")], [(80, "TCP", _ns_y_only)])]),
    ("should enforce policy based on NamespaceSelector with MatchExpressions using default ns label",
     ("x/a", "x/b", "y/a", "z/a"), [
         Step([pol("allow-ns-y-match-selector-for-immutable-ns-label",
                   f"podSelector: {{matchLabels: {{pod: a}}}}\npolicyTypes: [Egress]\negress:\n"
                   f"- to: [{{namespaceSelector: {_ns_not_in('y')}}}]")],
              [(80, "TCP", lambda r: r.peer(XA, Y, False))])]),
]

# "Netpol [LinuxOnly]" (UDP) and "Netpol [Feature:SCTPConnectivity]" (SCTP): the same three cases each
for _proto in ("UDP", "SCTP"):
    CASES += [
        (f"{_proto}: should support a 'default-deny-ingress' policy", ("x/a", "x/b", "y/a", "y/b"), [
            Step([pol("deny-all", DENY_INGRESS_ALL)], [(80, _proto, lambda r: r.peer((None, None), X, False))])]),
        (f"{_proto}: should enforce policy based on Ports", ("x/a", "x/b", "y/a", "z/a"), [
            Step([_ingress_a("allow-ingress-on-port-81-ns-x", f"[{{namespaceSelector: {_ns('y')}}}]",
                             f"[{{port: 81, protocol: {_proto}}}]")], [(81, _proto, _ns_y_only)])]),
        (f"{_proto}: should enforce policy to allow traffic only from a pod in a different namespace based on "
         "PodSelector and NamespaceSelector", ("x/a", "x/b", "y/a"), [
             Step([_ingress_a("allow-ns-y-pod-a-via-namespace-pod-selector",
                              f"[{{namespaceSelector: {_ns('y')}, podSelector: {{matchLabels: {{pod: a}}}}}}]")],
                  [(80, _proto, _ya_only)])]),
    ]


def test_all_48_upstream_cases_are_transcribed() -> None:
    assert len(CASES) == 48
    assert len({c[0] for c in CASES}) == 48


def _run(pods: tuple[str, ...], steps: list[Step], engine: str = "upstream") -> list[str]:
    wrong: list[str] = []
    for n, step in enumerate(steps, 1):
        cluster = e2e_cluster("".join(step.policies), engine, relabel=step.relabel)
        cm = connectivity(cluster)
        cls_of = {f"{p.namespace}/{p.name}": c.index for c in cm.classes for p in c.pods}
        for port, proto, table in step.checks:
            want = table(Reach(pods)).table
            for (s, d), ok in want.items():
                if s == d:
                    continue  # ignoreLoopback = true
                v = policy_verdict(cluster, pod(cluster, s), pod(cluster, d), port, proto)
                if v.allowed != ok:
                    wrong.append(f"step {n} {proto}/{port} {s} -> {d}: want {ok}, pairwise: {v.deciding}")
                if cm.conn(cls_of[s], cls_of[d]).allows(proto, port) != ok:
                    wrong.append(f"step {n} {proto}/{port} {s} -> {d}: want {ok}, matrix disagrees")
    return wrong


@pytest.mark.parametrize(("pods", "steps"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_upstream_case(pods: tuple[str, ...], steps: list[Step]) -> None:
    assert _run(pods, steps) == []


@pytest.mark.parametrize("engine", ["azure", "calico"])
@pytest.mark.parametrize(("pods", "steps"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_upstream_case_under_npm_and_calico(engine: str, pods: tuple[str, ...], steps: list[Step]) -> None:
    """Azure NPM and Calico pass the whole upstream suite (none of its cases uses endPort or node traffic;
    both apply ipBlocks to pod IPs)."""
    assert _run(pods, steps, engine) == []
