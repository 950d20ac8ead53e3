"""The declarative plan's vocabulary: frozen descriptions of namespaces, links, addresses, routes, nft
documents and processes. Pure data with deterministic ``repr`` (so digests are stable); no kernel access.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

MAIN_TABLE = 254


@dataclass(frozen=True, slots=True)
class Addr:
    ip: str
    prefixlen: int
    scope: str = "universe"  # universe | link | host

    def __str__(self) -> str:
        return f"{self.ip}/{self.prefixlen}"


@dataclass(frozen=True, slots=True)
class RouteSpec:
    dst: str  # CIDR or "default"
    gateway: str | None = None
    dev: str | None = None
    table: int = MAIN_TABLE
    type: str = "unicast"  # unicast | unreachable | blackhole | throw
    scope: str | None = None  # link for on-link routes
    src: str | None = None
    onlink: bool = False


@dataclass(frozen=True, slots=True)
class RuleSpec:
    priority: int
    table: int
    iif: str | None = None
    fwmark: int | None = None
    dst: str | None = None


@dataclass(frozen=True, slots=True)
class Veth:
    """A veth pair created in the parent namespace; its peer lands in the unit's namespace."""

    name: str  # in the parent
    peer_name: str  # in the unit's namespace
    master: str | None = None  # bridge in the parent
    hairpin: bool = False
    addrs: tuple[Addr, ...] = ()  # parent side
    peer_addrs: tuple[Addr, ...] = ()
    routes: tuple[RouteSpec, ...] = ()  # in the parent, through this link
    peer_routes: tuple[RouteSpec, ...] = ()  # in the unit's namespace
    drop_peer_prefix_route: bool = False  # everything goes through the gateway, as on an Azure NIC
    proxy_arp: bool = False  # parent side


@dataclass(frozen=True, slots=True)
class Bridge:
    name: str
    addrs: tuple[Addr, ...] = ()


@dataclass(frozen=True, slots=True)
class Unit:
    """One namespace and what lives only in it (created and removed together)."""

    key: str  # e.g. "node/aks-nodepool1-0"
    netns: str
    kind: str  # vnet | internet | node | pod | vm | inethost | apiserver
    parent: str | None = None
    uplinks: tuple[Veth, ...] = ()
    bridges: tuple[Bridge, ...] = ()
    loopback: tuple[Addr, ...] = ()
    sysctls: tuple[tuple[str, str], ...] = ()
    routes: tuple[RouteSpec, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()  # what it stands for (shown by status)

    @property
    def digest(self) -> str:
        return digest_of(repr(self))


@dataclass(frozen=True, slots=True)
class Routing:
    """Policy routing of one namespace (the VNet fabric): rules and non-main tables, replaced as a whole."""

    netns: str
    rules: tuple[RuleSpec, ...] = ()
    routes: tuple[RouteSpec, ...] = ()

    @property
    def digest(self) -> str:
        return digest_of(repr(self))


@dataclass(frozen=True)
class NftSpec:
    """Every nft table of one namespace, as one atomic JSON batch."""

    netns: str
    tables: tuple[tuple[str, str], ...]  # (family, name)
    document: dict[str, Any]

    @property
    def key(self) -> str:
        return f"nft/{self.netns}"

    @property
    def digest(self) -> str:
        return digest_of(json.dumps(self.document, sort_keys=True))


@dataclass(frozen=True)
class Listener:
    netns: str
    identity: tuple[tuple[str, str], ...]  # key=value lines the echo prints first (pod=ns/name, pod_ip=…)
    tcp_ports: tuple[int, ...] = ()  # extra real listeners (hostNetwork pods in a node)
    catch_all: bool = True  # answer on every port (nft redirect to the agent's port)
    dns_ip: str | None = None  # serve cluster DNS on this address:53 (CoreDNS pods)
    udp_ports: tuple[int, ...] = ()  # real UDP sockets (a pod's declared UDP ports: REDIRECT would hide the port)
    dns_upstream: str | None = None  # CoreDNS: forward names outside the cluster zone here (real UDP from the pod)
    azure_dns: tuple[tuple[str, tuple[str, ...]], ...] = ()  # nodes, VMs: Azure DNS on 168.63.129.16:53 answers these
    dns_proxy_ip: str | None = None  # Azure Firewall DNS proxy: on this address:53, forward to 168.63.129.16 for real


@dataclass(frozen=True)
class NginxSpec:
    netns: str
    key: str  # the controller pod key
    conf: str
    files: tuple[tuple[str, str], ...] = ()  # relative path → content (certificates)
    mesh_principal: str = ""  # a sidecar stand-in: apply adds the mesh CA, this identity's certificate, peer maps


@dataclass(frozen=True)
class Plan:
    tag: str
    units: tuple[Unit, ...]
    routing: tuple[Routing, ...] = ()
    nft: tuple[NftSpec, ...] = ()
    listeners: tuple[Listener, ...] = ()
    dns_records: dict[str, Any] = field(default_factory=dict)
    resolv: tuple[tuple[str, str], ...] = ()  # netns → resolv.conf text
    nginx: tuple[NginxSpec, ...] = ()
    notes: tuple[str, ...] = ()  # what the plan could not build, said plainly

    def unit(self, key: str) -> Unit | None:
        return next((u for u in self.units if u.key == key), None)

    @property
    def agent_digest(self) -> str:
        return digest_of(repr(self.listeners) + json.dumps(self.dns_records, sort_keys=True))


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
