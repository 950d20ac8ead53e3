"""``aksnet dig``: public DNS as the reader's own machine asks it, in dig's words (BIND 9 dig(1)): OpenDNS's
myip.opendns.com answered only by OpenDNS's resolvers, Azure public names from the twin, NXDOMAIN with exit 0,
usage errors with exit 1 and nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli, workspace_rows


@pytest.fixture
def world(home: Path) -> Path:
    assert run_cli("az", "group", "create", "-n", "rg", "-l", "eastus").code == 0
    assert run_cli("az", "network", "public-ip", "create", "-g", "rg", "-n", "pip1", "--dns-name", "myapp",
                   "--sku", "Standard").code == 0
    return home


def _pip() -> str:
    return run_cli("az", "network", "public-ip", "show", "-g", "rg", "-n", "pip1", "--query", "ipAddress",
                   "-o", "tsv").out.strip()


@pytest.mark.parametrize("args,out", [
    (["@resolver1.opendns.com", "ANY", "myip.opendns.com", "+short", "-4"], "198.51.100.10\n"),
    (["+short", "myip.opendns.com", "@208.67.220.220"], "198.51.100.10\n"),
    (["-6", "AAAA", "+short", "myip.opendns.com", "@resolver1.ipv6-sandbox.opendns.com"], "2001:db8:100::10\n"),
    (["-6", "A", "+short", "myip.opendns.com", "@resolver2.opendns.com"], ""),  # asked over IPv6: an AAAA answer
    (["+short", "myip.opendns.com"], ""),  # only OpenDNS answers it
    (["+short", "myip.opendns.com", "@8.8.8.8"], ""),
    (["+short", "AAAA", "myapp.eastus.cloudapp.azure.com"], ""),  # an IPv4 public IP has no AAAA record
    (["+short", "nothing.example.org"], ""),
], ids=["article-egress", "opendns-by-address", "ipv6-transport", "a-over-ipv6", "no-server", "other-resolver",
        "no-aaaa", "nxdomain"])
def test_short_answers(world: Path, args: list[str], out: str) -> None:
    r = run_cli("dig", *args)
    assert (r.code, r.out) == (0, out), r.err


def test_public_ip_label_and_full_answer(world: Path) -> None:
    ip = _pip()
    assert run_cli("dig", "+short", "MyApp.eastus.cloudapp.azure.com.").out == f"{ip}\n"
    full = run_cli("dig", "myapp.eastus.cloudapp.azure.com").out
    assert ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 0" in full
    assert ";; QUESTION SECTION:\n;myapp.eastus.cloudapp.azure.com.\t\t\tIN\tA\n" in full
    assert f";; ANSWER SECTION:\nmyapp.eastus.cloudapp.azure.com.\t\t10\tIN\tA\t{ip}\n" in full
    assert run_cli("dig", "+noall", "+answer", "myapp.eastus.cloudapp.azure.com").out == \
        f"myapp.eastus.cloudapp.azure.com.\t\t10\tIN\tA\t{ip}\n"
    nx = run_cli("dig", "gone.eastus.cloudapp.azure.com")
    assert nx.code == 0 and "status: NXDOMAIN" in nx.out and "ANSWER SECTION" not in nx.out


@pytest.mark.parametrize("args,err", [
    (["+bogus", "x.example.com"], "Invalid option: +bogus"),
    (["--bogus", "x.example.com"], "Invalid option: --bogus"),
    (["-t", "MX", "x.example.com"], "unsupported query type 'MX'"),
    ([], "a name to look up is required"),
    (["a.example.com", "b.example.com"], "one name at a time"),
], ids=["plus-option", "dash-option", "query-type", "no-name", "two-names"])
def test_usage_errors_exit_1_and_change_nothing(world: Path, args: list[str], err: str) -> None:
    before = workspace_rows(world)
    r = run_cli("dig", *args)
    assert r.code == 1 and err in r.err and r.out == ""
    assert workspace_rows(world) == before
