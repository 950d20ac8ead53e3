"""How values enter an nginx.conf: double-quoted strings, comments, literal text inside regular expressions and
the variables of request headers and query arguments. Shared by every renderer of NGINX configuration
(ingress-nginx, Gateways, the firewall's proxy, mesh proxies). Pure text functions; must not decide what a
configuration does.

Source: nginx 1.22 ``src/core/ngx_conf_file.c`` (``ngx_conf_read_token``: a double-quoted token ends at an
unescaped ``"``; ``\\"``, ``\\\\``, ``\\n``, ``\\r``, ``\\t`` escapes), ``src/http/ngx_http_script.c`` (``$name`` and
``${name}`` expanded in complex values), ``src/http/ngx_http_variables.c`` (``$http_<name>``: the header's name
lower-cased with ``-`` as ``_``; ``$arg_<name>``), PCRE2's pattern syntax (a backslash before any
non-alphanumeric character makes it literal).
"""

from __future__ import annotations

import re

# Debian's nginx builds the stream module as a dynamic module (package libnginx-mod-stream)
STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so"

DOLLAR_VAR = "${aksnet_dollar}"  # a literal "$" where nginx would expand variables (nginx has no "\\$")
DOLLAR_GEO = 'geo $aksnet_dollar { default "$"; }'  # geo values are never expanded: "$" stays a dollar sign
_CONTROL = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HEADER_VAR = re.compile(r"^[A-Za-z0-9-]+$")


def prefix_paths(prefix: str) -> list[str]:
    """The http-block lines every aksnet NGINX shares: its access log and temporary files inside its own private
    prefix. The workers (an unprivileged user) cannot reach that prefix, so request and response bodies stream
    or stay in memory instead of temporary files (nginx 1.22 ``proxy_request_buffering``,
    ``proxy_max_temp_file_size``)."""
    return [f"access_log {prefix}/access.log;",
            *(f"{kind}_temp_path {prefix}/{d};" for kind, d in (("client_body", "client-body"),
                                                                 ("proxy", "proxy-temp"),
                                                                 ("fastcgi", "fastcgi-temp"),
                                                                 ("uwsgi", "uwsgi-temp"),
                                                                 ("scgi", "scgi-temp"))),
            "proxy_request_buffering off;", "proxy_max_temp_file_size 0;"]


def escape(text: str, *, interpolated: bool = False) -> str:
    """The inside of a double-quoted nginx string (ngx_conf_read_token's rules): ``\\`` and ``"`` escaped,
    newline/CR/tab written as ``\\n``/``\\r``/``\\t`` so that a value always stays one token on one line. In
    arguments nginx expands variables in (``return``, ``proxy_set_header``, ``if (… = …)``, ``map`` values),
    ``interpolated`` turns every ``$`` into ``${aksnet_dollar}``, a variable whose value is ``$``
    (:data:`DOLLAR_GEO` defines it): the value stays literal."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    for ch, esc in _CONTROL.items():
        out = out.replace(ch, esc)
    return out.replace("$", DOLLAR_VAR) if interpolated else out


def quote(text: str, *, interpolated: bool = False) -> str:
    """A double-quoted nginx string holding ``text`` (see :func:`escape`); the one way values enter the file."""
    return '"' + escape(text, interpolated=interpolated) + '"'


def comment(text: str) -> str:
    """Text for a ``#`` comment: control characters escaped so that it cannot end the comment's line."""
    out = text.replace("\\", "\\\\")
    for ch, esc in _CONTROL.items():
        out = out.replace(ch, esc)
    return out


def regex_literal(text: str) -> str:
    """``text`` matched literally inside a PCRE pattern: every character that is not a letter or digit gets a
    backslash (``$`` included, so nginx never sees a variable in it), control characters as ``\\xHH``."""
    out = []
    for ch in text:
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append("\\" + ch)
    return "".join(out)


def header_var(name: str) -> str | None:
    """The variable holding request header ``name`` (``$http_x_env`` for ``X-Env``), or None when nginx has no
    such variable: only letters, digits and ``-`` (with ``underscores_in_headers off`` a name with ``_`` is
    never received, other token characters cannot form a variable name)."""
    return "$http_" + name.lower().replace("-", "_") if _HEADER_VAR.match(name) else None
