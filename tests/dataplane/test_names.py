"""Names of data plane objects: prefix, per-workspace tag, 15-character links (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.dataplane import names
from aksnet.dataplane import topo_names as tn


@pytest.mark.parametrize("role,ident", [("vh", "aksnet-abcdef-node-aks-nodepool1-vmss000000"), ("pv", "x" * 300),
                                        ("ih", ""), ("ia", "aksnet-abcdef-apiserver-1")], ids=["node", "long", "empty",
                                                                                              "apiserver"])
def test_link_names_fit_ifnamsiz(role: str, ident: str) -> None:
    name = names.link_name(role, ident)
    assert len(name) <= 15 and name.startswith(role)
    assert name == names.link_name(role, ident)  # deterministic


@pytest.mark.parametrize("role", ["", "toolong", "v1"], ids=["empty", "long", "digit"])
def test_bad_link_roles_are_refused(role: str) -> None:
    with pytest.raises(ValueError):
        names.link_name(role, "x")


def test_netns_names_carry_the_workspace_prefix(tmp_path: Path) -> None:
    tag = names.workspace_tag(tmp_path)
    other = names.workspace_tag(tmp_path / "other")
    assert tag != other and len(tag) == 6
    ns = tn.pod_ns(tag, "production", "Frontend_1")
    assert ns.startswith(f"aksnet-{tag}-") and names.is_ours(ns, tag) and not names.is_ours(ns, other)
    assert ns == f"aksnet-{tag}-pod-production.frontend-1"
    assert len(tn.pod_ns(tag, "ns", "p" * 300)) < 120


def test_default_internet_client_matches_trace() -> None:
    from aksnet.analyses import trace
    from aksnet.rules.emulation import DEFAULT_INTERNET_CLIENT

    assert trace.DEFAULT_INTERNET_CLIENT == DEFAULT_INTERNET_CLIENT
