"""``aksnet matrix`` with the mesh's layer-4 decisions, on the mesh golden scenarios' clusters and manifests
(tests/scenarios/az_aks_mesh_*): STRICT drops a plaintext client's pair, an AuthorizationPolicy that denies TCP
drops the ports it denies, a policy deciding on HTTP attributes keeps the pair and is named in a warning, and the
sidecar's own port 15090 is never judged. Sources: istio.io tasks mtls-migration, authz-tcp, authz-http."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tests.conftest import run_cli

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
MTLS = SCENARIOS / "az_aks_mesh_mtls_migration"
AUTHZ = SCENARIOS / "az_aks_mesh_authorization"


def _cluster(scenario: Path, manifests: tuple[str, ...]) -> None:
    setup = [ln for ln in (scenario / "commands.txt").read_text().splitlines() if ln.startswith("az ")]
    for line in setup:
        assert run_cli("az", *shlex.split(line)[1:]).code == 0, line
    for name in ("workloads.yaml", *manifests):
        assert run_cli("kubectl", "apply", "-f", str(scenario / name)).code == 0, name


# (scenario, manifests after workloads.yaml, source, destination) → the pair's connections (None: no line)
ROWS = [
    pytest.param(MTLS, (), "legacy/curl[Deployment]", "foo/httpbin[Deployment]", "TCP 8080,15090",
                 id="permissive-lets-plaintext-in"),
    pytest.param(MTLS, ("strict-foo.yaml",), "legacy/curl[Deployment]", "foo/httpbin[Deployment]", "TCP 15090",
                 id="strict-namespace-refuses-plaintext"),
    pytest.param(MTLS, ("strict-foo.yaml",), "bar/curl[Deployment]", "foo/httpbin[Deployment]", "TCP 8080,15090",
                 id="strict-admits-mtls"),
    pytest.param(MTLS, ("strict-foo.yaml",), "legacy/curl[Deployment]", "bar/httpbin[Deployment]",
                 "TCP 8080,15090", id="strict-elsewhere-not-applied"),
    pytest.param(MTLS, ("strict-mesh.yaml",), "legacy/curl[Deployment]", "bar/httpbin[Deployment]", "TCP 15090",
                 id="strict-mesh-wide"),
    pytest.param(MTLS, ("strict-mesh.yaml",), "legacy/curl[Deployment]", "legacy/httpbin[Deployment]", "TCP 8080",
                 id="no-sidecar-destination-untouched"),
    pytest.param(AUTHZ, ("allow-nothing.yaml",), "foo/curl[Deployment]", "foo/tcp-echo[Deployment]", "TCP 15090",
                 id="allow-nothing-resets-tcp"),
    pytest.param(AUTHZ, ("tcp-ports.yaml",), "foo/curl[Deployment]", "foo/tcp-echo[Deployment]",
                 "TCP 9000-9001,15090", id="allow-by-port"),
    pytest.param(AUTHZ, ("tcp-methods.yaml",), "foo/curl[Deployment]", "foo/tcp-echo[Deployment]",
                 "TCP 9000-9002,15090", id="http-fields-kept-and-warned"),
]


@pytest.mark.parametrize(("scenario", "manifests", "src", "dst", "want"), ROWS)
def test_matrix_applies_mesh(home: Path, scenario: Path, manifests: tuple[str, ...], src: str, dst: str,
                             want: str | None) -> None:
    _cluster(scenario, manifests)
    r = run_cli("matrix", "-o", "json")
    assert r.code == 0, r.err
    got = {(c["src"], c["dst"]): c["conn"] for c in json.loads(r.out)}
    assert got.get((src, dst)) == want
    warned = "AuthorizationPolicy foo/tcp-policy decides on HTTP attributes" in r.err
    assert warned == ("tcp-methods.yaml" in manifests)
