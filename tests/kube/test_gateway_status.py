"""Gateway API objects through kubectl: the CRDs' Pending defaults until a controller handles the class, then
the status conditions the controller writes (GatewayClass Accepted, Gateway listeners with attachedRoutes,
HTTPRoute parents with Accepted and ResolvedRefs and their reasons) in ``get -o yaml`` and ``describe``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aksnet.rules import gateway_api
from tests.kube.helpers import kubectl, setup_cluster

OBJECTS = """apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: %(cls)s}
spec: {controllerName: %(ctrl)s}
---
apiVersion: v1
kind: Namespace
metadata: {name: infra}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: %(cls)s
  listeners:
  - {name: http, protocol: HTTP, port: 80, hostname: "*.example.com", allowedRoutes: {namespaces: {from: All}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: gw, namespace: infra}]
  hostnames: [%(host)s]
  rules: [{backendRefs: [{name: %(svc)s, port: 80}]}]
"""


@pytest.fixture
def cluster(home: Path) -> str:
    cid = setup_cluster()
    assert kubectl("apply", "-f", gateway_api.release_url()).code == 0
    return cid


def _apply(tmp_path: Path, **kw: str) -> None:
    values = {"cls": "istio", "ctrl": gateway_api.ISTIO_CONTROLLER, "host": "app.example.com", "svc": "web", **kw}
    f = tmp_path / "objs.yaml"
    f.write_text(OBJECTS % values)
    r = kubectl("apply", "-f", str(f))
    assert r.code == 0, r.err


def _conds(doc: dict[str, object], *path: object) -> dict[str, tuple[str, str]]:
    node: object = doc["status"]
    for p in path:
        node = node[p]  # type: ignore[index]
    return {c["type"]: (c["status"], c["reason"]) for c in node}  # type: ignore[union-attr]


def test_pending_without_a_controller(cluster: str, tmp_path: Path) -> None:
    _apply(tmp_path, cls="other", ctrl="example.com/unknown")
    gw = yaml.safe_load(kubectl("get", "gtw", "gw", "-n", "infra", "-o", "yaml").out)
    assert _conds(gw, "conditions") == {"Accepted": ("Unknown", "Pending"), "Programmed": ("Unknown", "Pending")}
    assert kubectl("get", "gc", "other").out.splitlines()[1].split()[:3] == ["other", "example.com/unknown",
                                                                          "Unknown"]


@pytest.mark.parametrize(("kw", "accepted", "resolved", "attached"), [
    ({}, ("True", "Accepted"), ("True", "ResolvedRefs"), 1),
    ({"host": "app.example.net"}, ("False", "NoMatchingListenerHostname"), ("True", "ResolvedRefs"), 0),
    ({"svc": "missing"}, ("True", "Accepted"), ("False", "BackendNotFound"), 1),
], ids=["accepted", "no-matching-hostname", "backend-not-found"])
def test_status_written_by_the_controller(cluster: str, tmp_path: Path, kw: dict[str, str],
                                          accepted: tuple[str, str], resolved: tuple[str, str], attached: int) -> None:
    _apply(tmp_path, **kw)
    route = yaml.safe_load(kubectl("get", "httproute", "web", "-o", "yaml").out)
    parent = route["status"]["parents"][0]
    assert parent["controllerName"] == gateway_api.ISTIO_CONTROLLER
    assert parent["parentRef"] == {"group": gateway_api.GROUP, "kind": "Gateway", "name": "gw", "namespace": "infra"}
    assert _conds(route, "parents", 0, "conditions") == {"Accepted": accepted, "ResolvedRefs": resolved}
    gw = yaml.safe_load(kubectl("get", "gateway", "gw", "-n", "infra", "-o", "yaml").out)
    assert _conds(gw, "conditions") == {"Accepted": ("True", "Accepted"), "Programmed": ("True", "Programmed")}
    assert gw["status"]["listeners"][0]["attachedRoutes"] == attached
    assert kubectl("get", "gc", "istio").out.splitlines()[1].split()[:3] == ["istio", gateway_api.ISTIO_CONTROLLER,
                                                                          "True"]
    assert "Reason:" in kubectl("describe", "httproute", "web").out or accepted[1] in kubectl(
        "describe", "httproute", "web").out
