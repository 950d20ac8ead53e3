"""Property: ``aksnet matrix --pods --path`` agrees with pairwise ``aksnet trace`` on random workspaces.

Each example is a real workspace: a kubenet or Azure CNI cluster built through the az front end (once per
network profile, then copied), two namespaces with up to three Deployments of random labels and container
ports, and up to four random NetworkPolicies (pod/namespace selectors, ipBlocks over the pod and node ranges,
numbered and named ports, both directions), applied with ``kubectl apply``. For every ordered pair of the
generated pods and every container port the destination declares, the matrix lists the port iff trace
delivers the flow. Examples: 20 by default, ``AKSNET_PROPERTY_EXAMPLES`` for more.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import aksnet_home, run_cli

EXAMPLES = int(os.environ.get("AKSNET_PROPERTY_EXAMPLES", "20"))
NS = ("x", "y")
VALS = ("a", "b")
PROFILES = {
    "kubenet-calico": ["--network-plugin", "kubenet", "--network-policy", "calico"],
    "azure-azure": ["--network-plugin", "azure", "--network-policy", "azure"],
    "azure-calico": ["--network-plugin", "azure", "--network-policy", "calico"],
    "overlay-cilium": ["--network-plugin", "azure", "--network-plugin-mode", "overlay", "--network-dataplane",
                       "cilium", "--network-policy", "cilium"],
}
CIDRS = ("10.244.0.0/16", "10.244.1.0/24", "10.224.0.0/16", "10.224.0.0/24", "0.0.0.0/0", "10.0.0.0/8")
_BASES: dict[str, Path] = {}


@contextmanager
def _workspace(profile: str) -> Iterator[None]:
    """A fresh AKSNET_HOME holding a copy of the profile's freshly created cluster."""
    with tempfile.TemporaryDirectory(prefix="aksnet-prop-") as tmp:
        if profile not in _BASES:
            base = Path(tempfile.mkdtemp(prefix=f"aksnet-base-{profile}-"))
            atexit.register(shutil.rmtree, base, True)
            with aksnet_home(base):
                for args in (["az", "group", "create", "-n", "rg", "-l", "eastus"],
                             ["az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "2",
                              "--generate-ssh-keys", *PROFILES[profile]],
                             ["az", "aks", "get-credentials", "-g", "rg", "-n", "aks"]):
                    r = run_cli(*args)
                    assert r.code == 0, (args, r.err)
            _BASES[profile] = base
        home = Path(tmp) / "home"
        shutil.copytree(_BASES[profile], home)
        with aksnet_home(home):
            yield


# -- generators ------------------------------------------------------------------------------------------------

labels = st.dictionaries(st.sampled_from(["role", "tier"]), st.sampled_from(VALS), max_size=2)
selector: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.just({}),
    labels.map(lambda m: {"matchLabels": m}),
    st.tuples(st.sampled_from(["role", "tier", "app"]), st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"]),
              st.sampled_from(VALS)).map(lambda t: {"matchExpressions": [
                  {"key": t[0], "operator": t[1], **({"values": [t[2]]} if t[1] in ("In", "NotIn") else {})}]}),
)
ip_block = st.tuples(st.sampled_from(CIDRS), st.booleans()).map(
    lambda t: {"ipBlock": {"cidr": t[0], **({"except": ["10.244.0.0/24"]} if t[1] and t[0] in
                                             ("10.244.0.0/16", "0.0.0.0/0", "10.0.0.0/8") else {})}})
peer = st.one_of(
    selector.map(lambda s: {"podSelector": s}),
    selector.map(lambda s: {"namespaceSelector": s}),
    st.tuples(selector, selector).map(lambda t: {"podSelector": t[0], "namespaceSelector": t[1]}),
    ip_block,
)
port = st.one_of(
    st.tuples(st.sampled_from(["TCP", "UDP"]), st.sampled_from([80, 8080, 53, "http", "dns"])).map(
        lambda t: {"protocol": t[0], "port": t[1]}),
    st.just({"protocol": "TCP", "port": 80, "endPort": 8080}),
    st.just({"protocol": "TCP"}),
)
rule = st.fixed_dictionaries({}, optional={"from": st.lists(peer, max_size=2), "ports": st.lists(port, max_size=2)})


@st.composite
def policies(draw: st.DrawFn, index: int) -> dict[str, Any]:
    types = draw(st.sampled_from([["Ingress"], ["Egress"], ["Ingress", "Egress"]]))
    spec: dict[str, Any] = {"podSelector": draw(selector), "policyTypes": types}
    if "Ingress" in types:
        spec["ingress"] = draw(st.lists(rule, max_size=2))
    if "Egress" in types:
        spec["egress"] = [{("to" if k == "from" else k): v for k, v in r.items()}
                          for r in draw(st.lists(rule, max_size=2))]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": f"p{index}", "namespace": draw(st.sampled_from(NS))}, "spec": spec}


container_ports = st.sampled_from([
    [], [{"containerPort": 80}], [{"name": "http", "containerPort": 8080}],
    [{"name": "http", "containerPort": 80}, {"name": "dns", "containerPort": 53, "protocol": "UDP"}],
    [{"containerPort": 8080}, {"containerPort": 53, "protocol": "UDP"}],
])


@st.composite
def workspaces(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    docs: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"team": draw(
            st.sampled_from(VALS))}}} for ns in NS]
    for ns in NS:
        for i in range(draw(st.integers(1, 3))):
            lab = {"app": f"d{i}", **draw(labels)}
            docs.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": f"d{i}", "namespace": ns},
                         "spec": {"replicas": draw(st.integers(1, 2)), "selector": {"matchLabels": {"app": f"d{i}"}},
                                  "template": {"metadata": {"labels": lab}, "spec": {"containers": [
                                      {"name": "c", "image": "echo", "ports": draw(container_ports)}]}}}})
    docs += [draw(policies(i)) for i in range(draw(st.integers(0, 4)))]
    return draw(st.sampled_from(sorted(PROFILES))), docs


# -- the property ---------------------------------------------------------------------------------------------

def parse_conn(text: str) -> set[tuple[str, int]] | None:
    """netpol-analyzer's connection text → {(protocol, port)}; None for All Connections."""
    if text == "All Connections":
        return None
    out: set[tuple[str, int]] = set()
    proto = ""
    for tok in text.replace(" ", ",").split(","):
        if tok in ("TCP", "UDP", "SCTP"):
            proto = tok
        elif tok:
            lo, _, hi = tok.partition("-")
            out |= {(proto, p) for p in range(int(lo), int(hi or lo) + 1)}
    return out


def _check() -> None:
    from aksnet.analyses.trace import trace
    from aksnet.cli.matrix import load_workspace_twin
    from aksnet.engine.addressing import Topology
    from aksnet.engine.walk import Walker

    r = run_cli("matrix", "--pods", "--path", "-o", "json")
    assert r.code == 0, r.err
    rows = {(c["src"], c["dst"]): parse_conn(c["conn"]) for c in json.loads(r.out)}
    twin, cluster = load_workspace_twin()
    topo = Topology.build(twin, cluster.cluster.id if cluster.cluster else None)
    walker = Walker(topo)
    pods = [p for p in cluster.pods if p.namespace in NS and p.pod_ip]
    assert pods
    sources = [(f"{p.key}[Pod]", f"pod/{p.key}") for p in pods] + [("internet/198.51.100.10", "internet")]
    for sname, sref in sources:
        for d in pods:
            if sname == f"{d.key}[Pod]":
                continue
            allowed = rows.get((sname, f"{d.key}[Pod]"), set())
            for cp in d.ports:
                res = trace(topo, sref, f"pod/{d.key}", cp.container_port, cp.protocol, walker=walker)
                in_matrix = allowed is None or (cp.protocol, cp.container_port) in allowed
                assert in_matrix == res.delivered, (
                    f"{sref} -> {d.key} {cp.protocol} {cp.container_port}: matrix {in_matrix}, trace "
                    f"{res.verdict} ({res.deciding.reason})")


def _check_workloads() -> None:
    """The workload rows (``matrix --path``) against ``trace deploy/… deploy/…`` (delivered iff every pod pair
    is)."""
    from aksnet.analyses.trace import trace
    from aksnet.cli.matrix import load_workspace_twin
    from aksnet.engine.addressing import Topology
    from aksnet.engine.walk import Walker

    r = run_cli("matrix", "--path", "-o", "json")
    assert r.code == 0, r.err
    rows = {(c["src"], c["dst"]): parse_conn(c["conn"]) for c in json.loads(r.out)}
    twin, cluster = load_workspace_twin()
    topo = Topology.build(twin, cluster.cluster.id if cluster.cluster else None)
    walker = Walker(topo)
    workloads = sorted({(p.namespace, p.owner_name or "") for p in cluster.pods if p.namespace in NS})
    for sns, sname in workloads:
        for dns, dname in workloads:
            if (sns, sname) == (dns, dname):
                continue
            dpods = topo.workload_pods("Deployment", dns, dname)
            allowed = rows.get((f"{sns}/{sname}[Deployment]", f"{dns}/{dname}[Deployment]"), set())
            for cp in dpods[0].ports:
                res = trace(topo, f"deploy/{sns}/{sname}", f"deploy/{dns}/{dname}", cp.container_port, cp.protocol,
                            walker=walker)
                in_matrix = allowed is None or (cp.protocol, cp.container_port) in allowed
                assert in_matrix == res.delivered, (
                    f"deploy {sns}/{sname} -> {dns}/{dname} {cp.protocol} {cp.container_port}: matrix {in_matrix}, "
                    f"trace {res.verdict} ({res.deciding.reason})")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=True)
@given(workspaces())
def test_matrix_path_agrees_with_trace(ws: tuple[str, list[dict[str, Any]]]) -> None:
    profile, docs = ws
    with _workspace(profile):
        manifest = "\n---\n".join(json.dumps(d) for d in docs)
        r = run_cli("kubectl", "apply", "-f", "-", stdin=manifest)
        assert r.code == 0, (r.err, manifest)
        _check()
        _check_workloads()


def test_parse_conn() -> None:
    assert parse_conn("TCP 80,8080-8081,UDP 53") == {("TCP", 80), ("TCP", 8080), ("TCP", 8081), ("UDP", 53)}
    assert parse_conn("All Connections") is None
