"""Property: for random small clusters, real probes agree with trace on every flow verify covers.

The number of clusters is a setting: ``AKSNET_DP_EXAMPLES`` (default 5 locally; the issue asks for 200 per CI
run). Each example builds a data plane (about 0.5–1.5 s), verifies it and tears it down. Every flow must
agree (the one class once excluded here, a local endpoint's NetworkPolicy judged after kube-proxy's SNAT by
the twin, is fixed in the walk).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from aksnet.analyses import trace as trace_mod
from aksnet.dataplane import names, probe, session, verify
from aksnet.engine import echo
from aksnet.engine.addressing import Topology
from aksnet.engine.flow import DROPPED, REFUSED
from aksnet.model import k8s
from tests.conftest import aksnet_home, run_cli
from tests.dataplane import random_aks
from tests.dataplane.realnet import built, our_netns, requires_dataplane
from tests.dataplane.twins import allow_http_rule, kubenet_twin

pytestmark = [pytest.mark.dataplane, requires_dataplane]
EXAMPLES = int(os.environ.get("AKSNET_DP_EXAMPLES", "5"))


def answer_mismatches(topo: Topology, tag: str, checks: list[verify.Check]) -> list[str]:
    """Beyond verify's delivered/not delivered: for flows both deliver (DNS on 53 aside), the echo must name
    the backend the trace names, on the same port, seeing the same client address; for flows neither delivers, refused
    (RST / ICMP port unreachable) and silently dropped must match too. Cilium is excluded from the client
    address comparison: the data plane runs kube-proxy nftables, not Cilium's eBPF SNAT (docs/fidelity.md)."""
    flows, traced = [], []
    for c in checks:
        tr = trace_mod.trace(topo, c.source, c.destination, c.port, c.protocol)
        site = trace_mod.parse_sources(topo, c.source, "default")[0]
        traced.append((c, tr.deciding))
        flows.append(probe.Flow(probe.site_netns(tag, site, topo), c.source, c.destination, c.port, c.protocol))
    out = []
    for (c, w), r in zip(traced, probe.send_many(flows)):
        flow = f"{c.source} -> {c.destination}:{c.port}/{c.protocol}"
        if w.delivered and r.delivered and w.backend is not None and w.backend.kind != "apiserver" and c.port != 53:
            b = w.backend
            want = {*echo.identity_lines(b.kind, b.name, b.ip)[:1], f"port={b.port}"}
            if topo.state.policy_engine != "cilium":
                want.add(f"client_ip={b.client_ip}")
            got = set(r.answer)
            if not want <= got:
                out.append(f"{flow}: trace says {sorted(want)}, echo answered {list(r.answer)[:6]}")
        elif not w.delivered and not r.delivered and w.verdict in (REFUSED, DROPPED):
            refused = r.detail == "Connection refused"  # EHOSTUNREACH: the data plane's fast drop
            if refused != (w.verdict == REFUSED):
                out.append(f"{flow}: trace {w.verdict} ({w.reason}), probe {r.detail}")
    return out


def _policy(kind: str) -> tuple[k8s.NetworkPolicy, ...]:
    web = k8s.LabelSelector({"app": "web"})
    if kind == "none":
        return ()
    if kind == "deny-all":
        return (k8s.NetworkPolicy("default", "deny-all", k8s.LabelSelector(), ("Ingress",)),)
    if kind == "web-80-from-web":
        return (k8s.NetworkPolicy("default", "w", web, ("Ingress",), (k8s.NetworkPolicyRule(
            (k8s.NetworkPolicyPeer(pod_selector=web),), (k8s.NetworkPolicyPort("TCP", 80),)),)),)
    # egress deny except to 10.0.0.0/8 minus the second node's pod range
    block = k8s.IPBlock("10.0.0.0/8", ("10.244.1.0/24", "10.100.1.0/24"))
    return (k8s.NetworkPolicy("default", "egress", web, ("Egress",), egress=(k8s.NetworkPolicyRule(
        (k8s.NetworkPolicyPeer(ip_block=block),)),)),)


clusters = st.builds(
    lambda plugin, nodes, pods, rt, nsg, pol, lb, engine: kubenet_twin(
        plugin=plugin, nodes=nodes, pods_per_node=pods, route_table=rt, nsg_rules=(allow_http_rule(),) if nsg else (),
        policies=_policy(pol), lb=lb, policy_engine=engine),
    st.sampled_from(["kubenet", "azure", "overlay"]), st.integers(1, 3), st.integers(1, 3), st.booleans(),
    st.booleans(), st.sampled_from(["none", "deny-all", "web-80-from-web", "egress-ipblock"]), st.booleans(),
    st.sampled_from(["calico", "azure", "cilium", "none"]))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(twin=clusters)
def test_random_clusters_probe_equals_trace(twin: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    home = Path(tmp_path_factory.mktemp("dp"))
    with built(home, twin) as (tag, _):  # type: ignore[arg-type]
        topo = Topology.build(twin)  # type: ignore[arg-type]
        checks = verify.checks_for(topo, exhaustive=True)
        rep = verify.run_checks(topo, tag, checks)
        assert not rep.disagreements, verify.report_text(rep)
        mismatches = answer_mismatches(topo, tag, checks)
        assert not mismatches, "\n".join(mismatches)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None,
          phases=(Phase.explicit, Phase.generate))  # shrinking rebuilds clusters for minutes; the shape is printed
@given(shape=random_aks.cluster_shapes())
def test_random_aks_clusters_probe_equals_trace(shape: random_aks.ClusterShape,
                                                tmp_path_factory: pytest.TempPathFactory) -> None:
    """Clusters made by ``az aks create`` + ``kubectl apply`` (tests/dataplane/random_aks.py): Service types and
    traffic policies, UDP, named targetPorts, a second namespace with namespaceSelector policies, a pod without
    the declared port, internal load balancers. Every flow verify covers must agree."""
    home = Path(tmp_path_factory.mktemp("aks")) / "home"
    with aksnet_home(home):
        random_aks.build(shape)
        tag = names.workspace_tag(home)
        try:
            r = run_cli("up")
            assert r.code == 0, r.err
            rep = verify.verify_home(home, exhaustive=True)
            assert not rep.disagreements and not rep.url_disagreements, f"{shape}\n{verify.report_text(rep)}"
            assert rep.checks > 0
            twin, cluster_id = session.load(home)
            topo = Topology.build(twin, cluster_id)
            mismatches = answer_mismatches(topo, tag, verify.checks_for(topo, exhaustive=True))
            assert not mismatches, f"{shape}\n" + "\n".join(mismatches)
        finally:
            run_cli("down")
        assert our_netns(tag) == [], "down left namespaces behind"
