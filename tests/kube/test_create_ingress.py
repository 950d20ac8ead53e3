"""``kubectl create ingress``: the Ingress kubectl 1.32's generator builds from --rule/--class/--default-backend/
--annotation (rows from the examples of ``kubectl create ingress -h``)."""

from __future__ import annotations

import pytest

from aksnet.cli.kubectl.create_ingress import build_ingress
from aksnet.errors import KubeError


def _path(path: str, kind: str, svc: str, port: dict[str, object]) -> dict[str, object]:
    return {"path": path, "pathType": kind, "backend": {"service": {"name": svc, "port": port}}}


@pytest.mark.parametrize(("rules", "cls", "default", "spec"), [
    (["foo.com/bar=svc1:8080,tls=my-cert"], None, None,
     {"rules": [{"host": "foo.com", "http": {"paths": [_path("/bar", "Exact", "svc1", {"number": 8080})]}}],
      "tls": [{"hosts": ["foo.com"], "secretName": "my-cert"}]}),
    (["/path=svc:port"], "otheringress", None,
     {"ingressClassName": "otheringress",
      "rules": [{"http": {"paths": [_path("/path", "Exact", "svc", {"name": "port"})]}}]}),
    (["foo.com/=svc:port", "foo.com/admin/=svcadmin:portadmin"], None, None,
     {"rules": [{"host": "foo.com", "http": {"paths": [
         _path("/", "Exact", "svc", {"name": "port"}),
         _path("/admin/", "Exact", "svcadmin", {"name": "portadmin"})]}}]}),
    (["foo.com/path*=svc:8080", "bar.com/admin*=svc2:http"], None, None,
     {"rules": [{"host": "foo.com", "http": {"paths": [_path("/path", "Prefix", "svc", {"number": 8080})]}},
                {"host": "bar.com", "http": {"paths": [_path("/admin", "Prefix", "svc2", {"name": "http"})]}}]}),
    (["foo.com/*=svc:8080,tls"], None, None,
     {"rules": [{"host": "foo.com", "http": {"paths": [_path("/", "Prefix", "svc", {"number": 8080})]}}],
      "tls": [{"hosts": ["foo.com"]}]}),
    ([], None, "defaultsvc:http",
     {"defaultBackend": {"service": {"name": "defaultsvc", "port": {"name": "http"}}}}),
], ids=["exact-with-tls-secret", "class-no-host", "one-host-two-paths", "prefix-two-hosts", "tls-default-cert",
        "default-backend-only"])
def test_create_ingress(rules: list[str], cls: str | None, default: str | None, spec: dict[str, object]) -> None:
    assert build_ingress("x", rules, cls, default, [])["spec"] == spec


@pytest.mark.parametrize(("rules", "default", "message"), [
    ([], None, "every ingress has to either specify a default-backend"),
    (["foo.com=svc:80"], None, "rule foo.com=svc:80 is invalid"),
    ([], "svc", "default-backend should be in format servicename:serviceport"),
], ids=["nothing", "rule-without-path", "backend-without-port"])
def test_create_ingress_errors(rules: list[str], default: str | None, message: str) -> None:
    with pytest.raises(KubeError, match=message):
        build_ingress("x", rules, None, default, [])
