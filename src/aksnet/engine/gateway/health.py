"""Application Gateway for Containers' health probes under a ``HealthCheckPolicy``: AGC sends requests only to the
endpoints whose probe passes. A probe fails when its connection does not reach the pod's port (the walk from the
association subnet), when it speaks plain HTTP to a TLS-only port (the backend's 400 is outside the healthy codes)
or TLS to a plain one (the handshake fails), or when the healthy status ranges leave out the backend's answer (the
emulated backends answer 200 on every path and host).

``useTLS`` unset: TLS when the probe uses the backend's own port and that port speaks TLS, else cleartext (as the
article says). Without a policy the default probe is not evaluated (ours: the request path already meets what it
would). Sources: learn.microsoft.com/azure/application-gateway/for-containers/custom-health-probe (order, fields,
"only distributes traffic to healthy endpoints"), api-specification-kubernetes (HealthCheckPolicyConfig). Pure;
imports only the model.
"""

from __future__ import annotations

from aksnet.model.gateway import GatewayWorld, HealthCheck

BACKEND_STATUS = 200  # what the emulated backends answer a probe
PLAIN_TO_TLS_STATUS = 400


def check_for(world: GatewayWorld, namespace: str, service: str) -> HealthCheck | None:
    """The HealthCheckPolicy that targets the Service (the first one)."""
    return next((c for c in world.health_checks if c.service == (namespace, service)), None)


def probe_port(check: HealthCheck, endpoint_port: int) -> int:
    return check.port or endpoint_port


def verdict(check: HealthCheck, endpoint_port: int, backend_tls: bool, reached: bool, why_not: str = "") -> str:
    """Why the endpoint is unhealthy, "" when its probe passes. ``backend_tls``: the backend's own port speaks
    TLS; ``reached``: the probe's connection reached the pod's probe port (``why_not`` otherwise)."""
    port = probe_port(check, endpoint_port)
    same = port == endpoint_port
    speaks = backend_tls and same
    use_tls = check.use_tls if check.use_tls is not None else speaks
    where = f"probe {'HTTPS' if use_tls else 'HTTP'} {check.host or 'localhost'}:{port}{check.path}"
    if not reached:
        return f"{where}: no connection ({why_not or 'not reached'})"
    if use_tls and not speaks:
        return f"{where}: the port does not speak TLS, the handshake fails"
    status = PLAIN_TO_TLS_STATUS if speaks and not use_tls else BACKEND_STATUS
    if not check.grpc and not any(lo <= status <= hi for lo, hi in check.status_ranges):
        ranges = ", ".join(f"{lo}-{hi}" for lo, hi in check.status_ranges)
        return f"{where}: answered {status}, outside the healthy status codes {ranges}"
    return ""
