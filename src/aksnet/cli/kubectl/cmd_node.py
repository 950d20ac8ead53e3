"""``kubectl cordon|uncordon|drain NODE`` and ``kubectl wait --for=…``.

cordon sets ``spec.unschedulable`` (the scheduler's NodeUnschedulable filter); drain cordons and evicts
every pod not managed by a DaemonSet (kubectl's rules: DaemonSet pods need ``--ignore-daemonsets``, pods
without a controller need ``--force``) through the eviction subresource, which honours PodDisruptionBudgets
(refused evictions are retried once the controllers have recreated the evicted pods elsewhere). wait checks
the condition once: no time passes in the twin, so what is not true now times out at once.
"""

from __future__ import annotations

import copy
import re
import sys
from typing import Any

from aksnet.cli.kubectl import flags, jsonpath
from aksnet.cli.kubectl.resources import parse_targets
from aksnet.cli.kubectl.session import Session, err, open_session
from aksnet.errors import KubeError
from aksnet.twin.kube import disruption, schema
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
            failure = _evict_all(s, evict, p.get("timeout"))
            if failure is not None and not p.get("timeout"):
                err(FOREVER.format(failure=failure))
                return 1
            if failure is not None:
                err(f'error: unable to drain node "{name}" due to error: {failure}, continuing command...\n'
                    f"There are pending nodes to be drained:\n {name}\nerror: {failure}")
                return 1
            print(f"node/{name} drained")
    return 0


# kubectl drain's default --timeout=0 retries a refused eviction forever; no time passes in the twin, so aksnet says so
FOREVER = ("aksnet: {failure}: the budget cannot recover (no other pod becomes ready), so kubectl drain, whose "
           "default --timeout is 0, would retry this eviction forever; pass --timeout to see its error")


def _go_duration(text: str) -> str:
    """A --timeout value as Go's time.Duration prints it (``90s`` → ``1m30s``)."""
    m = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text.strip())
    if not m or not any(m.groups()):
        return text
    total = int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60 + int(m.group(3) or 0)
    h, rest = divmod(total, 3600)
    mins, secs = divmod(rest, 60)
    return f"{h}h{mins}m{secs}s" if h else f"{mins}m{secs}s" if mins else f"{secs}s"


def _evict_all(s: Session, pods: list[Doc], timeout: str | None) -> str | None:
    """Evict ``pods`` through the eviction subresource, as kubectl drain does: a refusal (429: the disruption
    budget allows no disruption now) is printed and retried after 5 s, by which time the controllers have replaced
    the pods already evicted and recomputed the budgets (the twin runs them between rounds). Returns kubectl's
    error when a round evicts nothing more (the budget cannot recover) or the API refuses otherwise."""
    pending = list(pods)
    while pending:
        charged: dict[str, int] = {}
        left = []
        for d in pending:
            ns, pod_name = d["metadata"]["namespace"], d["metadata"]["name"]
            refusal = disruption.eviction_refusal(s.api.objs, d, charged)
            if refusal is None:
                s.api.delete(RT_POD, ns, pod_name)
                print(f"pod/{pod_name} evicted")
                continue
            code, message = refusal
            if code != 429:
                return f'error when evicting pods/"{pod_name}" -n "{ns}": {message}'
            err(f'error when evicting pods/"{pod_name}" -n "{ns}" (will retry after 5s): {message}')
            left.append(d)
        if len(left) == len(pending):
            ns, pod_name = left[0]["metadata"]["namespace"], left[0]["metadata"]["name"]
            why = f"global timeout reached: {_go_duration(timeout)}" if timeout else "Cannot evict pod as it would " \
                "violate the pod's disruption budget."
            return f'error when evicting pods/"{pod_name}" -n "{ns}": {why}'
        s.reconcile()
        pending = [doc for d in left if (doc := s.api.objs.get(RT_POD.store_kind, _key(d))) is not None]
    return None


def _key(pod: Doc) -> str:
    return f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"


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
