"""Load-balancing rules and health probes per Service port, and writing them into the ``kubernetes`` /
``kubernetes-internal`` load balancers.

Rules (learn.microsoft.com/azure/aks/load-balancer-standard;
kubernetes-sigs/cloud-provider-azure pkg/provider/azure_loadbalancer.go@7b31c76;
CPA ``azure_loadbalancer.go`` ``getExpectedLBRules``,
``getExpectedLoadBalancingRulePropertiesForPort``, ``azure_loadbalancer_healthprobe.go``): one rule per port,
``<base>-<Protocol>-<port>``, frontend port = backend port = the Service port with floating IP (floating IP
off: backend port = nodePort), idle timeout 4, TCP reset on TCP, load distribution SourceIP for
``sessionAffinity: ClientIP``, outbound SNAT disabled where the LB has outbound rules; probe named like the
rule: ``externalTrafficPolicy: Local`` → HTTP ``/healthz`` on the healthCheckNodePort; Cluster → TCP on the
nodePort (UDP/SCTP: none; appProtocol http/https → HTTP(S) ``/``; probe annotations override), interval 5,
2 probes. The backend pool ``kubernetes`` holds the node NICs. Objects the provider does not own (AKS's
outbound rule, frontends and pool) are kept as they are. Must not decide addresses (``frontends``).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from aksnet.store import Transaction
from aksnet.twin.cloud_provider.cluster_info import ClusterInfo
from aksnet.twin.cloud_provider.config import BACKEND_POOL, ServiceLB, azure_protocol
from aksnet.twin.cloud_provider.frontends import Frontend
from aksnet.twin.network import load_balancer as lb_mod
from aksnet.twin.network.common import KIND_LB, TYPE_LB

Doc = dict[str, Any]

# Names the provider owns: "a" + 31 hex characters (a Service UID), then an optional -suffix.
_MANAGED = re.compile(r"^a[0-9a-f]{31}($|-)")


def is_managed_name(name: str) -> bool:
    return bool(_MANAGED.match(name))


def _probe(svc: ServiceLB, name: str, protocol: str, port: int, node_port: int | None,
           app_protocol: str | None) -> Doc | None:
    """The rule's health probe (None: no probe), with the per-port ``port_{port}_health-probe_*`` overrides."""
    if svc.port_option(port, "no_probe_rule") == "true":
        return None
    probe = _default_probe(svc, protocol, node_port, app_protocol)
    over_proto = svc.port_option(port, "health-probe_protocol")
    if over_proto:
        proto = {"tcp": "Tcp", "http": "Http", "https": "Https"}.get(over_proto.lower(), "Tcp")
        probe = {"protocol": proto, "port": (probe or {}).get("port") or node_port,
                 "intervalInSeconds": svc.probe_interval, "numberOfProbes": svc.probe_count, "probeThreshold": 1}
        if proto != "Tcp":
            probe["requestPath"] = "/"
    if probe is None or not probe.get("port"):
        return None
    for option, field_name in (("health-probe_port", "port"), ("health-probe_interval", "intervalInSeconds"),
                               ("health-probe_num-of-probe", "numberOfProbes")):
        value = svc.port_option(port, option)
        if value and value.isdigit():
            probe[field_name] = int(value)
    path = svc.port_option(port, "health-probe_request-path")
    if path and probe["protocol"] != "Tcp":
        probe["requestPath"] = path
    return {"name": name, "properties": probe}


def _default_probe(svc: ServiceLB, protocol: str, node_port: int | None, app_protocol: str | None) -> Doc | None:
    path: str | None
    if svc.etp_local and svc.health_check_node_port:
        proto, probe_port, path = "Http", svc.health_check_node_port, "/healthz"
    else:
        if node_port is None:
            return None
        if svc.probe_protocol:
            proto = {"tcp": "Tcp", "http": "Http", "https": "Https"}.get(svc.probe_protocol.lower(), "Tcp")
        elif app_protocol and app_protocol.lower() in ("http", "https"):
            proto = "Http" if app_protocol.lower() == "http" else "Https"
        elif protocol == "TCP":
            proto = "Tcp"
        else:
            return None
        probe_port = node_port
        path = (svc.probe_path or "/") if proto != "Tcp" else None
    props: Doc = {"protocol": proto, "port": probe_port, "intervalInSeconds": svc.probe_interval,
                  "numberOfProbes": svc.probe_count, "probeThreshold": 1}
    if path:
        props["requestPath"] = path
    return props


def service_rules(svc: ServiceLB, fe: Frontend, lb_id: str, disable_outbound_snat: bool) -> tuple[list[Doc], list[Doc]]:
    """The rules and probes of one Service on its frontend."""
    rules: list[Doc] = []
    probes: list[Doc] = []
    pool_id = f"{lb_id}/backendAddressPools/{backend_pool(fe.family)}"
    fe_id = f"{lb_id}/frontendIPConfigurations/{fe.name}"
    for p in svc.ports:
        if svc.port_option(p.port, "no_lb_rule") == "true":
            continue
        name = f"{svc.rule_name(p.protocol, p.port)}{svc.family_suffix(fe.family)}"[:80]
        probe = _probe(svc, name, p.protocol, p.port, p.node_port, p.app_protocol)
        backend_port = p.port if svc.floating_ip else (p.node_port or p.port)
        props: Doc = {
            "frontendIPConfiguration": {"id": fe_id},
            "backendAddressPool": {"id": pool_id},
            "backendAddressPools": [{"id": pool_id}],
            "protocol": azure_protocol(p.protocol),
            "frontendPort": p.port,
            "backendPort": backend_port,
            "enableFloatingIP": svc.floating_ip,
            "idleTimeoutInMinutes": svc.idle_timeout,
            "loadDistribution": "SourceIP" if svc.session_affinity else "Default",
            "enableTcpReset": svc.tcp_reset and p.protocol == "TCP",
            "disableOutboundSnat": disable_outbound_snat,
        }
        if probe is not None:
            props["probe"] = {"id": f"{lb_id}/probes/{name}"}
            probes.append(probe)
        rules.append({"name": name, "properties": props})
    return rules, probes


def backend_pool(family: str) -> str:
    """``getBackendPoolName``: ``kubernetes`` for IPv4, ``kubernetes-IPv6`` for IPv6."""
    return f"{BACKEND_POOL}-IPv6" if family == "IPv6" else BACKEND_POOL


def _pool(info: ClusterInfo, existing: Doc | None, family: str = "IPv4") -> Doc:
    pool: Doc = copy.deepcopy(existing) if existing else {"name": backend_pool(family), "properties": {}}
    members = info.node_ipconfig_ids_v6 if family == "IPv6" else info.node_ipconfig_ids
    pool.setdefault("properties", {})["backendIPConfigurations"] = [{"id": i} for i in members]
    return pool


def _normalised(doc: Doc) -> Any:
    """The document without the fields ARM regenerates on every write (etags, provisioning state)."""
    if isinstance(doc, dict):
        return {k: _normalised(v) for k, v in doc.items() if k not in ("etag", "provisioningState")}
    if isinstance(doc, list):
        return [_normalised(v) for v in doc]
    return doc


def apply_load_balancer(tx: Transaction, info: ClusterInfo, lb_name: str, frontends: list[Frontend],
                        services: dict[str, ServiceLB]) -> Doc | None:
    """Make ``lb_name`` carry exactly the provider's frontends, rules and probes for ``frontends`` (plus what
    others own on it); create it on first need, delete it when nothing is left on it. Returns the stored LB."""
    lb_id = lb_mod.load_balancer_id(info.node_resource_group, lb_name)
    existing = tx.get(KIND_LB, lb_id)
    if existing is None and not frontends:
        return None
    doc: Doc = copy.deepcopy(existing) if existing else {
        "id": lb_id, "name": lb_name, "type": TYPE_LB, "location": info.location,
        "sku": {"name": "Standard", "tier": "Regional"}, "properties": {}}
    props = doc.setdefault("properties", {})
    kept = {child: [c for c in props.get(child) or [] if not is_managed_name(str(c.get("name", "")))]
            for child in ("frontendIPConfigurations", "loadBalancingRules", "probes")}
    if not frontends and not kept["frontendIPConfigurations"] and not props.get("outboundRules"):
        lb_mod.delete_load_balancer(tx, lb_id)
        return None
    disable_snat = bool(props.get("outboundRules"))  # AKS: outbound SNAT comes from the outbound rule
    fes: list[Doc] = []
    rules: list[Doc] = []
    probes: list[Doc] = []
    for fe in frontends:
        fp: Doc = {}
        if fe.public_ip_id:
            fp["publicIPAddress"] = {"id": fe.public_ip_id}
        else:
            fp["subnet"] = {"id": fe.subnet_id}
            fp["privateIPAllocationMethod"] = "Static" if fe.private_ip else "Dynamic"
            if fe.private_ip:
                fp["privateIPAddress"] = fe.private_ip
                fp["privateIPAddressVersion"] = "IPv4"
        old = next((f for f in props.get("frontendIPConfigurations") or [] if f.get("name") == fe.name), None)
        if old is not None and not fe.private_ip and (old.get("properties") or {}).get("privateIPAddress"):
            fp["privateIPAddress"] = old["properties"]["privateIPAddress"]
            fp["privateIPAddressVersion"] = "IPv4"
        fes.append({"name": fe.name, "properties": fp})
        for owner in fe.owners:
            r, p = service_rules(services[owner], fe, lb_id, disable_snat)
            rules += r
            probes += p
    props["frontendIPConfigurations"] = kept["frontendIPConfigurations"] + fes
    props["loadBalancingRules"] = kept["loadBalancingRules"] + rules
    props["probes"] = kept["probes"] + probes
    pools = props.setdefault("backendAddressPools", [])
    for family in ("IPv4", "IPv6") if info.node_ipconfig_ids_v6 else ("IPv4",):
        idx = next((i for i, p in enumerate(pools) if p.get("name") == backend_pool(family)), None)
        if idx is None:
            pools.append(_pool(info, None, family))
        else:
            pools[idx] = _pool(info, pools[idx], family)
    _fill_ids(doc, lb_id)
    if existing is not None and _normalised(existing) == _normalised(doc):
        return existing
    return lb_mod.put_load_balancer(tx, doc)


def _fill_ids(doc: Doc, lb_id: str) -> None:
    """IDs and types as ARM gives the children (so an unchanged LB compares equal and is not rewritten)."""
    for child in lb_mod.CHILDREN:
        for item in (doc.get("properties") or {}).get(child) or []:
            item["id"] = f"{lb_id}/{child}/{item['name']}"
            item["type"] = f"{TYPE_LB}/{child}"
