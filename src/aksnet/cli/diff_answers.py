"""``aksnet diff --question Q [A B | --apply … | --az …]``: any analysis asked of two snapshots, the answers
compared row by row (batfish's differential questions: a reference and a candidate snapshot). A and B are
workspaces (AKSNET_HOME directories) or directories of manifests and ARM JSON; the current workspace when
omitted. Output: the generic answer renderers (txt, json, csv, md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import ModuleType

from aksnet.analyses.answer import Answer, diff_answers
from aksnet.analyses.answers import exposure_answer, lint_answer, matrix_answer
from aksnet.errors import UsageError
from aksnet.model.twin import ClusterState, Twin
from aksnet.render import answer_csv, answer_json, answer_md, answer_txt

ANSWER_RENDERERS: dict[str, ModuleType] = {"txt": answer_txt, "json": answer_json, "csv": answer_csv,
                                           "md": answer_md}


def _lint(twin: Twin, cluster: ClusterState) -> Answer:
    from aksnet.analyses.lint import lint

    return lint_answer(lint(twin, cluster.cluster.id if cluster.cluster else None))


def _exposure(twin: Twin, cluster: ClusterState) -> Answer:
    from aksnet.analyses.exposure import compute_exposure
    from aksnet.engine.addressing import Topology

    topo = Topology.build(twin, cluster.cluster.id if cluster.cluster else None)
    topo.state = cluster
    return exposure_answer(compute_exposure(topo))


def _matrix(twin: Twin, cluster: ClusterState) -> Answer:
    from aksnet.analyses.matrix import compute_matrix

    return matrix_answer(compute_matrix(cluster, all_ports=True))


# question → how it is asked of one snapshot
QUESTIONS: dict[str, Callable[[Twin, ClusterState], Answer]] = {
    "lint": _lint, "exposure": _exposure, "matrix": _matrix,
}


def snapshot(path_text: str | None, engine: str | None) -> tuple[Twin, ClusterState]:
    """One side: a workspace (the kubeconfig's current cluster) or a directory of manifests and ARM JSON."""
    from aksnet.cli.matrix import load_workspace_twin
    from aksnet.io.twin_loader import load_twin_from_dir
    from aksnet.store.workspace import DB_NAME

    path = Path(path_text) if path_text is not None else None
    if path is not None and not path.exists():
        raise UsageError(f'error: the path "{path_text}" does not exist')
    if path is None or (path / DB_NAME).exists():
        twin, cluster = load_workspace_twin(home=path)
    else:
        twin = load_twin_from_dir(path)
        if not twin.clusters:
            raise UsageError(f'error: the directory "{path_text}" holds no cluster')
        cluster = twin.clusters[0]
    return twin, (replace(cluster, policy_engine=engine) if engine else cluster)


def diff_question(question: str, output: str, a: str | None, b: str | None, engine_a: str | None,
                  engine_b: str | None) -> str:
    """The rendered differential answer of ``question`` from A (reference) to B (candidate)."""
    if output not in ANSWER_RENDERERS:
        raise UsageError(f"error: --question answers render as {', '.join(ANSWER_RENDERERS)}, not {output}")
    ask = QUESTIONS[question]
    reference, candidate = ask(*snapshot(a, engine_a)), ask(*snapshot(b, engine_b))
    return str(ANSWER_RENDERERS[output].render_answer(diff_answers(reference, candidate)))
