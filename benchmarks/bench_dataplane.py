"""The real data plane at scale: ``up`` of a kubenet cluster of 3 nodes / 60 pods / 20 Services / 10
NetworkPolicies (target < 10 s), ``verify`` of its full flow matrix (target < 60 s) and ``down`` (target < 3 s),
then the same at 5 nodes / 250 pods as the peer, so the ratios show how the costs grow. Needs root (network
namespaces); the synthetic twin is built from model objects (no workspace). Fails (exit 1) when a target
is missed at the base size.

Run: ``sudo python benchmarks/bench_dataplane.py [--nodes 3 --pods 60] [--peer-nodes 5 --peer-pods 250]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from aksnet.dataplane import apply, names, record, verify
from aksnet.dataplane.cleanup import down
from aksnet.dataplane.plan import build_plan
from aksnet.engine.addressing import Topology
from aksnet.model import azure, k8s
from aksnet.model.twin import ClusterState, Twin

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
RG = f"{SUB}/resourceGroups/rg"
VNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet"
SUBNET = f"{VNET}/subnets/aks"
RT = f"{RG}/providers/Microsoft.Network/routeTables/rt"
NSG = f"{RG}/providers/Microsoft.Network/networkSecurityGroups/nsg"
APPS = 10
TARGETS = {"up": 10.0, "verify_all_pods": 60.0, "down": 3.0}


def synthetic_twin(nodes: int, pods: int, services: int = 20, policies: int = 10) -> Twin:
    """``pods`` pods of ``APPS`` apps spread round-robin over ``nodes`` kubenet nodes; 2 Services per app
    (ClusterIP and NodePort, port 80 and 8080); one policy per app (first ``policies`` apps): ingress only
    from the previous app on TCP 80."""
    node_objs, nics, routes, pod_objs, eps = [], [], [], [], []
    for i in range(nodes):
        ip, cidr = f"10.100.0.{4 + i}", f"10.244.{i}.0/24"
        node_objs.append(k8s.Node(f"node{i}", ip, cidr))
        nics.append(azure.NetworkInterface(f"{RG}/providers/Microsoft.Network/networkInterfaces/n{i}", f"n{i}", "rg",
                                           (azure.NicIPConfiguration("ipconfig1", ip, SUBNET),),
                                           enable_ip_forwarding=True))  # AKS node NICs forward
        routes.append(azure.Route(f"node{i}", cidr, "VirtualAppliance", ip))
    per_node = [0] * nodes
    for k in range(pods):
        i = k % nodes
        per_node[i] += 1
        app = f"app{k % APPS}"
        ip = f"10.244.{i}.{9 + per_node[i]}"
        pod_objs.append(k8s.Pod("default", f"{app}-{k}", {"app": app}, f"u{k}", f"node{i}", ip,
                                node_objs[i].internal_ip, ports=(k8s.ContainerPort(80), k8s.ContainerPort(8080))))
        eps.append((app, k8s.Endpoint(ip, node_name=f"node{i}", pod=f"default/{app}-{k}")))
    svcs, slices = [], []
    for s in range(services):
        app = f"app{s % APPS}"
        typ = "ClusterIP" if s < APPS else "NodePort"
        port = 80 if s < APPS else 8080
        svcs.append(k8s.Service("default", f"svc{s}", typ, f"10.32.0.{10 + s}",
                                (k8s.ServicePort(port, target_port=port,
                                                 node_port=30000 + s if typ == "NodePort" else None),),
                                {"app": app}, external_traffic_policy="Cluster" if typ == "NodePort" else None))
        slices.append(k8s.EndpointSlice("default", f"svc{s}-x", f"svc{s}", tuple(e for a, e in eps if a == app),
                                        (k8s.EndpointPort(port),)))
    pols = tuple(k8s.NetworkPolicy("default", f"pol{p}", k8s.LabelSelector({"app": f"app{p}"}), ("Ingress",),
                                   (k8s.NetworkPolicyRule((k8s.NetworkPolicyPeer(
                                       pod_selector=k8s.LabelSelector({"app": f"app{(p - 1) % APPS}"})),),
                                       (k8s.NetworkPolicyPort("TCP", 80),)),)) for p in range(policies))
    vm_nic = azure.NetworkInterface(f"{RG}/providers/Microsoft.Network/networkInterfaces/vm", "vm", "rg",
                                    (azure.NicIPConfiguration("ipconfig1", "10.100.1.4", SUBNET),))
    subnet = azure.Subnet(SUBNET, "aks", VNET, ("10.100.0.0/16",), NSG, RT)
    profile = azure.NetworkProfile("kubenet", network_policy="calico", pod_cidr="10.244.0.0/16",
                                   service_cidr="10.32.0.0/16", dns_service_ip="10.32.0.10")
    mc = azure.ManagedCluster(f"{RG}/providers/Microsoft.ContainerService/managedClusters/aks", "aks", "rg", "eastus",
                              "MC_rg", profile, (azure.AgentPool("pool", nodes, 110, SUBNET),))
    state = ClusterState(mc, (k8s.Namespace("default"),), tuple(node_objs), tuple(pod_objs), tuple(svcs),
                         tuple(slices), pols, policy_engine="calico")
    return Twin("0", (azure.VirtualNetwork(VNET, "vnet", "rg", "eastus", ("10.0.0.0/8",), (subnet,)),),
                (azure.NetworkSecurityGroup(NSG, "nsg", "rg"),), (azure.RouteTable(RT, "rt", "rg", tuple(routes)),),
                nics=(*nics, vm_nic),
                vms=(azure.VirtualMachine(f"{RG}/providers/Microsoft.Compute/virtualMachines/vm", "vm", "rg",
                                          (vm_nic.id,)),), clusters=(state,))


def measure(nodes: int, pods: int, exhaustive: bool = False) -> dict[str, float]:
    twin = synthetic_twin(nodes, pods)
    home = Path(tempfile.mkdtemp(prefix="aksnet-bench-"))
    tag = names.workspace_tag(home)
    out: dict[str, float] = {}
    try:
        t0 = time.monotonic()
        plan = build_plan(twin, tag)
        out["plan"] = time.monotonic() - t0
        with record.opened(home, tag) as state:
            apply.apply_plan(home, plan, state)
        out["up"] = time.monotonic() - t0
        t1 = time.monotonic()
        with record.opened(home, tag) as state:
            apply.apply_plan(home, build_plan(twin, tag), state)
        out["up_again"] = time.monotonic() - t1
        topo = Topology.build(twin)
        t2 = time.monotonic()
        checks = verify.checks_for(topo)
        rep = verify.run_checks(topo, tag, checks)
        out["verify"] = time.monotonic() - t2
        out["flows"] = rep.checks
        out["disagree"] = len(rep.disagreements)
        if exhaustive:
            t4 = time.monotonic()
            full = verify.run_checks(topo, tag, verify.checks_for(topo, exhaustive=True))
            out["verify_all_pods"] = time.monotonic() - t4
            out["flows_all_pods"] = full.checks
        out["namespaces"] = len(plan.units)
    finally:
        t3 = time.monotonic()
        down(home, tag)
        out["down"] = time.monotonic() - t3
        shutil.rmtree(home, ignore_errors=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nodes", type=int, default=3)
    ap.add_argument("--pods", type=int, default=60)
    ap.add_argument("--peer-nodes", type=int, default=5)
    ap.add_argument("--peer-pods", type=int, default=250)
    args = ap.parse_args()
    base = measure(args.nodes, args.pods, exhaustive=True)
    print(f"base done: up {base['up']:.2f} s, verify {base['verify']:.2f} s ({base['flows']:.0f} flows), "
          f"down {base['down']:.2f} s", flush=True)
    peer = measure(args.peer_nodes, args.peer_pods)
    print(f"{'':28}{args.nodes} nodes/{args.pods} pods   {args.peer_nodes} nodes/{args.peer_pods} pods   ratio")
    for key in ("namespaces", "flows", "disagree", "plan", "up", "up_again", "verify", "flows_all_pods",
                "verify_all_pods", "down"):
        b, p = base.get(key, 0.0), peer.get(key, 0.0)
        unit = "" if key in ("namespaces", "flows", "disagree", "flows_all_pods") else " s"
        ratio = f"{p / b:6.1f}x" if b else "    -"
        target = f"  (target < {TARGETS[key]:.0f} s)" if key in TARGETS else ""
        print(f"{key:28}{b:10.2f}{unit:2}        {p:10.2f}{unit:2}        {ratio}{target}")
    missed = [k for k, limit in TARGETS.items() if base[k] > limit]
    if missed:
        print("MISSED: " + ", ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
