"""Named worlds for the path engine's tests: the acceptance walkthroughs' clusters, as documents."""

from __future__ import annotations

from tests.trace.world import Doc, World

RG = "aks-rg"
MC = "MC_aks-rg_aks-cluster_eastus"
OUT_IP = "20.81.12.34"
LB_IP = "20.81.50.60"
VM_IP = "10.100.0.6"
NODE0, NODE1 = "aks-nodepool1-12345678-vmss000000", "aks-nodepool1-12345678-vmss000001"
N0_IP, N1_IP = "10.100.0.4", "10.100.0.5"


def _outbound(w: World) -> tuple[str, str, str]:
    """The public LB ``kubernetes`` with the outbound frontend; returns (lb id, outbound pip id, pool id)."""
    out_pip = w.public_ip(MC, "1a2b3c4d-outbound", OUT_IP)
    lb = w.load_balancer(MC, "kubernetes")
    fe = w.lb_frontend(lb, "1a2b3c4d-outbound", public_ip_id=out_pip)
    return lb, out_pip, fe


def kubenet(user_nsg_allows_http: bool = False, with_route_table: bool = True, policy: str | None = None,
            etp: str = "Cluster", authorized: list[str] | None = None, floating_ip: bool = True,
            deny_all_inbound: bool = False, allow_probes: bool = False) -> World:
    """Acceptance 01: BYO VNet 10.0.0.0/8, subnet 10.100.0.0/16 with the user's NSG and route table,
    kubenet pod CIDR 10.244.0.0/16, two nodes, deployment web (one pod per node), LoadBalancer service web,
    a VM in the same subnet."""
    w = World()
    vid = w.vnet(RG, "vNet_aks_useast", ["10.0.0.0/8"], {"aks-subnet": "10.100.0.0/16"})
    sid = w.subnet_id(vid, "aks-subnet")
    user_nsg = w.nsg(RG, "aks-nsg")
    rt = w.route_table(RG, "aks-route-table")
    w.associate(sid, nsg_id=user_nsg, rt_id=rt if with_route_table else None)
    if user_nsg_allows_http:
        w.nsg_rule(user_nsg, "allow-http", 100, "Inbound", "Allow", "Tcp", "Internet", "*", "80")
    if allow_probes:  # the usual fix: let the AzureLoadBalancer tag in above the deny
        w.nsg_rule(user_nsg, "allow-azure-lb", 4000, "Inbound", "Allow", "*", "AzureLoadBalancer", "*", "*")
    if deny_all_inbound:  # a "deny everything else" rule above AllowAzureLoadBalancerInBound (65001)
        w.nsg_rule(user_nsg, "deny-all-inbound", 4096, "Inbound", "Deny", "*", "*", "*", "*")
    lb, out_pip, out_fe = _outbound(w)
    w.cluster(RG, "aks-cluster", sid, "kubenet", pod_cidr="10.244.0.0/16", service_cidr="10.32.0.0/16",
              outbound_ip_id=out_pip, policy=policy, authorized=authorized)
    agent_nsg = w.nsg(MC, "aks-agentpool-12345678-nsg")
    c0 = w.node(NODE0, N0_IP, "10.244.0.0/24", MC, sid, agent_nsg)
    c1 = w.node(NODE1, N1_IP, "10.244.1.0/24", MC, sid, agent_nsg)
    w.route(rt, NODE0, "10.244.0.0/24", "VirtualAppliance", N0_IP)
    w.route(rt, NODE1, "10.244.1.0/24", "VirtualAppliance", N1_IP)
    pool = w.lb_pool(lb, "kubernetes", [c0, c1])
    w.lb_outbound(lb, out_fe, w.lb_pool(lb, "aksOutboundBackendPool", [c0, c1]))
    w.vm(RG, "testvm", sid, VM_IP)
    w.replicaset("default", "web-5d4f8c7b9", "web")
    for i, (node, nip) in enumerate(((NODE0, N0_IP), (NODE1, N1_IP))):
        w.pod("default", f"web-5d4f8c7b9-{'ab'[i]}x2z{i}", node, nip, f"10.244.{i}.2", {"app": "web"}, [80],
              ("ReplicaSet", "web-5d4f8c7b9"))
    # the LoadBalancer Service web and what cloud-provider-azure made for it
    hc = 32100 if etp == "Local" else None
    w.service("default", "web", {"app": "web"}, [{"port": 80, "targetPort": 80, "protocol": "TCP",
                                                 "nodePort": 30080}], "10.32.1.10", "LoadBalancer", LB_IP,
              etp=etp, hc_port=hc)
    w.endpoint_slice("default", "web", [("10.244.0.2", NODE0, "web-5d4f8c7b9-ax2z0"),
                                        ("10.244.1.2", NODE1, "web-5d4f8c7b9-bx2z1")], [(80, None)])
    svc_pip = w.public_ip(MC, "kubernetes-a0f3e8c2b1d94e6f8a7b6c5d4e3f2a1b", LB_IP)
    fe = w.lb_frontend(lb, "a0f3e8c2b1d94e6f8a7b6c5d4e3f2a1b", public_ip_id=svc_pip)
    probe = ("Http", 32100, "/healthz") if etp == "Local" else ("Tcp", 30080, None)
    w.lb_rule(lb, "a0f3e8c2b1d94e6f8a7b6c5d4e3f2a1b-TCP-80", fe, pool, 80, probe=probe,
              backend_port=None if floating_ip else 30080)
    # floating IP off (annotation): the provider's rule names the node IPs and the nodePort
    # (kubernetes-sigs/cloud-provider-azure pkg/provider/securitygroup@7b31c76)
    w.nsg_rule(agent_nsg, "k8s-azure-lb_allow_IPv4_1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b", 500, "Inbound", "Allow",
               "Tcp", "Internet", [LB_IP] if floating_ip else [N0_IP, N1_IP], ["80"] if floating_ip else ["30080"])
    # kube-dns and kubernetes
    w.service("kube-system", "kube-dns", {"k8s-app": "kube-dns"}, [{"port": 53, "protocol": "UDP",
                                                                    "targetPort": 53, "name": "dns"}], "10.32.0.10")
    w.pod("kube-system", "coredns-7d8b9c6f5-qwert", NODE0, N0_IP, "10.244.0.3", {"k8s-app": "kube-dns"}, [])
    return w


def azure_cni() -> World:
    """Acceptance 02 (first half): Azure CNI node subnet; pods hold secondary IPs of their node's NIC."""
    w = World()
    vid = w.vnet(RG, "vNet_aks_useast", ["10.0.0.0/8"], {"aks-subnet": "10.100.0.0/16"})
    sid = w.subnet_id(vid, "aks-subnet")
    w.vm(RG, "testvm", sid, "10.100.0.4")
    lb, out_pip, out_fe = _outbound(w)
    w.cluster(RG, "aks-cluster", sid, "azure", pod_cidr=None, service_cidr="10.32.0.0/16", outbound_ip_id=out_pip,
              max_pods=30)
    agent_nsg = w.nsg(MC, "aks-agentpool-12345678-nsg")
    c0 = w.node(NODE0, "10.100.0.5", None, MC, sid, agent_nsg, ["10.100.0.6", "10.100.0.7"])
    c1 = w.node(NODE1, "10.100.0.36", None, MC, sid, agent_nsg, ["10.100.0.37", "10.100.0.38"])
    w.lb_outbound(lb, out_fe, w.lb_pool(lb, "aksOutboundBackendPool", [c0, c1]))
    w.replicaset("default", "web-6b7c8d9e0", "web")
    w.pod("default", "web-6b7c8d9e0-aaaaa", NODE0, "10.100.0.5", "10.100.0.6", {"app": "web"}, [80],
          ("ReplicaSet", "web-6b7c8d9e0"))
    w.pod("default", "web-6b7c8d9e0-bbbbb", NODE1, "10.100.0.36", "10.100.0.37", {"app": "web"}, [80],
          ("ReplicaSet", "web-6b7c8d9e0"))
    return w


def overlay() -> World:
    """Acceptance 02 (second half): Azure CNI Overlay, pod CIDR 172.17.0.0/16 outside the VNet."""
    w = World()
    vid = w.vnet(RG, "vNet_aks_useast", ["10.0.0.0/8"], {"aks-subnet": "10.100.0.0/16"})
    sid = w.subnet_id(vid, "aks-subnet")
    w.vm(RG, "testvm", sid, "10.100.0.4")
    lb, out_pip, out_fe = _outbound(w)
    w.cluster(RG, "aks-cluster", sid, "azure", mode="overlay", pod_cidr="172.17.0.0/16",
              service_cidr="10.32.0.0/16", outbound_ip_id=out_pip, max_pods=250)
    agent_nsg = w.nsg(MC, "aks-agentpool-12345678-nsg")
    c0 = w.node(NODE0, "10.100.0.5", "172.17.0.0/24", MC, sid, agent_nsg)
    c1 = w.node(NODE1, "10.100.0.6", "172.17.1.0/24", MC, sid, agent_nsg)
    w.lb_outbound(lb, out_fe, w.lb_pool(lb, "aksOutboundBackendPool", [c0, c1]))
    w.replicaset("default", "web-7c8d9e0f1", "web")
    w.pod("default", "web-7c8d9e0f1-aaaaa", NODE0, "10.100.0.5", "172.17.0.10", {"app": "web"}, [80],
          ("ReplicaSet", "web-7c8d9e0f1"))
    w.pod("default", "web-7c8d9e0f1-bbbbb", NODE1, "10.100.0.6", "172.17.1.10", {"app": "web"}, [80],
          ("ReplicaSet", "web-7c8d9e0f1"))
    return w


def private_cluster() -> World:
    """Acceptance 04: a private Azure CNI cluster; the API server's private endpoint in the node subnet."""
    w = World()
    rg, mc = "myResourceGroup", "MC_myResourceGroup_myPrivateAKSCluster_eastus"
    vid = w.vnet(rg, "myVnet", ["10.1.0.0/16"], {"mySubnet": "10.1.0.0/20"})
    sid = w.subnet_id(vid, "mySubnet")
    w.vm(rg, "jumpbox", sid, "10.1.0.4")
    out_pip = w.public_ip(mc, "2b3c4d5e-outbound", "20.82.1.2")
    cid = w.cluster(rg, "myPrivateAKSCluster", sid, "azure", pod_cidr=None, service_cidr="10.2.0.0/24",
                    outbound_ip_id=out_pip, private=True, count=1)
    agent_nsg = w.nsg(mc, "aks-agentpool-23456789-nsg")
    w.node(NODE0, "10.1.0.5", None, mc, sid, agent_nsg, ["10.1.0.6"])
    w.private_endpoint(mc, "kube-apiserver", sid, "10.1.0.40", cid)
    return w


def policies(engine: str = "calico") -> World:
    """Acceptance 03 (policy part): production namespace with frontend/backend/api, the seed's policies."""
    w = kubenet(policy=engine)
    w.namespace("production")
    w.namespace("other")
    pods = [("frontend", "7f8e9d0c1b", [80]), ("backend", "6e7d8c9b0a", [8080, 9090]),
            ("api", "5d6c7b8a9f", [(8080, "http")])]
    ip = 10
    for app, h, ports in pods:
        w.replicaset("production", f"{app}-{h}", app)
        for i, (node, nip) in enumerate(((NODE0, N0_IP), (NODE1, N1_IP))):
            w.pod("production", f"{app}-{h}-{'pq'[i]}{app[:3]}{i}", node, nip, f"10.244.{i}.{ip}", {"app": app},
                  ports, ("ReplicaSet", f"{app}-{h}"))
        ip += 1
    w.replicaset("other", "client-4c5b6a7f8e", "client")
    w.pod("other", "client-4c5b6a7f8e-zzzzz", NODE0, N0_IP, "10.244.0.30", {"app": "client"}, [],
          ("ReplicaSet", "client-4c5b6a7f8e"))
    w.service("production", "backend-service", {"app": "backend"}, [{"port": 8080, "targetPort": 8080,
                                                                     "protocol": "TCP"}], "10.32.5.5")
    w.network_policy("production", "deny-all-ingress", {"podSelector": {}, "policyTypes": ["Ingress"]})
    w.network_policy("production", "allow-frontend-to-backend", {
        "podSelector": {"matchLabels": {"app": "backend"}}, "policyTypes": ["Ingress"],
        "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "frontend"}}}],
                     "ports": [{"protocol": "TCP", "port": 8080}]}]})
    return w


CONTROLLER_LABELS = {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/instance": "nginx-ingress",
                     "app.kubernetes.io/component": "controller"}
INGRESS_IP = "20.81.70.80"


def ingress(etp: str = "Cluster", allow_controller: bool = True) -> World:
    """Acceptance 03 (ingress part): the policies world plus ingress-nginx (Helm release nginx-ingress in
    ingress-basic, two controller pods), the seed's Ingress with TLS, rewrite-target / and ssl-redirect."""
    w = policies()
    w.namespace("ingress-basic")
    ctrl = "nginx-ingress-ingress-nginx-controller"
    w.replicaset("ingress-basic", f"{ctrl}-5b6c7d8e9f", ctrl)
    for i, (node, nip) in enumerate(((NODE0, N0_IP), (NODE1, N1_IP))):
        w.pod("ingress-basic", f"{ctrl}-5b6c7d8e9f-{'mn'[i]}ctl{i}", node, nip, f"10.244.{i}.40",
              CONTROLLER_LABELS, [(80, "http"), (443, "https"), (8443, "webhook")],
              ("ReplicaSet", f"{ctrl}-5b6c7d8e9f"))
    w.service("ingress-basic", ctrl, dict(CONTROLLER_LABELS), [
        {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP", "nodePort": 31080},
        {"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP", "nodePort": 31443}],
        "10.32.9.9", "LoadBalancer", INGRESS_IP, etp=etp, hc_port=32500 if etp == "Local" else None)
    lb = next(d["id"] for k, d in w.arm if k == "microsoft.network/loadbalancers")
    pool = f"{lb}/backendAddressPools/kubernetes"
    pip = w.public_ip(MC, "kubernetes-b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6", INGRESS_IP)
    fe = w.lb_frontend(lb, "b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6", public_ip_id=pip)
    for port, np in ((80, 31080), (443, 31443)):
        probe = ("Http", 32500, "/healthz") if etp == "Local" else ("Tcp", np, None)
        w.lb_rule(lb, f"b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6-TCP-{port}", fe, pool, port, probe=probe)
    agent_nsg = next(d["id"] for k, d in w.arm if d.get("name") == "aks-agentpool-12345678-nsg")
    w.nsg_rule(agent_nsg, "k8s-azure-lb_allow_IPv4_2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c", 501, "Inbound", "Allow",
               "Tcp", "Internet", [INGRESS_IP], ["80", "443"])
    user_nsg = next(d["id"] for k, d in w.arm if d.get("name") == "aks-nsg")
    w.nsg_rule(user_nsg, "allow-web", 100, "Inbound", "Allow", "Tcp", "Internet", "*", ["80", "443"])
    w.service("production", "frontend-service", {"app": "frontend"},
              [{"port": 80, "targetPort": 80, "protocol": "TCP"}], "10.32.5.6")
    w.service("production", "api-service", {"app": "api"}, [{"port": 80, "targetPort": "http", "protocol": "TCP"}],
              "10.32.5.7")
    w.doc("k8s:networking.k8s.io/IngressClass", "nginx", {
        "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
        "metadata": {"name": "nginx", "labels": dict(CONTROLLER_LABELS)},
        "spec": {"controller": "k8s.io/ingress-nginx"}})
    w.doc("k8s:core/Secret", "production/tls-secret", {
        "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
        "metadata": {"name": "tls-secret", "namespace": "production"}, "data": {"tls.crt": "", "tls.key": ""}})
    w.doc("k8s:networking.k8s.io/Ingress", "production/my-ingress", {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "my-ingress", "namespace": "production", "annotations": {
            "nginx.ingress.kubernetes.io/rewrite-target": "/", "nginx.ingress.kubernetes.io/ssl-redirect": "true"}},
        "spec": {"ingressClassName": "nginx", "tls": [{"hosts": ["myapp.example.com"], "secretName": "tls-secret"}],
                 "rules": [{"host": "myapp.example.com", "http": {"paths": [
                     {"path": "/api", "pathType": "Prefix",
                      "backend": {"service": {"name": "api-service", "port": {"number": 80}}}},
                     {"path": "/", "pathType": "Prefix",
                      "backend": {"service": {"name": "frontend-service", "port": {"number": 80}}}}]}}]}})
    if allow_controller:
        w.network_policy("production", "allow-from-ingress-basic", {
            "podSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["frontend", "api"]}]},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {
                "kubernetes.io/metadata.name": "ingress-basic"}}}]}]})
    return w


FW_PUBLIC_IP = "20.81.90.1"
NATGW_IP = "20.81.91.1"


def egress_variants(kind: str) -> World:
    """The kubenet world with a different egress: ``udr`` (0.0.0.0/0 → a firewall VM in its own subnet,
    outbound type userDefinedRouting), ``natgw`` (a NAT gateway on the cluster subnet) or ``peering`` (a
    second VNet, peered, with a VM)."""
    w = kubenet()
    vid = next(d["id"] for k, d in w.arm if k == "microsoft.network/virtualnetworks")
    sid = w.subnet_id(vid, "aks-subnet")
    if kind == "udr":
        w._vnets[vid]["properties"]["subnets"].append(
            {"id": f"{vid}/subnets/AzureFirewallSubnet", "name": "AzureFirewallSubnet",
             "properties": {"addressPrefix": "10.200.0.0/26"}})
        w.vm(RG, "fw", f"{vid}/subnets/AzureFirewallSubnet", "10.200.0.4", public_ip=FW_PUBLIC_IP, ip_forwarding=True)
        rt = next(d["id"] for k, d in w.arm if k == "microsoft.network/routetables")
        w.route(rt, "default-to-firewall", "0.0.0.0/0", "VirtualAppliance", "10.200.0.4")
        mc = next(d for k, d in w.arm if k == "microsoft.containerservice/managedclusters")
        mc["properties"]["networkProfile"]["outboundType"] = "userDefinedRouting"
    elif kind == "natgw":
        pip = w.public_ip(RG, "natgw-ip", NATGW_IP)
        w.nat_gateway(RG, "natgw", pip, sid)
    elif kind == "peering":
        hub = w.vnet(RG, "hub", ["192.168.0.0/16"], {"shared": "192.168.1.0/24"})
        w.vm(RG, "hubvm", w.subnet_id(hub, "shared"), "192.168.1.4")
        w.peer(vid, hub, "aks-to-hub")
        w.peer(hub, vid, "hub-to-aks")
    return w


def pod_subnet() -> World:
    """Azure CNI with dynamic pod IPs from a pod subnet that has its own NSG (denying the VM on port 80)."""
    w = World()
    vid = w.vnet(RG, "vNet_aks_useast", ["10.0.0.0/8"], {"aks-subnet": "10.100.0.0/16", "pod-subnet": "10.101.0.0/16"})
    sid, pid = w.subnet_id(vid, "aks-subnet"), w.subnet_id(vid, "pod-subnet")
    pod_nsg = w.nsg(RG, "pod-nsg")
    w.associate(pid, nsg_id=pod_nsg)
    w.nsg_rule(pod_nsg, "deny-testvm-http", 100, "Inbound", "Deny", "Tcp", "10.100.0.4", "*", "80")
    w.vm(RG, "testvm", sid, "10.100.0.4")
    lb, out_pip, out_fe = _outbound(w)
    w.cluster(RG, "aks-cluster", sid, "azure", pod_cidr=None, service_cidr="10.32.0.0/16", outbound_ip_id=out_pip,
              pod_subnet_id=pid)
    agent_nsg = w.nsg(MC, "aks-agentpool-12345678-nsg")
    c0 = w.node(NODE0, "10.100.0.5", None, MC, sid, agent_nsg)
    w.lb_outbound(lb, out_fe, w.lb_pool(lb, "aksOutboundBackendPool", [c0]))
    w.replicaset("default", "web-8d9e0f1a2", "web")
    w.pod("default", "web-8d9e0f1a2-aaaaa", NODE0, "10.100.0.5", "10.101.0.4", {"app": "web"}, [80, 8080],
          ("ReplicaSet", "web-8d9e0f1a2"))
    return w


PUBVM_IP, PUBVM_PUBLIC_IP, DNS_POD_IP = "10.100.0.7", "20.81.60.70", "10.244.1.9"


def kubenet_extras(policy: str | None = None) -> World:
    """Acceptance 01's cluster plus: a VM with an instance public IP (the user's NSG allows HTTP from the
    internet), a UDP/53 and SCTP/9899 server pod on the second node, and (with ``policy``) a policy that
    lets only the web pods into it on UDP 53."""
    w = kubenet(user_nsg_allows_http=True, policy=policy)
    vid = next(d["id"] for kind, d in w.arm if kind == "microsoft.network/virtualnetworks")
    sid = w.subnet_id(vid, "aks-subnet")
    w.vm(RG, "pubvm", sid, PUBVM_IP, public_ip=PUBVM_PUBLIC_IP)
    w.pod("kube-system", "dnsmasq-0", NODE1, N1_IP, DNS_POD_IP, {"app": "dnsmasq"},
          [(53, "dns", "UDP"), (9899, "sctp", "SCTP")])
    if policy:
        w.network_policy("kube-system", "dns-from-web", {
            "podSelector": {"matchLabels": {"app": "dnsmasq"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"app": "web"}}}],
                         "ports": [{"protocol": "UDP", "port": 53}]}]})
    return w


def kubenet_pending() -> World:
    """Acceptance 01's cluster with a third web replica the scheduler could not place (Pending, no IP)."""
    w = kubenet()
    w.k8s.append(("k8s:core/Pod", "default/web-5d4f8c7b9-cx2z2", {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-5d4f8c7b9-cx2z2", "namespace": "default", "labels": {"app": "web"},
                     "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d4f8c7b9", "controller": True,
                                          "apiVersion": "apps/v1"}]},
        "spec": {"containers": [{"name": "app", "image": "nginx", "ports": [{"containerPort": 80}]}]},
        "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
                                                       "reason": "Unschedulable"}]}}))
    return w


CLIENT = "pod/client"
CUSTOM_DNS_IP = "10.100.0.250"


def dns_egress(allow_dns: bool = False, coredns_egress_denied: bool = False, web_ports: bool = True,
               custom_dns: bool = False) -> World:
    """Acceptance 01's cluster (Calico) plus the pod default/client under an egress policy that allows only
    TCP 443 (and, with ``allow_dns``, TCP 80 and UDP/TCP 53 to kube-system); ``coredns_egress_denied``: a policy
    in kube-system that isolates CoreDNS for egress (its forwards upstream are dropped); ``web_ports=False``: the
    web pods declare no containerPort (nginx without ``ports:``) and answer on the Service's targetPort;
    ``custom_dns``: the VNet names a custom DNS server that no NIC holds."""
    w = kubenet(policy="calico")
    if not web_ports:
        for _kind, _key, doc in w.k8s:
            if doc.get("kind") == "Pod" and doc["metadata"]["labels"].get("app") == "web":
                doc["spec"]["containers"][0]["ports"] = []
    if custom_dns:
        vnet = next(d for kind, d in w.arm if kind == "microsoft.network/virtualnetworks")
        vnet["properties"]["dhcpOptions"] = {"dnsServers": [CUSTOM_DNS_IP]}
    w.service("default", "kubernetes", None, [{"port": 443, "targetPort": 443, "protocol": "TCP",
                                               "name": "https"}], "10.32.0.1")
    w.pod("default", "client", NODE1, N1_IP, "10.244.1.20", {"app": "client"}, [])
    ports: list[Doc] = [{"protocol": "TCP", "port": 443}]
    egress: list[Doc] = [{"ports": ports}]
    if allow_dns:
        ports.append({"protocol": "TCP", "port": 80})
        egress.append({"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}],
                       "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]})
    w.network_policy("default", "client-egress-https-only", {
        "podSelector": {"matchLabels": {"app": "client"}}, "policyTypes": ["Egress"], "egress": egress})
    if coredns_egress_denied:
        w.network_policy("kube-system", "coredns-no-egress", {
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}, "policyTypes": ["Egress"]})
    return w


NVA_IP, APPVM_IP = "10.102.0.4", "10.103.0.4"


def appliance(forwarding: bool = True, return_route: str | None = None, nva_denies_http: bool = False) -> World:
    """Acceptance 01's VNet plus a virtual appliance VM ``nva`` (10.102.0.4, subnet nva-subnet) and a VM
    ``appvm`` (10.103.0.4, subnet apps-subnet); the cluster subnet's route table sends 10.103.0.0/24 to the
    appliance. ``forwarding``: IP forwarding on the appliance's NIC; ``return_route``: a route table on
    apps-subnet for 10.100.0.0/16 — ``"nva"`` (back through the appliance) or ``"none"`` (next hop None);
    ``nva_denies_http``: an NSG on the appliance's NIC denies TCP 80 inbound."""
    w = kubenet()
    vid = next(d["id"] for k, d in w.arm if k == "microsoft.network/virtualnetworks")
    for name, prefix in (("nva-subnet", "10.102.0.0/24"), ("apps-subnet", "10.103.0.0/24")):
        w._vnets[vid]["properties"]["subnets"].append(
            {"id": f"{vid}/subnets/{name}", "name": name, "properties": {"addressPrefix": prefix}})
    nva_nsg = None
    if nva_denies_http:
        nva_nsg = w.nsg(RG, "nva-nsg")
        w.nsg_rule(nva_nsg, "deny-http", 100, "Inbound", "Deny", "Tcp", "*", "*", "80")
    w.vm(RG, "nva", w.subnet_id(vid, "nva-subnet"), NVA_IP, ip_forwarding=forwarding, nsg_id=nva_nsg)
    w.vm(RG, "appvm", w.subnet_id(vid, "apps-subnet"), APPVM_IP)
    rt = next(d["id"] for k, d in w.arm if k == "microsoft.network/routetables")
    w.route(rt, "to-apps", "10.103.0.0/24", "VirtualAppliance", NVA_IP)
    if return_route:
        apps_rt = w.route_table(RG, "apps-rt")
        if return_route == "nva":
            w.route(apps_rt, "to-aks", "10.100.0.0/16", "VirtualAppliance", NVA_IP)
        else:
            w.route(apps_rt, "to-aks", "10.100.0.0/16", "None")
        w.associate(w.subnet_id(vid, "apps-subnet"), rt_id=apps_rt)
    return w


def lb_behind_firewall_udr() -> World:
    """The UDR egress world (0.0.0.0/0 → the firewall on the cluster subnet) with the user's NSG allowing HTTP
    from the internet to the public load balancer: the replies follow the default route to the firewall."""
    w = egress_variants("udr")
    nsg = next(d["id"] for k, d in w.arm if k == "microsoft.network/networksecuritygroups" and d["name"] == "aks-nsg")
    w.nsg_rule(nsg, "allow-http", 100, "Inbound", "Allow", "Tcp", "Internet", "*", "80")
    return w


def source_port_rule() -> World:
    """Acceptance 01's cluster with a rule on the user's subnet NSG that denies TCP 80 from source ports
    50000-60999 (above AllowVnetInBound): whether a connection passes depends on the port the client picks."""
    w = kubenet()
    nsg = next(d["id"] for k, d in w.arm if k == "microsoft.network/networksecuritygroups" and d["name"] == "aks-nsg")
    w.nsg_rule(nsg, "deny-high-source-ports", 100, "Inbound", "Deny", "Tcp", "*", "*", "80")
    rule = next(r for r in w._nsgs[nsg]["properties"]["securityRules"] if r["name"] == "deny-high-source-ports")
    rule["properties"]["sourcePortRange"] = "50000-60999"
    return w
