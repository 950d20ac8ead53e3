"""Cold start-up of the CLI: ``aksnet --help``, ``aksnet az group list``, and the reads ``aksnet kubectl get pods -A``
and ``aksnet trace`` on a one-node cluster, as fresh subprocesses (what a command imports is most of its cost).

Each command runs several times in a fresh process (median wall and CPU time reported; ratios are of CPU
time, which a shared machine's load disturbs far less), next to two peers measured in the same run:
``python -c pass`` (the interpreter alone) and ``python -c "import knack, jmespath, yaml"`` (the libraries az is
built on, imported eagerly). Prints the figures and the ratios, and fails (exit 1) when an aksnet command
takes 0.5 s or more of wall time. Run: ``python benchmarks/bench_cli_startup.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

LIMIT_S = 0.5


def _time(cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Medians of ``runs`` fresh processes: (wall seconds, CPU seconds: the process's own user + system time,
    which the machine's other load changes far less than the wall time)."""
    walls, cpus = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert p.stderr is not None
        err = p.stderr.read()
        _, status, usage = os.wait4(p.pid, 0)
        walls.append(time.perf_counter() - t0)
        cpus.append(usage.ru_utime + usage.ru_stime)
        p.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {err.decode()[-400:]}")
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="aksnet-bench-") as home:
        env = {**os.environ, "AKSNET_HOME": home}
        for setup in (["az", "group", "create", "-n", "bench-rg", "-l", "eastus", "-o", "none"],
                      ["az", "aks", "create", "-g", "bench-rg", "-n", "bench", "--node-count", "1", "-o", "none"],
                      ["az", "aks", "get-credentials", "-g", "bench-rg", "-n", "bench"]):
            subprocess.run([py, "-m", "aksnet", *setup], env=env, check=True, stdout=subprocess.DEVNULL)
        pod = subprocess.run([py, "-m", "aksnet", "kubectl", "get", "pods", "-n", "kube-system", "-o", "name"], env=env,
                             check=True, capture_output=True, text=True).stdout.split()[0].split("/", 1)[1]
        peers = {
            "python -c pass": [py, "-c", "pass"],
            "python -c 'import knack, jmespath, yaml'": [py, "-c", "import knack, jmespath, yaml"],
        }
        subjects = {
            "aksnet --help": [py, "-m", "aksnet", "--help"],
            "aksnet az group list": [py, "-m", "aksnet", "az", "group", "list"],
            "aksnet kubectl get pods -A": [py, "-m", "aksnet", "kubectl", "get", "pods", "-A"],
            "aksnet trace POD internet/IP --port 443": [py, "-m", "aksnet", "trace", f"pod/kube-system/{pod}",
                                                        "internet/203.0.113.10", "--port", "443"],
        }
        base = {name: _time(cmd, env, args.runs) for name, cmd in peers.items()}
        got = {name: _time(cmd, env, args.runs) for name, cmd in subjects.items()}
    width = max(len(n) for n in [*base, *got])
    print(f"median of {args.runs} cold runs each (load {os.getloadavg()[0]:.2f})")
    for name, (wall, cpu) in base.items():
        print(f"  {name.ljust(width)}  {wall * 1000:7.1f} ms wall {cpu * 1000:6.1f} ms CPU   (peer)")
    interp = base["python -c pass"][1]
    libs = base["python -c 'import knack, jmespath, yaml'"][1]
    failed = False
    for name, (wall, cpu) in got.items():
        print(f"  {name.ljust(width)}  {wall * 1000:7.1f} ms wall {cpu * 1000:6.1f} ms CPU   "
              f"{cpu / interp:5.1f}x python   {cpu / libs:5.2f}x libs (CPU)")
        if wall >= LIMIT_S:
            failed = True
            print(f"FAIL: {name} takes {wall:.3f} s (limit {LIMIT_S} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
