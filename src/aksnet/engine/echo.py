"""What the echo backend answers: the same lines in the twin and in the data plane's echo agents.

One ``key=value`` per line. The first two lines name the answering host: ``pod=NS/NAME`` and ``pod_ip=…`` for
pods; ``vm=NAME``/``vm_ip=…`` for VMs; ``node=NAME``/``node_ip=…`` for a node's own listeners;
``internet=IP``/``internet_ip=…`` for internet hosts. Then ``port=…`` (the port the backend received on) and
``client_ip=…`` (the source address it sees after every SNAT/DNAT), and for HTTP ``method=…``, ``host=…``
(the Host header), ``request_uri=…`` and one ``header.<lowercase-name>=…`` per request header, sorted by
name. This module must not decide reachability.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

CURL_USER_AGENT = "curl/8.5.0"  # the curl of Ubuntu 24.04, which the data plane's clients run


@dataclass(frozen=True, slots=True)
class HttpSeen:
    """The HTTP request as the backend receives it."""

    method: str
    host: str
    request_uri: str
    headers: Mapping[str, str]


def identity_lines(kind: str, name: str, ip: str) -> list[str]:
    key = {"pod": "pod", "vm": "vm", "node": "node", "internet": "internet"}.get(kind, kind)
    return [f"{key}={name}", f"{key}_ip={ip}"]


def echo_lines(kind: str, name: str, ip: str, port: int, client_ip: str, http: HttpSeen | None = None) -> list[str]:
    """The echo answer, line by line."""
    lines = [*identity_lines(kind, name, ip), f"port={port}", f"client_ip={client_ip}"]
    if http is not None:
        lines += [f"method={http.method}", f"host={http.host}", f"request_uri={http.request_uri}"]
        lines += [f"header.{k.lower()}={v}" for k, v in sorted(http.headers.items(), key=lambda kv: kv[0].lower())]
    return lines


def curl_headers(host_header: str, extra: Mapping[str, str]) -> dict[str, str]:
    """The headers curl sends by default (Host, User-Agent, Accept), overridden/extended by ``-H``; a ``-H
    'Name:'`` with an empty value removes the header, as in curl."""
    out = {"host": host_header, "user-agent": CURL_USER_AGENT, "accept": "*/*"}
    for k, v in extra.items():
        if v == "":
            out.pop(k.lower(), None)
        else:
            out[k.lower()] = v
    return out
