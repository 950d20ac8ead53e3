"""Run, reload or stop real NGINX in every ingress controller pod's namespace, never in the host's.

Each controller pod gets a prefix directory in the workspace's ``dataplane/nginx/<ns>/`` (configuration,
certificates 0600, logs); the configuration is checked with ``nginx -t`` before NGINX starts or reloads
(SIGHUP). The process is recorded in the ledger before it starts; a process whose pod namespace was
recreated, or that is no longer wanted, is stopped by its recorded pid.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from aksnet.dataplane import netlink, proc
from aksnet.dataplane.plan import NGINX_PLACEHOLDER
from aksnet.dataplane.record import State
from aksnet.dataplane.spec import NginxSpec, Plan, digest_of
from aksnet.errors import DataplaneError

NGINX = "/usr/sbin/nginx"
IP = "/usr/sbin/ip"
START_TIMEOUT = 5.0


def _stop_stale(state: State, wanted: dict[str, NginxSpec], recreated: set[str]) -> None:
    for rec in [p for p in state.processes if p.role == "nginx"]:
        if rec.netns not in wanted or rec.netns in recreated or not proc.alive(rec):
            proc.stop(state, rec)
            state.set_digest(f"nginx/{rec.netns}", None)


def _write_prefix(prefix: Path, conf_text: str, files: list[tuple[str, str]]) -> Path:
    (prefix / "certs").mkdir(parents=True, exist_ok=True, mode=0o700)
    for path, text in files:
        Path(path).write_text(text)
        Path(path).chmod(0o600)
    conf = prefix / "nginx.conf"
    conf.write_text(conf_text)
    return conf


def _argv(ns: str, prefix: Path, conf: Path, before: list[str], after: list[str]) -> list[str]:
    # -e: nginx's error log before the configuration is read (else the compiled-in /var/log/nginx/error.log)
    return [IP, "netns", "exec", ns, NGINX, *before, "-e", str(prefix / "error.log"), "-c", str(conf),
            "-p", str(prefix), *after]


def _check(spec: NginxSpec, prefix: Path, conf: Path) -> None:
    check = subprocess.run(_argv(spec.netns, prefix, conf, ["-t", "-q"], []), capture_output=True, text=True,
                           check=False)
    if check.returncode != 0:
        raise DataplaneError(f"nginx rejected the configuration for {spec.key}: {check.stderr.strip()[:1500]}")


def _start(state: State, spec: NginxSpec, prefix: Path, conf: Path) -> None:
    argv = _argv(spec.netns, prefix, conf, [], ["-g", "daemon off;"])
    rec = proc.spawn(state, "nginx", spec.key, argv, prefix / "nginx.pid", prefix / "stderr.log", netns=spec.netns)
    deadline = time.monotonic() + START_TIMEOUT
    while not (prefix / "nginx.pid").exists():
        # our own unreaped child: its pid names it until it exits (argv and namespace settle after exec/setns)
        if time.monotonic() > deadline or rec.pid is None or proc.exited(rec.pid):
            raise DataplaneError(f"nginx did not start for {spec.key}; see {prefix / 'error.log'}")
        time.sleep(0.02)


def _workers(pid: int) -> set[int]:
    try:
        return {int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except (OSError, ValueError):
        return set()


def _reload(pid: int) -> None:
    """SIGHUP, then wait until the master's old workers are gone and a new one runs: nginx applies a new
    configuration by starting new workers and letting the old ones finish, so a probe sent right after the signal
    could still meet the old configuration."""
    old = _workers(pid)
    os.kill(pid, signal.SIGHUP)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        now = _workers(pid)
        if now and not (now & old):
            return
        time.sleep(0.02)


def ensure(d: Path, plan: Plan, state: State, recreated: set[str]) -> list[str]:
    """Make NGINX serve ``plan``'s controllers; returns the controllers started or reloaded."""
    wanted = {spec.netns: spec for spec in plan.nginx}
    _stop_stale(state, wanted, recreated)
    touched: list[str] = []
    for ns, spec in sorted(wanted.items()):
        if not ns or not netlink.netns_exists(ns):
            raise DataplaneError(f"refusing to start nginx outside a data plane namespace ({ns!r})")
        conf_text = spec.conf.replace(NGINX_PLACEHOLDER, str(d))
        files = [(path.replace(NGINX_PLACEHOLDER, str(d)), text) for path, text in spec.files]
        digest = digest_of(conf_text + json.dumps(files))
        key = f"nginx/{ns}"
        running = [p for p in state.processes if p.role == "nginx" and p.netns == ns]
        if running and state.digest(key) == digest:
            continue
        prefix = d / "nginx" / ns
        conf = _write_prefix(prefix, conf_text, files)
        _check(spec, prefix, conf)
        pid = proc.live_pid(running[0]) if running else None
        if pid is not None:
            _reload(pid)
        else:
            _start(state, spec, prefix, conf)
        state.set_digest(key, digest)
        touched.append(spec.key)
    return touched
