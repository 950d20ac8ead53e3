"""``kubectl taint nodes NODE|-l SEL|--all KEY[=VALUE]:EFFECT … KEY[:EFFECT]-`` as kubectl's taint.go does it.

Client-side parsing (``parseTaints``: ``invalid taint spec``, ``invalid taint effect``, duplicates), the
``--overwrite`` rule, ``reorganizeTaints`` (``tainted`` / ``untainted`` / ``modified``, ``taint "k:E" not
found``). The scheduler's TaintToleration filter then keeps new pods off the node; a NoExecute taint also
evicts the pods on it that do not tolerate it (the taint manager; pods that tolerate it for
``tolerationSeconds`` stay, as no time passes in the twin), and their controllers recreate them elsewhere.
"""

from __future__ import annotations

import copy
from typing import Any

from aksnet.cli.kubectl import flags
from aksnet.cli.kubectl.resources import label_matcher
from aksnet.cli.kubectl.session import open_session
from aksnet.errors import KubeError
from aksnet.twin.kube import clock, schema
from aksnet.twin.kube.scheduler import tolerates
from aksnet.twin.kube.validation_common import label_value_errors, validate_label_key

Doc = dict[str, Any]
RT_NODE = schema.BY_KIND["Node"]
RT_POD = schema.BY_KIND["Pod"]
EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")

TAINT_VALUES = {"selector": ("-l", "--selector"), "output": ("-o", "--output"), "field-manager": ("--field-manager",)}
TAINT_BOOLS = {"overwrite": ("--overwrite",), "all": ("--all",)}


def taint_text(t: Doc) -> str:
    """``Taint.ToString``: ``key=value:effect``, ``key:effect`` or ``key``."""
    text = str(t.get("key", ""))
    if t.get("value"):
        text += f"={t['value']}"
    if t.get("effect"):
        text += f":{t['effect']}"
    return text


def parse_taint(spec: str) -> Doc:
    """kubectl's ``parseTaint``: KEY[=VALUE]:EFFECT, or a bare KEY (only for removal)."""
    parts = spec.split(":")
    taint: Doc = {}
    if len(parts) == 1:
        key = parts[0]
    elif len(parts) == 2:
        effect = parts[1]
        if effect not in EFFECTS:
            raise KubeError(f"error: invalid taint effect: {effect}, unsupported taint effect")
        kv = parts[0].split("=")
        if len(kv) > 2:
            raise KubeError(f"error: invalid taint spec: {spec}")
        key = kv[0]
        if len(kv) == 2:
            problems = label_value_errors(kv[1])
            if problems:
                raise KubeError(f"error: invalid taint spec: {spec}, {'; '.join(problems)}")
            taint["value"] = kv[1]
        taint["effect"] = effect
    else:
        raise KubeError(f"error: invalid taint spec: {spec}")
    key_errors = [e.split(": ", 3)[-1] for e in validate_label_key(key, "key")]
    if key_errors:
        raise KubeError(f"error: invalid taint spec: {spec}, {'; '.join(key_errors)}")
    return {"key": key, **taint}


def parse_taints(specs: list[str]) -> tuple[list[Doc], list[Doc]]:
    """``parseTaints``: taints to add (need an effect, unique by key and effect) and to remove."""
    add: list[Doc] = []
    remove: list[Doc] = []
    for spec in specs:
        if spec.endswith("-"):
            remove.append(parse_taint(spec[:-1]))
            continue
        t = parse_taint(spec)
        if "effect" not in t:
            raise KubeError(f"error: invalid taint spec: {spec}")
        if any(a["key"] == t["key"] and a["effect"] == t["effect"] for a in add):
            raise KubeError(f"error: duplicated taints with the same key and effect: {_go_taint(t)}")
        add.append(t)
    return add, remove


def _go_taint(t: Doc) -> str:
    return f"{{{t['key']} {t.get('value', '')} {t.get('effect', '')} <nil>}}"


def _matches(a: Doc, b: Doc) -> bool:
    """``Taint.MatchTaint``: same key and effect."""
    return a.get("key") == b.get("key") and a.get("effect") == b.get("effect")


def reorganize(old: list[Doc], add: list[Doc], remove: list[Doc], overwrite: bool) -> tuple[str, list[Doc]]:
    """kubectl's ``reorganizeTaints``: the new list and the operation word; raises for a taint to remove that
    the node does not have."""
    new = [copy.deepcopy(t) for t in add]
    for t in old:
        if not any(_matches(n, t) for n in new):
            new.append(copy.deepcopy(t))
    added = len(old) != len(new)
    missing = []
    deleted = False
    for r in remove:
        before = len(new)
        new = [t for t in new if not (_matches(t, r) if r.get("effect") else t.get("key") == r["key"])]
        deleted = len(new) != before
        if not deleted:
            missing.append(f'taint "{taint_text(r)}" not found')
    if missing:
        raise KubeError("error: " + (missing[0] if len(missing) == 1 else "[" + ", ".join(missing) + "]"))
    if (added and deleted) or overwrite:
        return "modified", new
    return ("tainted" if added else "untainted"), new


def run_taint(argv: list[str]) -> int:
    p = flags.parse(argv, TAINT_VALUES, TAINT_BOOLS, "taint")
    args = list(p.args)
    if not args:
        raise KubeError("error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples")
    kind = args.pop(0)
    names: list[str] = []
    if "/" in kind:
        kind, _, first = kind.partition("/")
        names.append(first)
    if schema.lookup_resource(kind) is not RT_NODE:
        raise KubeError(f"error: invalid resource type {kind}, only node types are supported")
    specs = []
    for a in args:
        if ":" in a or a.endswith("-") or "=" in a:
            specs.append(a)
        elif specs:
            raise KubeError(f"error: all resources must be specified before taint changes: {a}")
        else:
            names.append(a)
    if not specs:
        raise KubeError("error: at least one taint update is required")
    add, remove = parse_taints(specs)
    with open_session(p, write=True) as s:
        if names:
            nodes = [s.api.get(RT_NODE, None, n) for n in names]
        elif p.get("selector") or p.flag("all"):
            nodes = s.api.list(RT_NODE, None, label_matcher(p.get("selector"), RT_NODE))
        else:
            raise KubeError("error: resource(s) were provided, but no name was specified")
        for node in nodes:
            name = node["metadata"]["name"]
            old = list((node.get("spec") or {}).get("taints") or [])
            if not p.flag("overwrite"):
                clash = [a["key"] for a in add if any(_matches(a, t) for t in old)]
                if clash:
                    raise KubeError(f"error: node {name} already has {','.join(clash)} taint(s) with same "
                                    "effect(s) and --overwrite is false")
            operation, new = reorganize(old, add, remove, p.flag("overwrite"))
            for t in new:
                if t.get("effect") == "NoExecute" and "timeAdded" not in t:
                    t["timeAdded"] = clock.timestamp()
            body = copy.deepcopy(node)
            if new:
                body.setdefault("spec", {})["taints"] = new
            else:
                body.get("spec", {}).pop("taints", None)
            s.api.replace(body)
            _evict_intolerant(s, name, new)
            print(f"node/{name} {operation}")
    return 0


def _evict_intolerant(s: Any, node: str, taints: list[Doc]) -> None:
    """The taint manager: pods on ``node`` that do not tolerate one of its NoExecute taints are deleted."""
    no_execute = [t for t in taints if t.get("effect") == "NoExecute"]
    if not no_execute:
        return
    for pod in list(s.api.objs.docs(RT_POD.store_kind)):
        if pod["spec"].get("nodeName") != node:
            continue
        tols = pod["spec"].get("tolerations") or []
        if all(any(tolerates(tol, t) for tol in tols) for t in no_execute):
            continue
        s.api.delete(RT_POD, pod["metadata"]["namespace"], pod["metadata"]["name"])
