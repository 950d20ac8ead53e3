"""Hand-built twins for the data plane tests (the pure planner needs no workspace)."""

from __future__ import annotations

from aksnet.model import azure, k8s
from aksnet.model.twin import ClusterState, Twin

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
RG = f"{SUB}/resourceGroups/rg"
MC_RG = f"{SUB}/resourceGroups/MC_rg_aks_eastus"
VNET_ID = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet"
SUBNET_ID = f"{VNET_ID}/subnets/aks-subnet"
NSG_ID = f"{RG}/providers/Microsoft.Network/networkSecurityGroups/aks-nsg"
RT_ID = f"{RG}/providers/Microsoft.Network/routeTables/aks-rt"
CLUSTER_ID = f"{RG}/providers/Microsoft.ContainerService/managedClusters/aks"
LB_ID = f"{MC_RG}/providers/Microsoft.Network/loadBalancers/kubernetes"
OUT_PIP_ID = f"{MC_RG}/providers/Microsoft.Network/publicIPAddresses/outbound"
SVC_PIP_ID = f"{MC_RG}/providers/Microsoft.Network/publicIPAddresses/kubernetes-web"


def nsg(rules: tuple[azure.SecurityRule, ...] = ()) -> azure.NetworkSecurityGroup:
    return azure.NetworkSecurityGroup(NSG_ID, "aks-nsg", "rg", "eastus", rules)


def allow_http_rule() -> azure.SecurityRule:
    return azure.SecurityRule("allow-http", 100, "Inbound", "Allow", "Tcp", ("Internet",), ("*",), ("*",), ("80",))


def kubenet_twin(*, pods_per_node: int = 2, nodes: int = 2, route_table: bool = True,
                 nsg_rules: tuple[azure.SecurityRule, ...] = (), policies: tuple[k8s.NetworkPolicy, ...] = (),
                 policy_engine: str = "calico", lb: bool = True, vm: bool = True, plugin: str = "kubenet") -> Twin:
    """A cluster in a BYO subnet 10.100.0.0/16 (VNet 10.0.0.0/8): ``plugin`` kubenet (pod CIDR 10.244.0.0/16,
    UDRs in the route table), azure (pods take subnet addresses reserved on the node NIC) or overlay (pod CIDR
    172.17.0.0/16); service CIDR 10.32.0.0/16; ``nodes`` nodes (10.100.<i>.4) with ``pods_per_node`` web pods
    each; a LoadBalancer Service ``web`` on port 80 (NodePort 31000) or a NodePort one; a VM ``testvm``."""
    node_objs, nics, pods, routes, eps = [], [], [], [], []
    for i in range(nodes):
        name = f"aks-nodepool1-{i}"
        ip = f"10.100.{i}.4"
        cidr = {"kubenet": f"10.244.{i}.0/24", "overlay": f"172.17.{i}.0/24"}.get(plugin)
        reserved = tuple(f"10.100.{i}.{10 + j}" for j in range(pods_per_node)) if plugin == "azure" else ()
        node_objs.append(k8s.Node(name, ip, cidr, {"kubernetes.azure.com/agentpool": "nodepool1"}, "nodepool1",
                                  reserved_pod_ips=reserved))
        configs = (azure.NicIPConfiguration("ipconfig1", ip, SUBNET_ID),
                   *(azure.NicIPConfiguration(f"ipconfig{k + 2}", r, SUBNET_ID, primary=False)
                     for k, r in enumerate(reserved)))
        nics.append(azure.NetworkInterface(f"{MC_RG}/providers/Microsoft.Network/networkInterfaces/nic{i}", f"nic{i}",
                                           "MC_rg", configs, enable_ip_forwarding=True))  # AKS node NICs forward
        if cidr and plugin == "kubenet":
            routes.append(azure.Route(f"{name}____{cidr.replace('/', '')}", cidr, "VirtualAppliance", ip))
        for j in range(pods_per_node):
            default_ip = f"10.100.{i}.{10 + j}"
            pod_ip = {"kubenet": f"10.244.{i}.{10 + j}", "overlay": f"172.17.{i}.{10 + j}"}.get(plugin, default_ip)
            pname = f"web-{i}{j}"
            pods.append(k8s.Pod("default", pname, {"app": "web"}, f"uid-{i}-{j}", name, pod_ip, ip,
                                ports=(k8s.ContainerPort(80),), owner_kind="Deployment", owner_name="web"))
            eps.append(k8s.Endpoint(pod_ip, node_name=name, pod=f"default/{pname}"))
    vm_nic = azure.NetworkInterface(f"{RG}/providers/Microsoft.Network/networkInterfaces/testvmVMNic", "testvmVMNic",
                                    "rg", (azure.NicIPConfiguration("ipconfig1", "10.100.200.4", SUBNET_ID),))
    vms = (azure.VirtualMachine(f"{RG}/providers/Microsoft.Compute/virtualMachines/testvm", "testvm", "rg",
                                (vm_nic.id,)),) if vm else ()
    if vm:
        nics.append(vm_nic)
    subnet = azure.Subnet(SUBNET_ID, "aks-subnet", VNET_ID, ("10.100.0.0/16",), NSG_ID,
                          RT_ID if route_table else None)
    vnet = azure.VirtualNetwork(VNET_ID, "vnet", "rg", "eastus", ("10.0.0.0/8",), (subnet,))
    rt = azure.RouteTable(RT_ID, "aks-rt", "rg", tuple(routes))
    pips = [azure.PublicIPAddress(OUT_PIP_ID, "outbound", "MC_rg", "20.1.1.1")]
    svc_ports = (k8s.ServicePort(80, "TCP", None, 80, 31000),)
    services = [k8s.Service("default", "kubernetes", cluster_ip="10.32.0.1",
                            ports=(k8s.ServicePort(443, target_port=443),), selector=None)]
    lbs = []
    if lb:
        pips.append(azure.PublicIPAddress(SVC_PIP_ID, "kubernetes-web", "MC_rg", "20.1.1.2"))
        services.append(k8s.Service("default", "web", "LoadBalancer", "10.32.0.50", svc_ports, {"app": "web"},
                                    external_traffic_policy="Cluster", load_balancer_ingress=("20.1.1.2",)))
        fe = azure.FrontendIPConfiguration(f"{LB_ID}/frontendIPConfigurations/aweb", "aweb", public_ip_id=SVC_PIP_ID)
        fe_out = azure.FrontendIPConfiguration(f"{LB_ID}/frontendIPConfigurations/out", "out", public_ip_id=OUT_PIP_ID)
        pool = azure.BackendAddressPool(f"{LB_ID}/backendAddressPools/kubernetes", "kubernetes",
                                        tuple(n.internal_ip for n in node_objs))
        lbs.append(azure.LoadBalancer(LB_ID, "kubernetes", "MC_rg", frontends=(fe, fe_out), backend_pools=(pool,),
                                      rules=(azure.LoadBalancingRule("aweb-TCP-80", fe.id, pool.id, "Tcp", 80, 80),),
                                      outbound_rules=(azure.OutboundRule("aksOutboundRule", (fe_out.id,), pool.id),)))
    else:
        services.append(k8s.Service("default", "web", "NodePort", "10.32.0.50", svc_ports, {"app": "web"},
                                    external_traffic_policy="Cluster"))
    slices = (k8s.EndpointSlice("default", "web-abcde", "web", tuple(eps), (k8s.EndpointPort(80),)),)
    profile = azure.NetworkProfile("kubenet" if plugin == "kubenet" else "azure",
                                   "overlay" if plugin == "overlay" else None, network_policy=policy_engine,
                                   pod_cidr={"kubenet": "10.244.0.0/16", "overlay": "172.17.0.0/16"}.get(plugin),
                                   service_cidr="10.32.0.0/16", dns_service_ip="10.32.0.10",
                                   effective_outbound_ip_ids=(OUT_PIP_ID,))
    cluster = azure.ManagedCluster(CLUSTER_ID, "aks", "rg", "eastus", "MC_rg_aks_eastus", profile,
                                   (azure.AgentPool("nodepool1", nodes, 110, SUBNET_ID),))
    state = ClusterState(cluster, (k8s.Namespace("default", {"kubernetes.io/metadata.name": "default"}),),
                         tuple(node_objs), tuple(pods), tuple(services), slices, policies,
                         policy_engine=policy_engine)
    return Twin(SUB.split("/")[-1], (vnet,), (nsg(nsg_rules),), (rt,), tuple(pips), (), tuple(nics), vms,
                tuple(lbs), clusters=(state,))


def with_session_affinity(twin: Twin, timeout: int = 10800) -> Twin:
    """``twin`` with ``sessionAffinity: ClientIP`` on the Service ``default/web``."""
    import dataclasses

    state = twin.clusters[0]
    services = tuple(dataclasses.replace(s, session_affinity="ClientIP", session_affinity_timeout=timeout)
                     if s.key == "default/web" else s for s in state.services)
    return dataclasses.replace(twin, clusters=(dataclasses.replace(state, services=services),))
