"""The twin snapshot: everything the analyses read, for one subscription, as immutable model objects.

Built by ``aksnet.io.twin_loader`` from a workspace or from a plain directory; never mutated afterwards.
Indexes (IP → owner, selectors) are built by the engines, not stored here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

# only the empty containers of the Gateway API and Istio objects: a question about NetworkPolicies never loads the
# Azure, Gateway API or Istio model (a tenth of a second of class creation at every command start)
from aksnet.model.worlds import GatewayWorld, MeshWorld

if TYPE_CHECKING:
    from aksnet.model import azure, engine_policy, firewall, k8s
    from aksnet.model.alb import TrafficController


@dataclass(frozen=True, slots=True)
class ClusterState:
    """The Kubernetes objects of one cluster (plus the Azure cluster resource, when known)."""

    cluster: azure.ManagedCluster | None
    namespaces: tuple[k8s.Namespace, ...] = ()
    nodes: tuple[k8s.Node, ...] = ()
    pods: tuple[k8s.Pod, ...] = ()
    services: tuple[k8s.Service, ...] = ()
    endpoint_slices: tuple[k8s.EndpointSlice, ...] = ()
    network_policies: tuple[k8s.NetworkPolicy, ...] = ()
    ingresses: tuple[k8s.Ingress, ...] = ()
    ingress_classes: tuple[k8s.IngressClass, ...] = ()
    secrets: tuple[k8s.Secret, ...] = ()
    config_maps: tuple[k8s.ConfigMap, ...] = ()
    # Gateway API objects (GatewayClass, Gateway, HTTPRoute, ReferenceGrant) and what they refer to
    gateway: GatewayWorld = field(default_factory=GatewayWorld)
    mesh: MeshWorld = field(default_factory=MeshWorld)  # Istio's security API and the pods in the mesh
    # The network policy engine profile: azure | calico | cilium | none | upstream.
    policy_engine: str = "upstream"
    # What an imported dump lacks ("the dump has no Node objects (kubectl get nodes -o json)", …): answers that
    # depend on it are unknown, never guessed. Empty for clusters built with aksnet's own commands.
    unknowns: tuple[str, ...] = ()
    # Policy objects of kinds this cluster's engine ignores or aksnet does not evaluate: warnings, never silence.
    ignored_policies: tuple[str, ...] = ()
    # Objects of the source directory that could not be read, in kubectl apply's words (the rest is analysed).
    problems: tuple[str, ...] = ()
    # Calico's and Cilium's own policies (and AdminNetworkPolicies on Calico), evaluated by the engine that
    # enforces them (aksnet.engine.netpol.engine_rules) together with the NetworkPolicies.
    engine_policies: tuple[engine_policy.EnginePolicy, ...] = ()
    # The warnings about other policy kinds for every engine (engine, warnings): ``--engine`` swaps them in.
    engine_notes: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def with_engine(self, engine: str) -> ClusterState:
        """The same cluster judged by another policy engine (``--engine``): the engine's own policies of every
        engine are kept (each engine evaluates only its own), the warnings follow the engine."""
        notes = dict(self.engine_notes)
        return replace(self, policy_engine=engine, ignored_policies=notes.get(engine.lower(), self.ignored_policies))


@dataclass(frozen=True, slots=True)
class Twin:
    subscription_id: str = ""
    vnets: tuple[azure.VirtualNetwork, ...] = ()
    nsgs: tuple[azure.NetworkSecurityGroup, ...] = ()
    route_tables: tuple[azure.RouteTable, ...] = ()
    public_ips: tuple[azure.PublicIPAddress, ...] = ()
    nat_gateways: tuple[azure.NatGateway, ...] = ()
    nics: tuple[azure.NetworkInterface, ...] = ()
    vms: tuple[azure.VirtualMachine, ...] = ()
    load_balancers: tuple[azure.LoadBalancer, ...] = ()
    private_endpoints: tuple[azure.PrivateEndpoint, ...] = ()
    private_link_services: tuple[azure.PrivateLinkService, ...] = ()
    private_dns_zones: tuple[azure.PrivateDnsZone, ...] = ()
    firewalls: tuple[firewall.AzureFirewall, ...] = ()
    # Application Gateway for Containers (their association proxies also appear in ``nics``, in their subnets)
    traffic_controllers: tuple[TrafficController, ...] = ()
    clusters: tuple[ClusterState, ...] = field(default_factory=tuple)
