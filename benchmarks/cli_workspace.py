"""Workspaces built through the CLI for the whole-process benchmarks, and the timing helpers they share.

``build(home, …)`` runs ``aksnet az group create`` / ``az network vnet create`` / ``az aks create`` /
``az aks get-credentials`` and one ``aksnet kubectl apply -f DIR`` of namespaces, Deployments and
NetworkPolicies (the controllers schedule the pods), exactly as a user would. ``export_dir`` writes the
workspace's own pods, namespaces and policies (``kubectl get … -o yaml``) into a plain directory, the input of
``--from-dir`` and of the parse floor. Every timing is a fresh ``python -m aksnet`` process; ``load()`` is
``/proc/loadavg`` to print next to each figure (the machine is shared).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


def load() -> str:
    """The 1-minute load average (print it next to every figure)."""
    try:
        return f"load {Path('/proc/loadavg').read_text().split()[0]}"
    except OSError:
        return "load ?"


def aksnet(home: Path, *args: str, stdout: Any = subprocess.PIPE) -> str:
    env = dict(os.environ, AKSNET_HOME=str(home))
    r = subprocess.run([sys.executable, "-m", "aksnet", *args], env=env, stdout=stdout, stderr=subprocess.PIPE,
                       text=True, check=False)
    if r.returncode not in (0,):
        raise SystemExit(f"aksnet {' '.join(args)} failed ({r.returncode}): {r.stderr[-800:]}")
    return r.stdout if stdout is subprocess.PIPE else ""


@dataclass(frozen=True)
class Timing:
    """Medians of fresh processes: wall seconds, CPU seconds (user + system: what the command itself cost,
    whatever else the machine runs) and the largest peak RSS in MiB."""

    wall: float
    cpu: float
    rss: float


def run_measured(cmd: list[str], env: dict[str, str], stdout: Any = subprocess.DEVNULL) -> tuple[int, float, float,
                                                                                                float, str]:
    """One child process: (exit code, wall seconds, CPU seconds, peak RSS MiB, the end of its stderr)."""
    with tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=err, text=True)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-800:]
    return p.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, tail


def timed(home: Path, *args: str, runs: int = 3, ok: tuple[int, ...] = (0,)) -> Timing:
    """``aksnet ARGS`` as fresh processes, output discarded."""
    env = dict(os.environ, AKSNET_HOME=str(home))
    walls, cpus, peak = [], [], 0.0
    for _ in range(runs):
        code, wall, cpu, rss, err = run_measured([sys.executable, "-m", "aksnet", *args], env)
        if code not in ok:
            raise SystemExit(f"aksnet {' '.join(args)} exited {code}: {err}")
        walls.append(wall)
        cpus.append(cpu)
        peak = max(peak, rss)
    return Timing(statistics.median(walls), statistics.median(cpus), peak)


def manifests(namespaces: int, deployments: int, replicas: int, policies: int) -> list[dict[str, Any]]:
    """bench_matrix's synthetic cluster (namespaces, Deployments with two named ports, NetworkPolicies with
    namespace+pod selector peers, numeric and named ports, some egress) without pods: the controllers make them."""
    import bench_matrix

    return bench_matrix.generate(deployments, namespaces, policies, replicas=replicas, with_pods=False)


def write_manifests(docs: list[dict[str, Any]], d: Path, per_file: int = 500) -> None:
    d.mkdir(parents=True, exist_ok=True)
    for n in range(0, len(docs), per_file):
        (d / f"m{n // per_file:04d}.yaml").write_text(
            yaml.dump_all(docs[n:n + per_file], Dumper=yaml.CSafeDumper, sort_keys=False))


def build(home: Path, nodes: int, namespaces: int, deployments: int, replicas: int, policies: int,
          network_policy: str = "calico") -> float:
    """A kubenet cluster of ``nodes`` nodes (max 250 pods each) with the manifests applied; seconds taken."""
    t0 = time.perf_counter()
    aksnet(home, "az", "group", "create", "-n", "bench-rg", "-l", "eastus")
    aksnet(home, "az", "aks", "create", "-g", "bench-rg", "-n", "bench", "--network-plugin", "kubenet",
           "--network-policy", network_policy, "--node-count", str(nodes), "--max-pods", "250",
           "--generate-ssh-keys")
    aksnet(home, "az", "aks", "get-credentials", "-g", "bench-rg", "-n", "bench")
    mdir = home.parent / (home.name + "-manifests")
    write_manifests(manifests(namespaces, deployments, replicas, policies), mdir)
    aksnet(home, "kubectl", "apply", "-f", str(mdir))
    return time.perf_counter() - t0


def export_dir(home: Path, d: Path) -> None:
    """The workspace's namespaces, ReplicaSets (pod owners), pods and NetworkPolicies as plain manifests in ``d``."""
    d.mkdir(parents=True, exist_ok=True)
    for kind in ("namespaces", "replicasets", "pods", "networkpolicies"):
        with (d / f"{kind}.yaml").open("w") as fh:
            aksnet(home, "kubectl", "get", kind, "-A", "-o", "yaml", stdout=fh)


def parse_floor(d: Path, runs: int = 3) -> Timing:
    """The floor: a fresh interpreter that only parses ``d``'s YAML with libyaml."""
    code = ("import sys, yaml, pathlib\n"
            "n = 0\n"
            "for f in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
            "    for doc in yaml.load_all(f.read_text(), Loader=yaml.CSafeLoader):\n"
            "        n += len((doc or {}).get('items') or [doc])\n")
    walls, cpus, peak = [], [], 0.0
    for _ in range(runs):
        status, wall, cpu, rss, err = run_measured([sys.executable, "-c", code, str(d)], dict(os.environ))
        if status != 0:
            raise SystemExit(f"parse floor failed: {err}")
        walls.append(wall)
        cpus.append(cpu)
        peak = max(peak, rss)
    return Timing(statistics.median(walls), statistics.median(cpus), peak)
