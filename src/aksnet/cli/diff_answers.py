"""``aksnet diff --question Q [A B | --apply … | --az …]``: any analysis asked of two snapshots, the answers
compared row by row (batfish's differential questions: a reference and a candidate snapshot). A and B are
workspaces (AKSNET_HOME directories) or directories of manifests and ARM JSON; the current workspace when
omitted. Each question is asked of both sides with the same parameters (``--from``, ``--to``, ``--port``,
``--protocol``, ``-n``); every analysis result states itself as an :class:`~aksnet.analyses.answer.Answer`, and
the differential answer goes through the generic answer renderers (txt, json, csv, md, html)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aksnet.analyses.answer import Result, diff_answers
from aksnet.errors import UsageError
from aksnet.model.twin import ClusterState, Twin
from aksnet.render.answer_table import ANSWERS as ANSWER_RENDERERS

if TYPE_CHECKING:
    from aksnet.engine.addressing import Topology


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One side: the twin, the cluster asked about, and the workspace it came from (None: a directory)."""

    twin: Twin
    cluster: ClusterState
    home: Path | None


@dataclass(frozen=True, slots=True)
class Params:
    """What the question is about, the same on both sides."""

    source: str | None = None
    to: str | None = None
    port: int | None = None
    protocol: str = "TCP"
    namespace: str = "default"


def _need(question: str, *pairs: tuple[str, object]) -> None:
    missing = [flag for flag, value in pairs if value is None]
    if missing:
        raise UsageError(f"error: --question {question} needs {' and '.join(missing)}")


def _topology(s: Snapshot) -> Topology:
    from aksnet.engine.addressing import Topology

    topo = Topology.build(s.twin, s.cluster.cluster.id if s.cluster.cluster else None)
    topo.state = s.cluster  # the engine chosen with --engine
    return topo


def _lint(s: Snapshot, q: Params) -> Result:
    from aksnet.analyses.lint import LintReport, lint

    return LintReport(tuple(lint(s.twin, s.cluster.cluster.id if s.cluster.cluster else None)))


def _exposure(s: Snapshot, q: Params) -> Result:
    from aksnet.analyses.exposure import compute_exposure

    return compute_exposure(_topology(s))


def _matrix(s: Snapshot, q: Params) -> Result:
    from aksnet.analyses.matrix import compute_matrix

    return compute_matrix(s.cluster, all_ports=True)


def _trace(s: Snapshot, q: Params) -> Result:
    from aksnet.analyses.curl import CurlRequest, trace_url
    from aksnet.analyses.trace import trace

    _need("trace", ("--from", q.source), ("--to", q.to))
    assert q.source is not None and q.to is not None
    topo = _topology(s)
    if "://" in q.to:
        return trace_url(topo, CurlRequest(q.to, q.source, None, (), True, (), q.namespace))
    return trace(topo, q.source, q.to, q.port, q.protocol, q.namespace)


def _curl(s: Snapshot, q: Params) -> Result:
    from aksnet.analyses.curl import CurlRequest, curl

    _need("curl", ("--to URL", q.to))
    assert q.to is not None
    return curl(_topology(s), CurlRequest(q.to, q.source, None, (), True, (), q.namespace))


def _explain(s: Snapshot, q: Params) -> Result:
    from aksnet.analyses.explain import explain, explain_pair

    _need("explain", ("--from POD|WORKLOAD", q.source))
    assert q.source is not None
    if q.to is not None:
        return explain_pair(s.cluster, q.source, q.to, q.port or 80, q.protocol, q.namespace)
    return explain(s.cluster, q.source, q.namespace)


def _dns(s: Snapshot, q: Params) -> Result:
    from aksnet.analyses import dns

    _need("dns", ("--to NAME", q.to))
    assert q.to is not None
    try:
        return dns.ask(s.twin, s.cluster, q.to, "A", q.source, q.namespace)
    except dns.DnsQuestionError as exc:
        raise UsageError(f"error: {exc}") from None


def _plan(s: Snapshot, q: Params) -> Result:
    from aksnet.analyses.plan import plan
    from aksnet.cli.common import command_transaction
    from aksnet.cli.plan import existing_input

    mc = s.cluster.cluster
    if s.home is None or mc is None:
        raise UsageError("error: --question plan needs workspaces (AKS clusters), not directories of manifests")
    with command_transaction(write=False, home=s.home) as tx:
        return plan(existing_input(tx, mc.resource_group, mc.name))


# question → how it is asked of one snapshot
QUESTIONS: dict[str, Callable[[Snapshot, Params], Result]] = {
    "curl": _curl, "dns": _dns, "explain": _explain, "exposure": _exposure, "lint": _lint, "matrix": _matrix,
    "plan": _plan, "trace": _trace,
}


def snapshot(path_text: str | None, engine: str | None) -> Snapshot:
    """One side: a workspace (the kubeconfig's current cluster) or a directory of manifests and ARM JSON."""
    from aksnet.cli.matrix import load_workspace_twin
    from aksnet.io.twin_loader import load_twin_from_dir
    from aksnet.store.workspace import DB_NAME, default_home

    path = Path(path_text) if path_text is not None else None
    if path is not None and not path.exists():
        raise UsageError(f'error: the path "{path_text}" does not exist')
    home: Path | None = path
    if path is None or (path / DB_NAME).exists():
        twin, cluster = load_workspace_twin(home=path)
        home = path or default_home()
    else:
        twin = load_twin_from_dir(path)
        if not twin.clusters:
            raise UsageError(f'error: the directory "{path_text}" holds no cluster')
        cluster, home = twin.clusters[0], None
    return Snapshot(twin, cluster.with_engine(engine) if engine else cluster, home)


def diff_question(question: str, output: str, a: str | None, b: str | None, engine_a: str | None,
                  engine_b: str | None, params: Params | None = None) -> str:
    """The rendered differential answer of ``question`` from A (reference) to B (candidate)."""
    if output not in ANSWER_RENDERERS:
        raise UsageError(f"error: --question answers render as {', '.join(ANSWER_RENDERERS)}, not {output}")
    ask, params = QUESTIONS[question], params or Params()
    reference = ask(snapshot(a, engine_a), params).answer()
    candidate = ask(snapshot(b, engine_b), params).answer()
    return str(ANSWER_RENDERERS[output].render_answer(diff_answers(reference, candidate)))
