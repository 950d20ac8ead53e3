"""``kubectl run``, ``patch`` (merge, strategic as merge with containers merged by name, json), ``replace -f``
and ``set image``: more ways to write objects, all through the API server, then reconcile."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import yaml

from aksnet.cli.kubectl import flags
from aksnet.cli.kubectl.cmd_create import dry_run, print_dry_run, server_dry_run
from aksnet.cli.kubectl.resources import parse_targets
from aksnet.cli.kubectl.session import err, open_session
from aksnet.errors import KubeError
from aksnet.io.manifests import load_path

Doc = dict[str, Any]

RUN_VALUES = {"image": ("--image",), "port": ("--port",), "labels": ("-l", "--labels"), "env": ("--env",),
              "restart": ("--restart",), "dry-run": ("--dry-run",), "output": ("-o", "--output"),
              "image-pull-policy": ("--image-pull-policy",), "overrides": ("--overrides",)}
RUN_BOOLS = {"rm": ("--rm",), "stdin": ("-i", "--stdin"), "tty": ("-t", "--tty"), "it": ("-it",),
             "command": ("--command",), "expose": ("--expose",)}


def run_run(argv: list[str]) -> int:
    """kubectl run NAME --image=IMAGE: a Pod labelled run=NAME; with ``--expose`` also a ClusterIP Service of
    the same name selecting the pod's labels on ``--port``, created (and printed) before the pod as kubectl's
    ``generateService`` does (kubernetes/kubectl pkg/cmd/run/run.go)."""
    p = flags.parse(argv, RUN_VALUES, RUN_BOOLS, "run")
    if len(p.args) != 1:
        raise KubeError("error: NAME is required for run\nSee 'kubectl run -h' for help and examples")
    if p.flag("rm") or p.flag("stdin") or p.flag("tty") or p.flag("it"):
        raise KubeError("error: interactive 'kubectl run -it/--rm' needs the real data plane; create the pod "
                        "without -it and use 'aksnet exec' or 'aksnet curl --from pod/NAME'")
    name = p.args[0]
    image = p.get("image")
    if not image:
        raise KubeError('error: required flag(s) "image" not set')
    labels = {"run": name}
    if p.get("labels"):
        labels = dict(kv.split("=", 1) for kv in (p.get("labels") or "").split(",") if "=" in kv)
    c: Doc = {"name": name, "image": image, "resources": {}}
    if p.get("port"):  # kubectl run's --port is a string flag, converted with strconv.Atoi
        port = str(p.get("port"))
        if not re.fullmatch(r"[+-]?[0-9]+", port):
            raise KubeError(f'error: strconv.Atoi: parsing "{port}": invalid syntax')
        c["ports"] = [{"containerPort": int(port)}]
    if p.get("image-pull-policy"):
        c["imagePullPolicy"] = p.get("image-pull-policy")
    if p.all("env"):
        c["env"] = [{"name": e.split("=", 1)[0], "value": e.split("=", 1)[1] if "=" in e else ""}
                    for e in p.all("env")]
    if p.rest:
        c["command" if p.flag("command") else "args"] = list(p.rest)
    restart = p.get("restart") or "Always"
    if restart not in ("Always", "OnFailure", "Never"):
        raise KubeError(f"error: invalid restart policy: {restart}")
    doc: Doc = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels},
                "spec": {"containers": [c], "dnsPolicy": "ClusterFirst", "restartPolicy": restart}}
    apply_overrides(doc, p.get("overrides"))
    docs = [_exposing_service(name, labels, p), doc] if p.flag("expose") else [doc]
    mode = dry_run(p)
    if mode == "client":
        for k, d in enumerate(docs):
            if k and (p.get("output") or "") in ("yaml", "yml"):
                print("---")
            print_dry_run(d, p)
        return 0
    if mode == "server":
        with server_dry_run(p) as s:
            for d in docs:
                print_dry_run(s.api.create(d, s.namespace).doc, p, server=True)
        return 0
    with open_session(p, write=True) as s:
        for d in docs:
            outcome = s.api.create(d, s.namespace)
            print(outcome.ref if p.get("output") == "name" else f"{outcome.ref} created")
    return 0


def _exposing_service(name: str, labels: dict[str, str], p: Any) -> Doc:
    """The Service ``kubectl run --expose`` makes: ``--port`` is required (kubectl's usage error otherwise)."""
    port = p.get("port")
    if not port:
        raise KubeError("error: --port must be set when exposing a service\n"
                        "See 'kubectl run -h' for help and examples")
    number = int(str(port))
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"ports": [{"port": number, "protocol": "TCP", "targetPort": number}],
                     "selector": dict(labels)}}


def apply_overrides(doc: Doc, text: str | None) -> Doc:
    """``--overrides``: an inline JSON object merged into the generated object (kubectl's ``cmdutil.Merge``, a
    merge patch here; lists such as ``ipFamilies`` are replaced)."""
    if not text:
        return doc
    try:
        patch = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KubeError(f"error: unable to parse --overrides: {exc.msg}") from None
    if not isinstance(patch, dict):
        raise KubeError("error: --overrides must be a JSON object")
    return _merge(doc, patch, by_name=True)


def _merge(target: Doc, patch: Doc, by_name: bool = False) -> Doc:
    """RFC 7386 merge patch; with ``by_name`` lists of objects with a ``name`` merge item by item (the
    strategic-merge behaviour for containers, ports and env that people rely on)."""
    for k, v in patch.items():
        if v is None:
            target.pop(k, None)
        elif isinstance(v, dict) and isinstance(target.get(k), dict):
            _merge(target[k], v, by_name)
        elif (by_name and isinstance(v, list) and isinstance(target.get(k), list)
              and all(isinstance(i, dict) and "name" in i for i in v + target[k])):
            cur = {i["name"]: i for i in target[k]}
            for item in v:
                if item["name"] in cur:
                    _merge(cur[item["name"]], item, by_name)
                else:
                    target[k].append(copy.deepcopy(item))
        else:
            target[k] = copy.deepcopy(v)
    return target


def _json_patch(doc: Doc, ops: list[Doc]) -> Doc:
    """RFC 6902 add/remove/replace (what ``--type json`` is mostly used for)."""
    for op in ops:
        path = [seg.replace("~1", "/").replace("~0", "~") for seg in str(op.get("path", "")).split("/")[1:]]
        if not path:
            raise KubeError("error: unable to parse patch: empty path")
        parent: Any = doc
        for seg in path[:-1]:
            parent = parent[int(seg)] if isinstance(parent, list) else parent.setdefault(seg, {})
        last = path[-1]
        kind = op.get("op")
        if isinstance(parent, list):
            idx = len(parent) if last == "-" else int(last)
            if kind == "add":
                parent.insert(idx, op.get("value"))
            elif kind == "remove":
                parent.pop(idx)
            elif kind == "replace":
                parent[idx] = op.get("value")
        elif kind in ("add", "replace"):
            parent[last] = op.get("value")
        elif kind == "remove":
            if last not in parent:
                raise KubeError(f"error: jsonpatch remove operation does not apply: doc is missing path: "
                                f"{op.get('path')}")
            del parent[last]
        else:
            raise KubeError(f"error: Unexpected kind: {kind}")
    return doc


PATCH_VALUES = {"patch": ("-p", "--patch"), "type": ("--type",), "output": ("-o", "--output"),
                "patch-file": ("--patch-file",), "dry-run": ("--dry-run",)}


def run_patch(argv: list[str]) -> int:
    p = flags.parse(argv, PATCH_VALUES, {}, "patch")
    raw = p.get("patch")
    if raw is None and p.get("patch-file"):
        with open(p.get("patch-file") or "", encoding="utf-8") as fh:
            raw = fh.read()
    if raw is None:
        raise KubeError('error: must specify --patch or --patch-file containing the contents of the patch')
    try:
        patch = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise KubeError(f"error: unable to parse \"{raw}\": {exc}") from None
    ptype = p.get("type") or "strategic"
    if ptype not in ("strategic", "merge", "json"):
        raise KubeError(f'error: --type must be one of [json merge strategic], not "{ptype}"')
    with open_session(p, write=True) as s:
        for rt, names in parse_targets(p.args, s.api.types):
            for name in names:
                live = s.api.get(rt, s.namespace if rt.namespaced else None, name)
                body = copy.deepcopy(live)
                if ptype == "json":
                    if not isinstance(patch, list):
                        raise KubeError("error: unable to parse patch: json patch must be a list of operations")
                    _json_patch(body, patch)
                else:
                    if not isinstance(patch, dict):
                        raise KubeError(f'error: unable to parse "{raw}": not a JSON object')
                    _merge(body, patch, by_name=ptype == "strategic")
                outcome = s.api.replace(body)
                ref = f"{rt.qualified}/{name}"
                print(f"{ref} patched" if outcome.action == "configured" else f"{ref} patched (no change)")
    return 0


def run_replace(argv: list[str]) -> int:
    p = flags.parse(argv, {"filename": ("-f", "--filename")}, {"force": ("--force",)}, "replace")
    docs = [d for f in p.all("filename") for d in load_path(f)]
    if not docs:
        raise KubeError("error: must specify --filename to replace")
    failed = False
    with open_session(p, write=True) as s:
        for d in docs:
            try:
                rt = s.api.resolve(d.body, d.source)
                body = copy.deepcopy(d.body)
                body.setdefault("metadata", {})
                s.api.decode_manifest(rt, body, d.source, "replacing")  # the same checks as apply/create
                meta = body["metadata"]
                if rt.namespaced:
                    meta.setdefault("namespace", s.namespace)
                outcome = s.api.replace(body)
            except KubeError as exc:
                err(exc.render())
                failed = True
                continue
            print(f"{outcome.ref} replaced")
    return 1 if failed else 0


def run_set(argv: list[str]) -> int:
    p = flags.parse(argv, {"selector": ("-l", "--selector")}, {"all": ("--all",)}, "set")
    if not p.args or p.args[0] != "image":
        raise KubeError("error: only 'kubectl set image' is supported")
    res = [a for a in p.args[1:] if "=" not in a]
    changes = dict(a.split("=", 1) for a in p.args[1:] if "=" in a)
    if not changes:
        raise KubeError("error: at least one image update is required")
    with open_session(p, write=True) as s:
        for rt, names in parse_targets(res):
            for name in names:
                live = s.api.get(rt, s.namespace, name)
                body = copy.deepcopy(live)
                spec = (body["spec"].get("template") or {}).get("spec") if rt.kind != "Pod" else body["spec"]
                containers = (spec or {}).get("containers") or []
                hit = False
                for c in containers:
                    if c.get("name") in changes or "*" in changes:
                        c["image"] = changes.get(c["name"], changes.get("*"))
                        hit = True
                if not hit:
                    missing = next(iter(changes))
                    raise KubeError(f'error: unable to find container named "{missing}"')
                s.api.replace(body)
                print(f"{rt.qualified}/{name} image updated")
    return 0
