"""The ingress-nginx chart's own values (every key and default of its values.yaml at 4.15.1, shipped as
``aksnet/data/charts/ingress-nginx-4.15.1-values.yaml``) and which of them aksnet's rendering honours.

``helm show values`` prints the chart's values; a value the user gives that the chart does not have is
ignored by helm (no schema) and a value aksnet does not emulate would change nothing here: both are named in a
warning instead of vanishing. Reads only its packaged data file.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

Values = dict[str, Any]
DATA = "ingress-nginx-4.15.1-values.yaml"

# dotted value paths (and every key below them) that the rendering reads
EMULATED: frozenset[str] = frozenset({
    "nameOverride", "fullnameOverride", "commonLabels", "namespaceOverride", "portNamePrefix", "tcp", "udp",
    "rbac.create", "rbac.scope",
    "serviceAccount.create", "serviceAccount.name", "serviceAccount.automountServiceAccountToken",
    "serviceAccount.annotations",
    "controller.name", "controller.image.registry", "controller.image.image", "controller.image.tag",
    "controller.image.digest", "controller.image.pullPolicy", "controller.kind", "controller.replicaCount",
    "controller.minAvailable", "controller.maxUnavailable", "controller.unhealthyPodEvictionPolicy",
    "controller.ingressClass", "controller.ingressClassResource", "controller.ingressClassByName",
    "controller.watchIngressWithoutClass", "controller.allowSnippetAnnotations", "controller.config",
    "controller.extraArgs", "controller.podLabels", "controller.podAnnotations", "controller.labels",
    "controller.annotations", "controller.nodeSelector", "controller.tolerations", "controller.affinity",
    "controller.containerPort", "controller.hostNetwork", "controller.dnsPolicy",
    "controller.terminationGracePeriodSeconds", "controller.resources", "controller.electionID",
    "controller.autoscaling.enabled", "controller.autoscaling.minReplicas", "controller.keda.enabled",
    "controller.keda.minReplicas", "controller.tcp", "controller.udp",
    "controller.admissionWebhooks.enabled", "controller.admissionWebhooks.name", "controller.admissionWebhooks.port",
    "controller.admissionWebhooks.failurePolicy", "controller.admissionWebhooks.timeoutSeconds",
    "controller.admissionWebhooks.namespaceSelector", "controller.admissionWebhooks.objectSelector",
    "controller.admissionWebhooks.labels", "controller.admissionWebhooks.annotations",
    "controller.admissionWebhooks.service", "controller.admissionWebhooks.patch.enabled",
    "controller.admissionWebhooks.patch.image", "controller.admissionWebhooks.patch.labels",
    "controller.admissionWebhooks.createSecretJob", "controller.admissionWebhooks.patchWebhookJob",
    "controller.admissionWebhooks.certificate", "controller.admissionWebhooks.key",
    "controller.service.enabled", "controller.service.appProtocol", "controller.service.annotations",
    "controller.service.labels", "controller.service.externalIPs", "controller.service.loadBalancerIP",
    "controller.service.loadBalancerSourceRanges", "controller.service.enableHttp", "controller.service.enableHttps",
    "controller.service.ipFamilyPolicy", "controller.service.ipFamilies", "controller.service.ports",
    "controller.service.targetPorts", "controller.service.type", "controller.service.nodePorts",
    "controller.service.external", "controller.service.internal", "controller.service.externalTrafficPolicy",
    "controller.service.sessionAffinity",
    "controller.metrics.enabled", "controller.metrics.port", "controller.metrics.portName",
    "controller.metrics.service",
    "defaultBackend.enabled", "defaultBackend.name", "defaultBackend.image", "defaultBackend.port",
    "defaultBackend.replicaCount", "defaultBackend.minAvailable", "defaultBackend.extraArgs",
    "defaultBackend.podLabels", "defaultBackend.nodeSelector", "defaultBackend.tolerations",
    "defaultBackend.affinity", "defaultBackend.resources", "defaultBackend.service",
})
# keys the chart reads without declaring them in values.yaml (commented out there)
UNDECLARED: frozenset[str] = frozenset({
    "nameOverride", "fullnameOverride", "controller.maxUnavailable", "controller.admissionWebhooks.timeoutSeconds",
    "controller.image.registry", "defaultBackend.image.registry", "controller.metrics.service.clusterIP",
    "controller.metrics.service.loadBalancerIP", "controller.metrics.service.externalTrafficPolicy",
    "controller.metrics.service.nodePort", "controller.service.loadBalancerIP",
})
FREE_FORM = ("tcp", "udp")  # maps whose keys are the user's (ports), not the chart's


@functools.cache
def chart_values() -> Values:
    """The chart's values.yaml (keys and defaults)."""
    text = resources.files("aksnet").joinpath("data", "charts", DATA).read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    assert isinstance(loaded, dict)
    return loaded


def _leaves(values: Values, prefix: str = "") -> list[str]:
    out = []
    for k, v in values.items():
        path = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, dict) and v and path not in FREE_FORM:
            out += _leaves(v, path)
        else:
            out.append(path)
    return out


def _declared(path: str) -> bool:
    """The chart has ``path`` (or a free-form map above it, like ``controller.config`` or ``podLabels``)."""
    node: Any = chart_values()
    parts = path.split(".")
    for i, part in enumerate(parts):
        if not isinstance(node, dict):
            return False
        if part not in node:
            return ".".join(parts[: i + 1]) in UNDECLARED or (node == {} and i > 0)
        node = node[part]
        if isinstance(node, dict) and not node and i < len(parts) - 1:
            return True  # an empty map in values.yaml takes any keys (config, podLabels, extraArgs …)
    return True


def _emulated(path: str) -> bool:
    parts = path.split(".")
    return any(".".join(parts[:i]) in EMULATED for i in range(1, len(parts) + 1))


def warnings(user: Values) -> list[str]:
    """One line per user value the chart does not have or aksnet does not emulate."""
    out = []
    for path in _leaves(user):
        if not _declared(path):
            out.append(f"aksnet: '{path}' is not a value of chart ingress-nginx (helm ignores it)")
        elif not _emulated(path):
            out.append(f"aksnet: '{path}' is a value of chart ingress-nginx that aksnet does not emulate (it "
                       "changes nothing here); see docs/fidelity.md")
    return out
