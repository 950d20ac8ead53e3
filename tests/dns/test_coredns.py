"""CoreDNS kubernetes plugin answers (kubernetes.io/docs/concepts/services-networking/dns-pod-service;
coredns/coredns plugin/kubernetes style: qname, qtype → rcode and
records) and the pod's stub resolver (search list, ndots:5, glibc order)."""

from __future__ import annotations

import pytest

from aksnet.engine import coredns
from aksnet.model import azure, k8s
from aksnet.model.twin import ClusterState

SUBNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/aks"
CLUSTER = azure.ManagedCluster(
    id="/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c", name="c",
    resource_group="rg", location="eastus", node_resource_group="MC_rg_c_eastus",
    network_profile=azure.NetworkProfile(network_plugin="kubenet", service_cidr="10.0.0.0/16",
                                         dns_service_ip="10.0.0.10"),
    agent_pools=(azure.AgentPool(name="nodepool1", count=1, max_pods=110, vnet_subnet_id=SUBNET),))


def _slice(svc: str, ns: str, eps: list[tuple[str, bool, str | None]]) -> k8s.EndpointSlice:
    return k8s.EndpointSlice(ns, f"{svc}-abcde", svc, tuple(k8s.Endpoint(ip, ready=r, hostname=h) for ip, r, h in eps),
                             (k8s.EndpointPort(80, "TCP", "http"),))


STATE = ClusterState(
    cluster=CLUSTER,
    namespaces=(k8s.Namespace("default"), k8s.Namespace("testns"), k8s.Namespace("kube-system")),
    services=(
        k8s.Service("testns", "svc1", cluster_ip="10.0.0.1",
                    ports=(k8s.ServicePort(80, "TCP", "http"), k8s.ServicePort(53, "UDP", None)), selector={}),
        k8s.Service("testns", "svcempty", cluster_ip="10.0.0.2", ports=(k8s.ServicePort(80, "TCP", "http"),),
                    selector={"app": "none"}),
        k8s.Service("testns", "hdls1", cluster_ip="None", ports=(k8s.ServicePort(80, "TCP", "http"),),
                    selector={"app": "db"}),
        k8s.Service("testns", "hdlsempty", cluster_ip="None", ports=(k8s.ServicePort(80, "TCP", "http"),),
                    selector={"app": "none"}),
        k8s.Service("testns", "external", type="ExternalName", external_name="ext.interwebs.test"),
        k8s.Service("testns", "internal-cname", type="ExternalName", external_name="svc1.testns.svc.cluster.local"),
        k8s.Service("kube-system", "kube-dns", cluster_ip="10.0.0.10",
                    ports=(k8s.ServicePort(53, "UDP", "dns"), k8s.ServicePort(53, "TCP", "dns-tcp"))),
    ),
    endpoint_slices=(
        _slice("svc1", "testns", [("10.244.0.5", True, None)]),
        _slice("hdls1", "testns", [("10.244.1.2", True, "db-0"), ("10.244.1.3", True, None),
                                   ("10.244.1.4", False, None)]),
    ),
)
UPSTREAM = {"ext.interwebs.test": ("203.0.113.9",), "www.example.com": ("93.184.216.34",)}

LOOKUPS: list[tuple[str, str, str, list[str]]] = [
    ("svc1.testns.svc.cluster.local.", "A", "NOERROR", ["svc1.testns.svc.cluster.local.\t30\tIN\tA\t10.0.0.1"]),
    ("SVC1.TestNS.svc.Cluster.Local", "A", "NOERROR", ["svc1.testns.svc.cluster.local.\t30\tIN\tA\t10.0.0.1"]),
    ("svcempty.testns.svc.cluster.local", "A", "NOERROR",
     ["svcempty.testns.svc.cluster.local.\t30\tIN\tA\t10.0.0.2"]),
    ("svc1.testns.svc.cluster.local", "AAAA", "NOERROR", []),
    ("nosvc.testns.svc.cluster.local", "A", "NXDOMAIN", []),
    ("svc1.nons.svc.cluster.local", "A", "NXDOMAIN", []),
    ("_http._tcp.svc1.testns.svc.cluster.local", "SRV", "NOERROR",
     ["_http._tcp.svc1.testns.svc.cluster.local.\t30\tIN\tSRV\t0 100 80 svc1.testns.svc.cluster.local."]),
    ("_dns._udp.svc1.testns.svc.cluster.local", "SRV", "NXDOMAIN", []),  # unnamed ports have no SRV
    ("hdls1.testns.svc.cluster.local", "A", "NOERROR",
     ["hdls1.testns.svc.cluster.local.\t30\tIN\tA\t10.244.1.2",
      "hdls1.testns.svc.cluster.local.\t30\tIN\tA\t10.244.1.3"]),
    ("hdlsempty.testns.svc.cluster.local", "A", "NXDOMAIN", []),
    ("db-0.hdls1.testns.svc.cluster.local", "A", "NOERROR",
     ["db-0.hdls1.testns.svc.cluster.local.\t30\tIN\tA\t10.244.1.2"]),
    ("10-244-1-3.hdls1.testns.svc.cluster.local", "A", "NOERROR",
     ["10-244-1-3.hdls1.testns.svc.cluster.local.\t30\tIN\tA\t10.244.1.3"]),
    ("10-244-1-4.hdls1.testns.svc.cluster.local", "A", "NXDOMAIN", []),  # not ready
    ("10-244-0-5.svc1.testns.svc.cluster.local", "A", "NOERROR",
     ["10-244-0-5.svc1.testns.svc.cluster.local.\t30\tIN\tA\t10.244.0.5"]),
    ("_http._tcp.hdls1.testns.svc.cluster.local", "SRV", "NOERROR",
     ["_http._tcp.hdls1.testns.svc.cluster.local.\t30\tIN\tSRV\t0 50 80 db-0.hdls1.testns.svc.cluster.local.",
      "_http._tcp.hdls1.testns.svc.cluster.local.\t30\tIN\tSRV\t0 50 80 10-244-1-3.hdls1.testns.svc.cluster.local."]),
    ("external.testns.svc.cluster.local", "CNAME", "NOERROR",
     ["external.testns.svc.cluster.local.\t30\tIN\tCNAME\text.interwebs.test."]),
    ("external.testns.svc.cluster.local", "A", "NOERROR",
     ["external.testns.svc.cluster.local.\t30\tIN\tCNAME\text.interwebs.test.",
      "ext.interwebs.test.\t30\tIN\tA\t203.0.113.9"]),
    ("internal-cname.testns.svc.cluster.local", "A", "NOERROR",
     ["internal-cname.testns.svc.cluster.local.\t30\tIN\tCNAME\tsvc1.testns.svc.cluster.local.",
      "svc1.testns.svc.cluster.local.\t30\tIN\tA\t10.0.0.1"]),
    ("10-244-9-9.testns.pod.cluster.local", "A", "NOERROR",
     ["10-244-9-9.testns.pod.cluster.local.\t30\tIN\tA\t10.244.9.9"]),
    ("10-244-9-9.nons.pod.cluster.local", "A", "NXDOMAIN", []),
    ("1.0.0.10.in-addr.arpa", "PTR", "NOERROR",
     ["1.0.0.10.in-addr.arpa.\t30\tIN\tPTR\tsvc1.testns.svc.cluster.local."]),
    ("2.1.244.10.in-addr.arpa", "PTR", "NOERROR",
     ["2.1.244.10.in-addr.arpa.\t30\tIN\tPTR\tdb-0.hdls1.testns.svc.cluster.local."]),
    ("dns-version.cluster.local", "TXT", "NOERROR", ['dns-version.cluster.local.\t30\tIN\tTXT\t"1.0.1"']),
    ("testns.svc.cluster.local", "A", "NOERROR", []),  # an empty non-terminal: NODATA, not NXDOMAIN
    ("www.example.com", "A", "NOERROR", ["www.example.com.\t30\tIN\tA\t93.184.216.34"]),
    ("nowhere.example.org", "A", "NXDOMAIN", []),
]


@pytest.mark.parametrize(("qname", "qtype", "rcode", "answer"), LOOKUPS,
                         ids=[f"{q}/{t}" for q, t, _, _ in LOOKUPS])
def test_lookup(qname: str, qtype: str, rcode: str, answer: list[str]) -> None:
    res = coredns.lookup(STATE, qname, qtype, UPSTREAM)
    assert (res.rcode, [r.text() for r in res.answer]) == (rcode, answer)


def test_srv_answer_carries_the_target_address() -> None:
    res = coredns.lookup(STATE, "_http._tcp.svc1.testns.svc.cluster.local", "SRV")
    assert [r.text() for r in res.additional] == ["svc1.testns.svc.cluster.local.\t30\tIN\tA\t10.0.0.1"]


SEARCH = ("testns.svc.cluster.local", "svc.cluster.local", "cluster.local")
RESOLVE: list[tuple[str, str, list[str], str]] = [
    ("svc1", "NOERROR", ["svc1.testns.svc.cluster.local"], "10.0.0.1"),
    ("svc1.testns", "NOERROR", ["svc1.testns.testns.svc.cluster.local", "svc1.testns.svc.cluster.local"], "10.0.0.1"),
    ("kube-dns.kube-system", "NOERROR",
     ["kube-dns.kube-system.testns.svc.cluster.local", "kube-dns.kube-system.svc.cluster.local"], "10.0.0.10"),
    ("nosuch", "NXDOMAIN", ["nosuch.testns.svc.cluster.local", "nosuch.svc.cluster.local", "nosuch.cluster.local",
                            "nosuch"], ""),
    ("www.example.com", "NOERROR", ["www.example.com.testns.svc.cluster.local", "www.example.com.svc.cluster.local",
                                    "www.example.com.cluster.local", "www.example.com"], "93.184.216.34"),
    ("svc1.testns.svc.cluster.local.", "NOERROR", ["svc1.testns.svc.cluster.local"], "10.0.0.1"),
    ("a.b.c.d.e.example", "NXDOMAIN", ["a.b.c.d.e.example", "a.b.c.d.e.example.testns.svc.cluster.local",
                                       "a.b.c.d.e.example.svc.cluster.local", "a.b.c.d.e.example.cluster.local"], ""),
]


@pytest.mark.parametrize(("name", "rcode", "tried", "ip"), RESOLVE, ids=[r[0] for r in RESOLVE])
def test_resolve_with_search_path(name: str, rcode: str, tried: list[str], ip: str) -> None:
    ans = coredns.resolve(STATE, name, "A", search=SEARCH, upstream=UPSTREAM)
    assert ans.rcode == rcode
    assert [t for t, _ in ans.tried] == tried
    assert ans.addresses == ((ip,) if ip else ())


def test_resolve_outside_zone_without_upstream_defers_to_caller() -> None:
    ans = coredns.resolve(STATE, "myapp.eastus.cloudapp.azure.com")
    assert ans.rcode == "NXDOMAIN" and not ans.authoritative and ans.ips is None
    assert coredns.resolve(STATE, "nosvc.testns.svc.cluster.local").ips == ()


def test_pod_resolv_conf() -> None:
    pod = k8s.Pod("testns", "client")
    text = coredns.pod_resolv_conf(STATE, pod)
    lines = text.splitlines()
    assert lines[0].startswith("search testns.svc.cluster.local svc.cluster.local cluster.local ")
    assert lines[0].endswith(".internal.cloudapp.net")
    assert lines[1:] == ["nameserver 10.0.0.10", "options ndots:5"]
    host = coredns.pod_resolv_conf(STATE, k8s.Pod("testns", "h", host_network=True))
    assert "nameserver 168.63.129.16" in host and "svc.cluster.local" not in host
    assert coredns.node_search_domain(STATE) == coredns.node_search_domain(STATE)


def test_host_network_pod_asks_azure_dns() -> None:
    ans = coredns.resolve(STATE, "svc1.testns.svc.cluster.local", upstream=UPSTREAM, cluster_dns=False)
    assert (ans.rcode, ans.server, ans.authoritative) == ("NXDOMAIN", "168.63.129.16", False)
    assert coredns.resolve(STATE, "www.example.com", upstream=UPSTREAM, cluster_dns=False).addresses == (
        "93.184.216.34",)
