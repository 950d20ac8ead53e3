"""A small builder of workspace documents (ARM JSON as az prints it, Kubernetes JSON as kubectl prints it)
for the path engine's tests and golden scenarios: the shapes the resource providers and controllers write,
so that ``load_twin`` and the walk are tested from the workspace up, independently of the az/kubectl fronts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aksnet.io.arm_ids import resource_id
from aksnet.store import Workspace

Doc = dict[str, Any]
NET = "Microsoft.Network"


def _ref(rid: str | None) -> Doc | None:
    return {"id": rid} if rid else None


@dataclass
class World:
    arm: list[tuple[str, Doc]] = field(default_factory=list)
    k8s: list[tuple[str, str, Doc]] = field(default_factory=list)  # (kind, key, doc)
    cluster_id: str = ""
    _vnets: dict[str, Doc] = field(default_factory=dict)
    _nsgs: dict[str, Doc] = field(default_factory=dict)
    _rts: dict[str, Doc] = field(default_factory=dict)
    _lbs: dict[str, Doc] = field(default_factory=dict)

    # -- Azure ------------------------------------------------------------------------------------
    def vnet(self, rg: str, name: str, prefixes: list[str], subnets: dict[str, str]) -> str:
        vid = resource_id(rg, NET, "virtualNetworks", name)
        doc = {"id": vid, "name": name, "type": "Microsoft.Network/virtualNetworks", "location": "eastus",
               "resourceGroup": rg, "properties": {"addressSpace": {"addressPrefixes": prefixes}, "subnets": [
                   {"id": f"{vid}/subnets/{s}", "name": s, "properties": {"addressPrefix": p}}
                   for s, p in subnets.items()], "virtualNetworkPeerings": []}}
        self._vnets[vid] = doc
        self.arm.append(("microsoft.network/virtualnetworks", doc))
        return vid

    def subnet_id(self, vid: str, name: str) -> str:
        return f"{vid}/subnets/{name}"

    def _subnet(self, subnet_id: str) -> Doc:
        vid = subnet_id.rsplit("/subnets/", 1)[0]
        return next(s for s in self._vnets[vid]["properties"]["subnets"] if s["id"] == subnet_id)

    def nsg(self, rg: str, name: str) -> str:
        nid = resource_id(rg, NET, "networkSecurityGroups", name)
        defaults = [
            ("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
            ("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"),
            ("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"),
            ("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
            ("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"),
            ("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"),
        ]
        doc = {"id": nid, "name": name, "type": "Microsoft.Network/networkSecurityGroups", "location": "eastus",
               "resourceGroup": rg, "properties": {"securityRules": [], "defaultSecurityRules": [
                   {"id": f"{nid}/defaultSecurityRules/{n}", "name": n, "properties": {
                       "priority": p, "direction": d, "access": a, "protocol": "*", "sourceAddressPrefix": s,
                       "sourcePortRange": "*", "destinationAddressPrefix": t, "destinationPortRange": "*"}}
                   for n, p, d, a, s, t in defaults]}}
        self._nsgs[nid] = doc
        self.arm.append(("microsoft.network/networksecuritygroups", doc))
        return nid

    def nsg_rule(self, nsg_id: str, name: str, priority: int, direction: str, access: str, protocol: str = "*",
                 source: str | list[str] = "*", destination: str | list[str] = "*",
                 ports: str | list[str] = "*") -> None:
        props: Doc = {"priority": priority, "direction": direction, "access": access, "protocol": protocol,
                      "sourcePortRange": "*"}
        for key, v in (("sourceAddressPrefix", source), ("destinationAddressPrefix", destination),
                       ("destinationPortRange", ports)):
            if isinstance(v, list):
                props[key.replace("Prefix", "Prefixes").replace("Range", "Ranges")] = v
            else:
                props[key] = v
        self._nsgs[nsg_id]["properties"]["securityRules"].append(
            {"id": f"{nsg_id}/securityRules/{name}", "name": name, "properties": props})

    def route_table(self, rg: str, name: str) -> str:
        rid = resource_id(rg, NET, "routeTables", name)
        doc = {"id": rid, "name": name, "type": "Microsoft.Network/routeTables", "location": "eastus",
               "resourceGroup": rg, "properties": {"routes": [], "disableBgpRoutePropagation": False}}
        self._rts[rid] = doc
        self.arm.append(("microsoft.network/routetables", doc))
        return rid

    def route(self, rt_id: str, name: str, prefix: str, hop: str, hop_ip: str | None = None) -> None:
        props: Doc = {"addressPrefix": prefix, "nextHopType": hop}
        if hop_ip:
            props["nextHopIpAddress"] = hop_ip
        self._rts[rt_id]["properties"]["routes"].append({"id": f"{rt_id}/routes/{name}", "name": name,
                                                         "properties": props})

    def associate(self, subnet_id: str, nsg_id: str | None = None, rt_id: str | None = None) -> None:
        s = self._subnet(subnet_id)["properties"]
        if nsg_id:
            s["networkSecurityGroup"] = {"id": nsg_id}
        if rt_id:
            s["routeTable"] = {"id": rt_id}

    def peer(self, vid: str, remote_vid: str, name: str) -> None:
        remote = self._vnets[remote_vid]["properties"]["addressSpace"]["addressPrefixes"]
        self._vnets[vid]["properties"]["virtualNetworkPeerings"].append({
            "id": f"{vid}/virtualNetworkPeerings/{name}", "name": name, "properties": {
                "remoteVirtualNetwork": {"id": remote_vid}, "remoteAddressSpace": {"addressPrefixes": remote},
                "allowForwardedTraffic": False, "peeringState": "Connected"}})

    def nat_gateway(self, rg: str, name: str, public_ip_id: str, subnet_id: str) -> None:
        nid = resource_id(rg, NET, "natGateways", name)
        self.arm.append(("microsoft.network/natgateways", {
            "id": nid, "name": name, "type": "Microsoft.Network/natGateways", "resourceGroup": rg,
            "sku": {"name": "Standard"}, "properties": {"publicIpAddresses": [{"id": public_ip_id}],
                                                        "subnets": [{"id": subnet_id}]}}))
        self._subnet(subnet_id)["properties"]["natGateway"] = {"id": nid}

    def public_ip(self, rg: str, name: str, ip: str, fqdn: str | None = None) -> str:
        pid = resource_id(rg, NET, "publicIPAddresses", name)
        props: Doc = {"ipAddress": ip, "publicIPAllocationMethod": "Static"}
        if fqdn:
            props["dnsSettings"] = {"fqdn": fqdn, "domainNameLabel": fqdn.split(".")[0]}
        self.arm.append(("microsoft.network/publicipaddresses", {
            "id": pid, "name": name, "type": "Microsoft.Network/publicIPAddresses", "resourceGroup": rg,
            "sku": {"name": "Standard"}, "properties": props}))
        return pid

    def nic(self, rg: str, name: str, subnet_id: str, ips: list[str], nsg_id: str | None = None,
            public_ip_id: str | None = None, vm_id: str | None = None, ip_forwarding: bool = True) -> str:
        nid = resource_id(rg, NET, "networkInterfaces", name)
        configs = []
        for i, ip in enumerate(ips):
            props: Doc = {"privateIPAddress": ip, "subnet": {"id": subnet_id}, "primary": i == 0}
            if i == 0 and public_ip_id:
                props["publicIPAddress"] = {"id": public_ip_id}
            configs.append({"id": f"{nid}/ipConfigurations/ipconfig{i + 1}", "name": f"ipconfig{i + 1}",
                            "properties": props})
        props2: Doc = {"ipConfigurations": configs, "enableIPForwarding": ip_forwarding}
        if nsg_id:
            props2["networkSecurityGroup"] = {"id": nsg_id}
        if vm_id:
            props2["virtualMachine"] = {"id": vm_id}
        self.arm.append(("microsoft.network/networkinterfaces", {
            "id": nid, "name": name, "type": "Microsoft.Network/networkInterfaces", "resourceGroup": rg,
            "properties": props2}))
        return nid

    def vm(self, rg: str, name: str, subnet_id: str, ip: str, public_ip: str | None = None,
           ip_forwarding: bool = False, nsg_id: str | None = None) -> str:
        """A VM (az vm create's default: IP forwarding off on its NIC)."""
        vm_id = resource_id(rg, "Microsoft.Compute", "virtualMachines", name)
        pip = self.public_ip(rg, f"{name}PublicIP", public_ip) if public_ip else None
        nic = self.nic(rg, f"{name}VMNic", subnet_id, [ip], public_ip_id=pip, vm_id=vm_id, ip_forwarding=ip_forwarding,
                       nsg_id=nsg_id)
        self.arm.append(("microsoft.compute/virtualmachines", {
            "id": vm_id, "name": name, "type": "Microsoft.Compute/virtualMachines", "resourceGroup": rg,
            "properties": {"networkProfile": {"networkInterfaces": [{"id": nic}]}}}))
        return vm_id

    def load_balancer(self, rg: str, name: str) -> str:
        lid = resource_id(rg, NET, "loadBalancers", name)
        doc = {"id": lid, "name": name, "type": "Microsoft.Network/loadBalancers", "resourceGroup": rg,
               "sku": {"name": "Standard"}, "properties": {"frontendIPConfigurations": [],
                                                           "backendAddressPools": [], "loadBalancingRules": [],
                                                           "probes": [], "outboundRules": []}}
        self._lbs[lid] = doc
        self.arm.append(("microsoft.network/loadbalancers", doc))
        return lid

    def lb_frontend(self, lid: str, name: str, public_ip_id: str | None = None, private_ip: str | None = None,
                    subnet_id: str | None = None) -> str:
        fid = f"{lid}/frontendIPConfigurations/{name}"
        props: Doc = {}
        if public_ip_id:
            props["publicIPAddress"] = {"id": public_ip_id}
        if private_ip:
            props["privateIPAddress"] = private_ip
            props["subnet"] = {"id": subnet_id}
        self._lbs[lid]["properties"]["frontendIPConfigurations"].append({"id": fid, "name": name,
                                                                          "properties": props})
        return fid

    def lb_pool(self, lid: str, name: str, ipconfig_ids: list[str]) -> str:
        bid = f"{lid}/backendAddressPools/{name}"
        self._lbs[lid]["properties"]["backendAddressPools"].append({"id": bid, "name": name, "properties": {
            "backendIPConfigurations": [{"id": i} for i in ipconfig_ids]}})
        return bid

    def lb_rule(self, lid: str, name: str, frontend_id: str, pool_id: str, port: int, protocol: str = "Tcp",
                probe: tuple[str, int, str | None] | None = None, backend_port: int | None = None) -> None:
        props: Doc = {"frontendIPConfiguration": {"id": frontend_id}, "backendAddressPool": {"id": pool_id},
                      "protocol": protocol, "frontendPort": port, "backendPort": backend_port or port,
                      "enableFloatingIP": backend_port is None,
                      "idleTimeoutInMinutes": 4, "loadDistribution": "Default", "disableOutboundSnat": False}
        if probe:
            pname = name
            pprops: Doc = {"protocol": probe[0], "port": probe[1], "intervalInSeconds": 5, "numberOfProbes": 2}
            if probe[2]:
                pprops["requestPath"] = probe[2]
            self._lbs[lid]["properties"]["probes"].append({"id": f"{lid}/probes/{pname}", "name": pname,
                                                           "properties": pprops})
            props["probe"] = {"id": f"{lid}/probes/{pname}"}
        self._lbs[lid]["properties"]["loadBalancingRules"].append(
            {"id": f"{lid}/loadBalancingRules/{name}", "name": name, "properties": props})

    def lb_outbound(self, lid: str, frontend_id: str, pool_id: str) -> None:
        self._lbs[lid]["properties"]["outboundRules"].append({"id": f"{lid}/outboundRules/aksOutboundRule",
                                                              "name": "aksOutboundRule", "properties": {
            "frontendIPConfigurations": [{"id": frontend_id}], "backendAddressPool": {"id": pool_id},
            "allocatedOutboundPorts": 0, "protocol": "All"}})

    def private_endpoint(self, rg: str, name: str, subnet_id: str, ip: str, target: str) -> None:
        self.arm.append(("microsoft.network/privateendpoints", {
            "id": resource_id(rg, NET, "privateEndpoints", name), "name": name, "resourceGroup": rg,
            "type": "Microsoft.Network/privateEndpoints", "properties": {
                "subnet": {"id": subnet_id}, "customDnsConfigs": [{"fqdn": "", "ipAddresses": [ip]}],
                "privateLinkServiceConnections": [{"name": name, "properties": {"privateLinkServiceId": target,
                                                                                "groupIds": ["management"]}}]}}))

    def cluster(self, rg: str, name: str, subnet_id: str, plugin: str = "kubenet", mode: str | None = None,
                pod_cidr: str | None = "10.244.0.0/16", service_cidr: str = "10.0.0.0/16", policy: str | None = None,
                outbound_ip_id: str | None = None, private: bool = False, authorized: list[str] | None = None,
                outbound_type: str = "loadBalancer", count: int = 2, max_pods: int = 110,
                pod_subnet_id: str | None = None) -> str:
        cid = resource_id(rg, "Microsoft.ContainerService", "managedClusters", name)
        np: Doc = {"networkPlugin": plugin, "serviceCidr": service_cidr,
                   "dnsServiceIp": service_cidr.rsplit(".", 2)[0] + ".0.10", "outboundType": outbound_type,
                   "loadBalancerSku": "standard"}
        if mode:
            np["networkPluginMode"] = mode
        if pod_cidr:
            np["podCidr"] = pod_cidr
        if policy:
            np["networkPolicy"] = policy
        if outbound_ip_id:
            np["loadBalancerProfile"] = {"effectiveOutboundIPs": [{"id": outbound_ip_id}]}
        api: Doc = {"enablePrivateCluster": private}
        if authorized:
            api["authorizedIpRanges"] = authorized
        props: Doc = {"networkProfile": np, "nodeResourceGroup": f"MC_{rg}_{name}_eastus",
                      "fqdn": f"{name}-dns-1a2b3c4d.hcp.eastus.azmk8s.io", "apiServerAccessProfile": api,
                      "agentPoolProfiles": [{"name": "nodepool1", "count": count, "maxPods": max_pods,
                                             "vnetSubnetId": subnet_id, "mode": "System",
                                             **({"podSubnetId": pod_subnet_id} if pod_subnet_id else {})}]}
        if private:
            props["privateFqdn"] = f"{name}-dns-1a2b3c4d.5e6f7a8b.privatelink.eastus.azmk8s.io"
        self.arm.append(("microsoft.containerservice/managedclusters", {
            "id": cid, "name": name, "type": "Microsoft.ContainerService/ManagedClusters", "location": "eastus",
            "resourceGroup": rg, "properties": props}))
        self.cluster_id = cid
        self.namespace("default")
        self.namespace("kube-system")
        return cid

    # -- Kubernetes -------------------------------------------------------------------------------
    def namespace(self, name: str, labels: dict[str, str] | None = None) -> None:
        lab = {"kubernetes.io/metadata.name": name, **(labels or {})}
        self.k8s.append(("k8s:core/Namespace", name, {"apiVersion": "v1", "kind": "Namespace",
                                                      "metadata": {"name": name, "labels": lab}}))

    def node(self, name: str, ip: str, pod_cidr: str | None, vmss_rg: str, subnet_id: str, nsg_id: str | None,
             extra_ips: list[str] | None = None) -> str:
        inst = resource_id(vmss_rg, "Microsoft.Compute", "virtualMachineScaleSets", "aks-nodepool1-12345678-vmss",
                           "virtualMachines", name[-1])
        nic = self.nic(vmss_rg, f"{name}-nic", subnet_id, [ip, *(extra_ips or [])], nsg_id=nsg_id)
        self.arm.append(("microsoft.compute/virtualmachinescalesets/virtualmachines", {
            "id": inst, "name": f"aks-nodepool1-12345678-vmss_{name[-1]}", "resourceGroup": vmss_rg,
            "type": "Microsoft.Compute/virtualMachineScaleSets/virtualMachines",
            "properties": {"networkProfile": {"networkInterfaces": [{"id": nic}]}}}))
        spec: Doc = {"providerID": f"azure://{inst}"}
        if pod_cidr:
            spec["podCIDR"] = pod_cidr
        self.k8s.append(("k8s:core/Node", name, {
            "apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {"agentpool": "nodepool1"}},
            "spec": spec, "status": {"addresses": [{"type": "InternalIP", "address": ip}],
                                     "conditions": [{"type": "Ready", "status": "True"}]}}))
        return f"{nic}/ipConfigurations/ipconfig1"

    def pod(self, ns: str, name: str, node: str, node_ip: str, ip: str, labels: dict[str, str],
            ports: list[int | tuple[int, str] | tuple[int, str, str]], owner: tuple[str, str] | None = None,
            host_network: bool = False) -> None:
        cports = []
        for p in ports:
            if isinstance(p, tuple):
                cports.append({"containerPort": p[0], "name": p[1], "protocol": p[2] if len(p) > 2 else "TCP"})
            else:
                cports.append({"containerPort": p, "protocol": "TCP"})
        meta: Doc = {"name": name, "namespace": ns, "labels": labels}
        if owner:
            meta["ownerReferences"] = [{"kind": owner[0], "name": owner[1], "controller": True, "apiVersion": "v1"}]
        self.k8s.append(("k8s:core/Pod", f"{ns}/{name}", {
            "apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"nodeName": node, "hostNetwork": host_network,
                     "containers": [{"name": "app", "image": "nginx", "ports": cports}]},
            "status": {"phase": "Running", "podIP": ip, "hostIP": node_ip,
                       "conditions": [{"type": "Ready", "status": "True"}]}}))

    def replicaset(self, ns: str, name: str, deployment: str) -> None:
        self.k8s.append(("k8s:apps/ReplicaSet", f"{ns}/{name}", {
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {
                "name": name, "namespace": ns, "ownerReferences": [
                    {"kind": "Deployment", "name": deployment, "controller": True, "apiVersion": "apps/v1"}]}}))

    def service(self, ns: str, name: str, selector: dict[str, str] | None, ports: list[Doc],
                cluster_ip: str, typ: str = "ClusterIP", lb_ip: str | None = None, etp: str | None = None,
                itp: str | None = None, source_ranges: list[str] | None = None,
                annotations: dict[str, str] | None = None, hc_port: int | None = None) -> None:
        spec: Doc = {"type": typ, "clusterIP": cluster_ip, "ports": ports}
        if selector is not None:
            spec["selector"] = selector
        if etp:
            spec["externalTrafficPolicy"] = etp
        elif typ in ("NodePort", "LoadBalancer"):
            spec["externalTrafficPolicy"] = "Cluster"
        if itp:
            spec["internalTrafficPolicy"] = itp
        if source_ranges:
            spec["loadBalancerSourceRanges"] = source_ranges
        if hc_port:
            spec["healthCheckNodePort"] = hc_port
        status: Doc = {"loadBalancer": {"ingress": [{"ip": lb_ip}]} if lb_ip else {}}
        self.k8s.append(("k8s:core/Service", f"{ns}/{name}", {
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns,
                                                                 "annotations": annotations or {}},
            "spec": spec, "status": status}))

    def endpoint_slice(self, ns: str, service: str, endpoints: list[tuple[str, str, str]],
                       ports: list[tuple[int, str | None]] | list[tuple[int, str | None, str]]) -> None:
        """endpoints: (ip, node, pod name); ports: (port, name[, protocol TCP])."""
        self.k8s.append(("k8s:discovery.k8s.io/EndpointSlice", f"{ns}/{service}-abcde", {
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
            "metadata": {"name": f"{service}-abcde", "namespace": ns,
                         "labels": {"kubernetes.io/service-name": service}},
            "endpoints": [{"addresses": [ip], "conditions": {"ready": True, "serving": True, "terminating": False},
                           "nodeName": node, "targetRef": {"kind": "Pod", "namespace": ns, "name": pod}}
                          for ip, node, pod in endpoints],
            "ports": [{"port": p[0], "protocol": p[2] if len(p) > 2 else "TCP", **({"name": p[1]} if p[1] else {})}
                      for p in ports]}))

    def network_policy(self, ns: str, name: str, spec: Doc) -> None:
        self.k8s.append(("k8s:networking.k8s.io/NetworkPolicy", f"{ns}/{name}", {
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}))

    def doc(self, kind: str, key: str, doc: Doc) -> None:
        """Any other Kubernetes document (IngressClass, Ingress, Secret, ConfigMap …)."""
        self.k8s.append((kind, key, doc))

    # -- output -----------------------------------------------------------------------------------
    def auto_slices(self) -> None:
        """EndpointSlices for every selector Service that has none (what the EndpointSlice controller writes)."""
        have = {d["metadata"]["labels"]["kubernetes.io/service-name"] for k, _, d in self.k8s
                if k == "k8s:discovery.k8s.io/EndpointSlice"}
        pods = [d for k, _, d in self.k8s if k == "k8s:core/Pod"]
        for k, _, svc in list(self.k8s):
            sel = svc.get("spec", {}).get("selector") if k == "k8s:core/Service" else None
            ns, name = svc.get("metadata", {}).get("namespace"), svc.get("metadata", {}).get("name")
            if not sel or name in have:
                continue
            match = [p for p in pods if p["metadata"]["namespace"] == ns
                     and all(p["metadata"]["labels"].get(a) == b for a, b in sel.items())]
            ports: list[tuple[int, str | None, str]] = []
            for sp in svc["spec"]["ports"]:
                tp = sp.get("targetPort", sp["port"])
                if isinstance(tp, str):
                    cps = [c for p in match[:1] for c in p["spec"]["containers"][0]["ports"] if c.get("name") == tp]
                    if not cps:
                        continue
                    tp = cps[0]["containerPort"]
                ports.append((int(tp), sp.get("name"), sp.get("protocol", "TCP")))
            self.endpoint_slice(ns, name, [(p["status"]["podIP"], p["spec"]["nodeName"], p["metadata"]["name"])
                                           for p in match], ports)

    def save(self, home: Path) -> None:
        """Write every document into a workspace at ``home`` with a kubeconfig pointing at the cluster."""
        self.auto_slices()
        ws = Workspace.open(home, create=True)
        with ws.transaction(True) as tx:
            for kind, doc in self.arm:
                tx.put(kind, doc["id"], doc)
            for kind, key, doc in self.k8s:
                tx.put(kind, key, doc, self.cluster_id.lower())
            if self.cluster_id:
                name = self.cluster_id.rsplit("/", 1)[-1]
                tx.meta_set("kubeconfig", json.dumps({
                    "apiVersion": "v1", "kind": "Config", "current-context": name,
                    "clusters": [{"name": name, "cluster": {"server": "https://x", "extensions": [
                        {"name": "aksnet", "extension": {"clusterResourceId": self.cluster_id}}]}}],
                    "contexts": [{"name": name, "context": {"cluster": name, "user": "u"}}],
                    "users": [{"name": "u", "user": {}}]}))
        ws.close()
