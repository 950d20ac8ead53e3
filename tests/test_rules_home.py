"""One home per rule: the platform constants of ``aksnet.rules`` appear nowhere else in ``src/aksnet``.

A scanner over the syntax trees (docstrings and comments are free to mention a value): a guarded string is a
string constant equal to one of the values below; a guarded number is an integer constant bound to a name
(assignment, keyword argument, parameter default, ``dict.get`` default) that names the rule. Every use must
import the constant from ``aksnet.rules`` instead.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from aksnet.rules import aks, azure, emulation, ietf, ingress_nginx, kubernetes

SRC = Path(__file__).resolve().parents[1] / "src" / "aksnet"
RULES = SRC / "rules"

GUARDED_STRINGS: dict[str, str] = {
    azure.HOST_VIP: "aksnet.rules.azure.HOST_VIP",
    azure.IMDS_IP: "aksnet.rules.azure.IMDS_IP",
    f"{azure.HOST_VIP}/32": "aksnet.rules.azure.HOST_VIP",
    emulation.DEFAULT_INTERNET_CLIENT: "aksnet.rules.emulation.DEFAULT_INTERNET_CLIENT",
    **{r: "aksnet.rules.ietf (NOT_GLOBALLY_REACHABLE / RFC1918 / …)" for r in ietf.NOT_GLOBALLY_REACHABLE
       if r != "10.0.0.0/8"},  # 10.0.0.0/8 is also a common user CIDR (VNet address space): guarded by tuples
    **{name: "aksnet.rules.azure.DEFAULT_SECURITY_RULES" for name, *_ in azure.DEFAULT_SECURITY_RULES},
    ingress_nginx.CONTROLLER_CLASS: "aksnet.rules.ingress_nginx.CONTROLLER_CLASS",
    ingress_nginx.ANNOTATION_PREFIX: "aksnet.rules.ingress_nginx.ANNOTATION_PREFIX",
    ingress_nginx.FAKE_CERTIFICATE_CN: "aksnet.rules.ingress_nginx.FAKE_CERTIFICATE_CN",
    aks.APP_ROUTING_CLASS: "aksnet.rules.aks.APP_ROUTING_CLASS",
    aks.APP_ROUTING_CONTROLLER: "aksnet.rules.aks.APP_ROUTING_CONTROLLER",
    aks.LB_INTERNAL_ANNOTATION: "aksnet.rules.aks.LB_INTERNAL_ANNOTATION",
    kubernetes.CLUSTER_DOMAIN: "aksnet.rules.kubernetes.CLUSTER_DOMAIN",
    kubernetes.LEGACY_INGRESS_CLASS_ANNOTATION: "aksnet.rules.kubernetes.LEGACY_INGRESS_CLASS_ANNOTATION",
}
# (integer, pattern of the name it is bound to) → the rule's home
GUARDED_NUMBERS: tuple[tuple[int, str, str], ...] = (
    (azure.MAX_ROUTES_PER_ROUTE_TABLE, r"route|max_nodes", "aksnet.rules.azure.MAX_ROUTES_PER_ROUTE_TABLE"),
    (azure.SUBNET_RESERVED_ADDRESSES, r"reserved", "aksnet.rules.azure.SUBNET_RESERVED_ADDRESSES"),
    (azure.SUBNET_FIRST_USABLE_OFFSET, r"reserved|usable|first", "aksnet.rules.azure.SUBNET_FIRST_USABLE_OFFSET"),
    (kubernetes.KUBELET_DEFAULT_MAX_PODS, r"max_?pods", "aksnet.rules.kubernetes.KUBELET_DEFAULT_MAX_PODS"),
    *((n, r"max_?pods", "aksnet.rules.aks.DEFAULT_MAX_PODS") for n in set(aks.DEFAULT_MAX_PODS.values())),
    (aks.MIN_PODS_PER_POOL, r"max_?pods", "aksnet.rules.aks.MIN_PODS_PER_POOL"),
    (aks.MAX_NODES_PER_POOL, r"max_nodes|max_count", "aksnet.rules.aks.MAX_NODES_PER_POOL"),
    (aks.MAX_NODES_PER_CLUSTER, r"max_nodes", "aksnet.rules.aks.MAX_NODES_PER_CLUSTER"),
    (azure.NSG_MIN_PRIORITY, r"priority", "aksnet.rules.azure.NSG_MIN_PRIORITY"),
    (kubernetes.KUBE_PROXY_HEALTHZ_PORT, r"port|healthz|probe", "aksnet.rules.kubernetes.KUBE_PROXY_HEALTHZ_PORT"),
)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _bound_ints(tree: ast.AST) -> Iterator[tuple[int, str, int]]:
    """(value, name it is bound to, line) of every integer constant bound to a name."""
    def ints(node: ast.AST) -> Iterator[tuple[int, int]]:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant) and type(sub.value) is int:
                yield sub.value, sub.lineno

    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for sub in ast.walk(t):
                    name = sub.id if isinstance(sub, ast.Name) else sub.attr if isinstance(sub, ast.Attribute) else ""
                    if name:
                        for v, line in ints(node.value):
                            yield v, name, line
        elif isinstance(node, ast.keyword) and node.arg:
            for v, line in ints(node.value):
                yield v, node.arg, line
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            pos = [*a.posonlyargs, *a.args]
            for arg, default in zip(pos[len(pos) - len(a.defaults):], a.defaults, strict=True):
                for v, line in ints(default):
                    yield v, arg.arg, line
            for arg, kw in zip(a.kwonlyargs, a.kw_defaults, strict=True):
                if kw is not None:
                    for v, line in ints(kw):
                        yield v, arg.arg, line
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and len(node.args) == 2 and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            for v, line in ints(node.args[1]):
                yield v, node.args[0].value, line


def violations(path: Path) -> list[str]:
    rel = path.relative_to(SRC.parent)
    return [f"{rel}:{v}" for v in _violations_of(ast.parse(path.read_text(encoding="utf-8")))]


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if RULES not in p.parents)


def test_no_platform_literal_outside_the_catalogue() -> None:
    found = [v for p in _sources() for v in violations(p)]
    assert not found, "platform rules written outside aksnet.rules:\n" + "\n".join(found)


@pytest.mark.parametrize(("code", "caught"), [
    pytest.param('X = "168.63.129.16"\n', True, id="host-vip-string"),
    pytest.param('"""168.63.129.16 in a docstring is prose."""\n', False, id="docstring-free"),
    pytest.param("MAX_ROUTES = 400\n", True, id="route-limit-bound-to-a-name"),
    pytest.param("status = 400\n", False, id="unrelated-400"),
    pytest.param("def f(max_pods: int = 110) -> None: ...\n", True, id="max-pods-default"),
    pytest.param('n = p.get("maxPods", 110)\n', True, id="dict-get-default"),
    pytest.param('rules = ("AllowVnetInBound", 65000)\n', True, id="default-rule-name"),
    pytest.param('cidr = "10.0.0.0/8"\n', False, id="user-cidr-free"),
])
def test_scanner(code: str, caught: bool) -> None:
    assert bool(_violations_of(ast.parse(code))) is caught


def _violations_of(tree: ast.AST) -> list[str]:
    docs = _docstrings(tree)
    out = [f"{n.lineno}: {n.value!r} (import {GUARDED_STRINGS[n.value]})" for n in ast.walk(tree)
           if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
           and n.value in GUARDED_STRINGS]
    out += [f"{line}: {name} = {v} (import {home})" for v, name, line in _bound_ints(tree)
            for g, pat, home in GUARDED_NUMBERS if v == g and re.search(pat, name, re.IGNORECASE)]
    return out
