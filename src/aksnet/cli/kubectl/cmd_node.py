"""``kubectl cordon|uncordon|drain NODE`` and ``kubectl wait --for=…``.

cordon sets ``spec.unschedulable`` (the scheduler's NodeUnschedulable filter); drain cordons and evicts
every pod not managed by a DaemonSet (kubectl's rules: DaemonSet pods need ``--ignore-daemonsets``, pods
without a controller need ``--force``), after which their controllers recreate them elsewhere. wait checks
the condition once: no time passes in the twin, so what is not true now times out at once.
"""

from __future__ import annotations

import copy
import sys
from typing import Any

from aksnet.cli.kubectl import flags, jsonpath
from aksnet.cli.kubectl.resources import parse_targets
from aksnet.cli.kubectl.session import Session, err, open_session
from aksnet.errors import KubeError
from aksnet.twin.kube import schema
from aksnet.twin.kube.selectors import parse_label_selector

Doc = dict[str, Any]
RT_NODE = schema.BY_KIND["Node"]
RT_POD = schema.BY_KIND["Pod"]

NODE_VALUES = {"selector": ("-l", "--selector"), "grace-period": ("--grace-period",), "timeout": ("--timeout",),
               "pod-selector": ("--pod-selector",)}
NODE_BOOLS = {"ignore-daemonsets": ("--ignore-daemonsets",), "force": ("--force",),
              "delete-emptydir-data": ("--delete-emptydir-data",), "delete-local-data": ("--delete-local-data",),
              "dry-run": ("--dry-run",)}


def _nodes(s: Session, p: flags.Parsed) -> list[Doc]:
    if p.get("selector"):
        return s.api.list(RT_NODE, None, parse_label_selector(p.get("selector") or ""))
    if not p.args:
        raise KubeError("error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples")
    return [s.api.get(RT_NODE, None, n) for n in p.args]


def _set_unschedulable(s: Session, node: Doc, value: bool) -> bool:
    if bool((node.get("spec") or {}).get("unschedulable")) == value:
        return False
    body = copy.deepcopy(node)
    if value:
        body.setdefault("spec", {})["unschedulable"] = True
    else:
        body.get("spec", {}).pop("unschedulable", None)
    s.api.replace(body)
    return True


def run_cordon(argv: list[str]) -> int:
    return _cordon(argv, True, "cordon")


def run_uncordon(argv: list[str]) -> int:
    return _cordon(argv, False, "uncordon")


def _cordon(argv: list[str], value: bool, verb: str) -> int:
    p = flags.parse(argv, NODE_VALUES, NODE_BOOLS, verb)
    with open_session(p, write=True) as s:
        for node in _nodes(s, p):
            changed = _set_unschedulable(s, node, value)
            name = node["metadata"]["name"]
            print(f"node/{name} {verb}ed" if changed else f"node/{name} already {verb}ed")
    return 0


def _controller(pod: Doc) -> Doc | None:
    return next((r for r in pod["metadata"].get("ownerReferences") or [] if r.get("controller")), None)


def run_drain(argv: list[str]) -> int:
    p = flags.parse(argv, NODE_VALUES, NODE_BOOLS, "drain")
    with open_session(p, write=True) as s:
        for node in _nodes(s, p):
            name = node["metadata"]["name"]
            changed = _set_unschedulable(s, node, True)
            print(f"node/{name} cordoned" if changed else f"node/{name} already cordoned")
            pods = [d for d in s.api.objs.docs(RT_POD.store_kind) if d["spec"].get("nodeName") == name
                    and (d.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
            daemon = [d for d in pods if (_controller(d) or {}).get("kind") == "DaemonSet"]
            bare = [d for d in pods if _controller(d) is None]
            problems = []
            if daemon and not p.flag("ignore-daemonsets"):
                problems.append("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): " +
                                ", ".join(f"{d['metadata']['namespace']}/{d['metadata']['name']}" for d in daemon))
            if bare and not p.flag("force"):
                problems.append("cannot delete Pods that declare no controller (use --force to override): " +
                                ", ".join(f"{d['metadata']['namespace']}/{d['metadata']['name']}" for d in bare))
            if problems:
                err(f'error: unable to drain node "{name}" due to error: ' + ", ".join(problems) +
                    ", continuing command...\nThere are pending nodes to be drained:\n " + name)
                for problem in problems:
                    err(f"error: {problem}")
                return 1
            if daemon:
                err("Warning: ignoring DaemonSet-managed Pods: " +
                    ", ".join(f"{d['metadata']['namespace']}/{d['metadata']['name']}" for d in daemon))
            evict = [d for d in pods if d not in daemon]
            for d in evict:
                print(f"evicting pod {d['metadata']['namespace']}/{d['metadata']['name']}")
            for d in evict:
                s.api.delete(RT_POD, d["metadata"]["namespace"], d["metadata"]["name"])
                print(f"pod/{d['metadata']['name']} evicted")
            print(f"node/{name} drained")
    return 0


WAIT_VALUES = {"for": ("--for",), "timeout": ("--timeout",), "selector": ("-l", "--selector"),
               "filename": ("-f", "--filename")}


def _condition_met(doc: Doc, cond: str) -> bool:
    if cond.startswith("condition="):
        want = cond[len("condition="):]
        ctype, _, value = want.partition("=")
        value = value or "True"
        for c in (doc.get("status") or {}).get("conditions") or []:
            if str(c.get("type", "")).lower() == ctype.lower():
                return str(c.get("status")) == value
        return False
    if cond.startswith("jsonpath="):
        expr, _, value = cond[len("jsonpath="):].partition("=")
        expr = expr.strip("'\"")
        tmpl = expr if expr.startswith("{") else "{" + expr + "}"
        got = jsonpath.render(tmpl, doc)
        return got == value if value else bool(got)
    raise KubeError(f'error: unrecognized condition: "{cond}"')


def run_wait(argv: list[str]) -> int:
    p = flags.parse(argv, WAIT_VALUES, {"all": ("--all",)}, "wait")
    cond = p.get("for")
    if not cond:
        raise KubeError("error: --for must be specified")
    failed = False
    with open_session(p, write=False) as s:
        for rt, names in parse_targets(p.args):
            ns = s.namespace if rt.namespaced else None
            if names:
                found = []
                for n in names:
                    doc = s.api.find(rt, ns, n)
                    if doc is None and cond != "delete":
                        err(f'Error from server (NotFound): {rt.qualified_plural} "{n}" not found')
                        failed = True
                    elif doc is not None:
                        found.append(doc)
                    else:
                        print(f"{rt.qualified}/{n} condition met")
            else:
                found = s.api.list(rt, ns, parse_label_selector(p.get("selector") or "") if p.get("selector")
                                   else None)
                if not found:
                    err("error: no matching resources found")
                    failed = True
            for doc in found:
                name = doc["metadata"]["name"]
                if cond != "delete" and _condition_met(doc, cond):
                    print(f"{rt.qualified}/{name} condition met")
                else:
                    err(f"error: timed out waiting for the condition on {rt.plural}/{name}")
                    failed = True
    sys.stdout.flush()
    return 1 if failed else 0
