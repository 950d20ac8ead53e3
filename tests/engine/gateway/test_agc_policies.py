"""AGC's RoutePolicy and FrontendTLSPolicy (``aksnet.engine.gateway.agc_policies``, decoded by
``aksnet.io.gateway_model``): session affinity's cookie, the route's policy, frontend mTLS's client certificate
check and which listeners a FrontendTLSPolicy covers, and the decisions ``route`` hands the proxy."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.engine.gateway import agc_policies
from aksnet.engine.gateway.route import GatewayRequest, route
from aksnet.io import gateway_model
from aksnet.model.gateway import (
    BackendRef,
    FrontendTLS,
    Gateway,
    GatewayClass,
    GatewayWorld,
    HTTPRoute,
    Listener,
    ObjectRef,
    RouteMatch,
    RouteRule,
)
from aksnet.rules import alb, gateway_api

DATA = Path(__file__).parent / "data"
ROOT, CLIENT, ROGUE = ((DATA / f"agc-{n}.crt").read_text() for n in ("root", "client", "rogue"))


@pytest.mark.parametrize(("text", "seconds"), [
    ("3600s", 3600), ("1h", 3600), ("1h30m", 5400), ("90m", 5400), ("1500ms", 1), ("", None), ("10", None),
    ("1d", None), ("s", None),
], ids=["seconds", "hour", "hour-minutes", "minutes", "milliseconds", "empty", "no-unit", "days-unsupported",
        "unit-only"])
def test_duration_seconds(text: str, seconds: int | None) -> None:
    assert gateway_model.duration_seconds(text) == seconds


def _policy(affinity: dict[str, object]) -> dict[str, object]:
    return {"metadata": {"name": "p", "namespace": "web"},
            "spec": {"targetRef": {"kind": "HTTPRoute", "name": "r", "group": ""},
                     "default": {"sessionAffinity": affinity, "timeouts": {"routeTimeout": "10s"}}}}


@pytest.mark.parametrize(("affinity", "want"), [
    ({"affinityType": "application-cookie", "cookieName": "nomnom", "cookieDuration": "3600s"}, ("nomnom", 3600)),
    ({"affinityType": "managed-cookie", "cookieName": "ignored", "cookieDuration": "5s"}, ("AGCAffinity", 86400)),
    ({"affinityType": "application-cookie", "cookieName": "nomnom"}, None),
    ({"affinityType": "application-cookie", "cookieDuration": "60s"}, None),
    ({"affinityType": "source-ip"}, None),
], ids=["application-cookie", "managed-cookie-discards-name-and-duration", "application-without-duration",
        "application-without-name", "unknown-type"])
def test_route_policy_affinity(affinity: dict[str, object], want: tuple[str, int] | None) -> None:
    p = gateway_model.alb_route_policy(_policy(affinity))
    assert p.route == ("HTTPRoute", "web", "r") and p.route_timeout == "10s"
    got = (p.affinity.cookie_name, p.affinity.cookie_duration) if p.affinity else None
    assert got == want


@pytest.mark.parametrize(("headers", "want"), [
    ((("cookie", "nomnom=abc"),), "abc"),
    ((("Cookie", "a=1; nomnom=\"abc\"; b=2"),), "abc"),
    ((("cookie", "nomnomx=abc"),), ""),
    ((("x-cookie", "nomnom=abc"),), ""),
    ((), ""),
], ids=["single", "among-others-quoted", "prefix-name-is-another-cookie", "other-header", "none"])
def test_presented_cookie(headers: tuple[tuple[str, str], ...], want: str) -> None:
    assert agc_policies.presented_cookie(headers, "nomnom") == want


@pytest.mark.parametrize(("client", "bundle", "want"), [
    (CLIENT, ROOT, ""),
    ("", ROOT, agc_policies.ALERT_CERTIFICATE_REQUIRED),
    (ROGUE, ROOT, agc_policies.ALERT_UNKNOWN_CA),
    (CLIENT, "", agc_policies.ALERT_UNKNOWN_CA),
    (CLIENT, ROGUE + ROOT, ""),
    ("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", ROOT, agc_policies.ALERT_UNKNOWN_CA),
], ids=["issued-by-the-ca", "none-presented", "same-issuer-name-wrong-signature", "empty-bundle",
        "second-ca-of-bundle", "garbage"])
def test_client_certificate(client: str, bundle: str, want: str) -> None:
    assert agc_policies.client_certificate_problem(client, bundle) == want


CERT = (ObjectRef("", "Secret", "tls"),)
HTTPS = Listener("mtls", "HTTPS", 443, tls_mode="Terminate", certificate_refs=CERT)
OTHER = Listener("other", "HTTPS", 8443)
PLAIN = Listener("http", "HTTP", 80)
GW = Gateway("web", "gw", alb.GATEWAY_CLASS, (HTTPS, OTHER, PLAIN))
ALB_CLASS = GatewayClass(alb.GATEWAY_CLASS, gateway_api.ALB_CONTROLLER)


@pytest.mark.parametrize(("listeners", "cls", "lst", "covered"), [
    (("mtls",), ALB_CLASS, HTTPS, True),
    (("mtls",), ALB_CLASS, OTHER, False),
    ((), ALB_CLASS, OTHER, True),
    ((), ALB_CLASS, PLAIN, False),
    ((), GatewayClass(alb.GATEWAY_CLASS, gateway_api.ISTIO_CONTROLLER), HTTPS, False),
], ids=["named-listener", "other-listener", "no-section-all-https", "http-listener-never", "not-an-alb-class"])
def test_frontend_tls_coverage(listeners: tuple[str, ...], cls: GatewayClass, lst: Listener, covered: bool) -> None:
    world = GatewayWorld(classes=(cls,), gateways=(GW,),
                         frontend_tls=(FrontendTLS("web", "p", ("web", "gw"), listeners),))
    assert (agc_policies.frontend_tls_for(world, GW, lst) is not None) == covered


def _world(**policies: object) -> GatewayWorld:
    rt = HTTPRoute("web", "r", (ObjectRef(gateway_api.GROUP, "Gateway", "gw"),), (),
                   (RouteRule((RouteMatch(),), backends=(BackendRef(ObjectRef("", "Service", "echo", port=80)),)),))
    return GatewayWorld(classes=(ALB_CLASS,), gateways=(GW,), routes=(rt,), services=(("web", "echo", (80,)),),
                        secrets=(("web", "tls", gateway_api.TLS_SECRET_TYPE),), **policies)  # type: ignore[arg-type]


@pytest.mark.parametrize(("client", "alert", "backend"), [
    (CLIENT, "", ("web", "echo", 80)),
    ("", agc_policies.ALERT_CERTIFICATE_REQUIRED, None),
    (ROGUE, agc_policies.ALERT_UNKNOWN_CA, None),
], ids=["verified-proxies", "no-certificate-alert", "unknown-ca-alert"])
def test_route_decision_frontend_mtls(client: str, alert: str, backend: tuple[str, str, int] | None) -> None:
    world = _world(frontend_tls=(FrontendTLS("web", "p", ("web", "gw"), ("mtls",), ("web", "ca"), ROOT),))
    d = route(world, (gateway_api.ALB_CONTROLLER,), GW, GatewayRequest("https", "a.example.com", 443, "/",
                                                                        client_cert=client))
    assert (d.tls_alert, d.backend) == (alert, backend)
    assert d.frontend_tls is not None and any("FrontendTLSPolicy web/p" in s for s in d.steps)


def test_route_decision_carries_route_policy() -> None:
    policy = gateway_model.alb_route_policy(_policy({"affinityType": "managed-cookie"}))
    d = route(_world(route_policies=(policy,)), (gateway_api.ALB_CONTROLLER,), GW,
              GatewayRequest("http", "a.example.com", 80, "/"))
    assert d.route_policy == policy
    assert "RoutePolicy web/p: session affinity managed-cookie (cookie AGCAffinity, 86400 s); route timeout 10s" \
        in d.steps
