"""A Service's IP families on single-stack and dual-stack clusters: ``ipFamilyPolicy`` / ``ipFamilies`` defaulting,
``clusterIPs`` per family and the API server's refusals (kubernetes.io/docs/concepts/services-networking/dual-stack;
kubernetes/kubernetes pkg/registry/core/service/storage/alloc.go ``initIPFamilyFields``)."""

from __future__ import annotations

import ipaddress
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aksnet.store import Transaction, Workspace
from aksnet.twin.kube import objects
from aksnet.twin.kube.services import admit_service
from aksnet.twin.kube.services_validation import ServiceInvalid

CID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c"
SINGLE = {"serviceCidr": "10.0.0.0/16", "serviceCidrs": ["10.0.0.0/16"], "dnsServiceIp": "10.0.0.10"}
DUAL = {"serviceCidr": "10.0.0.0/16", "serviceCidrs": ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
        "dnsServiceIp": "10.0.0.10", "ipFamilies": ["IPv4", "IPv6"]}
SEL = {"ports": [{"port": 80}], "selector": {"app": "web"}}


def _tx(profile: dict[str, Any]) -> Iterator[Transaction]:
    with tempfile.TemporaryDirectory() as d:
        ws = Workspace.open(Path(d))
        with ws.transaction() as t:
            t.put("microsoft.containerservice/managedclusters", CID, {"id": CID,
                                                                      "properties": {"networkProfile": profile}})
            yield t
        ws.close()


@pytest.fixture
def dual() -> Iterator[Transaction]:
    yield from _tx(DUAL)


@pytest.fixture
def single() -> Iterator[Transaction]:
    yield from _tx(SINGLE)


def admit(tx: Transaction, spec: dict[str, Any], name: str = "web") -> dict[str, Any]:
    doc = admit_service(tx, CID, {"apiVersion": "v1", "kind": "Service",
                                  "metadata": {"name": name, "namespace": "default"}, "spec": spec}, None)
    objects.open_objects(tx, CID).put("k8s:core/Service", f"default/{name}", doc)
    return dict(doc["spec"])


def _families(ips: list[str]) -> list[str]:
    return [f"IPv{ipaddress.ip_address(ip).version}" for ip in ips]


@pytest.mark.parametrize(("extra", "policy", "families"), [
    ({}, "SingleStack", ["IPv4"]),
    ({"ipFamilyPolicy": "PreferDualStack"}, "PreferDualStack", ["IPv4", "IPv6"]),
    ({"ipFamilyPolicy": "RequireDualStack"}, "RequireDualStack", ["IPv4", "IPv6"]),
    ({"ipFamilies": ["IPv6"]}, "SingleStack", ["IPv6"]),
    ({"ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv6"]}, "PreferDualStack", ["IPv6", "IPv4"]),
    ({"ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv4", "IPv6"]}, "PreferDualStack", ["IPv4", "IPv6"]),
    ({"clusterIP": "fd12:3456:789a:1::99"}, "SingleStack", ["IPv6"]),
    ({"clusterIP": "None", "selector": None}, "RequireDualStack", ["IPv4", "IPv6"]),
], ids=["default", "prefer", "require", "ipv6-only", "prefer-ipv6-first", "article-prefer", "ipv6-cluster-ip",
        "headless-no-selector"])
def test_dual_stack_cluster(dual: Transaction, extra: dict[str, Any], policy: str, families: list[str]) -> None:
    spec = admit(dual, {k: v for k, v in {**SEL, **extra}.items() if v is not None})
    assert spec["ipFamilyPolicy"] == policy and spec["ipFamilies"] == families
    if spec["clusterIP"] != "None":
        assert _families(spec["clusterIPs"]) == families and spec["clusterIP"] == spec["clusterIPs"][0]


@pytest.mark.parametrize(("extra", "policy", "families"), [
    ({}, "SingleStack", ["IPv4"]),
    ({"ipFamilyPolicy": "PreferDualStack"}, "PreferDualStack", ["IPv4"]),
    ({"clusterIP": "None", "selector": None}, "RequireDualStack", ["IPv4", "IPv6"]),
], ids=["default", "prefer-falls-back", "headless-no-selector"])
def test_single_stack_cluster(single: Transaction, extra: dict[str, Any], policy: str, families: list[str]) -> None:
    spec = admit(single, {k: v for k, v in {**SEL, **extra}.items() if v is not None})
    assert spec["ipFamilyPolicy"] == policy and spec["ipFamilies"] == families


REFUSED = [
    ("single", {"ipFamilyPolicy": "RequireDualStack"},
     'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services'),
    ("single", {"ipFamilies": ["IPv6"]}, 'spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'),
    ("dual", {"ipFamilies": ["IPv4", "IPv6"]},
     'spec.ipFamilyPolicy: Invalid value: "SingleStack": must be \'RequireDualStack\' or \'PreferDualStack\' when '
     "multiple IP families are specified"),
    ("dual", {"ipFamilyPolicy": "Sometimes"},
     'spec.ipFamilyPolicy: Unsupported value: "Sometimes": supported values: "SingleStack", "PreferDualStack", '
     '"RequireDualStack"'),
    ("dual", {"ipFamilyPolicy": "RequireDualStack", "ipFamilies": ["IPv4", "IPv4"]},
     'spec.ipFamilies[1]: Duplicate value: "IPv4"'),
]


@pytest.mark.parametrize(("cluster", "extra", "message"), REFUSED,
                         ids=["require-on-single", "ipv6-on-single", "single-with-two", "bad-policy", "duplicate"])
def test_refused(request: pytest.FixtureRequest, cluster: str, extra: dict[str, Any], message: str) -> None:
    tx: Transaction = request.getfixturevalue(cluster)
    with pytest.raises(ServiceInvalid) as exc:
        admit(tx, {**SEL, **extra})
    assert message in exc.value.render()


def test_upgrade_to_dual_stack_keeps_the_primary(dual: Transaction) -> None:
    """SingleStack → PreferDualStack on update keeps the IPv4 ClusterIP and adds an IPv6 one."""
    first = admit(dual, dict(SEL))
    old = objects.open_objects(dual, CID).get("k8s:core/Service", "default/web")
    assert old is not None
    new = dict(old, spec={**old["spec"], "ipFamilyPolicy": "PreferDualStack"})
    spec = admit_service(dual, CID, new, old)["spec"]
    assert spec["clusterIPs"][0] == first["clusterIP"] and _families(spec["clusterIPs"]) == ["IPv4", "IPv6"]
