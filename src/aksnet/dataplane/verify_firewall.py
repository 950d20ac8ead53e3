"""``aksnet verify`` through Azure Firewalls: the flows ``verify`` adds when the workspace has one.

Inbound: the default internet client to each firewall public IP on every DNAT rule's port and on one port no
rule translates (a ``verify.Check`` each, judged like every other flow). Egress: from the first pod, an HTTP and
an HTTPS request to every named internet host (``rules.emulation.NAMED_INTERNET_HOSTS``) through the twin
(``analyses.curl``) and through the real firewall namespace (curl in the pod's namespace): curl's exit code, the
internet host that answered and the client address it saw (the firewall's public IP) must agree.
Source: https://learn.microsoft.com/azure/aks/limit-egress-traffic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aksnet.engine.addressing import Topology
from aksnet.rules.emulation import NAMED_INTERNET_HOSTS

UNTRANSLATED_PORT = 8080  # a port the article's NAT rule does not translate


def inbound_checks(topo: Topology, make: Callable[[str, str, int, str], Any]) -> list[Any]:
    """``make(source, destination, port, protocol)`` for each DNAT rule port of each firewall public IP."""
    out = []
    for f in sorted(topo.twin.firewalls, key=lambda x: x.name):
        for ip in f.public_ips:
            ports: set[tuple[int, str]] = set()
            for c in f.nat_rule_collections:
                for r in c.rules:
                    if ip not in r.destination_addresses:
                        continue
                    protos = {p.upper() for p in r.protocols}
                    protos = {"TCP", "UDP"} if "ANY" in protos else protos & {"TCP", "UDP"}
                    ports |= {(int(d), p) for d in r.destination_ports if d.isdigit() for p in protos}
            if ports:
                ports.add((UNTRANSLATED_PORT, "TCP"))
            out += [make("internet", ip, port, proto) for port, proto in sorted(ports)]
    return out


def _answer(body: str) -> tuple[str, str]:
    """(the internet host's address, the client address it saw) from an echo body ("" when not an echo)."""
    host = client = ""
    for line in body.splitlines():
        key, _, value = line.partition("=")
        if key in ("internet", "internet_host") and not host:
            host = value.strip()
        elif key == "client_ip":
            client = value.strip()
    return host, client


def egress_urls() -> list[tuple[str, str]]:
    """(URL, curl --resolve entry) for every named internet host, over HTTP and HTTPS."""
    out = []
    for name, ip in sorted(NAMED_INTERNET_HOSTS.items()):
        out += [(f"http://{name}/", f"{name}:80:{ip}"), (f"https://{name}/", f"{name}:443:{ip}")]
    return out


def check_egress_urls(topo: Topology, tag: str, rep: Any) -> None:
    """Twin and real curl from the first pod to every named internet host (when a firewall exists)."""
    from aksnet.analyses import curl as curl_mod
    from aksnet.dataplane import dpcurl, topo_names
    from aksnet.dataplane.verify import UrlDisagreement

    pods = sorted((p for p in topo.state.pods if p.pod_ip and not p.host_network and p.node_name
                   and p.phase == "Running"), key=lambda p: p.key)
    if not topo.twin.firewalls or not pods:
        return
    pod = pods[0]
    ns = topo_names.pod_ns(tag, pod.namespace, pod.name)
    for url, resolve in egress_urls():
        rep.urls += 1
        twin = curl_mod.curl(topo, curl_mod.CurlRequest(url, f"pod/{pod.namespace}/{pod.name}", insecure=True,
                                                        resolve=(resolve,), namespace=pod.namespace))
        rc, out, err = dpcurl.curl_in(ns, dpcurl.curl_argv(url, insecure=True, resolve=[resolve]))
        want = (twin.exit_code, _answer(twin.body))
        got = (rc, _answer(out))
        if want != got:
            rep.url_disagreements.append(UrlDisagreement(
                f"{url} from pod/{pod.key}", f"exit {rc} {got[1] if any(got[1]) else err.strip()[:200]}",
                f"exit {twin.exit_code} {want[1] if any(want[1]) else twin.error or ''}"))
