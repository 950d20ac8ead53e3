"""The generated nginx.conf: structure checks, and Debian's ``nginx -t`` on every scenario's config
(only ``-t``: nginx is never started here)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from aksnet.dataplane.nginx_conf import certificate_files, certificate_paths, fake_certificate, render_nginx_conf
from tests.ingress.helpers import ingress_doc, rule, view_of
from tests.ingress.test_scenarios import SCENARIOS, load_view

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_nginx_accepts_generated_config(scenario: Path, tmp_path: Path) -> None:
    view, _ = load_view(scenario)
    certs = tmp_path / "certs"
    certs.mkdir()
    for path, text in certificate_files(view, str(certs)).items():
        Path(path).write_text(text)
    conf = tmp_path / "nginx.conf"
    conf.write_text(render_nginx_conf(view, prefix=str(tmp_path), cert_dir=str(certs)))
    assert NGINX is not None
    r = subprocess.run(
        [NGINX, "-t", "-q", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True, timeout=30
    )
    assert r.returncode == 0, r.stderr


def test_locations_follow_ingress_nginx_rules() -> None:
    plain = view_of(
        [ingress_doc("a", [rule("h", ("/foo", "Prefix", "s1"), ("/bar", "Exact", "s2"), ("/", "Prefix", "s3"))])]
    )
    conf = render_nginx_conf(plain, prefix="/p", cert_dir="/p/c")
    assert 'location "/foo/" {' in conf and 'location = "/foo" {' in conf
    assert 'location = "/bar" {' in conf and 'location "/" {' in conf
    assert "~*" not in conf
    regex = view_of(
        [
            ingress_doc(
                "a",
                [rule("h", ("/foo", "Prefix", "s1"))],
                annotations={"nginx.ingress.kubernetes.io/use-regex": "true"},
            )
        ]
    )
    conf = render_nginx_conf(regex, prefix="/p", cert_dir="/p/c")
    assert 'location ~* "^/foo" {' in conf and 'location ~* "^/" {' in conf
    assert conf.index('"^/foo"') < conf.index('"^/" {')


def test_wildcard_server_name_and_default_server() -> None:
    view = view_of([ingress_doc("a", [rule("*.foo.com", ("/", "Prefix", "s1"))])])
    conf = render_nginx_conf(view, prefix="/p", cert_dir="/p/c")
    assert "server_name ~^(?<subdomain>[\\w-]+)\\.foo\\.com$;" in conf
    assert "listen 80 default_server;" in conf and "return 404;" in conf


def test_certificate_paths_and_fake_certificate_are_stable() -> None:
    view = view_of(
        [ingress_doc("a", [rule("h", ("/", "Prefix", "s1"))], tls=[{"hosts": ["h"], "secretName": "missing"}])]
    )
    paths = certificate_paths(view, "/c")
    assert paths == {
        "Kubernetes Ingress Controller Fake Certificate": (
            "/c/default-fake-certificate.crt",
            "/c/default-fake-certificate.key",
        )
    }
    crt, key = fake_certificate()
    assert "BEGIN CERTIFICATE" in crt and "BEGIN PRIVATE KEY" in key
    assert fake_certificate()[1] == key  # the key is derived from a fixed seed


def _rewrite_location(conf: str) -> list[str]:
    lines = conf.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip().startswith("rewrite "))
    while not lines[start].strip().startswith("location "):
        start -= 1
    end = next(i for i in range(start, len(lines)) if lines[i] == "        }")
    return [ln.strip() for ln in lines[start + 1:end]]


REWRITE_MODULE = ("set ", "if ", "return ", "rewrite ")


@pytest.mark.parametrize("canary", [False, True], ids=["plain", "with-canary"])
def test_rewrite_is_the_last_rewrite_module_directive(canary: bool) -> None:
    """``rewrite … break`` stops the rewrite module's directives that follow it (a canary's ``set``/``if``
    after it left $aksnet_upstream empty: NGINX answered 500 where the twin proxied; found by the data plane)."""
    rw = {"nginx.ingress.kubernetes.io/rewrite-target": "/$1", "nginx.ingress.kubernetes.io/use-regex": "true"}
    docs = [ingress_doc("rw", [rule("h", ("/a/(.*)", "ImplementationSpecific", "web"))], annotations=rw)]
    if canary:
        docs.append(ingress_doc("c", [rule("h", ("/a/(.*)", "ImplementationSpecific", "web-canary"))],
                                annotations={"nginx.ingress.kubernetes.io/canary": "true",
                                             "nginx.ingress.kubernetes.io/canary-by-header": "X-Canary"}))
    body = _rewrite_location(render_nginx_conf(view_of(docs), prefix="/p", cert_dir="/p/c"))
    module = [ln for ln in body if ln.startswith(REWRITE_MODULE)]
    assert module[-1].startswith("rewrite ") and len(module) == (5 if canary else 1), body
