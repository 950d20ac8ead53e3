"""Start the echo agent, or make the running one serve a new plan without a restart.

The agent's configuration (listeners per namespace, DNS records, TLS identity) is written to
``<workspace>/dataplane/agent.json`` with a generation number. A running agent re-reads it on SIGHUP and
opens or closes only the sockets of namespaces whose listener changed or whose namespace was recreated,
then writes the generation to its ready file; so a new pod costs one namespace's sockets, not a restart of
every namespace's. A dead agent (or one whose recorded pid no longer names it) is started afresh: the
process is recorded in the ledger before it starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from aksnet.dataplane import proc, tls
from aksnet.dataplane import topo_names as tn
from aksnet.dataplane.record import State
from aksnet.dataplane.spec import Plan
from aksnet.errors import DataplaneError

AGENT_KEY = "agent"
START_TIMEOUT = 30.0


def config(d: Path, plan: Plan, generation: int, cert: Path, key: Path) -> dict[str, Any]:
    return {"pidfile": str(d / "agent.pid"), "readyfile": str(d / "agent.ready"), "echo_port": tn.ECHO_PORT,
            "generation": generation,
            "listeners": [{"netns": x.netns, "identity": [list(i) for i in x.identity], "catch_all": x.catch_all,
                           "tcp_ports": list(x.tcp_ports), "udp_ports": list(x.udp_ports),
                           "dns_ip": x.dns_ip, "dns_upstream": x.dns_upstream, "dns_proxy_ip": x.dns_proxy_ip,
                           "azure_dns": {k: list(v) for k, v in x.azure_dns}} for x in plan.listeners],
            "dns_records": plan.dns_records, "upstream": {}, "tls_cert": str(cert), "tls_key": str(key)}


def _ready_generation(ready: Path) -> int | None:
    try:
        return int(ready.read_text().split()[1])
    except (FileNotFoundError, IndexError, ValueError):
        return None


def _wait_ready(d: Path, rec: Any, generation: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while _ready_generation(d / "agent.ready") != generation:
        # our own child, unreaped: its pid names it until it exits (its argv is empty until exec completes)
        gone = rec.pid is None or proc.start_time(rec.pid) is None or proc.exited(rec.pid)
        if time.monotonic() > deadline or gone:
            try:
                tail = (d / "agent.log").read_text(errors="replace").strip().splitlines()[-5:]
            except FileNotFoundError:
                tail = []
            raise DataplaneError("the echo agent did not start" + "".join(f"\n  {x}" for x in tail))
        time.sleep(0.01)


def ensure(d: Path, plan: Plan, state: State) -> bool:
    """Make the agent serve ``plan``. True when it was (re)configured, False when nothing changed."""
    digest = plan.agent_digest
    current = [p for p in state.processes if p.role == "agent"]
    live = [p for p in current if proc.alive(p)]
    unchanged = state.digest(AGENT_KEY) == digest
    if live and len(current) == 1 and unchanged and _namespaces_same(d, plan):
        return False
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    cert, key = tls.ensure_certificate(d)
    generation = int(state.setting("agent_generation", 0)) + 1
    state.set_setting("agent_generation", generation)
    state.set_digest(AGENT_KEY, None)
    cfg_path = d / "agent.json"
    tmp = cfg_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(config(d, plan, generation, cert, key), separators=(",", ":")))
    os.replace(tmp, cfg_path)
    if live and len(current) == 1:
        pid = proc.live_pid(live[0])
        if pid is not None:
            os.kill(pid, signal.SIGHUP)
            _wait_ready(d, live[0], generation)
            state.set_digest(AGENT_KEY, digest)
            _remember_namespaces(d, plan)
            return True
    for p in current:
        proc.stop(state, p)
    with contextlib.suppress(FileNotFoundError):
        (d / "agent.ready").unlink()
    argv = [sys.executable, "-m", "aksnet.dataplane.echo_agent", str(cfg_path)]
    rec = proc.spawn(state, "agent", AGENT_KEY, argv, d / "agent.pid", d / "agent.log")
    _wait_ready(d, rec, generation)
    state.set_digest(AGENT_KEY, digest)
    _remember_namespaces(d, plan)
    return True


def _ns_ids(plan: Plan) -> dict[str, int]:
    """The kernel identity (nsfs inode) of every namespace the agent serves: a namespace recreated under the
    same name needs new sockets even when its listener is unchanged."""
    out = {}
    for x in plan.listeners:
        with contextlib.suppress(FileNotFoundError):
            out[x.netns] = os.stat(f"/var/run/netns/{x.netns}").st_ino
    return out


def _namespaces_same(d: Path, plan: Plan) -> bool:
    try:
        known = json.loads((d / "agent.netns.json").read_text())
    except (FileNotFoundError, ValueError):
        return False
    return bool(known == {k: v for k, v in _ns_ids(plan).items()})


def _remember_namespaces(d: Path, plan: Plan) -> None:
    (d / "agent.netns.json").write_text(json.dumps(_ns_ids(plan), sort_keys=True))
