"""CustomResourceDefinitions: kubectl apply stores them, their kinds are then served by apply, get, describe
and delete with the CRD's names, short names and scope; the Gateway API's CRDs come from its release URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.rules import gateway_api
from tests.kube.helpers import kubectl, setup_cluster

CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: %(plural)s.stable.example.com}
spec:
  group: stable.example.com
  scope: %(scope)s
  names: {plural: %(plural)s, singular: crontab, kind: CronTab, listKind: CronTabList, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas, priority: 1}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {type: string}
              image: {type: string}
              replicas: {type: integer}
"""
CR = """apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: my-new-cron-object}
spec: {cronSpec: "* * * * */5", image: my-awesome-cron-image%(extra)s}
"""
ROUTE = """apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: gw}]
  hostnames: [app.example.com]
  rules: [{backendRefs: [{name: web, port: 80}]}]
"""


@pytest.fixture
def cluster(home: Path) -> str:
    return setup_cluster()


def _write(tmp_path: Path, name: str, text: str) -> str:
    f = tmp_path / name
    f.write_text(text)
    return str(f)


def test_crd_then_custom_resource(cluster: str, tmp_path: Path) -> None:
    crd = _write(tmp_path, "crd.yaml", CRD % {"plural": "crontabs", "scope": "Namespaced"})
    cr = _write(tmp_path, "cr.yaml", CR % {"extra": ""})
    r = kubectl("apply", "-f", cr)
    assert r.code == 1 and 'no matches for kind "CronTab" in version "stable.example.com/v1"' in r.err
    assert kubectl("apply", "-f", crd).out == (
        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n")
    r = kubectl("get", "crd", "crontabs.stable.example.com", "-o", "jsonpath={.status.conditions[*].type}="
                "{.status.conditions[*].status} {.status.acceptedNames.kind}")
    assert r.out == "NamesAccepted Established=True True CronTab"
    table = kubectl("get", "crd").out.splitlines()  # the default table: NAME and CREATED AT (RFC 3339)
    assert table[0].split() == ["NAME", "CREATED", "AT"]
    assert table[1].split()[0] == "crontabs.stable.example.com" and table[1].split()[1].endswith("Z")
    assert kubectl("apply", "-f", cr).out == "crontab.stable.example.com/my-new-cron-object created\n"
    assert kubectl("apply", "-f", cr).out == "crontab.stable.example.com/my-new-cron-object unchanged\n"
    for name in ("ct", "crontab", "crontabs", "crontabs.stable.example.com", "CronTab"):
        r = kubectl("get", name)
        assert r.code == 0, (name, r.err)
        assert r.out.splitlines()[0].split() == ["NAME", "SPEC"]
        assert r.out.splitlines()[1].split()[:2] == ["my-new-cron-object", "*"]
    assert kubectl("get", "ct", "-o", "wide").out.splitlines()[0].split() == ["NAME", "SPEC", "REPLICAS"]
    r = kubectl("get", "ct/my-new-cron-object", "-o", "jsonpath={.apiVersion} {.metadata.generation}")
    assert r.out == "stable.example.com/v1 1"
    assert "Kind:         CronTab" in kubectl("describe", "ct", "my-new-cron-object").out
    assert kubectl("get", "ct", "-n", "kube-system").err == "No resources found in kube-system namespace.\n"
    assert kubectl("delete", "ct", "my-new-cron-object").out == (
        'crontab.stable.example.com "my-new-cron-object" deleted\n')


@pytest.mark.parametrize(("extra", "error"), [
    (", colour: red", 'strict decoding error: unknown field "spec.colour"'),
], ids=["unknown-field"])
def test_custom_resource_strict_decoding(cluster: str, tmp_path: Path, extra: str, error: str) -> None:
    kubectl("apply", "-f", _write(tmp_path, "crd.yaml", CRD % {"plural": "crontabs", "scope": "Namespaced"}))
    r = kubectl("apply", "-f", _write(tmp_path, "cr.yaml", CR % {"extra": extra}))
    assert r.code == 1 and error in r.err


def test_cluster_scoped_crd_and_cascading_delete(cluster: str, tmp_path: Path) -> None:
    kubectl("apply", "-f", _write(tmp_path, "crd.yaml", CRD % {"plural": "crontabs", "scope": "Cluster"}))
    assert kubectl("apply", "-f", _write(tmp_path, "cr.yaml", CR % {"extra": ""})).code == 0
    r = kubectl("get", "ct", "my-new-cron-object", "-o", "jsonpath={.metadata.namespace}")
    assert r.out == ""
    kubectl("delete", "crd", "crontabs.stable.example.com")
    r = kubectl("get", "ct")
    assert r.code == 1 and r.err == 'error: the server doesn\'t have a resource type "ct"\n'


@pytest.mark.parametrize(("change", "error"), [
    ({"name": "crontab.stable.example.com"},
     'metadata.name: Invalid value: "crontab.stable.example.com": must be spec.names.plural+"."+spec.group'),
    ({"scope": "Global"}, 'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'),
    ({"storage": "false"}, "spec.versions: Invalid value: [v1]: must have exactly one version marked as storage"),
], ids=["name-not-plural-group", "bad-scope", "no-storage-version"])
def test_invalid_crd(cluster: str, tmp_path: Path, change: dict[str, str], error: str) -> None:
    text = CRD % {"plural": "crontabs", "scope": change.get("scope", "Namespaced")}
    if "name" in change:
        text = text.replace("name: crontabs.stable.example.com", f"name: {change['name']}")
    if "storage" in change:
        text = text.replace("storage: true", "storage: false")
    r = kubectl("apply", "-f", _write(tmp_path, "crd.yaml", text))
    assert r.code == 1 and error in r.err, r.err
    assert kubectl("get", "crd").err == "No resources found\n"


def test_gateway_api_needs_its_crds(cluster: str, tmp_path: Path) -> None:
    route = _write(tmp_path, "route.yaml", ROUTE)
    r = kubectl("apply", "-f", route)
    assert r.code == 1 and 'no matches for kind "HTTPRoute" in version "gateway.networking.k8s.io/v1"' in r.err
    r = kubectl("apply", "-f", gateway_api.release_url())
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        f"customresourcedefinition.apiextensions.k8s.io/{n}.gateway.networking.k8s.io created"
        for n in ("gatewayclasses", "gateways", "grpcroutes", "httproutes", "referencegrants")]
    assert kubectl("apply", "-f", route).out == "httproute.gateway.networking.k8s.io/web created\n"
    out = kubectl("get", "httproutes").out.splitlines()
    assert out[0].split() == ["NAME", "HOSTNAMES", "AGE"] and out[1].split()[:2] == ["web", '["app.example.com"]']
    res = kubectl("api-resources").out
    assert "gtw" in res and "refgrant" in res and "gateway.networking.k8s.io/v1beta1" in res


def test_other_urls_are_not_read(cluster: str) -> None:
    r = kubectl("apply", "-f", "https://example.com/x.yaml")
    assert r.code == 1 and "aksnet reads no network" in r.err


def test_label_and_namespace_delete_reach_custom_resources(cluster: str, tmp_path: Path) -> None:
    kubectl("apply", "-f", _write(tmp_path, "crd.yaml", CRD % {"plural": "crontabs", "scope": "Namespaced"}))
    kubectl("create", "namespace", "jobs")
    assert kubectl("apply", "-n", "jobs", "-f", _write(tmp_path, "cr.yaml", CR % {"extra": ""})).code == 0
    r = kubectl("label", "-n", "jobs", "ct", "my-new-cron-object", "tier=batch")
    assert r.out == "crontab.stable.example.com/my-new-cron-object labeled\n", r.err
    assert kubectl("get", "ct", "-n", "jobs", "-l", "tier=batch", "-o", "name").out == (
        "crontab.stable.example.com/my-new-cron-object\n")
    kubectl("delete", "namespace", "jobs")
    assert kubectl("get", "ct", "-A").err == "No resources found\n"
