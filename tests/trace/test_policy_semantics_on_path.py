"""NetworkPolicy semantics that only show on a whole path
(kubernetes.io/docs/concepts/services-networking/network-policies): policies judge the packet after
kube-proxy's DNAT, so a Service port means nothing to them, only the endpoint's (target) port (item 20); a
named port resolves on each destination pod, so one name may mean different numbers (item 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.trace import worlds

FRONTEND = "deploy/production/frontend"


def _allow_frontend_to_api(port: int | str) -> dict[str, object]:
    return {"podSelector": {"matchLabels": {"app": "api"}}, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "frontend"}}}],
                         "ports": [{"protocol": "TCP", "port": port}]}]}


# Service api-service 80 → targetPort "http" (containerPort 8080 on the api pods); production denies all ingress
@pytest.mark.parametrize(("allowed_port", "code", "fragment"), [
    (8080, 0, "allowed by production/allow-frontend-to-api ingress rule #0"),
    ("http", 0, "allowed by production/allow-frontend-to-api ingress rule #0"),
    (80, 1, "allow only TCP 80, not TCP 8080"),  # the Service port is not what the policy sees
])
def test_policy_sees_the_target_port_after_dnat(allowed_port: int | str, code: int, fragment: str,
                                                home: Path) -> None:
    w = worlds.policies()
    w.service("production", "api-service", {"app": "api"}, [{"port": 80, "targetPort": "http", "protocol": "TCP"}],
              "10.32.5.7")
    w.network_policy("production", "allow-frontend-to-api", _allow_frontend_to_api(allowed_port))
    w.save(home)
    r = run_cli("trace", FRONTEND, "svc/production/api-service:80")
    assert r.code == code, r.out + r.err
    assert "DNAT     KUBE-SVC production/api-service:80" in r.out
    assert fragment in r.out


def test_named_port_resolves_per_destination_pod(home: Path) -> None:
    w = worlds.policies()
    # a second api version whose container calls 9090 "http": the same rule admits 8080 on v1, 9090 on v2
    w.replicaset("production", "api-v2-1a2b3c4d5e", "api-v2")
    w.pod("production", "api-v2-1a2b3c4d5e-vapi2", worlds.NODE1, worlds.N1_IP, "10.244.1.40", {"app": "api"},
          [(9090, "http")], ("ReplicaSet", "api-v2-1a2b3c4d5e"))
    w.network_policy("production", "allow-frontend-to-api", _allow_frontend_to_api("http"))
    w.save(home)
    v1 = "pod/production/api-5d6c7b8a9f-qapi1"
    v2 = "pod/production/api-v2-1a2b3c4d5e-vapi2"
    assert run_cli("trace", FRONTEND, v1, "--port", "8080").code == 0
    assert run_cli("trace", FRONTEND, v2, "--port", "9090").code == 0
    r = run_cli("trace", FRONTEND, v2, "--port", "8080")  # not declared on v2, and not "http" there
    assert r.code == 1 and "NetworkPolicy ingress" in r.out and "DENY" in r.out
