"""Golden scenarios: tests/scenarios/ingress_<what>/ with manifests, requests, hand-written expectations,
the decisions (decisions.json) and the generated nginx.conf. ``pytest --update-golden`` rewrites goldens;
the ``expect`` blocks in scenario.yaml are never rewritten."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml

from aksnet.dataplane.nginx_conf import render_nginx_conf
from aksnet.engine.ingress import ControllerConfig, ControllerView, IngressDecision, controller_view
from tests.golden import check_golden
from tests.ingress.build import cluster, load_yaml
from tests.ingress.helpers import request

ROOT = Path(__file__).resolve().parent.parent / "scenarios"
SCENARIOS = sorted(p for p in ROOT.glob("ingress_*") if (p / "scenario.yaml").exists())


def load_view(d: Path) -> tuple[ControllerView, dict[str, Any]]:
    spec = yaml.safe_load((d / "scenario.yaml").read_text())
    docs = load_yaml((d / "manifests.yaml").read_text())
    c = cluster(docs, spec.get("endpoints") or {}, pem_dir=d)
    controller = spec.get("controller", "k8s.io/ingress-nginx")
    view = controller_view(c, controller)
    if spec.get("config"):
        base = view.config
        values = {f.name: getattr(base, f.name) for f in fields(ControllerConfig)}
        for k, v in spec["config"].items():
            values[k] = tuple(v) if isinstance(v, list) else v
        view = controller_view(c, controller, ControllerConfig(**values))
    return view, spec


def summarize(d: IngressDecision) -> dict[str, Any]:
    out: dict[str, Any] = {
        "action": d.action,
        "status": d.status,
        "server": d.server,
        "ingress": d.ingress,
        "path": d.path,
        "path_type": d.path_type,
        "location": d.location,
        "service": d.service,
        "service_port": d.service_port,
        "endpoints": [f"{e.address} {e.pod}" for e in d.endpoints],
        "canary": d.canary,
        "backend_protocol": d.backend_protocol,
        "request_uri": d.request_uri,
        "location_header": d.location_header,
        "certificate": d.certificate.name if d.certificate else None,
        "headers": dict(d.headers),
        "response_headers": dict(d.response_headers),
        "steps": [str(s) for s in d.steps],
    }
    return out


def check_expect(summary: dict[str, Any], expect: dict[str, Any], name: str) -> None:
    for key, want in expect.items():
        if key.startswith("header."):
            got = summary["headers"].get(key[len("header.") :])
        elif key == "no_header":
            for h in want:
                assert h not in summary["headers"], f"{name}: header {h} should not be sent"
            continue
        elif key == "endpoints":
            got = [e.split(" ")[0] for e in summary["endpoints"]]
        else:
            got = summary[key]
        assert got == want, f"{name}: {key} is {got!r}, expected {want!r}\nsteps: {summary['steps']}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_scenario(scenario: Path, update_golden: bool) -> None:
    view, spec = load_view(scenario)
    results: dict[str, Any] = {}
    for r in spec["requests"]:
        req = request(
            r["url"],
            remote_addr=r.get("remote_addr", "10.240.0.4"),
            method=r.get("method", "GET"),
            headers=r.get("headers"),
        )
        if r.get("sni"):
            from dataclasses import replace

            req = replace(req, sni=r["sni"])
        from aksnet.engine.ingress import route_request

        s = summarize(route_request(view, req, canary_roll=r.get("roll")))
        check_expect(s, r.get("expect", {}), r["name"])
        results[r["name"]] = s
    results["_warnings"] = list(view.warnings)
    results["_ignored"] = [f"{i.ingress}: {i.reason}" for i in view.ignored]
    text = json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    conf = render_nginx_conf(view, prefix="/run/aksnet/ingress", cert_dir="/run/aksnet/ingress/certs")
    golden, golden_conf = scenario / "decisions.json", scenario / "nginx.conf"
    check_golden(golden, text, update_golden)
    check_golden(golden_conf, conf, update_golden)
