"""``kubectl label``, ``annotate`` (with kubectl's ``--overwrite`` rules), ``scale`` and ``rollout
status|restart``: read the object, change it, replace it through the API server, reconcile."""

from __future__ import annotations

import copy
from typing import Any

from aksnet.cli.kubectl import flags
from aksnet.cli.kubectl.resources import label_matcher, parse_targets
from aksnet.cli.kubectl.session import Session, err, open_session
from aksnet.cli.kubectl.tables import tabulate
from aksnet.errors import KubeError
from aksnet.twin.kube import clock
from aksnet.twin.kube.apiserver import ApiError
from aksnet.twin.kube.schema import ResourceType
from aksnet.twin.kube.validation_common import label_value_errors

Doc = dict[str, Any]

EDIT_VALUES = {"selector": ("-l", "--selector"), "output": ("-o", "--output"), "replicas": ("--replicas",),
               "to-revision": ("--to-revision",),
               "current-replicas": ("--current-replicas",), "timeout": ("--timeout",),
               "resource-version": ("--resource-version",), "filename": ("-f", "--filename")}
EDIT_BOOLS = {"overwrite": ("--overwrite",), "all": ("--all",), "list": ("--list",), "watch": ("-w", "--watch")}


def _objects(s: Session, p: flags.Parsed, args: list[str]) -> list[tuple[ResourceType, Doc]]:
    out = []
    for rt, names in parse_targets(args, s.api.types):
        ns = s.namespace if rt.namespaced else None
        if names:
            for n in names:
                out.append((rt, s.api.get(rt, ns, n)))
        elif p.get("selector") or p.flag("all"):
            match = label_matcher(p.get("selector"), rt)
            out.extend((rt, d) for d in s.api.list(rt, ns, match))
        else:
            raise KubeError("error: resource(s) were provided, but no name was specified")
    return out


def _split_changes(args: list[str], field: str) -> tuple[list[str], dict[str, str], list[str]]:
    """Resource arguments, ``k=v`` settings and ``k-`` removals (``cmdutil.GetResourcesAndPairs``, then
    kubectl label's ``parseLabels`` / annotate's ``ParsePairs`` with their client-side errors)."""
    kind = field[:-1]
    res: list[str] = []
    pairs: list[str] = []
    for a in args:
        is_pair = ("=" in a and not a.startswith("=")) or (a.endswith("-") and a != "-")
        if is_pair:
            pairs.append(a)
        elif pairs:
            raise KubeError(f"error: all resources must be specified before {kind} changes: {a}")
        else:
            res.append(a)
    sets: dict[str, str] = {}
    removes: list[str] = []
    for a in pairs:
        if "=" in a and not a.startswith("="):
            if field == "labels":
                parts = a.split("=")
                if len(parts) != 2:
                    raise KubeError(f"error: invalid label spec: {a}")
                problems = label_value_errors(parts[1])
                if problems:
                    raise KubeError(f'error: invalid label value: "{a}": {";".join(problems)}')
            k, _, v = a.partition("=")
            sets[k] = v
        else:
            removes.append(a[:-1])
    if field == "labels" and any(k in sets for k in removes):
        raise KubeError("error: can not both modify and remove a label in the same command")
    return res, sets, removes


def _change_message(verb: str, old: dict[str, str], new: dict[str, str]) -> str:
    """kubectl label's ``updateDataChangeMsg`` (annotate always says ``annotated``)."""
    if verb != "label":
        return "annotated"
    removed = any(k not in new for k in old)
    added = any(k not in old or old[k] != new[k] for k in new)
    if added and removed:
        return "label(s) changed"
    return "labeled" if added else ("unlabeled" if removed else "not labeled")


def _run_meta(argv: list[str], field: str, verb: str) -> int:
    p = flags.parse(argv, EDIT_VALUES, EDIT_BOOLS, verb)
    res, sets, removes = _split_changes(p.args, field)
    if not res:
        raise KubeError("error: one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if not sets and not removes and not p.flag("list"):
        raise KubeError(f"error: at least one {field[:-1]} update is required")
    failed = False
    with open_session(p, write=True) as s:
        objects = _objects(s, p, res)
        for rt, doc in objects:
            current = dict(doc["metadata"].get(field) or {})
            if p.flag("list"):
                if len(objects) > 1:
                    group = rt.api_version.rpartition("/")[0] if "/" in rt.api_version else ""
                    print(f"Listing {field} for {rt.kind}.{group}/{doc['metadata']['name']}:")
                indent = " " if len(objects) > 1 else ""
                for k, v in sorted(current.items()):
                    print(f"{indent}{k}={v}")
                continue
            if not p.flag("overwrite"):
                clash = [k for k, v in sets.items() if k in current and current[k] != v]
                if clash:
                    if field == "labels":
                        msgs = [f"'{k}' already has a value ({current[k]}), and --overwrite is false" for k in clash]
                        err("error: " + (msgs[0] if len(msgs) == 1 else "[" + ", ".join(msgs) + "]"))
                    else:
                        err("error: --overwrite is false but found the following declared annotation(s): "
                            + "; ".join(f"'{k}' already has a value ({current[k]})" for k in clash))
                    failed = True
                    continue
            if field == "labels":
                for k in removes:
                    if k not in current:
                        print(f'label "{k}" not found.')
            new = dict(current)
            new.update(sets)
            for k in removes:
                new.pop(k, None)
            ref = f"{rt.qualified}/{doc['metadata']['name']}"
            if new == current:
                print(f"{ref} {_change_message(verb, current, new)}")
                continue
            body = copy.deepcopy(doc)
            if new:
                body["metadata"][field] = new
            else:
                body["metadata"].pop(field, None)
            try:
                s.api.replace(body)
            except KubeError as exc:
                err(exc.render())
                failed = True
                continue
            print(f"{ref} {_change_message(verb, current, new)}")
    return 1 if failed else 0


def run_label(argv: list[str]) -> int:
    return _run_meta(argv, "labels", "label")


def run_annotate(argv: list[str]) -> int:
    return _run_meta(argv, "annotations", "annotate")


SCALABLE = ("Deployment", "ReplicaSet", "StatefulSet")


def run_scale(argv: list[str]) -> int:
    p = flags.parse(argv, EDIT_VALUES, EDIT_BOOLS, "scale")
    replicas = p.get("replicas")
    if replicas is None:
        raise KubeError('error: required flag(s) "replicas" not set')
    try:
        n = int(replicas)
    except ValueError:
        raise KubeError(f'error: invalid argument "{replicas}" for "--replicas" flag: strconv.ParseInt: parsing '
                        f'"{replicas}": invalid syntax') from None
    if n < 0:
        raise KubeError("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    failed = False
    with open_session(p, write=True) as s:
        for rt, doc in _objects(s, p, p.args):
            if rt.kind not in SCALABLE:
                err(f'error: no scaler has been implemented for {{"{rt.group}" "{rt.kind}"}}')
                failed = True
                continue
            cur = p.get("current-replicas")
            if cur is not None and int(cur) != int(doc["spec"].get("replicas", 1)):
                err(f"error: Expected replicas to be {cur}, was {doc['spec'].get('replicas', 1)}")
                failed = True
                continue
            body = copy.deepcopy(doc)
            body["spec"]["replicas"] = n
            try:
                s.api.replace(body)
            except ApiError as exc:
                err(exc.render())
                failed = True
                continue
            print(f"{rt.qualified}/{doc['metadata']['name']} scaled")
    return 1 if failed else 0


def run_rollout(argv: list[str]) -> int:
    p = flags.parse(argv, EDIT_VALUES, EDIT_BOOLS, "rollout")
    if not p.args:
        raise KubeError("error: Required subcommand not specified: history, pause, restart, resume, status, undo")
    sub, rest = p.args[0], p.args[1:]
    if sub == "status":
        with open_session(p, write=False) as s:
            found = _objects(s, p, rest)
            if len(found) != 1:
                raise KubeError("error: rollout status needs exactly one resource, e.g. deployment/web")
            return _status(*found[0])
    if sub == "restart":
        with open_session(p, write=True) as s:
            for rt, doc in _objects(s, p, rest):
                body = copy.deepcopy(doc)
                tmpl = body["spec"].setdefault("template", {}).setdefault("metadata", {})
                tmpl.setdefault("annotations", {})["kubectl.kubernetes.io/restartedAt"] = clock.timestamp()
                s.api.replace(body)
                print(f"{rt.qualified}/{doc['metadata']['name']} restarted")
        return 0
    if sub in ("undo", "history"):
        with open_session(p, write=sub == "undo") as s:
            for rt, doc in _objects(s, p, rest):
                if rt.kind != "Deployment":
                    raise KubeError(f"error: no history viewer has been implemented for {rt.kind}")
                revisions = _revisions(s, doc)
                name = doc["metadata"]["name"]
                if sub == "history":
                    print(f"{rt.qualified}/{name} ")
                    rows = [["REVISION", "CHANGE-CAUSE"]] + [
                        [str(r), (rs["metadata"].get("annotations") or {}).get("kubernetes.io/change-cause", "<none>")]
                        for r, rs in revisions]
                    print(tabulate(rows, padding=2, minwidth=0))
                    continue
                _undo(s, rt, doc, revisions, p.get("to-revision"))
                print(f"{rt.qualified}/{name} rolled back")
        return 0
    raise KubeError(f'error: unknown command "{sub}" for "kubectl rollout"')


def _revisions(s: Session, dep: Doc) -> list[tuple[int, Doc]]:
    uid = dep["metadata"]["uid"]
    out = []
    for rs in s.api.objs.docs("k8s:apps/ReplicaSet"):
        if any(r.get("uid") == uid for r in rs["metadata"].get("ownerReferences") or []):
            rev = int((rs["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision", "0"))
            out.append((rev, rs))
    return sorted(out, key=lambda x: x[0])


def _undo(s: Session, rt: ResourceType, dep: Doc, revisions: list[tuple[int, Doc]], to: str | None) -> None:
    """rollout undo: the Deployment's template becomes that of the previous (or ``--to-revision``) ReplicaSet."""
    name = dep["metadata"]["name"]
    if to is not None and to != "0":
        target = next((rs for r, rs in revisions if str(r) == to), None)
        if target is None:
            raise KubeError(f"error: unable to find specified revision {to} in history")
    else:
        if len(revisions) < 2:
            raise KubeError(f'error: no rollout history found for deployment "{name}"')
        target = revisions[-2][1]
    tmpl = copy.deepcopy(target["spec"].get("template") or {})
    labels = (tmpl.get("metadata") or {}).get("labels") or {}
    labels.pop("pod-template-hash", None)
    body = copy.deepcopy(dep)
    body["spec"]["template"] = tmpl
    s.api.replace(body)


def _status(rt: ResourceType, doc: Doc) -> int:
    st = doc.get("status") or {}
    name = doc["metadata"]["name"]
    if rt.kind == "Deployment":
        want = int(doc["spec"].get("replicas", 1))
        avail = int(st.get("availableReplicas", 0))
        if int(st.get("updatedReplicas", 0)) >= want and avail >= want:
            print(f'deployment "{name}" successfully rolled out')
            return 0
        print(f'Waiting for deployment "{name}" rollout to finish: {avail} of {want} updated replicas are '
              "available...")
    elif rt.kind == "DaemonSet":
        want = int(st.get("desiredNumberScheduled", 0))
        avail = int(st.get("numberAvailable", 0))
        if avail >= want:
            print(f'daemon set "{name}" successfully rolled out')
            return 0
        print(f'Waiting for daemon set "{name}" rollout to finish: {avail} of {want} updated pods are available...')
    elif rt.kind == "StatefulSet":
        want = int(doc["spec"].get("replicas", 1))
        ready = int(st.get("readyReplicas", 0))
        if ready >= want:
            print(f"partitioned roll out complete: {want} new pods have been updated...")
            return 0
        print(f"Waiting for {want - ready} pods to be ready...")
    else:
        raise KubeError(f"error: no status viewer has been implemented for {rt.kind}")
    err("error: timed out waiting for the condition (pods that cannot be scheduled never become ready in the "
        "emulated cluster; see 'kubectl describe')")
    return 1
