"""What users run, timed as whole processes on workspaces built through the CLI, against peers measured in the
same run. Every figure is printed with the machine's 1-minute load (the machine may be shared).

Sections (``--only`` picks some; all by default):

``reads``   a 100-pod and a 10,000-pod workspace (``az aks create`` + ``kubectl apply``): ``trace`` (the first
            run decodes the workspace and writes the twin snapshot; then the median of warm runs),
            ``kubectl get pod NAME`` and ``kubectl describe pod NAME``; the trace's own time inside its process
            (imports excluded). Targets: 10,000-pod / 100-pod ≤ 3× for trace and get; trace < 100 ms in-process.
``writes``  ``kubectl apply -f`` of one NetworkPolicy, ``kubectl scale`` and ``az aks nodepool add`` on both
            workspaces (each on a workspace the controllers converged on, as users' writes follow one another).
            Target: 10,000-pod / 100-pod ≤ 3× CPU for each.
``matrix``  the 10,000-pod workspace's ``aksnet matrix`` against ``aksnet matrix --from-dir`` of the same objects
            exported with ``kubectl get -o yaml`` (outputs compared byte for byte) and against the floor: a
            process that only parses those files with libyaml. Target: workspace ≤ 3× files.
``full``    ``aksnet matrix --from-dir --all-ports`` of 50,000 pods / 5,000 policies against the parse floor
            (target ≤ 4×), and of 150,000 pods (1,500 workloads × 100) / 5,000 nodes / 15,000 policies (targets
            < 60 s, < 4 GiB peak RSS); ``full150k`` the latter alone.
``nca``     network-config-analyzer (``pip install -e '.[bench]'``) at 1,000 workloads / 200 policies: ratio
            (target ≥ 300×) and identical workload pairs.

Run through ``scripts/bench.sh`` (installs the bench extra first): ``scripts/bench.sh bench_cli_scale.py
[--only reads,matrix] [--keep DIR]``. Exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cli_workspace as ws

SECTIONS = ("reads", "writes", "matrix", "full", "full150k", "nca")
SMALL = dict(nodes=2, namespaces=10, deployments=10, replicas=10, policies=20)
BIG = dict(nodes=50, namespaces=100, deployments=1000, replicas=10, policies=1000)

_INPROC = """
import contextlib, io, sys, time
from aksnet.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    main(sys.argv[1:])  # the first call imports what the command needs; the second is timed
t0, c0 = time.perf_counter(), time.process_time()
code = main(sys.argv[1:])
print(f"INPROC {code} {time.perf_counter() - t0:.4f} {time.process_time() - c0:.4f}", file=sys.stderr)
"""

failures: list[str] = []


def check(ok: bool, what: str) -> str:
    if not ok:
        failures.append(what)
    return "OK" if ok else "MISSED"


def first_pod(home: Path, namespace: str) -> str:
    return ws.aksnet(home, "kubectl", "get", "pods", "-n", namespace, "-o", "name").split()[0]


def inproc_trace(home: Path, args: list[str], runs: int = 5) -> ws.Timing:
    """The trace's own cost in a process whose modules are imported (a second ``main()`` call: the workspace
    opened and the snapshot read again, indexes rebuilt, the walk, the output)."""
    env = dict(os.environ, AKSNET_HOME=str(home))
    walls, cpus = [], []
    for _ in range(runs):
        r = subprocess.run([sys.executable, "-c", _INPROC, *args], env=env, capture_output=True, text=True,
                           check=False)
        line = next((ln for ln in r.stderr.splitlines() if ln.startswith("INPROC ")), None)
        if line is None:
            raise SystemExit(f"in-process trace failed: {r.stderr[-600:]}")
        walls.append(float(line.split()[2]))
        cpus.append(float(line.split()[3]))
    return ws.Timing(sorted(walls)[runs // 2], sorted(cpus)[runs // 2], 0.0)


def fmt(t: ws.Timing) -> str:
    return f"{t.wall:.2f} s wall / {t.cpu:.2f} s CPU"


def reads_and_writes(root: Path, sections: set[str]) -> None:
    homes = {}
    for label, size in (("100", SMALL), ("10k", BIG)):
        home = root / f"ws-{label}"
        if not (home / "workspace.db").exists():
            secs = ws.build(home, **size)
            print(f"[build] {label}-pod workspace through the CLI: {secs:.1f} s ({ws.load()})")
        homes[label] = home
    figures: dict[str, dict[str, ws.Timing]] = {}
    for label, home in homes.items():
        pod = first_pod(home, "ns4")
        trace = ["trace", pod, "svc/kube-system/kube-dns:53", "--protocol", "UDP", "-n", "ns4"]
        f = figures.setdefault(label, {})
        snap = home / "twin.snapshot"
        if snap.exists():
            snap.unlink()
        if "reads" in sections:
            f["trace-cold"] = ws.timed(home, *trace, runs=1)
            f["trace"] = ws.timed(home, *trace, runs=5)
            f["trace-inproc"] = inproc_trace(home, trace)
            f["get"] = ws.timed(home, "kubectl", "get", pod, "-n", "ns4", runs=5)
            f["describe"] = ws.timed(home, "kubectl", "describe", pod, "-n", "ns4", runs=5)
            ip = f["trace-inproc"]
            print(f"[reads] {label}-pod workspace ({ws.load()}): trace cold {fmt(f['trace-cold'])}, warm "
                  f"{fmt(f['trace'])} (peak RSS {f['trace'].rss:.0f} MiB), in-process {ip.wall * 1000:.0f} ms wall / "
                  f"{ip.cpu * 1000:.0f} ms CPU; kubectl get pod NAME {fmt(f['get'])}; describe pod NAME "
                  f"{fmt(f['describe'])}")
        if "writes" in sections:
            replicas = int(ws.aksnet(home, "kubectl", "get", "deployment", "w1", "-n", "ns1", "-o",
                                     "jsonpath={.spec.replicas}") or "10")
            f["scale"] = ws.timed(home, "kubectl", "scale", "deployment", "w1", "-n", "ns1",
                                  f"--replicas={replicas + 1}", runs=1)
            pool = f"p{int(time.time()) % 100000}"
            f["nodepool"] = ws.timed(home, "az", "aks", "nodepool", "add", "-g", "bench-rg", "--cluster-name",
                                     "bench", "-n", pool[:12], "--node-count", "1", runs=1)
            one = root / f"one-{label}.yaml"
            stamp = int(time.time() * 1000) % 10**9
            one.write_text(f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: one-{stamp}\n"
                           "  namespace: ns1\nspec:\n  podSelector: {matchLabels: {app: w1}}\n"
                           "  policyTypes: [Ingress]\n")
            f["apply"] = ws.timed(home, "kubectl", "apply", "-f", str(one), runs=1)
            print(f"[writes] {label}-pod workspace ({ws.load()}): kubectl apply -f (one NetworkPolicy) "
                  f"{fmt(f['apply'])}; kubectl scale {fmt(f['scale'])}; az aks nodepool add {fmt(f['nodepool'])}")
    small, big = figures["100"], figures["10k"]
    if "reads" in sections:
        for key, name in (("trace", "trace"), ("get", "kubectl get pod NAME"), ("describe", "describe pod NAME")):
            wall, cpu = big[key].wall / small[key].wall, big[key].cpu / small[key].cpu
            verdict = check(cpu <= 3, f"{name} 10k/100 = {cpu:.1f}x CPU") if key != "describe" else "(no target)"
            print(f"[reads] {name}: 10,000 pods / 100 pods = {wall:.2f}x wall, {cpu:.2f}x CPU (target ≤ 3x) "
                  f"{verdict}")
        ms = big["trace-inproc"].cpu * 1000
        print(f"[reads] one trace in-process at 10,000 pods: {ms:.0f} ms CPU, {big['trace-inproc'].wall * 1000:.0f} ms "
              f"wall (target < 100 ms) {check(ms < 100, f'trace in-process {ms:.0f} ms CPU')}")
    if "writes" in sections:
        for key, name in (("apply", "kubectl apply -f (one NetworkPolicy)"), ("scale", "kubectl scale"),
                          ("nodepool", "az aks nodepool add")):
            cpu = big[key].cpu / small[key].cpu
            print(f"[writes] {name}: 10,000 pods / 100 pods = {big[key].wall / small[key].wall:.2f}x wall, "
                  f"{cpu:.2f}x CPU ({small[key].cpu:.2f} s → {big[key].cpu:.2f} s) (target ≤ 3x) "
                  f"{check(cpu <= 3, f'{name} 10k/100 = {cpu:.1f}x CPU')}")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def run_to_file(home: Path, out: Path, *args: str) -> ws.Timing:
    """``aksnet ARGS > out`` in a fresh process."""
    env = dict(os.environ, AKSNET_HOME=str(home))
    with out.open("w") as fh:
        code, wall, cpu, rss, err = ws.run_measured([sys.executable, "-m", "aksnet", *args], env, stdout=fh)
    if code != 0:
        raise SystemExit(f"aksnet {' '.join(args)} failed ({code}): {err}")
    return ws.Timing(wall, cpu, rss)


def matrix(root: Path) -> None:
    home = root / "ws-10k"
    if not (home / "workspace.db").exists():
        print(f"[build] 10k-pod workspace: {ws.build(home, **BIG):.1f} s ({ws.load()})")
    files = root / "ws-10k-files"
    if not files.exists():
        ws.export_dir(home, files)
    t_ws = run_to_file(home, root / "m-ws.txt", "matrix")
    load_ws = ws.load()
    t_files = run_to_file(home, root / "m-files.txt", "matrix", "--from-dir", str(files), "--engine", "calico")
    load_files = ws.load()
    floor = ws.parse_floor(files, runs=1)
    same = digest(root / "m-ws.txt") == digest(root / "m-files.txt")
    lines = sum(1 for _ in (root / "m-ws.txt").open())
    print(f"[matrix] 10,000-pod workspace: {fmt(t_ws)}, {t_ws.rss:.0f} MiB ({load_ws}); the same objects from "
          f"files: {fmt(t_files)}, {t_files.rss:.0f} MiB ({load_files}); parse floor {fmt(floor)} ({ws.load()}); "
          f"{lines} lines, outputs identical: {same}")
    wall, cpu = t_ws.wall / t_files.wall, t_ws.cpu / t_files.cpu
    print(f"[matrix] workspace / files = {wall:.2f}x wall, {cpu:.2f}x CPU (target ≤ 3x) "
          f"{check(cpu <= 3 and same, 'workspace matrix')}")


def full(root: Path, only: tuple[str, ...] = ("50k", "150k")) -> None:
    import bench_matrix

    sizes = {"50k": (5000, 100, 5000, 10, 500), "150k": (1500, 300, 15000, 100, 5000)}
    for label, (wl, ns, pols, replicas, nodes) in sizes.items():
        if label not in only:
            continue
        d = root / f"full-{label}"
        if not d.exists():
            bench_matrix.write_dir(bench_matrix.generate(wl, ns, pols, replicas=replicas, nodes=nodes), d)
        floor = ws.parse_floor(d, runs=1)
        load_floor = ws.load()
        out = root / f"full-{label}.txt"
        t = run_to_file(root, out, "matrix", "--from-dir", str(d), "--all-ports")
        lines = sum(1 for _ in out.open())
        size = out.stat().st_size / 2**20
        out.unlink()
        print(f"[full] {wl * replicas} pods / {wl} workloads / {nodes} nodes / {pols} policies: aksnet matrix "
              f"{fmt(t)}, peak RSS {t.rss:.0f} MiB, {lines} lines ({size:.0f} MiB) ({ws.load()}); parse floor "
              f"{fmt(floor)} ({load_floor})")
        if label == "50k":
            wall, cpu = t.wall / floor.wall, t.cpu / floor.cpu
            print(f"[full] matrix / parse floor = {wall:.2f}x wall, {cpu:.2f}x CPU (target ≤ 4x) "
                  f"{check(cpu <= 4, 'full 50k')}")
        else:
            print(f"[full] targets < 60 s and < 4096 MiB (CPU seconds judged): "
                  f"{check(t.cpu < 60 and t.rss < 4096, f'full 150k {t.cpu:.0f} s CPU {t.rss:.0f} MiB')}")


def nca(root: Path) -> None:
    import bench_matrix

    d = root / "nca"
    if not d.exists():
        bench_matrix.write_dir(bench_matrix.generate(1000, 40, 200), d)
    ours, _, _ = bench_matrix.aksnet_pairs(d)  # the CLI's own computation, in process, for the pair check
    runs = [run_to_file(root, root / "nca-aksnet.txt", "matrix", "--from-dir", str(d), "--all-ports")
            for _ in range(3)]
    t_ours = min(runs, key=lambda t: t.cpu)
    load_ours = ws.load()
    out = root / "nca_out.txt"  # beside the input, never in it (a kept directory is read again next run)
    cmd = [sys.executable, "-m", "nca", "--connectivity", str(d), "-r", str(d), "-o", "txt_no_fw_rules", "-f", str(out)]
    code, wall, cpu, _, err = ws.run_measured(cmd, dict(os.environ))
    if code != 0 or not out.exists():
        check(False, f"network-config-analyzer did not run (pip install -e '.[bench]'): {err}")
        return
    theirs = bench_matrix.parse_nca(out.read_text())
    diffs = bench_matrix.compare(ours, theirs)
    ratio_wall, ratio_cpu = wall / t_ours.wall, cpu / t_ours.cpu
    print(f"[nca] 1,000 workloads / 200 policies: aksnet CLI {fmt(t_ours)} ({load_ours}), network-config-analyzer "
          f"{wall:.1f} s wall / {cpu:.1f} s CPU ({ws.load()}): {ratio_wall:.0f}x wall, {ratio_cpu:.0f}x CPU "
          f"(target ≥ 300x) {check(ratio_cpu >= 300, f'nca {ratio_cpu:.0f}x CPU')}; workload pairs "
          f"{len(set(ours) | set(theirs))}, differences {len(diffs)} {check(not diffs, 'nca differences')}")
    for line in diffs[:10]:
        print("   ", line)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}")
    ap.add_argument("--keep", type=Path, help="build (and keep) the workspaces and files here, reused next time")
    a = ap.parse_args()
    sections = {s for s in a.only.split(",") if s}
    if sections - set(SECTIONS):
        ap.error(f"unknown sections: {sorted(sections - set(SECTIONS))}")
    root = a.keep or Path(tempfile.mkdtemp(prefix="aksnet-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        if sections & {"reads", "writes"}:
            reads_and_writes(root, sections)
        if "matrix" in sections:
            matrix(root)
        if "full" in sections or "full150k" in sections:
            full(root, ("50k", "150k") if "full" in sections else ("150k",))
        if "nca" in sections:
            nca(root)
    finally:
        if a.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    if failures:
        print("targets missed: " + "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
