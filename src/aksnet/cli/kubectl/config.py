"""``kubectl config get-contexts|current-context|use-context|set-context|view|get-clusters``, ``cluster-info`` and
``version``, on the workspace kubeconfig (or ``--kubeconfig FILE``)."""

from __future__ import annotations

import copy
import sys
from typing import Any

from aksnet.cli.common import command_transaction
from aksnet.cli.kubectl import context, flags, jsonpath, output, tables
from aksnet.errors import KubeError
from aksnet.store.private import write_private_text
from aksnet.twin import kubeconfig
from aksnet.twin.kube import objects

CONFIG_VALUES = {"output": ("-o", "--output"), "cluster": ("--cluster",), "user": ("--user",)}
CONFIG_BOOLS = {"minify": ("--minify",), "raw": ("--raw",), "flatten": ("--flatten",), "no-headers": ("--no-headers",),
                "current": ("--current",)}
KUBECTL_VERSION = "v1.31.2"


def run_config(argv: list[str]) -> int:
    p = flags.parse(argv, CONFIG_VALUES, CONFIG_BOOLS, "config")
    if not p.args:
        raise KubeError("error: Required subcommand not specified: current-context, get-contexts, use-context, "
                        "set-context, view, get-clusters")
    sub, rest = p.args[0], p.args[1:]
    path = p.get("kubeconfig")
    write = sub in ("use-context", "use", "set-context")
    with command_transaction(write=write and path is None) as tx:
        config = context.load_config(tx, path)
        if sub == "current-context":
            cur = config.get("current-context") or ""
            if not cur:
                raise KubeError("error: current-context is not set")
            print(cur)
        elif sub == "get-contexts":
            _get_contexts(config, rest, p)
        elif sub == "get-clusters":
            print("NAME")
            for c in config.get("clusters") or []:
                print(c.get("name"))
        elif sub in ("use-context", "use"):
            if len(rest) != 1:
                raise KubeError("error: Unexpected args: " + str(rest) if rest else "error: empty context names are "
                                "not allowed")
            name = rest[0]
            if not any(c.get("name") == name for c in config.get("contexts") or []):
                raise KubeError(f'error: no context exists with the name: "{name}"')
            config["current-context"] = name
            _save(tx, config, path)
            print(f'Switched to context "{name}".')
        elif sub == "set-context":
            _set_context(config, rest, p)
            _save(tx, config, path)
        elif sub == "view":
            _view(config, p)
        else:
            raise KubeError(f'error: unknown command "{sub}" for "kubectl config"')
    return 0


def _save(tx: Any, config: dict[str, Any], path: str | None) -> None:
    if path is None:
        kubeconfig.save(tx, config)
    else:  # client-go clientcmd.WriteToFile: os.WriteFile(…, 0600), an existing file keeps its mode
        from pathlib import Path

        try:
            write_private_text(Path(path), output.to_yaml(config), keep_mode=True)
        except OSError as exc:
            raise KubeError(f"error: open {path}: {(exc.strerror or str(exc)).lower()}") from exc


def _set_context(config: dict[str, Any], rest: list[str], p: flags.Parsed) -> None:
    """``kubectl config set-context [NAME | --current] [--cluster=…] [--user=…] [--namespace=…]``."""
    if p.flag("current"):
        if rest:
            raise KubeError("error: you cannot specify both a context name and --current")
        name = str(config.get("current-context") or "")
        if not name:
            raise KubeError("error: no current context is set")
    elif len(rest) == 1:
        name = rest[0]
    else:
        raise KubeError("error: you must specify a non-empty context name or --current")
    contexts = config.setdefault("contexts", [])
    entry = next((c for c in contexts if c.get("name") == name), None)
    created = entry is None
    if entry is None:
        entry = {"name": name, "context": {}}
        contexts.append(entry)
    ctx = entry.setdefault("context", {})
    for flag, key in (("cluster", "cluster"), ("user", "user"), ("namespace", "namespace")):
        value = p.get(flag)
        if value is None:
            continue
        if value:
            ctx[key] = value
        else:
            ctx.pop(key, None)
    print(f'Context "{name}" {"created" if created else "modified"}.')


def _get_contexts(config: dict[str, Any], names: list[str], p: flags.Parsed) -> None:
    contexts = config.get("contexts") or []
    if names:
        missing = [n for n in names if not any(c.get("name") == n for c in contexts)]
        if missing:
            raise KubeError(f'error: context {missing[0]} not found')
        contexts = [c for c in contexts if c.get("name") in names]
    if p.get("output") == "name":
        for c in contexts:
            print(c.get("name"))
        return
    rows = [] if p.flag("no-headers") else [["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]]
    cur = config.get("current-context")
    for c in contexts:
        ctx = c.get("context") or {}
        rows.append(["*" if c.get("name") == cur else "", str(c.get("name")), str(ctx.get("cluster", "")),
                     str(ctx.get("user", "")), str(ctx.get("namespace", ""))])
    sys.stdout.write(tables.tabulate(rows))


def _redact(config: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(config)
    for c in out.get("clusters") or []:
        cl = c.get("cluster") or {}
        if "certificate-authority-data" in cl:
            cl["certificate-authority-data"] = "DATA+OMITTED"
    for u in out.get("users") or []:
        user = u.get("user") or {}
        for k in ("client-certificate-data", "client-key-data"):
            if k in user:
                user[k] = "DATA+OMITTED"
        if "token" in user:
            user["token"] = "REDACTED"
    return out


def _view(config: dict[str, Any], p: flags.Parsed) -> None:
    shown = config if p.flag("raw") else _redact(config)
    if p.flag("minify"):
        cur = shown.get("current-context")
        ctx = next((c for c in shown.get("contexts") or [] if c.get("name") == cur), None)
        if ctx is None:
            raise KubeError("error: current-context must exist in order to minify")
        cname, uname = ctx["context"].get("cluster"), ctx["context"].get("user")
        shown = dict(shown)
        shown["contexts"] = [ctx]
        shown["clusters"] = [c for c in shown.get("clusters") or [] if c.get("name") == cname]
        shown["users"] = [u for u in shown.get("users") or [] if u.get("name") == uname]
    fmt = p.get("output") or "yaml"
    if fmt == "json":
        sys.stdout.write(output.to_json(shown))
    elif fmt.startswith("jsonpath="):
        sys.stdout.write(jsonpath.render(fmt.split("=", 1)[1], shown))
    else:
        sys.stdout.write(output.to_yaml(shown))


def run_cluster_info(argv: list[str]) -> int:
    p = flags.parse(argv, {}, {}, "cluster-info")
    with command_transaction(write=False) as tx:
        config = context.load_config(tx, p.get("kubeconfig"))
        cid = context.cluster_id(tx, p.get("context"), p.get("kubeconfig"))
        name = p.get("context") or config.get("current-context")
        ctx: dict[str, Any] = next((c for c in config.get("contexts") or [] if c.get("name") == name), {})
        cluster: dict[str, Any] = next((c for c in config.get("clusters") or []
                        if c.get("name") == (ctx.get("context") or {}).get("cluster")), {})
        server = (cluster.get("cluster") or {}).get("server", "")
        objs = objects.open_objects(tx, cid)
        has_dns = objs.get("k8s:core/Service", "kube-system/kube-dns") is not None
    print(f"\x1b[0;32mKubernetes control plane\x1b[0m is running at \x1b[0;33m{server}\x1b[0m")
    if has_dns:
        print(f"\x1b[0;32mCoreDNS\x1b[0m is running at \x1b[0;33m{server}/api/v1/namespaces/kube-system/services/"
              "kube-dns:dns/proxy\x1b[0m")
    print("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.")
    return 0


def run_version(argv: list[str]) -> int:
    p = flags.parse(argv, {"output": ("-o", "--output")}, {"client": ("--client",)}, "version")
    print(f"Client Version: {KUBECTL_VERSION}\nKustomize Version: v5.4.2")
    if not p.flag("client"):
        with command_transaction(write=False) as tx:
            cid = context.cluster_id(tx, p.get("context"), p.get("kubeconfig"))
            objs = objects.open_objects(tx, cid)
            cluster = objs.cluster()
            props = cluster.get("properties", cluster)
            version = props.get("currentKubernetesVersion") or props.get("kubernetesVersion") or "1.31.2"
        print(f"Server Version: v{str(version).lstrip('v')}")
    return 0
