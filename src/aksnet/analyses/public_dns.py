"""Public DNS as the reader's own machine on the internet asks it (``aksnet dig``): Azure's public names
(cluster FQDNs, public IP DNS labels, Application Gateway for Containers frontends) and the emulation's named
internet hosts, as :func:`aksnet.engine.resolve.resolve_public` answers them, plus OpenDNS's
``myip.opendns.com``, which OpenDNS's resolvers answer with the asking client's own address (the lookup the AKS
articles use to find the reader's public IP: learn.microsoft.com/azure/aks/limit-egress-traffic). The reader is
the emulation's internet client (:data:`aksnet.rules.emulation.DEFAULT_INTERNET_CLIENT`), the address trace and
curl use for the internet. A pure function of the twin; must not format or print.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from aksnet.analyses.answer import Answer
from aksnet.engine import resolve
from aksnet.engine.addressing import Topology
from aksnet.model.twin import Twin
from aksnet.rules.emulation import DEFAULT_INTERNET_CLIENT, DEFAULT_INTERNET_CLIENT_V6

QTYPES = ("A", "AAAA", "ANY")
MYIP = "myip.opendns.com"
# OpenDNS's resolvers by name and address (https://www.opendns.com/setupguide/): the ones that answer MYIP
OPENDNS = {"resolver1.opendns.com": "208.67.222.222", "resolver2.opendns.com": "208.67.220.220",
           "resolver3.opendns.com": "208.67.222.220", "resolver4.opendns.com": "208.67.220.222",
           "resolver1.ipv6-sandbox.opendns.com": "2620:119:35::35",
           "resolver2.ipv6-sandbox.opendns.com": "2620:119:53::53"}
MYIP_TTL = 0  # OpenDNS answers myip.opendns.com uncached
AZURE_TTL = 10  # emulation's choice for Azure-hosted public names (docs/fidelity.md, "aksnet dig")


class DigError(ValueError):
    """Bad input: an unknown query type."""


@dataclass(frozen=True, slots=True)
class Record:
    name: str  # fully qualified, with the trailing dot
    ttl: int
    rtype: str
    data: str


@dataclass(frozen=True, slots=True)
class DigReport:
    name: str  # fully qualified, with the trailing dot
    qtype: str
    server: str  # the server's name or address as asked ("" — the reader's own resolver)
    server_ip: str  # its address ("" for the reader's own resolver)
    status: str  # NOERROR or NXDOMAIN
    answers: tuple[Record, ...]
    why: str  # which record answered, or why none did

    def answer(self) -> Answer:
        """The status row (section ``status``), then one row per answer record."""
        rows = [("status", self.name, self.qtype, self.status, "")]
        rows += [("answer", r.name, r.rtype, r.data, str(r.ttl)) for r in self.answers]
        return Answer("dig", ("Section", "Name", "Type", "Data", "TTL"), ("Section", "Name", "Type", "Data"),
                      tuple(rows), (self.why,))


def _server(server: str) -> tuple[str, str]:
    """(name as given, address) of the server ``@server`` names; an OpenDNS resolver by name or address."""
    if not server:
        return "", ""
    low = server.lower().rstrip(".")
    if low in OPENDNS:
        return server, OPENDNS[low]
    return server, server


def _family_ok(ip: str, qtype: str) -> bool:
    version = ipaddress.ip_address(ip).version
    return qtype == "ANY" or (version == 4) == (qtype == "A")


def ask(twin: Twin, name: str, qtype: str = "A", server: str = "", ipv6_transport: bool = False) -> DigReport:
    """What a public resolver answers the reader for ``name`` (``qtype`` A, AAAA or ANY). ``myip.opendns.com``
    is answered only by OpenDNS's resolvers: the reader's own address over the transport used (``-4``/``-6``);
    any other resolver finds no such name."""
    qtype = qtype.upper()
    if qtype not in QTYPES:
        raise DigError(f"unsupported query type {qtype!r}; aksnet dig asks {', '.join(QTYPES)}")
    fq = name.rstrip(".").lower() + "."
    shown, ip = _server(server)
    if fq.rstrip(".") == MYIP:
        if ip not in OPENDNS.values():
            return DigReport(fq, qtype, shown, ip, "NXDOMAIN", (), f"{MYIP} is answered only by OpenDNS's resolvers")
        own = DEFAULT_INTERNET_CLIENT_V6 if ipv6_transport else DEFAULT_INTERNET_CLIENT
        rtype = "AAAA" if ipv6_transport else "A"
        mine: tuple[Record, ...] = (Record(fq, MYIP_TTL, rtype, own),) if qtype in ("ANY", rtype) else ()
        return DigReport(fq, qtype, shown, ip, "NOERROR", mine, f"{MYIP}: the asking client's own address")
    res = resolve.resolve_public(Topology.build(twin, None), fq)
    if not res.found:
        return DigReport(fq, qtype, shown, ip, "NXDOMAIN", (), res.record)
    records = tuple(Record(fq, AZURE_TTL, "A" if ipaddress.ip_address(a).version == 4 else "AAAA", a)
                    for a in res.ips if _family_ok(a, qtype))
    return DigReport(fq, qtype, shown, ip, "NOERROR", records, res.record)
