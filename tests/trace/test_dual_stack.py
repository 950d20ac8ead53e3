"""trace and curl on dual-stack clusters (kubenet and Azure CNI Overlay with Cilium): IPv6 flows walk with IPv6
routes, NSG prefixes, kube-proxy's IPv6 endpoints, SNAT to the node's IPv6 address and NetworkPolicy ipBlocks of
either family (learn.microsoft.com/azure/aks/configure-kubenet-dual-stack; kubernetes.io dual-stack)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import aksnet_home, run_cli

POLICY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-v6-block}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - ipBlock: {cidr: "2001:db8::/32", except: ["2001:db8:bad::/48"]}
    - podSelector: {matchLabels: {role: client}}
"""


def _ok(*argv: str) -> str:
    r = run_cli(*argv)
    assert r.code == 0, (argv, r.out, r.err)
    return r.out.strip()


def _build(home: Path, plugin: list[str]) -> dict[str, str]:
    with aksnet_home(home):
        _ok("az", "group", "create", "-n", "rg", "-l", "eastus")
        _ok("az", "aks", "create", "-g", "rg", "-n", "c", "--ip-families", "ipv4,ipv6", "--node-count", "2", *plugin)
        _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "c")
        _ok("kubectl", "create", "deployment", "web", "--image=nginx", "--replicas=1", "--port=80")
        _ok("kubectl", "run", "client", "--image=busybox", "--labels=role=client")
        _ok("kubectl", "run", "stranger", "--image=busybox", "--labels=role=other")
        _ok("kubectl", "expose", "deployment", "web", "--port=80", "--type=LoadBalancer",
            "--overrides", '{"spec":{"ipFamilyPolicy":"PreferDualStack","externalTrafficPolicy":"Local"}}')
        _ok("kubectl", "expose", "deployment", "web", "--name=web6", "--port=80",
            "--overrides", '{"spec":{"ipFamilies":["IPv6"]}}')
        pods = json.loads(_ok("kubectl", "get", "pods", "-o", "json"))["items"]
        svc = json.loads(_ok("kubectl", "get", "svc", "web", "-o", "json"))
        web = next(p for p in pods if p["metadata"]["name"].startswith("web-"))
        return {"web_v4": web["status"]["podIPs"][0]["ip"], "web_v6": web["status"]["podIPs"][1]["ip"],
                "cip_v6": svc["spec"]["clusterIPs"][1],
                "lb_v6": svc["status"]["loadBalancer"]["ingress"][1]["ip"]}


@pytest.fixture(scope="module", params=[["--network-plugin", "kubenet"],
                                        ["--network-plugin", "azure", "--network-plugin-mode", "overlay",
                                         "--network-dataplane", "cilium"]], ids=["kubenet", "overlay-cilium"])
def cluster(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    home = tmp_path_factory.mktemp("dual") / "aksnet-home"
    ips = _build(home, request.param)
    ips["plugin"] = request.param[1]
    yield home, ips


# kubenet dual-stack has no policy engine (Azure and Calico policies are not supported with dual-stack), so
# NetworkPolicy decides only on the Cilium cluster
UNENFORCED = (0, ["network policy engine 'none'", "DELIVERED"])


CASES = [
    ("pod-to-pod-v6", ["pod/client", "{web_v6}", "--port", "80"], 0,
     ["DELIVERED", "sees client fd12:3456:789a:"]),
    ("pod-to-clusterip-v6", ["pod/client", "{cip_v6}", "--port", "80"], 0,
     ["KUBE-SVC default/web:80 (ClusterIP", "endpoint {web_v6}:80", "DELIVERED"]),
    ("internet-to-lb-v6", ["internet", "{lb_v6}", "--port", "80"], 0,
     ["-TCP-80-IPv6 → pool kubernetes-IPv6", "k8s-azure-lb_allow_IPv6_", "sees client 2001:db8:100::10"]),
    ("netpol-v6-except", ["internet/2001:db8:bad::1", "{lb_v6}", "--port", "80"], 1,
     ["selected by default/from-v6-block; no ingress rule allows TCP 80 from address 2001:db8:bad::1"]),
    ("netpol-v4-stranger", ["pod/stranger", "{web_v4}", "--port", "80"], 1,
     ["selected by default/from-v6-block; no ingress rule allows TCP 80 from pod default/stranger"]),
    ("netpol-v6-stranger", ["pod/stranger", "{web_v6}", "--port", "80"], 1,
     ["selected by default/from-v6-block; no ingress rule allows TCP 80 from pod default/stranger"]),
    ("netpol-v6-client", ["pod/client", "{web_v6}", "--port", "80"], 0, ["DELIVERED"]),
    ("pod-to-ipv6-only-service-by-name", ["pod/client", "web6", "--port", "80"], 0,
     ["CoreDNS 10.0.0.10: AAAA web6.default.svc.cluster.local → fd12:3456:789a:1::", "DELIVERED"]),
    ("pod-egress-v6-internet", ["pod/client", "2001:db8:1::1", "--port", "443"], 0,
     ["route ::/0 → Internet", "load balancer kubernetes/aksOutboundRule: SNAT to outbound IP", "sees client 2603:"]),
]


@pytest.mark.parametrize(("argv", "code", "wants"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_trace_ipv6(cluster: tuple[Path, dict[str, str]], argv: list[str], code: int, wants: list[str]) -> None:
    home, ips = cluster
    if ips["plugin"] == "kubenet" and any("from-v6-block" in w for w in wants):
        code, wants = UNENFORCED
    with aksnet_home(home):
        policy = home.parent / "policy.yaml"
        policy.write_text(POLICY)
        _ok("kubectl", "apply", "-f", str(policy))
        r = run_cli("trace", *[a.format(**ips) for a in argv])
        _ok("kubectl", "delete", "-f", str(policy))
    assert r.code == code, (r.out, r.err)
    for w in wants:
        assert w.format(**ips) in r.out, r.out


def test_curl_ipv6_frontend(cluster: tuple[Path, dict[str, str]]) -> None:
    """The article's check: curl to the Service's IPv6 frontend from an IPv6 internet host."""
    home, ips = cluster
    with aksnet_home(home):
        r = run_cli("curl", "-s", f"http://[{ips['lb_v6']}]")
    assert r.code == 0 and f"pod_ip={ips['web_v6']}" in r.out and f"header.host=[{ips['lb_v6']}]" in r.out


@pytest.mark.parametrize(("name", "qtype", "want"), [
    ("web.default.svc.cluster.local", "A", "Address: 10.0."),
    ("web.default.svc.cluster.local", "AAAA", "Address: fd12:3456:789a:1::"),
    ("web6.default.svc.cluster.local", "AAAA", "Address: fd12:3456:789a:1::"),
], ids=["dual-a", "dual-aaaa", "ipv6-only-aaaa"])
def test_dns_dual_stack_records(cluster: tuple[Path, dict[str, str]], name: str, qtype: str, want: str) -> None:
    """CoreDNS serves an A record per IPv4 ClusterIP and an AAAA record per IPv6 one."""
    home, _ = cluster
    with aksnet_home(home):
        r = run_cli("dns", name, "--type", qtype, "--from", "pod/client")
    assert r.code == 0 and want in r.out, (r.out, r.err)


def test_exposure_lists_ipv6_frontends(cluster: tuple[Path, dict[str, str]]) -> None:
    """explain --exposure walks an IPv6 frontend from the IPv6 internet client and names it."""
    home, ips = cluster
    with aksnet_home(home):
        r = run_cli("explain", "--exposure")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{ips['lb_v6']}:80/TCP"))
    assert "-IPv6 → Service default/web" in lines[at] and "from internet/2001:db8:100::10" in lines[at + 1]
