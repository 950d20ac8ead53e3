"""``kubectl apply -f`` and ``kubectl delete``.

apply: every object succeeds or fails on its own (``deployment.apps/web created`` / ``configured`` /
``unchanged`` on stdout, errors on stderr, exit 1 if any failed); a file that does not parse applies
nothing. delete: by file, by TYPE NAME…, TYPE/NAME, ``-l`` or ``--all``; ``deployment.apps "web" deleted``.
"""

from __future__ import annotations

from aksnet.cli.kubectl import flags
from aksnet.cli.kubectl.cmd_create import dry_run, print_dry_run, server_dry_run
from aksnet.cli.kubectl.resources import label_matcher, parse_targets
from aksnet.cli.kubectl.session import Session, err, open_session
from aksnet.errors import KubeError, KubeInvalid
from aksnet.io.manifests import SourceDocument, load_path
from aksnet.twin.kube.apiserver import ApiError
from aksnet.twin.kube.schema import ResourceType

APPLY_VALUES = {"filename": ("-f", "--filename"), "output": ("-o", "--output"), "selector": ("-l", "--selector"),
                "field-manager": ("--field-manager",), "dry-run": ("--dry-run",)}
APPLY_BOOLS = {"recursive": ("-R", "--recursive"), "server-side": ("--server-side",), "force": ("--force",),
               "prune": ("--prune",), "wait": ("--wait",)}


def run_apply(argv: list[str]) -> int:
    p = flags.parse(argv, APPLY_VALUES, APPLY_BOOLS, "apply")
    files = p.all("filename")
    if not files:
        raise KubeError("error: must specify one of -f and -k\n\nSee 'kubectl apply -h' for help and examples")
    if p.args:
        raise KubeError("error: Unexpected args: " + str(p.args) +
                        "\nSee 'kubectl apply -h' for help and examples")
    docs = [d for f in files for d in load_path(f, p.flag("recursive"))]
    if not docs:
        raise KubeError("error: no objects passed to apply")
    if p.flag("prune"):
        raise KubeError("error: --prune is not supported by aksnet kubectl (delete objects explicitly)")
    output = p.get("output")
    mode = dry_run(p)
    if mode is not None:
        return _apply_dry_run(docs, p, mode)
    errors: list[tuple[KubeError, SourceDocument, bool]] = []
    with open_session(p, write=True) as s:
        for d in docs:
            creating = _is_new(s, d)
            try:
                outcome = s.api.apply(d.body, s.namespace, d.source, enforce_namespace=s.explicit_namespace)
            except KubeError as exc:
                errors.append((exc, d, creating))
                continue
            if output == "name":
                print(outcome.ref)
            elif p.flag("server-side"):
                # server-side apply reports every applied object this way
                print(f"{outcome.ref} serverside-applied")
            else:
                print(f"{outcome.ref} {outcome.action}")
    _report(errors)
    return 1 if errors else 0


def _is_new(s: Session, d: SourceDocument) -> bool:
    """Whether applying ``d`` would create its object (for the verb of kubectl's error context)."""
    try:
        rt = s.api.resolve(d.body, d.source)
    except KubeError:
        return True
    meta = d.body.get("metadata")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
        return True
    ns = (meta.get("namespace") or s.namespace) if rt.namespaced else None
    return s.api.find(rt, ns, meta["name"]) is None


def _report(errors: list[tuple[KubeError, SourceDocument, bool]]) -> None:
    """kubectl apply's errors, after the objects that succeeded: one error as it stands (``The Service "web"
    is invalid: …``); several as an aggregate, where an Invalid one shows the API server's status message
    with its source (``Error from server (Invalid): error when creating "f.yaml": Service "web" is invalid: …``)."""
    for exc, d, creating in errors:
        if len(errors) > 1 and isinstance(exc, KubeInvalid) and creating:
            api_version = str(d.body.get("apiVersion", ""))
            group = api_version.rpartition("/")[0] if "/" in api_version else ""
            err(exc.status_line(group, "creating", d.source or "STDIN"))
        else:
            err(exc.render())


def _apply_dry_run(docs: list[SourceDocument], p: flags.Parsed, mode: str) -> int:
    failed = False
    with server_dry_run(p) as s:
        for d in docs:
            try:
                outcome = s.api.apply(d.body, s.namespace, d.source, enforce_namespace=s.explicit_namespace)
            except KubeError as exc:
                err(exc.render())
                failed = True
                continue
            if p.get("output") in ("yaml", "json"):
                print_dry_run(outcome.doc if mode == "server" else d.body, p, server=mode == "server")
            else:
                suffix = "server dry run" if mode == "server" else "dry run"
                print(f"{outcome.ref} {outcome.action} ({suffix})")
    return 1 if failed else 0


DELETE_VALUES = {"filename": ("-f", "--filename"), "selector": ("-l", "--selector"), "output": ("-o", "--output"),
                 "grace-period": ("--grace-period",), "cascade": ("--cascade",),
                 "field-selector": ("--field-selector",)}
DELETE_BOOLS = {"all": ("--all",), "recursive": ("-R", "--recursive"), "ignore-not-found": ("--ignore-not-found",),
                "now": ("--now",), "force": ("--force",), "wait": ("--wait",)}


def run_delete(argv: list[str]) -> int:
    p = flags.parse(argv, DELETE_VALUES, DELETE_BOOLS, "delete")
    failed = False
    ignore = p.flag("ignore-not-found")
    cascade = p.get("cascade") or "background"
    if cascade in ("true", "false"):
        cascade = "background" if cascade == "true" else "orphan"
    if cascade not in ("background", "foreground", "orphan"):
        raise KubeError(f'error: invalid cascade value ({cascade}). Must be "background", "foreground", or "orphan".')
    with open_session(p, write=True) as s:
        targets: list[tuple[ResourceType, str | None, str]] = []
        if p.all("filename"):
            docs = [d for f in p.all("filename") for d in load_path(f, p.flag("recursive"))]
            for d in docs:
                try:
                    rt = s.api.resolve(d.body, d.source)
                except KubeError as exc:
                    err(exc.render())
                    failed = True
                    continue
                meta = d.body.get("metadata") or {}
                targets.append((rt, meta.get("namespace") or s.namespace, str(meta.get("name", ""))))
        else:
            if not p.args:
                raise KubeError("error: You must provide one or more resources by argument or filename.\n"
                                "Example resource specifications include:\n   '-f rsrc.yaml'\n"
                                "   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")
            specs = parse_targets(p.args, s.api.types)
            for rt, names in specs:
                if names:
                    targets.extend((rt, s.namespace, n) for n in names)
                    continue
                if not p.get("selector") and not p.flag("all") and not p.get("field-selector"):
                    raise KubeError("error: resource(s) were provided, but no name was specified")
                match = label_matcher(p.get("selector"), rt)
                ns = None if (s.all_namespaces or not rt.namespaced) else s.namespace
                found = s.api.list(rt, ns, match)
                if not found and not ignore:
                    err(f"No resources found in {s.namespace} namespace." if rt.namespaced and ns
                        else "No resources found")
                targets.extend((rt, d["metadata"].get("namespace"), d["metadata"]["name"]) for d in found)
        for rt, ns, name in targets:
            try:
                s.api.delete(rt, ns if rt.namespaced else None, name, orphan=cascade == "orphan")
            except ApiError as exc:
                if exc.reason == "NotFound" and ignore:
                    continue
                err(exc.render())
                failed = True
                continue
            print(f'{rt.qualified} "{name}" deleted')
    return 1 if failed else 0
