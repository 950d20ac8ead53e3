"""Application Gateway for Containers' connection to a backend: plain HTTP, or TLS (with a client certificate:
mutual TLS) when an AGC ``BackendTLSPolicy`` targets the Service and port. A backend port that speaks only TLS
answers AGC's plain-text request with a 400; a policy on a port that does not speak TLS fails the handshake and
AGC answers 503 itself.

Which backend ports speak TLS is not in any Kubernetes object; ours: a Service port whose ``appProtocol`` is
``https`` (or ``kubernetes.io/…`` TLS forms), whose name is ``https``/``https-…``/``tls``, or whose number is 443,
the HTTPS port (the backend-mTLS article's ``mtls-app`` Service exposes nginx's ``listen 8443 ssl`` as 443).

Gateway API's own ``BackendTLSPolicy`` (gateway.networking.k8s.io, any Gateway's proxy): the oldest policy (then
by name) whose ``targetRefs`` name the Service and the port's name (no ``sectionName``: every port) makes the
proxy connect with TLS, SNI ``validation.hostname``, the backend's certificate verified against the CA references
or the well-known CAs; when a CA reference does not resolve the connection fails and the client gets a 5xx (ours:
Envoy's 503 with ``CERTIFICATE_VERIFY_FAILED``). On an AGC Gateway, AGC's own policy wins over it (ours). Certificates
are named, not checked against each other.

Sources: gateway-api v1.4 ``apis/v1/backendtlspolicy_types.go``;
learn.microsoft.com/azure/application-gateway/for-containers/how-to-backend-mtls-gateway-api (the policy:
``targetRef`` Service, ``default.sni``, ``ports``, ``clientCertificateRef``, ``verify.caCertificateRef``,
``subjectAltName``), api-specification-kubernetes (BackendTLSPolicyConfig); nginx ``ngx_http_request.c`` (the
400 "The plain HTTP request was sent to HTTPS port"). Pure; imports only the model.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.model import k8s
from aksnet.model.gateway import BackendTLS, GatewayBackendTLS, GatewayWorld

PLAIN_TO_TLS_STATUS = 400
PLAIN_TO_TLS_BODY = "400 The plain HTTP request was sent to HTTPS port"
HANDSHAKE_STATUS = 503
HANDSHAKE_BODY = ("upstream connect error or disconnect/reset before headers. reset reason: connection failure, "
                  "transport failure reason: TLS_error: WRONG_VERSION_NUMBER")
VERIFY_FAILED_BODY = ("upstream connect error or disconnect/reset before headers. reset reason: connection failure, "
                      "transport failure reason: TLS_error: CERTIFICATE_VERIFY_FAILED")
TLS_APP_PROTOCOLS = ("https", "tls", "kubernetes.io/wss")


@dataclass(frozen=True)
class Connection:
    """How AGC talks to the chosen backend: the step to show and, when it fails, who answers what."""

    step: str
    status: int | None = None  # None: the request goes through
    body: str = ""
    by_backend: bool = False  # the backend answered (its 400), not AGC


def speaks_tls(svc: k8s.Service | None, port: int) -> bool:
    """Whether the Service port is served over TLS only (see the module docstring)."""
    sp = next((p for p in (svc.ports if svc else ()) if p.port == port), None)
    if sp is None:
        return False
    name = (sp.name or "").lower()
    return ((sp.app_protocol or "").lower() in TLS_APP_PROTOCOLS or name in ("https", "tls")
            or name.startswith(("https-", "tls-")) or port == 443)


def policy_for(world: GatewayWorld, namespace: str, service: str, port: int) -> BackendTLS | None:
    """The oldest BackendTLSPolicy that targets the Service and covers the port (no ``ports``: every port)."""
    return next((p for p in world.backend_tls
                 if p.service == (namespace, service) and (not p.ports or port in p.ports)), None)


def gateway_policy_for(world: GatewayWorld, svc: k8s.Service | None, namespace: str, service: str,
                       port: int) -> GatewayBackendTLS | None:
    """The Gateway API BackendTLSPolicy that applies to the Service port: targetRefs naming the Service with no
    sectionName or the port's name; the oldest, then the first by name, wins (BackendTLSPolicySpec.TargetRefs)."""
    name = next((p.name or "" for p in (svc.ports if svc else ()) if p.port == port), "")
    fits = [p for p in world.gateway_backend_tls if p.namespace == namespace
            and any(t == service and section in ("", name) for t, section in p.targets)]
    return min(fits, key=lambda p: (p.created, p.name), default=None)


def _gateway_connection(policy: GatewayBackendTLS, tls: bool, where: str) -> Connection:
    """A connection under Gateway API's BackendTLSPolicy (see the module docstring)."""
    if policy.ca_refs:
        trust = "backend certificate verified against " + ", ".join(f"{k} {policy.namespace}/{n}"
                                                                     for k, n in policy.ca_refs)
    else:
        trust = f"backend certificate verified against the {policy.well_known or 'System'} well-known CAs"
    names = ", ".join(policy.subject_alt_names) or policy.hostname
    text = (f"TLS to {where} per BackendTLSPolicy {policy.namespace}/{policy.name} (gateway.networking.k8s.io; "
            f"SNI {policy.hostname}; {trust}; name {names})")
    if policy.ca_problem:
        return Connection(f"{text}: {policy.ca_problem}, the connection fails: {HANDSHAKE_STATUS}", HANDSHAKE_STATUS,
                          VERIFY_FAILED_BODY)
    if not tls:
        return Connection(f"{text}: the backend does not speak TLS, the handshake fails: {HANDSHAKE_STATUS}",
                          HANDSHAKE_STATUS, HANDSHAKE_BODY)
    return Connection(text)


def connect(world: GatewayWorld, svc: k8s.Service | None, namespace: str, service: str, port: int,
            agc: bool = True) -> Connection:
    """The proxy's connection to a backend of Service ``namespace/service`` port ``port`` (``agc``: AGC's own
    BackendTLSPolicy applies too, and a TLS-only port without any policy gets plain HTTP and answers 400)."""
    policy = policy_for(world, namespace, service, port) if agc else None
    tls = speaks_tls(svc, port)
    where = f"Service {namespace}/{service} port {port}"
    standard = gateway_policy_for(world, svc, namespace, service, port) if policy is None else None
    if standard is not None:
        return _gateway_connection(standard, tls, where)
    if policy is None and not agc:
        return Connection("")
    if policy is None:
        if tls:
            return Connection(f"plain HTTP to {where}, which speaks TLS (no BackendTLSPolicy targets it): the backend "
                              f"answers {PLAIN_TO_TLS_STATUS}", PLAIN_TO_TLS_STATUS, PLAIN_TO_TLS_BODY, True)
        return Connection("")
    parts = [f"SNI {policy.sni or service}"]
    if policy.client_certificate:
        parts.append(f"client certificate Secret {'/'.join(policy.client_certificate)} (mutual TLS)")
    if policy.ca_certificate:
        parts.append(f"backend verified against CA Secret {'/'.join(policy.ca_certificate)}"
                     + (f", subjectAltName {policy.subject_alt_name}" if policy.subject_alt_name else ""))
    text = f"TLS to {where} per BackendTLSPolicy {policy.namespace}/{policy.name} ({'; '.join(parts)})"
    if not tls:
        return Connection(f"{text}: the backend does not speak TLS, the handshake fails: {HANDSHAKE_STATUS}",
                          HANDSHAKE_STATUS, HANDSHAKE_BODY)
    return Connection(text)
