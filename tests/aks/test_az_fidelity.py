"""Today's az and AKS: the default plugin and surge, enum and not-found errors, RP error layout, and real az flags
that aksnet does not emulate (noted and dropped, or refused) next to a misspelt flag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli


def _ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, r.err
    return r.out


def _group() -> None:
    _ok("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none")


@pytest.mark.parametrize(("flags", "expected"), [
    ((), ["azure", "overlay", "10.244.0.0/16", 250, "10%"]),
    (("--network-plugin", "kubenet"), ["kubenet", None, "10.244.0.0/16", 110, "10%"]),
    (("--network-plugin", "Azure"), ["azure", None, None, 30, "10%"]),
    (("--network-plugin", "azure", "--network-plugin-mode", "Overlay", "--max-surge", "33%"),
     ["azure", "overlay", "10.244.0.0/16", 250, "33%"]),
], ids=["bare-create-is-overlay", "kubenet-by-flag", "azure-case-insensitive", "overlay-explicit-surge"])
def test_create_defaults(home: Path, flags: tuple[str, ...], expected: list[object]) -> None:
    _group()
    out = _ok("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "1", *flags, "--query",
              "[networkProfile.networkPlugin, networkProfile.networkPluginMode, networkProfile.podCidr, "
              "agentPoolProfiles[0].maxPods, agentPoolProfiles[0].upgradeSettings.maxSurge]")
    assert json.loads(out) == expected


@pytest.mark.parametrize(("flags", "code", "err"), [
    (("--network-plugin", "kubenetx"), 2,
     "ERROR: az aks create: 'kubenetx' is not a valid value for '--network-plugin'. Allowed values: azure, kubenet, "
     "none.\nDid you mean 'kubenet' ?\n"),
    (("--network-dataplane", "ebpf"), 2,
     "ERROR: az aks create: 'ebpf' is not a valid value for '--network-dataplane'. Allowed values: azure, cilium.\n"),
    (("--service-cidr", "10.9.0.0/16"), 1, "ERROR: Please explicitly specify the network plugin type\n"),
    (("--netwrk-plugin", "azure"), 2, "ERROR: unrecognized arguments: --netwrk-plugin azure\n"
                                      "Did you mean '--network-plugin' ?\n"),
    (("-a", "http_application_routing"), 2,
     "ERROR: aksnet: '-a http_application_routing' is an az option that aksnet does not emulate (it changes "
     "networking, so the command is refused); see docs/fidelity.md\n"),
    (("--enable-node-public-ip",), 2,
     "ERROR: aksnet: '--enable-node-public-ip' is an az option that aksnet does not emulate (it changes "
     "networking, so the command is refused); see docs/fidelity.md\n"),
    (("--load-balancer-outbound-ports", "1001"), 1, "ERROR: --load-balancer-allocated-ports must be a multiple of 8\n"),
    (("--load-balancer-idle-timeout", "3"), 1, "ERROR: --load-balancer-idle-timeout must be in the range [4,100]\n"),
    (("--outbound-type", "managedNATGateway", "--nat-gateway-idle-timeout", "121"), 1,
     "ERROR: --nat-gateway-idle-timeout must be in the range [4,120]\n"),
], ids=["enum-typo", "enum-no-close-match", "cidr-needs-plugin", "misspelt-flag", "networking-addon",
        "networking-flag", "outbound-ports-multiple-of-8", "lb-idle-range", "nat-idle-range"])
def test_create_refusals_change_nothing(home: Path, flags: tuple[str, ...], code: int, err: str) -> None:
    _group()
    r = run_cli("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "1", *flags)
    assert (r.code, r.err) == (code, err)
    assert json.loads(_ok("az", "aks", "list", "--query", "[].name")) == []


def test_unemulated_flags_are_noted_and_the_command_runs(home: Path) -> None:
    _group()
    r = run_cli("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "1", "--enable-addons",
                "monitoring,azure-policy", "--enable-oidc-issuer", "--tier=standard", "--network-plugin", "kubenet",
                "--query", "networkProfile.networkPlugin")
    assert r.code == 0, r.err
    assert json.loads(r.out) == "kubenet"
    assert r.err.splitlines() == [
        f"aksnet: '{shown}' is an az option that aksnet does not emulate (no networking effect); see docs/fidelity.md"
        for shown in ("--enable-addons monitoring,azure-policy", "--enable-oidc-issuer", "--tier standard")]


@pytest.mark.parametrize("args", [
    ("az", "aks", "show", "-g", "rg", "-n", "nope"),
    ("az", "aks", "scale", "-g", "rg", "-n", "nope", "--node-count", "2"),
    ("az", "network", "vnet", "show", "-g", "rg", "-n", "nope"),
    ("az", "network", "vnet", "subnet", "create", "-g", "rg", "--vnet-name", "nope", "-n", "s",
     "--address-prefixes", "10.0.0.0/24"),
    ("az", "network", "nsg", "rule", "list", "-g", "rg", "--nsg-name", "nope"),
    ("az", "aks", "show", "-g", "nogroup", "-n", "x"),
], ids=["aks-show", "aks-scale", "vnet-show", "subnet-create-missing-vnet", "nsg-rule-list", "missing-group"])
def test_every_not_found_exits_3_in_three_lines(home: Path, args: tuple[str, ...]) -> None:
    _group()
    r = run_cli(*args)
    assert r.code == 3, r.err
    first, code, message = r.err.splitlines()[:3]
    assert first.startswith("ERROR: (") and code.startswith("Code: ") and message.startswith("Message: ")
    assert first == f"ERROR: ({code[6:]}) {message[9:]}"


def test_cilium_dataplane_shows_cilium_policy(home: Path) -> None:
    _group()
    out = _ok("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "1", "--network-plugin", "azure",
              "--network-plugin-mode", "overlay", "--network-dataplane", "cilium", "--query",
              "[networkProfile.networkDataplane, networkProfile.networkPolicy]")
    assert json.loads(out) == ["cilium", "cilium"]


@pytest.mark.parametrize(("flags", "query", "expected"), [
    (("--load-balancer-outbound-ports", "1024", "--load-balancer-idle-timeout", "10"),
     "[networkProfile.loadBalancerProfile.allocatedOutboundPorts, networkProfile.loadBalancerProfile"
     ".idleTimeoutInMinutes]", [1024, 10]),
    (("--outbound-type", "managedNATGateway", "--nat-gateway-idle-timeout", "7"),
     "networkProfile.natGatewayProfile.idleTimeoutInMinutes", 7),
    (("--enable-app-routing",), "ingressProfile.webAppRouting.enabled", True),
], ids=["lb-ports-and-idle", "nat-idle", "app-routing"])
def test_create_outbound_tuning_and_app_routing(home: Path, flags: tuple[str, ...], query: str,
                                                expected: object) -> None:
    _group()
    out = _ok("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "1", *flags, "--query", query)
    assert json.loads(out) == expected


def test_outbound_rule_and_nat_gateway_carry_the_tuning(home: Path) -> None:
    _group()
    _ok("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "1", "--load-balancer-outbound-ports", "1024",
        "--load-balancer-idle-timeout", "10")
    rule = json.loads(_ok("az", "network", "lb", "show", "-g", "MC_rg_c_eastus", "-n", "kubernetes", "--query",
                          "outboundRules[0].[allocatedOutboundPorts, idleTimeoutInMinutes]"))
    assert rule == [1024, 10]
    _ok("az", "aks", "create", "-g", "rg", "-n", "n", "--node-count", "1", "--outbound-type", "managedNATGateway",
        "--nat-gateway-idle-timeout", "7")
    assert json.loads(_ok("az", "network", "nat", "gateway", "list", "-g", "MC_rg_n_eastus", "--query",
                          "[].idleTimeoutInMinutes")) == [7]


@pytest.mark.parametrize(("create", "update", "code", "expected"), [
    (("--enable-private-cluster",), ("--disable-public-fqdn",), 0, [None, False]),
    (("--enable-private-cluster", "--disable-public-fqdn"), ("--enable-public-fqdn",), 0, ["fqdn", True]),
    ((), ("--disable-public-fqdn",), 1, "ERROR: --disable-public-fqdn can only be used for private cluster\n"),
    (("--enable-private-cluster", "--private-dns-zone", "none"), ("--disable-public-fqdn",), 1,
     "ERROR: --disable-public-fqdn cannot be applied for none mode private dns zone cluster\n"),
], ids=["disable", "enable-again", "public-cluster", "none-zone"])
def test_update_public_fqdn(home: Path, create: tuple[str, ...], update: tuple[str, ...], code: int,
                            expected: object) -> None:
    _group()
    _ok("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "1", *create)
    r = run_cli("az", "aks", "update", "-g", "rg", "-n", "c", *update, "--query",
                "[fqdn, apiServerAccessProfile.enablePrivateClusterPublicFqdn]")
    assert r.code == code, r.err
    if code:
        assert r.err == expected
        return
    got = json.loads(r.out)
    assert [("fqdn" if got[0] and got[0].endswith(".hcp.eastus.azmk8s.io") else got[0]), got[1]] == expected
