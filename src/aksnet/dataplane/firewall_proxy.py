"""Azure Firewall's application rules as a real proxy in the firewall's namespace: NGINX judges TLS flows by
their SNI (stream module, ``ssl_preread``) and HTTP requests by their Host header, in the rules' order.

Rules [https://learn.microsoft.com/azure/firewall/rule-processing; .../firewall-faq]: application rules are
checked in the engine's order (parent policy, group priority, collection priority, rule order), the first rule
whose source addresses hold the client and whose target FQDNs (or FQDN tag) match the name decides with its
collection's action; nothing matched → deny: HTTP gets status 470 with Azure Firewall's body, TLS is closed
(curl sees a reset). Allowed connections go to the name's address as the firewall's DNS resolves it, from the
firewall itself (application rules always SNAT). Rendering: each rule is one regular expression over
``"<source bits>:<name>"`` (a ``geo`` bit per rule says whether the client is one of its sources), so NGINX's
first-matching-regex order is the rules' order. Every name that reaches the file is validated (letters,
digits, ``-``, ``.``, ``*``) and escaped; a rule with another name is left out and said in ``notes``.
NGINX's master runs as root (it binds the listeners), its workers as ``nobody``. Pure: renders text.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass

from aksnet.dataplane.nginx_text import STREAM_MODULE
from aksnet.model import firewall as fw
from aksnet.rules.azure_firewall import DENY_BODY, fqdn_tag

PROXY_PORT_BASE = 15000
_NAME = re.compile(r"^[A-Za-z0-9*.-]{1,253}$")
_NO_UPSTREAM = "127.0.0.1:1"  # refused at once: NGINX closes the client's connection


@dataclass(frozen=True, slots=True)
class Proxy:
    conf: str
    ports: tuple[tuple[int, int], ...]  # (application rule port, the proxy's local port)
    notes: tuple[str, ...]


def _regex(pattern: str) -> str:
    """An FQDN pattern (``*`` wildcard) as an anchored-by-caller regular expression; names are validated."""
    return "".join(".*" if c == "*" else re.escape(c) for c in pattern.lower().rstrip("."))


def _ordered(firewall: fw.AzureFirewall) -> list[tuple[fw.ApplicationRuleCollection, fw.ApplicationRule]]:
    colls = sorted(firewall.application_rule_collections, key=lambda c: (*c.group_order, c.priority))
    return [(c, r) for c in colls for r in c.rules]


def _sources(rule: fw.ApplicationRule) -> list[str] | None:
    """The rule's source CIDRs ([]: any)."""
    out = []
    for s in rule.source_addresses or ("*",):
        if s.strip() == "*":
            return []
        try:
            out.append(str(ipaddress.IPv4Network(s.strip(), strict=False)))
        except ValueError:
            continue
    return out or None


def render(firewall: fw.AzureFirewall, addresses: Mapping[str, str], pid_path: str, log_dir: str,
           user: str) -> Proxy:
    """nginx.conf for ``firewall``'s application rules; ``addresses``: name → address as the firewall's DNS
    answers (names outside it cannot be reached)."""
    rules = _ordered(firewall)
    notes: list[str] = []
    kinds: dict[int, str] = {}
    for _, r in rules:
        for proto, port in r.protocols:
            if proto.lower() in ("http", "https"):
                kinds.setdefault(port, proto.lower())
            else:
                notes.append(f"application rule {r.name}: protocol {proto} is not emulated in the data plane")
    ports = tuple((port, PROXY_PORT_BASE + i) for i, port in enumerate(sorted(kinds)))
    geo: list[str] = []
    entries: dict[int, list[str]] = {port: [] for port in kinds}
    for i, (coll, r) in enumerate(rules):
        sources = _sources(r)
        if sources is None:
            notes.append(f"application rule {r.name}: no source address is an IPv4 address or range")
            continue
        geo.append(f"geo $fw_s{i} {{ default {0 if sources else 1}; " + " ".join(f"{c} 1;" for c in sources) + " }")
        patterns = list(r.target_fqdns) + [p for tag in r.fqdn_tags for p in fqdn_tag(tag) or ()]
        bad = [p for p in patterns if not _NAME.match(p)]
        if bad:
            notes.append(f"application rule {r.name}: {bad[0]!r} is not a valid FQDN; the rule is left out")
            continue
        if not patterns:
            continue
        verdict = "allow" if coll.action.lower() == "allow" else "deny"
        bits = "." * i + "1" + "." * (len(rules) - i - 1)
        names = "|".join(_regex(p) for p in patterns)
        for _, port in r.protocols:
            if port in entries:
                entries[port].append(f'    "~*^{bits}:({names})$" {verdict};')
    key = "".join(f"$fw_s{i}" for i in range(len(rules)))
    known = sorted((name, ip) for name, ip in addresses.items() if _NAME.match(name) and "*" not in name
                   and _is_ip(ip))
    stream_servers, http_servers = [], []
    for port, local in ports:
        var = f"$fw_v{port}"
        table = "\n".join(entries[port])
        if kinds[port] == "https":
            stream_servers.append(
                f'  map "{key}:$ssl_preread_server_name" {var} {{\n    default deny;\n{table}\n  }}\n'
                f'  map {var} $fw_up{port} {{\n    allow "$fw_addr:{port}";\n    default "{_NO_UPSTREAM}";\n  }}\n'
                f"  server {{\n    listen {local};\n    ssl_preread on;\n    proxy_pass $fw_up{port};\n"
                f"    proxy_connect_timeout 3s;\n  }}")
        else:
            http_servers.append(
                f'  map "{key}:$host" {var} {{\n    default deny;\n{table}\n  }}\n'
                f"  server {{\n    listen {local};\n    location / {{\n"
                f'      if ({var} != allow) {{ return 470 "{DENY_BODY}\\n"; }}\n'
                f"      proxy_pass http://$fw_addr:{port};\n      proxy_set_header Host $http_host;\n"
                f"      proxy_connect_timeout 3s;\n    }}\n  }}")
    names_map = "\n".join(f"    {name.lower()} {ip};" for name, ip in known)
    geo_text = "\n".join(f"  {g}" for g in geo)
    parts = [f"load_module {STREAM_MODULE};", f"user {user};", "worker_processes 1;", f"pid {pid_path};",
             "events { worker_connections 512; }"]
    def addr_map(name_var: str) -> str:
        return f'  map {name_var} $fw_addr {{\n    hostnames;\n    default "";\n{names_map}\n  }}\n'

    if stream_servers:
        parts.append("stream {\n" + f"  error_log {log_dir}/stream-error.log;\n  map_hash_bucket_size 256;\n"
                     + geo_text + "\n"
                     + addr_map("$ssl_preread_server_name") + "\n".join(stream_servers) + "\n}")
    if http_servers:
        parts.append("http {\n" + f"  access_log off;\n  error_log {log_dir}/http-error.log;\n"
                     + "  map_hash_bucket_size 256;\n" + geo_text + "\n"
                     + addr_map("$host") + "\n".join(http_servers) + "\n}")
    return Proxy("\n".join(parts) + "\n", ports, tuple(notes))


def _is_ip(value: str) -> bool:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True
