"""Benchmark ``aksnet matrix`` against network-config-analyzer (NCA, PyPI ``network-config-analyzer``).

Generates synthetic NetworkPolicy-only clusters (Deployments with two named container ports, policies
with namespace+pod selector peers, numeric and named ports, egress to every namespace on the named port
plus DNS), writes them as manifests, and in one run:

1. runs NCA ``--connectivity DIR -r DIR -o txt_no_fw_rules`` as a child process and aksnet (in process,
   YAML parsing included) on the same directory, checks that both report identical connectivity on every
   workload pair, and prints wall times and the ratio;
2. times aksnet's full matrix (rendered txt) for 10,000 pods / 1,000 policies / 100 namespaces and
   reports peak RSS.

Usage: python benchmarks/bench_matrix.py [--peer-workloads 1000] [--peer-policies 200]
       [--peer-namespaces 40] [--big-pods 10000] [--skip-peer]
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from aksnet.analyses.matrix import compute_matrix
from aksnet.engine.netpol.conns import ALL, ConnSet, conns, union_all
from aksnet.io.manifest_dir import cluster_state_from_documents, load_manifest_dir
from aksnet.render.connlist_txt import render_connlist


def generate(workloads: int, namespaces: int, policies: int, replicas: int = 1, nodes: int = 50,
             with_pods: bool = True) -> list[dict[str, Any]]:
    """A deterministic synthetic cluster as Kubernetes documents (pods included when replicas > 1 and
    ``with_pods``; without, a workspace's controllers make them)."""
    docs: list[dict[str, Any]] = []
    for i in range(namespaces):
        docs.append({"apiVersion": "v1", "kind": "Namespace",
                     "metadata": {"name": f"ns{i}", "labels": {"team": f"t{i % 4}", "env": ("prod", "dev")[i % 2]}}})
    for j in range(workloads):
        ns = f"ns{j % namespaces}"
        labels = {"app": f"w{j}", "tier": f"tier{j % 3}"}
        ports = [{"containerPort": 8080 + j % 5, "name": "http", "protocol": "TCP"},
                 {"containerPort": 9090, "name": "metrics", "protocol": "TCP"}]
        docs.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": f"w{j}", "namespace": ns},
                     "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": f"w{j}"}},
                              "template": {"metadata": {"labels": labels},
                                           "spec": {"containers": [{"name": "c", "image": "nginx:1.27",
                                                                    "ports": ports}]}}}})
        for r in range(replicas if replicas > 1 and with_pods else 0):
            k = j * replicas + r
            docs.append({"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": f"w{j}-abc-{r}", "namespace": ns, "labels": labels,
                                      "ownerReferences": [{"kind": "Deployment", "name": f"w{j}", "controller": True}]},
                         "spec": {"nodeName": f"node{k % nodes}", "containers": [{"name": "c", "ports": ports}]},
                         "status": {"phase": "Running", "podIP": f"10.{k // 65536 + 1}.{k // 256 % 256}.{k % 256}"}})
    for k in range(policies):
        ns = f"ns{k % namespaces}"
        target = ({"matchLabels": {"app": f"w{(k * 7) % workloads}"}} if k % 4
                  else {"matchLabels": {"tier": f"tier{k % 3}"}})
        peer_ns = {"matchLabels": {"team": f"t{k % 4}"}}
        peer_pod = {"matchLabels": {"tier": f"tier{(k + 1) % 3}"}}
        port: dict[str, Any] = {"port": "http"} if k % 2 else {"port": 8080 + k % 5, "protocol": "TCP"}
        spec: dict[str, Any] = {
            "podSelector": target,
            "policyTypes": ["Ingress", "Egress"] if k % 3 == 0 else ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": peer_ns, "podSelector": peer_pod}], "ports": [port]},
                        {"from": [{"podSelector": {"matchLabels": {"app": f"w{(k * 13) % workloads}"}}}],
                         "ports": [{"port": "metrics"}]}],
        }
        if k % 3 == 0:
            spec["egress"] = [{"to": [{"namespaceSelector": {}}], "ports": [{"port": "http"}]},
                              {"ports": [{"port": 53, "protocol": "UDP"}]}]
        docs.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                     "metadata": {"name": f"p{k}", "namespace": ns}, "spec": spec})
    return docs


def write_dir(docs: list[dict[str, Any]], path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    groups = {"ns.yaml": ("Namespace",), "workloads.yaml": ("Deployment", "Pod"), "policies.yaml": ("NetworkPolicy",)}
    for name, kinds in groups.items():
        sel = [d for d in docs if d["kind"] in kinds]
        (path / name).write_text(yaml.dump_all(sel, Dumper=_DUMPER, sort_keys=False))


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: 150,000 pods in seconds, not minutes

_NCA_LINE = re.compile(r"^(\S+) => (\S+) : (.+)$")


def _nca_conns(text: str) -> ConnSet:
    """NCA's connection text: ``All connections`` or ``{protocols:TCP,UDP,dst_ports:53,8080-8081}``."""
    text = text.strip()
    if text.lower() == "all connections":
        return ALL
    body = text.strip("{}")
    protos_part, _, ports_part = body.partition("dst_ports:")
    protos = re.findall(r"TCP|UDP|SCTP", protos_part)
    ranges = []
    for part in (x for x in ports_part.split(",") if x.strip()):
        lo, _, hi = part.strip().partition("-")
        ranges.append((int(lo), int(hi or lo)))
    out = []
    for proto in protos:
        if not ranges:
            out.append(conns(proto))
        out.extend(conns(proto, lo, hi) for lo, hi in ranges)
    return union_all(out)


def parse_nca(text: str) -> dict[tuple[str, str], ConnSet]:
    """Workload pairs of NCA's txt_no_fw_rules output (several lines of one pair are united)."""
    pairs: dict[tuple[str, str], ConnSet] = {}
    for line in text.splitlines():
        m = _NCA_LINE.match(line.strip())
        if m and "/" in m.group(1) and "/" in m.group(2) and m.group(1) != m.group(2):
            key = (m.group(1).rsplit("[", 1)[0], m.group(2).rsplit("[", 1)[0])
            pairs[key] = pairs.get(key, union_all(())) | _nca_conns(m.group(3))
    return pairs


def aksnet_pairs(path: Path) -> tuple[dict[tuple[str, str], ConnSet], float, int]:
    t0 = time.perf_counter()
    result = compute_matrix(load_manifest_dir(path), all_ports=True)
    text = render_connlist(result)
    dt = time.perf_counter() - t0
    pairs = {}
    for s, d, c in result.connections:
        if s.kind == "workload" and d.kind == "workload":
            pairs[(s.name.rsplit("[", 1)[0], d.name.rsplit("[", 1)[0])] = c
    return pairs, dt, len(text.splitlines())


def run_aksnet_cli(path: Path) -> float:
    """``aksnet matrix --from-dir DIR --all-ports`` as a child process (start-up included, like the peer)."""
    out = path / "aksnet_out.txt"
    cmd = [sys.executable, "-m", "aksnet", "matrix", "--from-dir", str(path), "--all-ports"]
    t0 = time.perf_counter()
    with out.open("w") as fh:
        subprocess.run(cmd, stdout=fh, check=True)
    return time.perf_counter() - t0


def run_peer(path: Path) -> tuple[dict[tuple[str, str], ConnSet], float] | None:
    out = path / "nca_out.txt"
    cmd = [sys.executable, "-m", "nca", "--connectivity", str(path), "-r", str(path), "-o", "txt_no_fw_rules",
           "-f", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    dt = time.perf_counter() - t0
    if not out.exists():
        print(f"NCA failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
        return None
    return parse_nca(out.read_text()), dt


def compare(ours: dict[tuple[str, str], ConnSet], theirs: dict[tuple[str, str], ConnSet]) -> list[str]:
    diffs = []
    for key in sorted(set(ours) | set(theirs)):
        a, b = ours.get(key), theirs.get(key)
        if a != b:
            diffs.append(f"{key[0]} => {key[1]}: aksnet {a} / nca {b}")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer-workloads", type=int, default=1000)
    ap.add_argument("--peer-policies", type=int, default=200)
    ap.add_argument("--peer-namespaces", type=int, default=40)
    ap.add_argument("--big-pods", type=int, default=10000)
    ap.add_argument("--skip-peer", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="aksnet-bench-"))
    try:
        if not args.skip_peer:
            w, p, n = args.peer_workloads, args.peer_policies, args.peer_namespaces
            d = tmp / "peer"
            write_dir(generate(w, n, p), d)
            ours, t_inproc, lines = aksnet_pairs(d)
            t_ours = min(run_aksnet_cli(d) for _ in range(3))
            print(f"[peer size] {w} workloads / {n} namespaces / {p} policies: aksnet CLI {t_ours:.2f} s "
                  f"(best of 3, child process); in-process {t_inproc:.2f} s; {lines} connlist lines")
            peer = run_peer(d)
            if peer is not None:
                theirs, t_peer = peer
                diffs = compare(ours, theirs)
                print(f"  NCA {t_peer:.2f} s (one run); ratio NCA/aksnet CLI = {t_peer / t_ours:.1f}x (target >= 50x); "
                      f"workload pairs compared: "
                      f"{len(set(ours) | set(theirs))}; differences: {len(diffs)}")
                for line in diffs[:20]:
                    print("   ", line)
        pods = args.big_pods
        wl = pods // 10
        docs = generate(wl, 100, 1000, replicas=10)
        t0 = time.perf_counter()
        cluster = cluster_state_from_documents(docs)
        t1 = time.perf_counter()
        result = compute_matrix(cluster, all_ports=True)
        t2 = time.perf_counter()
        text = render_connlist(result)
        t3 = time.perf_counter()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"[big] {len(cluster.pods)} pods / {wl} workloads / 100 namespaces / 1000 policies: "
              f"convert {t1 - t0:.2f} s, matrix {t2 - t1:.2f} s, render {t3 - t2:.2f} s, total {t3 - t1:.2f} s "
              f"(target < 10 s); {len(text.splitlines())} lines; peak RSS {rss:.0f} MiB (target < 2048)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
