"""Benchmark: one ``trace`` on a 10,000-pod / 1,000-policy / 100-namespace kubenet cluster.

Builds a synthetic twin (100 nodes × 100 pods, 100 namespaces with 10 NetworkPolicies and 10 Services each,
one route per node, AKS's NSGs), builds the path engine's indexes once, then times a cross-node
pod → Service trace (DNS, kube-proxy, egress policy, UDR routing, NSGs, ingress policy, delivery).
Two peers, measured in the same run: the same walk over a topology whose address look-ups are naive linear
scans, and the same walk with the indexes rebuilt for every trace (what a one-shot tool pays per question).
Target: the indexed trace under 50 ms.

Run: ``python benchmarks/bench_trace.py``.
"""

from __future__ import annotations

import statistics
import time

from aksnet.analyses.trace import trace
from aksnet.engine.addressing import Owner, Topology
from aksnet.engine.walk import Walker
from aksnet.io.arm_ids import resource_id
from aksnet.model import azure, k8s
from aksnet.model.twin import ClusterState, Twin

NODES, PODS_PER_NODE, NAMESPACES, POLICIES_PER_NS, SERVICES_PER_NS = 100, 100, 100, 10, 10
RG, MC = "rg", "MC_rg_big_eastus"


def build_twin() -> Twin:
    vid = resource_id(RG, "Microsoft.Network", "virtualNetworks", "vnet")
    sid = f"{vid}/subnets/aks"
    rt_id = resource_id(RG, "Microsoft.Network", "routeTables", "rt")
    nsg_id = resource_id(MC, "Microsoft.Network", "networkSecurityGroups", "aks-agentpool-1-nsg")
    subnet = azure.Subnet(sid, "aks", vid, ("10.240.0.0/16",), route_table_id=rt_id)
    vnet = azure.VirtualNetwork(vid, "vnet", RG, "eastus", ("10.240.0.0/16",), (subnet,))
    nodes, nics, routes = [], [], []
    for n in range(NODES):
        ip = f"10.240.{n // 200}.{4 + n % 200}"
        name = f"aks-nodepool1-1-vmss{n:06d}"
        nodes.append(k8s.Node(name, ip, f"10.244.{n}.0/24"))
        nics.append(azure.NetworkInterface(f"{sid}/nic{n}", f"nic{n}", MC, (
            azure.NicIPConfiguration("ipconfig1", ip, sid),), nsg_id=nsg_id, enable_ip_forwarding=True))
        routes.append(azure.Route(name, f"10.244.{n}.0/24", "VirtualAppliance", ip))
    namespaces = [k8s.Namespace(f"ns-{i}", {"kubernetes.io/metadata.name": f"ns-{i}", "team": f"t{i % 7}"})
                  for i in range(NAMESPACES)]
    pods = []
    for n in range(NODES):
        for j in range(PODS_PER_NODE):
            k = n * PODS_PER_NODE + j
            ns = f"ns-{k % NAMESPACES}"
            app = f"app-{(k // NAMESPACES) % SERVICES_PER_NS}"
            pods.append(k8s.Pod(ns, f"pod-{k}", {"app": app, "tier": f"tier{k % 3}"}, node_name=nodes[n].name,
                                pod_ip=f"10.244.{n}.{10 + j}", ports=(k8s.ContainerPort(8080, name="http"),),
                                owner_kind="Deployment", owner_name=app))
    services, policies = [], []
    for i in range(NAMESPACES):
        ns = f"ns-{i}"
        for s in range(SERVICES_PER_NS):
            services.append(k8s.Service(ns, f"app-{s}", cluster_ip=f"10.0.{i}.{10 + s}",
                                        ports=(k8s.ServicePort(80, target_port="http"),), selector={"app": f"app-{s}"}))
        for p in range(POLICIES_PER_NS):
            policies.append(k8s.NetworkPolicy(ns, f"pol-{p}", k8s.LabelSelector({"app": f"app-{p}"}),
                                              ("Ingress",), (k8s.NetworkPolicyRule(
                                                  (k8s.NetworkPolicyPeer(namespace_selector=k8s.LabelSelector(
                                                      {"team": f"t{p % 7}"})),),
                                                  (k8s.NetworkPolicyPort("TCP", 8080),)),)))
    cluster = azure.ManagedCluster(
        resource_id(RG, "Microsoft.ContainerService", "managedClusters", "big"), "big", RG, "eastus", MC,
        azure.NetworkProfile("kubenet", pod_cidr="10.244.0.0/16", network_policy="calico"),
        (azure.AgentPool("nodepool1", NODES, 110, sid),))
    state = ClusterState(cluster, tuple(namespaces), tuple(nodes), tuple(pods), tuple(services), (),
                         tuple(policies), policy_engine="calico")
    return Twin(vnets=(vnet,), nsgs=(azure.NetworkSecurityGroup(nsg_id, "aks-agentpool-1-nsg", MC),),
                route_tables=(azure.RouteTable(rt_id, "rt", RG, tuple(routes)),), nics=tuple(nics),
                clusters=(state,))


class NaiveTopology(Topology):
    """The peer: the same engine, but every address look-up scans the objects linearly."""

    def owner(self, ip: str) -> Owner:
        for p in self.state.pods:
            if p.pod_ip == ip and not p.host_network:
                return Owner("pod", ip, p.key, pod=p, node=next(n for n in self.state.nodes if n.name == p.node_name))
        for s in self.state.services:
            if s.cluster_ip == ip:
                return Owner("cluster-ip", ip, s.key, service=s)
        for n in self.state.nodes:
            if n.internal_ip == ip:
                nic = next((x for x in self.twin.nics if x.primary_ip == ip), None)
                return Owner("node", ip, n.name, node=n, nic=nic)
        return super().owner(ip)


def _time(fn: object, runs: int) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    t0 = time.perf_counter()
    twin = build_twin()
    topo = Topology.build(twin)
    naive = NaiveTopology.build(twin)
    walker, naive_walker = Walker(topo), Walker(naive)
    build_ms = (time.perf_counter() - t0) * 1000
    src, dst = "pod/ns-4/pod-4", "svc/ns-57/app-4:80"  # allowed by ns-57/pol-4 (namespaces of team t4)

    def indexed() -> None:
        r = trace(topo, src, dst, walker=walker)
        assert r.walks

    def linear() -> None:
        r = trace(naive, src, dst, walker=naive_walker)
        assert r.walks

    def rebuilt() -> None:
        t = Topology.build(twin)
        r = trace(t, src, dst, walker=Walker(t))
        assert r.walks

    indexed()  # warm the per-subnet route and tag caches, as a second trace in the same process would
    linear()
    fast = _time(indexed, 20)
    slow = _time(linear, 5)
    rebuild = _time(rebuilt, 3)
    verdict = trace(topo, src, dst, walker=walker).verdict
    print(f"cluster: {len(twin.clusters[0].pods)} pods, {len(twin.clusters[0].network_policies)} policies, "
          f"{NAMESPACES} namespaces, {NODES} nodes (twin + indexes built in {build_ms:.0f} ms)")
    print(f"trace {src} → {dst}: {verdict}")
    print(f"indexed trace: {fast:.2f} ms (median of 20)  target < 50 ms: {'OK' if fast < 50 else 'SLOW'}")
    print(f"peer (linear-scan look-ups): {slow:.2f} ms (median of 5)  ratio: {slow / fast:.1f}x")
    print(f"peer (indexes rebuilt for every trace): {rebuild:.2f} ms (median of 3)  ratio: {rebuild / fast:.1f}x")


if __name__ == "__main__":
    main()
