"""Defaults of a managed cluster and its agent pools,
per network plugin (learn.microsoft.com/cli/azure/aks#az-aks-create; learn.microsoft.com/azure/aks/quotas-skus-regions).

Where sources disagree the choice is recorded in docs/fidelity.md. This module must not touch the
workspace except to read the workspace setting that picks the default network plugin.
"""

from __future__ import annotations

import os

from aksnet.errors import AzCliError
from aksnet.rules.aks import DEFAULT_MAX_PODS, DEFAULT_MAX_SURGE
from aksnet.rules.kubernetes import KUBELET_DEFAULT_MAX_PODS

DEFAULT_POD_CIDR = "10.244.0.0/16"  # kubenet and overlay [CLI-D docstrings; AKS azure-cni-overlay.md]
DEFAULT_SERVICE_CIDR = "10.0.0.0/16"
DEFAULT_DNS_SERVICE_IP = "10.0.0.10"
DEFAULT_DOCKER_BRIDGE_CIDR = "172.17.0.1/16"
DEFAULT_KUBERNETES_VERSION = "1.30.6"
DEFAULT_VM_SIZE = "Standard_DS2_v2"
DEFAULT_NODEPOOL_NAME = "nodepool1"
DEFAULT_NODE_COUNT = 3
__all__ = ["DEFAULT_MAX_SURGE"]  # re-exported for resolve: the default itself lives in aksnet.rules.aks
MANAGED_VNET_PREFIX = "10.224.0.0/12"  # aks-vnet-<digits>
MANAGED_SUBNET_PREFIX = "10.224.0.0/16"  # aks-subnet
MANAGED_SUBNET_NAME = "aks-subnet"
MANAGED_OUTBOUND_IP_COUNT = 1
OUTBOUND_RULE_IDLE_TIMEOUT = 30
NODE_CIDR_MASK = 24  # per-node pod /24 (cloud-provider DefaultNodeCIDRMaskSize)
POD_SUBNET_BATCH = 16  # dynamic pod-subnet IPs are handed to nodes in batches of 16

MAX_MANAGED_OUTBOUND_IPS = 100
MAX_NAT_GATEWAY_IPS = 16

# The plugin used when ``--network-plugin`` is omitted: az sends no networkPlugin and today's AKS resource
# provider picks Azure CNI Overlay ("If you don't specify --network-plugin, AKS defaults to Azure CNI Overlay",
# https://learn.microsoft.com/azure/aks/azure-cni-overlay). The seeds (older CLI help) say kubenet, but every
# seed walkthrough names its plugin. A workspace setting or environment variable chooses another default.
DEFAULT_PLUGIN_SETTING = "aks.default_network_plugin"
DEFAULT_PLUGIN_ENV = "AKSNET_AKS_DEFAULT_NETWORK_PLUGIN"
DEFAULT_PLUGIN_CHOICES = ("kubenet", "overlay", "azure", "none")


def flavour(network_plugin: str, network_plugin_mode: str | None, pod_subnet_id: str | None) -> str:
    """kubenet | azure | overlay | podsubnet | none: the IPAM behaviour of a plugin configuration."""
    if network_plugin == "azure":
        if (network_plugin_mode or "").lower() == "overlay":
            return "overlay"
        return "podsubnet" if pod_subnet_id else "azure"
    return network_plugin


def default_max_pods(flavour_name: str) -> int:
    return DEFAULT_MAX_PODS.get(flavour_name, KUBELET_DEFAULT_MAX_PODS)


def check_default_plugin(value: str) -> str:
    v = value.strip().lower()
    if v not in DEFAULT_PLUGIN_CHOICES:
        raise AzCliError(
            "InvalidArgumentValueError",
            f"{DEFAULT_PLUGIN_SETTING} must be one of {', '.join(DEFAULT_PLUGIN_CHOICES)}; got '{value}'",
        )
    return v


def default_network_plugin(setting: str | None) -> tuple[str, str | None]:
    """(plugin, mode) used when ``--network-plugin`` is omitted: ``$AKSNET_AKS_DEFAULT_NETWORK_PLUGIN`` wins,
    then the workspace setting ``aks.default_network_plugin``, then AKS's own default, Azure CNI Overlay."""
    value = os.environ.get(DEFAULT_PLUGIN_ENV) or setting or "overlay"
    v = check_default_plugin(value)
    if v == "overlay":
        return "azure", "overlay"
    return v, None
