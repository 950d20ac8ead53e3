"""``aksnet plan`` as text: one key/value table per node pool and one for the cluster. Pure."""

from __future__ import annotations

from aksnet.analyses.plan import Plan
from aksnet.render.plan_rows import cluster_rows, pool_rows


def _table(title: str, rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _ in rows)
    return [title, *(f"  {k.ljust(width)}  {v}" for k, v in rows)]


def render(plan: Plan) -> str:
    lines = [f"IP plan for {plan.cluster} (network plugin: {plan.flavour})", ""]
    for p in plan.pools:
        lines += _table(f"node pool {p.name}", pool_rows(plan.flavour, p))
        lines.append("")
    lines += _table("cluster", cluster_rows(plan))
    for n in plan.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines) + "\n"
