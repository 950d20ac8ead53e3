"""The compiled fast check (:func:`aksnet.io.k8s_schema.clean`) answers True exactly for the documents in which
the strict decoder finds neither a type error nor a null, so that ``--from-dir`` and ``aksnet import`` skip the
full walk only when it would find nothing (the refusals and their texts stay the decoder's)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from aksnet.io import k8s_schema
from tests.importing.test_schema_nulls import with_value

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}, "annotations": {"a": "b"},
                 "ownerReferences": [{"apiVersion": "v1", "kind": "X", "name": "o", "uid": "u", "controller": True}],
                 "finalizers": ["f"], "generation": 3},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"},
                     "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": "nginx", "args": ["-x"],
                                     "ports": [{"containerPort": 80, "protocol": "TCP", "name": "http"}],
                                     "resources": {"limits": {"cpu": 1}}, "tty": False}],
                     "tolerations": [{"key": "k", "operator": "Exists", "tolerationSeconds": 5}],
                     "nodeSelector": {"os": "linux"}, "volumes": [{"name": "v", "emptyDir": {}}]},
        },
    },
    "status": {"replicas": 2},
}
NETWORK_POLICY: dict[str, Any] = {
    "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "np"},
    "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"],
             "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}},
                                   {"namespaceSelector": {"matchLabels": {"a": "b"}}}],
                          "ports": [{"port": "http"}, {"port": 53, "endPort": 60, "protocol": "UDP"}]}],
             "egress": [{"to": [], "ports": []}]},
}


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every position of ``value`` (maps' values and lists' items, containers included)."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for k, v in items:
        yield (*path, k)
        yield from _leaves(v, (*path, k))


def _decodes_clean(kind: str, doc: dict[str, Any]) -> tuple[bool, bool]:
    """(the fast check's answer, whether the full walk finds neither a type error nor a null), against the schema
    of ``kind`` (the sweep changes the document's ``apiVersion`` and ``kind`` too)."""
    rt = k8s_schema.BY_KIND[kind]
    _, type_error, nulls = k8s_schema.decode(doc, rt.schema)
    return k8s_schema.clean(doc, rt.schema), type_error is None and not nulls


# every kind of JSON value, put at every position of the documents (integral floats: see the table below)
VALUES = [None, 7, 1.5, True, "x", [], {}, ["x"], [None], [7], {"k": "v"}, {"k": None}, {"k": 7}]
SWEEP = [(f"{doc['kind']}:{'.'.join(map(str, path))}={value!r}", doc["kind"], with_value(doc, path, value))
         for doc in (DEPLOYMENT, NETWORK_POLICY) for path in _leaves(doc) for value in VALUES]


@pytest.mark.parametrize(("kind", "doc"), [r[1:] for r in SWEEP], ids=[r[0] for r in SWEEP])
def test_clean_exactly_when_the_decoder_finds_nothing(kind: str, doc: dict[str, Any]) -> None:
    fast, full = _decodes_clean(kind, doc)
    assert fast == full


class Label(str):
    """A str subclass (never made by the YAML or JSON readers): the fast check leaves it to the full walk."""


ROWS = [
    ("deployment", DEPLOYMENT, True, True),
    ("network-policy", NETWORK_POLICY, True, True),
    ("unknown-field", with_value(DEPLOYMENT, ("spec", "surprise"), {"a": 1}), True, True),
    ("integral-float-replicas", with_value(DEPLOYMENT, ("spec", "replicas"), 2.0), False, True),
    ("bool-as-int", with_value(DEPLOYMENT, ("spec", "replicas"), False), False, False),
    ("str-subclass", with_value(DEPLOYMENT, ("metadata", "name"), Label("web")), False, True),
    ("null-in-free-form", with_value(DEPLOYMENT, ("status",), {"replicas": None}), True, True),
]


@pytest.mark.parametrize(("doc", "fast", "full"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_clean_rows(doc: dict[str, Any], fast: bool, full: bool) -> None:
    assert _decodes_clean(str(doc["kind"]), doc) == (fast, full)
