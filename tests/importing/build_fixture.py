"""Regenerates ``tests/importing/dump/``: the dump of a realistic AKS cluster as ``scripts/dump-cluster.sh`` takes
it (``python -m tests.importing.build_fixture``).

The cluster: Azure CNI with Calico, 3 nodes, AKS's system pods, two apps (the seed's production app with its
NetworkPolicies, and an internal app behind an internal load balancer), ingress-nginx from its Helm chart with a
TLS Ingress, a jumpbox VM. The files are what az and kubectl print for the commands of the dump script (az's
flattened JSON or YAML; ``kubectl get -A -o json|yaml`` Lists; and, as the API server and ``kubectl get --raw``
return them, typed lists whose items carry no kind/apiVersion), under free file names. ``az vmss list`` and
``az vmss nic list`` are printed with az's flattening of the stored documents. Extra objects a real cluster has
and the emulation does not make are added: a static pod's mirror pod (owner: its Node), a
CiliumNetworkPolicy that this Calico cluster ignores, and the policies Calico enforces beside NetworkPolicy (a
Tier with a GlobalNetworkPolicy, an AdminNetworkPolicy).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import run_cli

OUT = Path(__file__).resolve().parent / "dump"
MANIFESTS = Path(__file__).resolve().parents[1] / "scenarios" / "acceptance_clusters"
RG, CLUSTER, NODE_RG = "prod-rg", "prod-aks", "MC_prod-rg_prod-aks_eastus"
# A subscription of its own, as a real dump has (import maps it onto the workspace's emulated one).
SUBSCRIPTION = "6d4f1c3a-8b2e-4a7d-9e51-0c3b7f2a9d84"


def ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, (args, r.err)
    return r.out


def build(home: Path) -> None:
    ok("az", "group", "create", "-n", RG, "-l", "eastus")
    ok("az", "network", "vnet", "create", "-g", RG, "-n", "prod-vnet", "--address-prefixes", "10.224.0.0/12",
       "--subnet-name", "aks-nodes", "--subnet-prefixes", "10.224.0.0/16")
    ok("az", "network", "nsg", "create", "-g", RG, "-n", "aks-nodes-nsg")
    ok("az", "network", "vnet", "subnet", "update", "-g", RG, "--vnet-name", "prod-vnet", "-n", "aks-nodes",
       "--network-security-group", "aks-nodes-nsg")
    ok("az", "network", "nsg", "rule", "create", "-g", RG, "--nsg-name", "aks-nodes-nsg", "-n", "allow-web",
       "--priority", "100", "--direction", "Inbound", "--access", "Allow", "--protocol", "Tcp",
       "--destination-port-ranges", "80", "443", "--source-address-prefixes", "Internet")
    ok("az", "vm", "create", "-g", RG, "-n", "jumpbox", "--vnet-name", "prod-vnet", "--subnet", "aks-nodes",
       "--image", "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys")
    subnet = ok("az", "network", "vnet", "subnet", "show", "-g", RG, "--vnet-name", "prod-vnet", "-n", "aks-nodes",
                "--query", "id", "-o", "tsv").strip()
    ok("az", "aks", "create", "-g", RG, "-n", CLUSTER, "--vnet-subnet-id", subnet, "--network-plugin", "azure",
       "--network-policy", "calico", "--service-cidr", "10.0.0.0/16", "--dns-service-ip", "10.0.0.10",
       "--node-count", "3", "--generate-ssh-keys")
    ok("az", "aks", "get-credentials", "-g", RG, "-n", CLUSTER)
    for m in ("production-app.yaml", "network-policy.yaml", "internal-app.yaml"):
        ok("kubectl", "apply", "-f", str(MANIFESTS / m))
    ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    ok("helm", "install", "ingress-nginx", "ingress-nginx/ingress-nginx", "--namespace", "ingress-basic",
       "--create-namespace", "--set", "controller.replicaCount=2")
    key, crt = home / "tls.key", home / "tls.crt"
    subprocess.run(["openssl", "req", "-x509", "-nodes", "-days", "3650", "-newkey", "rsa:2048", "-subj",
                    "/CN=myapp.example.com", "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    ok("kubectl", "create", "secret", "tls", "tls-secret", "-n", "production", "--cert", str(crt), "--key", str(key))
    ok("kubectl", "apply", "-f", str(MANIFESTS / "ingress.yaml"))
    ok("kubectl", "apply", "-f", str(MANIFESTS / "allow-ingress-controller.yaml"))


def typed(list_json: str, kind: str, api_version: str) -> dict[str, Any]:
    """A List as ``kubectl get --raw`` returns it: typed, items without kind and apiVersion."""
    items = json.loads(list_json)["items"]
    for i in items:
        i.pop("kind", None)
        i.pop("apiVersion", None)
    return {"kind": kind, "apiVersion": api_version, "metadata": {"resourceVersion": "48213"}, "items": items}


def az_view_of(home: Path, kind: str) -> list[dict[str, Any]]:
    from aksnet.cli.az.cmd_network_common import az_view
    from aksnet.cli.common import command_transaction

    with command_transaction(write=False, home=home) as tx:
        return [az_view(d) for d in tx.list(kind)]


def write(name: str, data: Any) -> None:
    path = OUT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if name.endswith((".yaml", ".yml")):
        text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    else:
        text = data if isinstance(data, str) else json.dumps(data, indent=2) + "\n"
    path.write_text(text)


def dump(home: Path) -> None:
    write("az/aks-show.json", ok("az", "aks", "show", "-g", RG, "-n", CLUSTER, "-o", "json"))
    write("az/vnets.yaml", ok("az", "network", "vnet", "list", "-g", RG, "-o", "yaml"))
    write("az/nsg-list.json", json.loads(ok("az", "network", "nsg", "list", "-o", "json")))
    write("az/route-tables.json", ok("az", "network", "route-table", "list", "-o", "json"))
    write("az/lb-list-node-rg.json", ok("az", "network", "lb", "list", "-g", NODE_RG, "-o", "json"))
    write("az/public-ips.json", ok("az", "network", "public-ip", "list", "-o", "json"))
    write("az/nics.json", ok("az", "network", "nic", "list", "-g", RG, "-o", "json"))
    write("az/vms.json", ok("az", "vm", "list", "-d", "-o", "json"))
    write("az/vmss.json", az_view_of(home, "microsoft.compute/virtualmachinescalesets"))
    vmss_nics = [n for n in az_view_of(home, "microsoft.network/networkinterfaces")
                 if "/virtualmachinescalesets/" in n["id"].lower()]
    write("az/vmss-nics.json", vmss_nics)
    write("kubectl/nodes.json", ok("kubectl", "get", "nodes", "-o", "json"))
    write("kubectl/namespaces.json", typed(ok("kubectl", "get", "namespaces", "-o", "json"), "NamespaceList", "v1"))
    pods = typed(ok("kubectl", "get", "pods", "-A", "-o", "json"), "PodList", "v1")
    node0 = json.loads(ok("kubectl", "get", "nodes", "-o", "json"))["items"][0]
    node_ip = next(a["address"] for a in node0["status"]["addresses"] if a["type"] == "InternalIP")
    pods["items"].append({  # a static pod's mirror pod: the kubelet makes its Node the owner
        "metadata": {"name": f"node-problem-probe-{node0['metadata']['name']}", "namespace": "kube-system",
                     "uid": "3f1a8c52-6c1e-4d0e-9b8e-0d5f4c1e7a21", "labels": {"component": "node-problem-probe"},
                     "annotations": {"kubernetes.io/config.mirror": "a3c1d5", "kubernetes.io/config.source": "file"},
                     "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": node0["metadata"]["name"],
                                          "uid": node0["metadata"].get("uid", ""), "controller": True}]},
        "spec": {"nodeName": node0["metadata"]["name"], "hostNetwork": True,
                 "containers": [{"name": "probe", "image": "mcr.microsoft.com/oss/busybox:1.36",
                                 "ports": [{"containerPort": 9101, "hostPort": 9101, "protocol": "TCP"}]}]},
        "status": {"phase": "Running", "podIP": node_ip, "hostIP": node_ip,
                   "podIPs": [{"ip": node_ip}], "conditions": [{"type": "Ready", "status": "True"}]}})
    write("kubectl/pods.json", pods)
    write("kubectl/services.yaml", ok("kubectl", "get", "services", "-A", "-o", "yaml"))
    write("kubectl/endpointslices.json", typed(ok("kubectl", "get", "endpointslices", "-A", "-o", "json"),
                                               "EndpointSliceList", "discovery.k8s.io/v1"))
    write("kubectl/networkpolicies.yaml", ok("kubectl", "get", "networkpolicies", "-A", "-o", "yaml"))
    write("kubectl/ingress.json", ok("kubectl", "get", "ingress", "-A", "-o", "json"))
    write("kubectl/ingressclasses.json", ok("kubectl", "get", "ingressclasses", "-o", "json"))
    write("kubectl/workloads.json", ok("kubectl", "get", "deployments,replicasets,daemonsets", "-A", "-o", "json"))
    write("kubectl/configmaps.json", ok("kubectl", "get", "configmaps", "-n", "ingress-basic", "-o", "json"))
    write("kubectl/ciliumnetworkpolicies.yaml", {
        "apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""},
        "items": [{"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
                   "metadata": {"name": "api-l7", "namespace": "production"},
                   "spec": {"endpointSelector": {"matchLabels": {"app": "api"}},
                            "ingress": [{"fromEndpoints": [{"matchLabels": {"app": "frontend"}}],
                                         "toPorts": [{"ports": [{"port": "80", "protocol": "TCP"}]}]}]}}]})


# The cluster's engine is Calico: a tier of its own that keeps production away from a blocked address range (and
# passes everything else on to the NetworkPolicies), and an AdminNetworkPolicy (Calico enforces it before
# NetworkPolicy) that lets kube-system reach production's backend on 8080 despite deny-all-ingress; as the API
# server returns them (typed lists of the CRD-stored kinds, and a List).
CALICO_TIERS = {"apiVersion": "crd.projectcalico.org/v1", "kind": "TierList", "metadata": {"resourceVersion": "9120"},
                "items": [{"metadata": {"name": "security", "uid": "5b0c7f4e-2d7a-4f0e-8a51-1e2f3a4b5c6d"},
                           "spec": {"order": 100}}]}
CALICO_POLICIES = {
    "apiVersion": "crd.projectcalico.org/v1", "kind": "GlobalNetworkPolicyList",
    "metadata": {"resourceVersion": "9121"},
    "items": [{"metadata": {"name": "security.block-partner-range", "uid": "8d2e4f60-1a3b-4c5d-9e7f-0a1b2c3d4e5f"},
               "spec": {"tier": "security", "order": 10, "selector": "projectcalico.org/namespace == 'production'",
                        "types": ["Egress"],
                        "egress": [{"action": "Deny", "destination": {"nets": ["203.0.113.0/24"]}},
                                   {"action": "Pass"}]}}]}
ADMIN_POLICIES = {
    "apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""},
    "items": [{"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy",
               "metadata": {"name": "kube-system-to-backend"},
               "spec": {"priority": 20,
                        "subject": {"namespaces": {"matchLabels": {"kubernetes.io/metadata.name": "production"}}},
                        "ingress": [{"name": "allow-kube-system", "action": "Allow",
                                     "from": [{"namespaces": {"matchLabels": {
                                         "kubernetes.io/metadata.name": "kube-system"}}}],
                                     "ports": [{"portNumber": {"protocol": "TCP", "port": 8080}}]}]}}]}


def write_engine_policies() -> None:
    write("kubectl/calico-tiers.json", CALICO_TIERS)
    write("kubectl/calico-globalnetworkpolicies.json", CALICO_POLICIES)
    write("kubectl/adminnetworkpolicies.yaml", ADMIN_POLICIES)


def main() -> None:
    from aksnet.model.account import SUBSCRIPTION_ID

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        os.environ["AKSNET_HOME"] = str(home)
        home.mkdir()
        build(home)
        dump(home)
    write_engine_policies()
    for f in OUT.rglob("*.*"):
        f.write_text(f.read_text().replace(SUBSCRIPTION_ID, SUBSCRIPTION))


if __name__ == "__main__":
    main()
