"""Kubernetes defaults that several parts of aksnet assume. Stdlib only."""

from __future__ import annotations

# kubelet --max-pods default. https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/
KUBELET_DEFAULT_MAX_PODS = 110
