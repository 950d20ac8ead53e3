"""The sides (egress rows, ingress columns) of the classes that Calico's and Cilium's own policies select, for
the class matrix of ``aksnet.engine.netpol.classes``: evaluated per class pair on representatives, since their
ordered and deny rules cannot be expressed as the NetworkPolicy regions. Pure: classes in, connection sets out.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from aksnet.engine.netpol.conns import NONE, ConnSet
from aksnet.engine.netpol.evaluate import EGRESS, INGRESS, egress_side, ingress_side
from aksnet.engine.netpol.selectors import indices_of

if TYPE_CHECKING:
    from aksnet.engine.netpol.classes import PeerClass, _Builder
    from aksnet.model.engine_policy import EnginePolicy


class EngineSides:
    """The classes the engine's own policies apply to, per direction, and their sides evaluated per class pair on
    representatives (``evaluate.ingress_side``/``egress_side``: ordered and deny rules, which the region
    refinement cannot express); every other class keeps the NetworkPolicy regions, which the engine's policies do
    not change. The own-node rules stay with :meth:`aksnet.engine.netpol.classes.ClassMatrix.pod_conn`."""

    def __init__(self, b: _Builder, pols: list[EnginePolicy]) -> None:
        self.b = b
        self.profile = replace(b.profile, egress_to_local_node_allowed=False, ingress_from_local_node_allowed=False)
        self.eps = [c.endpoint() for c in b.classes] if pols else []

        def selected(direction: str) -> set[int]:
            from aksnet.engine.netpol import engine_rules  # only for a cluster with such policies

            return {c.index for c in b.classes if c.kind == "pod" and
                    any(engine_rules.selects(p, c.pods[0], direction, b.ns_labels) for p in pols)}

        self.ingress = selected(INGRESS) if pols else set()
        self.egress = selected(EGRESS) if pols else set()

    def side(self, cls: PeerClass, mask: int, direction: str) -> list[ConnSet]:
        """``cls``'s egress row or ingress column: one ConnSet per class, filled in for the classes in ``mask``."""
        fn = ingress_side if direction == INGRESS else egress_side
        me = self.eps[cls.index]
        out = [NONE] * self.b.n
        for i in indices_of(mask):
            out[i] = fn(self.b.cluster, me, self.eps[i], self.profile, self.b.ns_labels).allowed
        return out
