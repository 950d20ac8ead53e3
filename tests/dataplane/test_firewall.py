"""Azure Firewall in the kernel, on the golden workspace of "Limit network traffic with Azure Firewall in AKS"
(https://learn.microsoft.com/azure/aks/limit-egress-traffic; the article's commands from tests/articles): each
question the article raises, answered by real packets and by the twin alike.

- what may the pods reach: the FQDN tag's names and the network rules' FQDNs (DNS proxy), nothing else (HTTP 470,
  TLS reset);
- what IP does the internet see: the firewall's public IP;
- how do users reach the app: the firewall's public IP, DNAT to the internal load balancer;
- what breaks with asymmetric routing: a public load balancer behind the UDR default route;
and ``aksnet verify`` agrees on every flow and URL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.articles.test_articles import HERE, parse, run_step
from tests.conftest import run_cli
from tests.dataplane.realnet import brought_down, cli_ok, requires_dataplane

pytestmark = [pytest.mark.dataplane, requires_dataplane]


@pytest.fixture
def article(home: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    art = parse(HERE / "egress_firewall.steps")
    env: dict[str, str] = {}
    for i, step in enumerate(art.steps):
        for name, text in art.files.get(i, []):
            (tmp_path / name).write_text(text)
        if step.gap is None and not step.command.startswith(("aksnet", "az group delete")):
            ok, result = run_step(step, env, tmp_path)
            assert ok, (step.command, result.err)
    with brought_down(home):
        cli_ok("up", "-q")
        yield env


@pytest.mark.parametrize(("source", "url", "code", "text"), [
    ("deploy/store-front", "https://mcr.microsoft.com/v2/", 0, "client_ip=$FWPUBLIC_IP"),
    ("deploy/store-front", "https://ghcr.io/", 0, "client_ip=$FWPUBLIC_IP"),
    ("deploy/store-front", "http://example.com/", 0, "Action: Deny. Reason: No rule matched."),
    ("deploy/store-front", "https://example.com/", 35, ""),
    ("internet", "http://$FWPUBLIC_IP/", 0, "pod=default/store-front-"),
], ids=["fqdn-tag-snat", "network-rule-fqdn", "http-470", "https-reset", "dnat-to-internal-lb"])
def test_article_answers(article: dict[str, str], source: str, url: str, code: int, text: str) -> None:
    url = url.replace("$FWPUBLIC_IP", article["FWPUBLIC_IP"])
    text = text.replace("$FWPUBLIC_IP", article["FWPUBLIC_IP"])
    twin = run_cli("curl", "-k", "--from", source, url)
    real = run_cli("curl", "--dataplane", "-k", "--from", source, url)
    assert (twin.code, real.code) == (code, code), (twin.err, real.err)
    assert text in twin.out and text in real.out, (twin.out, real.out)


def test_verify_agrees(article: dict[str, str]) -> None:
    # the article's steps exposed store-front also on a public load balancer (the asymmetric-routing warning)
    ip = cli_ok("kubectl", "get", "svc", "store-front-public", "-o",
                "jsonpath={.status.loadBalancer.ingress[0].ip}").strip()
    assert run_cli("trace", "internet", ip, "--port", "80").code == 1  # the reply meets the firewall: dropped
    assert run_cli("probe", "internet", ip, "--port", "80").code == 1
    rep = json.loads(cli_ok("verify", "-o", "json"))
    assert rep["disagreements"] == [] and rep["url_disagreements"] == [], rep
    assert rep["urls"] >= 30 and rep["checks"] > 0
