"""``aksnet explain [POD|WORKLOAD] [--to PEER --port N] [--exposure]``: which policies select a pod or workload
and what each rule allows (text or JSON); with ``--to``, the NetworkPolicy verdict for one flow and the rules
deciding it (exit 0 allowed, 1 denied, like ``aksnet trace``; 2 unknown: a denial on an imported dump that lacks the
Pods, Nodes or Namespaces the policies select); with ``--exposure`` (workspace only), what the
cluster exposes to the internet and the VNet (load balancers, node ports, ingress routes). On a workspace
cluster a workload's explanation ends with its own exposure."""

from __future__ import annotations

import argparse
import sys

from aksnet.analyses.answer import Result
from aksnet.analyses.explain import Explanation, explain, explain_pair, find_target
from aksnet.analyses.exposure import ExposureReport
from aksnet.cli.common import print_warnings, report_source
from aksnet.cli.matrix import ArgParser, add_source_options, load_cluster, load_workspace_twin
from aksnet.errors import UsageError
from aksnet.model.twin import ClusterState, Twin
from aksnet.render import explain_json, explain_text, exposure_dot, exposure_text
from aksnet.render.answer_table import TABLES  # -o csv|md|html: any result as its answer's table


def exposure(twin: Twin, cluster: ClusterState) -> ExposureReport:
    """What the cluster exposes, judged with its policy engine (``cluster.policy_engine``)."""
    from aksnet.analyses.exposure import compute_exposure
    from aksnet.engine.addressing import Topology

    topo = Topology.build(twin, cluster.cluster.id if cluster.cluster else None)
    topo.state = cluster  # the engine chosen with --engine
    return compute_exposure(topo)


def _load(args: argparse.Namespace) -> tuple[Twin | None, ClusterState]:
    if args.from_dir:
        return None, load_cluster(args)
    twin, cluster = load_workspace_twin(context=args.context)
    return twin, (cluster.with_engine(args.engine) if args.engine else cluster)


def _pair(args: argparse.Namespace, cluster: ClusterState) -> int:
    pair = explain_pair(cluster, args.target, args.to, args.port, args.protocol, args.namespace, args.engine or None)
    sys.stdout.write(_table(args.output, pair) or (explain_json.render_pair(pair) if args.output == "json" else
                                                   explain_text.verdict_text(pair)))
    from aksnet.analyses.unknowns import policy_unknown_reasons, unknown_lines

    reasons = policy_unknown_reasons(cluster, pair.verdict.allowed)
    if reasons:  # a denial for want of the pods, nodes or namespace labels the dump lacks: unknown (exit 2)
        for line in unknown_lines(reasons, "denied", "verdict"):
            print(line, file=sys.stderr)
        return 2
    return 0 if pair.verdict.allowed else 1


def _table(output: str, result: Result) -> str:
    """The result as a CSV, Markdown or HTML table for ``-o csv|md|html``; empty for the other formats."""
    return str(TABLES[output].render(result)) if output in TABLES else ""


def _workload(args: argparse.Namespace, twin: Twin | None, cluster: ClusterState) -> int:
    e: Explanation = explain(cluster, args.target, args.namespace, args.engine or None)
    print_warnings(e.connectivity.warnings)
    exposed = None
    if twin is not None:
        exposed = exposure(twin, cluster).for_workload(e.target, tuple(f"{p}[Pod]" for p in e.pods))
    if args.output in TABLES:
        sys.stdout.write(_table(args.output, e))
    elif args.output == "json":
        sys.stdout.write(explain_json.render_workload(e, exposed))
    else:
        text = explain_text.explanation_text(e)
        sys.stdout.write(text if exposed is None else
                         explain_text.with_exposure(text, exposure_text.render_exposure(exposed)))
    return 0


def parser() -> ArgParser:
    p = ArgParser(prog="aksnet explain", description="Which NetworkPolicies select a pod or workload, what each "
                  "rule lets in and out, who can reach it and how it is exposed; with --to, the verdict for one "
                  "flow; with --exposure, what the cluster exposes to the internet and to the VNet.")
    p.add_argument("target", metavar="POD|WORKLOAD", nargs="?",
                   help="[pod/|deploy/…][NS/]NAME (with --to: the source; an IP address is accepted too)")
    p.add_argument("-n", "--namespace", help="namespace of the target (default: default)")
    p.add_argument("--to", metavar="PEER", help="destination: [pod/|deploy/…][NS/]NAME or an IP address")
    p.add_argument("--port", type=int, default=80, help="destination (container) port, default 80")
    p.add_argument("--protocol", choices=("TCP", "UDP", "SCTP"), default="TCP", type=str.upper)
    p.add_argument("--exposure", action="store_true",
                   help="what the cluster exposes (workspace only): load balancer frontends and node ports with "
                        "the NSG rule that admits or blocks them, and every ingress route with the workloads it "
                        "reaches or the NetworkPolicy that blocks the controller")
    p.add_argument("-o", "--output", choices=("text", "json", "csv", "md", "html", "dot"), default="text",
                   help="csv, md, html: the answer as a table (rules and reach; the pair's verdict; the exposure); "
                        "dot (with --exposure): the exposure as a graph, sources → frontends → workloads")
    add_source_options(p)
    return p


def run(argv: list[str]) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.exposure:
        if args.from_dir:
            raise UsageError("error: --exposure needs a workspace cluster (Azure resources); it cannot be combined "
                             "with --from-dir")
        if args.to:
            raise UsageError("error: --exposure cannot be combined with --to")
        twin, cluster = _load(args)
        assert twin is not None
        report = exposure(twin, cluster)
        if args.target:
            name, pods = find_target(cluster, args.target, args.namespace)
            report = report.for_workload(name, tuple(f"{x.key}[Pod]" for x in pods))
        sys.stdout.write(_table(args.output, report) or (explain_json.render_exposure(report) if args.output == "json"
                                                         else exposure_dot.render(report) if args.output == "dot"
                                                         else exposure_text.render_exposure(report)))
        return 0
    if args.output == "dot":
        raise UsageError("error: -o dot draws the exposure graph: it needs --exposure")
    if not args.target:
        p.error("the following arguments are required: POD|WORKLOAD (or use --exposure)")
    if args.to:
        cluster = load_cluster(args)
        return report_source(cluster, _pair(args, cluster))
    twin, cluster = _load(args)
    return report_source(cluster, _workload(args, twin, cluster))
