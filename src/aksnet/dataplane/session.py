"""The data plane's entry points for the CLI: check privileges, load the twin, up, down, status, probe.

Each function takes the workspace directory; the twin comes from ``aksnet.io.twin_loader.load_twin`` in a
read-only transaction, focused on the cluster named by ``-g/-n`` or the current kubeconfig context. A probe
that needs an internet host the data plane does not have yet (``internet/IP`` or a public destination)
adds it first, recorded like everything else.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from aksnet.dataplane import apply, names, netlink, probe
from aksnet.dataplane.cleanup import DownReport, down
from aksnet.dataplane.plan import build_plan
from aksnet.dataplane.record import State
from aksnet.dataplane.spec import Plan
from aksnet.engine.addressing import Topology
from aksnet.errors import AksnetError, DataplaneError, UsageError
from aksnet.model.twin import Twin
from aksnet.store import Workspace
from aksnet.store.workspace import DB_NAME


def check_privileges() -> None:
    """The data plane needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN), nft, ip and /var/run/netns."""
    if os.geteuid() != 0:
        raise DataplaneError("aksnet up needs root: network namespaces and nftables require CAP_SYS_ADMIN and "
                             "CAP_NET_ADMIN")
    for tool in ("/usr/sbin/nft", "/usr/sbin/ip"):
        if not Path(tool).exists():
            raise DataplaneError(f"aksnet up needs {tool} (apt install nftables iproute2)")


def tag_of(home: Path) -> str:
    return names.workspace_tag(home)


def load(home: Path, resource_group: str | None = None, cluster: str | None = None,
         context: str | None = None) -> tuple[Twin, str | None]:
    """The twin and the focused cluster's resource ID."""
    from aksnet.io.twin_loader import load_twin
    from aksnet.twin.kubeconfig import current_cluster_id

    if not (home / DB_NAME).exists():
        raise UsageError(f"error: no aksnet workspace at {home}: create resources with 'aksnet az …' first")
    ws = Workspace.open(home, create=False)
    try:
        with ws.transaction(False) as tx:
            twin = load_twin(tx)
            cluster_id: str | None = None
            if cluster:
                for c in twin.clusters:
                    mc = c.cluster
                    if mc and mc.name.lower() == cluster.lower() and (
                            not resource_group or mc.resource_group.lower() == resource_group.lower()):
                        cluster_id = mc.id
                if cluster_id is None:
                    raise UsageError(f"ERROR: (ResourceNotFound) The Resource 'Microsoft.ContainerService/"
                                     f"managedClusters/{cluster}' under resource group '{resource_group or '?'}' "
                                     "was not found.")
            else:
                try:
                    cluster_id = current_cluster_id(tx, context)
                except AksnetError:
                    cluster_id = None
    finally:
        ws.close()
    return twin, cluster_id


@dataclass
class UpResult:
    plan: Plan
    report: apply.ApplyReport


def up(home: Path, resource_group: str | None = None, cluster: str | None = None,
       extra_internet: tuple[str, ...] = ()) -> UpResult:
    check_privileges()
    twin, cluster_id = load(home, resource_group, cluster)
    tag = tag_of(home)
    with apply.locked(home):
        state = State.load(apply.dataplane_dir(home), tag)
        hosts = tuple(sorted({*state.meta.get("internet_hosts", []), *extra_internet}))
        if cluster_id is None:
            cluster_id = state.meta.get("cluster_id")
        plan = build_plan(twin, tag, cluster_id, hosts)
        state.meta["internet_hosts"] = list(hosts)
        state.meta["cluster_id"] = cluster_id
        state.save()
        report = apply.apply_plan(home, plan, state)
    return UpResult(plan, report)


def teardown(home: Path) -> DownReport:
    return down(home, tag_of(home))


def is_up(home: Path) -> bool:
    return (apply.dataplane_dir(home) / "state.json").exists()


@dataclass
class StatusRow:
    key: str
    netns: str
    exists: bool


def status(home: Path) -> tuple[list[StatusRow], list[tuple[str, int | None, bool]], list[str]]:
    """(units with their namespace and whether it exists, processes (role, pid, alive), leftovers: namespaces
    with this workspace's prefix that the state file does not list)."""
    from aksnet.dataplane import proc

    tag = tag_of(home)
    state = State.load(apply.dataplane_dir(home), tag)
    ns_of = state.meta.get("unit_netns", {})
    rows = [StatusRow(k[5:], ns_of.get(k, ""), netlink.netns_exists(ns_of.get(k, "")) if ns_of.get(k) else False)
            for k in sorted(state.units) if k.startswith("unit:")]
    procs = [(p.role, p.pid, proc.alive(p)) for p in state.processes]
    leftovers = [n for n in netlink.list_netns() if names.is_ours(n, tag) and n not in state.netns]
    return rows, procs, leftovers


def probe_flow(home: Path, source: str, destination: str, port: int | None, protocol: str,
               namespace: str) -> tuple[probe.Planned, list[probe.ProbeResult]]:
    check_privileges()
    if not is_up(home):
        raise DataplaneError("the data plane is not up: run 'aksnet up' first")
    twin, cluster_id = load(home)
    tag = tag_of(home)
    state = State.load(apply.dataplane_dir(home), tag)
    topo = Topology.build(twin, cluster_id or state.meta.get("cluster_id"))
    planned = probe.plan_flows(topo, tag, source, destination, port, protocol, namespace)
    missing = [ip for ip in planned.internet_ips if ip not in state.meta.get("internet_hosts", [])]
    if missing:
        up(home, extra_internet=tuple(missing))
    return planned, probe.send_many(planned.flows)


def exec_argv(home: Path, target: str, namespace: str, command: list[str]) -> list[str]:
    """``ip netns exec <ns> CMD…`` for a pod, node, VM or internet host (argument list; never a shell)."""
    if not command:
        raise UsageError("error: you must specify a command after --")
    twin, cluster_id = load(home)
    tag = tag_of(home)
    state = State.load(apply.dataplane_dir(home), tag)
    topo = Topology.build(twin, cluster_id or state.meta.get("cluster_id"))
    from aksnet.analyses import trace as trace_mod

    site = trace_mod.parse_sources(topo, target, namespace)[0]
    ns = probe.site_netns(tag, site, topo)
    if not netlink.netns_exists(ns):
        raise DataplaneError(f"{site.name} is not in the data plane: run 'aksnet up'")
    ip = shutil.which("ip") or "/usr/sbin/ip"
    return [ip, "netns", "exec", ns, *command]
