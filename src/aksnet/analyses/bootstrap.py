"""Node bootstrap's outbound check: can a cluster's nodes reach the internet endpoints AKS needs?

While a node provisions, the vmssCSE extension connects to mcr.microsoft.com on TCP 443; when the node's
egress (its subnet's routes — a UDR default route to an appliance that does not forward, a next hop None —,
NSGs, the appliance's own NSG and routes) cannot carry that connection, provisioning fails with
``VMExtensionProvisioningError`` / exit status 50 (OutboundConnFailVMExtensionError); it then connects to the
public API server's FQDN on 443 and fails with exit status 51 (VMExtensionError_K8SAPIServerConnFail) when a
firewall, NSG or route stops that. ``aks create`` refuses
such a cluster as AKS does, and ``lint`` (AKSNET070) flags an existing one. mcr.microsoft.com is walked at a
stand-in public address (every public address takes the same routes). Pure function of the twin; must not
print. Source: learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/outboundconnfailvmextensionerror,
learn.microsoft.com/azure/aks/outbound-rules-control-egress.
"""

from __future__ import annotations

from aksnet.engine.addressing import Topology
from aksnet.engine.flow import Site, Walk
from aksnet.engine.walk import Walker
from aksnet.model.ids import IdKey, id_key
from aksnet.model.twin import Twin
from aksnet.rules.aks import (
    CSE_API_SERVER_EXIT_STATUS,
    CSE_OUTBOUND_CHECK_HOST,
    CSE_OUTBOUND_CHECK_PORT,
    CSE_OUTBOUND_EXIT_STATUS,
)
from aksnet.rules.emulation import INTERNET_ENDPOINT_STANDIN

TROUBLESHOOT_URL = ("https://learn.microsoft.com/en-us/troubleshoot/azure/azure-kubernetes/"
                    "error-code-outboundconnfailvmextensionerror")
REQUIRED_URL = "https://aka.ms/aks-required-ports-and-addresses"
API_SERVER_URL = "https://aka.ms/aks/vmextensionerror_k8sapiserverconnfail"


def blocked_bootstrap(twin: Twin, cluster_id: str) -> tuple[str, Walk] | None:
    """The first node (by name) whose connection to mcr.microsoft.com:443 is not delivered, with its walk; None
    when every node gets through (or the cluster has no nodes)."""
    return _first_blocked(twin, cluster_id, INTERNET_ENDPOINT_STANDIN, CSE_OUTBOUND_CHECK_HOST)


def blocked_api_server(twin: Twin, cluster_id: str) -> tuple[str, str, Walk] | None:
    """CSE's second check: the first node whose TLS connection to the public API server (its FQDN on 443) is not
    delivered or is answered by Azure Firewall itself, as (node, FQDN, walk); None for a private cluster, one
    without a public API server address, or when every node gets through
    (learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/vmextensionerror-k8sapiserverconnfail)."""
    key = id_key(cluster_id)
    mc = next((c.cluster for c in twin.clusters if c.cluster is not None and id_key(c.cluster.id) == key), None)
    if mc is None or mc.enable_private_cluster or not mc.fqdn or not mc.api_server_public_ip:
        return None
    blocked = _first_blocked(twin, cluster_id, mc.api_server_public_ip, mc.fqdn)
    return None if blocked is None else (blocked[0], mc.fqdn, blocked[1])


def _first_blocked(twin: Twin, cluster_id: str, address: str, host: str) -> tuple[str, Walk] | None:
    """The first node (by name, one per subnet and NIC NSG) whose HTTPS connection to ``address`` carrying
    ``host`` is not delivered or is answered by Azure Firewall itself, with its walk."""
    topo = Topology.build(twin, cluster_id)
    walker = Walker(topo)
    seen: set[tuple[IdKey, IdKey]] = set()
    for node in sorted(topo.nodes.values(), key=lambda n: n.name):
        nic = topo.nic_of_node(node)
        if nic is None or not nic.ip_configurations:
            continue  # a node the twin knows no NIC of (a partial import): nothing to judge its egress by
        where = (id_key(nic.ip_configurations[0].subnet_id), id_key(nic.nsg_id))
        if where in seen:  # nodes with the same subnet and NIC NSG take the same path
            continue
        seen.add(where)
        site = Site("node", node.internal_ip, node.name, node=node, nic=nic)
        w = walker.walk(site, address, CSE_OUTBOUND_CHECK_PORT, host=host, scheme="https")
        if not w.delivered or (w.backend is not None and w.backend.kind == "azure-firewall"):
            return node.name, w
    return None


def provisioning_error(node: str, walk: Walk) -> str:
    """The resource provider's message for a node whose bootstrap cannot connect out (as az prints it after
    ``(VMExtensionProvisioningError)``)."""
    instance = node.rsplit("vmss", 1)[-1].lstrip("0") or "0"
    return (f"Unable to establish outbound connection from agents, please see {TROUBLESHOOT_URL} and "
            f"{REQUIRED_URL} for more information.\nDetails: instance {instance} has extension error details : "
            f"{{vmssCSE error messages : {{vmssCSE exit status={CSE_OUTBOUND_EXIT_STATUS}, output=nc: connect to "
            f"{CSE_OUTBOUND_CHECK_HOST} port {CSE_OUTBOUND_CHECK_PORT} (tcp) failed: Connection timed out "
            f"[aksnet: {walk.reason}]}}}}")


def api_server_error(node: str, fqdn: str, walk: Walk) -> str:
    """The resource provider's message when a node's bootstrap cannot reach the API server (exit status 51,
    ``VMExtensionError_K8SAPIServerConnFail``), as az prints it after ``(VMExtensionProvisioningError)``."""
    instance = node.rsplit("vmss", 1)[-1].lstrip("0") or "0"
    return (f"CSE failed with 'VMExtensionError_K8SAPIServerConnFail'. Agents are unable to establish connection "
            f"to Kubernetes API server. instance {instance}: vmssCSE exit status={CSE_API_SERVER_EXIT_STATUS}, "
            f"output=connection to {fqdn} port {CSE_OUTBOUND_CHECK_PORT} failed "
            f"[aksnet: {walk.reason}]. For more detailed troubleshooting, see {API_SERVER_URL} and {REQUIRED_URL} "
            "for more information.")
