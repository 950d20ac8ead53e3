"""``kubectl get``: tables (with ``-o wide``, ``--show-labels``, ``-A``), ``-o json|yaml|name``,
``-o jsonpath=…``, ``-o custom-columns=…``; ``-l`` label selectors (set-based too) and
``--field-selector``. A single object asked for by name prints as itself, anything else as a ``List``."""

from __future__ import annotations

import sys
from typing import Any

from aksnet.cli.kubectl import flags, gotemplate, jsonpath, output, tables
from aksnet.cli.kubectl.resources import label_matcher, parse_targets
from aksnet.cli.kubectl.session import err, open_session
from aksnet.errors import KubeError
from aksnet.twin.kube.apiserver import ApiError
from aksnet.twin.kube.schema import ResourceType
from aksnet.twin.kube.selectors import parse_field_selector

Doc = dict[str, Any]

GET_VALUES = {"output": ("-o", "--output"), "selector": ("-l", "--selector"),
              "field-selector": ("--field-selector",), "label-columns": ("-L", "--label-columns"),
              "sort-by": ("--sort-by",), "chunk-size": ("--chunk-size",), "filename": ("-f", "--filename")}
GET_BOOLS = {"show-labels": ("--show-labels",), "no-headers": ("--no-headers",), "watch": ("-w", "--watch"),
             "ignore-not-found": ("--ignore-not-found",), "show-kind": ("--show-kind",)}

VALID_OUTPUTS = ("json", "yaml", "wide", "name", "jsonpath", "jsonpath-as-json", "custom-columns", "go-template")


def _check_output(fmt: str | None) -> None:
    if fmt is None:
        return
    kind = fmt.split("=", 1)[0]
    if kind not in VALID_OUTPUTS or (kind in ("jsonpath", "custom-columns") and "=" not in fmt):
        raise KubeError(f'error: unable to match a printer suitable for the output format "{fmt}", allowed formats '
                        "are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
                        "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml")


def run_get(argv: list[str]) -> int:
    p = flags.parse(argv, GET_VALUES, GET_BOOLS, "get")
    if p.flag("watch"):
        raise KubeError("error: --watch is not supported by the emulated cluster (objects change only when a "
                        "command changes them)")
    fmt = p.get("output")
    _check_output(fmt)
    if not p.args:
        raise KubeError('error: You must specify the type of resource to get. Use "kubectl api-resources" for a '
                        "complete list of supported resources.\n\nerror: Required resource not specified.\n"
                        "Use \"kubectl explain <resource>\" for a detailed description of that resource (e.g. "
                        "kubectl explain pods).\nSee 'kubectl get -h' for help and examples")
    sort_by = p.get("sort-by")
    failed = False
    groups: list[tuple[ResourceType, list[Doc]]] = []
    with open_session(p, write=False) as s:
        targets = parse_targets(p.args, s.api.types)
        single = len(targets) == 1 and len(targets[0][1]) == 1
        for rt, names in targets:
            field_match = (parse_field_selector(p.get("field-selector") or "", rt.kind, rt.plural)
                           if p.get("field-selector") else None)
            label_match = label_matcher(p.get("selector"), rt, p.get("field-selector") or "")
            if names:
                found = []
                for n in names:
                    try:
                        found.append(s.api.get(rt, s.namespace if rt.namespaced else None, n))
                    except ApiError as exc:
                        if not p.flag("ignore-not-found"):
                            err(exc.render())
                            failed = True
                groups.append((rt, found))
            else:
                ns = None if (s.all_namespaces or not rt.namespaced) else s.namespace
                groups.append((rt, s.api.list(rt, ns, label_match, field_match)))
        if sort_by:
            groups = [(rt, sort_docs(ds, sort_by)) for rt, ds in groups]
        _print(groups, p, fmt, single, s.namespace, s.all_namespaces, any(bool(n) for _, n in targets))
    return 1 if failed else 0


def sort_docs(docs: list[Doc], expr: str) -> list[Doc]:
    """``--sort-by=<jsonpath>``: numbers numerically, everything else as text; missing values first."""
    tmpl = expr if expr.startswith("{") else "{" + (expr if expr.startswith(".") else "." + expr) + "}"
    path = jsonpath.parse_template(tmpl)

    def key(d: Doc) -> tuple[int, float, str]:
        vals = [v for node in path if isinstance(node, jsonpath.Path) for v in jsonpath.evaluate(node, d, tmpl)]
        if not vals:
            return (0, 0.0, "")
        v = vals[0]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return (1, float(v), "")
        return (2, 0.0, jsonpath.format_value(v))

    return sorted(docs, key=key)


def _print(groups: list[tuple[ResourceType, list[Doc]]], p: flags.Parsed, fmt: str | None, single: bool,
           namespace: str, all_ns: bool, by_name: bool) -> None:
    docs = [d for _, ds in groups for d in ds]
    kind = (fmt or "").split("=", 1)[0]
    if kind in ("json", "yaml", "jsonpath", "jsonpath-as-json"):
        root: Any = docs[0] if single and docs else output.as_list(docs)
        if single and not docs:
            return
        if kind == "json":
            sys.stdout.write(output.to_json(root))
        elif kind == "yaml":
            sys.stdout.write(output.to_yaml(root))
        elif kind == "jsonpath-as-json":
            sys.stdout.write(jsonpath.render_as_json(fmt.split("=", 1)[1] if fmt else "", root))
        else:
            template = fmt.split("=", 1)[1] if fmt else ""
            text = jsonpath.render(template, root)
            sys.stdout.write(text)
        return
    if kind == "go-template":
        root = docs[0] if single and docs else output.as_list(docs)
        if single and not docs:
            return
        sys.stdout.write(gotemplate.render(fmt.split("=", 1)[1] if fmt else "", root))
        return
    if not docs:
        if not by_name:
            namespaced = any(rt.namespaced for rt, _ in groups)
            err(f"No resources found in {namespace} namespace." if namespaced and not all_ns
                else "No resources found")
        return
    if kind == "name":
        for rt, ds in groups:
            for d in ds:
                print(output.name_of(rt, d))
        return
    if kind == "custom-columns":
        sys.stdout.write(output.custom_columns(fmt.split("=", 1)[1] if fmt else "", docs, p.flag("no-headers")))
        return
    multi = len([g for g in groups if g[1]]) > 1 or (len(groups) > 1 and not by_name)
    first = True
    for rt, ds in groups:
        if not ds:
            continue
        if not first:
            print()
        first = False
        sys.stdout.write(_table(rt, ds, p, kind == "wide", all_ns and rt.namespaced, multi or p.flag("show-kind")))


def _table(rt: ResourceType, docs: list[Doc], p: flags.Parsed, wide: bool, with_ns: bool, prefix: bool) -> str:
    if rt.custom:
        heads, rows = tables.custom_resource_table(rt.columns, docs, wide)
    elif rt.kind not in tables.TABLES:
        heads = ["NAME", "AGE"]
        rows = [[d["metadata"]["name"], tables._age(d)] for d in docs]
    else:
        heads = tables.headers(rt.kind, wide)
        rows = [tables.row(rt.kind, d, wide) for d in docs]
    label_cols = [c for spec in p.all("label-columns") for c in spec.split(",") if c]
    for c in label_cols:
        heads.append(c.rsplit("/", 1)[-1].upper())
    for d, r in zip(docs, rows, strict=True):
        labels = d["metadata"].get("labels") or {}
        r.extend(labels.get(c, "") for c in label_cols)
    if p.flag("show-labels"):
        heads.append("LABELS")
        for d, r in zip(docs, rows, strict=True):
            r.append(tables.labels_text(d["metadata"].get("labels")))
    if prefix and rt.kind != "Event":
        for r in rows:
            r[0] = f"{rt.qualified}/{r[0]}"
    if with_ns:
        heads.insert(0, "NAMESPACE")
        for d, r in zip(docs, rows, strict=True):
            r.insert(0, d["metadata"].get("namespace", ""))
    all_rows = rows if p.flag("no-headers") else [heads, *rows]
    return tables.tabulate(all_rows)


def run_api_resources(argv: list[str]) -> int:
    p = flags.parse(argv, {"output": ("-o", "--output")}, {"namespaced": ("--namespaced",)}, "api-resources")
    rows = [["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]]
    with open_session(p, write=False) as s:
        types = s.api.types.preferred()
    for rt in sorted(types, key=lambda r: (r.group, r.plural)):
        rows.append([rt.plural, ",".join(rt.short_names), rt.api_version, str(rt.namespaced).lower(), rt.kind])
    sys.stdout.write(tables.tabulate(rows))
    return 0
