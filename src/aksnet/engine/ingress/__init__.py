"""ingress-nginx as a pure engine: which controller serves which Ingress, how it compiles them into
nginx servers and locations, and what it does with one HTTP request.

Public API (everything else in this package is an implementation detail)::

    view = controller_view(cluster, "k8s.io/ingress-nginx")        # or an IngressClass name: "nginx"
    decision = route_request(view, HttpRequest(scheme="https", host="myapp.example.com",
                                               path="/api/users", remote_addr="10.240.0.4"))
    decision.action, decision.status, decision.service, decision.endpoints, decision.request_uri
    list_exposures(view)                                            # (host, path) → Service, TLS

Must not read the workspace, choose an endpoint or print.
"""

from aksnet.engine.ingress.annotations import SUPPORTED as SUPPORTED_ANNOTATIONS
from aksnet.engine.ingress.exposures import list_exposures
from aksnet.engine.ingress.model import (
    APPROUTING_CLASS,
    APPROUTING_CONTROLLER,
    FAKE_CERT_CN,
    NGINX_CLASS,
    NGINX_CONTROLLER,
    PROXY,
    REDIRECT,
    RESPOND,
    ControllerConfig,
    Exposure,
    HttpRequest,
    IgnoredIngress,
    IngressDecision,
    Step,
    TLSCertificate,
    UpstreamEndpoint,
)
from aksnet.engine.ingress.route import route_request, select_certificate, select_server
from aksnet.engine.ingress.view import (
    ControllerView,
    controller_config,
    controller_of_pod,
    controller_view,
    ingress_controllers,
)

__all__ = [
    "APPROUTING_CLASS",
    "APPROUTING_CONTROLLER",
    "FAKE_CERT_CN",
    "NGINX_CLASS",
    "NGINX_CONTROLLER",
    "PROXY",
    "REDIRECT",
    "RESPOND",
    "SUPPORTED_ANNOTATIONS",
    "ControllerConfig",
    "ControllerView",
    "Exposure",
    "HttpRequest",
    "IgnoredIngress",
    "IngressDecision",
    "Step",
    "TLSCertificate",
    "UpstreamEndpoint",
    "controller_config",
    "controller_of_pod",
    "controller_view",
    "ingress_controllers",
    "list_exposures",
    "route_request",
    "select_certificate",
    "select_server",
]
