"""kubectl's non-table output formats: ``-o json`` (4-space indent, sorted keys), ``-o yaml`` (sigs.k8s.io/
yaml style: sorted keys, ambiguous strings double-quoted, multi-line strings as literal blocks), ``-o name``,
``-o jsonpath=…``, ``-o jsonpath-as-json=…`` and ``-o custom-columns=…`` (each column's results joined with
commas, values as Go's ``%v`` prints them: ``map[k:v]``, ``[a b]``). Pure functions of documents."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from aksnet.cli.kubectl import jsonpath
from aksnet.cli.kubectl.tables import tabulate
from aksnet.errors import KubeError
from aksnet.twin.kube.schema import ResourceType

if TYPE_CHECKING:
    import yaml

Doc = dict[str, Any]


def as_list(items: list[Doc]) -> Doc:
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


def to_json(obj: Any) -> str:
    return json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False) + "\n"


# Strings go-yaml v2 (which sigs.k8s.io/yaml uses) quotes because YAML 1.1 reads them as booleans; PyYAML's
# resolver leaves y/n and their cases out (go-yaml resolve.go, the YAML 1.1 bool table).
YAML11_BOOLS = frozenset({"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
                          "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"})


def _str_repr(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    import yaml

    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    resolved = dumper.resolve(yaml.ScalarNode, data, (True, False))  # type: ignore[no-untyped-call]
    special = (not data or data != data.strip() or data[0] in "!&*-:?{}[],#|>@`\"'%" or ": " in data
               or " #" in data or data.endswith(":") or data in YAML11_BOOLS)
    if resolved != "tag:yaml.org,2002:str" or special:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


@functools.cache
def _dumper() -> type[yaml.SafeDumper]:
    """PyYAML's safe dumper with sigs.k8s.io/yaml's string and null styles (PyYAML imported for ``-o yaml`` only)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(str, _str_repr)
    Dumper.add_representer(type(None), lambda d, _: d.represent_scalar("tag:yaml.org,2002:null", "null"))
    return Dumper


def to_yaml(obj: Any) -> str:
    import yaml

    return yaml.dump(obj, Dumper=_dumper(), sort_keys=True, default_flow_style=False, allow_unicode=True,
                     width=10**9)


def name_of(rt: ResourceType, doc: Doc) -> str:
    return f"{rt.qualified}/{doc['metadata']['name']}"


def custom_columns(spec: str, docs: list[Doc], no_headers: bool) -> str:
    cols = []
    for part in spec.split(","):
        header, sep, path = part.partition(":")
        if not sep:
            raise KubeError("error: custom-columns format specified but no custom columns given" if not part
                            else f"error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
        tmpl = path if path.startswith("{") else "{" + (path if path.startswith(".") else "." + path) + "}"
        cols.append((header, tmpl))
    rows = [] if no_headers else [[h for h, _ in cols]]
    for d in docs:
        row = []
        for _, tmpl in cols:
            values = jsonpath.values(tmpl, d)
            row.append(",".join(jsonpath.go_value(v) for v in values) if values else "<none>")
        rows.append(row)
    return tabulate(rows)
