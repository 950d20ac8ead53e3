"""aksnet.io.yaml_load builds exactly what PyYAML's safe loader builds (values, types, key order, errors)."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml

from aksnet.io.yaml_load import load_all

CASES = [
    ("manifest", "apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: {app: web}}\nspec:\n  containers:\n"
                 "  - name: c\n    ports: [{containerPort: 8080, name: http}]\n"),
    ("yaml-1.1-scalars", "a: yes\nb: 0777\nc: 0x1f\nd: 1_000\ne: ~\nf: .nan\ng: -.inf\nh: 1e3\ni: 'yes'\nj: off\n"),
    ("timestamp-and-binary", "c: 2001-12-14\nd: !!binary aGVsbG8=\n"),
    ("tagged-collections", "- !!set {a, b}\n- !!omap [a: 1]\n- !!str 12\n"),
    ("duplicate-keys-last-wins", "a: 1\na: 2\n"),
    ("empty-documents", "---\n---\nx\n---\n"),
    ("anchors-and-aliases", "a: &x {k: 1}\nb: *x\n"),
    ("merge-key", "base: &b {k: 1}\nx:\n  <<: *b\n  j: 2\n"),
    ("non-string-keys", "1: a\ntrue: b\nnull: c\n"),
    ("unhashable-key", "? [a]\n: 1\n"),
    ("unknown-tag", "a: !foo 1\n"),
    ("undefined-alias", "a: *b\n"),
    ("syntax-error-after-a-document", "a: 1\n---\nb: [\n"),
    ("value-indicator-key-is-a-str", "=: web\n"),
    ("value-indicator-value-is-an-error", "a: =\n"),
    ("two-errors-pyyaml-order", "web:\n  - =\nweb: {}\n[]:\n"),  # PyYAML meets the unhashable key first
    ("flow-json", '{"a": [1, "b", {"c": null}], "d": true}'),
]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _outcome(fn: Any) -> tuple[str, Any]:
    try:
        return "ok", fn()
    except yaml.YAMLError as exc:
        return type(exc).__name__, str(exc)


@pytest.mark.parametrize("text", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_same_as_pyyaml_safe_loader(text: str) -> None:
    want = _outcome(lambda: list(yaml.load_all(text, Loader=yaml.CSafeLoader)))
    got = _outcome(lambda: load_all(text))
    assert got[0] == want[0]
    assert _same(got[1], want[1])


def test_an_alias_is_the_same_object_as_pyyaml_makes_it() -> None:
    (doc,) = load_all("a: &x {k: 1}\nb: *x\n")
    assert doc["a"] is doc["b"]
