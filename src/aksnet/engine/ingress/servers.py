"""Build one controller's nginx servers from the Ingresses it serves (pure; the compiled configuration).

Follows ingress-nginx's controller.go (createServers, getBackendServers, mergeAlternativeBackends):

* one server per host, plus the catch-all ``_`` (rules without host land there); Ingresses are taken
  oldest first; the first Ingress that names a host creates its server, whose ``location /`` points at
  that Ingress's ``spec.defaultBackend`` or the controller's default backend (404) and carries that
  Ingress's annotations;
* an Ingress with ``defaultBackend`` and no rules configures the catch-all server;
* paths of every Ingress for a host are merged; the same path with the same pathType in a younger
  Ingress is skipped ("Location … already configured"): the oldest wins; a path ``/`` Prefix replaces
  the default location;
* canary Ingresses create no server and no location: their backend becomes the alternative of the
  primary upstream with the same host, path and pathType; a canary without such a primary is dropped;
* TLS: the oldest Ingress with a TLS entry for the host sets the certificate (tls.py).

Must not look at requests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from aksnet.engine.ingress.annotations import Canary, IngressAnnotations, parse_annotations
from aksnet.engine.ingress.backend import ResolvedBackend, resolve_backend, resolve_custom_default_backend
from aksnet.engine.ingress.locations import (
    ROOT,
    Location,
    enforce_regex,
    nginx_path_type,
    sort_locations,
    split_prefix_locations,
)
from aksnet.engine.ingress.model import ControllerConfig, Step, TLSCertificate
from aksnet.engine.ingress.tls import server_certificate
from aksnet.model import k8s

CATCH_ALL = "_"


@dataclass(frozen=True, slots=True)
class CanaryBackend:
    ingress: str
    host: str
    path: str
    path_type: str
    backend: ResolvedBackend
    canary: Canary


@dataclass(frozen=True, slots=True)
class Server:
    hostname: str  # "_" = catch-all; "*.foo.com" = wildcard
    locations: tuple[Location, ...]
    regex: bool = False
    regex_reason: str = ""
    certificate: TLSCertificate | None = None
    certificate_step: Step | None = None
    aliases: tuple[str, ...] = ()
    ingresses: tuple[str, ...] = ()

    @property
    def is_wildcard(self) -> bool:
        return self.hostname.startswith("*.")


@dataclass(frozen=True, slots=True)
class ServerSet:
    servers: tuple[Server, ...]
    canaries: Mapping[str, tuple[CanaryBackend, ...]] = field(default_factory=dict)  # by primary upstream
    www_redirects: Mapping[str, Server] = field(default_factory=dict)  # from-to-www-redirect: from → target
    warnings: tuple[str, ...] = ()


@dataclass
class _Building:
    hostname: str
    locations: list[Location]
    certificate: TLSCertificate | None = None
    certificate_step: Step | None = None
    aliases: list[str] = field(default_factory=list)
    aliases_from: str | None = None  # the Ingress whose server-alias annotation set ``aliases``
    ingresses: list[str] = field(default_factory=list)


def _default_location(ing: k8s.Ingress | None, anns: IngressAnnotations, backend: ResolvedBackend | None) -> Location:
    return Location(
        path=ROOT,
        path_type="Prefix",
        ingress_path=ROOT,
        ingress_path_type="Prefix",
        ingress=ing.key if (ing is not None and backend is not None) else None,
        rule_host=None,
        backend=backend,
        annotations=anns,
        is_default_backend=backend is None,
    )


def build_servers(
    ingresses: Sequence[k8s.Ingress],
    config: ControllerConfig,
    services: Mapping[str, k8s.Service],
    slices: Mapping[str, Sequence[k8s.EndpointSlice]],
    secrets: Mapping[str, k8s.Secret],
) -> ServerSet:
    """Compile the served Ingresses (oldest first) into nginx servers and locations."""
    warnings: list[str] = []
    parsed = _parse_all(ingresses, config, warnings)
    primaries = [ing for ing in ingresses if not parsed[ing.key].canary.enabled]
    canary_ings = [ing for ing in ingresses if parsed[ing.key].canary.enabled]
    no_anns = parse_annotations({}, config)
    servers: dict[str, _Building] = {CATCH_ALL: _Building(CATCH_ALL, [_default_location(None, no_anns, None)])}
    for ing in primaries:
        _create_servers(ing, parsed[ing.key], servers, services, slices)
    for ing in primaries:
        _add_aliases_and_certificates(ing, parsed[ing.key], servers, secrets, config, warnings)
    for ing in primaries:
        _merge_paths(ing, parsed[ing.key], servers, services, slices, warnings)
    canaries = _merge_canaries(canary_ings, parsed, servers, services, slices, warnings)
    built = [_finish(servers[name]) for name in sorted(servers)]
    return ServerSet(tuple(built), canaries, _www_redirects(built, warnings), tuple(warnings))


def _parse_all(
    ingresses: Sequence[k8s.Ingress], config: ControllerConfig, warnings: list[str]
) -> dict[str, IngressAnnotations]:
    """Every Ingress's annotations, by "ns/name"; their warnings are reported once, here."""
    parsed = {ing.key: parse_annotations(ing.annotations, config) for ing in ingresses}
    for ing in ingresses:
        warnings.extend(f"Ingress {ing.key}: {w}" for w in parsed[ing.key].warnings)
    return parsed


def _host(rule: k8s.IngressRule) -> str:
    return (rule.host or CATCH_ALL).lower()


def _create_servers(
    ing: k8s.Ingress,
    anns: IngressAnnotations,
    servers: dict[str, _Building],
    services: Mapping[str, k8s.Service],
    slices: Mapping[str, Sequence[k8s.EndpointSlice]],
) -> None:
    """createServers: the catch-all server's backend and one server per new host with its default location."""
    default_up: ResolvedBackend | None = None
    if ing.default_backend is not None and ing.default_backend.service_name:
        default_up = resolve_backend(ing.namespace, ing.default_backend, services, slices)
        root = servers[CATCH_ALL].locations[0]
        if not ing.rules and root.is_default_backend:
            # "defines a backend but no rule. Using it to configure the catch-all server"
            servers[CATCH_ALL].locations[0] = replace(
                _default_location(ing, replace(anns, redirect_url="", redirect_code=0, rewrite_target=""), default_up),
                ingress_path_type="defaultBackend",
            )
            servers[CATCH_ALL].ingresses.append(ing.key)
    for rule in ing.rules:
        host = _host(rule)
        if host in servers:
            continue
        loc = _default_location(ing, anns, default_up)
        if default_up is not None:
            loc = replace(loc, ingress_path_type="defaultBackend")
        servers[host] = _Building(host, [loc])


def _add_aliases_and_certificates(
    ing: k8s.Ingress,
    anns: IngressAnnotations,
    servers: dict[str, _Building],
    secrets: Mapping[str, k8s.Secret],
    config: ControllerConfig,
    warnings: list[str],
) -> None:
    """createServers, second pass: server-alias (the oldest Ingress that sets it for a host sets them all)
    and the certificate (the oldest Ingress with one for the host)."""
    for rule in ing.rules:
        host = _host(rule)
        srv = servers[host]
        if anns.server_alias and srv.aliases_from is None:
            srv.aliases_from = ing.key
            for alias in anns.server_alias:
                if alias in servers or alias == host:
                    warnings.append(f"Ingress {ing.key}: Conflicting hostname ({host}) and alias ({alias}). "
                                    "Removing alias to avoid conflicts.")
                elif alias not in srv.aliases:
                    srv.aliases.append(alias)
        elif anns.server_alias and srv.aliases_from != ing.key:
            warnings.append(f'Ingress {ing.key}: Aliases already configured for server "{host}" '
                            f"(Ingress {srv.aliases_from}), skipping")
        if srv.certificate is None:
            cert, step = server_certificate(host, ing, secrets, config)
            if cert is not None:
                srv.certificate, srv.certificate_step = cert, step
                if cert.reason != "spec.tls" and step is not None:
                    warnings.append(f"Ingress {ing.key}: {step.what}")


def _merge_paths(
    ing: k8s.Ingress,
    anns: IngressAnnotations,
    servers: dict[str, _Building],
    services: Mapping[str, k8s.Service],
    slices: Mapping[str, Sequence[k8s.EndpointSlice]],
    warnings: list[str],
) -> None:
    """getBackendServers: every path of the Ingress becomes a location of its host's server."""
    for rule in ing.rules:
        host = _host(rule)
        srv = servers.get(host) or servers[CATCH_ALL]
        for p in rule.paths:
            if not p.backend.service_name:
                warnings.append(f"Ingress {ing.key} path {p.path}: no service backend, using the default backend")
                continue
            path = p.path or ROOT
            up = resolve_backend(ing.namespace, p.backend, services, slices, anns.service_upstream)
            fallback = None
            if anns.default_backend and not up.endpoints and up.external_name is None:
                fallback = resolve_custom_default_backend(ing.namespace, anns.default_backend, services, slices)
            new = Location(
                path=path,
                path_type=nginx_path_type(p.path_type),
                ingress_path=path,
                ingress_path_type=p.path_type,
                ingress=ing.key,
                rule_host=rule.host,
                backend=up,
                annotations=anns,
                fallback=fallback,
            )
            _merge_location(srv, new, host, warnings)
            if ing.key not in srv.ingresses:
                srv.ingresses.append(ing.key)


def _merge_location(srv: _Building, new: Location, host: str, warnings: list[str]) -> None:
    """The same path and pathType as an existing location: the oldest Ingress wins, except over the
    server's default location, which the path replaces; another pathType is a location of its own."""
    for i, loc in enumerate(srv.locations):
        if loc.path != new.path:
            continue
        if loc.path_type != new.path_type:
            break  # same path with another pathType: allowed
        if not loc.is_default_backend and loc.ingress_path_type != "defaultBackend":
            warnings.append(
                f'Location "{new.path}" already configured for server "{host}" with upstream '
                f'"{loc.backend.upstream_name if loc.backend else "upstream-default-backend"}" '
                f"(Ingress {loc.ingress}): Ingress {new.ingress} skipped for this path (oldest wins)"
            )
            return
        srv.locations[i] = new
        return
    srv.locations.append(new)


def _finish(b: _Building) -> Server:
    """Sort and split the locations, and switch the whole server to regex locations where needed."""
    locs = split_prefix_locations(sort_locations(b.locations))
    regex, why = enforce_regex(locs)
    if regex:
        locs = [replace(loc, regex=True) for loc in locs]
    return Server(
        hostname=b.hostname,
        locations=tuple(locs),
        regex=regex,
        regex_reason=why,
        certificate=b.certificate,
        certificate_step=b.certificate_step,
        aliases=tuple(b.aliases),
        ingresses=tuple(b.ingresses),
    )


def _www_redirects(servers: Sequence[Server], warnings: list[str]) -> dict[str, Server]:
    """nginx.go buildRedirects: ``from-to-www-redirect`` on a location adds a server ``www.<host>`` (or the
    apex of ``www.<host>``) that redirects to the host, unless a server with that name exists."""
    names = {s.hostname for s in servers}
    out: dict[str, Server] = {}
    for s in servers:
        if s.hostname == CATCH_ALL or not any(loc.annotations.from_to_www_redirect for loc in s.locations):
            continue
        to = s.hostname
        src = to[len("www.") :] if to.startswith("www.") else f"www.{to}"
        if src in names:
            warnings.append(
                f'Already exists an Ingress with "{src}" hostname. '
                f'Skipping creation of redirection from "{src}" to "{to}".'
            )
            continue
        out.setdefault(src, s)
    return out


def _merge_canaries(
    canary_ings: Sequence[k8s.Ingress],
    parsed: Mapping[str, IngressAnnotations],
    servers: Mapping[str, _Building],
    services: Mapping[str, k8s.Service],
    slices: Mapping[str, Sequence[k8s.EndpointSlice]],
    warnings: list[str],
) -> dict[str, tuple[CanaryBackend, ...]]:
    """mergeAlternativeBackends: attach each canary path to the primary upstream of the same host/path/type."""
    out: dict[str, list[CanaryBackend]] = {}
    if len(canary_ings) == len(parsed):  # nonCanaryIngressExists
        for ing in canary_ings:
            warnings.append(f"Ingress {ing.key} is a canary and no other Ingress exists: ignored")
        return {}
    for ing in canary_ings:
        anns = parsed[ing.key]
        for rule in ing.rules:
            host = _host(rule)
            srv = servers.get(host)
            for p in rule.paths:
                if not p.backend.service_name:
                    continue
                alt = resolve_backend(ing.namespace, p.backend, services, slices)
                if srv is None:
                    warnings.append(
                        f"cannot merge alternative backend {alt.upstream_name} into hostname {host} that does not exist"
                    )
                    continue
                path, ptype = p.path or ROOT, nginx_path_type(p.path_type)
                merged = False
                for loc in srv.locations:
                    if loc.backend is None or loc.path != path or loc.path_type != ptype:
                        continue
                    primary = loc.backend.upstream_name
                    if primary == alt.upstream_name:
                        continue
                    out.setdefault(primary, [])
                    if all(c.backend.upstream_name != alt.upstream_name for c in out[primary]):
                        out[primary].append(CanaryBackend(ing.key, host, path, ptype, alt, anns.canary))
                    merged = True
                if not merged:
                    warnings.append(
                        f"unable to find real backend for alternative backend {alt.upstream_name}. Deleting."
                    )
    return {k: tuple(v) for k, v in out.items()}
