"""A minimal rtnetlink client for building units: links, addresses and routes sent as batches.

Every request of a step is encoded into one buffer and sent with one ``send(2)`` on a NETLINK_ROUTE socket
opened inside the namespace (setns, then back); the kernel processes the messages in order and acknowledges
each, so a namespace's step costs one round trip instead of one per object. Message layouts are the
kernel's UAPI (``include/uapi/linux/rtnetlink.h``, ``if_link.h``, ``if_addr.h``, ``veth.h``; rtnetlink(7)).
Only what the data plane's units need is encoded: veth pairs (peer moved into another namespace at creation),
bridges, bridge-port hairpin, link up, IPv4 addresses and routes. Never used in the host's namespace.
"""

from __future__ import annotations

import errno
import os
import socket
import struct
from dataclasses import dataclass

from aksnet.dataplane import nsenter
from aksnet.errors import DataplaneError

NETLINK_ROUTE = 0
RTM_NEWLINK, RTM_GETLINK, RTM_NEWADDR, RTM_NEWROUTE, RTM_DELROUTE = 16, 18, 20, 24, 25
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
NLA_F_NESTED = 0x8000
IFF_UP = 0x1
IFLA_IFNAME, IFLA_MASTER, IFLA_LINKINFO, IFLA_NET_NS_FD = 3, 10, 18, 28
IFLA_INFO_KIND, IFLA_INFO_DATA, IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA = 1, 2, 4, 5
VETH_INFO_PEER = 1
IFLA_BRPORT_MODE = 4  # hairpin
IFA_ADDRESS, IFA_LOCAL = 1, 2
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_PREFSRC, RTA_TABLE = 1, 4, 5, 7, 15
RTPROT_KERNEL, RTPROT_BOOT = 2, 3
RTNH_F_ONLINK = 4
SCOPES = {"universe": 0, "link": 253, "host": 254}
RT_TYPES = {"unicast": 1, "blackhole": 6, "unreachable": 7, "prohibit": 8, "throw": 9}


def _attr(kind: int, payload: bytes) -> bytes:
    n = 4 + len(payload)
    return struct.pack("=HH", n, kind) + payload + b"\0" * (-n % 4)


def _nest(kind: int, *attrs: bytes) -> bytes:
    return _attr(kind | NLA_F_NESTED, b"".join(attrs))


def _str(kind: int, text: str) -> bytes:
    return _attr(kind, text.encode() + b"\0")


def _u32(kind: int, value: int) -> bytes:
    return _attr(kind, struct.pack("=I", value))


def _ip(kind: int, ip: str) -> bytes:
    return _attr(kind, socket.inet_aton(ip))


def _ifinfo(index: int = 0, up: bool = False, family: int = 0) -> bytes:
    return struct.pack("=BxHiII", family, 0, index, IFF_UP if up else 0, IFF_UP if up else 0)


@dataclass(frozen=True)
class Request:
    kind: int
    flags: int
    body: bytes
    what: str  # for error messages
    tolerate: tuple[int, ...] = ()  # errnos that are not failures (e.g. ESRCH for a route already gone)


def veth(name: str, peer: str, peer_netns_fd: int, master: int | None = None) -> Request:
    """A veth pair: ``name`` here (up, optionally enslaved), ``peer`` created straight in another namespace."""
    peer_info = _ifinfo() + _str(IFLA_IFNAME, peer) + _u32(IFLA_NET_NS_FD, peer_netns_fd)
    body = _ifinfo(up=True) + _str(IFLA_IFNAME, name) + _nest(IFLA_LINKINFO, _str(IFLA_INFO_KIND, "veth"),
                                                           _nest(IFLA_INFO_DATA, _attr(VETH_INFO_PEER, peer_info)))
    if master is not None:
        body += _u32(IFLA_MASTER, master)
    return Request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, body, f"veth {name}/{peer}")


def bridge(name: str) -> Request:
    body = _ifinfo(up=True) + _str(IFLA_IFNAME, name) + _nest(IFLA_LINKINFO, _str(IFLA_INFO_KIND, "bridge"))
    return Request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, body, f"bridge {name}")


def link_up(index: int) -> Request:
    return Request(RTM_NEWLINK, 0, _ifinfo(index, up=True), f"link {index} up")


def hairpin(index: int) -> Request:
    """``ip link set DEV type bridge_slave hairpin on``."""
    body = _ifinfo(index) + _nest(IFLA_LINKINFO, _str(IFLA_INFO_SLAVE_KIND, "bridge"),
                                  _nest(IFLA_INFO_SLAVE_DATA, _attr(IFLA_BRPORT_MODE, b"\x01")))
    return Request(RTM_NEWLINK, 0, body, f"hairpin on link {index}")


def address(index: int, ip: str, prefixlen: int, scope: str = "universe") -> Request:
    body = struct.pack("=BBBBI", socket.AF_INET, prefixlen, 0, SCOPES[scope], index)
    body += _ip(IFA_LOCAL, ip) + _ip(IFA_ADDRESS, ip)
    return Request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, body, f"address {ip}/{prefixlen}")


def route(dst: str, *, gateway: str | None = None, oif: int | None = None, table: int = 254,
          rtype: str = "unicast", scope: str | None = None, src: str | None = None, onlink: bool = False,
          delete: bool = False, proto: int = RTPROT_BOOT) -> Request:
    net, _, plen = ("0.0.0.0/0" if dst == "default" else dst).partition("/")
    dst_len = int(plen or 32)
    body = struct.pack("=BBBBBBBBI", socket.AF_INET, dst_len, 0, 0, table if table < 256 else 252, proto,
                       SCOPES[scope] if scope else 0, RT_TYPES[rtype], RTNH_F_ONLINK if onlink else 0)
    body += _u32(RTA_TABLE, table)
    if dst_len:
        body += _ip(RTA_DST, net)
    if gateway:
        body += _ip(RTA_GATEWAY, gateway)
    if oif is not None:
        body += _u32(RTA_OIF, oif)
    if src:
        body += _ip(RTA_PREFSRC, src)
    if delete:
        return Request(RTM_DELROUTE, 0, body, f"delete route {dst}", tolerate=(errno.ESRCH,))
    return Request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, body, f"route {dst}")


class Rtnl:
    """A NETLINK_ROUTE socket bound to one of our namespaces."""

    def __init__(self, netns: str) -> None:
        if not netns:
            raise DataplaneError("refusing a netlink operation in the host namespace")
        self.netns = netns
        with nsenter.netns(netns):
            self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
        self.sock.bind((0, 0))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.seq = 0

    def __enter__(self) -> Rtnl:
        return self

    def __exit__(self, *_: object) -> None:
        self.sock.close()

    def run(self, requests: list[Request]) -> list[int]:
        """Send every request in one buffer and wait for every acknowledgement; returns the errno of each
        (0: done). Raises on the first error a request does not tolerate, naming the request."""
        if not requests:
            return []
        first = self.seq + 1
        buf = bytearray()
        for r in requests:
            self.seq += 1
            buf += struct.pack("=IHHII", 16 + len(r.body), r.kind, r.flags | NLM_F_REQUEST | NLM_F_ACK, self.seq, 0)
            buf += r.body
        self.sock.send(bytes(buf))
        codes: dict[int, int] = {}
        while len(codes) < len(requests):
            data = self.sock.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                length, kind, _, seq, _ = struct.unpack_from("=IHHII", data, off)
                if kind == NLMSG_ERROR and first <= seq <= self.seq:
                    codes[seq] = -struct.unpack_from("=i", data, off + 16)[0]
                off += (length + 3) & ~3
        out = [codes[first + i] for i in range(len(requests))]
        for r, code in zip(requests, out):
            if code and code not in r.tolerate:
                raise NetlinkFailure(code, f"{r.what} in {self.netns}: {os.strerror(code)}")
        return out

    def index(self, name: str) -> int:
        """The index of link ``name`` (one RTM_GETLINK request, answered with one message)."""
        self.seq += 1
        body = _ifinfo() + _str(IFLA_IFNAME, name)
        self.sock.send(struct.pack("=IHHII", 16 + len(body), RTM_GETLINK, NLM_F_REQUEST, self.seq, 0) + body)
        while True:
            data = self.sock.recv(1 << 16)
            _, kind, _, seq, _ = struct.unpack_from("=IHHII", data, 0)
            if seq != self.seq:
                continue
            if kind == NLMSG_ERROR:
                code = -struct.unpack_from("=i", data, 16)[0]
                raise NetlinkFailure(code, f"link {name} not found in {self.netns}: {os.strerror(code)}")
            return int(struct.unpack_from("=i", data, 20)[0])


class NetlinkFailure(DataplaneError):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
