"""Application Gateway for Containers' own route and listener policies (alb.networking.azure.io/v1):

- ``RoutePolicy`` on an HTTPRoute: session affinity — AGC answers the first request with a ``Set-Cookie`` that
  names the endpoint it chose, and a later request that presents the cookie goes to that endpoint while it is
  still a healthy backend; ``application-cookie`` uses the policy's cookie name and lifetime, ``managed-cookie``
  AGC's ``AGCAffinity`` for one day — and the route timeout.
- ``FrontendTLSPolicy`` on a Gateway's listeners: frontend mutual TLS — a client must present a certificate
  issued by a CA of the policy's bundle, else the handshake ends with a TLS alert (``certificate required``
  without one, ``unknown ca`` for one no CA of the bundle issued) — and the predefined TLS policy.

Only Gateways of an ALB Controller's class get these (the policies are the controller's CRDs). The cookie's value
and attributes are ours (AGC documents "a uniquely generated hash used for routing", not its form). Sources:
learn.microsoft.com/azure/application-gateway/for-containers/session-affinity, how-to-frontend-mtls-gateway-api,
tls-policy, api-specification-kubernetes (RoutePolicyConfig, FrontendTLSPolicyConfig). Pure; imports only the
model (and ``cryptography`` to check a certificate's issuer signature).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from aksnet.model.gateway import FrontendTLS, Gateway, GatewayWorld, HTTPRoute, Listener, RoutePolicy, SessionAffinity
from aksnet.rules import alb, gateway_api

ALERT_CERTIFICATE_REQUIRED = "tlsv13 alert certificate required"
ALERT_UNKNOWN_CA = "tlsv1 alert unknown ca"
# OpenSSL 3's reason codes for the two alerts, as curl prints them (Debian 12's curl with OpenSSL 3.0)
ALERT_CODES = {ALERT_CERTIFICATE_REQUIRED: "0A00045C", ALERT_UNKNOWN_CA: "0A000418"}


def is_alb_gateway(world: GatewayWorld, gw: Gateway) -> bool:
    """Whether the Gateway's class belongs to the ALB Controller."""
    return any(c.name == gw.class_name and c.controller_name == gateway_api.ALB_CONTROLLER for c in world.classes)


def route_policy_for(world: GatewayWorld, route: HTTPRoute) -> RoutePolicy | None:
    """The first RoutePolicy whose targetRef names the route (kind, namespace, name)."""
    key = (route.kind, route.namespace, route.name)
    return next((p for p in world.route_policies if p.route == key), None)


def frontend_tls_for(world: GatewayWorld, gw: Gateway, lst: Listener) -> FrontendTLS | None:
    """The FrontendTLSPolicy that covers an HTTPS listener of an ALB Gateway (naming it, or naming no listener)."""
    if lst.protocol != "HTTPS" or not is_alb_gateway(world, gw):
        return None
    return next((p for p in world.frontend_tls if p.gateway == (gw.namespace, gw.name)
                 and (not p.listeners or lst.name in p.listeners)), None)


def affinity_value(ip: str, port: int) -> str:
    """The cookie value that names one endpoint (ours: 16 hex characters of its address's SHA-256)."""
    return hashlib.sha256(f"{ip}:{port}".encode()).hexdigest()[:16]


def presented_cookie(headers: Sequence[tuple[str, str]], name: str) -> str:
    """The value of cookie ``name`` in the request's Cookie headers ("" when absent)."""
    for key, value in headers:
        if key.lower() != "cookie":
            continue
        for part in value.split(";"):
            k, _, v = part.strip().partition("=")
            if k == name:
                return v.strip('"')
    return ""


def set_cookie(affinity: SessionAffinity, value: str) -> str:
    """The Set-Cookie header value AGC adds to the response that chose an endpoint."""
    return f"{affinity.cookie_name}={value}; Max-Age={affinity.cookie_duration}; Path=/; HttpOnly"


def describe_affinity(policy: RoutePolicy) -> str:
    """The RoutePolicy as a trace step."""
    parts = []
    if policy.affinity is not None:
        a = policy.affinity
        parts.append(f"session affinity {a.affinity_type} (cookie {a.cookie_name}, {a.cookie_duration} s)")
    if policy.route_timeout:
        parts.append(f"route timeout {policy.route_timeout}")
    return f"RoutePolicy {policy.namespace}/{policy.name}: {'; '.join(parts) or 'no settings'}"


def client_certificate_problem(client_pem: str, ca_bundle: str) -> str:
    """The TLS alert AGC ends the handshake with ("" when the client certificate is accepted): none presented
    (``certificate required``), or one that no CA certificate of the bundle issued and signed (``unknown ca``)."""
    if not client_pem.strip():
        return ALERT_CERTIFICATE_REQUIRED
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature

    try:
        cert = x509.load_pem_x509_certificate(client_pem.encode())
        cas = x509.load_pem_x509_certificates(ca_bundle.encode()) if ca_bundle.strip() else []
    except ValueError:
        return ALERT_UNKNOWN_CA
    for ca in cas:
        try:
            cert.verify_directly_issued_by(ca)
        except (ValueError, TypeError, InvalidSignature):  # wrong issuer name, or a signature that does not verify
            continue
        return ""
    return ALERT_UNKNOWN_CA


def describe_frontend_tls(policy: FrontendTLS) -> str:
    """The FrontendTLSPolicy as a trace step."""
    parts = [f"TLS policy {policy.policy_name or alb.TLS_POLICY_DEFAULT}"
             + ("" if policy.policy_name else " (default)")]
    if policy.ca_certificate is not None:
        parts.append(f"client certificate required, verified against CA Secret {'/'.join(policy.ca_certificate)}")
    return f"FrontendTLSPolicy {policy.namespace}/{policy.name}: {'; '.join(parts)}"
