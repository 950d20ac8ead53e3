"""``kubectl apply -f DIR`` at scale: one Azure CNI Overlay cluster of 120 nodes (made with ``aksnet az aks
create``), then 500 Deployments × 10 replicas (5,000 pods), 1,000 ClusterIP Services and 300 LoadBalancer
Services (the Standard LB limit per cluster) applied in one command. Prints wall time and peak memory of the
apply (run in a child process so the figure is its own), and a peer measured in the same run: the same
documents parsed with libyaml and written as JSON rows into SQLite in one transaction (what any store of
these objects must at least do). Fails (exit 1) above 20 s or 1 GiB.

Run: ``python benchmarks/bench_apply.py [--deployments 500] [--replicas 10] [--services 1000] [--lbs 300]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT_S = 20.0
LIMIT_BYTES = 1 << 30


def _aksnet(home: str, *args: str) -> str:
    env = dict(os.environ, AKSNET_HOME=home)
    r = subprocess.run([sys.executable, "-m", "aksnet", *args], env=env, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise SystemExit(f"aksnet {' '.join(args)} failed: {r.stderr[-600:]}")
    return r.stdout


def make_cluster(home: str, nodes: int) -> None:
    _aksnet(home, "az", "group", "create", "-n", "bench-rg", "-l", "eastus")
    _aksnet(home, "az", "network", "vnet", "create", "-g", "bench-rg", "-n", "vnet", "--address-prefixes",
            "10.0.0.0/8", "--subnet-name", "nodes", "--subnet-prefixes", "10.240.0.0/16")
    sub = _aksnet(home, "az", "network", "vnet", "subnet", "show", "-g", "bench-rg", "--vnet-name", "vnet", "-n",
                  "nodes", "--query", "id", "-o", "tsv").strip()
    _aksnet(home, "az", "aks", "create", "-g", "bench-rg", "-n", "bench", "--vnet-subnet-id", sub,
            "--network-plugin", "azure", "--network-plugin-mode", "overlay", "--pod-cidr", "192.168.0.0/16",
            "--service-cidr", "172.16.0.0/16", "--dns-service-ip", "172.16.0.10", "--node-count", str(nodes),
            "--generate-ssh-keys")
    _aksnet(home, "az", "aks", "get-credentials", "-g", "bench-rg", "-n", "bench")


def write_manifests(d: Path, deployments: int, replicas: int, services: int, lbs: int) -> int:
    """One file per 100 objects; returns the number of objects."""
    docs: list[str] = []
    for i in range(deployments):
        docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: app-{i}, labels: {{app: app-{i}}}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: app-{i}}}}}
  template:
    metadata: {{labels: {{app: app-{i}, tier: t{i % 7}}}}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{{name: http, containerPort: 8080}}]
""")
    for i in range(services):
        docs.append(f"""apiVersion: v1
kind: Service
metadata: {{name: svc-{i}}}
spec:
  selector: {{app: app-{i % max(deployments, 1)}}}
  ports: [{{name: http, port: 80, targetPort: http}}]
""")
    for i in range(lbs):
        docs.append(f"""apiVersion: v1
kind: Service
metadata: {{name: lb-{i}}}
spec:
  type: LoadBalancer
  selector: {{app: app-{i % max(deployments, 1)}}}
  ports: [{{port: 80, targetPort: 8080}}]
""")
    for n in range(0, len(docs), 100):
        (d / f"m{n // 100:03d}.yaml").write_text("---\n".join(docs[n:n + 100]))
    return len(docs)


_CHILD = """
import resource, sys, time
from aksnet.cli.main import main
t0 = time.perf_counter()
code = main(["kubectl", "apply", "-f", sys.argv[1]])
dt = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(f"RESULT {code} {dt:.3f} {rss}", file=sys.stderr)
"""


def run_apply(home: str, manifests: Path) -> tuple[float, int, str]:
    env = dict(os.environ, AKSNET_HOME=home)
    r = subprocess.run([sys.executable, "-c", _CHILD, str(manifests)], env=env, capture_output=True, text=True,
                       check=False)
    line = next((ln for ln in r.stderr.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"apply crashed: {r.stderr[-800:]}")
    _, code, secs, rss = line.split()
    if code != "0":
        raise SystemExit(f"apply failed ({code}): {r.stderr[-800:]}")
    return float(secs), int(rss), r.stdout


def peer(manifests: Path) -> float:
    """Parse the same files with libyaml and write every document as a JSON row into SQLite."""
    import yaml

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(str(Path(tmp) / "peer.db"), isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE o (kind TEXT, key TEXT, body TEXT, PRIMARY KEY (kind, key))")
        conn.execute("BEGIN")
        for f in sorted(manifests.glob("*.yaml")):
            for doc in yaml.load_all(f.read_text(), Loader=yaml.CSafeLoader):
                conn.execute("INSERT INTO o VALUES (?, ?, ?)", (doc["kind"], doc["metadata"]["name"],
                                                                 json.dumps(doc)))
        conn.execute("COMMIT")
        conn.close()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=120)
    ap.add_argument("--deployments", type=int, default=500)
    ap.add_argument("--replicas", type=int, default=10)
    ap.add_argument("--services", type=int, default=1000)
    ap.add_argument("--lbs", type=int, default=300)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = str(Path(tmp) / "ws")
        t0 = time.perf_counter()
        make_cluster(home, a.nodes)
        t_cluster = time.perf_counter() - t0
        mdir = Path(tmp) / "manifests"
        mdir.mkdir()
        objects = write_manifests(mdir, a.deployments, a.replicas, a.services, a.lbs)
        secs, rss, out = run_apply(home, mdir)
        created = sum(1 for ln in out.splitlines() if ln.endswith(" created"))
        t0 = time.perf_counter()
        pods = _aksnet(home, "kubectl", "get", "pods", "-A", "--no-headers", "-o", "name").count("pod/")
        t_get = time.perf_counter() - t0
        again, _, out2 = run_apply(home, mdir)
        unchanged = sum(1 for ln in out2.splitlines() if ln.endswith(" unchanged"))
        p = peer(mdir)
    print(f"cluster: {a.nodes} nodes (Azure CNI Overlay) made in {t_cluster:.1f} s")
    print(f"apply:   {objects} objects ({created} created), {pods} pods running in the cluster afterwards")
    print(f"         {secs:.2f} s wall, peak RSS {rss / 2**20:.0f} MiB")
    print(f"again:   {again:.2f} s for the same apply ({unchanged} unchanged); 'get pods -A -o name' {t_get:.2f} s")
    print(f"peer:    libyaml + json + sqlite insert of the same documents: {p:.2f} s")
    print(f"ratio:   apply / peer = {secs / p:.1f}x")
    ok = secs < LIMIT_S and rss < LIMIT_BYTES and created == objects
    if not ok:
        print(f"FAIL: limits are {LIMIT_S:.0f} s and {LIMIT_BYTES >> 20} MiB, and every object must be created")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
