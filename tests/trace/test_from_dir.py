"""``aksnet trace --from-dir``: a plain directory of manifests plus ``az … show -o json`` files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.trace import worlds


def _write_dir(tmp: Path) -> Path:
    w = worlds.kubenet(policy="calico")
    w.auto_slices()
    d = tmp / "scenario"
    d.mkdir()
    for i, (_, doc) in enumerate(w.arm):
        (d / f"arm-{i:02d}.json").write_text(json.dumps(doc))
    for i, (_, _, doc) in enumerate(w.k8s):
        (d / f"k8s-{i:02d}.json").write_text(json.dumps(doc))
    (d / "deny.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: default}\n"
        "spec: {podSelector: {}, policyTypes: [Ingress]}\n")
    return d


def test_trace_from_dir_uses_arm_and_manifests(tmp_path: Path, home: Path) -> None:
    d = _write_dir(tmp_path)
    r = run_cli("trace", "--from-dir", str(d), "pod/web-5d4f8c7b9-ax2z0", "10.100.0.6", "--port", "80")
    assert r.code == 0, r.out + r.err
    assert "MASQUERADE to node IP 10.100.0.4" in r.out
    r = run_cli("trace", "--from-dir", str(d), "pod/web-5d4f8c7b9-ax2z0", "pod/web-5d4f8c7b9-bx2z1", "--port", "80")
    assert r.code == 1 and "default/deny" in r.out


def test_trace_from_missing_dir(tmp_path: Path, home: Path) -> None:
    r = run_cli("trace", "--from-dir", str(tmp_path / "nope"), "internet", "1.2.3.4", "--port", "80")
    assert r.code != 0 and "not a directory" in r.err


def test_trace_without_workspace(home: Path) -> None:
    r = run_cli("trace", "internet", "1.2.3.4", "--port", "80")
    assert r.code == 2 and "no aksnet workspace" in r.err


def test_bad_protocol_and_port(home: Path) -> None:
    worlds.kubenet().save(home)
    r = run_cli("trace", "internet", "1.2.3.4", "--port", "80", "--protocol", "ICMP")
    assert r.code == 2
    r = run_cli("trace", "internet", "1.2.3.4", "--port", "70000")
    assert r.code == 2 and "invalid port" in r.err
    r = run_cli("trace", "internet", "internet", "--port", "80")
    assert r.code == 2 and "internet/IP" in r.err
