"""``aksnet dig`` as BIND's dig prints it: ``+short`` (one record's data per line) or the full answer (header,
question and answer sections, the server). Times and message sizes, which depend on the moment, are left out.
Pure text; must not decide the answer (``aksnet.analyses.public_dns`` does)."""

from __future__ import annotations

from aksnet.analyses.public_dns import DigReport


def render(report: DigReport, argv: list[str], *, short: bool, sections: bool = True) -> str:
    """dig's text for ``report``; ``argv`` is echoed in the banner as dig echoes its command line;
    ``sections`` False (``+noall +answer``) prints only the answer records."""
    if short:
        return "".join(f"{r.data}\n" for r in report.answers)
    records = [f"{r.name}\t\t{r.ttl}\tIN\t{r.rtype}\t{r.data}" for r in report.answers]
    if not sections:
        return "".join(f"{line}\n" for line in records)
    qclass = "ANY" if report.qtype == "ANY" else report.qtype
    lines = ["", f"; <<>> DiG (aksnet) <<>> {' '.join(argv)}", ";; global options: +cmd", ";; Got answer:",
             f";; ->>HEADER<<- opcode: QUERY, status: {report.status}, id: 0",
             f";; flags: qr rd ra; QUERY: 1, ANSWER: {len(report.answers)}, AUTHORITY: 0, ADDITIONAL: 0", "",
             ";; QUESTION SECTION:", f";{report.name}\t\t\tIN\t{qclass}", ""]
    if records:
        lines += [";; ANSWER SECTION:", *records, ""]
    if report.server_ip:
        lines += [f";; SERVER: {report.server_ip}#53({report.server}) (UDP)", ""]
    else:  # no @server: the reader's own resolver, which asks public DNS
        lines += [";; SERVER: the reader's own resolver (public DNS)", ""]
    return "\n".join(lines) + "\n"
