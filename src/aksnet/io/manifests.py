"""Reading Kubernetes manifests: YAML (multi-document) or JSON, from a file, a directory or stdin.

Uses libyaml's safe loader (through :mod:`aksnet.io.yaml_load`, which builds the values faster), and expands
``kind: List``/``*List`` documents into their items, as kubectl does. Hostile input stops here with kubectl's
parse errors: bytes that are not UTF-8 (or UTF-16 with a BOM), and documents nested deeper than :data:`MAX_DEPTH`.
Errors name the file (and line for YAML syntax errors) in kubectl's style;
a syntax error anywhere means nothing is returned (kubectl applies nothing from a file it cannot parse).
"""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from aksnet.errors import KubeError
from aksnet.io import yaml_load

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
# How deeply a manifest may nest. go-yaml and Go's encoding/json stop at 10,000; aksnet stops far earlier,
# because Python code walks documents recursively (no Kubernetes object nests more than a few dozen levels).
MAX_DEPTH = 200


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One object read from ``source`` (a path or ``STDIN``); ``index`` is its position in the file."""

    source: str
    index: int
    body: dict[str, Any]


def _yaml_error(source: str, problem: str) -> KubeError:
    return KubeError(f"error: error parsing {source}: error converting YAML to JSON: yaml: {problem}")


def decode_text(data: bytes, source: str) -> str:
    """Manifest bytes → text as go-yaml reads them: UTF-8 (a BOM dropped) or UTF-16 with a BOM; other bytes
    are go-yaml's ``invalid leading UTF-8 octet``."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _yaml_error(source, "invalid Unicode character") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _yaml_error(source, "invalid leading UTF-8 octet") from None


def read_manifest_file(path: Path) -> str:
    """The text of one manifest file (kubectl's read errors, go-yaml's encoding rules)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KubeError(f"error: open {path}: {(exc.strerror or str(exc)).lower()}") from exc
    return decode_text(data, str(path))


def nesting_depth(value: Any) -> int:
    """How deeply lists and maps nest in ``value`` (level by level, iteratively: a hostile document must not
    exhaust the stack; counting stops past :data:`MAX_DEPTH`)."""
    depth = 0
    level = [value]
    while True:
        below: list[Any] = []
        container = False
        for v in level:
            if isinstance(v, dict):
                below.extend(v.values())
                container = True
            elif isinstance(v, list):
                below.extend(v)
                container = True
        if not container:
            return depth
        depth += 1
        if depth > MAX_DEPTH:
            return depth
        level = below


def parse_text(text: str, source: str) -> list[SourceDocument]:
    """All objects in one YAML/JSON text; ``kind: List`` expanded; empty documents skipped."""
    try:
        if source.endswith(".json") or (text.lstrip().startswith(("{", "[")) and _looks_json(text)):
            raw_docs: Iterable[Any] = [json.loads(text)]
        else:
            raw_docs = yaml_load.load_all(text)
    except RecursionError:
        raise _yaml_error(source, f"exceeded max depth of {MAX_DEPTH}") from None
    except ValueError as exc:  # a JSON number too large to convert, a NUL in libyaml's input
        if isinstance(exc, json.JSONDecodeError):
            raise KubeError(f"error: error parsing {source}: {exc.msg} at line {exc.lineno}") from exc
        raise _yaml_error(source, str(exc)) from exc
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
        if nesting_depth(raw) > MAX_DEPTH:
            raise _yaml_error(source, f"exceeded max depth of {MAX_DEPTH}")
        for doc in _expand(raw, source):
            out.append(SourceDocument(source, len(out), doc))
    return out


def _looks_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
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
    """Objects from ``-f SPEC``: a file, a directory, ``-`` for stdin, or the Gateway API release URL (its
    CRDs are built in; any other URL fails: aksnet reads no network)."""
    if spec.startswith(("http://", "https://")):
        from aksnet.io import gateway_api_bundle  # the built-in release: only for its URL

        known = gateway_api_bundle.release_documents(spec)
        if known is None:
            raise KubeError(f'error: unable to read URL "{spec}": aksnet reads no network; download the file and '
                            "pass its path")
        return [SourceDocument(spec, i, d) for i, d in enumerate(known)]
    if spec == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        text = decode_text(stdin.read(), "STDIN") if stdin is not None else sys.stdin.read()
        return parse_text(text, "STDIN")
    out: list[SourceDocument] = []
    for f in manifest_files(Path(spec), recursive):
        out.extend(parse_text(read_manifest_file(f), str(f)))
    return out
