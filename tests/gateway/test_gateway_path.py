"""Golden scenarios of requests through a Gateway API Gateway (Istio's automated deployment): the Gateway's
LoadBalancer Service frontend → its proxy pod → listener → route rule → filters → weighted backendRef →
endpoint pod, each hop naming the rule that decided it, and Envoy's own answers (404 no route, 500 unresolved
backend, 503 no endpoints or every attempt failed, redirects). One workspace built with az/kubectl commands
(tests/gateway/istio_world.yaml); outputs under tests/scenarios/gateway_<what>/. Regenerate with
``pytest tests/gateway --update-golden``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import aksnet_home, run_cli
from tests.golden import check_golden

ROOT = Path(__file__).resolve().parent.parent / "scenarios"
WORLD = Path(__file__).resolve().parent / "istio_world.yaml"
TLS = ROOT / "explain_exposure_acceptance03"


def _ok(*argv: str) -> str:
    r = run_cli(*argv)
    assert r.code == 0, f"{argv}: {r.err}"
    return r.out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The workspace, and the Gateway's address (its Service's frontend IP)."""
    home = tmp_path_factory.mktemp("gateway") / "aksnet-home"
    with aksnet_home(home):
        _ok("az", "group", "create", "-n", "rg", "-l", "eastus")
        _ok("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "2", "--network-plugin", "azure",
            "--network-plugin-mode", "overlay", "--network-policy", "calico",
            "--enable-gateway-api")
        _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")
        _ok("kubectl", "apply", "-f", str(WORLD))
        _ok("kubectl", "create", "secret", "tls", "app-tls", "-n", "infra", "--cert", str(TLS / "tls.crt"),
            "--key", str(TLS / "tls.key"))
        gw = yaml.safe_load(_ok("kubectl", "get", "gateway", "gw", "-n", "infra", "-o", "yaml"))
        yield gw["status"]["addresses"][0]["value"]


def _resolve(ip: str, host: str) -> list[str]:
    return ["--resolve", f"{host}:80:{ip}", "--resolve", f"{host}:443:{ip}"]


# name → (argv after the resolve flags are added for HOST, HOST, expected exit code)
SCENARIOS: dict[str, tuple[list[str], str, int]] = {
    "gateway_trace_prefix_rewrite": (["trace", "internet/203.0.113.7", "http://app.example.com/v2/items?q=1"],
                                     "app.example.com", 0),
    "gateway_curl_weighted_split": (["curl", "-i", "--from", "internet/203.0.113.7", "http://app.example.com/"],
                                    "app.example.com", 0),
    "gateway_curl_header_match": (["curl", "-H", "env: canary", "http://app.example.com/"], "app.example.com", 0),
    "gateway_curl_https_listener": (["curl", "-k", "-i", "https://app.example.com/shop"], "app.example.com", 0),
    "gateway_curl_redirect": (["curl", "-i", "http://old.example.com/a?b=c"], "old.example.com", 0),
    "gateway_curl_no_route_404": (["curl", "-i", "http://nope.example.com/"], "nope.example.com", 0),
    "gateway_trace_https_unknown_sni": (["trace", "internet", "https://cross.example.com/"],
                                                 "cross.example.com", 1),
    "gateway_curl_https_unknown_sni_35": (["curl", "-k", "https://cross.example.com/"], "cross.example.com", 35),
    "gateway_curl_ref_not_permitted_500": (["curl", "-i", "http://cross.example.com/"], "cross.example.com", 0),
    "gateway_curl_reference_grant": (["curl", "http://cross.example.com/granted"], "cross.example.com", 0),
    "gateway_curl_no_endpoints_503": (["curl", "-i", "http://idle.example.com/"], "idle.example.com", 0),
    "gateway_trace_policy_blocks_upstream": (["trace", "internet", "http://vault.example.com/"], "vault.example.com",
                                             1),
    "gateway_curl_grpc_method": (["curl", "-X", "POST", "-H", "content-type: application/grpc",
                                  "http://grpc.example.com/helloworld.Greeter/SayHello"], "grpc.example.com", 0),
    "gateway_curl_grpc_unknown_method_404": (["curl", "-i", "-X", "POST", "-H", "content-type: application/grpc",
                                              "http://grpc.example.com/helloworld.Greeter/SayBye"],
                                             "grpc.example.com", 0),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS), ids=sorted(SCENARIOS))
def test_gateway_scenario(name: str, world: str, update_golden: bool) -> None:
    argv, host, want = SCENARIOS[name]
    argv = [*argv, *_resolve(world, host)]
    r = run_cli(*argv)
    assert r.code == want, r.out + r.err
    outputs = {"expected.txt": f"$ aksnet {' '.join(argv)}\nexit: {r.code}\n{r.out}{r.err}"}
    if argv[0] == "trace":
        j = run_cli(*argv, "-o", "json")
        doc = json.loads(j.out)
        assert {"verdict", "source", "destination", "hops"} <= set(doc)
        outputs["expected.json"] = j.out
    for fname, got in outputs.items():
        check_golden(ROOT / name / fname, got, update_golden)
