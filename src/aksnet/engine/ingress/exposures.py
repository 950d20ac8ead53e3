"""What a controller exposes: every (host, path) → Service with its TLS, redirect and allowlist facts.

For ``aksnet matrix`` and ``explain``: a table read off the compiled servers (servers.py), canary backends
included. Must not route requests.
"""

from __future__ import annotations

from aksnet.engine.ingress.model import Exposure
from aksnet.engine.ingress.servers import CATCH_ALL
from aksnet.engine.ingress.view import ControllerView


def list_exposures(view: ControllerView) -> tuple[Exposure, ...]:
    """Every (host, path) → Service the controller serves, with TLS and redirect facts, for matrix/explain."""
    out: dict[tuple[str, str, str, bool], Exposure] = {}
    for s in view.servers:
        has_cert = s.certificate is not None and s.hostname != CATCH_ALL
        host = "*" if s.hostname == CATCH_ALL else s.hostname
        for loc in s.locations:
            if loc.ingress is None or loc.backend is None or loc.generated_exact:
                continue
            a = loc.annotations
            key = (host, loc.ingress_path, loc.ingress_path_type, False)
            out.setdefault(
                key,
                Exposure(
                    ingress=loc.ingress,
                    host=host,
                    path=loc.ingress_path,
                    path_type=loc.ingress_path_type,
                    service=loc.backend.service_key,
                    service_port=loc.backend.port,
                    tls=has_cert,
                    tls_secret=s.certificate.secret if (has_cert and s.certificate) else None,
                    ssl_redirect=a.force_ssl_redirect or (a.ssl_redirect and has_cert),
                    allowlist=a.allowlist,
                    endpoints=len(loc.backend.endpoints),
                ),
            )
            for alt in view.canaries.get(loc.backend.upstream_name, ()):
                ckey = (host, loc.ingress_path, loc.ingress_path_type, True)
                out.setdefault(
                    ckey,
                    Exposure(
                        ingress=alt.ingress,
                        host=host,
                        path=loc.ingress_path,
                        path_type=loc.ingress_path_type,
                        service=alt.backend.service_key,
                        service_port=alt.backend.port,
                        tls=has_cert,
                        tls_secret=s.certificate.secret if (has_cert and s.certificate) else None,
                        ssl_redirect=a.force_ssl_redirect or (a.ssl_redirect and has_cert),
                        allowlist=a.allowlist,
                        canary=True,
                        endpoints=len(alt.backend.endpoints),
                    ),
                )
    return tuple(out[k] for k in sorted(out))
