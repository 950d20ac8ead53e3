"""Netlink through pyroute2: create and remove namespaces, veth pairs, bridges, addresses, routes, rules.

Every operation names the namespace it acts in; namespaces are opened with ``flags=0`` so a missing
namespace is an error, never silently created. Links are only ever created inside our namespaces (a veth
is created in the parent namespace with its peer moved straight into the child), so the host's namespace
never gains an interface. Callers record namespaces in the ledger before calling :func:`create_netns_batch`.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aksnet.dataplane import nsenter, rtnl
from aksnet.dataplane.spec import Addr, RouteSpec, RuleSpec, Unit, Veth
from aksnet.errors import DataplaneError

NETNS_DIR = Path("/var/run/netns")
IP = "/usr/sbin/ip"
_SCOPES = {"universe": 0, "link": 253, "host": 254}
_RT_TYPES = {"unicast": 1, "blackhole": 6, "unreachable": 7, "prohibit": 8, "throw": 9}


def list_netns() -> list[str]:
    return sorted(os.listdir(NETNS_DIR)) if NETNS_DIR.exists() else []


def netns_exists(name: str) -> bool:
    return (NETNS_DIR / name).exists()


def create_netns_batch(names: list[str]) -> None:
    """Create several namespaces as ``ip netns add`` does (unshare + bind mount under /var/run/netns), in this
    process; none may exist yet."""
    if not names:
        return
    taken = [n for n in names if netns_exists(n)]
    if taken:
        raise DataplaneError(f"network namespace {taken[0]} already exists")
    if any(not n or "/" in n or n.strip() != n or " " in n for n in names):
        raise DataplaneError(f"bad namespace name in {names!r}")
    rest = names
    if not nsenter.run_dir_ready():  # the first namespace since boot: ip(8) makes /var/run/netns shared
        done = subprocess.run([IP, "netns", "add", names[0]], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise DataplaneError(f"ip netns add {names[0]} failed: {done.stderr.strip()[:1000]}")
        rest = names[1:]
    try:
        nsenter.create_named(rest)
    except (OSError, ValueError) as exc:
        raise DataplaneError(f"cannot create network namespaces: {exc}") from exc


def remove_netns(name: str) -> None:
    if netns_exists(name):
        nsenter.remove_named(name)


def delete_links(ns: str, links: list[str]) -> None:
    """Delete links of ours in ``ns`` at once (a removed namespace's veths are otherwise reaped later)."""
    if not links or not netns_exists(ns):
        return
    from pyroute2.netlink.exceptions import NetlinkError

    with ipr(ns) as ip:
        for name in links:
            found = ip.link_lookup(ifname=name)
            if found:
                with contextlib.suppress(NetlinkError):
                    ip.link("del", index=found[0])


@contextlib.contextmanager
def ipr(ns: str) -> Iterator[Any]:
    if not ns:
        raise DataplaneError("refusing a netlink operation in the host namespace")
    # open the netlink socket inside the namespace (setns in this thread): no helper process per call,
    # and the socket stays bound to that namespace after we return
    from pyroute2 import IPRoute  # imported on use: it costs ~1 s of start-up to every command

    with nsenter.netns(ns):
        ip = IPRoute()
    try:
        yield ip
    finally:
        ip.close()


def _index(ip: Any, name: str) -> int:
    found = ip.link_lookup(ifname=name)
    if not found:
        raise DataplaneError(f"link {name} not found")
    return int(found[0])


def add_route(ip: Any, r: RouteSpec) -> None:
    from pyroute2.netlink.exceptions import NetlinkError

    kw: dict[str, Any] = {"table": r.table, "type": _RT_TYPES[r.type]}
    kw["dst"] = r.dst if r.dst != "default" else "0.0.0.0/0"
    if r.gateway:
        kw["gateway"] = r.gateway
    if r.dev:
        kw["oif"] = _index(ip, r.dev)
    if r.scope:
        kw["scope"] = _SCOPES[r.scope]
    if r.src:
        kw["prefsrc"] = r.src
    if r.onlink:
        kw["flags"] = 4  # RTNH_F_ONLINK
    try:
        ip.route("add", **kw)
    except NetlinkError as exc:
        raise DataplaneError(f"route {r} failed: {exc}") from exc


def add_rule(ip: Any, r: RuleSpec) -> None:
    kw: dict[str, Any] = {"priority": r.priority, "table": r.table}
    if r.iif:
        kw["iifname"] = r.iif
    if r.fwmark is not None:
        kw["fwmark"] = r.fwmark
        kw["fwmask"] = 0xFFFFFFFF
    if r.dst:
        d, _, ln = r.dst.partition("/")
        kw["dst"] = d
        kw["dst_len"] = int(ln or 32)
    ip.rule("add", **kw)


def write_sysctls(ns: str, sysctls: tuple[tuple[str, str], ...]) -> None:
    """Write ``/proc/sys/<key>`` inside ``ns`` (setns in this thread, restored afterwards)."""
    if not sysctls:
        return
    with nsenter.netns(ns):
        for key, value in sysctls:
            path = Path("/proc/sys") / key.replace(".", "/")
            with contextlib.suppress(FileNotFoundError):
                path.write_text(value)


def _route_req(r: RouteSpec, index_of: Any) -> rtnl.Request:
    return rtnl.route(r.dst, gateway=r.gateway, oif=index_of(r.dev) if r.dev else None, table=r.table,
                      rtype=r.type, scope=r.scope, src=r.src, onlink=r.onlink)


def _addr_reqs(index: int, addrs: tuple[Addr, ...]) -> list[rtnl.Request]:
    return [rtnl.address(index, a.ip, a.prefixlen, a.scope) for a in addrs]


def _create_veth(parent: rtnl.Rtnl, unit: Unit, v: Veth, child: rtnl.Rtnl) -> None:
    """The veth pair in the parent (its peer created straight in the unit's namespace), then both sides'
    addresses and routes: one batch per side."""
    fd = os.open(NETNS_DIR / unit.netns, os.O_RDONLY)
    try:
        master = parent.index(v.master) if v.master else None
        try:
            parent.run([rtnl.veth(v.name, v.peer_name, fd, master)])
        except rtnl.NetlinkFailure as exc:
            if exc.code != errno.EEXIST:
                raise
            # our own link of a namespace just removed, not reaped yet by the kernel: remove it and retry
            delete_links(unit.parent or "", [v.name])
            parent.run([rtnl.veth(v.name, v.peer_name, fd, master)])
    finally:
        os.close(fd)
    idx = parent.index(v.name)
    parent.run(_addr_reqs(idx, v.addrs) + ([rtnl.hairpin(idx)] if v.hairpin else []))
    if v.proxy_arp:
        write_sysctls(unit.parent or "", ((f"net.ipv4.conf.{v.name}.proxy_arp", "1"),))
    cidx = child.index(v.peer_name)
    reqs = [*_addr_reqs(cidx, v.peer_addrs), rtnl.link_up(cidx)]
    if v.drop_peer_prefix_route:
        for a in v.peer_addrs:
            if a.prefixlen < 32:
                net = ipaddress.IPv4Network(f"{a.ip}/{a.prefixlen}", strict=False)
                reqs.append(rtnl.route(str(net), oif=cidx, table=254, scope="link", proto=rtnl.RTPROT_KERNEL,
                                       delete=True))
    names = {v.peer_name: cidx}
    reqs += [_route_req(r, lambda d: names.get(d) or child.index(d)) for r in v.peer_routes]
    child.run(reqs)
    if v.routes:
        parent.run([_route_req(r, lambda d: idx if d == v.name else parent.index(d)) for r in v.routes])


@contextlib.contextmanager
def parent_sockets() -> Iterator[dict[str, rtnl.Rtnl]]:
    """One netlink socket per parent namespace, kept across units (a node's serves all its pods)."""
    opened: dict[str, rtnl.Rtnl] = {}
    try:
        yield opened
    finally:
        for p in opened.values():
            p.sock.close()


def build_unit(unit: Unit, opened: dict[str, rtnl.Rtnl]) -> None:
    """Create the unit's namespace content (the namespace itself must exist already)."""
    with rtnl.Rtnl(unit.netns) as child:
        child.run([rtnl.link_up(1), *_addr_reqs(1, unit.loopback), *(rtnl.bridge(b.name) for b in unit.bridges)])
        child.run([r for b in unit.bridges for r in _addr_reqs(child.index(b.name), b.addrs)])
        write_sysctls(unit.netns, unit.sysctls)
        if unit.uplinks:
            assert unit.parent is not None
            parent = opened.get(unit.parent)
            if parent is None:
                parent = opened[unit.parent] = rtnl.Rtnl(unit.parent)
            for v in unit.uplinks:
                _create_veth(parent, unit, v, child)
        if unit.routes:
            child.run([_route_req(r, child.index) for r in unit.routes])


def replace_routing(ns: str, rules: tuple[RuleSpec, ...], routes: tuple[RouteSpec, ...],
                    old_tables: set[int]) -> None:
    """Replace the policy rules (priority < 32000) and the given non-main tables of ``ns``."""
    from pyroute2.netlink.exceptions import NetlinkError

    with ipr(ns) as ip:
        for rule in ip.get_rules(family=2):
            prio = rule.get_attr("FRA_PRIORITY") or 0
            if 0 < prio < 32000:
                with contextlib.suppress(NetlinkError):
                    ip.rule("del", priority=prio, table=rule.get_attr("FRA_TABLE") or rule["table"])
        tables = old_tables | {r.table for r in routes}
        for t in sorted(tables):
            if t == 254:
                continue
            with contextlib.suppress(NetlinkError):
                ip.flush_routes(table=t, family=2)
        for r in rules:
            add_rule(ip, r)
        for rt in routes:
            add_route(ip, rt)
