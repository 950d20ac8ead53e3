"""``az network firewall create|show|list|delete``, ``firewall ip-config create`` and the classic rules
``firewall network-rule|application-rule|nat-rule create`` (the azure-firewall extension's commands and flags).
"""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view, ids_of, one_or_many, parse_flag, require, resolve_id
from aksnet.cli.az.params import enum_arg, parse_tags
from aksnet.cli.common import command_transaction
from aksnet.errors import AzCliError
from aksnet.rules.azure_firewall import (
    APPLICATION_PROTOCOL_PORTS,
    DEFAULT_SKU_NAME,
    DEFAULT_SKU_TIER,
    DEFAULT_THREAT_INTEL_MODE,
    NAT_ACTIONS,
    NAT_RULE_PROTOCOLS,
    NETWORK_RULE_PROTOCOLS,
    RULE_ACTIONS,
    SKU_NAMES,
    SKU_TIERS,
    THREAT_INTEL_MODES,
)
from aksnet.twin import network as net
from aksnet.twin.network import firewall as fwnet
from aksnet.twin.network.firewall_policy import policy_id

_MOD = "aksnet.cli.az.cmd_network_firewall#{}"


def fw_create(resource_group_name: str, name: str, location: str | None = None, sku: str = DEFAULT_SKU_NAME,
              tier: str = DEFAULT_SKU_TIER, threat_intel_mode: str = DEFAULT_THREAT_INTEL_MODE,
              enable_dns_proxy: str | None = None, private_ranges: list[str] | None = None,
              tags: list[str] | None = None, zones: list[str] | None = None, vnet_name: str | None = None,
              conf_name: str | None = None, public_ip: str | None = None, firewall_policy: str | None = None) -> Any:
    """Create an Azure Firewall."""
    with command_transaction() as tx:
        dns_proxy = parse_flag(enable_dns_proxy, "--enable-dns-proxy")
        policy = resolve_id(firewall_policy, resource_group_name, policy_id) if firewall_policy else None
        doc = fwnet.create_firewall(tx, resource_group_name, name, location=location, sku=sku, tier=tier,
                                    threat_intel_mode=threat_intel_mode, dns_proxy=dns_proxy,
                                    private_ranges=private_ranges, tags=parse_tags(tags), zones=zones,
                                    policy=policy)
        if vnet_name or public_ip:
            if not (vnet_name and public_ip and conf_name):
                raise AzCliError("RequiredArgumentMissingError",
                                 "usage error: --vnet-name, --public-ip and --conf-name are required together", 2)
            pip = resolve_id(public_ip, resource_group_name, net.public_ip_id)
            fwnet.create_ip_configuration(tx, doc["id"], conf_name, public_ip_id=pip,
                                          vnet_id=resolve_id(vnet_name, resource_group_name, net.vnet_id))
            doc = fwnet.get_firewall(tx, doc["id"])
        return az_view(doc)


def fw_show(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> Any:
    """Get the details of an Azure Firewall."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction(write=False) as tx:
        targets = ids_of(ids) if ids else [fwnet.firewall_id(str(resource_group_name), str(name))]
        return one_or_many([az_view(fwnet.get_firewall(tx, t)) for t in targets], ids)


def fw_list(resource_group_name: str | None = None) -> Any:
    """List Azure Firewalls."""
    with command_transaction(write=False) as tx:
        return az_view(fwnet.list_firewalls(tx, resource_group_name))


def fw_delete(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> None:
    """Delete an Azure Firewall."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction() as tx:
        for t in ids_of(ids) if ids else [fwnet.firewall_id(str(resource_group_name), str(name))]:
            fwnet.delete_firewall(tx, t)


def ipconfig_create(resource_group_name: str, firewall_name: str, name: str, public_ip_address: str | None = None,
                    vnet_name: str | None = None) -> Any:
    """Create an Azure Firewall IP configuration (the VNet's AzureFirewallSubnet and a public IP)."""
    with command_transaction() as tx:
        pip = resolve_id(public_ip_address, resource_group_name, net.public_ip_id) if public_ip_address else None
        vnet = resolve_id(vnet_name, resource_group_name, net.vnet_id) if vnet_name else None
        return az_view(fwnet.create_ip_configuration(tx, fwnet.firewall_id(resource_group_name, firewall_name), name,
                                                     public_ip_id=pip, vnet_id=vnet))


def _rule(tx_kind: str, resource_group_name: str, firewall_name: str, collection_name: str, rule: dict[str, Any],
          priority: int | None, action: str | None) -> Any:
    with command_transaction() as tx:
        return az_view(fwnet.upsert_rule(tx, fwnet.firewall_id(resource_group_name, firewall_name), tx_kind,
                                         collection_name, rule, priority, action))


def network_rule_create(resource_group_name: str, firewall_name: str, collection_name: str, name: str,
                        protocols: list[str], destination_ports: list[str], source_addresses: list[str] | None = None,
                        destination_addresses: list[str] | None = None, destination_fqdns: list[str] | None = None,
                        description: str | None = None, priority: int | None = None,
                        action: str | None = None) -> Any:
    """Create an Azure Firewall network rule."""
    if not source_addresses:
        raise AzCliError("RequiredArgumentMissingError",
                         "usage error: --source-addresses | --source-ip-groups is required", 2)
    if not destination_addresses and not destination_fqdns:
        raise AzCliError("RequiredArgumentMissingError", "usage error: --destination-addresses | "
                         "--destination-ip-groups | --destination-fqdns is required", 2)
    rule: dict[str, Any] = {"name": name, "description": description, "protocols": protocols,
                            "sourceAddresses": source_addresses, "destinationAddresses": destination_addresses or [],
                            "destinationPorts": destination_ports, "sourceIpGroups": [], "destinationIpGroups": [],
                            "destinationFqdns": destination_fqdns or []}
    return _rule("network", resource_group_name, firewall_name, collection_name, rule, priority, action)


def app_protocols(values: list[str], *allowed: str) -> list[dict[str, Any]]:
    """``--protocols Http=80 Https=443`` (a missing port takes the protocol's default; ``allowed``: the protocols
    the command takes, all of Http, Https, Mssql when empty)."""
    kinds = allowed or tuple(APPLICATION_PROTOCOL_PORTS)
    out = []
    for v in values:
        kind, _, port = v.partition("=")
        canon = next((p for p in kinds if p.lower() == kind.strip().lower()), None)
        if canon is None or (port and not port.strip().isdigit()):
            raise AzCliError("InvalidArgumentValueError", f"usage error: --protocols: '{v}' is not PROTOCOL=PORT "
                             f"with PROTOCOL one of {', '.join(kinds)}", 2)
        out.append({"protocolType": canon, "port": int(port) if port else APPLICATION_PROTOCOL_PORTS[canon]})
    return out


def application_rule_create(resource_group_name: str, firewall_name: str, collection_name: str, name: str,
                            protocols: list[str], source_addresses: list[str] | None = None,
                            target_fqdns: list[str] | None = None, fqdn_tags: list[str] | None = None,
                            description: str | None = None, priority: int | None = None,
                            action: str | None = None) -> Any:
    """Create an Azure Firewall application rule."""
    if bool(target_fqdns) == bool(fqdn_tags):
        raise AzCliError("MutuallyExclusiveArgumentError",
                         "usage error: specify either --target-fqdns or --fqdn-tags, not both", 2)
    rule: dict[str, Any] = {"name": name, "description": description, "protocols": app_protocols(protocols),
                            "sourceAddresses": source_addresses or [], "targetFqdns": target_fqdns or [],
                            "fqdnTags": fqdn_tags or [], "sourceIpGroups": []}
    return _rule("application", resource_group_name, firewall_name, collection_name, rule, priority, action)


def nat_rule_create(resource_group_name: str, firewall_name: str, collection_name: str, name: str,
                    protocols: list[str], source_addresses: list[str], destination_addresses: list[str],
                    destination_ports: list[str], translated_port: str, translated_address: str | None = None,
                    translated_fqdn: str | None = None, description: str | None = None,
                    priority: int | None = None, action: str | None = None) -> Any:
    """Create an Azure Firewall NAT rule."""
    if not translated_address and not translated_fqdn:
        raise AzCliError("RequiredArgumentMissingError",
                         "usage error: --translated-address | --translated-fqdn is required", 2)
    rule: dict[str, Any] = {"name": name, "description": description, "protocols": protocols,
                            "sourceAddresses": source_addresses, "destinationAddresses": destination_addresses,
                            "destinationPorts": destination_ports, "translatedAddress": translated_address,
                            "translatedPort": translated_port, "translatedFqdn": translated_fqdn,
                            "sourceIpGroups": []}
    return _rule("nat", resource_group_name, firewall_name, collection_name, rule, priority, action)


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "network firewall", _MOD) as g:
        g.command("create", "fw_create")
        g.command("show", "fw_show")
        g.command("list", "fw_list")
        g.command("delete", "fw_delete")
    with CommandGroup(loader, "network firewall ip-config", _MOD) as g:
        g.command("create", "ipconfig_create")
    for kind in ("network", "application", "nat"):
        with CommandGroup(loader, f"network firewall {kind}-rule", _MOD) as g:
            g.command("create", f"{kind}_rule_create")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "network firewall") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="Azure Firewall name.")
        c.argument("firewall_name", options_list=["--firewall-name", "-f"], help="Azure Firewall name.")
        c.argument("location", options_list=["--location", "-l"], help="Location. Defaults to the group's.")
        c.argument("tags", options_list=["--tags"], nargs="*", help="Space-separated tags: key[=value].")
        c.argument("ids", options_list=["--ids"], nargs="+", help="One or more resource IDs (space-delimited).")
        c.argument("zones", options_list=["--zones", "-z"], nargs="+", help="Space-separated list of availability "
                                                                              "zones.")
        c.argument("sku", options_list=["--sku"], **enum_arg(SKU_NAMES), help="SKU of Azure firewall.")
        c.argument("tier", options_list=["--tier"], **enum_arg(SKU_TIERS), help="Tier of an Azure Firewall.")
        c.argument("threat_intel_mode", options_list=["--threat-intel-mode"], **enum_arg(THREAT_INTEL_MODES),
                   help="The operation mode for Threat Intelligence.")
        c.argument("enable_dns_proxy", options_list=["--enable-dns-proxy"], nargs="?", const="true",
                   help="Enable DNS Proxy. Allowed values: false, true.")
        c.argument("private_ranges", options_list=["--private-ranges"], nargs="+",
                   help="Space-separated list of SNAT private range. Validate values are single Ip, Ip prefixes or "
                        "a single special value \"IANAPrivateRanges\".")
        c.argument("vnet_name", options_list=["--vnet-name"],
                   help="The virtual network (VNet) name. It should contain one subnet called \"AzureFirewallSubnet\".")
        c.argument("conf_name", options_list=["--conf-name"], help="Name of the IP configuration.")
        c.argument("firewall_policy", options_list=["--firewall-policy", "--policy"],
                   help="Name or ID of the firewallPolicy associated with this azure firewall.")
        c.argument("public_ip", options_list=["--public-ip"], help="Name or ID of the public IP to use.")
        c.argument("public_ip_address", options_list=["--public-ip-address"],
                   help="Name or ID of the existing public IP address to associate with the configuration.")
        c.argument("collection_name", options_list=["--collection-name", "-c"],
                   help="Name of the collection to create the rule in. Will create the collection if it does not "
                        "exist.")
        c.argument("priority", options_list=["--priority"], type=int,
                   help="Priority of the rule collection from 100 (high) to 65000 (low). Supply only if you want "
                        "to create the collection.")
        c.argument("description", options_list=["--description"], help="Rule description.")
        c.argument("source_addresses", options_list=["--source-addresses"], nargs="+",
                   help="Space-separated list of source IP addresses. Use '*' to match all.")
        c.argument("destination_addresses", options_list=["--destination-addresses"], nargs="+",
                   help="Space-separated list of destination IP addresses. Use '*' to match all.")
        c.argument("destination_ports", options_list=["--destination-ports"], nargs="+",
                   help="Space-separated list of destination ports. Use '*' to match all.")
        c.argument("destination_fqdns", options_list=["--destination-fqdns"], nargs="+",
                   help="Space-separated list of destination FQDNs.")
        c.argument("target_fqdns", options_list=["--target-fqdns"], nargs="+",
                   help="Space-separated list of fully qualified domain names (FQDNs).")
        c.argument("fqdn_tags", options_list=["--fqdn-tags"], nargs="+",
                   help="Space-separated list of FQDN tags.")
        c.argument("translated_address", options_list=["--translated-address"], help="Translated address.")
        c.argument("translated_port", options_list=["--translated-port"], help="Translated port.")
        c.argument("translated_fqdn", options_list=["--translated-fqdn"], help="Translated FQDN.")
    for kind, protos, actions in (("network", NETWORK_RULE_PROTOCOLS, RULE_ACTIONS),
                                  ("nat", NAT_RULE_PROTOCOLS, NAT_ACTIONS)):
        with ArgumentsContext(loader, f"network firewall {kind}-rule") as c:
            c.argument("protocols", options_list=["--protocols"], nargs="+", **enum_arg(protos),
                       help=f"Space-separated list of protocols. Allowed values: {', '.join(protos)}.")
            c.argument("action", options_list=["--action"], **enum_arg(actions),
                       help="The action to apply for the rule collection. Supply only if you want to create the "
                            "collection.")
    with ArgumentsContext(loader, "network firewall application-rule") as c:
        c.argument("protocols", options_list=["--protocols"], nargs="+",
                   help="Space-separated list of protocols and port numbers to use, in PROTOCOL=PORT format. Valid "
                        "protocols are Http, Https, Mssql.")
        c.argument("action", options_list=["--action"], **enum_arg(RULE_ACTIONS),
                   help="The action to apply for the rule collection. Supply only if you want to create the "
                        "collection.")
