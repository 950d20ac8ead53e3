"""``aksnet matrix --path``: the path engine (``aksnet.engine.walk``) plugged into the matrix.

Builds what :func:`aksnet.analyses.matrix.stream_matrix` takes: a filter for every policy-allowed pair, extra
source peers (the internet client, VMs) and extra targets (load balancer frontends). A walk's verdict beyond
the policies (routes, NSGs, kube-proxy, SNAT) depends on where the source stands — its node (pods), or the
internet client or VM itself — and on the destination address, port and protocol, so each verdict is
memoised under that key: a workload with a thousand replicas on ten nodes is walked ten times per
destination port, not a thousand. The policy hop inside the walk is never what the memo decides: a walk is
only asked for a port the pair's own policies allow. Pure: model in, closures out.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.analyses.matrix import Connection, ExtraPeer, ExtraTargets, MatrixPeer, PathFilter, workload_key
from aksnet.engine.netpol.conns import NONE, ConnSet, conns, union_all
from aksnet.model.ids import id_key
from aksnet.model.k8s import Pod
from aksnet.model.twin import ClusterState, Twin
from aksnet.rules.emulation import DEFAULT_INTERNET_CLIENT as INTERNET_PEER_IP


@dataclass(slots=True)
class PathPlugin:
    """What the path engine adds to a matrix: a filter for every pair, extra source peers (the internet,
    VMs) and extra targets (load balancer frontends, reached on their rules' frontend ports)."""

    filter: PathFilter
    extra_peers: list[ExtraPeer]
    targets: ExtraTargets


def walk_path_plugin(twin: Twin, cluster: ClusterState) -> PathPlugin:
    """Walk pairs through the path engine: routes, NSGs, kube-proxy, SNAT and the NetworkPolicy hops, from one
    representative of the source to one pod of the destination, on every destination container port the
    policies allow (only a declared container port can answer); pairs whose destination is not a pod keep the
    policy answer. Adds the ``internet`` client that ``aksnet trace internet`` uses and every VM that is not a
    node as sources, and every load balancer frontend (on each load-balancing rule's frontend port and
    protocol) as a target."""
    from aksnet.engine.addressing import Topology
    from aksnet.engine.walk import Site, Walker

    topo = Topology.build(twin, cluster.cluster.id if cluster.cluster else None)
    topo.state = cluster  # walk with the cluster as given (its policy_engine may come from --engine)
    walker = Walker(topo)
    by_name: dict[str, list[Pod]] = {}
    for p in cluster.pods:
        wk = workload_key(p)
        by_name.setdefault(f"{wk[0]}/{wk[2]}[{wk[1]}]", []).append(p)
        by_name.setdefault(f"{p.namespace}/{p.name}[Pod]", []).append(p)
    node_ips = {n.internal_ip for n in topo.nodes.values()}
    vm_sites: dict[str, Site] = {}
    for vm in twin.vms:
        nic = topo.nic_of_vm(vm)
        if nic is not None and nic.primary_ip and nic.primary_ip not in node_ips:
            vm_sites[f"vm/{vm.name}"] = Site("vm", nic.primary_ip, vm.name, vm=vm, nic=nic)

    def rep(name: str) -> Pod | None:
        return next((p for p in by_name.get(name, ()) if p.pod_ip and p.node_name), None)

    sites: dict[str, tuple[Site, tuple[str, str]] | None] = {}

    def site(peer: MatrixPeer) -> tuple[Site, tuple[str, str]] | None:
        """The walk's start for ``peer`` and where it stands (the memo key's source part)."""
        if peer.name in sites:
            return sites[peer.name]
        found: tuple[Site, tuple[str, str]] | None = None
        if peer.kind == "extra":
            if peer.name.startswith("internet/"):
                found = (Site("internet", INTERNET_PEER_IP, peer.name), ("internet", peer.name))
            elif peer.name in vm_sites:
                found = (vm_sites[peer.name], ("vm", peer.name))
        else:
            pod = rep(peer.name)
            node = topo.nodes.get(pod.node_name or "") if pod is not None else None
            if pod is not None and pod.pod_ip is not None and node is not None:
                where = ("host" if pod.host_network else "node", node.name)
                found = (Site("pod", pod.pod_ip, pod.key, pod=pod, node=node), where)
        sites[peer.name] = found
        return found

    verdicts: dict[tuple[tuple[str, str], str, int, str], bool] = {}

    def delivered(start: tuple[Site, tuple[str, str]], ip: str, port: int, proto: str) -> bool:
        key = (start[1], ip, port, proto)
        hit = verdicts.get(key)
        if hit is None:
            hit = verdicts[key] = walker.walk(start[0], ip, port, proto).delivered
        return hit

    def path(src: MatrixPeer, dst: MatrixPeer, allowed: ConnSet) -> ConnSet:
        dpod = rep(dst.name) if dst.kind in ("workload", "pod") else None
        start = site(src)
        if dpod is None or dpod.pod_ip is None or start is None:
            return allowed
        out = NONE
        for cp in dpod.ports:
            if allowed.allows(cp.protocol, cp.container_port) and \
                    delivered(start, dpod.pod_ip, cp.container_port, cp.protocol):
                out = out | conns(cp.protocol, cp.container_port)
        return out

    frontends = []
    for ip, (lb, fe) in sorted(topo.frontend_by_ip.items()):
        ports = [(proto, r.frontend_port) for r in lb.rules if id_key(r.frontend_id) == id_key(fe.id)
                 for proto in (("TCP", "UDP") if r.protocol.upper() == "ALL" else (r.protocol.upper(),))]
        if ports:
            frontends.append((MatrixPeer(f"lb/{lb.name}/{fe.name}[{ip}]", "extra"), ip, sorted(set(ports))))

    def targets(src: MatrixPeer) -> list[Connection]:
        start = site(src)
        if start is None:
            return []
        out: list[Connection] = []
        for peer, ip, ports in frontends:
            c = union_all(conns(proto, port) for proto, port in ports if delivered(start, ip, port, proto))
            if c is not NONE:
                out.append((src, peer, c))
        return out

    extra = [ExtraPeer(f"internet/{INTERNET_PEER_IP}", INTERNET_PEER_IP)]
    extra += [ExtraPeer(name, st.ip) for name, st in sorted(vm_sites.items())]
    return PathPlugin(path, extra, targets)

