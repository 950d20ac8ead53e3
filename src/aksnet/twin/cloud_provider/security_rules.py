"""The NSG rules cloud-provider-azure keeps in the cluster's AKS NSG for LoadBalancer Services.

Rules (kubernetes-sigs/cloud-provider-azure pkg/provider/securitygroup@7b31c76, CPA ≥ v1.29 consolidated rules,
``securitygroup/securityrule.go``,
``loadbalancer/accesscontrol.go``): an Inbound Allow rule ``k8s-azure-lb_allow_IPv4_<md5>`` per (protocol,
sources, destination ports), shared by Services with the same three (their frontend addresses are added
to its destinations); sources = ``Internet`` for a public Service without restrictions, the CIDRs of
``loadBalancerSourceRanges`` / ``azure-allowed-ip-ranges`` (``0.0.0.0/0`` counts as allow-all), one rule per
``azure-allowed-service-tags`` tag; an internal Service without restrictions gets no allow rule; a deny-all
rule ``k8s-azure-lb_deny-all_IPv4`` (priority from 4095 down) for ``azure-deny-all-except-load-balancer-
source-ranges``; none of this for ``azure-disable-load-balancer-nsg-rule``. A new rule takes the lowest
free priority from 500; a kept rule keeps its priority; managed rules nobody needs are removed. Writes only
through ``aksnet.twin.network.nsg``; rules it does not own are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aksnet.store import Transaction
from aksnet.twin.cloud_provider.config import (
    MAX_PRIORITY,
    MIN_PRIORITY,
    RULE_PREFIX,
    ServiceLB,
    allow_rule_name,
    deny_all_rule,
    nsg_protocol,
)
from aksnet.twin.network import nsg as nsg_mod
from aksnet.twin.network.common import KIND_NSG

ALLOW_ALL = ("0.0.0.0/0",)


@dataclass
class WantedRule:
    name: str
    access: str
    protocol: str
    sources: list[str]
    ports: list[str]
    destinations: list[str] = field(default_factory=list)


def _source_sets(svc: ServiceLB) -> list[list[str]]:
    """The source prefix sets that get an allow rule for ``svc``."""
    ranges = [r for r in svc.source_ranges]
    allow_all = any(r in ALLOW_ALL for r in ranges)
    sets: list[list[str]] = [[tag] for tag in svc.service_tags]
    if ranges and not allow_all:
        sets.append(sorted(set(ranges)))
    if allow_all or (not ranges and not svc.service_tags and not svc.internal):
        sets.append(["Internet"])
    return sets


def wanted_rules(services: list[tuple[ServiceLB, str, list[str]]]) -> list[WantedRule]:
    """The rules for ``(service, frontend address, node addresses)`` in Service order (names deduplicated)."""
    out: dict[str, WantedRule] = {}
    for svc, ip, node_ips in services:
        if svc.disable_nsg:
            continue
        dests = [ip] if svc.floating_ip else list(node_ips)
        by_proto: dict[str, list[int]] = {}
        for p in svc.ports:
            port = p.port if svc.floating_ip else (p.node_port or p.port)
            by_proto.setdefault(nsg_protocol(p.protocol), [])
            if port not in by_proto[nsg_protocol(p.protocol)]:
                by_proto[nsg_protocol(p.protocol)].append(port)
        family = "IPv6" if ":" in ip else "IPv4"
        for sources in _source_sets(svc):
            for proto, ports in by_proto.items():
                name = allow_rule_name(proto, list(sources), ports, family)
                rule = out.setdefault(name, WantedRule(name, "Allow", proto, list(sources),
                                                       sorted({str(p) for p in ports}, key=int)))
                rule.destinations += [d for d in dests if d not in rule.destinations]
        if svc.deny_all and svc.source_ranges:
            deny = deny_all_rule(family)
            rule = out.setdefault(deny, WantedRule(deny, "Deny", "*", ["*"], ["*"]))
            rule.destinations += [d for d in dests if d not in rule.destinations]
    return list(out.values())


def _is_managed(rule: dict[str, object]) -> bool:
    props = rule.get("properties") or {}
    prio = props.get("priority", 0) if isinstance(props, dict) else 0
    return str(rule.get("name", "")).startswith(RULE_PREFIX) and MIN_PRIORITY <= int(str(prio)) <= MAX_PRIORITY


def _same(existing: dict[str, object], want: WantedRule) -> bool:
    p = existing.get("properties")
    if not isinstance(p, dict):
        return False
    srcs = p.get("sourceAddressPrefixes") or [p.get("sourceAddressPrefix")]
    dsts = p.get("destinationAddressPrefixes") or [p.get("destinationAddressPrefix")]
    ports = p.get("destinationPortRanges") or [p.get("destinationPortRange")]
    return (p.get("access") == want.access and p.get("protocol") == want.protocol and list(srcs) == want.sources
            and sorted(dsts) == sorted(want.destinations) and list(ports) == want.ports)


def apply_security_rules(tx: Transaction, nsg_id: str, wanted: list[WantedRule]) -> None:
    """Make the managed rules of the NSG exactly ``wanted`` (lowest free priority from 500 for new allow
    rules, highest free from 4095 for the deny rule). ``security rule priority exhausted`` when full."""
    doc = tx.get(KIND_NSG, nsg_id)
    if doc is None:
        return
    current = {str(r["name"]): r for r in doc["properties"].get("securityRules") or []}
    managed = {n: r for n, r in current.items() if _is_managed(r)}
    wanted_names = {w.name for w in wanted}
    for name in managed:
        if name not in wanted_names:
            nsg_mod.delete_security_rule(tx, nsg_id, name)
    used = {int(r["properties"]["priority"]) for n, r in current.items()
            if r["properties"].get("direction") == "Inbound" and (n not in managed or n in wanted_names)}
    for w in sorted(wanted, key=lambda w: w.access != "Allow"):
        old = managed.get(w.name)
        if old is not None and _same(old, w):
            continue
        if old is not None:
            prio = int(old["properties"]["priority"])
        else:
            candidates = range(MIN_PRIORITY, MAX_PRIORITY) if w.access == "Allow" else range(MAX_PRIORITY - 1,
                                                                                              MIN_PRIORITY - 1, -1)
            prio = next((p for p in candidates if p not in used), -1)
            if prio < 0:
                raise nsg_error()
            used.add(prio)
        nsg_mod.upsert_security_rule(
            tx, nsg_id, w.name, priority=prio, direction="Inbound", access=w.access, protocol=w.protocol,
            source_address_prefixes=w.sources, source_port_ranges=["*"],
            destination_address_prefixes=sorted(w.destinations, key=_ip_key),
            destination_port_ranges=w.ports)


def _ip_key(ip: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in ip.split("."))
    except ValueError:
        return (999,)


class PriorityExhausted(Exception):
    """``ErrSecurityRulePriorityExhausted``."""


def nsg_error() -> PriorityExhausted:
    return PriorityExhausted("security rule priority exhausted")
