"""``aksnet explain POD|WORKLOAD``: which policies select it and what each rule allows (text or JSON)."""

from __future__ import annotations

import json
import sys

from aksnet.analyses.explain import explain, explanation_text
from aksnet.cli.matrix import ArgParser, add_source_options, load_cluster, print_warnings


def run(argv: list[str]) -> int:
    p = ArgParser(prog="aksnet explain", description="Which NetworkPolicies select a pod or workload, what each "
                  "rule lets in and out, and who can reach it.")
    p.add_argument("target", metavar="POD|WORKLOAD", help="[pod/|deploy/…][NS/]NAME")
    p.add_argument("-n", "--namespace", help="namespace of the target (default: default)")
    p.add_argument("-o", "--output", choices=("text", "json"), default="text")
    add_source_options(p)
    args = p.parse_args(argv)
    cluster = load_cluster(args)
    e = explain(cluster, args.target, args.namespace, args.engine or None)
    print_warnings(e.connectivity.warnings)
    if args.output == "json":
        sys.stdout.write(json.dumps(e.to_json(), indent=2) + "\n")
    else:
        sys.stdout.write(explanation_text(e))
    return 0
