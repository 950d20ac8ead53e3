"""The ``alb.networking.azure.io/v1`` CustomResourceDefinitions the ALB Controller brings (its Helm chart's
``crds/`` folder, and the AKS add-on): ApplicationLoadBalancer, BackendTLSPolicy, FrontendTLSPolicy,
HealthCheckPolicy, RoutePolicy, IngressExtension, namespaced, v1, with free-form spec and status (the real schemas
are not reproduced). Decides no semantics.

Source: learn.microsoft.com/azure/application-gateway/for-containers/api-specification-kubernetes (the kinds).
"""

from __future__ import annotations

from typing import Any

from aksnet.rules import alb

Doc = dict[str, Any]
# The kinds of alb.networking.azure.io/v1 and their plurals
ALB_KINDS = (("ApplicationLoadBalancer", "applicationloadbalancers"), ("BackendTLSPolicy", "backendtlspolicies"),
             ("FrontendTLSPolicy", "frontendtlspolicies"), ("HealthCheckPolicy", "healthcheckpolicies"),
             ("RoutePolicy", "routepolicies"), ("IngressExtension", "ingressextensions"))
_FREE = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


def crd(kind: str, plural: str) -> Doc:
    """One ALB CRD."""
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": f"{plural}.{alb.API_GROUP}"},
            "spec": {"group": alb.API_GROUP, "scope": "Namespaced",
                     "names": {"kind": kind, "listKind": f"{kind}List", "plural": plural, "singular": kind.lower()},
                     "versions": [{"name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
                                   "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                                       "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                       "metadata": {"type": "object"}, "spec": _FREE, "status": _FREE}}},
                                   "additionalPrinterColumns": [{"jsonPath": ".metadata.creationTimestamp",
                                                                 "name": "Age", "type": "date"}]}]}}


def alb_crds() -> list[Doc]:
    """Every ``alb.networking.azure.io/v1`` CRD."""
    return [crd(k, p) for k, p in ALB_KINDS]
