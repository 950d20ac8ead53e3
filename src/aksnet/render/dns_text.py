"""``aksnet dns`` answers in nslookup's layout (Server/Address, Name/Address lines, ``** server can't find x:
NXDOMAIN``), and nslookup's words when the query never came back. Pure: strings out."""

from __future__ import annotations

from aksnet.analyses.dns import DnsReport
from aksnet.engine.coredns import DnsAnswer

TIMED_OUT = ";; connection timed out; no servers could be reached"


def render_nslookup(answer: DnsAnswer, question: str) -> str:
    """nslookup's layout for one answer."""
    lines = [f"Server:\t\t{answer.server}", f"Address:\t{answer.server}#53", ""]
    if answer.rcode == "NXDOMAIN":
        lines.append(f"** server can't find {question}: NXDOMAIN")
        return "\n".join(lines)
    if not answer.answer:
        lines.append(f"*** Can't find {question}: No answer")
        return "\n".join(lines)
    if not answer.authoritative:
        lines.append("Non-authoritative answer:")
    for r in answer.answer:
        if r.rtype in ("A", "AAAA"):
            lines += [f"Name:\t{r.name}", f"Address: {r.data}"]
        elif r.rtype == "CNAME":
            lines.append(f"{r.name}\tcanonical name = {r.data}")
        elif r.rtype == "SRV":
            lines.append(f"{r.name}\tservice = {r.data}")
        elif r.rtype == "PTR":
            lines.append(f"{r.name}\tname = {r.data}")
        elif r.rtype == "TXT":
            lines.append(f"{r.name}\ttext = {r.data}")
    return "\n".join(lines)


def render(report: DnsReport, resolv_conf: bool = False) -> str:
    """What ``aksnet dns`` prints: the pod's resolv.conf when asked, then nslookup's answer, or nslookup's and
    dig's words when the query never came back (dropped on its way, after their retries)."""
    head = f"{report.resolv_conf}\n" if resolv_conf else ""
    return head + (TIMED_OUT if report.timed_out else render_nslookup(report.response, report.question)) + "\n"
