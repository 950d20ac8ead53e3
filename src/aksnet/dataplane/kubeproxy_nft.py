"""kube-proxy (nftables mode) and ip-masq-agent rulesets for one node, laid out like kube-proxy's own.

Layout (kubernetes pkg/proxy/nftables README and proxier.go,
kubernetes/kubernetes pkg/proxy/nftables/proxier.go): one ``ip kube-proxy`` table;
base chains ``nat-prerouting``/``nat-output`` jump ``services`` (``service-ips`` and ``service-nodeports``
verdict maps), ``filter-*`` chains jump ``endpoints-check`` (``no-endpoint-*`` maps → reject) and
``firewall-check`` (loadBalancerSourceRanges); per Service port ``service-<HASH>-ns/svc/proto/port``,
``external-…`` (NodePort, LB IP, externalIPs), ``local-…`` (Local policies) and ``endpoint-…`` chains; the
``mark-for-masquerade`` bit 0x4000 and ``masquerading`` in postrouting (hairpin included). Endpoint sets
and traffic-policy semantics come from ``aksnet.engine.kube_proxy`` so the kernel and the twin share one
interpretation; with ``balance="first"`` the service chain goes to the endpoint the twin picks (the first
ready one, or per client under ``sessionAffinity: ClientIP``), with ``"random"`` it uses ``numgen random`` like
kube-proxy. ClientIP affinity uses kube-proxy's per-endpoint ``affinity-…`` sets (dynamic, timeout
``sessionAffinityConfig.clientIP.timeoutSeconds``). Pure: builds JSON only.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
from collections.abc import Sequence
from typing import Any

from aksnet.dataplane import nft as n
from aksnet.engine import kube_proxy
from aksnet.engine.addressing import Topology
from aksnet.model import k8s
from aksnet.model.ids import id_key
from aksnet.rules.ietf import LOOPBACK

MASQ_BIT = 0x4000
PRIO_DSTNAT = -100
PRIO_SRCNAT = 100
_KEY3 = ["ipv4_addr", "inet_proto", "inet_service"]


def chain_hash(text: str) -> str:
    """kube-proxy's hashAndTruncate: 8 base32 characters of sha256."""
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode()[:8]


def _port_base(svc: k8s.Service, sp: k8s.ServicePort) -> str:
    base = f"{svc.namespace}/{svc.name}/{sp.protocol.lower()}/{sp.name or ''}"
    return f"{chain_hash(base)}-{base}"[:200]


def _local_detector(topo: Topology, node: k8s.Node) -> list[dict[str, Any]]:
    """Expressions matching traffic NOT from this cluster's pods (kube-proxy's localDetector)."""
    cluster = topo.cluster
    flavour = cluster.plugin_flavour if cluster else "kubenet"
    if flavour in ("kubenet", "overlay"):
        cidr = (cluster.network_profile.pod_cidr if cluster else None) or node.pod_cidr
        if cidr:
            return [n.match(n.payload("ip", "saddr"), n.prefix(cidr), "!=")]
    return [n.match(n.meta("iifname"), "pv*", "!=")]


def build(topo: Topology, node: k8s.Node, balance: str = "first", clients: Sequence[str] = ()) -> n.Table:
    """kube-proxy's table on ``node``. ``clients``: the addresses that can reach a Service (pods, nodes, VMs,
    internet hosts) — with ``balance="first"`` a ClientIP-affinity Service pins each to the twin's endpoint."""
    t = n.Table("ip", "kube-proxy")
    for name, hook, ctype, prio in (("filter-prerouting", "prerouting", "filter", PRIO_DSTNAT - 10),
                                    ("filter-input", "input", "filter", PRIO_DSTNAT - 10),
                                    ("filter-forward", "forward", "filter", PRIO_DSTNAT - 10),
                                    ("filter-output", "output", "filter", PRIO_DSTNAT - 10),
                                    ("nat-prerouting", "prerouting", "nat", PRIO_DSTNAT),
                                    ("nat-output", "output", "nat", PRIO_DSTNAT),
                                    ("nat-postrouting", "postrouting", "nat", PRIO_SRCNAT)):
        t.chain(name, hook=hook, ctype=ctype, prio=prio)
    for name in ("services", "endpoints-check", "firewall-check", "mark-for-masquerade", "masquerading",
                 "reject-chain"):
        t.chain(name)
    service_ips: list[list[Any]] = []
    nodeports: list[list[Any]] = []
    no_ep: list[list[Any]] = []
    no_ep_np: list[list[Any]] = []
    firewall: list[list[Any]] = []
    not_local = _local_detector(topo, node)
    for svc in sorted(topo.services.values(), key=lambda s: s.key):
        if svc.type == "ExternalName" or not svc.cluster_ip or svc.is_headless:
            continue
        for sp in svc.ports:
            proto = sp.protocol.lower()
            if proto not in ("tcp", "udp", "sctp"):
                continue
            base = _port_base(svc, sp)
            all_eps = kube_proxy.usable_backends(topo, svc, sp, None, False)
            local_eps = kube_proxy.usable_backends(topo, svc, sp, node.name, True)
            if not all_eps:
                no_ep.append([{"concat": [svc.cluster_ip, proto, sp.port]}, n.goto("reject-chain")])
                for ip in (*svc.load_balancer_ingress, *svc.external_ips):
                    no_ep.append([{"concat": [ip, proto, sp.port]}, n.goto("reject-chain")])
                if sp.node_port and svc.type in ("NodePort", "LoadBalancer"):
                    no_ep_np.append([{"concat": [proto, sp.node_port]}, n.goto("reject-chain")])
                continue
            svc_chain = f"service-{base}"
            _endpoint_chains(t, base, svc_chain, all_eps, proto, balance, svc, clients)
            itp_local = svc.internal_traffic_policy == "Local"
            cluster_target = svc_chain
            if itp_local:
                cluster_target = f"local-int-{base}"[:250]
                _endpoint_chains(t, base + "-l", cluster_target, local_eps, proto, balance, svc, clients)
            # ClusterIP entry: masquerade traffic that does not come from the cluster's pods
            ci_chain = f"cluster-ip-{base}"[:250]
            t.chain(ci_chain)
            t.rule(ci_chain, *not_local, n.jump("mark-for-masquerade"))
            t.rule(ci_chain, n.goto(cluster_target))
            service_ips.append([{"concat": [svc.cluster_ip, proto, sp.port]}, n.goto(ci_chain)])
            externals = (*svc.load_balancer_ingress, *svc.external_ips)
            has_np = bool(sp.node_port) and svc.type in ("NodePort", "LoadBalancer")
            if not externals and not has_np:
                continue
            ext_chain = f"external-{base}"[:250]
            t.chain(ext_chain)
            if svc.external_traffic_policy == "Local":
                local_chain = f"local-{base}"[:250]
                _endpoint_chains(t, base + "-x", local_chain, local_eps, proto, balance, svc, clients)
                # pods and the node itself short-circuit to the cluster-wide endpoints
                t.rule(ext_chain, *_from_pods(not_local), n.goto(svc_chain))
                t.rule(ext_chain, n.match({"fib": {"result": "type", "flags": ["saddr"]}}, "local"),
                       n.jump("mark-for-masquerade"))
                t.rule(ext_chain, n.match({"fib": {"result": "type", "flags": ["saddr"]}}, "local"),
                       n.goto(svc_chain))
                t.rule(ext_chain, n.goto(local_chain))
            else:
                t.rule(ext_chain, n.jump("mark-for-masquerade"))
                t.rule(ext_chain, n.goto(svc_chain))
            for ip in externals:
                service_ips.append([{"concat": [ip, proto, sp.port]}, n.goto(ext_chain)])
                if svc.load_balancer_source_ranges and ip in svc.load_balancer_ingress:
                    fw = f"firewall-{base}"[:250]
                    t.chain(fw)
                    t.rule(fw, n.match(n.payload("ip", "saddr"),
                                       n.anon_set([n.prefix(r.strip()) for r in svc.load_balancer_source_ranges]),
                                       "!="), n.DROP)
                    firewall.append([{"concat": [ip, proto, sp.port]}, n.goto(fw)])
            if has_np:
                nodeports.append([{"concat": [proto, sp.node_port]}, n.goto(ext_chain)])
    t.map("service-ips", _KEY3, "verdict", service_ips)
    t.map("service-nodeports", ["inet_proto", "inet_service"], "verdict", nodeports)
    t.map("no-endpoint-services", _KEY3, "verdict", no_ep)
    t.map("no-endpoint-nodeports", ["inet_proto", "inet_service"], "verdict", no_ep_np)
    t.map("firewall-ips", _KEY3, "verdict", firewall)
    key3 = {"concat": [n.payload("ip", "daddr"), n.meta("l4proto"), n.payload("th", "dport")]}
    key2 = {"concat": [n.meta("l4proto"), n.payload("th", "dport")]}
    local_dst = [n.match({"fib": {"result": "type", "flags": ["daddr"]}}, "local"),
                 n.match(n.payload("ip", "daddr"), n.prefix(LOOPBACK), "!=")]
    t.rule("services", {"vmap": {"key": key3, "data": "@service-ips"}})
    t.rule("services", *local_dst, {"vmap": {"key": key2, "data": "@service-nodeports"}})
    t.rule("endpoints-check", {"vmap": {"key": key3, "data": "@no-endpoint-services"}})
    t.rule("endpoints-check", *local_dst, {"vmap": {"key": key2, "data": "@no-endpoint-nodeports"}})
    t.rule("firewall-check", {"vmap": {"key": key3, "data": "@firewall-ips"}})
    t.rule("reject-chain", n.reject_port_unreachable())
    t.rule("mark-for-masquerade", {"mangle": {"key": n.meta("mark"), "value": {"|": [n.meta("mark"), MASQ_BIT]}}})
    t.rule("masquerading", n.match({"&": [n.meta("mark"), MASQ_BIT]}, 0), n.RETURN)
    t.rule("masquerading", {"mangle": {"key": n.meta("mark"), "value": {"^": [n.meta("mark"), MASQ_BIT]}}})
    t.rule("masquerading", {"masquerade": None})
    new = n.match(n.ct("state"), "new")
    t.rule("filter-prerouting", new, n.jump("firewall-check"))
    for c in ("filter-input", "filter-forward", "filter-output"):
        t.rule(c, new, n.jump("endpoints-check"))
    t.rule("filter-output", new, n.jump("firewall-check"))
    t.rule("nat-prerouting", n.jump("services"))
    t.rule("nat-output", n.jump("services"))
    t.rule("nat-postrouting", n.jump("masquerading"))
    return t


def _from_pods(not_local: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The localDetector's positive form (traffic from the cluster's pods)."""
    out = []
    for e in not_local:
        m = dict(e["match"])
        m["op"] = "=="
        out.append({"match": m})
    return out


def _endpoint_chains(t: n.Table, base: str, chain: str, eps: list[kube_proxy.Backend], proto: str,
                     balance: str, svc: k8s.Service | None = None, clients: Sequence[str] = ()) -> None:
    """The service (or local-policy) chain ``chain`` and one ``endpoint-…`` chain per endpoint. With
    ``sessionAffinity: ClientIP`` every endpoint also gets kube-proxy's ``affinity-…`` set (dynamic, with the
    Service's timeout): the endpoint chain records the client (``update @affinity-… { ip saddr }``) and the
    service chain first sends a recorded client back to its endpoint."""
    t.chain(chain)
    if not eps:
        t.rule(chain, n.DROP, comment="no local endpoints")
        return
    affinity = svc is not None and svc.session_affinity == "ClientIP"
    targets = []
    for ep in eps:
        suffix = f"{chain_hash(base + ep.ip + str(ep.port))}-{base}__{ep.ip}/{ep.port}"
        ec = f"endpoint-{suffix}"[:250]
        t.chain(ec)
        t.rule(ec, n.match(n.payload("ip", "saddr"), ep.ip), n.jump("mark-for-masquerade"))
        if affinity:
            assert svc is not None
            aset = f"affinity-{suffix}"[:250]
            t.set(aset, "ipv4_addr", flags=["timeout"], timeout=svc.session_affinity_timeout)  # nft adds "dynamic"
            t.rule(ec, {"set": {"op": "update", "elem": n.payload("ip", "saddr"), "set": f"@{aset}"}})
            t.rule(chain, n.match(n.payload("ip", "saddr"), f"@{aset}"), n.goto(ec))
        t.rule(ec, n.match(n.meta("l4proto"), proto), {"dnat": {"addr": ep.ip, "port": ep.port}})
        targets.append(ec)
    if balance == "random" and len(targets) > 1:
        t.rule(chain, {"vmap": {"key": {"numgen": {"mode": "random", "mod": len(targets)}},
                                "data": {"set": [[i, n.goto(c)] for i, c in enumerate(targets)]}}})
        return
    if affinity and len(targets) > 1:
        # the twin's deterministic pick per client (kube_proxy.choose) for every address the data plane has
        assert svc is not None
        by_ep = {(ep.ip, ep.port): c for ep, c in zip(eps, targets)}
        pinned = []
        for ip in sorted(set(clients), key=ipaddress.IPv4Address):
            b = kube_proxy.choose(eps, svc, ip)
            if by_ep[(b.ip, b.port)] != targets[0]:
                pinned.append([ip, n.goto(by_ep[(b.ip, b.port)])])
        if pinned:
            t.rule(chain, {"vmap": {"key": n.payload("ip", "saddr"), "data": {"set": pinned}}})
    t.rule(chain, n.goto(targets[0]))


def masq_table(topo: Topology, node: k8s.Node, flavour: str) -> n.Table:
    """ip-masq-agent on the node (learn.microsoft.com/azure/aks/concepts-network-cni-overview): kubenet and overlay
    SNAT pod traffic leaving the pod CIDR to the
    node IP, Azure CNI SNATs traffic leaving the VNet, pod subnet never SNATs (engine.snat.pod_source)."""
    t = n.Table("ip", "aksnet-ipmasq")
    t.chain("postrouting", hook="postrouting", ctype="nat", prio=PRIO_SRCNAT + 10)
    cluster = topo.cluster
    out = n.match(n.meta("oifname"), "eth0")
    if flavour in ("kubenet", "overlay"):
        pod_cidr = (cluster.network_profile.pod_cidr if cluster else None) or node.pod_cidr
        if pod_cidr and node.pod_cidr:
            t.rule("postrouting", out, n.match(n.payload("ip", "saddr"), n.prefix(node.pod_cidr)),
                   n.match(n.payload("ip", "daddr"), n.prefix(pod_cidr), "!="), {"masquerade": None},
                   comment=f"{flavour}: SNAT to the node IP outside the pod CIDR")
    elif flavour == "azure":
        hit = topo.subnet_of_ip(node.internal_ip)
        vnet = topo.vnet_of_subnet.get(id_key(hit.id)) if hit else None
        prefixes = list(vnet.address_prefixes) if vnet else []
        exprs = [out, n.match(n.meta("iifname"), "pv*")]
        if prefixes:
            exprs.append(n.match(n.payload("ip", "daddr"), n.anon_set([n.prefix(p) for p in prefixes]), "!="))
        t.rule("postrouting", *exprs, {"masquerade": None},
               comment="Azure CNI ip-masq-agent: SNAT to the node IP outside the VNet")
    return t
