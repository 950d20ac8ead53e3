"""Redirects ingress-nginx answers itself, in nginx's phase order.

1. ``app-root`` (server level, before any location): ``if ($uri = /) { return 302
   $scheme://$http_host<app-root>; }`` (nginx.tmpl; e2e annotations/approot.go).
2. nginx's auto-redirect **301** to ``<uri>/`` when only a prefix location ``<uri>/`` exists (locations.py).
3. ``temporal-redirect`` / ``permanent-redirect`` (``return <code> <url>`` in the location; temporal
   wins; codes 300..307 → default 302, 300..308 → default 301).
4. ssl-redirect (lua_ingress.lua ``redirect_to_https``): ``force-ssl-redirect`` on http, or
   ``ssl-redirect`` (default true) when the host has a certificate (a TLS entry, even with a missing
   Secret); status ``http-redirect-code`` (default **308**); Location ``https://<host without port>
   <request_uri>`` with a trailing ``/`` removed unless ``preserve-trailing-slash``.
Must not pick locations or upstreams.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from aksnet.engine.ingress.locations import Location
from aksnet.engine.ingress.model import ANNOTATION_PREFIX, ControllerConfig, HttpRequest, Step

_NGINX_VAR = re.compile(r"\$\{?([a-z_]+)\}?")


def expand_nginx_vars(text: str, values: Mapping[str, str]) -> str:
    """nginx variables in a ``return`` URL (unknown variables are left as written)."""
    return _NGINX_VAR.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def app_root_redirect(locs: tuple[Location, ...], req: HttpRequest, uri: str) -> tuple[str, Step] | None:
    """The server-level app-root 302, if any location of the server carries app-root and ``$uri`` is ``/``."""
    if uri != "/":
        return None
    for loc in locs:
        root = loc.annotations.app_root
        if root:
            return f"{req.scheme}://{req.host or ''}{root}", Step(
                f"app-root: / → 302 {root} (Ingress {loc.ingress})", f"{ANNOTATION_PREFIX}app-root"
            )
    return None


def auto_redirect_location(req: HttpRequest, server_name: str, target_uri: str, args: str | None) -> str:
    """nginx's absolute 301 Location (port_in_redirect off, server_name_in_redirect off)."""
    host = req.hostname or server_name
    return f"{req.scheme}://{host}{target_uri}" + (f"?{args}" if args else "")


def location_redirect(loc: Location, values: Mapping[str, str]) -> tuple[int, str, Step] | None:
    a = loc.annotations
    if not a.redirect_url:
        return None
    url = expand_nginx_vars(a.redirect_url, values)
    return (
        a.redirect_code,
        url,
        Step(
            f"{a.redirect_annotation}: return {a.redirect_code} {a.redirect_url}",
            f"{ANNOTATION_PREFIX}{a.redirect_annotation}",
        ),
    )


def ssl_redirect(
    loc: Location,
    req: HttpRequest,
    pass_access_scheme: str,
    best_http_host: str,
    has_cert: bool,
    config: ControllerConfig,
) -> tuple[int, str, Step] | None:
    """lua_ingress.lua redirect_to_https and the Location it builds."""
    a = loc.annotations
    if pass_access_scheme != "http":
        return None
    # force_no_ssl_redirect: template.go isLocationInLocationList (ConfigMap no-tls-redirect-locations, default
    # /.well-known/acme-challenge, so ACME HTTP-01 challenges are answered over http)
    if any(loc.path.startswith(p) for p in config.no_tls_redirect_locations):
        return None
    if a.force_ssl_redirect:
        rule, why = f"{ANNOTATION_PREFIX}force-ssl-redirect", "force-ssl-redirect"
    elif a.ssl_redirect and has_cert:
        rule, why = f"{ANNOTATION_PREFIX}ssl-redirect", "ssl-redirect (default true) and TLS is configured for the host"
    else:
        return None
    uri = req.path
    if not a.preserve_trailing_slash and uri.endswith("/"):
        uri = uri[:-1]
    host = best_http_host.split(":", 1)[0]
    url = f"https://{host}:{config.https_port}{uri}" if a.use_port_in_redirects else f"https://{host}{uri}"
    code = config.http_redirect_code
    return code, url, Step(f"{why}: {code} to {url}", rule)
