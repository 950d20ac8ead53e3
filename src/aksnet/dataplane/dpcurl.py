"""``aksnet curl --dataplane``: the same request sent by the real curl from inside the source namespace.

``aksnet.cli.curl`` calls :func:`curl`. The source is parsed like trace's FROM (default
``internet``); curl runs under ``ip netns exec`` so a pod resolves names through its own resolv.conf (the
cluster DNS the data plane serves). Internet hosts have no resolver in the data plane: from them, a name public
DNS answers in the twin (``engine.resolve.resolve_public``: cluster FQDNs, public IP labels, Application Gateway
for Containers frontends) is handed to curl as ``--resolve`` unless the caller gave one for that host and port.
Argument lists only; nothing is passed through a shell.
"""

from __future__ import annotations

import ipaddress
import subprocess
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from aksnet.analyses import trace as trace_mod
from aksnet.dataplane import probe, session
from aksnet.engine import resolve
from aksnet.engine.addressing import Topology
from aksnet.errors import DataplaneError

CURL = "/usr/bin/curl"


def curl_argv(url: str, *, insecure: bool = False, include: bool = False, method: str | None = None,
              headers: Sequence[str] = (), resolve: Sequence[str] = (), verbose: bool = False,
              max_time: float = 5.0) -> list[str]:
    argv = [CURL, "-sS", "--max-time", str(max_time)]
    if insecure:
        argv.append("-k")
    if include:
        argv.append("-i")
    if verbose:
        argv.append("-v")
    if method:
        argv += ["-X", method]
    for h in headers:
        argv += ["-H", h]
    for r in resolve:
        argv += ["--resolve", r]
    argv.append(url)
    return argv


def curl(home: Path, source: str | None, url: str, *, namespace: str = "default", insecure: bool = False,
         include: bool = False, method: str | None = None, headers: Sequence[str] = (),
         resolve: Sequence[str] = (), verbose: bool = False) -> tuple[int, str, str]:
    """Run the real curl from ``source`` (trace's FROM syntax); returns (curl's exit code, stdout, stderr)."""
    session.check_privileges()
    topo, tag, state = session.own_topology(home)
    site = trace_mod.parse_sources(topo, source or "internet", namespace)[0]
    if site.kind == "internet" and site.ip not in state.setting("internet_hosts", []):
        session.up(home, extra_internet=(site.ip,))
    ns = probe.site_netns(tag, site, topo)
    if site.kind == "internet":
        resolve = [*resolve, *public_resolve(topo, url, resolve)]
    return curl_in(ns, curl_argv(url, insecure=insecure, include=include, method=method, headers=headers,
                                 resolve=resolve, verbose=verbose))


def public_resolve(topo: Topology, url: str, given: Sequence[str]) -> list[str]:
    """``HOST:PORT:ADDRESS`` for the URL's host when public DNS answers it in the twin and ``given`` has none."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return []
    if not host or any(r.lower().startswith(f"{host}:{port}:") for r in given):
        return []
    try:
        ipaddress.ip_address(host)
        return []
    except ValueError:
        pass
    answer = resolve.resolve_public(topo, host)
    return [f"{host}:{port}:{answer.ips[0]}"] if answer.ips else []


def curl_in(netns: str, argv: list[str]) -> tuple[int, str, str]:
    """Run a curl argument list inside one of our namespaces."""
    if not netns:
        raise DataplaneError("refusing to run curl in the host namespace")
    p = subprocess.run(["/usr/sbin/ip", "netns", "exec", netns, *argv], capture_output=True, text=True, check=False)
    return p.returncode, p.stdout, p.stderr
