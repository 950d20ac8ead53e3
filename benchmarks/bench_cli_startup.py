"""Cold start-up of the CLI: ``aksnet --help`` and ``aksnet az group list`` as fresh subprocesses.

Each command runs several times in a fresh process (median reported), next to two peers measured in the same
run: ``python -c pass`` (the interpreter alone) and ``python -c "import knack, jmespath, yaml"`` (the
libraries az is built on, imported eagerly). Prints the figures and the ratios, and fails (exit 1) when either
aksnet command takes 0.5 s or more. Run: ``python benchmarks/bench_cli_startup.py [--runs N]``.
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


def _time(cmd: list[str], env: dict[str, str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        samples.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {r.stderr.decode()[-400:]}")
    return statistics.median(samples)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="aksnet-bench-") as home:
        env = {**os.environ, "AKSNET_HOME": home}
        subprocess.run([py, "-m", "aksnet", "az", "group", "create", "-n", "bench-rg", "-l", "eastus", "-o", "none"],
                       env=env, check=True)
        peers = {
            "python -c pass": [py, "-c", "pass"],
            "python -c 'import knack, jmespath, yaml'": [py, "-c", "import knack, jmespath, yaml"],
        }
        subjects = {
            "aksnet --help": [py, "-m", "aksnet", "--help"],
            "aksnet az group list": [py, "-m", "aksnet", "az", "group", "list"],
        }
        base = {name: _time(cmd, env, args.runs) for name, cmd in peers.items()}
        got = {name: _time(cmd, env, args.runs) for name, cmd in subjects.items()}
    width = max(len(n) for n in [*base, *got])
    print(f"median of {args.runs} cold runs each")
    for name, t in base.items():
        print(f"  {name.ljust(width)}  {t * 1000:7.1f} ms   (peer)")
    interp = base["python -c pass"]
    libs = base["python -c 'import knack, jmespath, yaml'"]
    failed = False
    for name, t in got.items():
        print(f"  {name.ljust(width)}  {t * 1000:7.1f} ms   {t / interp:5.1f}x python   {t / libs:5.2f}x libs")
        if t >= LIMIT_S:
            failed = True
            print(f"FAIL: {name} takes {t:.3f} s (limit {LIMIT_S} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
