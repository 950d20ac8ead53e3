"""Random AKS clusters built through the CLI (``az`` + ``kubectl``), for the data plane's property test.

Unlike the hand-built twins of ``twins.py``, these go through the twin's own controllers (scheduler, pod
IPAM, EndpointSlices with named ports, cloud-provider-azure's load balancers, rules, probes and NSG rules),
so the kernel judges what ``az aks create`` and ``kubectl apply`` really produce. Generated dimensions:

* plugin (kubenet, Azure CNI, overlay) × policy engine valid for it, 1–3 nodes, an optional NSG rule;
* ``web`` pods in ``default`` declaring ``http`` 80/TCP and ``udp`` 5000/UDP; an optional bare pod with the
  Service's labels but no declared port (sorted first or last among the endpoints: refused either way);
* a second namespace ``team`` (labelled ``team=blue``) with ``api`` pods declaring ``http`` 8080/TCP and a
  policy for them using a namespaceSelector (alone, ANDed with a podSelector, or selecting only itself);
* the four ``default`` policy shapes of the first property (none, deny-all, web-80-from-web, egress ipBlock);
* 1–3 Services, each ClusterIP, NodePort or LoadBalancer (public or internal), externalTrafficPolicy
  Cluster|Local, internalTrafficPolicy Cluster|Local, TCP or UDP, numeric or named targetPort, with or
  without ``sessionAffinity: ClientIP`` (each client must land on the endpoint the twin picks for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from hypothesis import strategies as st

from tests.conftest import run_cli

ENGINES = {"kubenet": ("none", "calico"), "azure": ("none", "calico", "azure"),
           "overlay": ("none", "calico", "cilium", "azure")}


@dataclass(frozen=True)
class SvcShape:
    namespace: str  # default | team
    type: str  # ClusterIP | NodePort | LoadBalancer
    etp: str  # Cluster | Local (NodePort/LoadBalancer)
    itp: str  # Cluster | Local
    protocol: str  # TCP | UDP
    named_target: bool
    internal: bool  # LoadBalancer only: azure-load-balancer-internal
    affinity: bool = False  # sessionAffinity: ClientIP


@dataclass(frozen=True)
class ClusterShape:
    plugin: str
    engine: str
    nodes: int
    web: int
    nsg_rule: bool
    noport: str  # "" | first | last
    team: int  # api pods in the second namespace (0: no second namespace)
    team_policy: str  # none | from-default-ns | from-default-web | same-ns-only
    policy: str  # none | deny-all | web-80-from-web | egress-ipblock
    services: tuple[SvcShape, ...]


svc_shapes = st.builds(SvcShape, st.sampled_from(["default", "team"]),
                       st.sampled_from(["ClusterIP", "NodePort", "LoadBalancer"]),
                       st.sampled_from(["Cluster", "Local"]), st.sampled_from(["Cluster", "Local"]),
                       st.sampled_from(["TCP", "UDP"]), st.booleans(), st.booleans(), st.booleans())


@st.composite
def cluster_shapes(draw: Any) -> ClusterShape:
    plugin = draw(st.sampled_from(sorted(ENGINES)))
    team = draw(st.integers(0, 2))
    services = tuple(s for s in draw(st.lists(svc_shapes, min_size=1, max_size=3))
                     if team or s.namespace == "default")
    return ClusterShape(plugin, draw(st.sampled_from(ENGINES[plugin])), draw(st.integers(1, 3)),
                        draw(st.integers(1, 4)), draw(st.booleans()), draw(st.sampled_from(["", "first", "last"])),
                        team, draw(st.sampled_from(["none", "from-default-ns", "from-default-web", "same-ns-only"])),
                        draw(st.sampled_from(["none", "deny-all", "web-80-from-web", "egress-ipblock"])), services)


def ok(*args: str, stdin: str | None = None) -> str:
    r = run_cli(*args, stdin=stdin)
    assert r.code == 0, (args, r.err)
    return r.out.strip()


def build(shape: ClusterShape) -> None:
    """Create the cluster of ``shape`` in the current workspace (AKSNET_HOME)."""
    ok("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none")
    ok("az", "network", "vnet", "create", "-g", "rg", "-n", "vnet", "--address-prefix", "10.0.0.0/8",
       "--subnet-name", "aks", "--subnet-prefix", "10.100.0.0/16", "-o", "none")
    ok("az", "network", "nsg", "create", "-g", "rg", "-n", "aks-nsg", "-o", "none")
    if shape.nsg_rule:
        ok("az", "network", "nsg", "rule", "create", "-g", "rg", "--nsg-name", "aks-nsg", "-n", "allow-http",
           "--priority", "100", "--direction", "Inbound", "--access", "Allow", "--protocol", "Tcp",
           "--destination-port-ranges", "80", "--source-address-prefixes", "Internet", "-o", "none")
    ok("az", "network", "vnet", "subnet", "update", "-g", "rg", "--vnet-name", "vnet", "-n", "aks",
       "--network-security-group", "aks-nsg", "-o", "none")
    sid = ok("az", "network", "vnet", "subnet", "show", "-g", "rg", "--vnet-name", "vnet", "-n", "aks", "--query",
             "id", "-o", "tsv")
    args = ["az", "aks", "create", "-g", "rg", "-n", "aks", "--vnet-subnet-id", sid, "--node-count", str(shape.nodes),
            "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--generate-ssh-keys", "-o", "none"]
    if shape.plugin == "kubenet":
        args += ["--network-plugin", "kubenet", "--pod-cidr", "10.244.0.0/16"]
    elif shape.plugin == "azure":
        args += ["--network-plugin", "azure"]
    else:
        args += ["--network-plugin", "azure", "--network-plugin-mode", "overlay", "--pod-cidr", "10.244.0.0/16"]
    if shape.engine == "cilium":
        args += ["--network-dataplane", "cilium"]
    if shape.engine != "none":
        args += ["--network-policy", shape.engine]
    ok(*args)
    ok("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")
    ok("az", "vm", "create", "-g", "rg", "-n", "testvm", "--vnet-name", "vnet", "--subnet", "aks", "--image",
       "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys", "-o", "none")
    ok("kubectl", "apply", "-f", "-", stdin=yaml.safe_dump_all(manifests(shape)))


def _deployment(ns: str, name: str, replicas: int, ports: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "app", "image": "nginx", "ports": ports}]}}}}


def _policy(ns: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": name, "namespace": ns},
            "spec": spec}


def manifests(shape: ClusterShape) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    if shape.team:
        docs.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team", "labels": {"team": "blue"}}})
    docs.append(_deployment("default", "web", shape.web, [{"name": "http", "containerPort": 80},
                                                         {"name": "udp", "containerPort": 5000, "protocol": "UDP"}]))
    if shape.noport:
        name = "aaa-noport" if shape.noport == "first" else "zzz-noport"
        docs.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default",
                                                                     "labels": {"app": "web"}},
                     "spec": {"containers": [{"name": "app", "image": "nginx"}]}})
    if shape.team:
        docs.append(_deployment("team", "api", shape.team, [{"name": "http", "containerPort": 8080}]))
    for i, s in enumerate(shape.services):
        backend_port = {("default", "TCP"): (80, "http"), ("default", "UDP"): (5000, "udp"),
                        ("team", "TCP"): (8080, "http"), ("team", "UDP"): (5000, "udp")}[(s.namespace, s.protocol)]
        port: dict[str, Any] = {"name": s.protocol.lower(), "port": 80 if s.protocol == "TCP" else 5000,
                                "protocol": s.protocol,
                                "targetPort": backend_port[1] if s.named_target else backend_port[0]}
        spec: dict[str, Any] = {"type": s.type, "selector": {"app": "web" if s.namespace == "default" else "api"},
                                "ports": [port], "internalTrafficPolicy": s.itp}
        meta: dict[str, Any] = {"name": f"svc-{i}", "namespace": s.namespace}
        if s.type != "ClusterIP":
            spec["externalTrafficPolicy"] = s.etp
        if s.affinity:
            spec["sessionAffinity"] = "ClientIP"
        if s.type == "LoadBalancer" and s.internal:
            meta["annotations"] = {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}
        docs.append({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec})
    web = {"matchLabels": {"app": "web"}}
    if shape.policy == "deny-all":
        docs.append(_policy("default", "deny-all", {"podSelector": {}, "policyTypes": ["Ingress"]}))
    elif shape.policy == "web-80-from-web":
        docs.append(_policy("default", "w", {"podSelector": web, "policyTypes": ["Ingress"], "ingress": [
            {"from": [{"podSelector": web}], "ports": [{"protocol": "TCP", "port": 80}]}]}))
    elif shape.policy == "egress-ipblock":
        docs.append(_policy("default", "egress", {"podSelector": web, "policyTypes": ["Egress"], "egress": [
            {"to": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.244.1.0/24", "10.100.0.0/28"]}}]}]}))
    if shape.team and shape.team_policy != "none":
        default_ns = {"matchLabels": {"kubernetes.io/metadata.name": "default"}}
        peer: dict[str, Any] = {
            "from-default-ns": {"namespaceSelector": default_ns},
            "from-default-web": {"namespaceSelector": default_ns, "podSelector": web},
            "same-ns-only": {"namespaceSelector": {"matchLabels": {"team": "blue"}}},
        }[shape.team_policy]
        docs.append(_policy("team", "api-ingress", {"podSelector": {"matchLabels": {"app": "api"}},
                                                    "policyTypes": ["Ingress"],
                                                    "ingress": [{"from": [peer], "ports": [{"port": "http"}]}]}))
    return docs
