"""RequestAuthentication at a workload's proxy: which JWT a request carries and whether Envoy's jwt_authn filter
rejects it (401) before authorization runs. A request without a token passes (only an AuthorizationPolicy can
require one, with ``requestPrincipals``); a token that is not a JWT, or whose issuer no applicable
RequestAuthentication names, is rejected; an accepted token gives the request principal ``<iss>/<sub>``.
aksnet has no issuers' keys and no clock in an analysis: signatures and expiry are not checked (the emulation
gates on a well-formed token from a configured issuer; docs/fidelity.md).

Sources: https://istio.io/latest/docs/reference/config/security/request_authentication/ (default locations: the
``Authorization: Bearer`` header and the ``access_token`` query parameter; several policies' rules combine),
https://istio.io/latest/docs/tasks/security/authentication/authn-policy/#end-user-authentication,
google/jwt_verify_lib ``src/status.cc`` (the messages). Pure; the model only.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

from aksnet.engine.mesh.peer import selects
from aksnet.model import k8s, mesh

BAD_FORMAT = "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections"
BAD_HEADER = "Jwt header is an invalid JSON"
BAD_PAYLOAD = "Jwt payload is an invalid JSON"
UNKNOWN_ISSUER = "Jwt issuer is not configured"
UNAUTHORIZED_STATUS = 401


@dataclass(frozen=True, slots=True)
class JwtOutcome:
    policies: tuple[str, ...]  # the applicable RequestAuthentications (namespace/name)
    principal: str | None = None  # <iss>/<sub> of an accepted token
    rejected: str | None = None  # jwt_authn's message when the token is refused (the request gets 401)


def applicable(world: mesh.MeshWorld, pod: k8s.Pod) -> list[mesh.RequestAuthentication]:
    """The RequestAuthentications that apply to a workload: mesh-wide (root namespace, no selector), the
    namespace's without a selector and those whose selector matches; all apply together."""
    return [r for r in world.request_authentications if not r.has_target_refs and (
        (r.namespace == world.root_namespace and not r.selector)
        or (r.namespace == pod.namespace and selects(r.selector, pod.labels)))]


def token(headers: tuple[tuple[str, str], ...], path: str) -> str | None:
    """The JWT of a request from the default locations (None: it carries none)."""
    for name, value in headers:
        if name.lower() == "authorization" and value[:7].lower() == "bearer ":
            return value[7:].strip()
    query = path.split("?", 1)[1] if "?" in path else ""
    return next((v for k, v in parse_qsl(query, keep_blank_values=True) if k == "access_token"), None)


def _part(text: str) -> object:
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return json.loads(raw)


def claims(jwt: str) -> dict[str, object] | str:
    """The payload's claims, or jwt_authn's message for a token that is not a JWT."""
    parts = jwt.split(".")
    if len(parts) != 3:
        return BAD_FORMAT
    try:
        header = _part(parts[0])
    except (binascii.Error, ValueError):
        return BAD_HEADER
    try:
        payload = _part(parts[1])
    except (binascii.Error, ValueError):
        return BAD_PAYLOAD
    if not isinstance(header, dict):
        return BAD_HEADER
    return payload if isinstance(payload, dict) else BAD_PAYLOAD


def authenticate(world: mesh.MeshWorld, pod: k8s.Pod, headers: tuple[tuple[str, str], ...],
                 path: str) -> JwtOutcome | None:
    """jwt_authn at ``pod``'s proxy for one HTTP request (None: no RequestAuthentication applies)."""
    policies = applicable(world, pod)
    if not policies:
        return None
    keys = tuple(p.key for p in policies)
    jwt = token(headers, path)
    if jwt is None:
        return JwtOutcome(keys)
    got = claims(jwt)
    if isinstance(got, str):
        return JwtOutcome(keys, rejected=got)
    iss = got.get("iss")
    if not isinstance(iss, str) or iss not in {i for p in policies for i in p.issuers}:
        return JwtOutcome(keys, rejected=UNKNOWN_ISSUER)
    sub = got.get("sub")
    return JwtOutcome(keys, principal=f"{iss}/{sub if isinstance(sub, str) else ''}")
