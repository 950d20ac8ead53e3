"""``aksnet dns NAME [--from POD] [--type A|AAAA|SRV|CNAME|PTR|TXT] [-n NS] [-o text|json|csv|md] [--resolv-conf]``:
cluster DNS as a pod sees it, printed like ``nslookup`` (Server/Address, Name/Address lines, ``** server can't
find x: NXDOMAIN``). With ``--from`` the query is walked as a flow from that pod: when egress NetworkPolicy,
an NSG or a route drops it, nslookup's ``;; connection timed out; no servers could be reached``. Exit 0 with an
answer, 1 for NXDOMAIN, no answer or a timeout, 2 for bad input or an unknown answer (an imported dump lacks
data the answer depends on: ``unknown: …`` lines, as ``aksnet trace``).
"""

from __future__ import annotations

import argparse
import sys

from aksnet.analyses import dns as dns_q
from aksnet.cli.common import command_transaction
from aksnet.errors import UsageError
from aksnet.io.twin_snapshot import load_twin_cached as load_twin
from aksnet.model.ids import same_id
from aksnet.render import dns_json, dns_text
from aksnet.render.answer_table import TABLES
from aksnet.twin import kubeconfig


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"aksnet dns: {message}")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="aksnet dns", description="Cluster DNS answers as a pod sees them (like nslookup).")
    p.add_argument("name", help="the name to look up (an IP address asks for its PTR record)")
    p.add_argument("--from", dest="from_pod", default=None,
                   help="the asking pod: POD, NS/POD, pod/[NS/]POD or deploy|sts|ds/[NS/]NAME")
    p.add_argument("--type", dest="qtype", default="A", help="A (default), AAAA, SRV, CNAME, PTR or TXT")
    p.add_argument("-n", "--namespace", default="default", help="namespace of the asking pod (default: default)")
    p.add_argument("-o", "--output", choices=["text", "json", "csv", "md", "html"], default="text",
                   help="csv, md, html: the outcome and each record as a table")
    p.add_argument("--resolv-conf", action="store_true", help="also print the pod's /etc/resolv.conf")
    p.add_argument("--context", default=None, help="kubeconfig context (default: the current one)")
    return p


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    with command_transaction(write=False) as tx:
        cluster_id = kubeconfig.current_cluster_id(tx, args.context)
        twin = load_twin(tx)
    cluster = next((c for c in twin.clusters if c.cluster is not None and same_id(c.cluster.id, cluster_id)),
                   None)
    if cluster is None:
        raise UsageError(f"aksnet dns: the cluster {cluster_id} of the current context is not in the workspace")
    try:
        report = dns_q.ask(twin, cluster, args.name, args.qtype, args.from_pod, args.namespace)
    except dns_q.DnsQuestionError as exc:
        raise UsageError(f"aksnet dns: {exc}") from None
    if args.output in TABLES:
        sys.stdout.write(TABLES[args.output].render(report))
    else:
        sys.stdout.write(dns_json.render(report) if args.output == "json" else
                         dns_text.render(report, resolv_conf=args.resolv_conf))
    sys.stdout.flush()
    answered = report.response.found and not report.timed_out
    from aksnet.analyses.unknowns import unknown_lines, unknown_reasons

    reasons = unknown_reasons(cluster, answered)
    if reasons:  # an imported dump lacks what the answer depends on: unknown (exit 2), as aksnet trace
        for line in unknown_lines(reasons, "answered" if answered else
                                  ("timed out" if report.timed_out else "no answer")):
            print(line, file=sys.stderr)
        return 2
    return 0 if answered else 1
