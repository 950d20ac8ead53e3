"""``az aks create --ip-families``: IPv4 (the default) is accepted; dual-stack is refused by AKS's rules for Azure
CNI without overlay and otherwise with aksnet's not-emulated note; nothing is created when refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.azure.helpers import az, ok, snapshot

NOTE = ("ERROR: aksnet: '--ip-families {v}' is an az option that aksnet does not emulate (it changes networking, "
        "so the command is refused); see docs/fidelity.md\n")


@pytest.mark.parametrize(("flags", "code", "err"), [
    ("--ip-families ipv4", 0, ""),
    ("--ip-families ipv4,ipv6", 2, NOTE.format(v="ipv4,ipv6")),
    ("--ip-families IPv4,IPv6 --network-plugin azure --network-plugin-mode overlay", 2, NOTE.format(v="IPv4,IPv6")),
    ("--ip-families ipv4,ipv6 --network-plugin kubenet", 2, NOTE.format(v="ipv4,ipv6")),
    ("--ip-families ipv4,ipv6 --network-plugin azure", 1,
     "(InvalidParameter) Dual-stack networking is supported only with Azure CNI Overlay or kubenet"),
    ("--ip-families ipv6", 1, "(InvalidParameter) IPv6 single-stack clusters are not supported"),
    ("--ip-families ipv5", 1, "ERROR: --ip-families: 'ipv5' is not a comma-separated list of IPv4, IPv6.\n"),
], ids=["ipv4", "dual-default-overlay", "dual-overlay", "dual-kubenet", "dual-azure-cni", "ipv6-only", "bad-value"])
def test_ip_families(home: Path, flags: str, code: int, err: str) -> None:
    ok("group create -n rg -l eastus")
    before = snapshot(home)
    r = az(f"aks create -g rg -n c {flags} --query networkProfile.ipFamilies -o tsv")
    assert r.code == code, r.err
    if code == 0:
        assert r.out == "IPv4\n"
        return
    assert err in r.err if err.startswith("(") else r.err == err
    assert snapshot(home) == before
