"""Realize a :class:`Plan` incrementally: create what is new, recreate what changed, remove what is gone.

The ledger (``record``) keeps a digest per unit, per router's routing, per namespace's nft tables and for
what the agent and NGINX serve; a unit whose digest changed is removed and rebuilt together with the units
hanging off it (its pods, for a node), everything else stays. Namespaces are made in one batch (recorded
first, with one journal write), nft tables of a namespace made in this run are applied without the
delete-and-replace idiom (deleting a table with base chains waits for an RCU grace period), routing of the
routers is replaced whenever a unit under them was (re)created, the agent reloads only what changed
(``agent_ctl``), NGINX runs per ingress controller pod (``nginx_ctl``).
Every namespace, path and process is recorded in the ledger before it is made.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from aksnet.dataplane import agent_ctl, mesh_pki, netlink, nft, nginx_ctl, sidecar_conf, tls
from aksnet.dataplane.cleanup import ETC_NETNS, dataplane_dir, remove_recorded_path
from aksnet.dataplane.plan import NGINX_PLACEHOLDER
from aksnet.dataplane.record import State, TablesRecord, UnitRecord
from aksnet.dataplane.spec import Plan


@dataclass
class ApplyReport:
    created: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    nft_applied: list[str] = field(default_factory=list)
    routing_applied: list[str] = field(default_factory=list)
    agent_restarted: bool = False
    nginx: list[str] = field(default_factory=list)
    seconds: float = 0.0


def apply_plan(home: Path, plan: Plan, state: State) -> ApplyReport:
    t0 = time.monotonic()
    rep = ApplyReport()
    rep.removed = remove_stale_units(plan, state)
    remove_incomplete(state)
    rep.created = create_units(plan, state)
    fresh = {u.netns for u in plan.units if u.key in rep.created}
    rep.routing_applied = apply_routing(plan, state, rebuilt=bool(rep.created))
    rep.nft_applied = apply_nft(plan, state, fresh)
    _write_resolv(state, plan)
    rep.agent_restarted = agent_ctl.ensure(dataplane_dir(home), plan, state)
    rep.nginx = nginx_ctl.ensure(dataplane_dir(home), with_mesh_certificates(dataplane_dir(home), plan), state,
                                 recreated=fresh)
    state.compact()
    rep.seconds = time.monotonic() - t0
    return rep


def with_mesh_certificates(d: Path, plan: Plan) -> Plan:
    """The plan with each sidecar stand-in's files: the mesh CA, its workload certificate and key, and the peer
    maps (``mesh_pki``), issued in the workspace's ``dataplane/tls/mesh/`` (removed by ``down``)."""
    principals = {s.mesh_principal for s in plan.nginx if s.mesh_principal}
    if not principals:
        return plan
    ca, issued = mesh_pki.ensure(tls.tls_dir(d) / mesh_pki.MESH_DIR, principals)
    peers, hashes = mesh_pki.peer_maps(issued)
    specs = []
    for s in plan.nginx:
        if s.mesh_principal:
            certs = f"{NGINX_PLACEHOLDER}/nginx/{s.netns}/certs"
            own = issued[s.mesh_principal]
            files = {sidecar_conf.CERT: own.cert_pem, sidecar_conf.KEY: own.key_pem, sidecar_conf.CA: ca,
                     sidecar_conf.PEERS: peers, sidecar_conf.HASHES: hashes}
            s = replace(s, files=s.files + tuple((f"{certs}/{name}", text) for name, text in files.items()))
        specs.append(s)
    return replace(plan, nginx=tuple(specs))


def _stale(plan: Plan, state: State) -> set[str]:
    """Units to drop: gone from the plan, changed, whose namespace vanished, or whose parent is dropped."""
    desired = {u.key: u for u in plan.units}
    recorded = state.units
    drop = {k for k, r in recorded.items() if k not in desired or desired[k].digest != r.digest}
    drop |= {k for k, r in recorded.items() if k not in drop and not netlink.netns_exists(r.netns)}
    dropped_ns = {recorded[k].netns for k in drop}
    changed = True
    while changed:
        changed = False
        for k, r in recorded.items():
            parent = desired[k].parent if k in desired else r.parent
            if k not in drop and parent in dropped_ns:
                drop.add(k)
                dropped_ns.add(r.netns)
                changed = True
    return drop


def _depth(key: str) -> int:
    order = {"azure/vnet": 0, "azure/internet": 1}
    if key in order:
        return order[key]
    return 3 if key.startswith("pod/") else 2


def remove_stale_units(plan: Plan, state: State) -> list[str]:
    """Remove the stale units (children first), their resolv.conf, links, namespaces and records."""
    recorded = state.units
    removed = []
    for k in sorted(_stale(plan, state), key=lambda x: -_depth(x)):
        r = recorded[k]
        _remove_resolv(state, r.netns)
        if r.parent and r.links:
            netlink.delete_links(r.parent, list(r.links))
        netlink.remove_netns(r.netns)
        state.forget_netns([r.netns])
        state.forget_units([k])
        state.forget_tables([r.netns])
        removed.append(k)
    return removed


def remove_incomplete(state: State) -> None:
    """Namespaces recorded by an interrupted run whose unit never completed."""
    complete = {r.netns for r in state.units.values()}
    partial = [x for x in state.netns if x not in complete]
    for ns in partial:
        netlink.remove_netns(ns)
    state.forget_netns(partial)
    state.forget_tables(partial)


def create_units(plan: Plan, state: State) -> list[str]:
    """Create the plan's missing units in plan order (parents first): their namespaces in one batch, recorded
    before; each unit recorded as built once its content is complete."""
    recorded = state.units
    new = [u for u in plan.units if u.key not in recorded]
    if not new:
        return []
    state.intend_netns([u.netns for u in new])
    netlink.create_netns_batch([u.netns for u in new])
    with netlink.parent_sockets() as parents:
        for u in new:
            netlink.build_unit(u, parents)
            state.units_built([UnitRecord(u.key, u.netns, u.digest, u.parent,
                                          tuple(v.name for v in u.uplinks) if u.parent else ())])
    return [u.key for u in new]


def apply_routing(plan: Plan, state: State, rebuilt: bool) -> list[str]:
    """Replace the routers' policy routing when it changed or a unit under them was (re)created (their routes
    name its links)."""
    done = []
    for r in plan.routing:
        old = state.routing(r.netns)
        if old is not None and old.digest == r.digest and not rebuilt:
            continue
        netlink.replace_routing(r.netns, r.rules, r.routes, set(old.tables) if old else set())
        state.set_routing(TablesRecord(r.netns, r.digest, tuple(sorted({x.table for x in r.routes}))))
        done.append(r.netns)
    return done


def apply_nft(plan: Plan, state: State, fresh: set[str]) -> list[str]:
    """Apply every namespace's nft document whose digest changed; a namespace made in this run gets its
    tables without the replace idiom (it has none yet)."""
    done = []
    for spec in plan.nft:
        old = state.nft(spec.netns)
        if old is not None and old.digest == spec.digest:
            continue
        if spec.netns in fresh and old is None:
            nft.apply(spec.netns, nft.without_deletes(spec.document))
        else:
            gone = [t for t in (old.tables if old else ()) if t not in spec.tables]
            if gone:
                nft.apply(spec.netns, nft.delete_tables_document(gone))
            nft.apply(spec.netns, spec.document)
        state.set_nft([TablesRecord(spec.netns, spec.digest, spec.tables)])
        done.append(spec.netns)
    return done


def _resolv_dir(ns: str) -> Path:
    return ETC_NETNS / ns


def _write_resolv(state: State, plan: Plan) -> None:
    for ns, text in plan.resolv:
        d = _resolv_dir(ns)
        f = d / "resolv.conf"
        if f.exists() and f.read_text() == text:
            continue
        state.intend_path(str(d))
        d.mkdir(parents=True, exist_ok=True)
        f.write_text(text)


def _remove_resolv(state: State, ns: str) -> None:
    d = _resolv_dir(ns)
    if str(d) in state.paths:
        remove_recorded_path(state, str(d))
