"""The IP plan view: each subnet's addresses (Azure-reserved, used and by whom, free) as counts, a bar and a block
map, and each cluster's ``aksnet plan``; names escaped, every block labelled, shown by a real Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aksnet.analyses.ip_map import subnet_maps
from aksnet.model import azure, k8s
from aksnet.model.twin import ClusterState, Twin
from aksnet.render import ip_plan_html
from tests.conftest import aksnet_home, run_cli
from tests.ui.browser import browser, needs_browser
from tests.ui.test_builders import EVIL

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
VNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"


def _twin(prefix: str) -> Twin:
    sid = f"{VNET}/subnets/s"
    subnet = azure.Subnet(sid, EVIL, VNET, (prefix,))
    vnet = azure.VirtualNetwork(VNET, "v", "rg", "eastus", ("10.0.0.0/8",), (subnet,))
    nic = azure.NetworkInterface("/nics/n1", EVIL, "rg", (azure.NicIPConfiguration("ipconfig1", "10.0.0.4", sid),
                                                          azure.NicIPConfiguration("ipconfig2", "10.0.0.5", sid)))
    lb = azure.LoadBalancer("/lbs/internal", "kubernetes-internal", "rg",
                            frontends=(azure.FrontendIPConfiguration("/fe", "fe1", "10.0.0.6", sid),))
    pods = (k8s.Pod("default", "cni-pod", {}, pod_ip="10.0.0.7"),
            k8s.Pod("kube-system", "hostnet", {}, pod_ip="10.0.0.4", host_network=True))
    return Twin(vnets=(vnet,), nics=(nic,), load_balancers=(lb,), clusters=(ClusterState(None, pods=pods),))


@pytest.mark.parametrize(("prefix", "used", "free", "blocks", "first_block", "last_block"), [
    pytest.param("10.0.0.0/28", 4, 7, 16, "reserved", "reserved", id="slash-28-one-block-per-address"),
    pytest.param("10.0.0.0/24", 4, 247, 256, "reserved", "reserved", id="slash-24"),
    pytest.param("10.0.0.0/16", 4, 65527, 256, "mixed", "mixed", id="slash-16-blocks-of-256"),
])
def test_subnet_map(prefix: str, used: int, free: int, blocks: int, first_block: str, last_block: str) -> None:
    (m,) = subnet_maps(_twin(prefix))
    assert (m.reserved, len(m.used), m.free, len(m.blocks)) == (5, used, free, blocks)
    assert [ip for ip, _ in m.used] == ["10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7"]
    owners = dict(m.used)
    assert owners["10.0.0.6"] == "load balancer kubernetes-internal frontend fe1"
    assert owners["10.0.0.7"] == "pod default/cni-pod" and owners["10.0.0.4"].endswith("ipconfig1")  # NIC first
    assert (m.blocks[0].state, m.blocks[-1].state) == (first_block, last_block)
    assert sum(b.used for b in m.blocks) == used and sum(b.free for b in m.blocks) == free


def test_ip_plan_page_escapes_and_labels_every_block() -> None:
    page = ip_plan_html.render(subnet_maps(_twin("10.0.0.0/28")), [])
    assert "<script" not in page and "x&lt;script&gt;" in page
    assert page.count('<span class="reserved" title="') == 5
    assert 'aria-label="10.0.0.7: 1 used, 0 reserved, 0 free"' in page


@needs_dot
@needs_browser
def test_exported_ip_plan_in_chromium(demo_home: Path, tmp_path: Path) -> None:
    with aksnet_home(demo_home):
        assert run_cli("ui", "--export", str(tmp_path / "site")).code == 0
        plan = run_cli("plan", "-g", "aks-rg", "-n", "aks-cluster")
    with browser() as b:
        b.page.goto((tmp_path / "site" / "index.html").as_uri())
        b.page.get_by_role("link", name="IP plan").click()
        section = b.page.get_by_role("region", name="subnet vNet_aks_useast/aks-subnet 10.100.0.0/16")
        text = section.inner_text()
        assert "3 used, 5 reserved by Azure, 65,528 free of 65,536" in text
        for ip in ("10.100.0.4", "10.100.0.5", "10.100.0.6"):
            assert ip in text
        assert "testvm" in text
        blocks = section.get_by_role("img", name="address map of subnet vNet_aks_useast/aks-subnet 10.100.0.0/16")
        assert blocks.locator("span").count() == 256
        assert blocks.locator("span").first.get_attribute("aria-label") == ("10.100.0.0–10.100.0.255: 3 used, "
                                                                            "4 reserved, 249 free")
        body = b.page.inner_text("body")
        assert "IP plan for aks-rg/aks-cluster (network plugin: kubenet)" in body
        assert "addresses needed (nodes + surge)" in body and "addresses needed (nodes + surge)" in plan.out
        assert b.errors == []


@needs_dot
@needs_browser
def test_screenshots_script_writes_every_view(tmp_path: Path) -> None:
    from tests.ui.screenshots import VIEWS, take

    shots = take(tmp_path)
    assert [p.name for p in shots] == list(VIEWS)
    for p in shots:
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, p
