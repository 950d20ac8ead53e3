"""The trace view: the path drawn on the topology (the resources a flow passes emphasised, its steps as edges),
each hop with its decision and rule by name, and the reply path apart when it differs from the request's."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from aksnet.engine.flow import Hop, Site, Walk
from aksnet.model import azure, k8s
from aksnet.model.twin import Twin
from aksnet.render import trace_topology
from tests.conftest import aksnet_home, run_cli
from tests.trace import worlds
from tests.ui.browser import browser, needs_browser

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
VNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub"


def _twin() -> Twin:
    subnet = azure.Subnet(f"{VNET}/subnets/aks-subnet", "aks-subnet", VNET, ("10.0.0.0/24",))
    vnet = azure.VirtualNetwork(VNET, "hub", "rg", "eastus", ("10.0.0.0/16",), (subnet,))
    nic = azure.NetworkInterface("/nics/nvaNic", "nvaNic", "rg", ())
    vm = azure.VirtualMachine("/vms/nva", "nva", "rg", ("/nics/nvaNic",))
    return Twin(vnets=(vnet,), nics=(nic,), vms=(vm,))


@pytest.mark.parametrize(("hop", "nodes"), [
    pytest.param(Hop("load balancer kubernetes", "forward", "r"), ["load balancer kubernetes"], id="load-balancer"),
    pytest.param(Hop("NSG inbound (subnet aks-nsg)", "allow", "r"), ["NSG aks-nsg"], id="subnet-nsg"),
    pytest.param(Hop("NSG outbound (nic vm-nsg)", "allow", "r"), ["NSG vm-nsg"], id="nic-nsg"),
    pytest.param(Hop("kube-proxy (n1)", "dnat", "KUBE-SVC default/web:80 (ClusterIP): endpoint"),
                 ["Service default/web", "node n1"], id="kube-proxy-names-the-service"),
    pytest.param(Hop("SNAT (n1)", "snat", "r"), ["node n1"], id="node-snat"),
    pytest.param(Hop("node n1", "forward", "r"), ["node n1"], id="node"),
    pytest.param(Hop("route (aks-subnet)", "route", "r"), ["subnet hub/aks-subnet"], id="route-is-the-subnet"),
    pytest.param(Hop("pod default/web-1", "deliver", "r"), ["pod default/web-1"], id="pod"),
    pytest.param(Hop("vm appvm", "deliver", "r"), ["VM appvm"], id="vm"),
    pytest.param(Hop("appliance nvaNic", "forward", "r"), ["VM nva"], id="appliance-is-its-vm"),
    pytest.param(Hop("NetworkPolicy ingress (none)", "allow", "r"), [], id="policy-is-not-drawn"),
    pytest.param(Hop("reply: route (aks-subnet)", "drop", "r"), [], id="reply-hops-are-not-the-request"),
])
def test_path_nodes(hop: Hop, nodes: list[str]) -> None:
    pod = k8s.Pod("default", "client", {}, pod_ip="10.0.0.9")
    walk = Walk("delivered", "ok", Site("pod", "10.0.0.9", "client", pod=pod), "10.0.0.8", 80, "TCP", (hop,))
    got = [n for n, _ in trace_topology.path_nodes(_twin(), walk)]
    assert got == ["pod default/client", *nodes]


def _figure(dom: str) -> str:
    m = re.search(r'<figure aria-label="the path on the topology">(.*?)</figure>', dom, re.S)
    assert m, "no topology figure"
    return m.group(1)


@needs_dot
@needs_browser
def test_trace_path_is_drawn_on_the_topology(demo_home: Path, tmp_path: Path) -> None:
    with aksnet_home(demo_home):
        r = run_cli("trace", "internet", "svc/default/web", "--port", "80", "-o", "html")
    assert r.code == 0, r.err
    (tmp_path / "t.html").write_text(r.out)
    with browser() as b:
        b.page.goto((tmp_path / "t.html").as_uri())
        fig = _figure(b.page.content())
        assert b.errors == []
    edges = re.findall(r'<g id="edge\d+" class="edge">\s*<title>([^<]+)</title>(.*?)</g>', fig, re.S)
    steps = sorted((int(m.group(1)), m.group(0), title) for title, body in edges
                   if (m := re.search(r"step (\d+): [^<]+", body)))
    assert [s for _, s, _ in steps][:2] == ["step 1: hop 1 FORWARD", "step 2: hop 2 ALLOW"], steps
    assert steps[0][2] == "Internet-&gt;load balancer kubernetes"
    framed = re.findall(r'<g id="node\d+" class="node">\s*<title>([^<]+)</title>\s*<[a-z]+ fill="#fff2cc" '
                        r'stroke="#c00000" stroke-width="3"', fig)
    assert {"Internet", "load balancer kubernetes", "NSG aks-nsg", "Service default/web"} <= set(framed), framed
    assert any(f.startswith("pod default/web-") for f in framed)


@needs_dot
@needs_browser
def test_reply_path_shown_when_it_differs(home: Path, tmp_path: Path) -> None:
    worlds.appliance().save(home)
    r = run_cli("trace", "vm/testvm", "vm/appvm", "--port", "80", "-o", "html")
    assert r.code == 1, r.err
    (tmp_path / "t.html").write_text(r.out)
    with browser() as b:
        b.page.goto((tmp_path / "t.html").as_uri())
        reply = b.page.get_by_role("table", name="reply path (differs from the request's)")
        assert reply.is_visible()
        text = reply.inner_text()
        assert "reply: route (apps-subnet)" in text and "DROP" in text and "asymmetric routing" in text
        request = b.page.get_by_role("table", name="request path").inner_text()
        assert "appliance nvaVMNic" in request and "reply:" not in request
        assert "VM nva" in _figure(b.page.content())
        assert b.errors == []


@needs_dot
@needs_browser
def test_served_trace_form_offers_the_workspace_endpoints(demo_home: Path, served: str) -> None:
    with browser() as b:
        b.page.goto(served)
        b.page.get_by_role("link", name="trace").click()
        options = b.page.locator("datalist#endpoints option")
        values = [options.nth(i).get_attribute("value") for i in range(options.count())]
        for endpoint in ("internet", "deploy/default/web", "ds/kube-system/kube-proxy", "svc/default/web",
                         "vm/testvm", "node/aks-nodepool1-67915021-vmss000000"):
            assert endpoint in values
        b.page.get_by_label("FROM", exact=True).fill("internet")
        b.page.get_by_label("TO", exact=True).fill("svc/default/web")
        b.page.get_by_label("port", exact=True).fill("80")
        b.page.get_by_role("button", name="trace").click()
        request = b.page.get_by_role("table", name="request path").first.inner_text()
        assert "KUBE-SVC default/web:80" in request and "aks-nsg/allow-http" in request
        assert "the path on the topology" in b.page.inner_text("body")
        assert b.errors == []
