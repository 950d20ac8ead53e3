"""Istio's host names: a VirtualService, DestinationRule or Gateway host written as a short name is completed with
the namespace of the object that names it and the cluster domain (``reviews`` in ``default`` is
``reviews.default.svc.cluster.local``); a name with a dot, an IP address and ``*`` stay as written; ``*.example.com``
is a wildcard for any name ending in ``.example.com``. Gateway ``hosts`` carry a namespace part
(``ns/host``, ``./host``, ``*/host``) that limits which namespaces' VirtualServices may bind.
Source: https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService (hosts: "short
names … interpreted as reviews.default.svc.cluster.local"), istio pilot ``ResolveShortnameToFQDN`` (a host with a
dot is taken as fully qualified), https://istio.io/latest/docs/reference/config/networking/gateway/#Server (hosts).
Pure; the model and the rules only.
"""

from __future__ import annotations

import ipaddress

from aksnet.rules.kubernetes import CLUSTER_DOMAIN


def fqdn(host: str, namespace: str) -> str:
    """A host as Istio resolves it in ``namespace`` (ResolveShortnameToFQDN)."""
    host = host.strip().lower()
    if not host or host == "*" or "." in host or _is_ip(host):
        return host
    return f"{host}.{namespace}.svc.{CLUSTER_DOMAIN}"


def service_fqdn(namespace: str, name: str) -> str:
    return f"{name}.{namespace}.svc.{CLUSTER_DOMAIN}".lower()


def matches(pattern: str, name: str) -> bool:
    """An Istio host (``*``, ``*.suffix`` or an exact name) against a concrete name."""
    pattern, name = pattern.lower(), name.lower()
    if pattern == "*":
        return True
    if pattern.startswith("*"):
        return name.endswith(pattern[1:])
    return pattern == name


def overlap(a: str, b: str) -> bool:
    """Two host patterns can name one host (a Gateway server's host against a VirtualService's)."""
    return matches(a, b) or matches(b, a) or (a.startswith("*") and b.startswith("*"))


def specificity(pattern: str) -> tuple[int, int]:
    """Larger wins: an exact name over any wildcard, then the longer wildcard."""
    return (0 if pattern.startswith("*") else 1, len(pattern))


def gateway_host(entry: str, gateway_namespace: str) -> tuple[str, str]:
    """A Gateway server host ``[namespace/]host`` as (namespace or ``*``, host)."""
    ns, sep, host = entry.partition("/")
    if not sep:
        return "*", entry.lower()
    return (gateway_namespace if ns == "." else ns), host.lower()


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
