"""``aksnet explain POD|WORKLOAD [--to PEER --port N]``: which policies select a pod or workload and what each
rule allows (text or JSON); with ``--to``, the NetworkPolicy verdict for one flow and the rules deciding it
(exit 0 allowed, 1 denied, like ``aksnet trace``)."""

from __future__ import annotations

import ipaddress
import json
import sys

from aksnet.analyses.explain import explain, explanation_text, find_target
from aksnet.cli.matrix import ArgParser, add_source_options, load_cluster, print_warnings
from aksnet.engine.netpol import PolicyPeer, policy_verdict
from aksnet.model.twin import ClusterState


def _peer(cluster: ClusterState, ref: str, namespace: str | None) -> tuple[str, PolicyPeer]:
    try:
        return ref, str(ipaddress.ip_address(ref))
    except ValueError:
        name, pods = find_target(cluster, ref, namespace)
        return name, pods[0]


def run(argv: list[str]) -> int:
    p = ArgParser(prog="aksnet explain", description="Which NetworkPolicies select a pod or workload, what each "
                  "rule lets in and out, and who can reach it; with --to, the verdict for one flow.")
    p.add_argument("target", metavar="POD|WORKLOAD", help="[pod/|deploy/…][NS/]NAME (with --to: the source; "
                                                          "an IP address is accepted too)")
    p.add_argument("-n", "--namespace", help="namespace of the target (default: default)")
    p.add_argument("--to", metavar="PEER", help="destination: [pod/|deploy/…][NS/]NAME or an IP address")
    p.add_argument("--port", type=int, default=80, help="destination (container) port, default 80")
    p.add_argument("--protocol", choices=("TCP", "UDP", "SCTP"), default="TCP", type=str.upper)
    p.add_argument("-o", "--output", choices=("text", "json"), default="text")
    add_source_options(p)
    args = p.parse_args(argv)
    cluster = load_cluster(args)
    if args.to:
        src_name, src = _peer(cluster, args.target, args.namespace)
        dst_name, dst = _peer(cluster, args.to, args.namespace)
        v = policy_verdict(cluster, src, dst, args.port, args.protocol, args.engine or None)
        if args.output == "json":
            sys.stdout.write(json.dumps(v.to_json(), indent=2) + "\n")
        else:
            word = "allowed" if v.allowed else "denied"
            lines = [f"{src_name} => {dst_name} {v.protocol} {v.port}: {word} (engine {v.engine})"]
            lines += [f"  note: {n}" for n in v.notes]
            if v.enforced:
                for side in (v.egress, v.ingress):
                    lines.append(f"  {side.direction}: {'allowed' if side.allowed else 'denied'} — {side.reason}")
            sys.stdout.write("\n".join(lines) + "\n")
        return 0 if v.allowed else 1
    e = explain(cluster, args.target, args.namespace, args.engine or None)
    print_warnings(e.connectivity.warnings)
    if args.output == "json":
        sys.stdout.write(json.dumps(e.to_json(), indent=2) + "\n")
    else:
        sys.stdout.write(explanation_text(e))
    return 0
