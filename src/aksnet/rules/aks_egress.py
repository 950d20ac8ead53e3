"""AKS's outbound network and FQDN rules (Azure global cloud): what the nodes of a cluster whose egress is
restricted must still reach, as Microsoft lists it in "Outbound network and FQDN rules for AKS clusters"
(https://learn.microsoft.com/azure/aks/outbound-rules-control-egress, sections "Azure Global required network
rules", "Azure Global required FQDN / application rules", "Optional recommended FQDN / application rules" and the
add-on sections), with the rule names the Azure Firewall article uses where it creates one
(https://learn.microsoft.com/azure/aks/limit-egress-traffic: ``apiudp``, ``apitcp``, ``time``, ``fqdn``).

Plain data, stdlib only; ``aksnet.analyses.egress_required`` walks each endpoint from a cluster's nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE = "https://learn.microsoft.com/azure/aks/outbound-rules-control-egress"

REQUIRED = "required"
RECOMMENDED = "recommended"  # optional, recommended (node OS security updates)
ADDON = "addon"  # required only when the add-on or feature is enabled

# Destination place-holders: the cluster's region and the API server.
REGION = "<region>"
API_SERVER_IP = "APIServerPublicIP"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One outbound dependency: ``destination`` an FQDN (``*`` wildcards, ``<region>``), a service tag
    (``AzureCloud.<region>``) or the API server's public IP; ``protocol`` TCP/UDP for network rules, HTTP/HTTPS
    for FQDN rules; ``purpose`` Microsoft's reason; ``not_for_private``: not needed by private clusters;
    ``article_rule``: the rule name the Azure Firewall article gives it."""

    destination: str
    protocol: str
    port: int
    need: str
    purpose: str
    not_for_private: bool = False
    tunnel: bool = False  # only clusters whose nodes reach the control plane without konnectivity-agent
    addon: str = ""
    article_rule: str = ""

    @property
    def network(self) -> bool:
        return self.protocol in ("TCP", "UDP")

    def label(self) -> str:
        return f"{self.destination} {self.protocol}:{self.port}"


AZURE_CLOUD_REGION = f"AzureCloud.{REGION}"

ENDPOINTS: tuple[Endpoint, ...] = (
    # Azure Global required network rules.
    Endpoint(AZURE_CLOUD_REGION, "UDP", 1194, REQUIRED, "tunneled secure communication between the nodes and the "
             "control plane", not_for_private=True, tunnel=True, article_rule="apiudp"),
    Endpoint(AZURE_CLOUD_REGION, "TCP", 9000, REQUIRED, "tunneled secure communication between the nodes and the "
             "control plane", not_for_private=True, tunnel=True, article_rule="apitcp"),
    Endpoint("ntp.ubuntu.com", "UDP", 123, REQUIRED, "network time synchronization on Linux nodes (not needed by "
             "nodes provisioned after March 2021)", article_rule="time"),
    Endpoint(API_SERVER_IP, "TCP", 443, REQUIRED, "pods and deployments that access the API server",
             not_for_private=True),
    # Azure Global required FQDN / application rules.
    Endpoint(f"*.hcp.{REGION}.azmk8s.io", "HTTPS", 443, REQUIRED, "node ↔ API server communication",
             not_for_private=True, article_rule="fqdn"),
    Endpoint("mcr.microsoft.com", "HTTPS", 443, REQUIRED, "Microsoft Container Registry: system images",
             article_rule="fqdn"),
    Endpoint("*.data.mcr.microsoft.com", "HTTPS", 443, REQUIRED, "MCR storage backed by the Azure CDN",
             article_rule="fqdn"),
    Endpoint("mcr-0001.mcr-msedge.net", "HTTPS", 443, REQUIRED, "MCR storage backed by the Azure CDN",
             article_rule="fqdn"),
    Endpoint("management.azure.com", "HTTPS", 443, REQUIRED, "Kubernetes operations against the Azure API",
             article_rule="fqdn"),
    Endpoint("login.microsoftonline.com", "HTTPS", 443, REQUIRED, "Microsoft Entra authentication",
             article_rule="fqdn"),
    Endpoint("packages.microsoft.com", "HTTPS", 443, REQUIRED, "cached apt-get operations (Moby, Azure CLI …)",
             article_rule="fqdn"),
    Endpoint("acs-mirror.azureedge.net", "HTTPS", 443, REQUIRED, "binaries such as kubenet and Azure CNI",
             article_rule="fqdn"),
    Endpoint("packages.aks.azure.com", "HTTPS", 443, REQUIRED, "binaries such as kubenet and Azure CNI (replacing "
             "acs-mirror.azureedge.net)", article_rule="fqdn"),
    # Optional recommended FQDN / application rules (Linux node security updates).
    Endpoint("security.ubuntu.com", "HTTP", 80, RECOMMENDED, "Linux security patches and updates"),
    Endpoint("azure.archive.ubuntu.com", "HTTP", 80, RECOMMENDED, "Linux security patches and updates"),
    Endpoint("changelogs.ubuntu.com", "HTTP", 80, RECOMMENDED, "Linux security patches and updates"),
    Endpoint("snapshot.ubuntu.com", "HTTPS", 443, RECOMMENDED, "Linux security patches and updates"),
    # Add-ons and features.
    Endpoint("dc.services.visualstudio.com", "HTTPS", 443, ADDON, "agent telemetry", addon="monitoring"),
    Endpoint("*.ods.opinsights.azure.com", "HTTPS", 443, ADDON, "ingest logs", addon="monitoring"),
    Endpoint("*.oms.opinsights.azure.com", "HTTPS", 443, ADDON, "authenticate the agent", addon="monitoring"),
    Endpoint("*.monitoring.azure.com", "HTTPS", 443, ADDON, "send metrics", addon="monitoring"),
    Endpoint("global.handler.control.monitor.azure.com", "HTTPS", 443, ADDON, "Azure Monitor control service",
             addon="monitoring"),
    Endpoint(f"{REGION}.ingest.monitor.azure.com", "HTTPS", 443, ADDON, "Azure Monitor managed Prometheus ingestion",
             addon="monitoring"),
    Endpoint(f"{REGION}.handler.control.monitor.azure.com", "HTTPS", 443, ADDON, "data collection rules",
             addon="monitoring"),
    Endpoint("data.policy.core.windows.net", "HTTPS", 443, ADDON, "pull Kubernetes policies, report compliance",
             addon="azurepolicy"),
    Endpoint("store.policy.core.windows.net", "HTTPS", 443, ADDON, "pull Gatekeeper artifacts of built-in policies",
             addon="azurepolicy"),
    Endpoint("*.cloud.defender.microsoft.com", "HTTPS", 443, ADDON, "Microsoft Defender security events",
             addon="defender"),
    Endpoint("vault.azure.net", "HTTPS", 443, ADDON, "Key Vault secrets store CSI driver", addon="azure-keyvault-"
             "secrets-provider"),
    Endpoint("nvidia.github.io", "HTTPS", 443, ADDON, "GPU driver installation", addon="gpu"),
    Endpoint("us.download.nvidia.com", "HTTPS", 443, ADDON, "GPU driver installation", addon="gpu"),
    Endpoint("download.docker.com", "HTTPS", 443, ADDON, "GPU driver installation", addon="gpu"),
)


def required(private_cluster: bool, tunnel: bool) -> tuple[Endpoint, ...]:
    """The required endpoints of a cluster: private clusters skip the API server ones; ``tunnel`` False (nodes
    reach the control plane through konnectivity-agent on 443) skips the UDP 1194 / TCP 9000 tunnel."""
    return tuple(e for e in ENDPOINTS if e.need == REQUIRED and not (private_cluster and e.not_for_private)
                 and (tunnel or not e.tunnel))
