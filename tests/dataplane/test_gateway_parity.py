"""The Gateway API and Application Gateway for Containers golden scenarios through real NGINX: each scenario's
world is brought up (``aksnet up``), every request of the scenario is sent by the twin (``aksnet curl``) and by the
real curl through the real proxy (``aksnet curl --dataplane``), and both must give the same curl exit code, HTTP
status, Location, answering workload, request line and Host the backend saw, the client address and
X-Forwarded-For it saw, the headers the routes add or remove, and the response headers the routes set; then
``aksnet verify`` must find no disagreement, Gateway URLs included.

Worlds: the Istio-deployed Gateway of ``tests/gateway/istio_world.yaml`` (the ``gateway_*`` scenarios of
``tests/scenarios``; a trace scenario is sent as the curl of its URL) and every AGC how-to article of
``tests/articles/agc_*.steps`` (its ``aksnet curl``/``trace`` steps)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from tests.articles.test_articles import HERE as ARTICLES_DIR
from tests.articles.test_articles import _substitute, parse, run_step
from tests.conftest import Result, run_cli
from tests.dataplane.realnet import brought_down, requires_dataplane
from tests.gateway.test_gateway_path import SCENARIOS, TLS, WORLD

pytestmark = [pytest.mark.dataplane, requires_dataplane]

# echo lines that differ by nature between the twin and the real client (curl's version, Envoy's attempt count,
# the random request ID) or name the pod rather than the workload
_UNCOMPARED = ("pod=", "pod_ip=", "protocol=", "header.user-agent=", "header.x-request-id=",
               "header.x-envoy-attempt-count=", "header.connection=")
_HEAD_UNCOMPARED = ("content-type", "content-length", "server", "date", "connection", "location")


def _facts(r: Result) -> dict[str, object]:
    """What must agree in a ``curl -i`` answer."""
    head, _, body = r.out.replace("\r\n", "\n").partition("\n\n")
    lines = head.splitlines()
    status = lines[0].split()[1] if lines and lines[0].startswith("HTTP/") else ""
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    pod = next((x for x in body.splitlines() if x.startswith("pod=")), "")
    echo = sorted(x for x in body.splitlines() if "=" in x and not x.startswith(_UNCOMPARED))
    if "set-cookie" in headers:  # the cookie names the endpoint that answered: the twin's pick or NGINX's
        headers["set-cookie"] = re.sub(r"=[^;]*", "=<endpoint>", headers["set-cookie"], count=1)
    return {"exit": r.code, "status": status, "location": headers.get("location", ""),
            "workload": pod.rsplit("-", 2)[0] if pod.count("-") >= 2 else pod, "pod": pod, "echo": echo,
            "headers": {k: v for k, v in headers.items() if k not in _HEAD_UNCOMPARED}}


def _agree(argv: list[str], up: bool = False) -> None:
    """The same curl through the twin and through the data plane (``up``: bring the data plane up to date with
    the workspace after the twin's request, so both answer the same workspace)."""
    args = [a for a in argv if a != "-i" and not a.startswith("# ")]
    twin = _facts(run_cli("curl", "-i", *args))
    if up:
        r = run_cli("up")
        assert r.code == 0, r.err
    real = _facts(run_cli("curl", "--dataplane", "-i", *args))
    if twin["exit"] != 0:  # no HTTP answer: only curl's exit code is compared
        assert real["exit"] == twin["exit"], (argv, twin, real)
        return
    pinned = "-b" in args and "set-cookie" not in twin["headers"]  # type: ignore[operator]
    if pinned:  # a session cookie named the endpoint: the very pod must agree, not only the workload
        assert real.pop("pod") == twin.pop("pod"), argv
    real.pop("pod", None)
    twin.pop("pod", None)
    real_headers = real.pop("headers")
    wanted = twin.pop("headers")
    assert isinstance(wanted, dict) and isinstance(real_headers, dict)
    assert real == twin, argv
    assert {k: real_headers.get(k) for k in wanted} == wanted, argv


def _verify_clean() -> dict[str, object]:
    r = run_cli("verify", "-o", "json")
    report = json.loads(r.out)
    assert r.code == 0 and not report["disagreements"] and not report["url_disagreements"], \
        json.dumps(report, indent=1)[:4000]
    return report


def _ok(*argv: str) -> str:
    r = run_cli(*argv)
    assert r.code == 0, f"{argv}: {r.err}"
    return r.out


def test_istio_gateway_scenarios(home: Path) -> None:
    _ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    _ok("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "2", "--network-plugin", "azure",
        "--network-plugin-mode", "overlay", "--network-policy", "calico", "--enable-gateway-api")
    _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")
    _ok("kubectl", "apply", "-f", str(WORLD))
    _ok("kubectl", "create", "secret", "tls", "app-tls", "-n", "infra", "--cert", str(TLS / "tls.crt"),
        "--key", str(TLS / "tls.key"))
    address = json.loads(_ok("kubectl", "get", "gateway", "gw", "-n", "infra", "-o", "json"))["status"][
        "addresses"][0]["value"]
    with brought_down(home):
        up = run_cli("up")
        assert up.code == 0, up.err
        for name in sorted(SCENARIOS):
            argv, host, _ = SCENARIOS[name]
            if argv[0] == "trace":  # trace FROM URL: the same request as curl
                argv = ["curl", "-k", "--from", argv[1], argv[2]]
            _agree([*argv[1:], "--resolve", f"{host}:80:{address}", "--resolve", f"{host}:443:{address}"])
        report = _verify_clean()
        assert report["urls"] >= 10, report


# AGC policies the twin decides and the data plane does not render yet: the test must fail until it does
NOT_RENDERED = {"agc_frontend_mtls": "FrontendTLSPolicy (client certificates at the frontend: AGC ends the "
                                     "handshake with a TLS alert, NGINX answers 400 after it)"}
# the AGC articles that send requests (aksnet curl or trace steps)
AGC_ARTICLES = [pytest.param(p, id=p.stem, marks=[pytest.mark.xfail(strict=True, reason=NOT_RENDERED[p.stem])]
                             if p.stem in NOT_RENDERED else []) for p in sorted(ARTICLES_DIR.glob("agc_*.steps"))
                if re.search(r"^\$\+? aksnet (curl|trace) ", p.read_text(), re.M)]


@pytest.mark.parametrize("path", AGC_ARTICLES)
def test_agc_article_requests(home: Path, tmp_path: Path, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the article's relative file names are the reader's
    article = parse(path)
    env: dict[str, str] = {}
    sent = 0
    with brought_down(home):
        dirty = True  # the workspace changed since the last "up"
        for n, step in enumerate(article.steps):
            for fname, text in article.files.get(n, ()):
                (tmp_path / fname).write_text(_substitute(text, env))
            words = step.command.split()
            if words[:2] in (["aksnet", "curl"], ["aksnet", "trace"]) and step.gap is None:
                argv = shlex.split(_substitute(step.command, env))[2:]
                if words[1] == "trace":
                    argv = ["-k", "--from", argv[0], argv[1]]
                _agree([*argv, f"# line {step.line}"], up=dirty)
                dirty = False
                sent += 1
                continue
            run_step(step, env, tmp_path)
            dirty = dirty or words[0] in ("az", "kubectl", "helm")
        assert sent > 0, "no request in the article"
        _verify_clean()
