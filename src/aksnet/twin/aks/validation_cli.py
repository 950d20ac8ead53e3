"""az's client-side checks of ``az aks create/update/nodepool`` (raised before any request), with az's exact
messages [learn.microsoft.com/cli/azure/aks#az-aks-create; learn.microsoft.com/azure/aks/use-network-policies;
learn.microsoft.com/azure/aks/concepts-network-ip-address-planning;
learn.microsoft.com/azure/virtual-network/virtual-networks-faq;
learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges; learn.microsoft.com/azure/aks/private-clusters;
learn.microsoft.com/azure/aks/load-balancer-standard;
azure-cli acs ``_validators.py`` and ``managed_cluster_decorator.py``].

Each check is a small function named after the azure-cli validator or getter it imitates. They raise
:class:`aksnet.errors.AzCliError` (az prints ``ERROR: <message>``). Pure: no workspace access.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from aksnet.errors import AzCliError
from aksnet.io.arm_ids import parse_resource_id

NETWORK_PLUGINS = ("azure", "kubenet", "none")
NETWORK_PLUGIN_MODES = ("overlay",)
NETWORK_POLICIES = ("azure", "calico", "cilium", "none")
NETWORK_DATAPLANES = ("azure", "cilium")
# agentPoolProfile.podIpAllocationMode (azure-cli acs _consts CONST_NETWORK_POD_IP_ALLOCATION_MODE_*)
POD_IP_ALLOCATION_MODES = ("DynamicIndividual", "StaticBlock")
MSG_STATIC_BLOCK_NEEDS_POD_SUBNET = ("Pod IP allocation mode StaticBlock requires a pod subnet (--pod-subnet-id): "
                                     "the node's /28 blocks come from it.")
LOAD_BALANCER_SKUS = ("basic", "standard")
OUTBOUND_TYPES = ("loadBalancer", "managedNATGateway", "userAssignedNATGateway", "userDefinedRouting", "none")

# SDK (msrest) patterns of ContainerServiceNetworkProfile [CLI-D docstrings]
CIDR_PATTERN = r"^([0-9]{1,3}\.){3}[0-9]{1,3}(\/([0-9]|[1-2][0-9]|3[0-2]))?$"
DNS_IP_PATTERN = (r"^(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}"
                  r"(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$")

DNS_PREFIX_PATTERN = r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][a-zA-Z0-9-]{0,52}[a-zA-Z0-9]$"  # ManagedCluster.dnsPrefix (spec)

MSG_POD_CIDR_NEEDS_OVERLAY = (
    "Please specify network plugin mode `overlay` when using --pod-cidr or use network plugin `kubenet`. For more "
    "information about Azure CNI Overlay please see https://aka.ms/aks/azure-cni-overlay"
)
MSG_POLICY_NEEDS_PLUGIN = "Please explicitly specify the network plugin type"
MSG_POLICY_LOWERCASE = "--network-policy should be provided in lowercase"
MSG_POD_SUBNET_NEEDS_AZURE = "--pod-subnet-id requires azure network-plugin"
MSG_LB_SKU = "--load-balancer-sku can only be standard or basic"
MSG_INVALID_OUTBOUND = (
    "Invalid outbound type, supported values are loadBalancer, managedNATGateway, userAssignedNATGateway, "
    "userDefinedRouting and none. Please refer to "
    "https://learn.microsoft.com/en-us/azure/aks/egress-outboundtype#updating-outboundtype-after-cluster-creation "
    "for more details."
)
MSG_UDR_NEEDS_SUBNET = (
    "--vnet-subnet-id must be specified for userDefinedRouting and it must be pre-configured with a route table "
    "with egress rules"
)
MSG_MANAGED_NAT_NO_SUBNET = "--vnet-subnet-id cannot be specified for managedNATGateway"
MSG_USER_NAT_NEEDS_SUBNET = (
    "--vnet-subnet-id must be specified for userAssignedNATGateway and it must be pre-configured with a NAT gateway "
    "with outbound ips"
)
MSG_PRIVATE_BASIC = "Please use standard load balancer for private cluster"
MSG_DISABLE_FQDN_NEEDS_PRIVATE = "--disable-public-fqdn should only be used with --enable-private-cluster"
MSG_PUBLIC_PRIVATE_DNS = "Invalid private dns zone for public cluster. It should always be empty for public cluster"
MSG_RANGES_PRIVATE = "--api-server-authorized-ip-ranges is not supported for private cluster"
MSG_RANGES_BASIC = "--api-server-authorized-ip-ranges can only be used with standard load balancer"
MSG_RANGES_ZERO = ("Setting --api-server-authorized-ip-ranges to 0.0.0.0/32 is not allowed with other IP ranges."
                   "Refer to https://aka.ms/aks/whitelist for more details")
MSG_RANGES_DISABLE = "--api-server-authorized-ip-ranges cannot be disabled and simultaneously enabled"
MSG_RANGES_GLOBAL = "--api-server-authorized-ip-ranges must be global non-reserved addresses or CIDRs"
MSG_RANGES_IPV6 = "--api-server-authorized-ip-ranges cannot be IPv6 addresses"
MSG_RANGES_FORMAT = "--api-server-authorized-ip-ranges should be a list of IPv4 addresses or CIDRs"
MSG_NODEPOOL_LENGTH = "--nodepool-name can contain at most 12 characters"
MSG_NODEPOOL_ALNUM = "--nodepool-name should contain only alphanumeric characters"
MSG_OUTBOUND_IPS_WHITESPACE = "--load-balancer-outbound-ips cannot contain whitespace"
MSG_MANAGED_IP_COUNT = "--load-balancer-managed-outbound-ip-count must be in the range [1,100]"
MSG_NAT_IP_COUNT = "--nat-gateway-managed-outbound-ip-count must be in the range [1,16]"
MSG_AUTOSCALER_BOTH = "Please specify both min-count and max-count when --enable-cluster-autoscaler enabled"
MSG_AUTOSCALER_ORDER = "Value of min-count should be less than or equal to value of max-count"
MSG_AUTOSCALER_RANGE = "node-count is not in the range of min-count and max-count"
MSG_AUTOSCALER_FLAG = "min-count and max-count are required for --enable-cluster-autoscaler, please use the flag"
MSG_MIN_COUNT = "--min-count must be in the range [0,1000]"
MSG_MAX_COUNT = "--max-count must be in the range [0,1000]"
MSG_MAX_SURGE_POSITIVE = "--max-surge must be positive"
MSG_MAX_SURGE_FORMAT = "--max-surge should be an int or percentage"


def _err(message: str, kind: str = "InvalidArgumentValueError", exit_code: int = 1) -> AzCliError:
    return AzCliError(kind, message, exit_code)


def validate_enum(value: str | None, allowed: Sequence[str], flag: str) -> str | None:
    """az's enum arguments (``get_enum_type``): case-insensitive; a usage error (exit 2) otherwise, in the words
    of azure-cli core's ``AzCliCommandParser._check_value`` (the az front end adds the command name)."""
    if value is None:
        return None
    for a in allowed:
        if a.lower() == value.lower():
            return a
    raise _err(f"'{value}' is not a valid value for '{flag}'. Allowed values: {', '.join(allowed)}.",
               "InvalidArgumentValueError", 2)


def validate_network_policy(value: str | None) -> str | None:
    """``validate_network_policy``: lowercase only, then the enum."""
    if value is None:
        return None
    if value != value.lower():
        raise _err(MSG_POLICY_LOWERCASE)
    return validate_enum(value, NETWORK_POLICIES, "--network-policy")


def validate_outbound_tuning(outbound_ports: int | None, lb_idle: int | None, nat_idle: int | None) -> None:
    """azure-cli acs ``_validators``: ``validate_load_balancer_outbound_ports`` (a multiple of 8 in
    [0, 64000]), ``validate_load_balancer_idle_timeout`` ([4, 100]) and the NAT gateway's idle timeout
    ([4, 120], the range its help states)."""
    if outbound_ports is not None:
        if outbound_ports % 8 != 0:
            raise _err("--load-balancer-allocated-ports must be a multiple of 8")
        if not 0 <= outbound_ports <= 64000:
            raise _err("--load-balancer-allocated-ports must be in the range [0,64000]")
    if lb_idle is not None and not 4 <= lb_idle <= 100:
        raise _err("--load-balancer-idle-timeout must be in the range [4,100]")
    if nat_idle is not None and not 4 <= nat_idle <= 120:
        raise _err("--nat-gateway-idle-timeout must be in the range [4,120]")


def validate_subnet_id(value: str | None, flag: str) -> str | None:
    """``_validate_subnet_id``: ``--vnet-subnet-id is not a valid Azure resource ID.``"""
    if value is None or value == "":
        return None
    parsed = parse_resource_id(value)
    if parsed is None or parsed.types[-1:] != ("subnets",) or len(parsed.types) != 2:
        raise _err(f"{flag} is not a valid Azure resource ID.")
    return value


def validate_load_balancer_sku(value: str | None) -> str | None:
    if value is None:
        return None
    if value.lower() not in LOAD_BALANCER_SKUS:
        raise _err(MSG_LB_SKU)
    return value.lower()


def validate_outbound_type(value: str | None) -> str | None:
    """``_get_outbound_type``: the five supported values (case-insensitive), else az's message."""
    if value is None:
        return None
    for t in OUTBOUND_TYPES:
        if t.lower() == value.lower():
            return t
    raise _err(MSG_INVALID_OUTBOUND)


def validate_cidr_format(value: str | None, field: str) -> str | None:
    """The SDK's pattern check of a CIDR field (msrest ``ValidationError``)."""
    if value is None:
        return None
    if not re.match(CIDR_PATTERN, value):
        raise _err(f"Parameter 'ContainerServiceNetworkProfile.{field}' must conform to the following pattern: "
                   f"'{CIDR_PATTERN}'.", "ValidationError")
    try:
        ipaddress.IPv4Network(value, strict=False)
    except ValueError:
        raise _err(f"Parameter 'ContainerServiceNetworkProfile.{field}' must conform to the following pattern: "
                   f"'{CIDR_PATTERN}'.", "ValidationError") from None
    return value


def validate_dns_ip_format(value: str | None) -> str | None:
    if value is None:
        return None
    if not re.match(DNS_IP_PATTERN, value):
        raise _err("Parameter 'ContainerServiceNetworkProfile.dns_service_ip' must conform to the following "
                   f"pattern: '{DNS_IP_PATTERN}'.", "ValidationError")
    return value


def validate_dns_prefix(value: str | None) -> str | None:
    """The SDK's pattern of ``ManagedCluster.dns_prefix`` (1–54 letters, digits, hyphens; alphanumeric ends)."""
    if value is not None and not re.match(DNS_PREFIX_PATTERN, value):
        raise _err(f"Parameter 'ManagedCluster.dns_prefix' must conform to the following pattern: "
                   f"'{DNS_PREFIX_PATTERN}'.", "ValidationError")
    return value


def validate_nodepool_name(value: str) -> str:
    """``validate_nodepool_name``: at most 12 characters, alphanumeric only."""
    if len(value) > 12:
        raise _err(MSG_NODEPOOL_LENGTH)
    if not value.isalnum():
        raise _err(MSG_NODEPOOL_ALNUM)
    return value


def validate_max_surge(value: str | None) -> str | None:
    """``validate_max_surge``: an int or a percentage, positive."""
    if value is None:
        return None
    number = value[:-1] if value.endswith("%") else value
    try:
        n = int(number)
    except ValueError:
        raise _err(MSG_MAX_SURGE_FORMAT) from None
    if n <= 0:
        raise _err(MSG_MAX_SURGE_POSITIVE)
    return value


def validate_autoscaler(enable: bool, node_count: int, min_count: int | None, max_count: int | None) -> None:
    """``validate_nodes_count`` and the decorator's autoscaler checks [CLI-V; CLI-D]."""
    if min_count is not None and not 0 <= min_count <= 1000:
        raise _err(MSG_MIN_COUNT)
    if max_count is not None and not 0 <= max_count <= 1000:
        raise _err(MSG_MAX_COUNT)
    if enable:
        if min_count is None or max_count is None:
            raise _err(MSG_AUTOSCALER_BOTH, "RequiredArgumentMissingError")
        if min_count > max_count:
            raise _err(MSG_AUTOSCALER_ORDER)
        if not min_count <= node_count <= max_count:
            raise _err(MSG_AUTOSCALER_RANGE)
    elif min_count is not None or max_count is not None:
        raise _err(MSG_AUTOSCALER_FLAG, "RequiredArgumentMissingError")


def validate_ip_ranges(value: str | None) -> tuple[str, ...] | None:
    """``validate_ip_ranges`` [CLI-V]: comma-separated IPv4 addresses/CIDRs, global, no IPv6; ``""`` disables;
    ``0.0.0.0/32`` only alone. Returns the ranges (``()`` = disabled) or None when not given."""
    if value is None:
        return None
    if value == "":
        return ()
    ranges = [r.strip() for r in value.split(",")]
    if "0.0.0.0/32" in ranges and len(ranges) > 1:
        raise _err(MSG_RANGES_ZERO)
    if "" in ranges and len(ranges) > 1:
        raise _err(MSG_RANGES_DISABLE)
    for r in ranges:
        if r == "0.0.0.0/32":
            continue
        try:
            net = ipaddress.ip_network(r)
        except ValueError:
            raise _err(MSG_RANGES_FORMAT) from None
        if net.version == 6:
            raise _err(MSG_RANGES_IPV6)
        if not net.is_global:
            raise _err(MSG_RANGES_GLOBAL)
    return tuple(ranges)


def validate_outbound_ips(value: str | None) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if any(c.isspace() for c in value):
        raise _err(MSG_OUTBOUND_IPS_WHITESPACE)
    ids = tuple(v for v in value.split(",") if v)
    for i in ids:
        if parse_resource_id(i) is None:
            raise _err(f"{i} is not a valid Azure resource ID.")
    return ids


def validate_managed_ip_count(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 100:
        raise _err(MSG_MANAGED_IP_COUNT)
    return value


def validate_nat_ip_count(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 16:
        raise _err(MSG_NAT_IP_COUNT)
    return value


def validate_outbound_combination(outbound_type: str, sku: str, vnet_subnet_id: str | None, lb_ip_flags: bool,
                                  nat_flags: bool) -> None:
    """``_get_outbound_type`` cross-checks [CLI-D]."""
    if outbound_type != "loadBalancer" and sku == "basic":
        raise _err(f"{outbound_type} doesn't support basic load balancer sku")
    if outbound_type == "userDefinedRouting" and not vnet_subnet_id:
        raise _err(MSG_UDR_NEEDS_SUBNET, "RequiredArgumentMissingError")
    if outbound_type == "managedNATGateway" and vnet_subnet_id:
        raise _err(MSG_MANAGED_NAT_NO_SUBNET)
    if outbound_type == "userAssignedNATGateway" and not vnet_subnet_id:
        raise _err(MSG_USER_NAT_NEEDS_SUBNET, "RequiredArgumentMissingError")
    if outbound_type != "loadBalancer" and lb_ip_flags:
        raise _err(f"{outbound_type} type doesn't support customizing the standard load balancer ips")
    if outbound_type != "managedNATGateway" and nat_flags:
        raise _err(f"{outbound_type} type doesn't support customizing the standard nat gateway ips")


def validate_private_cluster(private: bool, sku: str, disable_public_fqdn: bool, private_dns_zone: str | None,
                             ranges: tuple[str, ...] | None) -> None:
    """``_get_enable_private_cluster`` and friends [CLI-D; learn.microsoft.com/azure/aks/private-clusters]."""
    if private:
        if sku == "basic":
            raise _err(MSG_PRIVATE_BASIC)
        if ranges:
            raise _err(MSG_RANGES_PRIVATE, "MutuallyExclusiveArgumentError")
        if private_dns_zone and private_dns_zone.lower() not in ("system", "none") \
                and parse_resource_id(private_dns_zone) is None:
            raise _err(f"{private_dns_zone} is not a valid Azure resource ID.")
    else:
        if disable_public_fqdn:
            raise _err(MSG_DISABLE_FQDN_NEEDS_PRIVATE)
        if private_dns_zone:
            raise _err(MSG_PUBLIC_PRIVATE_DNS)
    if ranges and sku == "basic":
        raise _err(MSG_RANGES_BASIC)


_TAINT = re.compile(r"^[a-zA-Z\d][\w\-\.\/]{0,252}=[a-zA-Z\d][\w\-\.]{0,62}:(NoSchedule|PreferNoSchedule|NoExecute)$")


VM_SET_TYPES = ("VirtualMachineScaleSets", "AvailabilitySet", "VirtualMachines")


def validate_vm_set_type(value: str | None) -> str:
    """``--vm-set-type`` as az's ``validate_vm_set_type`` checks it (case-insensitive); only scale sets are
    emulated: the other two place nodes differently (availability set with a Basic LB, single VMs), so they are
    refused with aksnet's note."""
    if not value:
        return "VirtualMachineScaleSets"
    match = next((t for t in VM_SET_TYPES if t.lower() == value.lower()), None)
    if match is None:
        raise _err("--vm-set-type can only be VirtualMachineScaleSets or AvailabilitySet or VirtualMachines",
                   "CLIError")
    if match != "VirtualMachineScaleSets":
        raise _err(f"aksnet: '--vm-set-type {value}' is an az option value that aksnet does not emulate (it changes "
                   "networking, so the command is refused); see docs/fidelity.md")
    return match


def validate_node_taints(text: str | None) -> list[str]:
    """``--node-taints a=b:NoSchedule,c=d:NoExecute`` as az's validate_nodepool_taints checks it."""
    out = []
    for taint in (text or "").split(","):
        if taint == "":
            continue
        if not _TAINT.match(taint):
            raise AzCliError("ArgumentUsageError", f"Invalid node taint: {taint}", 2)
        out.append(taint)
    return out
