"""Dual-stack AKS clusters (``az aks create --ip-families ipv4,ipv6``): the request checked as az and the AKS
resource provider check it, and the IPv6 addresses AKS gives nodes and pods.

Rules (learn.microsoft.com/azure/aks/configure-kubenet-dual-stack, "Deploying a dual-stack cluster";
learn.microsoft.com/azure/aks/azure-cni-overlay, "Dual-stack networking"):

- ``--ip-families`` takes ``ipv4`` or ``ipv4,ipv6`` (IPv6 alone is not supported);
- ``--pod-cidrs`` / ``--service-cidrs`` are comma-separated lists whose count and order match
  ``--ip-families``; defaults ``10.244.0.0/16,fd12:3456:789a::/64`` and ``10.0.0.0/16,fd12:3456:789a:1::/108``;
  the IPv6 service range can be no larger than /108;
- dual-stack works with kubenet and Azure CNI Overlay (Cilium dataplane included), not with Azure CNI on a node
  or pod subnet; Azure and Calico network policies and the NAT gateway are not supported.

Addresses (recorded in docs/fidelity.md, "Dual-stack"): each node gets its pods' IPv6 range as the /80 at the
same index as its IPv4 /24 (the article's ``10.244.1.0/24,fd12:3456:789a:0:1::/80``); a pod's IPv6 address has
the same host offset in the node's /80 as its IPv4 address in the node's /24 (``10.244.2.2`` →
``fd12:3456:789a:0:2::2``); a node NIC's IPv6 address has the same host offset in the subnet's IPv6 prefix as
its IPv4 address (``10.240.0.4`` → ``…::4``). Pure functions; no workspace access.
"""

from __future__ import annotations

import ipaddress

from aksnet.errors import AzCliError, AzureError

IPV4, IPV6 = "IPv4", "IPv6"
FAMILY_WORDS = {"ipv4": IPV4, "ipv6": IPV6}
DEFAULT_POD_CIDR_V6 = "fd12:3456:789a::/64"
DEFAULT_SERVICE_CIDR_V6 = "fd12:3456:789a:1::/108"
NODE_CIDR_MASK_V6 = 80  # per-node IPv6 pod range, as the article's nodes show it
MIN_SERVICE_PREFIX_V6 = 108  # "The IPv6 subnet assigned to --service-cidrs can be no larger than a /108"
MANAGED_VNET_PREFIX_V6 = "fd00:10:224::/48"  # the AKS-managed VNet's IPv6 space (our choice)
MANAGED_SUBNET_PREFIX_V6 = "fd00:10:224::/64"  # Azure IPv6 subnets are /64
UNSUPPORTED_POLICIES = ("azure", "calico")


def family_of(text: str) -> str:
    """IPv4 or IPv6 for an address or prefix text (ValueError when it is neither)."""
    return IPV6 if ipaddress.ip_network(text.strip(), strict=False).version == 6 else IPV4


def parse_families(value: str | None) -> tuple[str, ...]:
    """``--ip-families``: ``ipv4`` or ``ipv4,ipv6`` (case-insensitive); () when omitted."""
    if value is None:
        return ()
    words = [w.strip() for w in value.split(",") if w.strip()]
    bad = [w for w in words if w.lower() not in FAMILY_WORDS]
    if bad or not words:
        raise AzCliError("InvalidArgumentValueError",
                         f"--ip-families: '{value}' is not a comma-separated list of IPv4, IPv6.")
    families = tuple(dict.fromkeys(FAMILY_WORDS[w.lower()] for w in words))
    if families[0] != IPV4:
        raise AzureError("InvalidParameter", "IPv6 single-stack clusters are not supported: ipFamilies must "
                                             "include IPv4.", "networkProfile.ipFamilies")
    return families


def _cidr_list(value: str | None, flag: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise AzCliError("InvalidArgumentValueError", f"{flag}: '{item}' is not a valid CIDR.") from None
    return items


def _match(cidrs: tuple[str, ...], families: tuple[str, ...], field: str) -> None:
    """The count and order of ranges must match ipFamilies (the RP's InvalidParameter; wording ours)."""
    got = tuple(family_of(c) for c in cidrs)
    if got != families:
        raise AzureError("InvalidParameter",
                         f"The {field} {','.join(cidrs)} must have one range per IP family, in the order of "
                         f"ipFamilies {','.join(families)}.", f"networkProfile.{field}")


def resolve_families(ip_families: str | None, pod_cidrs: str | None, service_cidrs: str | None,
                     pod_cidr: str | None, service_cidr: str | None, flavour: str, network_policy: str | None,
                     outbound_type: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(ipFamilies, podCidrs, serviceCidrs) of a new cluster; single-stack gives ((IPv4,), the lists given or
    ()), and the caller keeps its IPv4 pod and service CIDRs when none is given. Raises az's and the RP's errors
    as the module docstring says."""
    families = parse_families(ip_families)
    pods = _cidr_list(pod_cidrs, "--pod-cidrs")
    services = _cidr_list(service_cidrs, "--service-cidrs")
    if not families:
        families = tuple(dict.fromkeys(family_of(c) for c in pods or services)) or (IPV4,)
        if families[0] != IPV4:
            raise AzureError("InvalidParameter", "IPv6 single-stack clusters are not supported: ipFamilies must "
                                                 "include IPv4.", "networkProfile.ipFamilies")
    if families == (IPV4,):
        for given, field in ((pods, "podCidrs"), (services, "serviceCidrs")):
            if given:
                _match(given, families, field)
        return families, pods, services
    if flavour in ("azure", "podsubnet"):
        raise AzureError("InvalidParameter", "Dual-stack networking is supported only with Azure CNI Overlay or "
                                             "kubenet: set --network-plugin-mode overlay.", "networkProfile.ipFamilies")
    if flavour == "none":
        raise AzureError("InvalidParameter", "Dual-stack networking needs a network plugin (Azure CNI Overlay or "
                                             "kubenet).", "networkProfile.ipFamilies")
    if network_policy in UNSUPPORTED_POLICIES:
        raise AzureError("InvalidParameter", f"Network policy {network_policy} is not supported with dual-stack "
                                             "networking (use cilium).", "networkProfile.networkPolicy")
    if outbound_type in ("managedNATGateway", "userAssignedNATGateway"):
        raise AzureError("InvalidParameter", f"Outbound type {outbound_type} is not supported with dual-stack "
                                             "networking.", "networkProfile.outboundType")
    pods = pods or ((pod_cidr or "10.244.0.0/16"), DEFAULT_POD_CIDR_V6)
    services = services or ((service_cidr or "10.0.0.0/16"), DEFAULT_SERVICE_CIDR_V6)
    _match(pods, families, "podCidrs")
    _match(services, families, "serviceCidrs")
    v6 = ipaddress.ip_network(services[1], strict=False)
    if v6.prefixlen < MIN_SERVICE_PREFIX_V6:
        raise AzureError("InvalidParameter", f"The IPv6 service CIDR {services[1]} is too large: it can be no "
                                             f"larger than /{MIN_SERVICE_PREFIX_V6}.", "networkProfile.serviceCidrs")
    if ipaddress.ip_network(pods[1], strict=False).prefixlen > 64:
        raise AzureError("InvalidParameter", f"The IPv6 pod CIDR {pods[1]} must be /64 or larger (each node takes "
                                             f"a /{NODE_CIDR_MASK_V6}).", "networkProfile.podCidrs")
    return families, pods, services


def node_pod_cidr_v6(pod_cidr_v4: str, node_cidr_v4: str, pod_cidr_v6: str) -> str:
    """The node's IPv6 pod range: the /80 of the IPv6 pod CIDR at the index of its IPv4 /24 in the IPv4 pod CIDR."""
    v4 = ipaddress.IPv4Network(pod_cidr_v4, strict=False)
    node = ipaddress.IPv4Network(node_cidr_v4, strict=False)
    index = (int(node.network_address) - int(v4.network_address)) >> (32 - node.prefixlen)
    v6 = ipaddress.IPv6Network(pod_cidr_v6, strict=False)
    base = int(v6.network_address) + (index << (128 - NODE_CIDR_MASK_V6))
    return f"{ipaddress.IPv6Address(base)}/{NODE_CIDR_MASK_V6}"


def same_offset(ip_v4: str, prefix_v4: str, prefix_v6: str) -> str:
    """The IPv6 address at the host offset ``ip_v4`` has in ``prefix_v4`` (node NICs, pods)."""
    v4 = ipaddress.IPv4Network(prefix_v4, strict=False)
    v6 = ipaddress.IPv6Network(prefix_v6, strict=False)
    return str(v6.network_address + (int(ipaddress.IPv4Address(ip_v4)) - int(v4.network_address)))


def ipv6_prefix(prefixes: list[str] | tuple[str, ...]) -> str | None:
    """The first IPv6 prefix of a list (a dual-stack subnet's), or None."""
    return next((p for p in prefixes if family_of(p) == IPV6), None)


def is_dual_stack(cluster: dict[str, object]) -> bool:
    """The cluster document asks for IPv4 and IPv6 (``networkProfile.ipFamilies``)."""
    props = cluster.get("properties")
    profile = props.get("networkProfile") if isinstance(props, dict) else None
    families = profile.get("ipFamilies") if isinstance(profile, dict) else None
    return isinstance(families, list) and IPV6 in families
