"""Kubernetes defaults that several parts of aksnet assume. Stdlib only."""

from __future__ import annotations

# kubelet --max-pods default. https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/
KUBELET_DEFAULT_MAX_PODS = 110

# The cluster domain of kubelet/CoreDNS (kubelet --cluster-domain as AKS sets it).
# https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/
CLUSTER_DOMAIN = "cluster.local"
# kube-proxy --healthz-bind-address default port (what cloud load balancers probe).
# https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/
KUBE_PROXY_HEALTHZ_PORT = 10256
# The deprecated annotation that named an Ingress's class before spec.ingressClassName.
# https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation
LEGACY_INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
