"""The flow vocabulary of the path engine: packets, hops, sites, backends and the finished walk.

Pure data (frozen dataclasses); ``aksnet.engine.walk`` produces these, analyses and renderers read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.engine.addressing import Owner
from aksnet.model import azure, k8s

EPHEMERAL_PORT = 49152  # the client's source port (deterministic; the first IANA dynamic port)

DELIVERED, DROPPED, REFUSED, UNRESOLVED = "delivered", "dropped", "refused", "unresolved"
REPLY = "reply: "  # the component prefix of the hops of a reply path that differs from the request's


@dataclass(frozen=True, slots=True)
class Packet:
    src_ip: str
    src_port: int
    dst_ip: str
    dst_port: int
    protocol: str

    def __str__(self) -> str:
        return f"{self.src_ip}:{self.src_port} → {self.dst_ip}:{self.dst_port}/{self.protocol.upper()}"


@dataclass(frozen=True, slots=True)
class Hop:
    """One decision on the path. ``decision``: allow, deny, pass (no translation), dnat, snat, route, forward,
    resolve, deliver, refuse, drop. ``rule`` names what decided it (with priority or index); ``packet`` is the
    packet after it."""

    component: str
    decision: str
    rule: str
    packet: Packet | None = None


@dataclass(frozen=True, slots=True)
class Site:
    """Where a flow starts: kind pod, node, vm or internet."""

    kind: str
    ip: str
    name: str
    pod: k8s.Pod | None = None
    node: k8s.Node | None = None
    vm: azure.VirtualMachine | None = None
    nic: azure.NetworkInterface | None = None


@dataclass(frozen=True, slots=True)
class Backend:
    """Who answered: kind pod, vm, node, internet, apiserver; ``client_ip`` is the source it saw."""

    kind: str
    name: str
    ip: str
    port: int
    client_ip: str
    pod: k8s.Pod | None = None
    nic: azure.NetworkInterface | None = None  # a VM's NIC that answered (addresses repeat across VNets)


def is_reply(hop: Hop) -> bool:
    """A hop of the reply's own path (:mod:`aksnet.engine.returns` adds them when it differs)."""
    return hop.component.startswith(REPLY)


@dataclass(frozen=True, slots=True)
class Walk:
    verdict: str
    reason: str
    source: Site
    dst_ip: str
    dst_port: int
    protocol: str
    hops: tuple[Hop, ...]
    destination: Owner | None = None
    backend: Backend | None = None

    @property
    def delivered(self) -> bool:
        return self.verdict == DELIVERED
