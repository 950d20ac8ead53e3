"""One ingress controller's view of a cluster: its configuration, the Ingresses it serves, the objects
they reference, and the compiled nginx servers (the single source for ``route_request`` and for the
nginx.conf generator).

``controller_view(cluster, controller_class)`` accepts an IngressClass ``spec.controller`` value
(``k8s.io/ingress-nginx``, ``webapprouting.kubernetes.azure.com/nginx``) or an IngressClass name
(``nginx``, ``webapprouting.kubernetes.azure.com``). The controller's ConfigMap is found the way the
installers name it: the Helm chart's ``<release>-ingress-nginx-controller`` (labels
app.kubernetes.io/name=ingress-nginx, app.kubernetes.io/component=controller); the AKS application
routing add-on's ``app-routing-system/nginx``. Must not read the workspace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from aksnet.engine.ingress.annotations import parse_cidrs, parse_go_bool, parse_go_int, parse_size
from aksnet.engine.ingress.classes import classes_of_controller, select_ingresses
from aksnet.engine.ingress.model import (
    APPROUTING_CLASS,
    APPROUTING_CONTROLLER,
    NGINX_CLASS,
    NGINX_CONTROLLER,
    ControllerConfig,
    IgnoredIngress,
    TLSCertificate,
)
from aksnet.engine.ingress.servers import CanaryBackend, Server, build_servers
from aksnet.engine.ingress.tls import default_certificate
from aksnet.model import k8s, nginx_checks
from aksnet.model.twin import ClusterState

APPROUTING_NAMESPACE = "app-routing-system"
REDIRECT_CODES = (301, 302, 307, 308)
# the pods of each controller: the Helm chart's controller Deployment, the add-on's ``app-routing-system/nginx``
HELM_CONTROLLER_LABELS = (("app.kubernetes.io/name", "ingress-nginx"), ("app.kubernetes.io/component", "controller"))
APPROUTING_POD_LABEL = ("app", "nginx")


def controller_of_pod(pod: k8s.Pod) -> str | None:
    """The ingress controller (``spec.controller`` value) a pod runs, or None for any other pod."""
    if all(pod.labels.get(k) == v for k, v in HELM_CONTROLLER_LABELS):
        return NGINX_CONTROLLER
    if pod.namespace == APPROUTING_NAMESPACE and pod.labels.get(APPROUTING_POD_LABEL[0]) == APPROUTING_POD_LABEL[1]:
        return APPROUTING_CONTROLLER
    return None


@dataclass(frozen=True, slots=True)
class ControllerView:
    """Everything one controller needs to answer requests; immutable, built once per twin snapshot."""

    config: ControllerConfig
    classes: tuple[k8s.IngressClass, ...]  # the IngressClasses this controller satisfies
    ingresses: tuple[k8s.Ingress, ...]  # served, oldest first
    ignored: tuple[IgnoredIngress, ...]
    servers: tuple[Server, ...]  # sorted by hostname; "_" (catch-all) included
    canaries: Mapping[str, tuple[CanaryBackend, ...]] = field(default_factory=dict)
    www_redirects: Mapping[str, Server] = field(default_factory=dict)  # from-to-www-redirect: from → target
    services: Mapping[str, k8s.Service] = field(default_factory=dict)
    secrets: Mapping[str, k8s.Secret] = field(default_factory=dict)
    default_certificate: TLSCertificate = field(default_factory=lambda: TLSCertificate(None))
    warnings: tuple[str, ...] = ()

    def server(self, hostname: str) -> Server | None:
        for s in self.servers:
            if s.hostname == hostname:
                return s
        return None


def _configmap_for(cluster: ClusterState, controller: str) -> k8s.ConfigMap | None:
    cms = sorted(cluster.config_maps, key=lambda c: (c.namespace, c.name))
    if controller == APPROUTING_CONTROLLER:
        for cm in cms:
            if cm.namespace == APPROUTING_NAMESPACE and cm.name == "nginx":
                return cm
        return None
    for cm in cms:
        # ConfigMap labels are not in the model; the chart's name pattern identifies it.
        if cm.name.endswith("ingress-nginx-controller"):
            return cm
    return None


def _body_size(cm: k8s.ConfigMap, d: Mapping[str, str], default: str, warnings: list[str]) -> str:
    value = d.get("proxy-body-size")
    if value is None:
        return default
    if parse_size(value) is None:
        warnings.append(
            f"ConfigMap {cm.namespace}/{cm.name}: proxy-body-size={value!r} is not an nginx size; using {default}"
        )
        return default
    return value.strip()


# The header names nginx passes on (ignore_invalid_headers on, underscores_in_headers off: letters, digits, '-').
HEADER_NAME = re.compile(r"[A-Za-z0-9-]+")


def _header_name(cm: k8s.ConfigMap, d: Mapping[str, str], key: str, default: str, warnings: list[str]) -> str:
    """A ConfigMap key naming an HTTP header. ingress-nginx copies the value into nginx.conf unchecked;
    aksnet takes only a header name nginx can receive and otherwise keeps the default, warning."""
    value = d.get(key)
    if value is None:
        return default
    if HEADER_NAME.fullmatch(value.strip()) is None:
        warnings.append(
            f"ConfigMap {cm.namespace}/{cm.name}: {key}={value!r} is not an HTTP header name; using {default}"
        )
        return default
    return value.strip()


def config_from_configmap(base: ControllerConfig, cm: k8s.ConfigMap | None) -> ControllerConfig:
    """Apply the ConfigMap keys the engine honours (ingress-nginx configmap.md), warning on bad values."""
    if cm is None:
        return base
    d = cm.data
    warnings: list[str] = []

    def b(key: str, default: bool) -> bool:
        if key not in d:
            return default
        v = parse_go_bool(d[key])
        if v is None:
            warnings.append(
                f"ConfigMap {cm.namespace}/{cm.name}: {key}={d[key]!r} is not a boolean; using {str(default).lower()}"
            )
            return default
        return v

    def i(key: str, default: int) -> int:
        if key not in d:
            return default
        v = parse_go_int(d[key])
        if v is None:
            warnings.append(f"ConfigMap {cm.namespace}/{cm.name}: {key}={d[key]!r} is not an integer; using {default}")
            return default
        return v

    def cidrs(key: str) -> tuple[str, ...]:
        if key not in d:
            return ()
        out, err = parse_cidrs(d[key])
        if err:
            warnings.append(f"ConfigMap {cm.namespace}/{cm.name}: {key}: {err}")
        return out

    code = i("http-redirect-code", base.http_redirect_code)
    if code not in REDIRECT_CODES:
        warnings.append(
            f"ConfigMap {cm.namespace}/{cm.name}: http-redirect-code {code} is not one of 301, 302, 307, 308; using 308"
        )
        code = 308
    real_ip_cidr = cidrs("proxy-real-ip-cidr") or base.proxy_real_ip_cidr
    return ControllerConfig(
        controller_class=base.controller_class,
        ingress_class=base.ingress_class,
        watch_ingress_without_class=base.watch_ingress_without_class,
        namespace=base.namespace or cm.namespace,
        config_map=f"{cm.namespace}/{cm.name}",
        use_forwarded_headers=b("use-forwarded-headers", base.use_forwarded_headers),
        compute_full_forwarded_for=b("compute-full-forwarded-for", base.compute_full_forwarded_for),
        enable_real_ip=b("enable-real-ip", base.enable_real_ip),
        forwarded_for_header=_header_name(cm, d, "forwarded-for-header", base.forwarded_for_header, warnings),
        proxy_real_ip_cidr=real_ip_cidr,
        ssl_redirect=b("ssl-redirect", base.ssl_redirect),
        force_ssl_redirect=b("force-ssl-redirect", base.force_ssl_redirect),
        http_redirect_code=code,
        proxy_add_original_uri_header=b("proxy-add-original-uri-header", base.proxy_add_original_uri_header),
        generate_request_id=b("generate-request-id", base.generate_request_id),
        proxy_body_size=_body_size(cm, d, base.proxy_body_size, warnings),
        allowlist_source_range=cidrs("whitelist-source-range") or base.allowlist_source_range,
        denylist_source_range=cidrs("denylist-source-range") or base.denylist_source_range,
        hsts=b("hsts", base.hsts),
        hsts_max_age=i("hsts-max-age", base.hsts_max_age),
        hsts_include_subdomains=b("hsts-include-subdomains", base.hsts_include_subdomains),
        hsts_preload=b("hsts-preload", base.hsts_preload),
        no_tls_redirect_locations=(
            tuple(x.strip() for x in d["no-tls-redirect-locations"].split(",") if x.strip())
            if "no-tls-redirect-locations" in d
            else base.no_tls_redirect_locations
        ),
        default_ssl_certificate=base.default_ssl_certificate,
        default_backend_service=base.default_backend_service,
        http_port=base.http_port,
        https_port=base.https_port,
        checks=nginx_checks.check_config(d),
        warnings=base.warnings + tuple(warnings),
    )


def ingress_controllers(cluster: ClusterState) -> tuple[str, ...]:
    """The controllers (IngressClass spec.controller values) present in the cluster, sorted."""
    return tuple(sorted({c.controller for c in cluster.ingress_classes}))


def controller_config(cluster: ClusterState, controller_class: str) -> ControllerConfig:
    """The configuration of the controller behind ``controller_class`` (controller value or class name)."""
    controller = controller_class
    if "/" not in controller_class:
        named = [c for c in cluster.ingress_classes if c.name == controller_class]
        if named:
            controller = named[0].controller
        elif controller_class == APPROUTING_CLASS:
            controller = APPROUTING_CONTROLLER
        else:
            controller = NGINX_CONTROLLER
    if controller == APPROUTING_CONTROLLER:
        base = ControllerConfig(
            controller_class=controller, ingress_class=APPROUTING_CLASS, namespace=APPROUTING_NAMESPACE
        )
    else:
        mine = [c.name for c in cluster.ingress_classes if c.controller == controller]
        base = ControllerConfig(controller_class=controller, ingress_class=mine[0] if mine else NGINX_CLASS)
    return config_from_configmap(base, _configmap_for(cluster, controller))


def skip_invalid(
    served: tuple[k8s.Ingress, ...], ignored: tuple[IgnoredIngress, ...], cfg: ControllerConfig
) -> tuple[tuple[k8s.Ingress, ...], tuple[IgnoredIngress, ...]]:
    """ingress-nginx's store does not load an Ingress that fails the deep inspector, the annotation word
    blocklist or annotation validation (store.go syncIngress: the error is logged, the Ingress skipped).
    Where the admission webhook runs, such an Ingress is refused at creation; the app routing add-on has none."""
    kept: list[k8s.Ingress] = []
    skipped = list(ignored)
    for ing in served:
        why = nginx_checks.controller_skips(ing, cfg.checks)
        if why is None:
            kept.append(ing)
        else:
            skipped.append(IgnoredIngress(ing.key, f"{why}: the controller does not load it"))
    return tuple(kept), tuple(sorted(skipped, key=lambda i: i.ingress))


def controller_view(
    cluster: ClusterState, controller_class: str, config: ControllerConfig | None = None
) -> ControllerView:
    """Build the view of one ingress-nginx controller (``config`` overrides the discovered one)."""
    cfg = config if config is not None else controller_config(cluster, controller_class)
    served, ignored = select_ingresses(cluster.ingresses, cluster.ingress_classes, cfg)
    served, ignored = skip_invalid(served, ignored, cfg)
    services = {s.key: s for s in cluster.services}
    slices: dict[str, list[k8s.EndpointSlice]] = {}
    for sl in sorted(cluster.endpoint_slices, key=lambda s: (s.namespace, s.name)):
        slices.setdefault(f"{sl.namespace}/{sl.service_name}", []).append(sl)
    secrets = {f"{s.namespace}/{s.name}": s for s in cluster.secrets}
    built = build_servers(served, cfg, services, slices, secrets)
    return ControllerView(
        config=cfg,
        classes=classes_of_controller(cluster.ingress_classes, cfg),
        ingresses=served,
        ignored=ignored,
        servers=built.servers,
        canaries=built.canaries,
        www_redirects=built.www_redirects,
        services=services,
        secrets=secrets,
        default_certificate=default_certificate(cfg, secrets, "default certificate"),
        warnings=cfg.warnings + built.warnings,
    )
