"""The generated nginx.conf run by real Debian nginx in a throw-away network namespace (``unshare -n``,
root only), against the engine: same status, same Location, same pod, same upstream URI and headers.
Marked slow; skipped without root, unshare or nginx."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from aksnet.dataplane.nginx_conf import certificate_files, render_nginx_conf
from aksnet.engine.ingress import FAKE_CERT_CN, route_request
from tests.ingress.helpers import request
from tests.ingress.test_scenarios import SCENARIOS, load_view

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
UNSHARE = shutil.which("unshare")
DRIVER = Path(__file__).with_name("live_driver.py")
# Not comparable with plain nginx: a random draw (weighted canary without header/cookie) and nginx's own
# random $request_id.
SKIP_HEADERS = {"x-request-id"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NGINX is None or UNSHARE is None or os.geteuid() != 0, reason="needs root, unshare and nginx"),
]


def _echo(body: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in body.splitlines():
        k, _, v = line.partition("=")
        out[k] = v
    return out


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_real_nginx_agrees_with_engine(scenario: Path, tmp_path: Path) -> None:
    view, spec = load_view(scenario)
    certs = tmp_path / "certs"
    certs.mkdir()
    for path, text in certificate_files(view, str(certs)).items():
        Path(path).write_text(text)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        render_nginx_conf(view, prefix=str(tmp_path), cert_dir=str(certs), listen_address="127.0.0.1",
                          user="nobody nogroup")
    )
    endpoints = {}
    for s in view.servers:
        for loc in s.locations:
            backends = [loc.fallback] if loc.fallback else []
            if loc.backend:
                backends += [loc.backend, *[a.backend for a in view.canaries.get(loc.backend.upstream_name, ())]]
            for b in backends:
                for e in b.endpoints:
                    endpoints[(e.ip, e.port)] = {"ip": e.ip, "port": e.port, "pod": e.pod or ""}
    reqs, decisions = [], {}
    for r in spec["requests"]:
        rq = request(r["url"], remote_addr="127.0.0.1", method=r.get("method", "GET"), headers=r.get("headers"))
        if r.get("sni"):
            rq = replace(rq, sni=r["sni"])
        d = route_request(view, rq, canary_roll=r.get("roll"))
        if "roll" in r or any("canary-weight" in str(s) and "%" in str(s) for s in d.steps):
            continue  # a weighted draw: nginx's split is random
        decisions[r["name"]] = d
        reqs.append(
            {
                "name": r["name"],
                "scheme": rq.scheme,
                "host": rq.host,
                "path": rq.path,
                "method": rq.method,
                "headers": dict(r.get("headers") or {}),
                "sni": rq.sni or rq.hostname,
            }
        )
    job = tmp_path / "job.json"
    job.write_text(
        json.dumps(
            {
                "nginx": NGINX,
                "conf": str(conf),
                "prefix": str(tmp_path),
                "endpoints": list(endpoints.values()),
                "requests": reqs,
            }
        )
    )
    assert UNSHARE is not None
    run = subprocess.run(
        [UNSHARE, "-n", sys.executable, str(DRIVER), str(job)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    results: list[dict[str, Any]] = json.loads(run.stdout)
    assert [r["name"] for r in results] == [r["name"] for r in reqs]
    checked_certs: list[str] = []
    for got in results:
        d = decisions[got["name"]]
        where = f"{scenario.name} / {got['name']}"
        if d.action == "proxy" and d.backend_protocol == "HTTP":
            assert got["status"] == 200, f"{where}: nginx answered {got['status']}, engine proxies\n{d.steps}"
            echo = _echo(got["body"])
            assert echo["pod"] in {e.pod or "" for e in d.endpoints}, where  # "": a ClusterIP upstream
            assert echo["request_uri"] == d.request_uri, where
            for k, v in d.headers.items():
                if k not in SKIP_HEADERS:
                    assert echo.get(f"header.{k}") == v, (
                        f"{where}: header {k}: nginx {echo.get(f'header.{k}')!r}, engine {v!r}"
                    )
        elif d.action == "proxy":
            assert got["status"] in (502, 504), where  # a plain-HTTP echo cannot answer HTTPS/gRPC
        else:
            assert got["status"] == d.status, f"{where}: nginx {got['status']}, engine {d.status}\n{d.steps}"
            if d.action == "redirect":
                assert got["location"] == d.location_header, where
        if d.certificate is not None:
            assert got["cert"] is not None, where
            secret = view.secrets.get(d.certificate.secret) if d.certificate.secret else None
            if secret is not None:
                assert got["cert"].split() == secret.tls_crt.split(), f"{where}: served another certificate"
            else:
                cert = x509.load_pem_x509_certificate(got["cert"].encode())
                cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
                assert cn == FAKE_CERT_CN, f"{where}: served {cn!r}, engine the fake certificate"
            checked_certs.append(where)
    assert len(checked_certs) == sum(1 for r in reqs if r["scheme"] == "https")
