"""``az aks create`` at scale: a 1,000-node Azure CNI cluster (node subnet /16, maxPods 30, so 31,000 addresses
reserved up front: 1,000 NICs with 31 IP configurations each, 1,000 VMSS instances, 1,000 Nodes, LB backend
membership). Prints the wall time of the create (in a child process, as a user runs it) and a peer measured in
the same run: the same create at 100 nodes, so the ratio shows whether the cost grows linearly (10× nodes ≈ 10×
time). The AKS resource provider is timed on its own (the controller manager's modules switched off in the
child) and, with ``--full``, the whole command including the Kubernetes controllers (system DaemonSet pods on
every node, scheduling, pod IPs). Fails (exit 1) when the resource provider's create takes more than 5 s.

Run: ``python benchmarks/bench_aks_create.py [--nodes 1000] [--peer-nodes 100] [--full]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

LIMIT_S = 5.0


# The child that runs the create with the controller manager's module list emptied: the resource provider alone.
_RP_ONLY = ("import sys; import aksnet.twin.kube.controller as c; c.CONTROLLER_MODULES = (); "
            "from aksnet.cli.main import main; sys.exit(main(sys.argv[1:]))")


def _aksnet(home: str, *args: str, rp_only: bool = False) -> float:
    env = dict(os.environ, AKSNET_HOME=home)
    cmd = [sys.executable, "-c", _RP_ONLY, *args] if rp_only else [sys.executable, "-m", "aksnet", *args]
    start = time.perf_counter()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        raise SystemExit(f"aksnet {' '.join(args)} failed: {r.stderr[-600:]}")
    return elapsed


def timed_create(nodes: int, rp_only: bool) -> float:
    """Seconds for ``az aks create`` of an Azure CNI cluster of ``nodes`` nodes in a fresh workspace."""
    from aksnet.model.account import SUBSCRIPTION_ID

    with tempfile.TemporaryDirectory(prefix="aksnet-bench-") as home:
        _aksnet(home, "az", "group", "create", "-n", "bench-rg", "-l", "eastus")
        _aksnet(home, "az", "network", "vnet", "create", "-g", "bench-rg", "-n", "vnet", "--address-prefixes",
                "10.0.0.0/8", "--subnet-name", "nodes", "--subnet-prefixes", "10.240.0.0/16")
        subnet = (f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/bench-rg/providers/Microsoft.Network/"
                  "virtualNetworks/vnet/subnets/nodes")
        return _aksnet(home, "az", "aks", "create", "-g", "bench-rg", "-n", "big", "--vnet-subnet-id", subnet,
                       "--network-plugin", "azure", "--max-pods", "30", "--node-count", str(nodes),
                       "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "-o", "none",
                       rp_only=rp_only)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--peer-nodes", type=int, default=100)
    ap.add_argument("--full", action="store_true", help="also time the whole command with the controllers")
    args = ap.parse_args()
    peer = timed_create(args.peer_nodes, rp_only=True)
    big = timed_create(args.nodes, rp_only=True)
    addresses = args.nodes * 31
    print(f"az aks create (AKS resource provider), Azure CNI, {args.nodes} nodes x 31 = {addresses:,} addresses: "
          f"{big:.2f} s (limit {LIMIT_S:.0f} s)")
    print(f"peer: the same create at {args.peer_nodes} nodes: {peer:.2f} s")
    print(f"ratio: {big / peer:.1f}x the time for {args.nodes / args.peer_nodes:.0f}x the nodes")
    if args.full:
        full_peer = timed_create(args.peer_nodes, rp_only=False)
        full = timed_create(args.nodes, rp_only=False)
        print(f"whole command with the Kubernetes controllers: {args.peer_nodes} nodes {full_peer:.2f} s, "
              f"{args.nodes} nodes {full:.2f} s ({full / full_peer:.1f}x)")
    return 0 if big <= LIMIT_S else 1


if __name__ == "__main__":
    sys.exit(main())
