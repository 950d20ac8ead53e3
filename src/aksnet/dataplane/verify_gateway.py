"""``verify``'s Gateway URLs: one request per (listener, route hostname, rule match) of every Gateway the data
plane realises — Istio-deployed Gateways at their Service's load balancer address, Application Gateway for
Containers frontends at their public address — sent by the twin (``analyses.curl``) and by the real curl from the
default internet client through the real NGINX; curl's exit code, the HTTP status, the redirect's Location and
the workload that answers (the pod name without its ReplicaSet and pod hashes) must agree.

A match's request: its Exact path or PathPrefix value (RegularExpression paths are skipped), its method, its
Exact header and query parameter values; a wildcard hostname becomes ``aksnet.<suffix>``, none ``aksnet.test``.
Pure request generation plus the comparison; the probes run in ``dpcurl``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote as url_quote

from aksnet.analyses import curl_agc, curl_gateway
from aksnet.analyses.gateway_status import running_controllers
from aksnet.engine.addressing import Topology
from aksnet.engine.gateway.attach import attachments, gateway_states
from aksnet.model.gateway import Gateway, GatewayWorld
from aksnet.rules.emulation import DEFAULT_INTERNET_CLIENT


@dataclass(frozen=True)
class GatewayRequest:
    url: str
    resolve: str  # HOST:PORT:ADDRESS
    method: str = ""
    headers: tuple[str, ...] = ()  # "Name: value"


def _host(pattern: str) -> str:
    if not pattern:
        return "aksnet.test"
    return "aksnet" + pattern[1:] if pattern.startswith("*.") else pattern


def _requests(world: GatewayWorld, controllers: tuple[str, ...], gw: Gateway, address: str) -> list[GatewayRequest]:
    state = next((s for s in gateway_states(world, controllers) if s.gateway is gw), None)
    valid = [s.listener for s in (state.listeners if state else ()) if s.valid]
    out = []
    for a in attachments(world, controllers):
        if a.gateway is not gw or a.listener not in valid or a.listener.protocol not in ("HTTP", "HTTPS"):
            continue
        scheme = "https" if a.listener.protocol == "HTTPS" else "http"
        for h in a.hostnames:
            host = _host(h)
            for rule in a.route.rules:
                for m in rule.matches:
                    if m.path_type == "RegularExpression" or any(x.type != "Exact" for x in (*m.headers, *m.query)):
                        continue
                    query = "&".join(f"{url_quote(q.name, safe='')}={url_quote(q.value, safe='')}" for q in m.query)
                    path = url_quote(m.path, safe="/")
                    out.append(GatewayRequest(f"{scheme}://{host}:{a.listener.port}{path}"
                                              + (f"?{query}" if query else ""),
                                              f"{host}:{a.listener.port}:{address}", m.method,
                                              tuple(f"{x.name}: {x.value}" for x in m.headers)))
    return out


def gateway_requests(topo: Topology) -> list[GatewayRequest]:
    """Every request ``verify`` sends through a Gateway the data plane builds (deterministic order)."""
    out: list[GatewayRequest] = []
    controllers = running_controllers()
    gws: dict[tuple[str, str], str] = {}
    for pod in sorted(topo.state.pods, key=lambda p: p.key):
        gw = curl_gateway.gateway_of_pod(topo, pod)
        if gw is None or (gw.namespace, gw.name) in gws:
            continue
        ip = next((ip for s in sorted(topo.services.values(), key=lambda x: x.key) if s.selector
                   and s.namespace == pod.namespace and all(pod.labels.get(k) == v for k, v in s.selector.items())
                   for ip in s.load_balancer_ingress), None)
        if ip is not None:
            gws[(gw.namespace, gw.name)] = ip
            out += _requests(topo.state.gateway, controllers, gw, ip)
    for tc in sorted(topo.twin.traffic_controllers, key=lambda t: t.name):
        if not tc.associations:
            continue
        for fe in tc.frontends:
            if not fe.ip:
                continue
            bound = curl_agc.bound_gateways(topo, tc, fe)
            if bound:
                out += _requests(topo.state.gateway, controllers, bound[0], fe.ip)
            elif (via := curl_agc.ingress_gateway(topo, tc, fe)) is not None:
                out += _requests(via[0], controllers, via[1], fe.ip)
    from aksnet.dataplane.verify_mesh_ingress import mesh_ingress_requests

    out += mesh_ingress_requests(topo)
    return sorted(set(out), key=lambda r: (r.url, r.method, r.headers))


def workload(body: str) -> str:
    """The answering pod without its ReplicaSet and pod hashes (``pod=ns/web-v1``), "" when no pod answered."""
    line = next((x for x in body.splitlines() if x.startswith("pod=")), "")
    return line.rsplit("-", 2)[0] if line.count("-") >= 2 else line


def response_facts(exit_code: int, head_and_body: str) -> tuple[int, str, str, str]:
    """(curl exit code, HTTP status, Location, workload) of a ``curl -i`` output."""
    status, location = "", ""
    lines = head_and_body.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("HTTP/") and not status:
            status = line.split()[1] if len(line.split()) > 1 else ""
        elif line.lower().startswith("location:"):
            location = line.split(":", 1)[1].strip()
        elif not line.strip():
            return exit_code, status, location, workload("\n".join(lines[i + 1:]))
    return exit_code, status, location, workload(head_and_body)


def check_gateway_urls(topo: Topology, tag: str, rep: Any) -> None:
    """Send every :func:`gateway_requests` through the twin and the real NGINX; differences become
    ``rep.url_disagreements`` (``verify.UrlDisagreement``)."""
    from aksnet.dataplane import topo_names

    ns = topo_names.inet_host_ns(tag, DEFAULT_INTERNET_CLIENT)
    for r in gateway_requests(topo):
        compare_url(topo, rep, "internet", ns, r)


def compare_url(topo: Topology, rep: Any, source: str, netns: str, r: GatewayRequest) -> None:
    """One request sent by the twin's curl from ``source`` and by the real curl in ``netns``: exit code, status,
    Location and workload must agree (else a ``verify.UrlDisagreement`` in ``rep``)."""
    from aksnet.analyses import curl as curl_mod
    from aksnet.dataplane import dpcurl
    from aksnet.dataplane.verify import UrlDisagreement

    rep.urls += 1
    headers = tuple((k.strip().lower(), v.strip()) for k, _, v in (h.partition(":") for h in r.headers))
    resolve = (r.resolve,) if r.resolve else ()
    twin = curl_mod.curl(topo, curl_mod.CurlRequest(r.url, source, method=r.method or None, headers=headers,
                                                    insecure=True, resolve=resolve))
    want = (twin.exit_code, str(twin.status or ""), dict(twin.response_headers).get("location", ""),
            workload(twin.body))
    rc, out, err = dpcurl.curl_in(netns, dpcurl.curl_argv(r.url, insecure=True, include=True, method=r.method or None,
                                                          headers=r.headers, resolve=list(resolve)))
    got = response_facts(rc, out)
    if rc != 0:
        got = (rc, "", "", "")
    if want != got:
        what = f"{r.method or 'GET'} {r.url}" + "".join(f" [{h}]" for h in r.headers) + \
            ("" if source == "internet" else f" from {source}")
        rep.url_disagreements.append(UrlDisagreement(what, f"exit {got[0]} {got[1]} {got[2]} {got[3]}"
                                                     f"{err.strip()[:200] if rc else ''}".strip(),
                                                     f"exit {want[0]} {want[1]} {want[2]} {want[3]}"
                                                     f"{twin.error or ''}".strip()))
