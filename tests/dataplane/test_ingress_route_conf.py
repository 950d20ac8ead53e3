"""What a VirtualService bound to an Istio ingress gateway can put into its stand-in's nginx.conf
(``ingress_route_conf``): conditions as escaped regular-expression literals inside quoted map keys, answers as
quoted strings with ``$`` kept literal, rules NGINX cannot route left out with a note; real NGINX accepts the
rendered listener (``nginx -t`` in a throwaway network namespace)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from aksnet.dataplane import ingress_route_conf as irc
from aksnet.dataplane.nginx_text import DOLLAR_GEO
from aksnet.model import mesh_traffic as mt
from tests.dataplane.realnet import requires_dataplane

HOSTILE = '"; return 200 pwned; #${x}\\'
GW = mt.Gateway("aks-istio-ingress", "gw", (("istio", "ingress"),),
                (mt.Server(80, hosts=("*.example.com", "exact.example.com")),))


def _rule(**kw: object) -> mt.HttpRoute:
    return mt.HttpRoute(**{"route": (mt.Destination("web"),), **kw})  # type: ignore[arg-type]


RULES = {
    "uri-exact": _rule(matches=(mt.HttpMatch(uri=mt.StringMatch("exact", "/" + HOSTILE)),)),
    "header-prefix": _rule(matches=(mt.HttpMatch(headers=(("x-env", mt.StringMatch("prefix", HOSTILE)),)),)),
    "method": _rule(matches=(mt.HttpMatch(method=mt.StringMatch("exact", "GET")),)),
    "regex": _rule(matches=(mt.HttpMatch(uri=mt.StringMatch("regex", "/v[0-9]+/.*")),)),
    "bad-regex": _rule(matches=(mt.HttpMatch(uri=mt.StringMatch("regex", "/(")),)),
    "query": _rule(matches=(mt.HttpMatch(query_params=(("a", mt.StringMatch("exact", "1")),)),)),
    "header-name": _rule(matches=(mt.HttpMatch(headers=(("x_env", mt.StringMatch("exact", "1")),)),)),
    "abort": _rule(fault=mt.Fault(abort_status=503)),
    "abort-half": _rule(fault=mt.Fault(abort_status=503, abort_percent=50)),
    "direct": _rule(direct_status=418, direct_body=HOSTILE),
    "redirect": _rule(redirect=mt.Redirect(uri="/" + HOSTILE, authority="a.example.com")),
    "weights": _rule(route=(mt.Destination("web", "v1", weight=75), mt.Destination("web", "v2", weight=25))),
    "no-subset": _rule(route=(mt.Destination("web", "v9"),)),
    "other-source": _rule(matches=(mt.HttpMatch(source_labels=(("app", "other"),)),)),
    "own-source": _rule(matches=(mt.HttpMatch(source_labels=(("istio", "ingress"),), port=80,
                                              gateways=("aks-istio-ingress/gw",)),)),
}
ROUTED = {"uri-exact": True, "header-prefix": True, "method": True, "regex": True, "bad-regex": False,
          "query": False, "header-name": False, "abort": True, "abort-half": False, "direct": True,
          "redirect": True, "weights": True, "no-subset": True, "other-source": False, "own-source": True}


def _resolve(host: str, port: int | None, subset: str, namespace: str) -> irc.Upstream | int:
    return 503 if subset == "v9" else irc.Upstream((("10.244.0.9", 8080),), subset != "v2")


def _render(name: str) -> irc.RoutePart:
    vs = mt.VirtualService("default", "vs", ("*.example.com",), ("aks-istio-ingress/gw",), (RULES[name],))
    return irc.render_port(mt.TrafficWorld(virtual_services=(vs,), gateways=(GW,)), [GW],
                           irc.Proxy(80, (("istio", "ingress"),), "aks-istio-ingress", ""), 8080, _resolve)


@pytest.mark.parametrize("name", sorted(RULES), ids=sorted(RULES))
def test_rules_rendered_or_left_out(name: str) -> None:
    part = _render(name)
    assert bool(part.routed) is ROUTED[name], part.notes
    assert bool(part.notes) is not ROUTED[name] or name == "other-source"  # never this proxy's: no note
    for line in [*part.http, *part.location]:
        assert not re.match(r"\s*return 200 pwned", line), line
    if name == "weights":
        assert any(re.search(r'split_clients .* 75\.00% "https://\S+"; \* "http://\S+"', x) for x in part.http)


@requires_dataplane
@pytest.mark.parametrize("name", sorted(n for n, ok in ROUTED.items() if ok), ids=lambda n: str(n))
def test_nginx_accepts(name: str, tmp_path: Path) -> None:
    part = _render(name)
    conf = "\n".join([
        "events {}", "http {", DOLLAR_GEO, 'map $request_uri $aksnet_path { default ""; "~^(?<p>[^?]*)" $p; }',
        *part.http, "server {", "listen 127.0.0.1:8080;", "location / {", *part.location, "}", "}", "}"])
    (tmp_path / "nginx.conf").write_text(conf)
    script = (f"ip link set lo up && /usr/sbin/nginx -t -q -p {tmp_path} -e {tmp_path}/error.log "
              f"-c {tmp_path}/nginx.conf")
    check = subprocess.run(["unshare", "-n", "sh", "-c", script], capture_output=True, text=True, check=False)
    assert check.returncode == 0, (check.stderr, conf)
