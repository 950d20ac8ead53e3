"""``aksnet kubectl``: a kubectl subset on the current context of the emulated cluster.

``run(argv)`` dispatches to one module per verb group (apply/create/expose, get, describe, delete,
label/annotate/scale/rollout, config). Every command is one workspace transaction; commands that change
objects run the controllers (``reconcile_cluster``) before it ends. Errors print as kubectl prints them,
exit code 1.
"""

from __future__ import annotations

import sys
from types import ModuleType

from aksnet.errors import AksnetError

VERBS: dict[str, tuple[str, str]] = {
    "apply": ("aksnet.cli.kubectl.cmd_apply", "run_apply"),
    "create": ("aksnet.cli.kubectl.cmd_create", "run_create"),
    "expose": ("aksnet.cli.kubectl.cmd_create", "run_expose"),
    "get": ("aksnet.cli.kubectl.cmd_get", "run_get"),
    "exec": ("aksnet.cli.kubectl.cmd_exec", "cmd_exec"),
    "describe": ("aksnet.cli.kubectl.cmd_describe", "run_describe"),
    "delete": ("aksnet.cli.kubectl.cmd_apply", "run_delete"),
    "label": ("aksnet.cli.kubectl.cmd_edit", "run_label"),
    "annotate": ("aksnet.cli.kubectl.cmd_edit", "run_annotate"),
    "scale": ("aksnet.cli.kubectl.cmd_edit", "run_scale"),
    "rollout": ("aksnet.cli.kubectl.cmd_edit", "run_rollout"),
    "run": ("aksnet.cli.kubectl.cmd_more", "run_run"),
    "patch": ("aksnet.cli.kubectl.cmd_more", "run_patch"),
    "replace": ("aksnet.cli.kubectl.cmd_more", "run_replace"),
    "set": ("aksnet.cli.kubectl.cmd_more", "run_set"),
    "cordon": ("aksnet.cli.kubectl.cmd_node", "run_cordon"),
    "uncordon": ("aksnet.cli.kubectl.cmd_node", "run_uncordon"),
    "drain": ("aksnet.cli.kubectl.cmd_node", "run_drain"),
    "taint": ("aksnet.cli.kubectl.cmd_taint", "run_taint"),
    "wait": ("aksnet.cli.kubectl.cmd_node", "run_wait"),
    "config": ("aksnet.cli.kubectl.config", "run_config"),
    "cluster-info": ("aksnet.cli.kubectl.config", "run_cluster_info"),
    "version": ("aksnet.cli.kubectl.config", "run_version"),
    "api-resources": ("aksnet.cli.kubectl.cmd_get", "run_api_resources"),
    "events": ("aksnet.cli.kubectl.cmd_observe", "run_events"),
    "top": ("aksnet.cli.kubectl.cmd_observe", "run_top"),
    "logs": ("aksnet.cli.kubectl.cmd_observe", "run_logs"),
}

USAGE = """kubectl controls the Kubernetes cluster manager (aksnet emulation of the current context).

Basic Commands:
  run             Run a particular image on the cluster
  set             Set specific features on objects (image)
  create          Create a resource from a file or from stdin
  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  get             Display one or many resources
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller

Cluster Management Commands:
  cluster-info    Display cluster information
  top             Display resource (CPU/memory) usage (the twin serves no Metrics API)
  cordon          Mark node as unschedulable
  uncordon        Mark node as schedulable
  drain           Drain node in preparation for maintenance
  taint           Update the taints on one or more nodes

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod (none in the twin: no container runs)
  wait            Wait for a specific condition on one or many resources (checked once)
  exec            Execute a command in a container (twin: curl, wget, nc, agnhost connect; all: aksnet up)

Advanced Commands:
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource
  replace         Replace a resource by file name or stdin

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource

Other Commands:
  api-resources   Print the supported API resources on the server
  events          List events
  config          Modify kubeconfig files
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]
"""


_GLOBAL_VALUE_FLAGS = ("-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server")


def _verb(argv: list[str]) -> str | None:
    """The first argument that is neither a flag nor the value of a global flag before it."""
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in _GLOBAL_VALUE_FLAGS:
            skip = True
            continue
        if not a.startswith("-"):
            return a
    return None


def _module(name: str) -> ModuleType:
    """The verb module ``name`` (``VERBS``), imported now by a plain import (lazily: ``kubectl get`` does not
    load ``apply``'s manifest machinery)."""
    match name.removeprefix("aksnet.cli.kubectl."):
        case "cmd_apply":
            from aksnet.cli.kubectl import cmd_apply

            return cmd_apply
        case "cmd_create":
            from aksnet.cli.kubectl import cmd_create

            return cmd_create
        case "cmd_exec":
            from aksnet.cli.kubectl import cmd_exec

            return cmd_exec
        case "cmd_describe":
            from aksnet.cli.kubectl import cmd_describe

            return cmd_describe
        case "cmd_edit":
            from aksnet.cli.kubectl import cmd_edit

            return cmd_edit
        case "cmd_get":
            from aksnet.cli.kubectl import cmd_get

            return cmd_get
        case "cmd_more":
            from aksnet.cli.kubectl import cmd_more

            return cmd_more
        case "cmd_node":
            from aksnet.cli.kubectl import cmd_node

            return cmd_node
        case "cmd_observe":
            from aksnet.cli.kubectl import cmd_observe

            return cmd_observe
        case "cmd_taint":
            from aksnet.cli.kubectl import cmd_taint

            return cmd_taint
        case "config":
            from aksnet.cli.kubectl import config

            return config
    raise KeyError(name)


def run(argv: list[str]) -> int:
    """Run one kubectl command; returns the exit code."""
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0
    verb = _verb(argv)
    if verb is None or verb not in VERBS:
        print(f'error: unknown command "{verb or argv[0]}" for "kubectl"', file=sys.stderr)
        return 1
    idx = argv.index(verb)
    args = argv[:idx] + argv[idx + 1:]
    if "-h" in args or "--help" in args:
        print(f"Usage: kubectl {verb} [options] (aksnet emulation; see 'kubectl --help')")
        return 0
    module_name, func = VERBS[verb]
    module = _module(module_name)
    try:
        return int(getattr(module, func)(args))
    except AksnetError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
