"""Who owns an address: the indexes the path engine builds once per twin (IP → pod, node, VM NIC, LB
frontend, public IP, ClusterIP, private endpoint, API server, or the internet).

Built once from an immutable :class:`~aksnet.model.twin.Twin` and one focused cluster (the current
context's); every look-up afterwards is a dict access. This module must not decide reachability.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aksnet.model import azure, k8s
from aksnet.model.ids import IdKey, id_key
from aksnet.model.twin import ClusterState, Twin
from aksnet.rules.azure import in_internet_tag

if TYPE_CHECKING:
    from aksnet.model.firewall import AzureFirewall


def is_internet_address(ip: str) -> bool:
    """A public (internet-routable) address: IPv4 inside the service tag ``Internet`` of no VNet; IPv6 a global
    unicast address (2000::/3, RFC 4291 §2.4 — unique local fc00::/7 and the rest stay private)."""
    return in_internet_tag(ipaddress.ip_address(ip))


@dataclass(frozen=True, slots=True)
class Owner:
    """What sits behind an address. ``kind``: pod, node, vm, lb-frontend, public-ip, cluster-ip, external-ip,
    private-endpoint, apiserver, internet, unknown."""

    kind: str
    ip: str
    name: str = ""
    pod: k8s.Pod | None = None
    node: k8s.Node | None = None
    vm: azure.VirtualMachine | None = None
    nic: azure.NetworkInterface | None = None
    service: k8s.Service | None = None
    lb: azure.LoadBalancer | None = None
    frontend: azure.FrontendIPConfiguration | None = None
    public_ip: azure.PublicIPAddress | None = None
    private_endpoint: azure.PrivateEndpoint | None = None
    cluster: azure.ManagedCluster | None = None


@dataclass
class Topology:
    """Indexes over one twin, focused on one cluster for Kubernetes names."""

    twin: Twin
    state: ClusterState
    subnets: dict[IdKey, azure.Subnet] = field(default_factory=dict)
    vnet_of_subnet: dict[IdKey, azure.VirtualNetwork] = field(default_factory=dict)
    vnets: dict[IdKey, azure.VirtualNetwork] = field(default_factory=dict)
    nsgs: dict[IdKey, azure.NetworkSecurityGroup] = field(default_factory=dict)
    route_tables: dict[IdKey, azure.RouteTable] = field(default_factory=dict)
    public_ips: dict[IdKey, azure.PublicIPAddress] = field(default_factory=dict)
    public_ip_by_address: dict[str, azure.PublicIPAddress] = field(default_factory=dict)
    nat_gateways: dict[IdKey, azure.NatGateway] = field(default_factory=dict)
    nics: dict[IdKey, azure.NetworkInterface] = field(default_factory=dict)
    # an address → the NIC holding it, preferring the focused cluster's VNets (unpeered VNets may overlap)
    nic_by_ip: dict[str, tuple[azure.NetworkInterface, azure.NicIPConfiguration]] = field(default_factory=dict)
    nics_at: dict[str, list[tuple[azure.NetworkInterface, azure.NicIPConfiguration]]] = field(default_factory=dict)
    vm_by_nic: dict[IdKey, azure.VirtualMachine] = field(default_factory=dict)
    vms_by_name: dict[str, list[azure.VirtualMachine]] = field(default_factory=dict)
    frontend_by_ip: dict[str, tuple[azure.LoadBalancer, azure.FrontendIPConfiguration]] = field(default_factory=dict)
    private_endpoint_by_ip: dict[str, azure.PrivateEndpoint] = field(default_factory=dict)
    pods: dict[str, k8s.Pod] = field(default_factory=dict)
    pod_by_ip: dict[str, k8s.Pod] = field(default_factory=dict)
    nodes: dict[str, k8s.Node] = field(default_factory=dict)
    node_by_ip: dict[str, k8s.Node] = field(default_factory=dict)
    namespaces: dict[str, k8s.Namespace] = field(default_factory=dict)
    services: dict[str, k8s.Service] = field(default_factory=dict)
    service_by_ip: dict[str, k8s.Service] = field(default_factory=dict)
    service_by_external_ip: dict[str, list[k8s.Service]] = field(default_factory=dict)
    slices_by_service: dict[str, list[k8s.EndpointSlice]] = field(default_factory=dict)
    pods_by_namespace: dict[str, list[k8s.Pod]] = field(default_factory=dict)
    host_network_pods: dict[str, list[k8s.Pod]] = field(default_factory=dict)  # node name → hostNetwork pods
    api_public_ip: dict[str, azure.ManagedCluster] = field(default_factory=dict)
    firewall_by_ip: dict[str, AzureFirewall] = field(default_factory=dict)  # private IP → Azure Firewall
    firewall_by_public_ip: dict[str, AzureFirewall] = field(default_factory=dict)

    @property
    def cluster(self) -> azure.ManagedCluster | None:
        return self.state.cluster

    # -- construction --------------------------------------------------------------------------------
    @classmethod
    def build(cls, twin: Twin, cluster_id: str | None = None) -> Topology:
        state = _pick_cluster(twin.clusters, cluster_id)
        t = cls(twin=twin, state=state)
        for v in twin.vnets:
            t.vnets[id_key(v.id)] = v
            for s in v.subnets:
                t.subnets[id_key(s.id)] = s
                t.vnet_of_subnet[id_key(s.id)] = v
        t.nsgs = {id_key(n.id): n for n in twin.nsgs}
        t.route_tables = {id_key(r.id): r for r in twin.route_tables}
        t.public_ips = {id_key(p.id): p for p in twin.public_ips}
        t.public_ip_by_address = {p.ip_address: p for p in twin.public_ips if p.ip_address}
        t.nat_gateways = {id_key(n.id): n for n in twin.nat_gateways}
        t.firewall_by_ip = {f.private_ip: f for f in twin.firewalls if f.private_ip}
        t.firewall_by_public_ip = {ip: f for f in twin.firewalls for ip in f.public_ips}
        home = t.cluster_vnet_ids()
        for nic in sorted(twin.nics, key=lambda n: t.vnet_id_of_nic(n) not in home):
            t.nics[id_key(nic.id)] = nic
            for c in nic.ip_configurations:
                t.nic_by_ip.setdefault(c.private_ip, (nic, c))
                t.nics_at.setdefault(c.private_ip, []).append((nic, c))
        for vm in twin.vms:
            t.vms_by_name.setdefault(vm.name.lower(), []).append(vm)
            for nid in vm.nic_ids:
                t.vm_by_nic[id_key(nid)] = vm
        for nic in twin.nics:
            if nic.owner_id and id_key(nic.id) not in t.vm_by_nic:
                owner = next((v for v in twin.vms if id_key(v.id) == id_key(nic.owner_id)), None)
                if owner:
                    t.vm_by_nic[id_key(nic.id)] = owner
        for lb in twin.load_balancers:
            for f in lb.frontends:
                ip = f.private_ip
                if f.public_ip_id and id_key(f.public_ip_id) in t.public_ips:
                    ip = t.public_ips[id_key(f.public_ip_id)].ip_address
                if ip:
                    t.frontend_by_ip.setdefault(ip, (lb, f))
        t.private_endpoint_by_ip = {p.private_ip: p for p in twin.private_endpoints}
        for cs in twin.clusters:
            if cs.cluster and cs.cluster.api_server_public_ip:
                t.api_public_ip[cs.cluster.api_server_public_ip] = cs.cluster
        t._index_cluster()
        return t

    def _index_cluster(self) -> None:
        s = self.state
        self.namespaces = {n.name: n for n in s.namespaces}
        self.nodes = {n.name: n for n in s.nodes}
        self.node_by_ip = {ip: n for n in s.nodes for ip in (n.internal_ips or (n.internal_ip,)) if ip}
        # One pass over every pod of the cluster (10,000s): names bound locally, Pod.key spelled inline.
        pods, by_ns, by_ip, host = self.pods, self.pods_by_namespace, self.pod_by_ip, self.host_network_pods
        for p in s.pods:
            ns = p.namespace
            pods[f"{ns}/{p.name}"] = p
            same = by_ns.get(ns)
            if same is None:
                by_ns[ns] = [p]
            else:
                same.append(p)
            if p.host_network:
                if p.node_name and p.phase == "Running":
                    host.setdefault(p.node_name, []).append(p)
            elif p.pod_ip and p.phase in ("Running", "Pending"):
                for ip in p.pod_ips or (p.pod_ip,):  # dual-stack: the IPv6 address names the pod too
                    if ip not in by_ip:
                        by_ip[ip] = p
        for svc in s.services:
            self.services[svc.key] = svc
            for ip in svc.cluster_ips or ((svc.cluster_ip,) if svc.cluster_ip else ()):
                if ip != "None":
                    self.service_by_ip[ip] = svc
            for ip in (*svc.external_ips, *svc.load_balancer_ingress):
                self.service_by_external_ip.setdefault(ip, []).append(svc)
        for es in s.endpoint_slices:
            self.slices_by_service.setdefault(f"{es.namespace}/{es.service_name}", []).append(es)

    # -- VNets: separate worlds -------------------------------------------------------------------------
    def vnet_id_of_nic(self, nic: azure.NetworkInterface) -> IdKey:
        """The ID key of the VNet the NIC's first IP configuration is in (the empty key if unknown)."""
        sid = id_key(nic.ip_configurations[0].subnet_id if nic.ip_configurations else None)
        v = self.vnet_of_subnet.get(sid)
        return id_key(v.id if v else None)

    def cluster_vnet_ids(self) -> set[IdKey]:
        """The VNets of the focused cluster's node pools (and pod subnets)."""
        mc = self.cluster
        out: set[IdKey] = set()
        for a in mc.agent_pools if mc else ():
            for sid in (a.vnet_subnet_id, a.pod_subnet_id):
                v = self.vnet_of_subnet.get(id_key(sid))
                if v is not None:
                    out.add(id_key(v.id))
        return out

    def reachable_vnet_ids(self, vnet: azure.VirtualNetwork) -> set[IdKey]:
        """The VNets whose addresses a packet in ``vnet`` can reach: the VNet and its Connected peerings that
        allow VNet access. Unpeered VNets never see each other's NICs, NSGs or routes, even with the same
        address space (learn.microsoft.com/azure/virtual-network/virtual-networks-overview: a VNet is
        isolated; virtual-network-peering-overview)."""
        out = {id_key(vnet.id)}
        for p in vnet.peerings:
            if p.state.lower() == "connected" and p.allow_virtual_network_access:
                out.add(id_key(p.remote_vnet_id))
        return out

    def nic_in(self, ip: str, vnet_ids: set[IdKey]) -> tuple[azure.NetworkInterface, azure.NicIPConfiguration] | None:
        """The NIC that holds ``ip`` within ``vnet_ids`` (None: no NIC there holds it)."""
        for nic, c in self.nics_at.get(ip, ()):
            if self.vnet_of_subnet.get(id_key(c.subnet_id)) is not None and \
                    id_key(self.vnet_of_subnet[id_key(c.subnet_id)].id) in vnet_ids:
                return nic, c
        return None

    def firewall_vnet(self, fw: AzureFirewall) -> azure.VirtualNetwork | None:
        """The VNet of the firewall's AzureFirewallSubnet."""
        sid = next((c.subnet_id for c in fw.ip_configurations if c.subnet_id), None)
        return self.vnet_of_subnet.get(id_key(sid)) if sid else None

    def firewall_in(self, ip: str, vnet_ids: set[IdKey]) -> AzureFirewall | None:
        """The Azure Firewall whose private IP is ``ip`` within ``vnet_ids`` (its AzureFirewallSubnet's VNet)."""
        fw = self.firewall_by_ip.get(ip)
        vnet = self.firewall_vnet(fw) if fw else None
        return fw if vnet is not None and id_key(vnet.id) in vnet_ids else None

    def owner_in(self, ip: str, scope: set[IdKey]) -> Owner:
        """:meth:`owner` limited to the VNets of ``scope``: a pod, private frontend or private endpoint of a VNet
        outside it is not there (an unpeered VNet with the same addresses)."""
        owner = self.owner(ip)
        where: IdKey | None = None
        if owner.kind == "pod" and owner.node is not None:
            nic = self.nic_of_node(owner.node)
            where = self.vnet_id_of_nic(nic) if nic else id_key(None)
        elif owner.kind == "lb-frontend" and owner.frontend is not None and owner.public_ip is None:
            v = self.vnet_of_subnet.get(id_key(owner.frontend.subnet_id))
            where = id_key(v.id if v else None)
        elif owner.kind == "private-endpoint" and owner.private_endpoint is not None:
            v = self.vnet_of_subnet.get(id_key(owner.private_endpoint.subnet_id))
            where = id_key(v.id if v else None)
        if where is not None and where not in scope:
            return Owner("unknown", ip, ip)
        return owner

    def node_of_nic(self, nic: azure.NetworkInterface) -> k8s.Node | None:
        """The focused cluster's node behind ``nic`` (None: a VM, or a node of another cluster)."""
        node = self.node_by_ip.get(nic.primary_ip)
        if node is None:
            return None
        mine = self.nic_of_node(node)
        return node if mine is not None and id_key(mine.id) == id_key(nic.id) else None

    # -- look-ups ------------------------------------------------------------------------------------
    def vm_named(self, name: str) -> azure.VirtualMachine | None:
        found = self.vms_by_name.get(name.lower(), [])
        return found[0] if found else None

    def nic_of_vm(self, vm: azure.VirtualMachine) -> azure.NetworkInterface | None:
        for nid in vm.nic_ids:
            nic = self.nics.get(id_key(nid))
            if nic is not None and nic.ip_configurations:
                return nic
        return None

    def nic_of_node(self, node: k8s.Node) -> azure.NetworkInterface | None:
        hit = self.nic_by_ip.get(node.internal_ip)
        return hit[0] if hit else None

    def subnet_of_ip(self, ip: str) -> azure.Subnet | None:
        hit = self.nic_by_ip.get(ip)
        if hit:
            return self.subnets.get(id_key(hit[1].subnet_id))
        pe = self.private_endpoint_by_ip.get(ip)
        if pe:
            return self.subnets.get(id_key(pe.subnet_id))
        fe = self.frontend_by_ip.get(ip)
        if fe and fe[1].subnet_id:
            return self.subnets.get(id_key(fe[1].subnet_id))
        addr = ipaddress.ip_address(ip)
        for s in self.subnets.values():
            for p in s.address_prefixes:
                net = ipaddress.ip_network(p, strict=False)
                if net.version == addr.version and addr in net:
                    return s
        return None

    def owner(self, ip: str) -> Owner:
        """Classify a destination address (focused cluster first, then Azure, then the internet)."""
        if ip in self.pod_by_ip:
            p = self.pod_by_ip[ip]
            return Owner("pod", ip, p.key, pod=p, node=self.nodes.get(p.node_name or ""), cluster=self.cluster)
        if ip in self.service_by_ip:
            svc = self.service_by_ip[ip]
            return Owner("cluster-ip", ip, svc.key, service=svc, cluster=self.cluster)
        if ip in self.node_by_ip:
            n = self.node_by_ip[ip]
            hit = self.nic_by_ip.get(ip)
            return Owner("node", ip, n.name, node=n, nic=hit[0] if hit else None, cluster=self.cluster)
        if ip in self.frontend_by_ip:
            lb, f = self.frontend_by_ip[ip]
            pip = self.public_ips.get(id_key(f.public_ip_id))
            return Owner("lb-frontend", ip, f"{lb.name}/{f.name}", lb=lb, frontend=f, public_ip=pip)
        if ip in self.private_endpoint_by_ip:
            pe = self.private_endpoint_by_ip[ip]
            mc = next((c.cluster for c in self.twin.clusters
                       if c.cluster and pe.target_id and id_key(c.cluster.id) == id_key(pe.target_id)), None)
            return Owner("private-endpoint", ip, pe.name, private_endpoint=pe, cluster=mc)
        if ip in self.api_public_ip:
            mc = self.api_public_ip[ip]
            return Owner("apiserver", ip, mc.fqdn or mc.name, cluster=mc)
        if ip in self.nic_by_ip:
            nic, _ = self.nic_by_ip[ip]
            vm = self.vm_by_nic.get(id_key(nic.id))
            return Owner("vm", ip, vm.name if vm else nic.name, vm=vm, nic=nic)
        if ip in self.public_ip_by_address:
            pip = self.public_ip_by_address[ip]
            return Owner("public-ip", ip, pip.name, public_ip=pip)
        if ip in self.service_by_external_ip:
            svc = self.service_by_external_ip[ip][0]
            return Owner("external-ip", ip, svc.key, service=svc, cluster=self.cluster)
        if is_internet_address(ip):
            return Owner("internet", ip, ip)
        return Owner("unknown", ip, ip)

    def nic_with_public_ip(self, ip: str) -> tuple[azure.NetworkInterface, azure.NicIPConfiguration] | None:
        pip = self.public_ip_by_address.get(ip)
        if pip is None:
            return None
        for nic in self.nics.values():
            for c in nic.ip_configurations:
                if c.public_ip_id and id_key(c.public_ip_id) == id_key(pip.id):
                    return nic, c
        return None

    def workload_pods(self, kind: str, namespace: str, name: str) -> list[k8s.Pod]:
        """Pods whose top owner is the workload (Deployment, StatefulSet, DaemonSet), by name."""
        return sorted((p for p in self.pods_by_namespace.get(namespace, ())
                       if p.owner_kind == kind and p.owner_name == name), key=lambda p: p.name)


def _pick_cluster(clusters: Iterable[ClusterState], cluster_id: str | None) -> ClusterState:
    cs = list(clusters)
    if cluster_id:
        for c in cs:
            if c.cluster and id_key(c.cluster.id) == id_key(cluster_id):
                return c
    return cs[0] if cs else ClusterState(cluster=None)
