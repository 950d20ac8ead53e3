"""The pure planner: Twin → namespaces, links, routes, nft documents; golden files per network plugin.

Runs everywhere (no root). Regenerate with ``pytest tests/dataplane --update-golden``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from aksnet.dataplane import names
from aksnet.dataplane.plan import build_plan
from aksnet.dataplane.spec import Plan
from aksnet.model import k8s
from tests.dataplane.twins import allow_http_rule, kubenet_twin
from tests.golden import check_golden

GOLDEN = Path(__file__).resolve().parents[1] / "scenarios" / "dataplane_plan"
TAG = "t3st00"


def summary(plan: Plan) -> dict[str, Any]:
    return {
        "units": [dataclasses.asdict(u) for u in plan.units],
        "routing": [dataclasses.asdict(r) for r in plan.routing],
        "nft": {s.netns: s.document for s in plan.nft},
        "listeners": [dataclasses.asdict(x) for x in plan.listeners],
        "resolv": dict(plan.resolv),
        "dns_names": sorted(plan.dns_records),
        "notes": list(plan.notes),
    }


def deny_web_policy() -> k8s.NetworkPolicy:
    sel = k8s.LabelSelector({"app": "web"})
    return k8s.NetworkPolicy("default", "web-only-80-from-web", sel, ("Ingress",),
                             (k8s.NetworkPolicyRule((k8s.NetworkPolicyPeer(pod_selector=sel),),
                                                    (k8s.NetworkPolicyPort("TCP", 80),)),))


CASES = {
    "kubenet": lambda: kubenet_twin(nsg_rules=(allow_http_rule(),), policies=(deny_web_policy(),)),
    "azure": lambda: kubenet_twin(plugin="azure", policy_engine="azure"),
    "overlay": lambda: kubenet_twin(plugin="overlay", lb=False, route_table=False),
}


@pytest.mark.parametrize("case", sorted(CASES), ids=sorted(CASES))
def test_plan_matches_golden(case: str, update_golden: bool) -> None:
    got = json.dumps(summary(build_plan(CASES[case](), TAG)), indent=1, sort_keys=True) + "\n"
    check_golden(GOLDEN / f"{case}.json", got, update_golden)


def test_plan_is_deterministic() -> None:
    assert summary(build_plan(kubenet_twin(), TAG)) == summary(build_plan(kubenet_twin(), TAG))


@pytest.mark.parametrize("case", sorted(CASES), ids=sorted(CASES))
def test_every_name_is_ours_and_links_fit(case: str) -> None:
    plan = build_plan(CASES[case](), TAG)
    for u in plan.units:
        assert names.is_ours(u.netns, TAG)
        assert u.parent is None or names.is_ours(u.parent, TAG)
        for v in u.uplinks:
            assert len(v.name) <= 15 and len(v.peer_name) <= 15
    assert all(names.is_ours(s.netns, TAG) for s in plan.nft)
    assert all(names.is_ours(x.netns, TAG) for x in plan.listeners)


def test_route_table_not_associated_means_no_pod_routes() -> None:
    """kubenet: without the route table on the subnet, the subnet's table has no UDR for the pod /24s."""
    with_rt = build_plan(kubenet_twin(), TAG).routing[0]
    without = build_plan(kubenet_twin(route_table=False), TAG).routing[0]
    udr = [r for r in with_rt.routes if r.dst.startswith("10.244.") and r.gateway]
    assert len(udr) == 2
    assert not [r for r in without.routes if r.dst.startswith("10.244.")]


def _empty_sets(doc: Any) -> int:
    """Anonymous sets with no element anywhere in an nft JSON document (nft refuses them: 'Invalid RHS')."""
    if isinstance(doc, dict):
        return int(doc.get("set") == []) + sum(_empty_sets(v) for k, v in doc.items() if k != "set" or v)
    if isinstance(doc, list):
        return sum(_empty_sets(v) for v in doc)
    return 0


@pytest.mark.parametrize(("nodes", "pods_per_node"), [(1, 1), (2, 1), (2, 2)],
                         ids=["lone-pod", "one-pod-per-node", "two-pods-per-node"])
def test_policy_chains_have_no_empty_sets(nodes: int, pods_per_node: int) -> None:
    """A pod whose peer class is itself alone, with no other peer allowed the same, leaves no empty address
    set behind."""
    plan = build_plan(kubenet_twin(nodes=nodes, pods_per_node=pods_per_node, policies=(deny_web_policy(),)), TAG)
    assert sum(_empty_sets(s.document) for s in plan.nft) == 0
