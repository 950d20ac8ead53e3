"""The pure DOT and HTML builders of ``aksnet ui`` and ``trace -o html|svg``: names from manifests are escaped
(a name with ``<script>`` and ``"`` stays text in DOT, SVG and HTML), every node and edge is named."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from aksnet.analyses.trace import Target, TraceResult
from aksnet.engine.flow import Hop, Site, Walk
from aksnet.model import azure, k8s
from aksnet.model.twin import ClusterState, Twin
from aksnet.render import topology_dot, topology_html, trace_dot, trace_html
from aksnet.render.dot_escape import quote
from aksnet.render.html_page import esc, inline_svg

EVIL = 'x<script>alert("1")</script>&\\n'
VNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"


@pytest.mark.parametrize(("text", "quoted"), [
    pytest.param("plain", '"plain"', id="plain"),
    pytest.param('a"b', '"a\\"b"', id="double-quote"),
    pytest.param("a\\nb", '"a\\\\nb"', id="backslash-is-not-an-escape"),
    pytest.param("a&lt;b", '"a&amp;lt;b"', id="ampersand-is-not-an-entity"),
    pytest.param("a\nb", '"a\\nb"', id="newline-is-a-line-break"),
    pytest.param("<script>", '"<script>"', id="angle-brackets-are-text-in-dot"),
])
def test_quote(text: str, quoted: str) -> None:
    assert quote(text) == quoted


@pytest.mark.parametrize(("text", "escaped"), [
    pytest.param('<script>"', "&lt;script&gt;&quot;", id="script-and-quote"),
    pytest.param("a&b'", "a&amp;b&#x27;", id="amp-and-apostrophe"),
])
def test_esc(text: str, escaped: str) -> None:
    assert esc(text) == escaped


def _evil_twin() -> Twin:
    subnet = azure.Subnet(f"{VNET}/subnets/s", EVIL, VNET, ("10.0.0.0/24",))
    vnet = azure.VirtualNetwork(VNET, EVIL, "rg", "eastus", ("10.0.0.0/16",), (subnet,))
    pod = k8s.Pod("default", EVIL, {"app": EVIL}, pod_ip="10.0.0.9", owner_kind="Deployment", owner_name=EVIL)
    svc = k8s.Service("default", EVIL, selector={"app": EVIL})
    return Twin(vnets=(vnet,), clusters=(ClusterState(None, pods=(pod,), services=(svc,)),))


def _evil_trace() -> TraceResult:
    hop = Hop(EVIL, "deny", f"NetworkPolicy {EVIL}")
    walk = Walk("denied", EVIL, Site("pod", "10.0.0.9", EVIL), "10.0.0.8", 80, "TCP", (hop,))
    return TraceResult(EVIL, Target("pod", EVIL, ("10.0.0.8",), 80), "TCP", (walk,))


DOTS = [pytest.param(topology_dot.render(_evil_twin()), id="topology"),
        pytest.param(trace_dot.render(_evil_trace()), id="trace")]


@pytest.mark.parametrize("dot", DOTS)
def test_dot_statements_are_quoted(dot: str) -> None:
    # every quote inside a name is escaped: removing escaped quotes leaves an even number per line
    for line in dot.splitlines():
        assert line.replace('\\\\', "").replace('\\"', "").count('"') % 2 == 0, line


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (scripts/setup.sh as root)")
@pytest.mark.parametrize("dot", DOTS)
def test_graphviz_keeps_the_name_as_text(dot: str) -> None:
    svg = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=True).stdout
    assert "<script" not in svg
    assert "x&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;&amp;\\n" in svg
    # every node and edge group carries a non-empty <title>, every edge a text label
    for kind in ("node", "edge"):
        groups = re.findall(rf'<g id="{kind}\d+" class="{kind}">\s*<title>([^<]+)</title>(.*?)</g>', svg, re.S)
        assert groups, kind
        assert all("<text" in body for _, body in groups), kind


def test_topology_names_every_relation() -> None:
    dot = topology_dot.render(_evil_twin())
    edges = [ln for ln in dot.splitlines() if " -> " in ln]
    assert edges and all("label=" in e for e in edges)
    assert any('[label="selects"' in e for e in edges)  # the Service selects the pod by its labels
    assert any('[label="has subnet"' in e for e in edges)


@pytest.mark.parametrize("page", [
    pytest.param(topology_html.render(_evil_twin(), "<svg><title>t</title></svg>"), id="topology"),
    pytest.param(trace_html.render(_evil_trace(), "<svg><title>t</title></svg>"), id="trace"),
])
def test_html_escapes_names(page: str) -> None:
    assert "<script" not in page
    assert "x&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;&amp;" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page  # nothing fetched


def test_trace_page_names_each_hop_rule() -> None:
    page = trace_html.render(_evil_trace(), "<svg/>")
    assert "NetworkPolicy x&lt;script&gt;" in page and ">DENY<" in page


def test_inline_svg_drops_the_prolog() -> None:
    svg = '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "x" "y">\n<!-- Generated -->\n<svg/>'
    assert inline_svg(svg) == "<svg/>"


@pytest.mark.parametrize(("labels", "namespace", "cls", "drawn"), [
    pytest.param({"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"},
                 "ingress-nginx", "nginx", True, id="helm-chart-controller"),
    pytest.param({"app": "nginx"}, "app-routing-system", "webapprouting.kubernetes.azure.com", True,
                 id="app-routing-add-on"),
    pytest.param({"app": "nginx"}, "default", "nginx", False, id="an-ordinary-nginx-pod"),
])
def test_ingress_controller_runs_as_its_pods(labels: dict[str, str], namespace: str, cls: str, drawn: bool) -> None:
    from aksnet.engine.ingress.model import APPROUTING_CONTROLLER, NGINX_CONTROLLER

    controller = APPROUTING_CONTROLLER if namespace == "app-routing-system" else NGINX_CONTROLLER
    pod = k8s.Pod(namespace, "ctrl-0", labels, pod_ip="10.0.0.5")
    twin = Twin(clusters=(ClusterState(None, pods=(pod,), ingress_classes=(k8s.IngressClass(cls, controller),)),))
    dot = topology_dot.render(twin)
    assert (f'-> "pod {namespace}/ctrl-0" [label="runs as"' in dot) is drawn
    assert f'"ingress controller {cls} ({controller})" [label=' in dot


def _gateway_twin() -> Twin:
    from aksnet.model import gateway as g
    from aksnet.rules.gateway_api import GATEWAY_NAME_LABEL

    gw = g.Gateway("web", EVIL, "istio", (g.Listener("http", "HTTP", 80),))
    route = g.HTTPRoute("web", "shop", (g.ObjectRef("gateway.networking.k8s.io", "Gateway", EVIL),), ("shop.example",),
                        (g.RouteRule((g.RouteMatch(),), backends=(g.BackendRef(g.ObjectRef("", "Service", "api")),)),))
    services = (k8s.Service("web", "gw-istio", labels={GATEWAY_NAME_LABEL: EVIL}), k8s.Service("web", "api"))
    pod = k8s.Pod("web", "gw-istio-0", {GATEWAY_NAME_LABEL: EVIL}, pod_ip="10.0.0.5")
    world = g.GatewayWorld(gateways=(gw,), routes=(route,))
    return Twin(clusters=(ClusterState(None, pods=(pod,), services=services, gateway=world),))


@pytest.mark.parametrize("edge", [
    pytest.param(f'"Gateway web/{quote(EVIL)[1:-1]}" -> "Service web/gw-istio" [label="implemented by"',
                 id="gateway-implemented-by-its-service"),
    pytest.param(f'"Gateway web/{quote(EVIL)[1:-1]}" -> "pod web/gw-istio-0" [label="runs as"', id="its-pods"),
    pytest.param(f'"Gateway web/{quote(EVIL)[1:-1]}" -> "HTTPRoute web/shop" [label="routes by"', id="its-routes"),
    pytest.param('"HTTPRoute web/shop" -> "Service web/api" [label="routes to"', id="route-backend"),
])
def test_topology_draws_gateways(edge: str) -> None:
    assert edge in topology_dot.render(_gateway_twin())


def test_resource_names_list_gateways_and_routes() -> None:
    names = topology_html.resource_names(_gateway_twin())
    assert ("Gateway", f"web/{EVIL}") in names and ("HTTPRoute", "web/shop") in names
