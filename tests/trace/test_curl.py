"""``aksnet curl`` options: method, headers, Host override, -i, -v, --resolve and curl's errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.trace import worlds

P0 = "pod/web-5d4f8c7b9-ax2z0"


@pytest.fixture
def ws(home: Path) -> Path:
    worlds.kubenet(user_nsg_allows_http=True).save(home)
    return home


def test_method_headers_and_host_override(ws: Path) -> None:
    r = run_cli("curl", "-X", "post", "-H", "X-Trace: 1", "-H", "Host: shop.example.com", "-H", "Accept:",
                "--from", P0, f"http://{worlds.VM_IP}:8080/a?b=c")
    lines = r.out.splitlines()
    assert r.code == 0
    assert "method=POST" in lines and "host=shop.example.com" in lines and "request_uri=/a?b=c" in lines
    assert "header.x-trace=1" in lines and not any(x.startswith("header.accept=") for x in lines)
    assert "port=8080" in lines


def test_include_and_verbose(ws: Path) -> None:
    r = run_cli("curl", "-i", "-v", f"http://{worlds.LB_IP}/")
    assert r.code == 0
    assert r.out.startswith("HTTP/1.1 200 OK\nContent-Type: text/plain; charset=utf-8\n")
    assert "* [aksnet]   load balancer kubernetes: FORWARD" in r.err


def test_resolve_override_and_unresolved(ws: Path) -> None:
    r = run_cli("curl", "--resolve", f"shop.example.com:80:{worlds.LB_IP}", "http://shop.example.com/")
    assert r.code == 0 and "host=shop.example.com" in r.out.splitlines()
    r = run_cli("curl", "http://shop.example.com/")
    assert r.code == 6 and r.err.strip() == "curl: (6) Could not resolve host: shop.example.com"


@pytest.mark.parametrize(("url", "code"), [("ftp://x/", 1), ("http://:80/", 3), ("http://x:99999/", 3)],
                         ids=["protocol", "no-host", "bad-port"])
def test_bad_urls(ws: Path, url: str, code: int) -> None:
    r = run_cli("curl", url)
    assert r.code == code and r.err.startswith("curl: (")


def test_unknown_option(ws: Path) -> None:
    r = run_cli("curl", "--bogus", "http://x/")
    assert r.code == 2 and "curl:" in r.err


@pytest.mark.parametrize(("args", "code", "err"), [
    (["--resolve", "shop.example.com:80:notanip"], 49, "curl: (49) Couldn't parse CURLOPT_RESOLVE entry "
                                                       "'shop.example.com:80:notanip'"),
    (["--resolve", "other.example.com:80:nope"], 49, "curl: (49) Couldn't parse CURLOPT_RESOLVE entry "
                                                     "'other.example.com:80:nope'"),  # checked even if unused
    (["--resolve", "shop.example.com:http:1.2.3.4"], 49, "Couldn't parse CURLOPT_RESOLVE entry"),
], ids=["not-an-address", "unused-entry", "port-not-a-number"])
def test_bad_resolve_entries(ws: Path, args: list[str], code: int, err: str) -> None:
    r = run_cli("curl", *args, "http://shop.example.com/")
    assert r.code == code and err in r.err, r.err


def test_resolve_address_list_uses_the_first(ws: Path) -> None:
    r = run_cli("curl", "--resolve", f"shop.example.com:80:{worlds.LB_IP},203.0.113.99", "http://shop.example.com/")
    assert r.code == 0 and "host=shop.example.com" in r.out.splitlines()


@pytest.mark.parametrize(("argv", "code", "out"), [
    (["curl", "http://[2001:db8::1]/"], 0, "internet_ip=2001:db8::1"),
    (["curl", "--resolve", "shop.example.com:80:[2001:db8::1]", "http://shop.example.com/"], 0,
     "internet_ip=2001:db8::1"),
    (["trace", "internet", "2001:db8::1", "--port", "80"], 0, "sees client 2001:db8:100::10"),
    (["trace", "internet/2001:db8::1", worlds.LB_IP, "--port", "80"], 1,
     "internet/2001:db8::1 has no IPv4 address: an IPv4 destination is reached only from an IPv4 source"),
], ids=["curl-ipv6-literal", "resolve-ipv6", "trace-ipv6-internet", "trace-family-mismatch"])
def test_ipv6_addresses(ws: Path, argv: list[str], code: int, out: str) -> None:
    """IPv6 literals are addresses like any other: the internet client speaks IPv6 to an IPv6 host (from the
    documentation prefix 2001:db8::/32); a source without an address of the destination's family cannot reach it."""
    r = run_cli(*argv)
    assert r.code == code and out in r.out, (r.out, r.err)
