"""Each analysis' result as an :class:`~aksnet.analyses.answer.Answer` (one keyed table per question), so that
every renderer and the generic ``diff`` serve all of them. The key of each table is what identifies the same
thing in two snapshots. Pure: converts results, computes nothing new.
"""

from __future__ import annotations

from aksnet.analyses.answer import Answer
from aksnet.analyses.exposure import ExposureReport
from aksnet.analyses.lint import Finding
from aksnet.analyses.matrix import MatrixResult
from aksnet.analyses.plan import Plan
from aksnet.engine.flow import Walk


def lint_answer(findings: list[Finding]) -> Answer:
    """``aksnet lint``: one row per finding, keyed by code, resource and message."""
    rows = tuple((f.code, f.resource, f.message, f.severity, f.source) for f in findings)
    return Answer("lint", ("Code", "Resource", "Message", "Severity", "Source"), ("Code", "Resource", "Message"),
                  rows)


def matrix_answer(result: MatrixResult) -> Answer:
    """``aksnet matrix``: one row per (source, destination) with the connections allowed."""
    rows = tuple((s, d, c) for s, d, c in result.lines())
    return Answer("matrix", ("Source", "Destination", "Connections"), ("Source", "Destination"), rows,
                  tuple(result.warnings))


def exposure_answer(report: ExposureReport) -> Answer:
    """``aksnet explain --exposure``: one row per exposed frontend or node port and per ingress route, keyed by
    where it is reached (scope, address, port, protocol, URL)."""
    rows = [("frontend", f.scope, f.address, str(f.port), f.protocol, "", f.service, ", ".join(f.workloads),
             f.status, f.rule) for f in report.frontends]
    rows += [("ingress", "internet", i.address, str(i.port), "TCP", i.url, i.service or "",
              ", ".join(b.workload for b in i.backends), i.status, i.rule) for i in report.ingresses]
    return Answer("exposure", ("Kind", "Scope", "Address", "Port", "Protocol", "URL", "Service", "Workloads",
                               "Status", "Rule"),
                  ("Kind", "Scope", "Address", "Port", "Protocol", "URL"), tuple(rows), tuple(report.notes))


def plan_answer(plan: Plan) -> Answer:
    """``aksnet plan``: one row per node pool with its address needs, keyed by pool name."""
    def cell(v: object) -> str:
        return "" if v is None else str(v)

    rows = tuple((p.name, cell(p.node_count), cell(p.max_count), cell(p.max_pods), cell(p.surge_nodes),
                  cell(p.required), cell(p.subnet_prefix), cell(p.subnet_usable), cell(p.subnet_free), cell(p.fits),
                  cell(p.max_nodes_subnet)) for p in plan.pools)
    return Answer("plan", ("Pool", "Nodes", "MaxCount", "MaxPods", "SurgeNodes", "Required", "Subnet",
                           "SubnetUsable", "SubnetFree", "Fits", "MaxNodesInSubnet"), ("Pool",), rows,
                  tuple(plan.notes))


def trace_answer(walk: Walk) -> Answer:
    """``aksnet trace``: one row per hop, keyed by its position on the path."""
    rows = tuple((str(i), h.component, h.decision, h.rule) for i, h in enumerate(walk.hops, 1))
    return Answer("trace", ("Hop", "Component", "Decision", "Rule"), ("Hop",), rows,
                  (f"{walk.verdict}: {walk.reason}",))
