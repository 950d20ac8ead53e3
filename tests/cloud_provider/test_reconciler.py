"""cloud-provider-azure reconciliation scenarios (learn.microsoft.com/azure/aks/load-balancer-standard;
kubernetes-sigs/cloud-provider-azure pkg/provider/azure_loadbalancer.go@7b31c76;
kubernetes-sigs/cloud-provider-azure pkg/provider/securitygroup@7b31c76;
learn.microsoft.com/azure/aks/configure-load-balancer-standard) pinned by golden files under
tests/scenarios/cloud_provider_lb/: load balancers, public IPs, NSG rules, Service statuses and events."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from aksnet.store import Transaction, Workspace
from aksnet.twin.cloud_provider.reconciler import reconcile
from aksnet.twin.kube import objects
from aksnet.twin.kube.services import release_service
from aksnet.twin.network import public_ip as pip_mod
from tests.cloud_provider.cluster_fixture import CLUSTER_ID, NODE_RG, add_service, build_cluster
from tests.golden import SCENARIOS as GOLDEN_DIR
from tests.golden import check_golden_json

INTERNAL = {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}
WEB = {"type": "LoadBalancer", "ports": [{"port": 80, "targetPort": 8080}], "selector": {"app": "web"}}


def uid(n: int) -> str:
    return f"{n:08x}-aaaa-4bbb-8ccc-dddddddddddd"


@pytest.fixture
def tx() -> Iterator[Transaction]:
    with tempfile.TemporaryDirectory() as d:
        ws = Workspace.open(Path(d))
        with ws.transaction() as t:
            yield t
        ws.close()


def _strip(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _strip(v) for k, v in doc.items() if k not in ("etag", "resourceGuid", "provisioningState")}
    if isinstance(doc, list):
        return [_strip(v) for v in doc]
    return doc


def snapshot(tx: Transaction) -> dict[str, Any]:
    """What `az network lb/public-ip/nsg rule` and `kubectl get svc` would show, without etags."""
    objects.flush(tx, CLUSTER_ID)
    scope = CLUSTER_ID.lower()
    out: dict[str, Any] = {"loadBalancers": {}, "publicIPs": {}, "nsgRules": {}, "services": {}, "events": []}
    for lb in tx.list("microsoft.network/loadbalancers"):
        p = lb["properties"]
        out["loadBalancers"][lb["name"]] = {
            "frontends": {f["name"]: _strip(f["properties"]) for f in p.get("frontendIPConfigurations", [])},
            "rules": {r["name"]: _strip(r["properties"]) for r in p.get("loadBalancingRules", [])},
            "probes": {r["name"]: _strip(r["properties"]) for r in p.get("probes", [])},
            "pools": {b["name"]: len(b["properties"].get("backendIPConfigurations", []))
                      for b in p.get("backendAddressPools", [])},
        }
    for pip in tx.list("microsoft.network/publicipaddresses"):
        out["publicIPs"][pip["name"]] = {"ip": pip["properties"]["ipAddress"], "tags": pip.get("tags"),
                                         "dns": pip["properties"].get("dnsSettings"),
                                         "attachedTo": (pip["properties"].get("ipConfiguration") or {}).get("id")}
    for nsg in tx.list("microsoft.network/networksecuritygroups"):
        for r in nsg["properties"].get("securityRules", []):
            out["nsgRules"][r["name"]] = _strip(r["properties"])
    for svc in tx.list("k8s:core/Service", scope):
        out["services"][svc["metadata"]["name"]] = svc.get("status")
    for ev in tx.list("k8s:core/Event", scope):
        out["events"].append(f"{ev['involvedObject']['name']} {ev['type']} {ev['reason']}: {ev['message']}")
    return out


def _etags(tx: Transaction) -> dict[str, str]:
    kinds = ("microsoft.network/loadbalancers", "microsoft.network/publicipaddresses",
             "microsoft.network/networksecuritygroups")
    return {d["id"]: d["etag"] for k in kinds for d in tx.list(k)}


def _public(tx: Transaction) -> None:
    add_service(tx, "web", WEB, uid=uid(1))


def _internal(tx: Transaction) -> None:
    add_service(tx, "internal-app", WEB, INTERNAL, uid=uid(2))


def _internal_subnet(tx: Transaction) -> None:
    add_service(tx, "ilb-subnet", WEB,
                {**INTERNAL, "service.beta.kubernetes.io/azure-load-balancer-internal-subnet": "ilbSubnet"}, uid=uid(3))


def _internal_pinned(tx: Transaction) -> None:
    add_service(tx, "ilb-pinned", WEB, {**INTERNAL, "service.beta.kubernetes.io/azure-load-balancer-ipv4":
                                        "10.240.0.100"}, uid=uid(4))


def _pinned_public(tx: Transaction) -> None:
    pip = pip_mod.create_public_ip(tx, NODE_RG, "myStaticIP")
    add_service(tx, "pinned", WEB, {"service.beta.kubernetes.io/azure-load-balancer-ipv4":
                                    pip["properties"]["ipAddress"]}, uid=uid(5))


def _pinned_missing(tx: Transaction) -> None:
    add_service(tx, "pinned", {**WEB, "loadBalancerIP": "52.1.2.3"}, uid=uid(6))


def _shared_pip(tx: Transaction) -> None:
    ann = {"service.beta.kubernetes.io/azure-pip-name": "shared-pip"}
    add_service(tx, "web-a", WEB, ann, uid=uid(7))
    add_service(tx, "web-b", {**WEB, "ports": [{"port": 443, "targetPort": 8443}]}, ann, uid=uid(8))
    add_service(tx, "web-c", WEB, ann, uid=uid(9))  # port 80 already taken on the shared frontend


def _source_ranges(tx: Transaction) -> None:
    add_service(tx, "ranged", {**WEB, "loadBalancerSourceRanges": ["203.0.113.0/24", " 198.51.100.7/32"]},
                {"service.beta.kubernetes.io/azure-deny-all-except-load-balancer-source-ranges": "true"}, uid=uid(10))
    add_service(tx, "ranged-internal", {**WEB, "loadBalancerSourceRanges": ["10.0.0.0/8"]}, INTERNAL, uid=uid(11))


def _service_tags(tx: Transaction) -> None:
    add_service(tx, "tagged", WEB, {"service.beta.kubernetes.io/azure-allowed-service-tags":
                                    "AzureFrontDoor.Backend,AzureCloud"}, uid=uid(12))
    add_service(tx, "both", {**WEB, "loadBalancerSourceRanges": ["1.2.3.0/24"]},
                {"service.beta.kubernetes.io/azure-allowed-ip-ranges": "5.6.7.0/24"}, uid=uid(13))


def _etp_local(tx: Transaction) -> None:
    add_service(tx, "local", {**WEB, "externalTrafficPolicy": "Local",
                              "ports": [{"name": "http", "port": 80}, {"name": "dns", "port": 53, "protocol": "UDP"}]},
                uid=uid(14))
    add_service(tx, "cluster-udp", {**WEB, "ports": [{"port": 53, "protocol": "UDP"}]}, uid=uid(15))


def _dns_label_and_nsg_off(tx: Transaction) -> None:
    add_service(tx, "labelled", WEB, {"service.beta.kubernetes.io/azure-dns-label-name": "myapp-demo",
                                      "service.beta.kubernetes.io/azure-disable-load-balancer-nsg-rule": "true"},
                uid=uid(16))


def _deletion(tx: Transaction) -> None:
    _public(tx)
    _internal(tx)
    reconcile(tx, CLUSTER_ID)
    objs = objects.open_objects(tx, CLUSTER_ID)
    for name in ("web", "internal-app"):
        doc = objs.get("k8s:core/Service", f"default/{name}")
        assert doc is not None
        objs.delete("k8s:core/Service", f"default/{name}")
        release_service(tx, CLUSTER_ID, doc)


def _type_change(tx: Transaction) -> None:
    _public(tx)
    reconcile(tx, CLUSTER_ID)
    add_service(tx, "web", {**WEB, "type": "ClusterIP"}, uid=uid(1))


SCENARIOS: dict[str, tuple[Callable[[Transaction], None], bool]] = {
    "public": (_public, False),
    "internal": (_internal, False),
    "internal_subnet": (_internal_subnet, True),
    "internal_pinned_ip": (_internal_pinned, True),
    "pinned_public_ip": (_pinned_public, False),
    "pinned_public_ip_missing": (_pinned_missing, False),
    "shared_public_ip": (_shared_pip, False),
    "source_ranges_and_deny_all": (_source_ranges, False),
    "service_tags": (_service_tags, False),
    "etp_local_probe": (_etp_local, False),
    "dns_label_nsg_disabled": (_dns_label_and_nsg_off, False),
    "deletion": (_deletion, False),
    "type_change": (_type_change, False),
}


@pytest.mark.parametrize("name", list(SCENARIOS), ids=list(SCENARIOS))
def test_scenario(name: str, tx: Transaction, update_golden: bool) -> None:
    setup, byo = SCENARIOS[name]
    build_cluster(tx, byo=byo)
    setup(tx)
    reconcile(tx, CLUSTER_ID)
    first = snapshot(tx)
    etags = _etags(tx)
    reconcile(tx, CLUSTER_ID)  # idempotent: a second pass changes nothing, not even an etag
    assert snapshot(tx) == first
    assert _etags(tx) == etags
    check_golden_json(GOLDEN_DIR / f"cloud_provider_lb/{name}.json", first, update_golden)


def test_byo_subnet_rules_go_to_the_node_nic_nsg(tx: Transaction) -> None:
    build_cluster(tx, byo=True)
    _public(tx)
    reconcile(tx, CLUSTER_ID)
    nsg = tx.list("microsoft.network/networksecuritygroups")[0]
    assert nsg["name"] == "aks-agentpool-12345678-nsg"
    assert not nsg["properties"].get("subnets"), "AKS never puts its NSG on a BYO subnet"
    names = [r["name"] for r in nsg["properties"]["securityRules"]]
    assert len(names) == 1 and names[0].startswith("k8s-azure-lb_allow_IPv4_")


def test_priorities_fill_from_500_and_are_reused(tx: Transaction) -> None:
    build_cluster(tx)
    for i, port in enumerate((80, 81, 82)):
        add_service(tx, f"s{i}", {**WEB, "ports": [{"port": port}]}, uid=uid(20 + i))
    reconcile(tx, CLUSTER_ID)
    nsg = tx.list("microsoft.network/networksecuritygroups")[0]
    prios = sorted(r["properties"]["priority"] for r in nsg["properties"]["securityRules"])
    assert prios == [500, 501, 502]
    objs = objects.open_objects(tx, CLUSTER_ID)
    doc = objs.get("k8s:core/Service", "default/s0")
    assert doc is not None
    objs.delete("k8s:core/Service", "default/s0")
    release_service(tx, CLUSTER_ID, doc)
    add_service(tx, "s3", {**WEB, "ports": [{"port": 83}]}, uid=uid(30))
    reconcile(tx, CLUSTER_ID)
    nsg = tx.list("microsoft.network/networksecuritygroups")[0]
    assert sorted(r["properties"]["priority"] for r in nsg["properties"]["securityRules"]) == [500, 501, 502]


def test_load_balancer_service_cap(tx: Transaction, monkeypatch: pytest.MonkeyPatch) -> None:
    from aksnet.twin.cloud_provider import reconciler

    monkeypatch.setattr(reconciler, "MAX_LB_SERVICES", 2)
    build_cluster(tx)
    for i in range(3):
        add_service(tx, f"s{i}", {**WEB, "ports": [{"port": 80 + i}]}, uid=uid(40 + i))
    reconcile(tx, CLUSTER_ID)
    snap = snapshot(tx)
    assert [bool(snap["services"][f"s{i}"]["loadBalancer"]) for i in range(3)] == [True, True, False]
    assert any("s2 Warning SyncLoadBalancerFailed" in e and "Services of type LoadBalancer" in e
               for e in snap["events"])


def test_internal_pinned_ip_taken_is_reported(tx: Transaction) -> None:
    build_cluster(tx, byo=True)
    add_service(tx, "a", WEB, {**INTERNAL, "service.beta.kubernetes.io/azure-load-balancer-ipv4": "10.240.0.4"},
                uid=uid(50))
    reconcile(tx, CLUSTER_ID)
    snap = snapshot(tx)
    assert snap["services"]["a"] == {"loadBalancer": {}}
    assert any("PrivateIPAddressInUse" in e for e in snap["events"]), snap["events"]


def test_pinned_public_ip_used_by_a_vm_nic_is_refused(tx: Transaction) -> None:
    from aksnet.twin.network import nic as nic_mod

    build_cluster(tx)
    pip = pip_mod.create_public_ip(tx, NODE_RG, "vm-ip")
    subnet = tx.list("microsoft.network/virtualnetworks")[0]["properties"]["subnets"][0]["id"]
    nic_mod.create_nic(tx, NODE_RG, "vm-nic", subnet, public_ip_id=pip["id"])
    add_service(tx, "steal", WEB, {"service.beta.kubernetes.io/azure-load-balancer-ipv4":
                                   pip["properties"]["ipAddress"]}, uid=uid(60))
    reconcile(tx, CLUSTER_ID)
    snap = snapshot(tx)
    assert snap["services"]["steal"] == {"loadBalancer": {}}
    assert any("PublicIPAddressInUse" in e for e in snap["events"]), snap["events"]


def test_public_lb_created_on_first_service_without_outbound_rules(tx: Transaction) -> None:
    """outboundType userDefinedRouting: no `kubernetes` LB until the first LoadBalancer Service, inbound only."""
    from aksnet.twin.network import load_balancer as lb_mod

    build_cluster(tx)
    lb_id = lb_mod.load_balancer_id(NODE_RG, "kubernetes")
    lb_mod.delete_load_balancer(tx, lb_id)
    reconcile(tx, CLUSTER_ID)
    assert tx.get("microsoft.network/loadbalancers", lb_id) is None
    _public(tx)
    reconcile(tx, CLUSTER_ID)
    lb = tx.get("microsoft.network/loadbalancers", lb_id)
    assert lb is not None and lb["sku"]["name"] == "Standard" and not lb["properties"].get("outboundRules")
    assert [r["properties"]["disableOutboundSnat"] for r in lb["properties"]["loadBalancingRules"]] == [False]
    _deletion_of(tx, "web")
    reconcile(tx, CLUSTER_ID)
    assert tx.get("microsoft.network/loadbalancers", lb_id) is None


def test_internal_to_public_switch_moves_the_frontend(tx: Transaction) -> None:
    build_cluster(tx)
    _internal(tx)
    reconcile(tx, CLUSTER_ID)
    add_service(tx, "internal-app", WEB, {"service.beta.kubernetes.io/azure-load-balancer-internal": "false"},
                uid=uid(2))
    reconcile(tx, CLUSTER_ID)
    snap = snapshot(tx)
    assert "kubernetes-internal" not in snap["loadBalancers"]
    assert snap["services"]["internal-app"]["loadBalancer"]["ingress"][0]["ip"].startswith("20.81.")
    subnet = tx.list("microsoft.network/virtualnetworks")[0]["properties"]["subnets"][0]["id"]
    from aksnet.twin import subnet_ipam

    assert not any("kubernetes-internal" in owner for owner in subnet_ipam.allocations(tx, subnet).values())


def _deletion_of(tx: Transaction, name: str) -> None:
    objs = objects.open_objects(tx, CLUSTER_ID)
    doc = objs.get("k8s:core/Service", f"default/{name}")
    assert doc is not None
    objs.delete("k8s:core/Service", f"default/{name}")
    release_service(tx, CLUSTER_ID, doc)
