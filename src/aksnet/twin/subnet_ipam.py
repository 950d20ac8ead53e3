"""Private address allocation inside Azure subnets: what every NIC, internal load balancer frontend and
private endpoint takes from its subnet.

Azure reserves five addresses in every subnet (network, ``.1`` gateway, ``.2``/``.3`` Azure DNS, broadcast),
so the first address handed out is ``.4``; dynamic allocation takes the lowest free address
[learn.microsoft.com/azure/virtual-network/virtual-networks-faq,
AZD virtual-networks-faq]. The allocation table of a subnet is the workspace
document ``aksnet:subnetallocations`` keyed by the subnet ID: ``{"allocated": {ip: owner_id}}``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from aksnet.errors import AzureError
from aksnet.model.addr import parse_ipv4_network
from aksnet.model.ids import id_key, same_id
from aksnet.rules.azure import SUBNET_FIRST_USABLE_OFFSET, subnet_usable_count
from aksnet.store import Transaction

KIND = "aksnet:subnetallocations"


def usable_count(prefix: str) -> int:
    """Addresses a subnet can hand out: 2^(32-len) - 5."""
    return subnet_usable_count(parse_ipv4_network(prefix, strict=False).num_addresses)


def _usable(prefix: str) -> Iterable[ipaddress.IPv4Address]:
    net = parse_ipv4_network(prefix, strict=False)
    first = int(net.network_address) + SUBNET_FIRST_USABLE_OFFSET
    last = int(net.broadcast_address) - 1
    for i in range(first, last + 1):
        yield ipaddress.IPv4Address(i)


def is_reserved(prefix: str, ip: str) -> bool:
    net = parse_ipv4_network(prefix, strict=False)
    a = ipaddress.IPv4Address(ip)
    return int(a) - int(net.network_address) < SUBNET_FIRST_USABLE_OFFSET or a == net.broadcast_address


def allocations(tx: Transaction, subnet_id: str) -> dict[str, str]:
    doc = tx.get(KIND, subnet_id)
    return {} if doc is None else dict(doc["allocated"])


def _save(tx: Transaction, subnet_id: str, alloc: dict[str, str]) -> None:
    tx.put(KIND, subnet_id, {"subnetId": subnet_id, "allocated": alloc})


def subnet_is_full(subnet_name: str, prefix: str, count: int) -> AzureError:
    return AzureError(
        "SubnetIsFull",
        f"Subnet {subnet_name} with address prefix {prefix} does not have enough capacity for {count} IP addresses.",
    )


def allocate(tx: Transaction, subnet_id: str, prefix: str, owner: str, count: int = 1) -> list[str]:
    """Take the ``count`` lowest free addresses of the subnet for ``owner`` (raises ``SubnetIsFull``)."""
    alloc = allocations(tx, subnet_id)
    out: list[str] = []
    if count > 0:
        for a in _usable(prefix):
            s = str(a)
            if s not in alloc:
                out.append(s)
                if len(out) == count:
                    break
    if len(out) < count:
        raise subnet_is_full(subnet_id.rsplit("/", 1)[-1], prefix, count)
    for s in out:
        alloc[s] = owner
    _save(tx, subnet_id, alloc)
    return out


def allocate_blocks(tx: Transaction, subnet_id: str, prefix: str, owner: str, blocks: int, size: int = 16) -> list[str]:
    """Take ``blocks`` aligned blocks of ``size`` addresses (a /28 for 16), lowest first, each wholly free and
    outside Azure's reserved addresses, for ``owner`` (raises ``SubnetIsFull``): AKS's static block allocation
    of pod IPs [learn.microsoft.com/azure/aks/configure-azure-cni-static-block-allocation]."""
    alloc = allocations(tx, subnet_id)
    net = parse_ipv4_network(prefix, strict=False)
    out: list[str] = []
    taken = 0
    if blocks > 0 and net.num_addresses >= size:
        for block in net.subnets(new_prefix=32 - (size - 1).bit_length()):
            ips = [str(a) for a in block]
            if any(ip in alloc or is_reserved(prefix, ip) for ip in ips):
                continue
            out += ips
            taken += 1
            if taken == blocks:
                break
    if taken < blocks:
        raise subnet_is_full(subnet_id.rsplit("/", 1)[-1], prefix, blocks * size)
    for s in out:
        alloc[s] = owner
    _save(tx, subnet_id, alloc)
    return out


def allocate_static(tx: Transaction, subnet_id: str, prefix: str, owner: str, ip: str) -> str:
    """Take exactly ``ip`` for ``owner``; Azure's errors when it is outside, reserved or taken."""
    net = parse_ipv4_network(prefix, strict=False)
    try:
        a = ipaddress.IPv4Address(ip)
    except ValueError as exc:
        raise AzureError("InvalidPrivateIPAddressFormat", f"Private IP address {ip} has invalid format.") from exc
    if a not in net:
        raise AzureError(
            "PrivateIPAddressNotInSubnet",
            f"Private static IP address {ip} does not belong to the range of subnet prefix {prefix}.",
        )
    if is_reserved(prefix, ip):
        raise AzureError(
            "PrivateIPAddressInReservedRange",
            f"Private static IP address {ip} falls within reserved IP range of subnet prefix {prefix}.",
        )
    alloc = allocations(tx, subnet_id)
    holder = alloc.get(ip)
    if holder is not None and not same_id(holder, owner):
        raise AzureError(
            "PrivateIPAddressInUse",
            f"IP configuration {owner} is using the private IP address {ip} which is already allocated to "
            f"resource {holder}.",
        )
    alloc[ip] = owner
    _save(tx, subnet_id, alloc)
    return ip


def release(tx: Transaction, subnet_id: str, owner: str, ips: Iterable[str] | None = None) -> int:
    """Give back the addresses of ``owner`` (all of them, or only ``ips``). Returns how many."""
    alloc = allocations(tx, subnet_id)
    wanted = None if ips is None else set(ips)
    o = id_key(owner)
    drop = [ip for ip, who in alloc.items() if id_key(who) == o and (wanted is None or ip in wanted)]
    for ip in drop:
        del alloc[ip]
    if drop:
        _save(tx, subnet_id, alloc)
    return len(drop)


def release_owners(tx: Transaction, subnet_id: str, owners: Iterable[str]) -> int:
    """Give back every address of any of ``owners`` (case-insensitive) in one read and one write: what
    :func:`release` does per owner, for removing hundreds of instances at once. Returns how many."""
    wanted = {id_key(o) for o in owners}
    alloc = allocations(tx, subnet_id)
    kept = {ip: who for ip, who in alloc.items() if id_key(who) not in wanted}
    if len(kept) != len(alloc):
        _save(tx, subnet_id, kept)
    return len(alloc) - len(kept)


def release_prefix(tx: Transaction, owner_prefix: str) -> None:
    """Give back every address of every owner whose ID starts with ``owner_prefix`` (a deleted resource
    group or cluster), in every subnet."""
    p = id_key(owner_prefix)
    for subnet_id_doc in tx.list(KIND, ""):
        alloc = dict(subnet_id_doc["allocated"])
        kept = {ip: who for ip, who in alloc.items() if not id_key(who).startswith(p)}
        if len(kept) != len(alloc):
            _save(tx, subnet_id_doc["subnetId"], kept)


def used_count(tx: Transaction, subnet_id: str) -> int:
    return len(allocations(tx, subnet_id))


def allocate_many(tx: Transaction, subnet_id: str, prefix: str, requests: list[tuple[str, int]]) -> list[list[str]]:
    """Bulk form of :func:`allocate`: for each ``(owner, count)`` in order, the lowest free addresses, with one
    read and one write of the allocation table (AKS creating hundreds of node NICs at once). All or nothing:
    raises ``SubnetIsFull`` (with the total count) before taking anything."""
    alloc = allocations(tx, subnet_id)
    total = sum(c for _, c in requests)
    free: list[str] = []
    if total > 0:
        for a in _usable(prefix):
            s = str(a)
            if s not in alloc:
                free.append(s)
                if len(free) == total:
                    break
    if len(free) < total:
        raise subnet_is_full(subnet_id.rsplit("/", 1)[-1], prefix, total)
    out: list[list[str]] = []
    i = 0
    for owner, count in requests:
        ips = free[i:i + count]
        i += count
        for s in ips:
            alloc[s] = owner
        out.append(ips)
    if total:
        _save(tx, subnet_id, alloc)
    return out
