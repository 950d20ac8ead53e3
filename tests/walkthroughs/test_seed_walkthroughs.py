"""The project's own walkthroughs of the four seed clusters, run as a new user would (``aksnet az|kubectl|helm``
then ``trace``/``curl``), so that a fresh clone of the repository checks them without any folder beside it.

What each walkthrough asserts is what the seed articles say AKS does:
- kubenet in a bring-your-own subnet: nodes in the subnet, one /24 of the pod CIDR per node, one UDR per node
  written into the route table already on the subnet, pod traffic to the VNet NATed to the node, the user's
  subnet NSG deciding over a public LoadBalancer Service, authorized API server ranges, the 256-node limit
  of a /16 pod CIDR (https://learn.microsoft.com/azure/aks/configure-kubenet).
- Azure CNI and Azure CNI Overlay: subnet addresses for pods and the pod IP seen in the VNet, versus a
  private pod CIDR SNATed to the node; maxPods defaults 30 and 250; (maxPods + 1) addresses reserved per node
  (https://learn.microsoft.com/azure/aks/azure-cni-overlay).
- NetworkPolicy (Calico), ingress-nginx from Helm, TLS, rewrite and redirect, client source IP with
  externalTrafficPolicy, an internal LB, NodePort and ClusterIP reach.
- A private cluster: API server reached from the VNet only, through a private endpoint in the node subnet
  (https://learn.microsoft.com/azure/aks/private-clusters).

``../shared/acceptance`` (when present) runs the same stories as shell scripts in addition; these tests do
not depend on it.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import run_cli

MANIFESTS = Path(__file__).resolve().parents[1] / "scenarios" / "acceptance_clusters"


def ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, (args, r.err)
    return r.out.strip()


def fails_with(text: str, *args: str) -> None:
    r = run_cli(*args)
    assert r.code != 0, args
    assert text in r.err, (args, r.err)


def trace_code(*args: str) -> int:
    return run_cli("trace", *args).code


def inside(ip: str, cidr: str) -> bool:
    return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr)


def subnet_id(rg: str, vnet: str, subnet: str) -> str:
    return ok("az", "network", "vnet", "subnet", "show", "-g", rg, "--vnet-name", vnet, "-n", subnet,
              "--query", "id", "-o", "tsv")


def vm_ip(rg: str, name: str) -> str:
    return ok("az", "vm", "list-ip-addresses", "-g", rg, "-n", name, "--query",
              "[0].virtualMachine.network.privateIpAddresses[0]", "-o", "tsv")


def pods(selector: str, namespace: str = "default") -> list[Any]:
    items = json.loads(ok("kubectl", "get", "pods", "-n", namespace, "-l", selector, "-o", "json"))["items"]
    assert items, selector
    return list(items)


def prefix_network(home: Path, rg: str, vnet: str, prefix: str, subnet: str, subnet_prefix: str) -> None:
    ok("az", "group", "create", "--name", rg, "--location", "eastus")
    ok("az", "network", "vnet", "create", "-g", rg, "-n", vnet, "--address-prefixes", prefix,
       "--subnet-name", subnet, "--subnet-prefixes", subnet_prefix)


def test_kubenet_in_own_subnet(home: Path) -> None:
    prefix_network(home, "aks-rg", "vNet_aks_useast", "10.0.0.0/8", "aks-subnet", "10.100.0.0/16")
    ok("az", "network", "nsg", "create", "-g", "aks-rg", "-n", "aks-nsg")
    ok("az", "network", "route-table", "create", "-g", "aks-rg", "-n", "aks-route-table")
    ok("az", "network", "vnet", "subnet", "update", "-g", "aks-rg", "--vnet-name", "vNet_aks_useast", "-n",
       "aks-subnet", "--network-security-group", "aks-nsg", "--route-table", "aks-route-table")
    ok("az", "aks", "create", "-g", "aks-rg", "-n", "aks-cluster", "--vnet-subnet-id",
       subnet_id("aks-rg", "vNet_aks_useast", "aks-subnet"), "--network-plugin", "kubenet", "--pod-cidr",
       "10.244.0.0/16", "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--node-count", "2",
       "--generate-ssh-keys")
    ok("az", "aks", "get-credentials", "-g", "aks-rg", "-n", "aks-cluster")
    nodes = json.loads(ok("kubectl", "get", "nodes", "-o", "json"))["items"]
    node_ips = [a["address"] for n in nodes for a in n["status"]["addresses"] if a["type"] == "InternalIP"]
    assert len(node_ips) == 2 and all(inside(ip, "10.100.0.0/16") for ip in node_ips)
    assert sorted(n["spec"]["podCIDR"] for n in nodes) == ["10.244.0.0/24", "10.244.1.0/24"]
    routes = json.loads(ok("az", "network", "route-table", "route", "list", "-g", "aks-rg", "--route-table-name",
                           "aks-route-table"))
    assert sorted(r["nextHopIpAddress"] for r in routes) == sorted(node_ips)
    assert {r["nextHopType"] for r in routes} == {"VirtualAppliance"}

    ok("kubectl", "create", "deployment", "web", "--image=nginx", "--replicas=4", "--port=80")
    by_node: dict[str, Any] = {}
    for p in pods("app=web"):
        by_node.setdefault(p["spec"]["nodeName"], p)
    spread = list(by_node.values())
    first, last = spread[0], spread[-1]
    assert first is not last, "the scheduler spreads the replicas over both nodes"
    assert trace_code(f"pod/{first['metadata']['name']}", f"pod/{last['metadata']['name']}",
                      "--port", "80") == 0

    ok("az", "vm", "create", "-g", "aks-rg", "-n", "testvm", "--vnet-name", "vNet_aks_useast", "--subnet",
       "aks-subnet", "--image", "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys")
    seen = ok("curl", "--from", f"pod/{first['metadata']['name']}", f"http://{vm_ip('aks-rg', 'testvm')}/")
    assert f"client_ip={first['status']['hostIP']}" in seen.splitlines()

    ok("kubectl", "expose", "deployment", "web", "--type", "LoadBalancer", "--port", "80")
    lb_ip = ok("kubectl", "get", "svc", "web", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}")
    assert trace_code("internet", lb_ip, "--port", "80") == 1, "the user's subnet NSG has no allow rule yet"
    ok("az", "network", "nsg", "rule", "create", "-g", "aks-rg", "--nsg-name", "aks-nsg", "-n", "allow-http",
       "--priority", "100", "--direction", "Inbound", "--access", "Allow", "--protocol", "Tcp",
       "--destination-port-ranges", "80", "--source-address-prefixes", "Internet")
    assert trace_code("internet", lb_ip, "--port", "80") == 0

    ok("az", "aks", "update", "-g", "aks-rg", "-n", "aks-cluster", "--api-server-authorized-ip-ranges",
       "39.100.100.100/32")
    fqdn = ok("az", "aks", "show", "-g", "aks-rg", "-n", "aks-cluster", "--query", "fqdn", "-o", "tsv")
    assert trace_code("internet/39.100.100.100", fqdn, "--port", "443") == 0
    assert trace_code("internet/8.8.8.8", fqdn, "--port", "443") == 1
    fails_with("InsufficientSubnetSize", "az", "aks", "scale", "-g", "aks-rg", "-n", "aks-cluster",
               "--node-count", "300")


def test_azure_cni_then_overlay(home: Path) -> None:
    prefix_network(home, "aks-rg", "vNet_aks_useast", "10.0.0.0/8", "aks-subnet", "10.100.0.0/16")
    subnet = subnet_id("aks-rg", "vNet_aks_useast", "aks-subnet")
    ok("az", "vm", "create", "-g", "aks-rg", "-n", "testvm", "--vnet-name", "vNet_aks_useast", "--subnet",
       "aks-subnet", "--image", "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys")
    vm = vm_ip("aks-rg", "testvm")
    common = ("--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--node-count", "2",
              "--generate-ssh-keys")
    ok("az", "aks", "create", "-g", "aks-rg", "-n", "aks-cluster", "--vnet-subnet-id", subnet,
       "--network-plugin", "azure", *common)
    assert ok("az", "aks", "show", "-g", "aks-rg", "-n", "aks-cluster", "--query", "agentPoolProfiles[0].maxPods",
              "-o", "tsv") == "30"
    ok("az", "aks", "get-credentials", "-g", "aks-rg", "-n", "aks-cluster")
    ok("kubectl", "create", "deployment", "web", "--image=nginx", "--replicas=3", "--port=80")
    web = pods("app=web")
    assert all(inside(p["status"]["podIP"], "10.100.0.0/16") for p in web)
    name, ip = web[0]["metadata"]["name"], web[0]["status"]["podIP"]
    assert f"client_ip={ip}" in ok("curl", "--from", f"pod/{name}", f"http://{vm}/").splitlines()
    assert trace_code("vm/testvm", ip, "--port", "80") == 0
    out_id = ok("az", "aks", "show", "-g", "aks-rg", "-n", "aks-cluster", "--query",
                "networkProfile.loadBalancerProfile.effectiveOutboundIPs[0].id", "-o", "tsv")
    out_ip = ok("az", "network", "public-ip", "show", "--ids", out_id, "--query", "ipAddress", "-o", "tsv")
    assert f"client_ip={out_ip}" in ok("curl", "--from", f"pod/{name}", "http://93.184.216.34/").splitlines()

    ok("az", "network", "vnet", "subnet", "create", "-g", "aks-rg", "--vnet-name", "vNet_aks_useast", "-n", "small",
       "--address-prefixes", "10.101.0.0/24")
    fails_with("310", "az", "aks", "create", "-g", "aks-rg", "-n", "too-big", "--vnet-subnet-id",
               subnet_id("aks-rg", "vNet_aks_useast", "small"), "--network-plugin", "azure", "--service-cidr",
               "10.33.0.0/16", "--dns-service-ip", "10.33.0.10", "--node-count", "10", "--generate-ssh-keys")
    assert "1,581" in ok("plan", "--network-plugin", "azure", "--node-count", "50", "--max-pods", "30")
    fails_with("ServiceCidrOverlapExistingSubnetsCidr", "az", "aks", "create", "-g", "aks-rg", "-n", "bad",
               "--vnet-subnet-id", subnet, "--network-plugin", "azure", "--service-cidr", "10.100.0.0/16",
               "--dns-service-ip", "10.100.0.10", "--generate-ssh-keys")
    ok("az", "aks", "delete", "-g", "aks-rg", "-n", "aks-cluster", "--yes")

    ok("az", "aks", "create", "-g", "aks-rg", "-n", "aks-cluster", "--vnet-subnet-id", subnet,
       "--network-plugin", "azure", "--network-plugin-mode", "overlay", "--pod-cidr", "172.17.0.0/16", *common)
    assert ok("az", "aks", "show", "-g", "aks-rg", "-n", "aks-cluster", "--query", "agentPoolProfiles[0].maxPods",
              "-o", "tsv") == "250"
    ok("az", "aks", "get-credentials", "-g", "aks-rg", "-n", "aks-cluster", "--overwrite-existing")
    ok("kubectl", "create", "deployment", "web", "--image=nginx", "--replicas=3", "--port=80")
    web = pods("app=web")
    assert all(inside(p["status"]["podIP"], "172.17.0.0/16") for p in web)
    name = web[0]["metadata"]["name"]
    assert f"client_ip={web[0]['status']['hostIP']}" in ok(
        "curl", "--from", f"pod/{name}", f"http://{vm}/").splitlines()
    assert trace_code("vm/testvm", web[0]["status"]["podIP"], "--port", "80") == 1


def test_policies_ingress_and_services(home: Path) -> None:
    prefix_network(home, "myResourceGroup", "myVnet", "10.240.0.0/16", "mySubnet", "10.240.0.0/22")
    ok("az", "vm", "create", "-g", "myResourceGroup", "-n", "jumpbox", "--vnet-name", "myVnet", "--subnet",
       "mySubnet", "--image", "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys")
    ok("az", "aks", "create", "-g", "myResourceGroup", "-n", "myAKSCluster", "--network-plugin", "kubenet",
       "--network-policy", "calico", "--vnet-subnet-id", subnet_id("myResourceGroup", "myVnet", "mySubnet"),
       "--pod-cidr", "10.244.0.0/16", "--service-cidr", "10.0.0.0/16", "--dns-service-ip", "10.0.0.10",
       "--generate-ssh-keys")
    ok("az", "aks", "get-credentials", "-g", "myResourceGroup", "-n", "myAKSCluster")
    ok("kubectl", "apply", "-f", str(MANIFESTS / "production-app.yaml"))
    fe, be = "deploy/production/frontend", "deploy/production/backend"
    assert trace_code(be, fe, "--port", "80") == 0, "no policy yet: everything is open"
    ok("kubectl", "apply", "-f", str(MANIFESTS / "network-policy.yaml"))
    table = [((fe, be, "--port", "8080"), 0), ((fe, "svc/production/backend-service:8080"), 0),
             ((fe, be, "--port", "9090"), 1), ((be, fe, "--port", "80"), 1),
             (("deploy/production/api", be, "--port", "8080"), 1)]
    assert [(a, trace_code(*a)) for a, _ in table] == table

    ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    ok("helm", "install", "nginx-ingress", "ingress-nginx/ingress-nginx", "--namespace", "ingress-basic",
       "--create-namespace", "--set", "controller.replicaCount=2")
    controller = "nginx-ingress-ingress-nginx-controller"
    assert ok("kubectl", "get", "deploy", "-n", "ingress-basic", controller, "-o",
              "jsonpath={.status.readyReplicas}") == "2"
    ingress_ip = ok("kubectl", "get", "svc", "-n", "ingress-basic", controller, "-o",
                    "jsonpath={.status.loadBalancer.ingress[0].ip}")
    key, crt = home / "tls.key", home / "tls.crt"
    home.mkdir(parents=True, exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-nodes", "-days", "2", "-newkey", "rsa:2048", "-subj",
                    "/CN=myapp.example.com", "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    ok("kubectl", "create", "secret", "tls", "tls-secret", "-n", "production", "--cert", str(crt), "--key", str(key))
    ok("kubectl", "apply", "-f", str(MANIFESTS / "ingress.yaml"))
    resolve = ("--resolve", f"myapp.example.com:443:{ingress_ip}", "--resolve", f"myapp.example.com:80:{ingress_ip}")

    def curl(*args: str) -> list[str]:
        return run_cli("curl", *resolve, "--from", "internet/203.0.113.7", *args).out.splitlines()

    assert not any(line.startswith("pod=") for line in curl("-k", "https://myapp.example.com/")), \
        "deny-all-ingress keeps the controller out of production"
    ok("kubectl", "apply", "-f", str(MANIFESTS / "allow-ingress-controller.yaml"))
    assert any(line.startswith("pod=production/frontend-") for line in curl("-k", "https://myapp.example.com/"))
    api = curl("-k", "https://myapp.example.com/api/users")
    assert any(line.startswith("pod=production/api-") for line in api) and "request_uri=/" in api
    redirect = curl("-i", "http://myapp.example.com/api")
    assert redirect[0].startswith("HTTP/1.1 308")
    assert any(line.lower().startswith("location: https://myapp.example.com/api") for line in redirect)
    assert "header.x-forwarded-for=203.0.113.7" not in curl("-k", "https://myapp.example.com/")
    ok("helm", "upgrade", "nginx-ingress", "ingress-nginx/ingress-nginx", "--namespace", "ingress-basic",
       "--reuse-values", "--set", "controller.service.externalTrafficPolicy=Local")
    assert "header.x-forwarded-for=203.0.113.7" in curl("-k", "https://myapp.example.com/")

    ok("kubectl", "apply", "-f", str(MANIFESTS / "internal-app.yaml"))
    ilb = ok("kubectl", "get", "svc", "internal-app", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}")
    assert inside(ilb, "10.240.0.0/22")
    assert (trace_code("vm/jumpbox", ilb, "--port", "80"), trace_code("internet", ilb, "--port", "80")) == (0, 1)
    ok("kubectl", "apply", "-f", str(MANIFESTS / "web-services.yaml"))
    node_ip = ok("kubectl", "get", "nodes", "-o",
                 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}')
    assert trace_code("vm/jumpbox", node_ip, "--port", "31000") == 0
    cluster_ip = ok("kubectl", "get", "svc", "web-clusterip", "-o", "jsonpath={.spec.clusterIP}")
    assert inside(cluster_ip, "10.0.0.0/16")
    assert trace_code("deploy/default/web", cluster_ip, "--port", "80") == 0
    assert trace_code("vm/jumpbox", cluster_ip, "--port", "80") == 1


def test_private_cluster(home: Path) -> None:
    prefix_network(home, "myResourceGroup", "myVnet", "10.1.0.0/16", "mySubnet", "10.1.0.0/20")
    subnet = subnet_id("myResourceGroup", "myVnet", "mySubnet")
    ok("az", "vm", "create", "-g", "myResourceGroup", "-n", "jumpbox", "--vnet-name", "myVnet", "--subnet",
       "mySubnet", "--image", "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys")
    ok("az", "aks", "create", "-g", "myResourceGroup", "-n", "myPrivateAKSCluster", "--load-balancer-sku",
       "standard", "--enable-private-cluster", "--network-plugin", "azure", "--vnet-subnet-id", subnet,
       "--dns-service-ip", "10.2.0.10", "--service-cidr", "10.2.0.0/24", "--generate-ssh-keys")
    show = ("az", "aks", "show", "-g", "myResourceGroup", "-n", "myPrivateAKSCluster", "--query")
    assert ok(*show, "apiServerAccessProfile.enablePrivateCluster", "-o", "tsv") == "true"
    fqdn = ok(*show, "privateFqdn", "-o", "tsv")
    assert fqdn.endswith(".privatelink.eastus.azmk8s.io")
    assert (trace_code("vm/jumpbox", fqdn, "--port", "443"), trace_code("internet", fqdn, "--port", "443")) == (0, 1)
    path = json.loads(ok("trace", "vm/jumpbox", fqdn, "--port", "443", "-o", "json"))
    assert inside(path["destination"]["ip"], "10.1.0.0/20"), "the private endpoint sits in the node subnet"
    fails_with("not supported for private cluster", "az", "aks", "update", "-g", "myResourceGroup", "-n",
               "myPrivateAKSCluster", "--api-server-authorized-ip-ranges", "39.100.100.100/32")
    fails_with("standard load balancer for private cluster", "az", "aks", "create", "-g", "myResourceGroup", "-n",
               "basicPrivate", "--load-balancer-sku", "basic", "--enable-private-cluster", "--network-plugin", "azure",
               "--vnet-subnet-id", subnet, "--service-cidr", "10.3.0.0/24", "--dns-service-ip", "10.3.0.10",
               "--generate-ssh-keys")

