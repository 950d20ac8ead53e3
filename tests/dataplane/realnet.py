"""Helpers for the tests that build a real data plane: skip reasons, a host snapshot, build/teardown."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from aksnet.dataplane import apply, names, record
from aksnet.dataplane.cleanup import down
from aksnet.dataplane.plan import build_plan
from aksnet.dataplane.spec import Plan
from aksnet.model.twin import Twin


def dataplane_skip_reason() -> str | None:
    """Why namespaces cannot be made here (None: they can)."""
    if os.geteuid() != 0:
        return "needs root (CAP_SYS_ADMIN/CAP_NET_ADMIN) to create network namespaces"
    for tool in ("/usr/sbin/nft", "/usr/sbin/ip"):
        if not Path(tool).exists():
            return f"{tool} is not installed"
    if not Path("/var/run").exists():
        return "no /var/run for named network namespaces"
    return None


requires_dataplane = pytest.mark.skipif(dataplane_skip_reason() is not None,
                                        reason=dataplane_skip_reason() or "")


def host_snapshot() -> dict[str, Any]:
    """What the host namespace holds: links, addresses, routes, rules, nft ruleset (volatile fields dropped)."""
    def ipj(*args: str) -> Any:
        out = subprocess.run(["/usr/sbin/ip", "-j", *args], capture_output=True, text=True, check=True).stdout
        return json.loads(out or "[]")

    links = sorted((x["ifname"], x.get("link_type", "")) for x in ipj("link"))
    addrs = sorted((x["ifname"], a["local"], a["prefixlen"]) for x in ipj("addr") for a in x.get("addr_info", []))
    routes = sorted(json.dumps({k: v for k, v in r.items() if k not in ("expires",)}, sort_keys=True)
                    for t in ("all",) for r in ipj("route", "show", "table", t))
    rules = sorted(json.dumps(r, sort_keys=True) for r in ipj("rule"))
    nft = subprocess.run(["/usr/sbin/nft", "-j", "list", "ruleset"], capture_output=True, text=True, check=True).stdout
    tables = sorted((t["table"]["family"], t["table"]["name"]) for t in json.loads(nft or '{"nftables":[]}')
                    ["nftables"] if "table" in t)
    return {"links": links, "addrs": addrs, "routes": routes, "rules": rules, "nft_tables": tables}


def our_netns(tag: str) -> list[str]:
    d = Path("/var/run/netns")
    return sorted(n for n in os.listdir(d) if names.is_ours(n, tag)) if d.exists() else []


def our_etc(tag: str) -> list[str]:
    d = Path("/etc/netns")
    return sorted(n for n in os.listdir(d) if names.is_ours(n, tag)) if d.exists() else []


@contextmanager
def built(home: Path, twin: Twin, **kw: Any) -> Iterator[tuple[str, Plan]]:
    """Apply the plan of ``twin`` in a fresh data plane for ``home``; always torn down afterwards."""
    tag = names.workspace_tag(home)
    try:
        plan = build_plan(twin, tag, **kw)
        with record.opened(home, tag) as state:
            apply.apply_plan(home, plan, state)
        yield tag, plan
    finally:
        down(home, tag)
        assert our_netns(tag) == [], "down left namespaces behind"
        if (home / "dataplane").exists():
            shutil.rmtree(home / "dataplane", ignore_errors=True)


def up_verify_down() -> None:
    """``aksnet up``, then ``aksnet verify`` must find real packets and trace agreeing (at least one check); the
    data plane is taken down whatever happens."""
    from tests.conftest import run_cli

    try:
        up = run_cli("up")
        assert up.code == 0, up.err
        r = run_cli("verify", "-o", "json")
        report = json.loads(r.out)
        assert r.code == 0, json.dumps(report, indent=1)[:4000]
        assert report["checks"] > 0
    finally:
        run_cli("down")


def cli_ok(*args: str) -> str:
    """Run an aksnet command in-process and return its output; fail the test on a non-zero exit."""
    from tests.conftest import run_cli

    r = run_cli(*args)
    assert r.code == 0, (args, r.out, r.err)
    return r.out


@contextmanager
def brought_down(home: Path) -> Iterator[Path]:
    """Yield ``home``; afterwards ``aksnet down`` and check that none of its namespaces is left."""
    from tests.conftest import run_cli

    try:
        yield home
    finally:
        run_cli("down")
        assert our_netns(names.workspace_tag(home)) == []
