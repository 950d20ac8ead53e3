"""The endpoints ``aksnet trace`` accepts as FROM or TO in one workspace, for pickers (``aksnet ui``'s trace form):
``internet``, each workload by its top owner (``deploy/NS/NAME``, ``sts/…``, ``ds/…``, a bare ``pod/NS/NAME``),
each Service (``svc/NS/NAME``), node and VM. Pure: topology in, names out.
"""

from __future__ import annotations

from aksnet.analyses.matrix import workload_key
from aksnet.engine.addressing import Topology

_SHORT = {"Deployment": "deploy", "StatefulSet": "sts", "DaemonSet": "ds", "Pod": "pod"}


def trace_endpoints(topo: Topology) -> list[str]:
    """Every endpoint name, sorted within its kind (workloads, Services, nodes, VMs)."""
    workloads = set()
    for p in topo.state.pods:
        ns, kind, name = workload_key(p)
        workloads.add(f"{_SHORT[kind]}/{ns}/{name}" if kind in _SHORT else f"pod/{p.namespace}/{p.name}")
    return ["internet", *sorted(workloads), *sorted(f"svc/{s.namespace}/{s.name}" for s in topo.state.services),
            *sorted(f"node/{n.name}" for n in topo.state.nodes), *sorted(f"vm/{v.name}" for v in topo.twin.vms)]
