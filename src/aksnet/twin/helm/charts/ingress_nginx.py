"""The built-in ``ingress-nginx/ingress-nginx`` chart: its default values (the subset aksnet honours) and
what its templates render for a release.

Source: kubernetes/ingress-nginx ``charts/ingress-nginx`` (``values.yaml``, ``templates/_helpers.tpl``,
``controller-deployment.yaml``, ``controller-service.yaml``, ``controller-service-webhook.yaml``,
``controller-ingressclass.yaml``, ``controller-configmap.yaml``, ``controller-serviceaccount.yaml``,
``default-backend-*.yaml``) at chart 4.15.1 / controller v1.15.1
(kubernetes.io/docs/concepts/services-networking/service).
Names: ``<release>-ingress-nginx-<component>`` (the release name alone when it already contains
``ingress-nginx``), labels ``app.kubernetes.io/{name,instance,version,part-of,managed-by,component}`` and
``helm.sh/chart``. Only the kinds the emulated API server serves are rendered: RBAC objects and the
admission webhook configuration are left out (docs/fidelity.md). Pure: values in, documents out.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

from aksnet.rules.ingress_nginx import CONTROLLER_CLASS
from aksnet.twin.helm.charts.ingress_nginx_values import chart_values

Values = dict[str, Any]
Doc = dict[str, Any]

NAME = "ingress-nginx"
REPO_URL = "https://kubernetes.github.io/ingress-nginx"
# chart version → controller version (appVersion); the first one is the repo's latest.
VERSIONS: dict[str, str] = {
    "4.15.1": "1.15.1", "4.15.0": "1.15.0", "4.14.1": "1.14.1", "4.13.3": "1.13.3", "4.12.1": "1.12.1",
    "4.11.3": "1.11.3", "4.10.1": "1.10.1",
}
LATEST = next(iter(VERSIONS))
DESCRIPTION = "Ingress controller for Kubernetes using NGINX as a reverse proxy and load balancer"

_READ_DEFAULTS: Values = {
    "nameOverride": "",
    "fullnameOverride": "",
    "commonLabels": {},
    "controller": {
        "name": "controller",
        "image": {"registry": "registry.k8s.io", "image": "ingress-nginx/controller", "tag": "",
                  "pullPolicy": "IfNotPresent"},
        "kind": "Deployment",
        "replicaCount": 1,
        "minAvailable": 1,
        "ingressClass": "nginx",
        "ingressClassResource": {"name": "nginx", "enabled": True, "default": False,
                                 "controllerValue": CONTROLLER_CLASS, "parameters": {}},
        "ingressClassByName": False,
        "watchIngressWithoutClass": False,
        "allowSnippetAnnotations": False,
        "config": {},
        "extraArgs": {},
        "podLabels": {},
        "podAnnotations": {},
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [],
        "affinity": {},
        "containerPort": {"http": 80, "https": 443},
        "hostNetwork": False,
        "dnsPolicy": "ClusterFirst",
        "terminationGracePeriodSeconds": 300,
        "resources": {"requests": {"cpu": "100m", "memory": "90Mi"}},
        "electionID": "",
        "admissionWebhooks": {"enabled": True, "port": 8443, "service": {"annotations": {}, "servicePort": 443,
                                                                             "type": "ClusterIP"}},
        "service": {
            "enabled": True,
            "appProtocol": True,
            "annotations": {},
            "labels": {},
            "externalIPs": [],
            "loadBalancerIP": "",
            "loadBalancerSourceRanges": [],
            "enableHttp": True,
            "enableHttps": True,
            "ipFamilyPolicy": "SingleStack",
            "ipFamilies": ["IPv4"],
            "ports": {"http": 80, "https": 443},
            "targetPorts": {"http": "http", "https": "https"},
            "type": "LoadBalancer",
            "nodePorts": {"http": "", "https": "", "tcp": {}, "udp": {}},
            "external": {"enabled": True},
            "internal": {"enabled": False, "annotations": {}, "loadBalancerIP": "", "loadBalancerSourceRanges": []},
            "externalTrafficPolicy": "",
            "sessionAffinity": "",
        },
        "metrics": {"enabled": False, "port": 10254},
    },
    "defaultBackend": {
        "enabled": False,
        "name": "defaultbackend",
        "image": {"registry": "registry.k8s.io", "image": "defaultbackend-amd64", "tag": "1.5",
                  "pullPolicy": "IfNotPresent"},
        "port": 8080,
        "replicaCount": 1,
        "minAvailable": 1,
        "extraArgs": {},
        "podLabels": {},
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [],
        "affinity": {},
        "resources": {},
        "service": {"annotations": {}, "externalIPs": [], "loadBalancerSourceRanges": [], "servicePort": 80,
                    "type": "ClusterIP"},
    },
    "rbac": {"create": True, "scope": False},
    "serviceAccount": {"create": True, "name": "", "automountServiceAccountToken": True, "annotations": {}},
    "tcp": {},
    "udp": {},
}


def _fill(target: Values, extra: Values) -> Values:
    """Add the keys of ``extra`` that ``target`` lacks (recursively); ``target``'s own values win."""
    for k, v in extra.items():
        if k not in target:
            target[k] = copy.deepcopy(v)
        elif isinstance(v, dict) and isinstance(target[k], dict):
            _fill(target[k], v)
    return target


# The chart's values.yaml (typed as the chart types them), plus the keys its templates read without declaring
# them (``nameOverride``, ``image.registry`` …) at the defaults above.
DEFAULTS: Values = _fill(copy.deepcopy(chart_values()), _READ_DEFAULTS)
DEFAULT_TAG = str(DEFAULTS["controller"]["image"]["tag"])


def fullname(release: str, values: Values) -> str:
    """``ingress-nginx.fullname``: fullnameOverride, else ``<release>-<chart name>`` (just the release name
    when it already contains the chart name), at most 63 characters."""
    if values.get("fullnameOverride"):
        return str(values["fullnameOverride"])[:63].rstrip("-")
    name = str(values.get("nameOverride") or NAME)
    return (release if name in release else f"{release}-{name}")[:63].rstrip("-")


def _labels(release: str, version: str, values: Values, component: str | None) -> dict[str, str]:
    app = VERSIONS.get(version, VERSIONS[LATEST])
    labels = {
        "helm.sh/chart": f"{NAME}-{version}",
        "app.kubernetes.io/name": str(values.get("nameOverride") or NAME),
        "app.kubernetes.io/instance": release,
        "app.kubernetes.io/version": app,
        "app.kubernetes.io/part-of": NAME,
        "app.kubernetes.io/managed-by": "Helm",
    }
    if component:
        labels["app.kubernetes.io/component"] = component
    labels.update({str(k): str(v) for k, v in (values.get("commonLabels") or {}).items()})
    return labels


def _selector(release: str, values: Values, component: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": str(values.get("nameOverride") or NAME),
            "app.kubernetes.io/instance": release, "app.kubernetes.io/component": component}


def _meta(name: str, namespace: str | None, labels: dict[str, str], annotations: dict[str, Any] | None = None) -> Doc:
    meta: Doc = {"name": name, "labels": dict(labels)}
    if namespace:
        meta["namespace"] = namespace
    if annotations:
        meta["annotations"] = {str(k): str(v) for k, v in annotations.items()}
    return meta


def _controller_args(full: str, values: Values) -> list[str]:
    c = values["controller"]
    args = ["/nginx-ingress-controller"]
    if values["defaultBackend"].get("enabled"):
        args.append(f"--default-backend-service=$(POD_NAMESPACE)/{full}-{values['defaultBackend']['name']}")
    if c["service"].get("enabled"):
        args.append(f"--publish-service=$(POD_NAMESPACE)/{full}-{c['name']}")
    args.append(f"--election-id={c.get('electionID') or full + '-leader'}")
    args.append(f"--controller-class={c['ingressClassResource']['controllerValue']}")
    if c.get("ingressClass"):
        args.append(f"--ingress-class={c['ingressClass']}")
    args.append(f"--configmap=$(POD_NAMESPACE)/{full}-{c['name']}")
    for proto in ("tcp", "udp"):
        if values.get(proto):
            ns = (c.get(proto) or {}).get("configMapNamespace") or "$(POD_NAMESPACE)"
            args.append(f"--{proto}-services-configmap={ns}/{full}-{proto}")
    if c["admissionWebhooks"].get("enabled"):
        args += [f"--validating-webhook=:{c['admissionWebhooks']['port']}",
                 "--validating-webhook-certificate=/usr/local/certificates/cert",
                 "--validating-webhook-key=/usr/local/certificates/key"]
    if c.get("ingressClassByName"):
        args.append("--ingress-class-by-name=true")
    if c.get("watchIngressWithoutClass"):
        args.append("--watch-ingress-without-class=true")
    if (c.get("metrics") or {}).get("enabled"):
        args.append("--enable-metrics=true")
    for k, v in sorted((c.get("extraArgs") or {}).items()):
        args.append(f"--{k}" if v in ("", None) else f"--{k}={v}")
    return args


def _controller_pod(release: str, version: str, full: str, values: Values) -> Doc:
    from aksnet.twin.helm.charts import ingress_nginx_extras as extras

    c = values["controller"]
    app = VERSIONS.get(version, VERSIONS[LATEST])
    img = c["image"]
    ports = [{"name": "http", "containerPort": _value(c["containerPort"]["http"]), "protocol": "TCP"},
             {"name": "https", "containerPort": _value(c["containerPort"]["https"]), "protocol": "TCP"}]
    if (c.get("metrics") or {}).get("enabled"):
        ports.append({"name": str(c["metrics"].get("portName") or "metrics"),
                      "containerPort": _value(c["metrics"].get("port", 10254)), "protocol": "TCP"})
    if c["admissionWebhooks"].get("enabled"):
        ports.append({"name": "webhook", "containerPort": _value(c["admissionWebhooks"]["port"]), "protocol": "TCP"})
    ports += extras.stream_ports(values, container=True)
    tag = str(img.get("tag") or "")
    digest = img.get("digest") if tag == DEFAULT_TAG and version == LATEST else None
    if not tag or (tag == DEFAULT_TAG and version != LATEST):
        tag = f"v{app}"  # an older chart version's own controller tag (its digest is not known here)
    container: Doc = {
        "name": "controller",
        "image": f"{img['registry']}/{img['image']}:{tag}" + (f"@{digest}" if digest else ""),
        "imagePullPolicy": img.get("pullPolicy", "IfNotPresent"),
        "lifecycle": {"preStop": {"exec": {"command": ["/wait-shutdown"]}}},
        "args": _controller_args(full, values),
        "securityContext": {"runAsNonRoot": True, "runAsUser": 101, "runAsGroup": 82,
                            "allowPrivilegeEscalation": False, "seccompProfile": {"type": "RuntimeDefault"},
                            "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
                            "readOnlyRootFilesystem": False},
        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                {"name": "LD_PRELOAD", "value": "/usr/local/lib/libmimalloc.so"}],
        "livenessProbe": {"failureThreshold": 5, "httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"},
                          "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1,
                          "timeoutSeconds": 1},
        "readinessProbe": {"failureThreshold": 3, "httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"},
                           "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1,
                           "timeoutSeconds": 1},
        "ports": ports,
        "resources": copy.deepcopy(c.get("resources") or {}),
    }
    spec: Doc = {"dnsPolicy": c.get("dnsPolicy", "ClusterFirst"), "containers": [container]}
    if c.get("hostNetwork"):
        spec["hostNetwork"] = True
    if c.get("nodeSelector"):
        spec["nodeSelector"] = {str(k): str(v) for k, v in c["nodeSelector"].items()}
    if c.get("tolerations"):
        spec["tolerations"] = copy.deepcopy(c["tolerations"])
    if c.get("affinity"):
        spec["affinity"] = copy.deepcopy(c["affinity"])
    spec["serviceAccountName"] = _service_account(full, values)
    spec["automountServiceAccountToken"] = bool(values["serviceAccount"].get("automountServiceAccountToken", True))
    spec["terminationGracePeriodSeconds"] = _value(c.get("terminationGracePeriodSeconds", 300))
    if c["admissionWebhooks"].get("enabled"):
        container["volumeMounts"] = [{"name": "webhook-cert", "mountPath": "/usr/local/certificates/",
                                      "readOnly": True}]
        spec["volumes"] = [{"name": "webhook-cert", "secret": {"secretName": f"{full}-admission"}}]
    labels = {**_labels(release, version, values, "controller"),
              **{str(k): str(v) for k, v in (c.get("podLabels") or {}).items()}}
    meta: Doc = {"labels": labels}
    if c.get("podAnnotations"):
        meta["annotations"] = {str(k): str(v) for k, v in c["podAnnotations"].items()}
    return {"metadata": meta, "spec": spec}


def _service_account(full: str, values: Values) -> str:
    sa = values["serviceAccount"]
    return str(sa.get("name") or (full if sa.get("create", True) else "default"))


def _controller_service(release: str, version: str, namespace: str, full: str, values: Values,
                        internal: bool = False) -> Doc:
    from aksnet.twin.helm.charts import ingress_nginx_extras as extras

    c = values["controller"]
    s = c["service"]
    ports = []
    for key in ("http", "https"):
        if not s.get("enableHttp" if key == "http" else "enableHttps", True):
            continue
        p: Doc = {"name": key, "port": _value(s["ports"][key]), "protocol": "TCP", "targetPort": s["targetPorts"][key]}
        if s.get("appProtocol"):
            p["appProtocol"] = key
        np_ = (s.get("nodePorts") or {}).get(key)
        if np_ not in ("", None) and s.get("type") in ("NodePort", "LoadBalancer"):
            p["nodePort"] = _value(np_)
        ports.append(p)
    ports += extras.stream_ports(values, container=False)
    annotations = dict(s.get("annotations") or {})
    name = f"{full}-{c['name']}"
    if internal:
        annotations = dict(s["internal"].get("annotations") or {})
        name += "-internal"
    spec: Doc = {"type": s.get("type", "LoadBalancer")}
    if s.get("type") != "ExternalName":
        spec["ipFamilyPolicy"] = s.get("ipFamilyPolicy", "SingleStack")
        spec["ipFamilies"] = list(s.get("ipFamilies") or ["IPv4"])
    if s.get("externalIPs"):
        spec["externalIPs"] = list(s["externalIPs"])
    lb_ip = s["internal"].get("loadBalancerIP") if internal else s.get("loadBalancerIP")
    if lb_ip:
        spec["loadBalancerIP"] = str(lb_ip)
    ranges = s["internal"].get("loadBalancerSourceRanges") if internal else s.get("loadBalancerSourceRanges")
    if ranges:
        spec["loadBalancerSourceRanges"] = list(ranges)
    if s.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = str(s["externalTrafficPolicy"])
    if s.get("sessionAffinity"):
        spec["sessionAffinity"] = str(s["sessionAffinity"])
    spec["ports"] = ports
    spec["selector"] = _selector(release, values, "controller")
    labels = {**_labels(release, version, values, "controller"),
              **{str(k): str(v) for k, v in (s.get("labels") or {}).items()}}
    return {"apiVersion": "v1", "kind": "Service", "metadata": _meta(name, namespace, labels, annotations),
            "spec": spec}


def _default_backend(release: str, version: str, namespace: str, full: str, values: Values) -> list[Doc]:
    b = values["defaultBackend"]
    name = f"{full}-{b['name']}"
    labels = _labels(release, version, values, "default-backend")
    img = b["image"]
    pod_spec: Doc = {
        "containers": [{
            "name": "ingress-nginx-default-backend",
            "image": f"{img['registry']}/{img['image']}:{img['tag']}",
            "imagePullPolicy": img.get("pullPolicy", "IfNotPresent"),
            "securityContext": {"capabilities": {"drop": ["ALL"]}, "runAsUser": 65534, "runAsGroup": 65534,
                                "runAsNonRoot": True, "allowPrivilegeEscalation": False,
                                "readOnlyRootFilesystem": True},
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": _value(b["port"]), "scheme": "HTTP"},
                              "initialDelaySeconds": 30, "periodSeconds": 10, "timeoutSeconds": 5,
                              "successThreshold": 1, "failureThreshold": 3},
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": _value(b["port"]), "scheme": "HTTP"},
                               "initialDelaySeconds": 0, "periodSeconds": 5, "timeoutSeconds": 5,
                               "successThreshold": 1, "failureThreshold": 6},
            "ports": [{"name": "http", "containerPort": _value(b["port"]), "protocol": "TCP"}],
            "resources": copy.deepcopy(b.get("resources") or {}),
        }],
        "serviceAccountName": f"{full}-backend",
        "automountServiceAccountToken": True,
        "terminationGracePeriodSeconds": 60,
    }
    if b.get("nodeSelector"):
        pod_spec["nodeSelector"] = {str(k): str(v) for k, v in b["nodeSelector"].items()}
    if b.get("tolerations"):
        pod_spec["tolerations"] = copy.deepcopy(b["tolerations"])
    pod_labels = {**labels, **{str(k): str(v) for k, v in (b.get("podLabels") or {}).items()}}
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(f"{full}-backend", namespace, labels),
         "automountServiceAccountToken": True},
        {"apiVersion": "v1", "kind": "Service", "metadata": _meta(name, namespace, labels,
                                                                  b["service"].get("annotations")),
         "spec": {"type": b["service"].get("type", "ClusterIP"),
                  "ports": [{"name": "http", "port": _value(b["service"]["servicePort"]), "protocol": "TCP",
                             "targetPort": "http"}],
                  "selector": _selector(release, values, "default-backend")}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta(name, namespace, labels),
         "spec": {"selector": {"matchLabels": _selector(release, values, "default-backend")},
                  "replicas": _value(b.get("replicaCount", 1)), "revisionHistoryLimit": 10,
                  "template": {"metadata": {"labels": pod_labels}, "spec": pod_spec}}},
    ]


def _value(v: Any) -> Any:
    """A value as a Go template renders it into YAML: integers (and integer strings from ``--set``) stay
    numbers, anything else is left as it is for the API server's strict decoding to refuse (``json: cannot
    unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32``)."""
    if isinstance(v, str) and v.strip().lstrip("+-").isdigit():
        return int(v)
    return v


def render(release: str, namespace: str, version: str, values: Values) -> list[Doc]:
    """The objects the chart creates for ``release`` with the coalesced ``values``, in helm's install order
    (PodDisruptionBudget, ServiceAccount, ConfigMap, ClusterRole(Binding), Role(Binding), Service,
    Deployment/DaemonSet, IngressClass, then kinds helm does not order: ValidatingWebhookConfiguration)."""
    full = fullname(release, values)
    c = values["controller"]
    labels = _labels(release, version, values, "controller")
    out: list[Doc] = []
    if values["serviceAccount"].get("create", True):
        out.append({"apiVersion": "v1", "kind": "ServiceAccount",
                    "metadata": _meta(_service_account(full, values), namespace, labels,
                                      values["serviceAccount"].get("annotations")),
                    "automountServiceAccountToken": bool(values["serviceAccount"].get(
                        "automountServiceAccountToken", True))})
    data = {"allow-snippet-annotations": "true" if c.get("allowSnippetAnnotations") else "false"}
    data.update({str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in (c.get("config") or {}).items()})
    out.append({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": _meta(f"{full}-{c['name']}", namespace, labels), "data": data})
    if c["service"].get("enabled"):
        if c["service"].get("external", {}).get("enabled", True):
            out.append(_controller_service(release, version, namespace, full, values))
        if c["service"]["internal"].get("enabled"):
            out.append(_controller_service(release, version, namespace, full, values, internal=True))
    if c["admissionWebhooks"].get("enabled"):
        wh = c["admissionWebhooks"]
        out.append({"apiVersion": "v1", "kind": "Service",
                    "metadata": _meta(f"{full}-{c['name']}-admission", namespace, labels,
                                      wh["service"].get("annotations")),
                    "spec": {"type": wh["service"].get("type", "ClusterIP"),
                             "ports": [{"name": "https-webhook", "port": _value(wh["service"]["servicePort"]),
                                        "targetPort": "webhook", "appProtocol": "https"}],
                             "selector": _selector(release, values, "controller")}})
    if values["defaultBackend"].get("enabled"):
        out += _default_backend(release, version, namespace, full, values)
    pod = _controller_pod(release, version, full, values)
    kinds = {"Deployment": ["Deployment"], "DaemonSet": ["DaemonSet"], "Both": ["Deployment", "DaemonSet"]}
    for kind in kinds.get(str(c.get("kind", "Deployment")), ["Deployment"]):
        spec: Doc = {"selector": {"matchLabels": _selector(release, values, "controller")}}
        if kind == "Deployment":
            spec["replicas"] = _value(c.get("replicaCount", 1))
        spec.update({"revisionHistoryLimit": 10, "minReadySeconds": 0, "template": pod})
        out.append({"apiVersion": "apps/v1", "kind": kind, "metadata": _meta(f"{full}-{c['name']}", namespace, labels),
                    "spec": copy.deepcopy(spec)})
    icr = c["ingressClassResource"]
    if icr.get("enabled"):
        ann = {"ingressclass.kubernetes.io/is-default-class": "true"} if icr.get("default") else None
        ic: Doc = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                   "metadata": _meta(str(icr.get("name") or "nginx"), None, labels, ann),
                   "spec": {"controller": str(icr.get("controllerValue") or CONTROLLER_CLASS)}}
        if icr.get("parameters"):
            ic["spec"]["parameters"] = copy.deepcopy(icr["parameters"])
        out.append(ic)
    from aksnet.twin.helm.charts import ingress_nginx_extras as extras

    for part in (extras.rbac, extras.validating_webhook, extras.pod_disruption_budget, extras.metrics_service,
                 extras.port_configmaps):
        out += part(release, version, namespace, full, values)
    # helm sorts by kind (its install order), then by template path (releaseutil.SortManifests)
    return sorted(out, key=lambda d: (extras.install_rank(d["kind"]), extras.template_of(d)))


def hooks(release: str, namespace: str, version: str, values: Values) -> list[Doc]:
    """The chart's hook manifests (``helm template`` prints them after the others)."""
    from aksnet.twin.helm.charts import ingress_nginx_extras as extras

    return extras.hook_jobs(release, version, namespace, fullname(release, values), values)


def hook_objects(release: str, namespace: str, version: str, values: Values) -> list[Doc]:
    """What the chart's pre-install hooks leave behind: the admission webhook's certificate Secret (made by
    the ``<fullname>-admission-create`` Job), which the controller pods mount."""
    if not values["controller"]["admissionWebhooks"].get("enabled"):
        return []
    full = fullname(release, values)

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    return [{"apiVersion": "v1", "kind": "Secret",
             "metadata": {"name": f"{full}-admission", "namespace": namespace},
             "type": "Opaque",
             "data": {"ca": b64(f"aksnet emulated CA for {full}"), "cert": b64(f"aksnet emulated cert for {full}"),
                      "key": b64(f"aksnet emulated key for {full}")}}]


def notes(release: str, namespace: str, values: Values) -> str:
    """NOTES.txt of the chart (LoadBalancer variant)."""
    full = fullname(release, values)
    svc = f"{full}-{values['controller']['name']}"
    cls = values["controller"]["ingressClassResource"].get("name") or "nginx"
    return (
        "The ingress-nginx controller has been installed.\n"
        "It may take a few minutes for the load balancer IP to be available.\n"
        f"You can watch the status by running 'kubectl get service --namespace {namespace} {svc} --output wide "
        "--watch'\n\n"
        "An example Ingress that makes use of the controller:\n"
        "  apiVersion: networking.k8s.io/v1\n"
        "  kind: Ingress\n"
        "  metadata:\n"
        "    name: example\n"
        "    namespace: foo\n"
        "  spec:\n"
        f"    ingressClassName: {cls}\n"
        "    rules:\n"
        "      - host: www.example.com\n"
        "        http:\n"
        "          paths:\n"
        "            - pathType: Prefix\n"
        "              backend:\n"
        "                service:\n"
        "                  name: exampleService\n"
        "                  port:\n"
        "                    number: 80\n"
        "              path: /\n"
        "    # This section is only required if TLS is to be enabled for the Ingress\n"
        "    tls:\n"
        "      - hosts:\n"
        "        - www.example.com\n"
        "        secretName: example-tls\n\n"
        "If TLS is enabled for the Ingress, a Secret containing the certificate and key must also be provided:\n\n"
        "  apiVersion: v1\n"
        "  kind: Secret\n"
        "  metadata:\n"
        "    name: example-tls\n"
        "    namespace: foo\n"
        "  data:\n"
        "    tls.crt: <base64 encoded cert>\n"
        "    tls.key: <base64 encoded key>\n"
        "  type: kubernetes.io/tls\n"
    )


def value_warnings(user: Values) -> list[str]:
    """The user's values the chart does not have, or aksnet does not emulate (one line each)."""
    from aksnet.twin.helm.charts import ingress_nginx_values

    return ingress_nginx_values.warnings(user)


def template_of(doc: Doc) -> str:
    """The chart template an object comes from (``# Source:`` lines of ``helm template``)."""
    from aksnet.twin.helm.charts import ingress_nginx_extras as extras

    return extras.template_of(doc)
