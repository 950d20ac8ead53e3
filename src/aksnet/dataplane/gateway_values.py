"""The values a Gateway API manifest can put into a Gateway's nginx.conf, checked as the CRDs' validation checks
them (the API server refuses anything else; aksnet's built-in CRD schemas are free-form, so the data plane
checks again): hostnames, path values, header and query parameter names, header values. A value that fails is
left out of the configuration with a note; every value that passes is still quoted and escaped
(``aksnet.dataplane.nginx_text``). Pure string checks.

Source: kubernetes-sigs/gateway-api v1.2.1 ``apis/v1/shared_types.go`` (Hostname, PreciseHostname patterns;
HTTPHeaderName ``^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$``), ``apis/v1/httproute_types.go`` (HTTPPathMatch: a
PathPrefix or Exact value starts with ``/`` and contains no ``//``, ``/./``, ``/../``, ``%2f``, ``%2F``, ``#``
and does not end in ``/..`` or ``/.``; at most 1024 characters; HTTPQueryParamMatch name: HTTPHeaderName's
pattern; header values at most 4096 characters).
"""

from __future__ import annotations

import re

_HOSTNAME = re.compile(r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$")
_PATH_FORBIDDEN = ("//", "/./", "/../", "%2f", "%2F", "#")


def hostname_problem(value: str) -> str:
    """Why ``value`` is not a Gateway API Hostname ("" when it is)."""
    if not value:
        return ""
    if len(value) > 253 or not _HOSTNAME.match(value):
        return f"hostname {value!r} does not match the Hostname pattern"
    return ""


def path_problem(path_type: str, value: str) -> str:
    """Why ``value`` is not a valid HTTPPathMatch value of ``path_type`` ("" when it is; RegularExpression values
    are checked by compiling them where they are used)."""
    if len(value) > 1024:
        return "path longer than 1024 characters"
    if path_type == "RegularExpression":
        return ""
    if not value.startswith("/"):
        return f"path {value!r} must be an absolute path"
    if any(bad in value for bad in _PATH_FORBIDDEN) or value.endswith(("/..", "/.")):
        return f"path {value!r} must not contain '//', '/./', '/../', '%2f', '%2F' or '#', nor end with '/..' or '/.'"
    return ""


def name_problem(name: str) -> str:
    """Why ``name`` is not an HTTPHeaderName (also the rule for query parameter names)."""
    if not name or len(name) > 256 or not _HEADER_NAME.match(name):
        return f"name {name!r} does not match the HTTPHeaderName pattern"
    return ""


def value_problem(value: str) -> str:
    """Why a header value cannot be sent (longer than 4096 characters, or a control character that would end
    the header line)."""
    if len(value) > 4096:
        return "header value longer than 4096 characters"
    if any((ord(c) < 0x20 and c != "\t") or ord(c) == 0x7F for c in value):
        return "header value with a control character"
    return ""
