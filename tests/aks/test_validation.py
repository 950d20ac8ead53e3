"""Every rule of learn.microsoft.com/cli/azure/aks#az-aks-create;
learn.microsoft.com/azure/aks/concepts-network-ip-address-planning that az or the AKS RP enforces,
with its exact code and message:
pure tables over resolve_spec / validation_rp, and end-to-end rows through ``aksnet az aks create``."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.errors import AzCliError, AzureError
from aksnet.twin.aks import validation_cli as cli
from aksnet.twin.aks import validation_rp as rp
from aksnet.twin.aks.resolve import resolve_spec
from aksnet.twin.aks.spec import ClusterRequest, VnetContext
from tests.conftest import run_cli

SUB = "/subscriptions/00000000-0000-4000-8000-00000000a5e7/resourceGroups/aks-rg/providers/Microsoft.Network/"
SUBNET = SUB + "virtualNetworks/vnet/subnets/aks-subnet"
VNET = VnetContext(vnet_id=SUB + "virtualNetworks/vnet", vnet_name="vnet", address_prefixes=("10.0.0.0/8",),
                   subnets=(("aks-subnet", "10.100.0.0/16"), ("small", "10.101.0.0/24")), subnet_id=SUBNET,
                   subnet_name="aks-subnet", subnet_prefix="10.100.0.0/16", available=65531)
SMALL = VnetContext(vnet_id=VNET.vnet_id, vnet_name="vnet", address_prefixes=("10.0.0.0/8",), subnets=VNET.subnets,
                    subnet_id=SUB + "virtualNetworks/vnet/subnets/small", subnet_name="small",
                    subnet_prefix="10.101.0.0/24", available=251)

# (id, request kwargs, exception type, exact message)
CLI_RULES = [
    ("pod-cidr-needs-overlay", {"network_plugin": "azure", "pod_cidr": "10.244.0.0/16"}, AzCliError,
     cli.MSG_POD_CIDR_NEEDS_OVERLAY),
    ("policy-needs-plugin", {"network_policy": "calico"}, AzCliError,
     "Please explicitly specify the network plugin type"),
    ("policy-lowercase", {"network_plugin": "azure", "network_policy": "Azure"}, AzCliError,
     "--network-policy should be provided in lowercase"),
    ("plugin-enum", {"network_plugin": "flannel"}, AzCliError,
     "'flannel' is not a valid value for '--network-plugin'. Allowed values: azure, kubenet, none."),
    ("pod-subnet-needs-azure", {"network_plugin": "kubenet", "pod_subnet_id": SUBNET}, AzCliError,
     "--pod-subnet-id requires azure network-plugin"),
    ("vnet-subnet-id-invalid", {"vnet_subnet_id": "aks-subnet"}, AzCliError,
     "--vnet-subnet-id is not a valid Azure resource ID."),
    ("pod-subnet-id-invalid", {"network_plugin": "azure", "pod_subnet_id": "/subscriptions/x"}, AzCliError,
     "--pod-subnet-id is not a valid Azure resource ID."),
    ("lb-sku", {"load_balancer_sku": "premium"}, AzCliError, "--load-balancer-sku can only be standard or basic"),
    ("outbound-type", {"outbound_type": "nat"}, AzCliError, cli.MSG_INVALID_OUTBOUND),
    ("udr-needs-subnet", {"outbound_type": "userDefinedRouting"}, AzCliError, cli.MSG_UDR_NEEDS_SUBNET),
    ("managed-nat-no-subnet", {"outbound_type": "managedNATGateway", "vnet_subnet_id": SUBNET}, AzCliError,
     "--vnet-subnet-id cannot be specified for managedNATGateway"),
    ("user-nat-needs-subnet", {"outbound_type": "userAssignedNATGateway"}, AzCliError, cli.MSG_USER_NAT_NEEDS_SUBNET),
    ("non-lb-basic", {"outbound_type": "managedNATGateway", "load_balancer_sku": "basic"}, AzCliError,
     "managedNATGateway doesn't support basic load balancer sku"),
    ("non-lb-ips", {"outbound_type": "managedNATGateway", "load_balancer_managed_outbound_ip_count": 2}, AzCliError,
     "managedNATGateway type doesn't support customizing the standard load balancer ips"),
    ("non-natgw-nat-ips", {"nat_gateway_managed_outbound_ip_count": 2}, AzCliError,
     "loadBalancer type doesn't support customizing the standard nat gateway ips"),
    ("private-basic", {"enable_private_cluster": True, "load_balancer_sku": "basic"}, AzCliError,
     "Please use standard load balancer for private cluster"),
    ("disable-fqdn-public", {"disable_public_fqdn": True}, AzCliError,
     "--disable-public-fqdn should only be used with --enable-private-cluster"),
    ("dns-zone-public", {"private_dns_zone": "system"}, AzCliError,
     "Invalid private dns zone for public cluster. It should always be empty for public cluster"),
    ("dns-zone-not-id", {"enable_private_cluster": True, "private_dns_zone": "myzone"}, AzCliError,
     "myzone is not a valid Azure resource ID."),
    ("ranges-private", {"enable_private_cluster": True, "api_server_authorized_ip_ranges": "39.100.100.100/32"},
     AzCliError, "--api-server-authorized-ip-ranges is not supported for private cluster"),
    ("ranges-basic", {"load_balancer_sku": "basic", "api_server_authorized_ip_ranges": "39.100.100.100/32"},
     AzCliError, "--api-server-authorized-ip-ranges can only be used with standard load balancer"),
    ("ranges-zero-with-others", {"api_server_authorized_ip_ranges": "0.0.0.0/32,39.1.1.1"}, AzCliError,
     cli.MSG_RANGES_ZERO),
    ("ranges-disable-and-enable", {"api_server_authorized_ip_ranges": "39.1.1.1,"}, AzCliError,
     "--api-server-authorized-ip-ranges cannot be disabled and simultaneously enabled"),
    ("ranges-private-address", {"api_server_authorized_ip_ranges": "10.0.0.0/8"}, AzCliError,
     "--api-server-authorized-ip-ranges must be global non-reserved addresses or CIDRs"),
    ("ranges-ipv6", {"api_server_authorized_ip_ranges": "2001:4860::/32"}, AzCliError,
     "--api-server-authorized-ip-ranges cannot be IPv6 addresses"),
    ("ranges-host-bits", {"api_server_authorized_ip_ranges": "39.100.100.100/24"}, AzCliError,
     "--api-server-authorized-ip-ranges should be a list of IPv4 addresses or CIDRs"),
    ("nodepool-length", {"nodepool_name": "averylongpoolname"}, AzCliError,
     "--nodepool-name can contain at most 12 characters"),
    ("nodepool-alnum", {"nodepool_name": "pool-1"}, AzCliError,
     "--nodepool-name should contain only alphanumeric characters"),
    ("outbound-ips-whitespace", {"load_balancer_outbound_ips": "a, b"}, AzCliError,
     "--load-balancer-outbound-ips cannot contain whitespace"),
    ("managed-ip-count", {"load_balancer_managed_outbound_ip_count": 101}, AzCliError,
     "--load-balancer-managed-outbound-ip-count must be in the range [1,100]"),
    ("nat-ip-count", {"outbound_type": "managedNATGateway", "nat_gateway_managed_outbound_ip_count": 17}, AzCliError,
     "--nat-gateway-managed-outbound-ip-count must be in the range [1,16]"),
    ("max-surge-format", {"max_surge": "lots"}, AzCliError, "--max-surge should be an int or percentage"),
    ("max-surge-positive", {"max_surge": "0"}, AzCliError, "--max-surge must be positive"),
    ("cidr-pattern", {"network_plugin": "kubenet", "pod_cidr": "10.244.0.0/33"}, AzCliError,
     f"Parameter 'ContainerServiceNetworkProfile.pod_cidr' must conform to the following pattern: "
     f"'{cli.CIDR_PATTERN}'."),
    ("dns-prefix-pattern", {"dns_name_prefix": "-bad-"}, AzCliError,
     f"Parameter 'ManagedCluster.dns_prefix' must conform to the following pattern: '{cli.DNS_PREFIX_PATTERN}'."),
    ("overlay-needs-azure", {"network_plugin": "kubenet", "network_plugin_mode": "overlay"}, AzureError,
     "Network plugin mode overlay requires network plugin azure, got kubenet."),
]


@pytest.mark.parametrize(("kwargs", "exc", "message"), [r[1:] for r in CLI_RULES], ids=[r[0] for r in CLI_RULES])
def test_cli_rule(kwargs: dict[str, object], exc: type[Exception], message: str) -> None:
    req = ClusterRequest(resource_group="aks-rg", name="c", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(exc) as info:
        resolve_spec(req)
    assert info.value.message == message  # type: ignore[attr-defined]


def _spec(**kwargs: object):  # type: ignore[no-untyped-def]
    return resolve_spec(ClusterRequest(resource_group="aks-rg", name="c", **kwargs))  # type: ignore[arg-type]


# (id, request kwargs, vnet context, code, exact message)
RP_RULES = [
    ("npm-kubenet", {"network_plugin": "kubenet", "network_policy": "azure"}, VNET,
     "NetworkPolicyAzureNotSupportedForKubenet", "NetworkPolicy azure is not supported for network plugin kubenet"),
    ("service-overlaps-subnet", {"network_plugin": "azure", "service_cidr": "10.100.0.0/16",
                                 "dns_service_ip": "10.100.0.10"}, VNET,
     "ServiceCidrOverlapExistingSubnetsCidr",
     "The specified service CIDR 10.100.0.0/16 is conflicted with an existing subnet CIDR 10.100.0.0/16"),
    ("dns-outside-service", {"network_plugin": "azure", "service_cidr": "10.33.0.0/16", "dns_service_ip": "10.0.0.10"},
     VNET, "DnsServiceIpOutOfServiceCidr",
     "The DNS service IP 10.0.0.10 is out of the range defined by service CIDR 10.33.0.0/16."),
    ("dns-first-address", {"network_plugin": "azure", "service_cidr": "10.33.0.0/16", "dns_service_ip": "10.33.0.1"},
     VNET, "InvalidDnsServiceIP",
     "The DNS service IP 10.33.0.1 can't be the network address, the first address (the kubernetes service) or the "
     "broadcast address of service CIDR 10.33.0.0/16."),
    ("service-too-large", {"network_plugin": "azure", "service_cidr": "10.0.0.0/11", "dns_service_ip": "10.0.0.10"},
     VNET, "InvalidServiceCidr",
     "The service CIDR 10.0.0.0/11 is too large; specified --service-cluster-ip-range is too large; for 32-bit "
     "addresses, the mask must be >= 12"),
    ("pod-reserved", {"network_plugin": "azure", "network_plugin_mode": "overlay", "pod_cidr": "172.16.0.0/12",
                      "service_cidr": "10.33.0.0/16", "dns_service_ip": "10.33.0.10"}, VNET,
     "PodCidrOverlapsReservedRange",
     "The podCidr 172.16.0.0/12 overlaps with the reserved range 172.30.0.0/16. AKS reserves 169.254.0.0/16, "
     "172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24 for pod, service and cluster virtual network ranges."),
    ("service-reserved", {"network_plugin": "azure", "service_cidr": "169.254.0.0/16",
                          "dns_service_ip": "169.254.0.10"}, VNET, "ServiceCidrOverlapsReservedRange",
     "The serviceCidr 169.254.0.0/16 overlaps with the reserved range 169.254.0.0/16. AKS reserves 169.254.0.0/16, "
     "172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24 for pod, service and cluster virtual network ranges."),
    ("pod-overlaps-subnet", {"network_plugin": "kubenet", "pod_cidr": "10.100.0.0/16", "service_cidr": "10.33.0.0/16",
                             "dns_service_ip": "10.33.0.10"}, VNET, "NetworkProfileCIDROverlapVNET",
     "NetworkProfile CIDR 10.100.0.0/16 overlaps with reserved VNET CIDR 10.100.0.0/16"),
    ("service-overlaps-pod", {"network_plugin": "kubenet", "pod_cidr": "10.33.0.0/16", "service_cidr": "10.33.0.0/16",
                              "dns_service_ip": "10.33.0.10"}, VNET, "ServiceCidrOverlapPodCidr",
     "The service CIDR 10.33.0.0/16 overlaps with the pod CIDR 10.33.0.0/16."),
    ("cni-310-on-24", {"network_plugin": "azure", "node_count": 10, "service_cidr": "10.33.0.0/16",
                       "dns_service_ip": "10.33.0.10"}, SMALL, "InsufficientSubnetSize",
     "Pre-allocated IPs 310 exceeds IPs available 251 in Subnet Cidr 10.101.0.0/24, Subnet Name small."
     + rp.INSUFFICIENT_SUFFIX),
    ("pod-cidr-too-small", {"network_plugin": "kubenet", "pod_cidr": "10.244.0.0/23", "node_count": 3,
                            "service_cidr": "10.33.0.0/16", "dns_service_ip": "10.33.0.10"}, VNET,
     "InsufficientSubnetSize",
     "Pre-allocated IPs 768 exceeds IPs available 512 in Subnet Cidr 10.244.0.0/23, Subnet Name "
     "networkProfile.podCIDR." + rp.INSUFFICIENT_SUFFIX),
    ("max-pods-low", {"network_plugin": "azure", "max_pods": 9, "service_cidr": "10.33.0.0/16",
                      "dns_service_ip": "10.33.0.10"}, VNET, "InvalidParameter",
     "The value of parameter maxPods is invalid. Error details: maxPods 9 must be between 10 and 250."),
    ("max-pods-high", {"network_plugin": "azure", "max_pods": 251, "service_cidr": "10.33.0.0/16",
                       "dns_service_ip": "10.33.0.10"}, VNET, "InvalidParameter",
     "The value of parameter maxPods is invalid. Error details: maxPods 251 must be between 10 and 250."),
    ("max-pods-10-needs-30", {"network_plugin": "azure", "max_pods": 10, "node_count": 2,
                              "service_cidr": "10.33.0.0/16", "dns_service_ip": "10.33.0.10"}, VNET, "InvalidParameter",
     "The value of parameter maxPods is invalid. Error details: a node pool must have space for at least 30 pods; "
     "2 node(s) x maxPods 10 = 20."),
    ("count-zero", {"network_plugin": "azure", "node_count": 0, "service_cidr": "10.33.0.0/16",
                    "dns_service_ip": "10.33.0.10", "max_pods": 30}, VNET, "InvalidParameter",
     "agentPoolProfile.count was 0. It must be greater or equal to minCount:1 and less than or equal to "
     "maxCount:1000. If allowedMinCount was expected to be 0 but is 1: 1) The nodepool is a VMAS pool. 2) api Version "
     "is less than 2020-03-01. 3) The node is a system pool."),
    ("count-over-1000", {"network_plugin": "azure", "node_count": 1001, "service_cidr": "10.33.0.0/16",
                         "dns_service_ip": "10.33.0.10"}, VNET, "InvalidParameter",
     "agentPoolProfile.count was 1001. It must be greater or equal to minCount:1 and less than or equal to "
     "maxCount:1000. If allowedMinCount was expected to be 0 but is 1: 1) The nodepool is a VMAS pool. 2) api Version "
     "is less than 2020-03-01. 3) The node is a system pool."),
    ("kubenet-400", {"network_plugin": "kubenet", "node_count": 401, "pod_cidr": "10.200.0.0/14",
                     "service_cidr": "10.33.0.0/16", "dns_service_ip": "10.33.0.10"}, VNET,
     "KubenetNodeCountLimitExceeded",
     "The cluster would have 401 nodes; kubenet supports at most 400 nodes because a route table holds at most 400 "
     "routes."),
    ("cilium-policy-needs-dataplane", {"network_plugin": "azure", "network_policy": "cilium",
                                       "service_cidr": "10.33.0.0/16", "dns_service_ip": "10.33.0.10"}, VNET,
     "InvalidNetworkPolicy", "NetworkPolicy cilium requires network dataplane cilium"),
    ("none-zone-needs-public-fqdn", {"enable_private_cluster": True, "disable_public_fqdn": True,
                                     "private_dns_zone": "none"}, VNET,
     "InvalidParameter", "Private cluster with none private dns zone must enable public FQDN feature."),
]


@pytest.mark.parametrize(("kwargs", "vnet", "code", "message"), [r[1:] for r in RP_RULES], ids=[r[0] for r in RP_RULES])
def test_rp_rule(kwargs: dict[str, object], vnet: VnetContext, code: str, message: str) -> None:
    with pytest.raises(AzureError) as info:
        rp.validate_spec(_spec(**kwargs), vnet)
    assert (info.value.code, info.value.message) == (code, message)


def test_count_zero_rule_itself() -> None:
    with pytest.raises(AzureError) as info:
        rp.check_count(0)
    assert info.value.message.startswith("agentPoolProfile.count was 0. It must be greater or equal to minCount:1")


def test_seed_001_kubenet_overlap_is_a_warning() -> None:
    warnings = rp.validate_spec(_spec(network_plugin="kubenet", pod_cidr="10.244.0.0/16", service_cidr="10.32.0.0/16",
                                      dns_service_ip="10.32.0.10", node_count=2), VNET)
    assert any(w.startswith("NetworkProfileCIDROverlapVNET: NetworkProfile CIDR 10.244.0.0/16 overlaps with "
                            "reserved VNET CIDR 10.0.0.0/8") for w in warnings)


UDR = [
    ("no-route-table", None, "ExistingRouteTableNotAssociatedWithSubnet"),
    ("no-default-route", {"id": "rt", "properties": {"routes": []}}, "RouteTableMissingDefaultRouteError"),
    ("internet-next-hop", {"id": "rt", "properties": {"routes": [
        {"properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "Internet"}}]}}, "RouteTableInvalidNextHop"),
]


@pytest.mark.parametrize(("table", "code"), [r[1:] for r in UDR], ids=[r[0] for r in UDR])
def test_udr_rules(table: dict[str, object] | None, code: str) -> None:
    with pytest.raises(AzureError) as info:
        rp.check_udr_route_table(table, SUBNET)
    assert info.value.code == code


def test_udr_default_route_message() -> None:
    with pytest.raises(AzureError) as info:
        rp.check_udr_route_table({"id": "rt", "properties": {"routes": []}}, SUBNET)
    assert info.value.message == "Default route 0.0.0.0/0 missing from route table rt"


def test_udr_virtual_appliance_passes() -> None:
    rp.check_udr_route_table({"id": "rt", "properties": {"routes": [
        {"properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance"}}]}}, SUBNET)


# -- end to end: az prints "ERROR: (Code) Message" / "ERROR: message", exit codes 1 and 2 -------------------
def _seed_network() -> str:
    for cmd in (["az", "group", "create", "-n", "aks-rg", "-l", "eastus"],
                ["az", "network", "vnet", "create", "-g", "aks-rg", "-n", "vnet", "--address-prefix", "10.0.0.0/8",
                 "--subnet-name", "aks-subnet", "--subnet-prefix", "10.100.0.0/16"]):
        assert run_cli(*cmd).code == 0
    return SUBNET


E2E = [
    ("rp-error", ["--network-plugin", "kubenet", "--network-policy", "azure"], 1,
     "ERROR: (NetworkPolicyAzureNotSupportedForKubenet) NetworkPolicy azure is not supported for network plugin "
     "kubenet\nCode: NetworkPolicyAzureNotSupportedForKubenet\nMessage: NetworkPolicy azure is not supported for "
     "network plugin kubenet\nTarget: networkProfile.networkPolicy\n"),
    ("cli-error", ["--network-plugin", "azure", "--pod-cidr", "10.244.0.0/16"], 1,
     f"ERROR: {cli.MSG_POD_CIDR_NEEDS_OVERLAY}\n"),
    ("usage-error", ["--network-plugin", "flannel"], 2,
     "ERROR: az aks create: 'flannel' is not a valid value for '--network-plugin'. Allowed values: azure, kubenet, "
     "none.\n"),
]


@pytest.mark.parametrize(("flags", "code", "stderr"), [r[1:] for r in E2E], ids=[r[0] for r in E2E])
def test_e2e_errors(home: Path, flags: list[str], code: int, stderr: str) -> None:
    subnet = _seed_network()
    r = run_cli("az", "aks", "create", "-g", "aks-rg", "-n", "c", "--vnet-subnet-id", subnet, *flags)
    assert (r.code, r.err) == (code, stderr)


AUTOSCALER = [
    ("both-needed", {"enable_cluster_autoscaler": True, "min_count": 1}, cli.MSG_AUTOSCALER_BOTH),
    ("order", {"enable_cluster_autoscaler": True, "min_count": 5, "max_count": 2}, cli.MSG_AUTOSCALER_ORDER),
    ("range", {"enable_cluster_autoscaler": True, "min_count": 5, "max_count": 9, "node_count": 3},
     cli.MSG_AUTOSCALER_RANGE),
    ("flag-needed", {"max_count": 5}, cli.MSG_AUTOSCALER_FLAG),
    ("min-range", {"enable_cluster_autoscaler": True, "min_count": -1, "max_count": 5}, cli.MSG_MIN_COUNT),
    ("max-range", {"enable_cluster_autoscaler": True, "min_count": 1, "max_count": 1001}, cli.MSG_MAX_COUNT),
]


@pytest.mark.parametrize(("kwargs", "message"), [r[1:] for r in AUTOSCALER], ids=[r[0] for r in AUTOSCALER])
def test_autoscaler_cli_rules(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(AzCliError) as info:
        resolve_spec(ClusterRequest(resource_group="aks-rg", name="c", **kwargs))  # type: ignore[arg-type]
    assert info.value.message == message


def test_autoscaler_max_count_is_pre_allocated() -> None:
    """'the max-count from each nodepool is counted towards this total' [ISS:Azure/AKS-Construction#701]."""
    spec = _spec(network_plugin="azure", node_count=3, enable_cluster_autoscaler=True, min_count=1, max_count=10,
                 service_cidr="10.33.0.0/16", dns_service_ip="10.33.0.10")
    with pytest.raises(AzureError) as info:
        rp.validate_spec(spec, SMALL)
    assert info.value.message.startswith("Pre-allocated IPs 310 exceeds IPs available 251")
