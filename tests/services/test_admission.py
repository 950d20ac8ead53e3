"""Service admission: API-server defaults,
validation messages (kubernetes.io/docs/concepts/services-networking/service;
kubernetes/kubernetes pkg/apis/core/validation/validation.go) and allocation through ``admit_service`` /
``release_service``."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aksnet.errors import KubeError
from aksnet.store import Transaction, Workspace
from aksnet.twin.kube import objects
from aksnet.twin.kube.services import admit_service, release_service
from aksnet.twin.kube.services_validation import ServiceInternalError, ServiceInvalid

CID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c"
P80 = [{"port": 80}]


@pytest.fixture
def tx() -> Iterator[Transaction]:
    with tempfile.TemporaryDirectory() as d:
        ws = Workspace.open(Path(d))
        with ws.transaction() as t:
            profile = {"serviceCidr": "10.0.0.0/16", "dnsServiceIp": "10.0.0.10"}
            t.put("microsoft.containerservice/managedclusters", CID, {"id": CID,
                                                                      "properties": {"networkProfile": profile}})
            yield t
        ws.close()


def svc(name: str, spec: dict[str, Any], ns: str = "default") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns}, "spec": spec}


def create(tx: Transaction, name: str, spec: dict[str, Any], ns: str = "default") -> dict[str, Any]:
    doc = admit_service(tx, CID, svc(name, spec, ns), None)
    objects.open_objects(tx, CID).put("k8s:core/Service", f"{ns}/{name}", doc)
    return doc


def test_defaults_clusterip(tx: Transaction) -> None:
    spec = create(tx, "web", {"ports": [{"port": 80}], "selector": {"app": "web"}})["spec"]
    assert spec["type"] == "ClusterIP"
    assert spec["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    assert spec["sessionAffinity"] == "None" and spec["internalTrafficPolicy"] == "Cluster"
    assert spec["ipFamilies"] == ["IPv4"] and spec["ipFamilyPolicy"] == "SingleStack"
    assert "externalTrafficPolicy" not in spec and "nodePort" not in spec["ports"][0]
    assert spec["clusterIPs"] == [spec["clusterIP"]]


def test_defaults_loadbalancer(tx: Transaction) -> None:
    spec = create(tx, "lb", {"type": "LoadBalancer", "ports": P80, "sessionAffinity": "ClientIP"})["spec"]
    assert spec["externalTrafficPolicy"] == "Cluster" and spec["allocateLoadBalancerNodePorts"] is True
    assert spec["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}
    assert 30086 <= spec["ports"][0]["nodePort"] <= 32767  # the dynamic band of 30000-32767
    assert "healthCheckNodePort" not in spec


@pytest.mark.parametrize(("name", "ns", "want"), [
    ("kubernetes", "default", "10.0.0.1"), ("kube-dns", "kube-system", "10.0.0.10"),
], ids=["kubernetes-first-address", "kube-dns-dnsServiceIP"])
def test_well_known_cluster_ips(tx: Transaction, name: str, ns: str, want: str) -> None:
    assert create(tx, name, {"ports": [{"name": "p", "port": 443}]}, ns)["spec"]["clusterIP"] == want


def test_headless_and_externalname(tx: Transaction) -> None:
    h = create(tx, "db", {"clusterIP": "None", "ports": [{"port": 5432}], "selector": {"app": "db"}})["spec"]
    assert h["clusterIPs"] == ["None"] and h["ipFamilyPolicy"] == "SingleStack"
    h2 = create(tx, "manual", {"clusterIP": "None"})["spec"]
    assert h2["ipFamilyPolicy"] == "RequireDualStack"
    e = create(tx, "ext", {"type": "ExternalName", "externalName": "example.com"})["spec"]
    assert "clusterIP" not in e and "ipFamilies" not in e


def test_etp_local_gets_health_check_node_port(tx: Transaction) -> None:
    spec = create(tx, "lb", {"type": "LoadBalancer", "externalTrafficPolicy": "Local", "ports": P80})["spec"]
    assert 30000 <= spec["healthCheckNodePort"] <= 32767
    assert spec["healthCheckNodePort"] != spec["ports"][0]["nodePort"]


def test_shared_port_number_shares_node_port(tx: Transaction) -> None:
    spec = create(tx, "dns", {"type": "NodePort", "ports": [{"name": "u", "port": 53, "protocol": "UDP"},
                                                             {"name": "t", "port": 53, "protocol": "TCP"}]})["spec"]
    assert spec["ports"][0]["nodePort"] == spec["ports"][1]["nodePort"]


def test_allocate_lb_node_ports_false(tx: Transaction) -> None:
    ports = [{"name": "a", "port": 80}, {"name": "b", "port": 81, "nodePort": 30500}]
    spec = create(tx, "lb", {"type": "LoadBalancer", "allocateLoadBalancerNodePorts": False, "ports": ports})["spec"]
    assert "nodePort" not in spec["ports"][0] and spec["ports"][1]["nodePort"] == 30500


INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("no-ports", {}, 'The Service "x" is invalid: spec.ports: Required value'),
    ("unnamed-multi", {"ports": [{"name": "a", "port": 80}, {"port": 81}]},
     'The Service "x" is invalid: spec.ports[1].name: Required value'),
    ("bad-port-name", {"ports": [{"name": "HTTP", "port": 80}]},
     "The Service \"x\" is invalid: spec.ports[0].name: Invalid value: \"HTTP\": a lowercase RFC 1123 label must "
     "consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character "
     "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
    ("dup-port-name", {"ports": [{"name": "http", "port": 80}, {"name": "http", "port": 81}]},
     'The Service "x" is invalid: spec.ports[1].name: Duplicate value: "http"'),
    ("port-zero", {"ports": [{"port": 0}]},  # targetPort defaults to port, so it is invalid too
     'The Service "x" is invalid: \n* spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'
     "\n* spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"),
    ("port-too-big", {"ports": [{"port": 70000, "targetPort": 80}]},
     'The Service "x" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive'),
    ("protocol", {"ports": [{"port": 80, "protocol": "HTTP"}]},
     'The Service "x" is invalid: spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", '
     '"TCP", "UDP"'),
    ("nodeport-on-clusterip", {"ports": [{"port": 80, "nodePort": 30080}]},
     "The Service \"x\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
    ("headless-nodeport", {"type": "NodePort", "clusterIP": "None", "ports": P80},
     "The Service \"x\" is invalid: spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for "
     "NodePort services"),
    ("externalname-empty", {"type": "ExternalName"}, 'The Service "x" is invalid: spec.externalName: Required value'),
    ("source-ranges-clusterip", {"ports": P80, "loadBalancerSourceRanges": ["1.2.3.0/24"]},
     "The Service \"x\" is invalid: spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is "
     "'LoadBalancer'"),
    ("etp-on-clusterip", {"ports": P80, "externalTrafficPolicy": "Local"},
     'The Service "x" is invalid: spec.externalTrafficPolicy: Invalid value: "Local": may only be set for '
     "externally-accessible services"),
    ("hc-not-needed", {"type": "LoadBalancer", "ports": P80, "healthCheckNodePort": 31000},
     "The Service \"x\" is invalid: spec.healthCheckNodePort: Invalid value: 31000: may only be set when `type` is "
     "'LoadBalancer' and `externalTrafficPolicy` is 'Local'"),
    ("affinity-config-with-none", {"ports": P80, "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 5}}},
     'The Service "x" is invalid: spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is '
     "None"),
    ("nodeport-out-of-range", {"type": "NodePort", "ports": [{"port": 80, "nodePort": 80}]},
     'The Service "x" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. '
     "The range of valid ports is 30000-32767"),
    ("clusterip-out-of-range", {"ports": P80, "clusterIP": "1.1.1.1"},
     'The Service "x" is invalid: spec.clusterIPs: Invalid value: []string{"1.1.1.1"}: failed to allocate IP '
     "1.1.1.1: the provided IP (1.1.1.1) is not in the valid range. The range of valid IPs is 10.0.0.0/16"),
    ("target-port-name", {"ports": [{"port": 80, "targetPort": "http--port-too-long"}]},
     'The Service "x" is invalid: \n* spec.ports[0].targetPort: Invalid value: "http--port-too-long": must be no '
     'more than 15 characters\n* spec.ports[0].targetPort: Invalid value: "http--port-too-long": must not contain '
     "consecutive hyphens"),
]


@pytest.mark.parametrize(("case", "spec", "message"), INVALID, ids=[c[0] for c in INVALID])
def test_validation_messages(tx: Transaction, case: str, spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ServiceInvalid) as exc:
        admit_service(tx, CID, svc("x", spec), None)
    assert exc.value.render() == message


def test_service_name_must_be_dns1035(tx: Transaction) -> None:
    with pytest.raises(ServiceInvalid, match=r'metadata.name: Invalid value: "1web": a DNS-1035 label'):
        admit_service(tx, CID, svc("1web", {"ports": P80}), None)


def test_conflicts(tx: Transaction) -> None:
    create(tx, "a", {"type": "NodePort", "ports": [{"port": 80, "nodePort": 31000}], "clusterIP": "10.0.5.5"})
    with pytest.raises(ServiceInvalid) as exc:
        admit_service(tx, CID, svc("web", {"type": "NodePort", "ports": [{"port": 80, "nodePort": 31000}]}), None)
    assert exc.value.render() == ('The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 31000: '
                                  "provided port is already allocated")
    with pytest.raises(ServiceInvalid) as exc:
        admit_service(tx, CID, svc("web", {"ports": P80, "clusterIP": "10.0.5.5"}), None)
    assert exc.value.render() == ('The Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.5.5"}: '
                                  "failed to allocate IP 10.0.5.5: provided IP is already allocated")


def test_update_keeps_allocations_and_type_change_releases(tx: Transaction) -> None:
    old = create(tx, "web", {"type": "NodePort", "ports": P80})
    again = admit_service(tx, CID, svc("web", {"type": "NodePort", "ports": P80}), old)
    assert again["spec"]["clusterIP"] == old["spec"]["clusterIP"]
    assert again["spec"]["ports"][0]["nodePort"] == old["spec"]["ports"][0]["nodePort"]
    to_cip = admit_service(tx, CID, svc("web", {"type": "ClusterIP", "ports": P80}), old)
    assert "nodePort" not in to_cip["spec"]["ports"][0] and "externalTrafficPolicy" not in to_cip["spec"]
    objects.open_objects(tx, CID).put("k8s:core/Service", "default/web", to_cip)
    # the node port is free again
    freed = old["spec"]["ports"][0]["nodePort"]
    other = create(tx, "other", {"type": "NodePort", "ports": [{"port": 80, "nodePort": freed}]})
    assert other["spec"]["ports"][0]["nodePort"] == old["spec"]["ports"][0]["nodePort"]


def test_cluster_ip_is_immutable(tx: Transaction) -> None:
    old = create(tx, "web", {"ports": P80})
    with pytest.raises(ServiceInvalid, match=r"spec.clusterIPs\[0\]: Invalid value: .*may not change once set"):
        admit_service(tx, CID, svc("web", {"ports": P80, "clusterIP": "10.0.9.9"}), old)


def test_release_frees_addresses(tx: Transaction) -> None:
    doc = create(tx, "web", {"ports": P80, "clusterIP": "10.0.7.7"})
    objects.open_objects(tx, CID).delete("k8s:core/Service", "default/web")
    release_service(tx, CID, doc)
    assert create(tx, "again", {"ports": P80, "clusterIP": "10.0.7.7"})["spec"]["clusterIP"] == "10.0.7.7"


def test_range_full_is_an_internal_error(tx: Transaction) -> None:
    tx.put("microsoft.containerservice/managedclusters", CID, {
        "id": CID, "properties": {"networkProfile": {"serviceCidr": "10.9.0.0/29"}}})
    for i in range(6):
        create(tx, f"s{i}", {"ports": P80})
    with pytest.raises(ServiceInternalError) as exc:
        admit_service(tx, CID, svc("s6", {"ports": P80}), None)
    assert isinstance(exc.value, KubeError)
    assert exc.value.render() == ("Error from server (InternalError): Internal error occurred: failed to allocate a "
                                  "serviceIP: range is full")
