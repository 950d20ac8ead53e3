"""Reading Kubernetes manifests: YAML (multi-document) or JSON, from a file, a directory or stdin.

Uses libyaml's safe loader when available (fast), and expands ``kind: List``/``*List`` documents into
their items, as kubectl does. Errors name the file (and line for YAML syntax errors) in kubectl's style;
a syntax error anywhere means nothing is returned (kubectl applies nothing from a file it cannot parse).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from aksnet.errors import KubeError

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One object read from ``source`` (a path or ``STDIN``); ``index`` is its position in the file."""

    source: str
    index: int
    body: dict[str, Any]


def parse_text(text: str, source: str) -> list[SourceDocument]:
    """All objects in one YAML/JSON text; ``kind: List`` expanded; empty documents skipped."""
    try:
        if source.endswith(".json") or (text.lstrip().startswith(("{", "[")) and _looks_json(text)):
            raw_docs: Iterable[Any] = [json.loads(text)]
        else:
            raw_docs = list(yaml.load_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "unknown line"
        problem = getattr(exc, "problem", None) or str(exc)
        raise KubeError(
            f'error: error parsing {source}: error converting YAML to JSON: yaml: {where}: {problem}'
        ) from exc
    except json.JSONDecodeError as exc:
        raise KubeError(f"error: error parsing {source}: {exc.msg} at line {exc.lineno}") from exc
    out: list[SourceDocument] = []
    for raw in raw_docs:
        for doc in _expand(raw, source):
            out.append(SourceDocument(source, len(out), doc))
    return out


def _looks_json(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


def _expand(raw: Any, source: str) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if isinstance(raw, list):
        return [d for item in raw for d in _expand(item, source)]
    if not isinstance(raw, dict):
        raise KubeError(f"error: error validating \"{source}\": error validating data: invalid object: "
                        f"expected a map, got {type(raw).__name__}")
    kind = raw.get("kind")
    if isinstance(kind, str) and (kind == "List" or kind.endswith("List")) and isinstance(raw.get("items"), list):
        return [d for item in raw["items"] for d in _expand(typed_list_item(raw, item), source)]
    return [raw]


def typed_list_item(lst: dict[str, Any], item: Any) -> Any:
    """An item of a typed list (``PodList``, ``NamespaceList``, … as the API server and ``kubectl get --raw``
    return them) carries no ``kind``/``apiVersion``: they are the list's, less ``List``, as Kubernetes' own
    decoder fills them in (apimachinery ``meta.ExtractList`` / ``runtime.DecodeList``). Items of a plain
    ``kind: List`` keep their own."""
    kind = str(lst.get("kind", ""))
    if kind == "List" or not isinstance(item, dict) or (item.get("kind") and item.get("apiVersion")):
        return item
    filled = dict(item)
    filled.setdefault("kind", kind.removesuffix("List"))
    if lst.get("apiVersion"):
        filled.setdefault("apiVersion", lst["apiVersion"])
    return filled


def manifest_files(path: Path, recursive: bool = False) -> list[Path]:
    """The files ``kubectl apply -f PATH`` reads: PATH itself, or the .yaml/.yml/.json files of a
    directory (sorted; sub-directories only with ``-R``)."""
    if not path.exists():
        raise KubeError(f'error: the path "{path}" does not exist')
    if path.is_file():
        return [path]
    pattern = "**/*" if recursive else "*"
    return sorted(p for p in path.glob(pattern) if p.is_file() and p.suffix in MANIFEST_SUFFIXES)


def load_path(spec: str, recursive: bool = False) -> list[SourceDocument]:
    """Objects from ``-f SPEC``: a file, a directory, or ``-`` for stdin."""
    if spec == "-":
        return parse_text(sys.stdin.read(), "STDIN")
    out: list[SourceDocument] = []
    for f in manifest_files(Path(spec), recursive):
        out.extend(parse_text(f.read_text(encoding="utf-8"), str(f)))
    return out
