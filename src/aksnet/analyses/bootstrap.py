"""Node bootstrap's outbound check: can a cluster's nodes reach the internet endpoints AKS needs?

While a node provisions, the vmssCSE extension connects to mcr.microsoft.com on TCP 443; when the node's
egress (its subnet's routes — a UDR default route to an appliance that does not forward, a next hop None —,
NSGs, the appliance's own NSG and routes) cannot carry that connection, provisioning fails with
``VMExtensionProvisioningError`` / exit status 50 (OutboundConnFailVMExtensionError). ``aks create`` refuses
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
from aksnet.rules.aks import CSE_OUTBOUND_CHECK_HOST, CSE_OUTBOUND_CHECK_PORT, CSE_OUTBOUND_EXIT_STATUS
from aksnet.rules.emulation import INTERNET_ENDPOINT_STANDIN

TROUBLESHOOT_URL = ("https://learn.microsoft.com/en-us/troubleshoot/azure/azure-kubernetes/"
                    "error-code-outboundconnfailvmextensionerror")
REQUIRED_URL = "https://aka.ms/aks-required-ports-and-addresses"


def blocked_bootstrap(twin: Twin, cluster_id: str) -> tuple[str, Walk] | None:
    """The first node (by name) whose connection to mcr.microsoft.com:443 is not delivered, with its walk; None
    when every node gets through (or the cluster has no nodes)."""
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
        w = walker.walk(site, INTERNET_ENDPOINT_STANDIN, CSE_OUTBOUND_CHECK_PORT, host=CSE_OUTBOUND_CHECK_HOST,
                        scheme="https")
        if not w.delivered:
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
