"""``aksnet dns -o json``: one DNS report as an indented JSON document (the question, the server's answer with
its records, the names tried along the search path, and whether the query timed out). Pure: a string out."""

from __future__ import annotations

import json

from aksnet.analyses.dns import DnsReport


def render(report: DnsReport) -> str:
    """The report as JSON, ending in a newline."""
    a = report.response
    doc = {
        "question": report.question, "type": report.qtype, "pod": report.pod, "namespace": report.namespace,
        "server": a.server, "rcode": a.rcode, "name": a.name, "authoritative": a.authoritative,
        "answer": [{"name": r.name, "type": r.rtype, "ttl": r.ttl, "data": r.data} for r in a.answer],
        "additional": [{"name": r.name, "type": r.rtype, "ttl": r.ttl, "data": r.data} for r in a.additional],
        "tried": [{"name": n, "rcode": rc} for n, rc in a.tried],
        "timedOut": report.timed_out is not None,
        **({"reason": report.timed_out} if report.timed_out else {}),
    }
    return json.dumps(doc, indent=2) + "\n"
