"""``az aks create --ip-families``: which IP families a cluster asks for, checked as AKS checks them.

IPv4 alone is the default and changes nothing. Dual-stack (``ipv4,ipv6``) is refused: by the AKS resource
provider for Azure CNI without overlay (learn.microsoft.com/azure/aks/configure-dual-stack: dual-stack needs
Azure CNI Overlay, or kubenet with a dual-stack VNet, learn.microsoft.com/azure/aks/configure-kubenet-dual-stack),
and otherwise with aksnet's not-emulated note, because IPv6 addresses of nodes, pods and Services are not modelled.
Must not build the cluster.
"""

from __future__ import annotations

from aksnet.cli.az.unemulated import note
from aksnet.errors import AzCliError, AzureError, UsageError

FAMILIES = {"ipv4": "IPv4", "ipv6": "IPv6"}


def check_ip_families(value: str | None, network_plugin: str | None, network_plugin_mode: str | None,
                      pod_subnet_id: str | None) -> None:
    """Accept ``--ip-families ipv4`` (the default); refuse the rest as described in the module docstring."""
    if value is None:
        return
    words = [w.strip() for w in value.split(",") if w.strip()]
    bad = [w for w in words if w.lower() not in FAMILIES]
    if bad or not words:
        raise AzCliError("InvalidArgumentValueError",
                         f"--ip-families: '{value}' is not a comma-separated list of IPv4, IPv6.")
    families = sorted({FAMILIES[w.lower()] for w in words})
    if families == ["IPv4"]:
        return
    if families == ["IPv6"]:
        raise AzureError("InvalidParameter", "IPv6 single-stack clusters are not supported: ipFamilies must "
                                             "include IPv4.", "networkProfile.ipFamilies")
    plugin = (network_plugin or "").lower()
    overlay = (network_plugin_mode or "").lower() == "overlay"
    if plugin == "azure" and (not overlay or pod_subnet_id):
        raise AzureError("InvalidParameter", "Dual-stack networking is supported only with Azure CNI Overlay or "
                                             "kubenet: set --network-plugin-mode overlay.",
                         "networkProfile.ipFamilies")
    if plugin == "none":
        raise AzureError("InvalidParameter", "Dual-stack networking needs a network plugin (Azure CNI Overlay or "
                                             "kubenet).", "networkProfile.ipFamilies")
    raise UsageError(note(f"--ip-families {value}", True))
