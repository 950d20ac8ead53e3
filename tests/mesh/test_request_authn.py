"""RequestAuthentication (aksnet.engine.mesh.jwt): a token that is not a JWT or comes from an issuer no applicable
policy names gets 401 with jwt_authn's message before authorization runs; a request without a token passes it; an
accepted token's ``<iss>/<sub>`` is the request principal AuthorizationPolicy's ``requestPrincipals`` match.
Rows follow istio.io's task "Authentication policy" (end-user authentication, require a valid token)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from aksnet.engine import mesh as engine
from aksnet.engine.flow import Hop
from aksnet.engine.mesh import jwt
from aksnet.io.mesh_model import authorization_policy, request_authentication
from aksnet.model import k8s
from aksnet.model import mesh as m
from tests.conftest import run_cli
from tests.mesh.test_traffic_curl import INGRESS, bookinfo, ok

__all__ = ["bookinfo"]  # the fixture, shared

ISSUER = "testing@secure.istio.io"
SERVER = k8s.Pod("foo", "httpbin-1", {"app": "httpbin"}, pod_ip="10.244.1.6")
OTHER = k8s.Pod("bar", "httpbin-2", {"app": "httpbin"}, pod_ip="10.244.1.7")


def _b64(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def token(payload: object, header: object | None = None) -> str:
    return f"{_b64(header or {'alg': 'RS256', 'typ': 'JWT'})}.{_b64(payload)}.c2lnbmF0dXJl"


GOOD = token({"iss": ISSUER, "sub": ISSUER, "exp": 4685989700})
RA = {"metadata": {"namespace": "foo", "name": "jwt-example"},
      "spec": {"selector": {"matchLabels": {"app": "httpbin"}}, "jwtRules": [{"issuer": ISSUER}]}}
REQUIRE = {"metadata": {"namespace": "foo", "name": "require-jwt"},
           "spec": {"selector": {"matchLabels": {"app": "httpbin"}}, "action": "ALLOW",
                    "rules": [{"from": [{"source": {"requestPrincipals": [f"{ISSUER}/{ISSUER}"]}}]}]}}


def _world(ras: list[dict[str, object]], aps: list[dict[str, object]]) -> m.MeshWorld:
    return m.MeshWorld("aks-istio-system", (), tuple(authorization_policy(d, i) for i, d in enumerate(aps)),
                       (m.Sidecar("foo/httpbin-1", "httpbin"), m.Sidecar("bar/httpbin-2", "httpbin")),
                       request_authentications=tuple(request_authentication(d, i) for i, d in enumerate(ras)))


@pytest.mark.parametrize(("headers", "path", "outcome", "answer"), [
    ((), "/headers", engine.FORBIDDEN, (403, "RBAC: access denied")),
    ((("Authorization", "Bearer deadbeef"),), "/headers", engine.UNAUTHORIZED, (401, jwt.BAD_FORMAT)),
    ((("Authorization", "Bearer a.b"),), "/headers", engine.UNAUTHORIZED, (401, jwt.BAD_FORMAT)),
    ((("Authorization", "Bearer !!.e30.x"),), "/headers", engine.UNAUTHORIZED, (401, jwt.BAD_HEADER)),
    ((("Authorization", f"Bearer {_b64({'alg': 'RS256'})}.bm90IGpzb24.x"),), "/", engine.UNAUTHORIZED,
     (401, jwt.BAD_PAYLOAD)),
    ((("Authorization", f"Bearer {token({'iss': 'other', 'sub': 'x'})}"),), "/", engine.UNAUTHORIZED,
     (401, jwt.UNKNOWN_ISSUER)),
    ((("authorization", f"bearer {GOOD}"),), "/headers", engine.PASS, None),
    ((), f"/headers?access_token={GOOD}", engine.PASS, None),
    ((("Authorization", f"Basic {GOOD}"),), "/headers", engine.FORBIDDEN, (403, "RBAC: access denied")),
], ids=["no-token-forbidden", "not-a-jwt", "two-sections", "bad-header", "bad-payload", "unknown-issuer",
        "valid-token", "access-token-query", "basic-is-no-bearer"])
def test_require_a_valid_token(headers: tuple[tuple[str, str], ...], path: str, outcome: str,
                               answer: tuple[int, str] | None) -> None:
    got = engine.inbound(_world([RA], [REQUIRE]), SERVER, None, "10.244.0.9", 8000,
                         engine.HttpRequest("GET", path, "httpbin.foo", headers))
    assert got is not None and got.outcome == outcome
    if answer is not None:
        assert engine.denial(tuple(Hop(*h) for h in got.hops)) == answer


@pytest.mark.parametrize(("ras", "pod", "applies"), [
    ([RA], SERVER, True),
    ([RA], OTHER, False),  # another namespace
    ([{"metadata": {"namespace": "aks-istio-system", "name": "mesh"}, "spec": {"jwtRules": [{"issuer": "i"}]}}],
     OTHER, True),  # mesh-wide in the add-on's root namespace
    ([{"metadata": {"namespace": "foo", "name": "t"}, "spec": {"targetRefs": [{"kind": "Gateway", "name": "g"}],
                                                               "jwtRules": [{"issuer": "i"}]}}], SERVER, False),
], ids=["selected", "other-namespace", "mesh-wide", "target-refs-not-sidecars"])
def test_which_policies_apply(ras: list[dict[str, object]], pod: k8s.Pod, applies: bool) -> None:
    assert bool(jwt.applicable(_world(ras, []), pod)) is applies


def test_without_a_policy_tokens_are_ignored() -> None:
    """No RequestAuthentication: a malformed token is not checked, and no request principal exists."""
    got = engine.inbound(_world([], [REQUIRE]), SERVER, None, "10.244.0.9", 8000,
                         engine.HttpRequest("GET", "/", "h", (("Authorization", "Bearer junk"),)))
    assert got is not None and got.outcome == engine.FORBIDDEN


MANIFESTS = f"""apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {{name: jwt-example}}
spec:
  selector: {{matchLabels: {{app: productpage}}}}
  jwtRules: [{{issuer: "{ISSUER}"}}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {{name: require-jwt}}
spec:
  selector: {{matchLabels: {{app: productpage}}}}
  action: ALLOW
  rules: [{{from: [{{source: {{requestPrincipals: ["{ISSUER}/{ISSUER}"]}}}}]}}]
"""


def test_curl_through_the_ingress_gateway(bookinfo: Path, tmp_path: Path) -> None:
    (tmp_path / "authn.yaml").write_text(MANIFESTS)
    ok("kubectl", "apply", "-f", str(tmp_path / "authn.yaml"))
    url = f"http://{INGRESS}/productpage"
    bad = run_cli("curl", "-i", url, "-H", "Authorization: Bearer deadbeef")
    assert bad.code == 0 and "HTTP/1.1 401" in bad.out and jwt.BAD_FORMAT in bad.out, bad.out
    none = run_cli("curl", "-i", url)
    assert "HTTP/1.1 403" in none.out and "RBAC: access denied" in none.out, none.out
    good = run_cli("curl", "-i", url, "-H", f"Authorization: Bearer {GOOD}")
    assert "HTTP/1.1 200" in good.out and "pod=default/productpage-v1" in good.out, good.out
    trace = run_cli("trace", "internet", url, "-H", f"Authorization: Bearer {GOOD}")
    assert f"request principal {ISSUER}/{ISSUER}" in trace.out, trace.out
