"""ARM JSON documents (as ``az … show -o json`` prints them) → :mod:`aksnet.model.azure` objects.

This is the only place where ARM's camelCase wire names are read for the analyses. Every converter is
tolerant of the optional fields az omits (a subnet without an NSG, a public IP without a DNS label) and
accepts both the full document (``{"id":…, "properties": {…}}``) and the flattened shape az uses for some
child resources. It must not know any routing or security semantics and must not read the workspace.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from aksnet.io.arm_ids import parse_resource_id
from aksnet.model import azure
from aksnet.model.ids import id_key
from aksnet.rules.aks import DEFAULT_MAX_SURGE
from aksnet.rules.kubernetes import KUBELET_DEFAULT_MAX_PODS

Doc = Mapping[str, Any]

KIND_VNET = "microsoft.network/virtualnetworks"
KIND_NSG = "microsoft.network/networksecuritygroups"
KIND_ROUTE_TABLE = "microsoft.network/routetables"
KIND_PUBLIC_IP = "microsoft.network/publicipaddresses"
KIND_NAT_GATEWAY = "microsoft.network/natgateways"
KIND_NIC = "microsoft.network/networkinterfaces"
KIND_LB = "microsoft.network/loadbalancers"
KIND_PRIVATE_ENDPOINT = "microsoft.network/privateendpoints"
KIND_PRIVATE_LINK_SERVICE = "microsoft.network/privatelinkservices"
KIND_PRIVATE_DNS_ZONE = "microsoft.network/privatednszones"
KIND_PRIVATE_DNS_A = "microsoft.network/privatednszones/a"
KIND_PRIVATE_DNS_LINK = "microsoft.network/privatednszones/virtualnetworklinks"
KIND_VM = "microsoft.compute/virtualmachines"
KIND_VMSS_VM = "microsoft.compute/virtualmachinescalesets/virtualmachines"
KIND_MANAGED_CLUSTER = "microsoft.containerservice/managedclusters"


def _props(doc: Doc) -> Mapping[str, Any]:
    p = doc.get("properties")
    return p if isinstance(p, Mapping) else doc


def _ref(value: Any) -> str | None:
    """``{"id": "..."}`` → the ID; None for missing/empty references."""
    if isinstance(value, Mapping):
        rid = value.get("id")
        return str(rid) if rid else None
    return None


def _strs(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(str(v) for v in value if v not in (None, ""))


def _group(doc: Doc) -> str:
    rg = doc.get("resourceGroup")
    if rg:
        return str(rg)
    parsed = parse_resource_id(str(doc.get("id", "")))
    return parsed.resource_group if parsed else ""


def _prefixes(p: Mapping[str, Any], single: str, plural: str) -> tuple[str, ...]:
    many = _strs(p.get(plural))
    return many if many else _strs(p.get(single))


# -- security --------------------------------------------------------------------------------------------
def security_rule(doc: Doc, is_default: bool = False) -> azure.SecurityRule:
    """One ``securityRules[]``/``defaultSecurityRules[]`` element (singular and plural prefix fields merged)."""
    p = _props(doc)
    return azure.SecurityRule(
        name=str(doc.get("name", "")),
        priority=int(p.get("priority", 0)),
        direction=str(p.get("direction", "Inbound")),
        access=str(p.get("access", "Allow")),
        protocol=str(p.get("protocol", "*")),
        source_prefixes=_prefixes(p, "sourceAddressPrefix", "sourceAddressPrefixes") or ("*",),
        source_ports=_prefixes(p, "sourcePortRange", "sourcePortRanges") or ("*",),
        destination_prefixes=_prefixes(p, "destinationAddressPrefix", "destinationAddressPrefixes") or ("*",),
        destination_ports=_prefixes(p, "destinationPortRange", "destinationPortRanges") or ("*",),
        is_default=is_default,
    )


def network_security_group(doc: Doc) -> azure.NetworkSecurityGroup:
    p = _props(doc)
    return azure.NetworkSecurityGroup(
        id=str(doc["id"]),
        name=str(doc.get("name", "")),
        resource_group=_group(doc),
        location=str(doc.get("location", "")),
        rules=tuple(security_rule(r) for r in p.get("securityRules") or ()),
        default_rules=tuple(security_rule(r, True) for r in p.get("defaultSecurityRules") or ()),
    )


# -- routing ---------------------------------------------------------------------------------------------
def route(doc: Doc) -> azure.Route:
    p = _props(doc)
    hop_ip = p.get("nextHopIpAddress")
    return azure.Route(
        name=str(doc.get("name", "")),
        address_prefix=str(p.get("addressPrefix", "")),
        next_hop_type=str(p.get("nextHopType", "None")),
        next_hop_ip=str(hop_ip) if hop_ip else None,
    )


def route_table(doc: Doc) -> azure.RouteTable:
    p = _props(doc)
    return azure.RouteTable(
        id=str(doc["id"]),
        name=str(doc.get("name", "")),
        resource_group=_group(doc),
        routes=tuple(route(r) for r in p.get("routes") or ()),
        disable_bgp_route_propagation=bool(p.get("disableBgpRoutePropagation", False)),
    )


# -- virtual networks ------------------------------------------------------------------------------------
def subnet(doc: Doc, vnet_id: str) -> azure.Subnet:
    p = _props(doc)
    return azure.Subnet(
        id=str(doc.get("id") or f"{vnet_id}/subnets/{doc.get('name', '')}"),
        name=str(doc.get("name", "")),
        vnet_id=vnet_id,
        address_prefixes=_prefixes(p, "addressPrefix", "addressPrefixes"),
        nsg_id=_ref(p.get("networkSecurityGroup")),
        route_table_id=_ref(p.get("routeTable")),
        nat_gateway_id=_ref(p.get("natGateway")),
        delegations=tuple(
            str(_props(d).get("serviceName", "")) for d in p.get("delegations") or () if _props(d).get("serviceName")
        ),
    )


def vnet_peering(doc: Doc) -> azure.VnetPeering:
    p = _props(doc)
    remote_space = p.get("remoteAddressSpace") or {}
    return azure.VnetPeering(
        name=str(doc.get("name", "")),
        remote_vnet_id=_ref(p.get("remoteVirtualNetwork")) or "",
        remote_address_prefixes=_strs(remote_space.get("addressPrefixes")),
        allow_forwarded_traffic=bool(p.get("allowForwardedTraffic", False)),
        state=str(p.get("peeringState", "Connected")),
        allow_virtual_network_access=bool(p.get("allowVirtualNetworkAccess", True)),
    )


def virtual_network(doc: Doc) -> azure.VirtualNetwork:
    p = _props(doc)
    vid = str(doc["id"])
    return azure.VirtualNetwork(
        id=vid,
        name=str(doc.get("name", "")),
        resource_group=_group(doc),
        location=str(doc.get("location", "")),
        address_prefixes=_strs((p.get("addressSpace") or {}).get("addressPrefixes")),
        subnets=tuple(subnet(s, vid) for s in p.get("subnets") or ()),
        peerings=tuple(vnet_peering(x) for x in p.get("virtualNetworkPeerings") or ()),
        dns_servers=_strs((p.get("dhcpOptions") or {}).get("dnsServers")),
    )


# -- addresses -------------------------------------------------------------------------------------------
def public_ip(doc: Doc) -> azure.PublicIPAddress:
    p = _props(doc)
    dns = p.get("dnsSettings") or {}
    sku = doc.get("sku") or {}
    return azure.PublicIPAddress(
        id=str(doc["id"]),
        name=str(doc.get("name", "")),
        resource_group=_group(doc),
        ip_address=str(p.get("ipAddress", "") or ""),
        fqdn=str(dns["fqdn"]) if dns.get("fqdn") else None,
        sku=str(sku.get("name", "Standard")) if isinstance(sku, Mapping) else "Standard",
        tags=dict(doc.get("tags") or {}),
        location=str(doc.get("location", "")),
    )


def nat_gateway(doc: Doc) -> azure.NatGateway:
    p = _props(doc)
    return azure.NatGateway(
        id=str(doc["id"]),
        name=str(doc.get("name", "")),
        public_ip_ids=tuple(r for r in (_ref(x) for x in p.get("publicIpAddresses") or ()) if r),
    )


def network_interface(doc: Doc) -> azure.NetworkInterface:
    p = _props(doc)
    configs = []
    for i, c in enumerate(p.get("ipConfigurations") or ()):
        cp = _props(c)
        ip = cp.get("privateIPAddress") or cp.get("privateIpAddress")
        if not ip:
            continue
        configs.append(azure.NicIPConfiguration(
            name=str(c.get("name", f"ipconfig{i + 1}")),
            private_ip=str(ip),
            subnet_id=_ref(cp.get("subnet")) or "",
            public_ip_id=_ref(cp.get("publicIPAddress") or cp.get("publicIpAddress")),
            primary=bool(cp.get("primary", i == 0)),
        ))
    owner = _ref(p.get("virtualMachine"))
    return azure.NetworkInterface(
        id=str(doc["id"]),
        name=str(doc.get("name", "")),
        resource_group=_group(doc),
        ip_configurations=tuple(configs),
        nsg_id=_ref(p.get("networkSecurityGroup")),
        owner_id=owner,
        enable_ip_forwarding=bool(p.get("enableIPForwarding", p.get("enableIpForwarding", False))),
    )


def virtual_machine(doc: Doc) -> azure.VirtualMachine:
    """A VM or a VMSS instance: only its NICs matter to networking."""
    p = _props(doc)
    net = p.get("networkProfile") or {}
    return azure.VirtualMachine(
        id=str(doc["id"]),
        name=str(doc.get("name", "")),
        resource_group=_group(doc),
        nic_ids=tuple(r for r in (_ref(n) for n in net.get("networkInterfaces") or ()) if r),
    )


# -- load balancers --------------------------------------------------------------------------------------
def _probe_name(value: Any) -> str | None:
    rid = _ref(value)
    return rid.rsplit("/", 1)[-1] if rid else None


def load_balancer(doc: Doc, ipconfig_ips: Mapping[str, str] | None = None) -> azure.LoadBalancer:
    """``ipconfig_ips`` maps lower-cased NIC ipConfiguration IDs to their private IPs, so that pools listed
    by ``backendIPConfigurations`` (how AKS fills its node pools) resolve to node addresses."""
    p = _props(doc)
    lid = str(doc["id"])
    ipconfig_ips = ipconfig_ips or {}
    frontends = []
    for f in p.get("frontendIPConfigurations") or ():
        fp = _props(f)
        ip = fp.get("privateIPAddress") or fp.get("privateIpAddress")
        frontends.append(azure.FrontendIPConfiguration(
            id=str(f.get("id") or f"{lid}/frontendIPConfigurations/{f.get('name', '')}"),
            name=str(f.get("name", "")),
            private_ip=str(ip) if ip else None,
            subnet_id=_ref(fp.get("subnet")),
            public_ip_id=_ref(fp.get("publicIPAddress") or fp.get("publicIpAddress")),
        ))
    pools = []
    for b in p.get("backendAddressPools") or ():
        bp = _props(b)
        ips: list[str] = []
        for a in bp.get("loadBalancerBackendAddresses") or ():
            ip = _props(a).get("ipAddress")
            if ip:
                ips.append(str(ip))
        for ref in bp.get("backendIPConfigurations") or ():
            rid = _ref(ref)
            if rid and id_key(rid) in ipconfig_ips:
                ips.append(ipconfig_ips[id_key(rid)])
        pools.append(azure.BackendAddressPool(
            id=str(b.get("id") or f"{lid}/backendAddressPools/{b.get('name', '')}"),
            name=str(b.get("name", "")),
            ip_addresses=tuple(dict.fromkeys(ips)),
        ))
    rules = []
    for r in p.get("loadBalancingRules") or ():
        rp = _props(r)
        rules.append(azure.LoadBalancingRule(
            name=str(r.get("name", "")),
            frontend_id=_ref(rp.get("frontendIPConfiguration")) or "",
            backend_pool_id=_ref(rp.get("backendAddressPool")) or "",
            protocol=str(rp.get("protocol", "Tcp")),
            frontend_port=int(rp.get("frontendPort", 0)),
            backend_port=int(rp.get("backendPort", 0)),
            enable_floating_ip=bool(rp.get("enableFloatingIP", False)),
            probe_name=_probe_name(rp.get("probe")),
            load_distribution=str(rp.get("loadDistribution", "Default")),
            disable_outbound_snat=bool(rp.get("disableOutboundSnat", False)),
            idle_timeout_minutes=int(rp.get("idleTimeoutInMinutes", 4)),
        ))
    probes = []
    for pr in p.get("probes") or ():
        pp = _props(pr)
        path = pp.get("requestPath")
        probes.append(azure.Probe(
            name=str(pr.get("name", "")),
            protocol=str(pp.get("protocol", "Tcp")),
            port=int(pp.get("port", 0)),
            request_path=str(path) if path else None,
            interval_seconds=int(pp.get("intervalInSeconds", 5)),
            number_of_probes=int(pp.get("numberOfProbes", 2)),
        ))
    outbound = []
    for o in p.get("outboundRules") or ():
        op = _props(o)
        outbound.append(azure.OutboundRule(
            name=str(o.get("name", "")),
            frontend_ids=tuple(r for r in (_ref(x) for x in op.get("frontendIPConfigurations") or ()) if r),
            backend_pool_id=_ref(op.get("backendAddressPool")) or "",
            allocated_outbound_ports=int(op.get("allocatedOutboundPorts", 0)),
            protocol=str(op.get("protocol", "All")),
        ))
    sku = doc.get("sku") or {}
    return azure.LoadBalancer(
        id=lid,
        name=str(doc.get("name", "")),
        resource_group=_group(doc),
        sku=str(sku.get("name", "Standard")) if isinstance(sku, Mapping) else "Standard",
        frontends=tuple(frontends),
        backend_pools=tuple(pools),
        rules=tuple(rules),
        probes=tuple(probes),
        outbound_rules=tuple(outbound),
    )


# -- private link ----------------------------------------------------------------------------------------
def private_endpoint(doc: Doc, nic_ips: Mapping[str, str] | None = None) -> azure.PrivateEndpoint | None:
    """A private endpoint; its address comes from ``customDnsConfigs``/``ipConfigurations`` or its NIC.
    None when no address is known (the endpoint is not provisioned)."""
    p = _props(doc)
    ip = ""
    for c in p.get("customDnsConfigs") or ():
        addrs = _strs(c.get("ipAddresses"))
        if addrs:
            ip = addrs[0]
            break
    if not ip:
        for c in p.get("ipConfigurations") or ():
            v = _props(c).get("privateIPAddress")
            if v:
                ip = str(v)
                break
    if not ip and nic_ips:
        for n in p.get("networkInterfaces") or ():
            rid = _ref(n)
            if rid and id_key(rid) in nic_ips:
                ip = nic_ips[id_key(rid)]
                break
    if not ip:
        return None
    target, status = "", "Approved"
    for conn in list(p.get("privateLinkServiceConnections") or ()) + list(
            p.get("manualPrivateLinkServiceConnections") or ()):
        t = _props(conn).get("privateLinkServiceId")
        if t:
            target = str(t)
            state = _props(conn).get("privateLinkServiceConnectionState") or {}
            status = str(state.get("status") or "Approved") if isinstance(state, dict) else "Approved"
            break
    return azure.PrivateEndpoint(
        id=str(doc["id"]), name=str(doc.get("name", "")), subnet_id=_ref(p.get("subnet")) or "",
        private_ip=ip, target_id=target, connection_status=status,
    )


def private_link_service(doc: Doc) -> azure.PrivateLinkService:
    """A Private Link service: its load balancer frontend, NAT addresses (primary first) and PROXY protocol."""
    p = _props(doc)
    frontends = [r for r in (_ref(f) for f in p.get("loadBalancerFrontendIpConfigurations") or ()) if r]
    configs = sorted(p.get("ipConfigurations") or (), key=lambda c: not _props(c).get("primary"))
    ips = tuple(str(_props(c).get("privateIPAddress")) for c in configs if _props(c).get("privateIPAddress"))
    subnet = next((_ref(_props(c).get("subnet")) for c in configs if _ref(_props(c).get("subnet"))), "")
    return azure.PrivateLinkService(
        id=str(doc["id"]), name=str(doc.get("name", "")), frontend_id=frontends[0] if frontends else "",
        nat_ips=ips, nat_subnet_id=subnet or "", proxy_protocol=bool(p.get("enableProxyProtocol")),
    )


def private_dns_zone(doc: Doc, records: Mapping[str, tuple[str, ...]] | None = None,
                     links: tuple[str, ...] = ()) -> azure.PrivateDnsZone:
    """A private DNS zone. A records and VNet links are separate ARM resources; they are passed in, and
    any embedded ``aRecords``/``virtualNetworkLinks`` lists (the shape some exports use) are merged."""
    p = _props(doc)
    a: dict[str, tuple[str, ...]] = dict(records or {})
    for rec in p.get("aRecords") or p.get("records") or ():
        rp = _props(rec)
        name = str(rec.get("name", "@"))
        ips = tuple(str(x.get("ipv4Address")) for x in rp.get("aRecords") or () if x.get("ipv4Address"))
        if ips:
            a[name] = a.get(name, ()) + ips
    linked = list(links)
    for link in p.get("virtualNetworkLinks") or ():
        rid = _ref(_props(link).get("virtualNetwork"))
        if rid:
            linked.append(rid)
    return azure.PrivateDnsZone(id=str(doc["id"]), name=str(doc.get("name", "")), a_records=a,
                                linked_vnet_ids=tuple(dict.fromkeys(linked)))


def a_record_set(doc: Doc) -> tuple[str, tuple[str, ...]]:
    """A ``privateDnsZones/A`` record set → (relative name, IPv4 addresses)."""
    p = _props(doc)
    ips = tuple(str(x.get("ipv4Address")) for x in p.get("aRecords") or () if x.get("ipv4Address"))
    return str(doc.get("name", "@")), ips


def vnet_link_target(doc: Doc) -> str | None:
    return _ref(_props(doc).get("virtualNetwork"))


# -- AKS -------------------------------------------------------------------------------------------------
def _taints(value: Any) -> tuple[str, ...]:
    return _strs(value)


def agent_pool(doc: Doc) -> azure.AgentPool:
    p = _props(doc)
    return azure.AgentPool(
        name=str(doc.get("name", "")),
        count=int(p.get("count", 0) or 0),
        max_pods=int(p.get("maxPods") or KUBELET_DEFAULT_MAX_PODS),
        vnet_subnet_id=str(p.get("vnetSubnetId") or p.get("vnetSubnetID") or ""),
        mode=str(p.get("mode", "System")),
        os_type=str(p.get("osType", "Linux")),
        vm_size=str(p.get("vmSize", "Standard_DS2_v2")),
        pod_subnet_id=str(p["podSubnetId"]) if p.get("podSubnetId") else None,
        max_surge=str((p.get("upgradeSettings") or {}).get("maxSurge") or DEFAULT_MAX_SURGE),
        enable_auto_scaling=bool(p.get("enableAutoScaling", False)),
        min_count=p.get("minCount"),
        max_count=p.get("maxCount"),
        node_labels=dict(p.get("nodeLabels") or {}),
        node_taints=_taints(p.get("nodeTaints")),
    )


def emulated_api_server_ip(cluster: Doc | str) -> str:
    """The public address of a cluster's hosted API server: on AKS a Microsoft-owned public IP that is not part
    of the ARM resource, so the emulation derives a stable address in 20.40.0.1–20.59.255.254 (Azure public space) from
    the FQDN (lower-cased: DNS names are case-insensitive), or from the resource ID for a cluster without a
    public FQDN. ``cluster`` is the managed cluster's ARM document (nested ``properties`` or az's flattened
    view) or the FQDN itself. The single source of this address: the ``kubernetes`` Service endpoint
    (aksnet.twin.kube.netinfo.api_server_address), the loader's fallback (below) and so ``aksnet trace
    internet <fqdn>`` all use it."""
    if isinstance(cluster, str):
        key = cluster
    else:
        key = str(_props(cluster).get("fqdn") or cluster.get("id") or "")
    h = hashlib.sha256(key.lower().encode()).digest()
    return f"20.{40 + h[0] % 20}.{h[1]}.{1 + h[2] % 254}"


def managed_cluster(doc: Doc) -> azure.ManagedCluster:
    p = _props(doc)
    np_ = p.get("networkProfile") or {}
    lbp = np_.get("loadBalancerProfile") or {}
    natp = np_.get("natGatewayProfile") or {}
    out_ids = tuple(r for r in (_ref(x) for x in lbp.get("effectiveOutboundIPs") or ()) if r)
    if not out_ids:
        out_ids = tuple(r for r in (_ref(x) for x in natp.get("effectiveOutboundIPs") or ()) if r)
    api = p.get("apiServerAccessProfile") or {}
    fqdn = p.get("fqdn")
    private = bool(api.get("enablePrivateCluster", False))
    profile = azure.NetworkProfile(
        network_plugin=str(np_.get("networkPlugin", "kubenet")),
        network_plugin_mode=str(np_["networkPluginMode"]) if np_.get("networkPluginMode") else None,
        network_policy=str(np_["networkPolicy"]) if np_.get("networkPolicy") else None,
        network_dataplane=str(np_["networkDataplane"]) if np_.get("networkDataplane") else None,
        pod_cidr=str(np_["podCidr"]) if np_.get("podCidr") else None,
        service_cidr=str(np_.get("serviceCidr") or "10.0.0.0/16"),
        # az's spelling, the one the workspace stores; ARM's wire name only for files given to --from-dir
        # (``az rest`` output / exported templates), as agent_pool accepts vnetSubnetID
        dns_service_ip=str(np_.get("dnsServiceIp") or np_.get("dnsServiceIP") or "10.0.0.10"),
        outbound_type=str(np_.get("outboundType") or "loadBalancer"),
        load_balancer_sku=str(np_.get("loadBalancerSku") or "standard"),
        effective_outbound_ip_ids=out_ids,
        nat_gateway_id=None,
        ip_families=tuple(str(f) for f in np_.get("ipFamilies") or ("IPv4",)),
        pod_cidrs=tuple(str(c) for c in np_.get("podCidrs") or ()),
        service_cidrs=tuple(str(c) for c in np_.get("serviceCidrs") or ()),
    )
    return azure.ManagedCluster(
        id=str(doc["id"]),
        name=str(doc.get("name", "")),
        resource_group=_group(doc),
        location=str(doc.get("location", "")),
        node_resource_group=str(p.get("nodeResourceGroup", "")),
        network_profile=profile,
        agent_pools=tuple(agent_pool(a) for a in p.get("agentPoolProfiles") or ()),
        fqdn=str(fqdn) if fqdn else None,
        private_fqdn=str(p["privateFqdn"]) if p.get("privateFqdn") else None,
        enable_private_cluster=private,
        authorized_ip_ranges=_strs(api.get("authorizedIpRanges")),
        kubernetes_version=str(p.get("kubernetesVersion", "") or ""),
        api_server_public_ip=str(p.get("aksnetApiServerIp") or "") or (emulated_api_server_ip(doc) if fqdn
                                                                      else None),
    )
