"""The real data plane as users run it: ``aksnet up``, ``up`` again, ``verify`` and ``down``, each timed as a
whole process on a workspace built through the CLI (``az aks create`` + ``kubectl apply``: kubenet, Calico,
10 apps, 2 Services and 1 NetworkPolicy per app; ``tests/dataplane/scale_cluster.py``), at 3 nodes / 60
pods and at 10 nodes / 500 pods.

Peers measured in the same run, for the same namespace count: the floor of making that many namespaces
with a veth pair each using ip(8) as a script would (``ip netns add`` + ``ip link add … type veth peer …
netns …`` per namespace), and the same with two ``ip -batch`` processes (what the kernel alone costs).
Target (fails with exit 1 when missed): ``up`` at 10 nodes / 500 pods within 2× of the per-command floor,
and ``verify`` with zero disagreements at both sizes. The machine's load average is printed with the figures.

Run as root: ``python benchmarks/bench_dataplane.py [--small 3x60] [--large 10x500]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.dataplane import scale_cluster

IP = "/usr/sbin/ip"
TARGET_UP_VS_FLOOR = 2.0


def aksnet(home: Path, *args: str, stdin: str | None = None) -> tuple[float, str]:
    """Run ``aksnet ARGS`` as its own process; (seconds, stdout). Fails loudly on a non-zero exit."""
    env = {**os.environ, "AKSNET_HOME": str(home)}
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "aksnet", *args], input=stdin, capture_output=True, text=True,
                       env=env, check=False)
    took = time.monotonic() - t0
    if p.returncode != 0 and args[0] != "verify":
        raise SystemExit(f"aksnet {' '.join(args)} failed ({p.returncode}): {p.stderr[-2000:]}")
    return took, p.stdout


def floors(count: int) -> tuple[float, float]:
    """(per-command, batch) seconds to make ``count`` namespaces with a veth pair each (then removed)."""
    prefix = f"aksnet-fl{os.getpid() % 100000:05d}"
    hub = f"{prefix}-hub"
    out = []
    for batch in (False, True):
        subprocess.run([IP, "netns", "add", hub], check=True)
        names = [f"{prefix}-{i}" for i in range(count)]
        try:
            t0 = time.monotonic()
            if batch:
                subprocess.run([IP, "-batch", "-"], input="".join(f"netns add {n}\n" for n in names), text=True,
                               check=True)
                subprocess.run([IP, "-n", hub, "-batch", "-"], text=True, check=True,
                               input="".join(f"link add v{i} type veth peer name eth0 netns {n}\n"
                                             for i, n in enumerate(names)))
            else:
                for i, n in enumerate(names):
                    subprocess.run([IP, "netns", "add", n], check=True)
                    subprocess.run([IP, "-n", hub, "link", "add", f"v{i}", "type", "veth", "peer", "name", "eth0",
                                    "netns", n], check=True)
            out.append(time.monotonic() - t0)
        finally:
            subprocess.run([IP, "-batch", "-"], input="".join(f"netns del {n}\n" for n in [*names, hub]), text=True,
                           check=False, capture_output=True)
    return out[0], out[1]


def measure(nodes: int, pods: int) -> dict[str, float]:
    base = Path(tempfile.mkdtemp(prefix="aksnet-bench-"))
    home = base / "ws"
    out: dict[str, float] = {}

    def run(args: list[str], stdin: str | None) -> None:
        aksnet(home, *args, stdin=stdin)

    try:
        scale_cluster.build(run, nodes, pods)
        out["load_before"] = os.getloadavg()[0]
        out["up"], text = aksnet(home, "up")
        out["namespaces"] = float(re.search(r"up: (\d+) namespaces", text).group(1))  # type: ignore[union-attr]
        out["up_again"], _ = aksnet(home, "up")
        out["verify"], text = aksnet(home, "verify")
        m = re.search(r"verify: (\d+) flows, (\d+) agree, (\d+) disagree, (\d+) retried", text)
        assert m is not None, text
        out["flows"], out["disagree"], out["retried"] = float(m.group(1)), float(m.group(3)), float(m.group(4))
        out["floor_per_command"], out["floor_batch"] = floors(int(out["namespaces"]))
    finally:
        t = time.monotonic()
        aksnet(home, "down")
        out["down"] = time.monotonic() - t
        out["load_after"] = os.getloadavg()[0]
        shutil.rmtree(base, ignore_errors=True)
    return out


def _size(text: str) -> tuple[int, int]:
    n, p = text.lower().split("x")
    return int(n), int(p)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--small", type=_size, default=(3, 60), metavar="NODESxPODS")
    ap.add_argument("--large", type=_size, default=(10, 500), metavar="NODESxPODS")
    args = ap.parse_args()
    small = measure(*args.small)
    large = measure(*args.large)
    head = f"{args.small[0]} nodes/{args.small[1]} pods"
    print(f"{'':26}{head:>22}{f'{args.large[0]} nodes/{args.large[1]} pods':>24}")
    for key in ("namespaces", "flows", "disagree", "retried", "up", "up_again", "verify", "down",
                "floor_per_command", "floor_batch", "load_before", "load_after"):
        unit = " s" if key in ("up", "up_again", "verify", "down", "floor_per_command", "floor_batch") else "  "
        print(f"{key:26}{small[key]:20.2f}{unit}{large[key]:22.2f}{unit}")
    for name, r in ((head, small), (f"{args.large[0]} nodes/{args.large[1]} pods", large)):
        print(f"{name}: up / per-command floor {r['up'] / r['floor_per_command']:.2f}x, "
              f"up / batch floor {r['up'] / r['floor_batch']:.1f}x")
    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    missed = []
    if large["up"] > TARGET_UP_VS_FLOOR * large["floor_per_command"]:
        missed.append(f"up {large['up']:.1f} s > {TARGET_UP_VS_FLOOR}x the floor {large['floor_per_command']:.1f} s")
    if small["disagree"] or large["disagree"]:
        missed.append("verify disagreements")
    if large["flows"] <= small["flows"]:
        missed.append("the larger cluster verified no more flows than the smaller one")
    if missed:
        print("MISSED: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
