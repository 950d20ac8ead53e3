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
from typing import TYPE_CHECKING

from aksnet.dataplane import cleanup, journal, names, netlink, record
from aksnet.dataplane.cleanup import DownReport, Orphan
from aksnet.dataplane.record import State
from aksnet.errors import AksnetError, DataplaneError, UsageError
from aksnet.store import Workspace
from aksnet.store.workspace import DB_NAME

if TYPE_CHECKING:  # the planner, the prober and the engine load on use: down and status need none of them
    from aksnet.dataplane import apply, probe
    from aksnet.dataplane.spec import Plan
    from aksnet.engine.addressing import Topology
    from aksnet.model.twin import Twin


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
    orphans: list[Orphan]  # lost workspaces' data planes seen on this host (reported, left alone)


def _refuse_foreign(home: Path, state: State) -> None:
    """A ledger at this workspace's tag that names another workspace identity: a lost workspace's data plane
    (deleted, or replaced by this one). Never build on it, never report agreement against it."""
    header = state.header
    if header is not None and header.identity != journal.workspace_identity(home, create=False):
        o = cleanup.orphan_of(state, journal.ledger_dir(state.tag))
        what = o.describe() if o else f"the data plane at {header.workspace} belongs to another workspace"
        raise DataplaneError(f"{what}; it is not this workspace's: run 'aksnet down --orphans' first")


def up(home: Path, resource_group: str | None = None, cluster: str | None = None,
       extra_internet: tuple[str, ...] = ()) -> UpResult:
    from aksnet.dataplane import apply
    from aksnet.dataplane.plan import build_plan

    check_privileges()
    twin, cluster_id = load(home, resource_group, cluster)
    tag = tag_of(home)
    with record.opened(home, tag, create=False) as state:
        _refuse_foreign(home, state)
        state.start(journal.Header(tag, str(home.resolve()), journal.workspace_identity(home, create=True) or ""))
        hosts = tuple(sorted({*state.setting("internet_hosts", []), *extra_internet}))
        if cluster_id is None:
            cluster_id = state.setting("cluster_id")
        plan = build_plan(twin, tag, cluster_id, hosts)
        state.set_setting("internet_hosts", list(hosts))
        state.set_setting("cluster_id", cluster_id)
        report = apply.apply_plan(home, plan, state)
    return UpResult(plan, report, other_orphans(home))


def other_orphans(home: Path) -> list[Orphan]:
    """Lost workspaces' data planes on this host other than at this workspace's path (reported, left alone)."""
    tag = tag_of(home)
    return [o for o in cleanup.find_orphans() if o.tag != tag]


def teardown(home: Path) -> DownReport:
    return cleanup.down(home, tag_of(home))


def teardown_orphans() -> DownReport:
    check_privileges()
    return cleanup.down_orphans()


def own_state(home: Path) -> State:
    """This workspace's ledger; raises when the data plane is down or belongs to a lost workspace."""
    state = record.read(tag_of(home))
    _refuse_foreign(home, state)
    if state.header is None:
        raise DataplaneError("the data plane is not up: run 'aksnet up' first")
    return state


def own_topology(home: Path) -> tuple[Topology, str, State]:
    """The twin's topology of the cluster this workspace's data plane was built for, its tag and ledger: the
    IPv4 half of a dual-stack twin, as ``up`` built it (``verify`` and ``probe`` compare what exists)."""
    from aksnet.dataplane.ipv4_view import ipv4_view
    from aksnet.engine.addressing import Topology

    state = own_state(home)
    twin, cluster_id = load(home)
    return Topology.build(ipv4_view(twin)[0], cluster_id or state.setting("cluster_id")), state.tag, state


@dataclass
class StatusRow:
    key: str
    netns: str
    exists: bool


@dataclass
class Status:
    units: list[StatusRow]
    processes: list[tuple[str, int | None, bool]]  # role, pid, alive
    unrecorded: list[str]  # namespaces with this workspace's prefix that the ledger does not list
    orphans: list[Orphan]  # lost workspaces' data planes (this path's included)


def status(home: Path) -> Status:
    """What this workspace's ledger lists and whether it exists, plus leftovers: unrecorded namespaces with
    this workspace's prefix, and lost workspaces' ledgers."""
    from aksnet.dataplane import proc

    tag = tag_of(home)
    orphans = cleanup.find_orphans()
    if any(o.tag == tag for o in orphans):
        return Status([], [], [], orphans)
    state = record.read(tag)
    rows = [StatusRow(k, r.netns, netlink.netns_exists(r.netns)) for k, r in sorted(state.units.items())]
    procs = [(p.role, p.pid, proc.alive(p)) for p in state.processes]
    recorded = set(state.netns)
    leftovers = [n for n in netlink.list_netns() if names.is_ours(n, tag) and n not in recorded]
    return Status(rows, procs, leftovers, orphans)


def probe_flow(home: Path, source: str, destination: str, port: int | None, protocol: str,
               namespace: str) -> tuple[probe.Planned, list[probe.ProbeResult]]:
    from aksnet.dataplane import probe

    check_privileges()
    topo, tag, state = own_topology(home)
    planned = probe.plan_flows(topo, tag, source, destination, port, protocol, namespace)
    missing = [ip for ip in planned.internet_ips if ip not in state.setting("internet_hosts", [])]
    if missing:
        up(home, extra_internet=tuple(missing))
    return planned, probe.send_many(planned.flows)


def exec_argv(home: Path, target: str, namespace: str, command: list[str]) -> list[str]:
    """``ip netns exec <ns> CMD…`` for a pod, node, VM or internet host (argument list; never a shell)."""
    if not command:
        raise UsageError("error: you must specify a command after --")
    topo, tag, _ = own_topology(home)
    from aksnet.analyses import trace as trace_mod
    from aksnet.dataplane import probe

    site = trace_mod.parse_sources(topo, target, namespace)[0]
    ns = probe.site_netns(tag, site, topo)
    if not netlink.netns_exists(ns):
        raise DataplaneError(f"{site.name} is not in the data plane: run 'aksnet up'")
    ip = shutil.which("ip") or "/usr/sbin/ip"
    return [ip, "netns", "exec", ns, *command]
