"""``aksnet``: dispatch to a verb's module, imported on demand (a plain import per module in :func:`_module`,
visible to the import contracts) so that ``aksnet --help`` stays fast.

Each verb module exposes ``run(argv: list[str]) -> int``. Errors from the library (``AksnetError``) are
printed here unless the verb prints them in its own tool's style.
"""

from __future__ import annotations

import sys
from types import ModuleType

from aksnet import __version__

# verb → (module, one-line help). The order is the order of ``aksnet --help``.
VERBS: dict[str, tuple[str, str]] = {
    "az": ("aksnet.cli.az", "Azure CLI subset: account, group, network, vm, aks (ARM-shaped output)"),
    "kubectl": ("aksnet.cli.kubectl", "kubectl subset on the current context of the emulated cluster"),
    "helm": ("aksnet.cli.helm", "helm subset with the built-in ingress-nginx chart"),
    "trace": ("aksnet.cli.trace", "walk one flow hop by hop and name the rule that decides it"),
    "curl": ("aksnet.cli.curl", "an HTTP(S) request through the twin; prints what the backend echoes"),
    "matrix": ("aksnet.cli.matrix", "who can open connections to whom"),
    "explain": ("aksnet.cli.explain", "which policies select a pod, what they allow, what is exposed"),
    "diff": ("aksnet.cli.diff", "connectivity added, removed and changed between two workspaces or dirs"),
    "plan": ("aksnet.cli.plan", "IP address plan of a cluster or of a hypothetical one"),
    "lint": ("aksnet.cli.lint", "findings about a cluster's networking"),
    "dns": ("aksnet.cli.dns", "cluster DNS answers as a pod sees them (like nslookup)"),
    "dig": ("aksnet.cli.dig", "public DNS as your own machine on the internet asks it (like dig)"),
    "export": ("aksnet.cli.export", "write the workspace to plain files (ARM JSON, YAML)"),
    "import": ("aksnet.cli.import_", "read plain files into the workspace"),
    "up": ("aksnet.cli.dataplane", "build the cluster for real in network namespaces (root)"),
    "down": ("aksnet.cli.dataplane", "remove everything 'up' created"),
    "status": ("aksnet.cli.dataplane", "show the real data plane"),
    "exec": ("aksnet.cli.dataplane", "run a command inside a pod, VM or internet host namespace"),
    "probe": ("aksnet.cli.dataplane", "send real packets for one flow (trace's arguments and exit codes)"),
    "verify": ("aksnet.cli.dataplane", "probe every flow of the matrix and list disagreements with trace"),
    "ui": ("aksnet.cli.ui", "the topology drawn as a page: served on 127.0.0.1, or a static site (--export)"),
    "demo": ("aksnet.cli.demo", "build the seeds' walkthrough in a throwaway workspace and show it"),
}


def _module(verb: str) -> ModuleType:
    """The module of ``verb`` (``VERBS``), imported now."""
    match VERBS[verb][0].removeprefix("aksnet.cli."):
        case "az":
            from aksnet.cli import az
            return az
        case "curl":
            from aksnet.cli import curl
            return curl
        case "dataplane":
            from aksnet.cli import dataplane
            return dataplane
        case "demo":
            from aksnet.cli import demo
            return demo
        case "diff":
            from aksnet.cli import diff
            return diff
        case "dns":
            from aksnet.cli import dns
            return dns
        case "dig":
            from aksnet.cli import dig
            return dig
        case "explain":
            from aksnet.cli import explain
            return explain
        case "export":
            from aksnet.cli import export
            return export
        case "helm":
            from aksnet.cli import helm
            return helm
        case "import_":
            from aksnet.cli import import_
            return import_
        case "kubectl":
            from aksnet.cli import kubectl
            return kubectl
        case "lint":
            from aksnet.cli import lint
            return lint
        case "matrix":
            from aksnet.cli import matrix
            return matrix
        case "plan":
            from aksnet.cli import plan
            return plan
        case "trace":
            from aksnet.cli import trace
            return trace
        case "ui":
            from aksnet.cli import ui
            return ui
    raise KeyError(verb)


def _usage() -> str:
    width = max(len(v) for v in VERBS)
    lines = [
        "usage: aksnet <command> [args...]",
        "",
        "Azure Kubernetes Service networking, emulated and analysed on one Linux machine.",
        "State lives in $AKSNET_HOME (default ./.aksnet).",
        "",
        "commands:",
    ]
    lines += [f"  {v.ljust(width)}  {h}" for v, (_, h) in VERBS.items()]
    lines += ["", "Run 'aksnet <command> --help' for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0 if args else 2
    if args[0] in ("--version", "version"):
        print(f"aksnet {__version__}")
        return 0
    verb = args[0]
    if verb not in VERBS:
        print(f"aksnet: '{verb}' is not an aksnet command. See 'aksnet --help'.", file=sys.stderr)
        return 2
    module = _module(verb)
    from aksnet.errors import AksnetError

    try:
        if getattr(module, "MULTI_VERB", False):
            return int(module.run(verb, args[1:]))
        return int(module.run(args[1:]))
    except AksnetError as exc:
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 0
