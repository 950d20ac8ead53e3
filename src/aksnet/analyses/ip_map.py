"""The subnet map of ``aksnet ui``'s IP plan view: for every subnet prefix of every VNet, which addresses Azure
reserves, which are used and by whom, and which are free.

Azure reserves five addresses in every subnet: the network address, ``.1`` (default gateway), ``.2`` and ``.3``
(Azure DNS) and the broadcast address (learn.microsoft.com/azure/virtual-network/virtual-networks-faq, "Are
there any restrictions on using IP addresses within these subnets?"). Used: every NIC IP configuration (nodes,
VMs, Azure CNI pod addresses held as secondary configurations), internal load balancer frontends, private
endpoints, and pods whose address lies in the subnet (Azure CNI) — one owner per address, NICs first.
The map is cut into at most :data:`MAX_BLOCKS` equal blocks (single addresses for a /24 or smaller) so a /8
draws like a /28. Pure: twin in, :class:`SubnetMap` list out.
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass

from aksnet.model.ids import IdKey, id_key
from aksnet.model.twin import Twin
from aksnet.rules.azure import SUBNET_FIRST_USABLE_OFFSET

MAX_BLOCKS = 256


@dataclass(frozen=True, slots=True)
class Block:
    first: str
    last: str
    reserved: int
    used: int
    free: int

    @property
    def state(self) -> str:
        """reserved | used | free when the block is all one, else mixed."""
        size = self.reserved + self.used + self.free
        for name, n in (("reserved", self.reserved), ("used", self.used), ("free", self.free)):
            if n == size:
                return name
        return "mixed"


@dataclass(frozen=True, slots=True)
class SubnetMap:
    vnet: str
    subnet: str
    prefix: str
    size: int
    reserved: int
    used: tuple[tuple[str, str], ...]  # (address, owner), in address order
    blocks: tuple[Block, ...]

    @property
    def free(self) -> int:
        return self.size - self.reserved - len(self.used)


def _owners(twin: Twin) -> dict[IdKey, dict[str, str]]:
    """subnet id → address → who holds it."""
    out: dict[IdKey, dict[str, str]] = {}
    nic_vm = {id_key(nid): vm.name for vm in twin.vms for nid in vm.nic_ids}
    for nic in twin.nics:
        vm = nic_vm.get(id_key(nic.id))
        who = f"NIC {nic.name}" + (f" (VM {vm})" if vm else "")
        for ipc in nic.ip_configurations:
            out.setdefault(id_key(ipc.subnet_id), {}).setdefault(ipc.private_ip, f"{who} {ipc.name}")
    for lb in twin.load_balancers:
        for fe in lb.frontends:
            if fe.subnet_id and fe.private_ip:
                out.setdefault(id_key(fe.subnet_id), {}).setdefault(fe.private_ip,
                                                                    f"load balancer {lb.name} frontend {fe.name}")
    for pe in twin.private_endpoints:
        out.setdefault(id_key(pe.subnet_id), {}).setdefault(pe.private_ip, f"private endpoint {pe.name}")
    return out


def _blocks(net: ipaddress.IPv4Network, used: set[int]) -> tuple[Block, ...]:
    base, size = int(net.network_address), net.num_addresses
    step = max(1, size // MAX_BLOCKS)
    reserved = Counter((a - base) // step for a in (*range(base, base + SUBNET_FIRST_USABLE_OFFSET), base + size - 1)
                       if a < base + size)
    in_use = Counter((a - base) // step for a in used)
    blocks = []
    for k, start in enumerate(range(base, base + size, step)):
        r, u = reserved[k], in_use[k]
        blocks.append(Block(str(ipaddress.IPv4Address(start)), str(ipaddress.IPv4Address(start + step - 1)), r, u,
                            step - r - u))
    return tuple(blocks)


def subnet_maps(twin: Twin) -> list[SubnetMap]:
    """Every subnet prefix's map (see the module docstring), VNets and subnets by name."""
    owners = _owners(twin)
    pods = [(p.pod_ip, f"pod {p.key}") for cs in twin.clusters for p in cs.pods if p.pod_ip and not p.host_network]
    out: list[SubnetMap] = []
    for v in sorted(twin.vnets, key=lambda x: x.name):
        for s in sorted(v.subnets, key=lambda x: x.name):
            held = dict(owners.get(id_key(s.id), {}))
            for prefix in s.address_prefixes:
                if ":" in prefix:
                    continue  # a dual-stack subnet's IPv6 /64 never runs out: the map is of the IPv4 space
                net = ipaddress.IPv4Network(prefix, strict=False)
                mine = {ip: who for ip, who in held.items() if ":" not in ip and ipaddress.IPv4Address(ip) in net}
                for ip, who in pods:
                    if ip not in mine and ipaddress.IPv4Address(ip) in net:
                        mine[ip] = who
                used = tuple(sorted(mine.items(), key=lambda kv: int(ipaddress.IPv4Address(kv[0]))))
                addrs = {int(ipaddress.IPv4Address(ip)) for ip, _ in used}
                reserved = min(net.num_addresses, SUBNET_FIRST_USABLE_OFFSET + 1)
                out.append(SubnetMap(v.name, s.name, str(net), net.num_addresses, reserved, used,
                                     _blocks(net, addrs)))
    return out
