"""Realize a :class:`Plan` incrementally: create what is new, recreate what changed, remove what is gone.

Unit digests, routing digests, nft digests and the agent's digest are kept in the state file; a unit whose
digest changed is removed and rebuilt together with the units hanging off it (its pods, for a node),
everything else stays. Routing of the fabric and internet routers is replaced whenever a unit under them
was (re)created (their routes name its links). The agent is restarted when anything it serves changed.
Every namespace, file and process is recorded in the state file before it is created.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from aksnet.dataplane import netlink, nft, proc, tls
from aksnet.dataplane import topo_names as tn
from aksnet.dataplane.plan import NGINX_PLACEHOLDER
from aksnet.dataplane.record import State
from aksnet.dataplane.spec import Plan, Unit, digest_of
from aksnet.errors import DataplaneError

ETC_NETNS = Path("/etc/netns")
AGENT_KEY = "agent"


@dataclass
class ApplyReport:
    created: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    nft_applied: list[str] = field(default_factory=list)
    routing_applied: list[str] = field(default_factory=list)
    agent_restarted: bool = False
    nginx: list[str] = field(default_factory=list)
    seconds: float = 0.0


def dataplane_dir(home: Path) -> Path:
    return home / "dataplane"


@contextlib.contextmanager
def locked(home: Path) -> Iterator[None]:
    d = dataplane_dir(home)
    d.mkdir(parents=True, exist_ok=True)
    with open(d / "lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _children(units: dict[str, Unit], parent_ns: str) -> list[str]:
    return [k for k, u in units.items() if u.parent == parent_ns]


def apply_plan(home: Path, plan: Plan, state: State) -> ApplyReport:
    t0 = time.monotonic()
    rep = ApplyReport()
    desired = {u.key: u for u in plan.units}
    recorded = {k[5:]: v for k, v in state.units.items() if k.startswith("unit:")}
    recorded_ns = {k[5:]: v for k, v in state.meta.get("unit_netns", {}).items()}
    # units to drop: gone, changed, or whose parent is rebuilt
    drop: set[str] = {k for k, d in recorded.items() if k not in desired or desired[k].digest != d}
    drop |= {k for k in recorded if k in desired and not netlink.netns_exists(desired[k].netns)}
    changed = True
    while changed:
        changed = False
        for k in list(recorded):
            if k in drop:
                continue
            u = desired.get(k)
            parent_key = next((pk for pk in drop if recorded_ns.get(pk) == (u.parent if u else None)), None)
            if parent_key is not None:
                drop.add(k)
                changed = True
    for k in sorted(drop, key=lambda x: -_depth(x, desired)):
        ns = recorded_ns.get(k) or (desired[k].netns if k in desired else None)
        if ns:
            _remove_resolv(state, ns)
            links = state.meta.setdefault("unit_links", {}).pop("unit:" + k, None)
            if links:
                netlink.delete_links(links[0], links[1])
            netlink.remove_netns(ns)
            state.forget_netns([ns])
        state.units.pop("unit:" + k, None)
        state.meta.setdefault("unit_netns", {}).pop("unit:" + k, None)
        state.units.pop(f"nft/{ns}", None)
        rep.removed.append(k)
    state.save()
    # namespaces recorded by an interrupted run whose unit never completed
    unit_ns = state.meta.get("unit_netns", {})
    complete = {unit_ns[k] for k in state.units if k.startswith("unit:") and k in unit_ns}
    for ns in [x for x in state.netns if x not in complete]:
        netlink.remove_netns(ns)
        state.forget_netns([ns])
    # create in plan order (parents come first)
    for u in plan.units:
        if "unit:" + u.key in state.units:
            continue
        state.intend_netns([u.netns])
        netlink.create_netns(u.netns)
        netlink.build_unit(u)
        state.meta.setdefault("unit_netns", {})["unit:" + u.key] = u.netns
        if u.parent:
            state.meta.setdefault("unit_links", {})["unit:" + u.key] = [u.parent, [v.name for v in u.uplinks]]
        state.set_unit("unit:" + u.key, u.digest)
        rep.created.append(u.key)
    # routing of the routers
    for r in plan.routing:
        key = f"routing/{r.netns}"
        if state.units.get(key) != r.digest or rep.created:
            old = set(state.meta.get("tables", {}).get(r.netns, []))
            netlink.replace_routing(r.netns, r.rules, r.routes, old)
            state.meta.setdefault("tables", {})[r.netns] = sorted({x.table for x in r.routes})
            state.set_unit(key, r.digest)
            rep.routing_applied.append(r.netns)
    # nftables
    for spec in plan.nft:
        if state.units.get(spec.key) == spec.digest:
            continue
        old_tables = [tuple(x) for x in state.meta.get("nft_tables", {}).get(spec.netns, [])]
        gone = [t for t in old_tables if t not in spec.tables]
        if gone:
            nft.apply(spec.netns, nft.delete_tables_document(gone))
        nft.apply(spec.netns, spec.document)
        state.meta.setdefault("nft_tables", {})[spec.netns] = [list(t) for t in spec.tables]
        state.set_unit(spec.key, spec.digest)
        rep.nft_applied.append(spec.netns)
    _write_resolv(state, plan)
    rep.agent_restarted = _ensure_agent(home, plan, state, force=bool(rep.created or rep.removed))
    rep.nginx = _ensure_nginx(home, plan, state, recreated={u.netns for u in plan.units if u.key in rep.created})
    rep.seconds = time.monotonic() - t0
    return rep


def _depth(key: str, desired: dict[str, Unit]) -> int:
    order = {"azure/vnet": 0, "azure/internet": 1}
    if key in order:
        return order[key]
    return 3 if key.startswith("pod/") else 2


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


def remove_recorded_path(state: State, path: str) -> None:
    """Remove a recorded /etc/netns/<our ns> directory or the state directory's ``tls`` directory (nothing
    else is ever removed this way)."""
    p = Path(path)
    ours = p.parent == ETC_NETNS and p.name.startswith(f"aksnet-{state.tag}-")
    if (ours or p == tls.tls_dir(state)) and p.is_dir():
        shutil.rmtree(p)
    state.forget_path(path)


def _ensure_agent(home: Path, plan: Plan, state: State, force: bool) -> bool:
    d = dataplane_dir(home)
    digest = plan.agent_digest
    current = [p for p in state.processes if p.role == "agent"]
    if current and not force and state.units.get(AGENT_KEY) == digest and all(proc.alive(p) for p in current):
        return False
    for p in current:
        proc.stop(state, p)
    state.set_unit(AGENT_KEY, None)
    cfg_path = d / "agent.json"
    ready = d / "agent.ready"
    cert, key = tls.ensure_certificate(state)
    with contextlib.suppress(FileNotFoundError):
        ready.unlink()
    cfg = {"pidfile": str(d / "agent.pid"), "readyfile": str(ready), "echo_port": tn.ECHO_PORT,
           "listeners": [{"netns": x.netns, "identity": [list(i) for i in x.identity], "catch_all": x.catch_all,
                          "tcp_ports": list(x.tcp_ports), "udp_ports": list(x.udp_ports),
                          "dns_ip": x.dns_ip} for x in plan.listeners],
           "dns_records": plan.dns_records, "upstream": {}, "tls_cert": str(cert), "tls_key": str(key)}
    cfg_path.write_text(json.dumps(cfg, indent=1))
    argv = [sys.executable, "-m", "aksnet.dataplane.echo_agent", str(cfg_path)]
    rec = proc.spawn(state, "agent", AGENT_KEY, argv, d / "agent.pid", d / "agent.log")
    deadline = time.monotonic() + 15
    while not ready.exists():
        if time.monotonic() > deadline or not proc.alive(rec):
            raise DataplaneError(f"the echo agent did not start; see {d / 'agent.log'}")
        time.sleep(0.02)
    state.set_unit(AGENT_KEY, digest)
    return True


NGINX = "/usr/sbin/nginx"
IP = "/usr/sbin/ip"


def _ensure_nginx(home: Path, plan: Plan, state: State, recreated: set[str]) -> list[str]:
    """Run (or reload) real NGINX in every ingress controller pod's namespace, never in the host's."""
    d = dataplane_dir(home)
    wanted = {spec.netns: spec for spec in plan.nginx}
    for rec in [p for p in state.processes if p.role == "nginx"]:
        if rec.netns not in wanted or rec.netns in recreated or not proc.alive(rec):
            proc.stop(state, rec)
            state.set_unit(f"nginx/{rec.netns}", None)
    touched: list[str] = []
    for ns, spec in sorted(wanted.items()):
        if not ns or not netlink.netns_exists(ns):
            raise DataplaneError(f"refusing to start nginx outside a data plane namespace ({ns!r})")
        conf_text = spec.conf.replace(NGINX_PLACEHOLDER, str(d))
        files = [(path.replace(NGINX_PLACEHOLDER, str(d)), text) for path, text in spec.files]
        digest = digest_of(conf_text + json.dumps(files))
        key = f"nginx/{ns}"
        running = [p for p in state.processes if p.role == "nginx" and p.netns == ns]
        if running and state.units.get(key) == digest:
            continue
        prefix = d / "nginx" / ns
        (prefix / "certs").mkdir(parents=True, exist_ok=True, mode=0o700)
        for path, text in files:
            Path(path).write_text(text)
            Path(path).chmod(0o600)
        conf = prefix / "nginx.conf"
        conf.write_text(conf_text)
        # -e: nginx's error log before the configuration is read (else the compiled-in /var/log/nginx/error.log)
        check = subprocess.run([IP, "netns", "exec", ns, NGINX, "-t", "-q", "-e", str(prefix / "error.log"),
                                "-c", str(conf), "-p", str(prefix)],
                               capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise DataplaneError(f"nginx rejected the configuration for {spec.key}: {check.stderr.strip()[:1500]}")
        if running:
            pid = proc.live_pid(running[0])
            if pid is not None:
                os.kill(pid, signal.SIGHUP)
        else:
            argv = [IP, "netns", "exec", ns, NGINX, "-e", str(prefix / "error.log"), "-c", str(conf),
                    "-p", str(prefix), "-g", "daemon off;"]
            rec = proc.spawn(state, "nginx", spec.key, argv, prefix / "nginx.pid", prefix / "stderr.log", netns=ns)
            deadline = time.monotonic() + 5
            while not (prefix / "nginx.pid").exists():
                if time.monotonic() > deadline or not proc.alive(rec):
                    raise DataplaneError(f"nginx did not start for {spec.key}; see {prefix / 'error.log'}")
                time.sleep(0.02)
        state.set_unit(key, digest)
        touched.append(spec.key)
    return touched
