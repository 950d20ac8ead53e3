"""``az network firewall policy create|show|list|delete``, ``policy rule-collection-group create|show|list|delete``
and ``policy rule-collection-group collection add-filter-collection|add-nat-collection`` (the azure-firewall
extension's commands and flags, azure-cli-extensions src/azure-firewall/azext_firewall/_params.py).
"""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view, ids_of, one_or_many, parse_flag, require, resolve_id
from aksnet.cli.az.cmd_network_firewall import app_protocols
from aksnet.cli.az.params import enum_arg, parse_tags
from aksnet.cli.common import command_transaction
from aksnet.errors import AzCliError
from aksnet.rules.azure_firewall import (
    DEFAULT_POLICY_TIER,
    DEFAULT_THREAT_INTEL_MODE,
    POLICY_FILTER_ACTIONS,
    POLICY_IP_PROTOCOLS,
    POLICY_NAT_ACTIONS,
    POLICY_RULE_TYPES,
    POLICY_SKU_TIERS,
    THREAT_INTEL_MODES,
)
from aksnet.twin.network import firewall_policy as pol

_MOD = "aksnet.cli.az.cmd_network_firewall_policy#{}"


def policy_create(resource_group_name: str, name: str, location: str | None = None,
                  sku: str = DEFAULT_POLICY_TIER, threat_intel_mode: str = DEFAULT_THREAT_INTEL_MODE,
                  enable_dns_proxy: str | None = None, dns_servers: list[str] | None = None,
                  base_policy: str | None = None, tags: list[str] | None = None) -> Any:
    """Create an Azure Firewall policy."""
    with command_transaction() as tx:
        base = resolve_id(base_policy, resource_group_name, pol.policy_id) if base_policy else None
        return az_view(pol.create_policy(tx, resource_group_name, name, location=location, tier=sku,
                                         threat_intel_mode=threat_intel_mode,
                                         dns_proxy=parse_flag(enable_dns_proxy, "--enable-dns-proxy"),
                                         dns_servers=dns_servers, base_policy=base, tags=parse_tags(tags)))


def policy_show(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> Any:
    """Get the details of an Azure Firewall policy."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction(write=False) as tx:
        targets = ids_of(ids) if ids else [pol.policy_id(str(resource_group_name), str(name))]
        return one_or_many([az_view(pol.get_policy(tx, t)) for t in targets], ids)


def policy_list(resource_group_name: str | None = None) -> Any:
    """List Azure Firewall policies."""
    with command_transaction(write=False) as tx:
        return az_view(pol.list_policies(tx, resource_group_name))


def policy_delete(resource_group_name: str | None = None, name: str | None = None,
                  ids: list[str] | None = None) -> None:
    """Delete an Azure Firewall policy."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction() as tx:
        for t in ids_of(ids) if ids else [pol.policy_id(str(resource_group_name), str(name))]:
            pol.delete_policy(tx, t)


def _group_id(resource_group_name: str, policy_name: str, name: str) -> str:
    return pol.group_id(pol.policy_id(resource_group_name, policy_name), name)


def group_create(resource_group_name: str, policy_name: str, name: str, priority: int) -> Any:
    """Create an Azure Firewall policy rule collection group."""
    with command_transaction() as tx:
        return az_view(pol.create_group(tx, pol.policy_id(resource_group_name, policy_name), name, priority))


def group_show(resource_group_name: str, policy_name: str, name: str) -> Any:
    """Show an Azure Firewall policy rule collection group."""
    with command_transaction(write=False) as tx:
        return az_view(pol.get_rule_group(tx, _group_id(resource_group_name, policy_name, name)))


def group_list(resource_group_name: str, policy_name: str) -> Any:
    """List the rule collection groups of an Azure Firewall policy."""
    with command_transaction(write=False) as tx:
        return az_view(pol.list_groups(tx, pol.get_policy(tx, pol.policy_id(resource_group_name, policy_name))["id"]))


def group_delete(resource_group_name: str, policy_name: str, name: str) -> None:
    """Delete an Azure Firewall policy rule collection group."""
    with command_transaction() as tx:
        pol.delete_group(tx, _group_id(resource_group_name, policy_name, name))


def _usage(message: str) -> AzCliError:
    return AzCliError("RequiredArgumentMissingError", f"usage error: {message}", 2)


def _filter_rule(rule_type: str, a: dict[str, Any]) -> dict[str, Any]:
    """One rule of a filter collection in ARM's shape (``ruleType`` NetworkRule or ApplicationRule)."""
    base = {"ruleType": rule_type, "name": a["rule_name"], "description": a["description"],
            "sourceAddresses": a["source_addresses"] or [], "sourceIpGroups": []}
    if rule_type == "NetworkRule":
        if not a["ip_protocols"] or not a["destination_ports"]:
            raise _usage("--ip-protocols and --destination-ports are required for a NetworkRule")
        if not a["destination_addresses"] and not a["destination_fqdns"]:
            raise _usage("--destination-addresses | --destination-fqdns is required for a NetworkRule")
        return {**base, "ipProtocols": a["ip_protocols"], "destinationAddresses": a["destination_addresses"] or [],
                "destinationPorts": a["destination_ports"], "destinationFqdns": a["destination_fqdns"] or [],
                "destinationIpGroups": []}
    if rule_type == "ApplicationRule":
        if bool(a["target_fqdns"]) == bool(a["fqdn_tags"]):
            raise _usage("specify either --target-fqdns or --fqdn-tags for an ApplicationRule, not both")
        if not a["protocols"]:
            raise _usage("--protocols is required for an ApplicationRule")
        return {**base, "protocols": app_protocols(a["protocols"], "Http", "Https"),
                "targetFqdns": a["target_fqdns"] or [], "fqdnTags": a["fqdn_tags"] or [], "targetUrls": [],
                "terminateTLS": False, "webCategories": [], "destinationAddresses": []}
    raise AzCliError("InvalidArgumentValueError",
                     "usage error: --rule-type NatRule belongs in add-nat-collection, not add-filter-collection", 2)


def add_filter_collection(resource_group_name: str, policy_name: str, rule_collection_group_name: str, name: str,
                          collection_priority: int, action: str, rule_name: str | None = None,
                          rule_type: str | None = None, description: str | None = None,
                          source_addresses: list[str] | None = None, destination_addresses: list[str] | None = None,
                          destination_ports: list[str] | None = None, ip_protocols: list[str] | None = None,
                          destination_fqdns: list[str] | None = None, target_fqdns: list[str] | None = None,
                          fqdn_tags: list[str] | None = None, protocols: list[str] | None = None) -> Any:
    """Add a filter collection (Allow or Deny; network or application rules) to a rule collection group."""
    rules = []
    if rule_name:
        if not rule_type:
            raise _usage("--rule-type is required with --rule-name")
        rules.append(_filter_rule(rule_type, dict(locals())))
    coll = {"ruleCollectionType": pol.FILTER_COLLECTION, "name": name, "priority": collection_priority,
            "action": {"type": action}, "rules": rules}
    with command_transaction() as tx:
        return az_view(pol.add_collection(tx, _group_id(resource_group_name, policy_name, rule_collection_group_name),
                                          coll))


def add_nat_collection(resource_group_name: str, policy_name: str, rule_collection_group_name: str, name: str,
                       collection_priority: int, action: str, rule_name: str | None = None,
                       description: str | None = None, source_addresses: list[str] | None = None,
                       destination_addresses: list[str] | None = None, destination_ports: list[str] | None = None,
                       ip_protocols: list[str] | None = None, translated_address: str | None = None,
                       translated_port: str | None = None, translated_fqdn: str | None = None) -> Any:
    """Add a NAT collection (DNAT) with one NAT rule to a rule collection group."""
    rules = []
    if rule_name:
        if not (ip_protocols and destination_addresses and destination_ports and translated_port):
            raise _usage("--ip-protocols, --destination-addresses, --destination-ports and --translated-port are "
                         "required for a NatRule")
        if not translated_address and not translated_fqdn:
            raise _usage("--translated-address | --translated-fqdn is required for a NatRule")
        rules.append({"ruleType": "NatRule", "name": rule_name, "description": description,
                      "ipProtocols": ip_protocols, "sourceAddresses": source_addresses or ["*"],
                      "destinationAddresses": destination_addresses, "destinationPorts": destination_ports,
                      "translatedAddress": translated_address, "translatedPort": translated_port,
                      "translatedFqdn": translated_fqdn, "sourceIpGroups": []})
    coll = {"ruleCollectionType": pol.NAT_COLLECTION, "name": name, "priority": collection_priority,
            "action": {"type": "Dnat" if action.upper() == "DNAT" else "Snat"}, "rules": rules}
    with command_transaction() as tx:
        return az_view(pol.add_collection(tx, _group_id(resource_group_name, policy_name, rule_collection_group_name),
                                          coll))


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "network firewall policy", _MOD) as g:
        g.command("create", "policy_create")
        g.command("show", "policy_show")
        g.command("list", "policy_list")
        g.command("delete", "policy_delete")
    with CommandGroup(loader, "network firewall policy rule-collection-group", _MOD) as g:
        g.command("create", "group_create")
        g.command("show", "group_show")
        g.command("list", "group_list")
        g.command("delete", "group_delete")
    with CommandGroup(loader, "network firewall policy rule-collection-group collection", _MOD) as g:
        g.command("add-filter-collection", "add_filter_collection")
        g.command("add-nat-collection", "add_nat_collection")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "network firewall policy") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="The name of the Firewall Policy.")
        c.argument("location", options_list=["--location", "-l"], help="Location. Defaults to the group's.")
        c.argument("tags", options_list=["--tags"], nargs="*", help="Space-separated tags: key[=value].")
        c.argument("ids", options_list=["--ids"], nargs="+", help="One or more resource IDs (space-delimited).")
        c.argument("sku", options_list=["--sku"], **enum_arg(POLICY_SKU_TIERS), help="SKU of Firewall policy.")
        c.argument("threat_intel_mode", options_list=["--threat-intel-mode"], **enum_arg(THREAT_INTEL_MODES),
                   help="The operation mode for Threat Intelligence.")
        c.argument("enable_dns_proxy", options_list=["--enable-dns-proxy"], nargs="?", const="true",
                   help="Enable DNS Proxy. Allowed values: false, true.")
        c.argument("dns_servers", options_list=["--dns-servers"], nargs="+",
                   help="Space-separated list of DNS server IP addresses.")
        c.argument("base_policy", options_list=["--base-policy"],
                   help="The name or ID of parent firewall policy from which rules are inherited.")
        c.argument("policy_name", options_list=["--policy-name"], help="The name of the Firewall Policy.")
        c.argument("priority", options_list=["--priority"], type=int,
                   help="Priority of the Firewall Policy Rule Collection Group.")
    with ArgumentsContext(loader, "network firewall policy rule-collection-group") as c:
        c.argument("name", options_list=["--name", "-n"],
                   help="The name of the Firewall Policy Rule Collection Group.")
    with ArgumentsContext(loader, "network firewall policy rule-collection-group collection") as c:
        c.argument("name", options_list=["--name", "-n"],
                   help="The name of the collection in Firewall Policy Rule Collection Group.")
        c.argument("rule_collection_group_name", options_list=["--rule-collection-group-name"],
                   help="The name of the Firewall Policy Rule Collection Group.")
        c.argument("collection_priority", options_list=["--collection-priority"], type=int,
                   help="The priority of the rule in Firewall Policy Rule Collection Group.")
        c.argument("rule_name", options_list=["--rule-name"], help="The name of rule.")
        c.argument("rule_type", options_list=["--rule-type"], **enum_arg(POLICY_RULE_TYPES),
                   help="The type of rule.")
        c.argument("description", options_list=["--description"], help="The description of rule.")
        c.argument("source_addresses", options_list=["--source-addresses"], nargs="+",
                   help="Space-separated list of source IP addresses.")
        c.argument("destination_addresses", options_list=["--destination-addresses"], nargs="+",
                   help="Space-separated list of destination IP addresses (or service tags).")
        c.argument("destination_ports", options_list=["--destination-ports"], nargs="+",
                   help="Space-separated list of destination ports. This argument is supported for Nat and Network "
                        "Rule.")
        c.argument("ip_protocols", options_list=["--ip-protocols"], nargs="+", **enum_arg(POLICY_IP_PROTOCOLS),
                   help="Space-separated list of IP protocols. This argument is supported for Nat and Network Rule.")
        c.argument("destination_fqdns", options_list=["--destination-fqdns"], nargs="+",
                   help="Space-separated list of destination FQDNs (Network Rule).")
        c.argument("target_fqdns", options_list=["--target-fqdns"], nargs="+",
                   help="Space-separated list of FQDNs for this rule.")
        c.argument("fqdn_tags", options_list=["--fqdn-tags"], nargs="+",
                   help="Space-separated list of FQDN tags for this rule.")
        c.argument("protocols", options_list=["--protocols"], nargs="+",
                   help="Space-separated list of protocols and port numbers to use, in PROTOCOL=PORT format. Valid "
                        "protocols are Http, Https.")
        c.argument("translated_address", options_list=["--translated-address"],
                   help="Translated address for this NAT rule collection.")
        c.argument("translated_port", options_list=["--translated-port"],
                   help="Translated port for this NAT rule collection.")
        c.argument("translated_fqdn", options_list=["--translated-fqdn"],
                   help="Translated FQDN for this NAT rule collection.")
    with ArgumentsContext(loader, "network firewall policy rule-collection-group collection "
                                  "add-filter-collection") as c:
        c.argument("action", options_list=["--action"], **enum_arg(POLICY_FILTER_ACTIONS),
                   help="The action type of a rule collection.")
    with ArgumentsContext(loader, "network firewall policy rule-collection-group collection add-nat-collection") as c:
        c.argument("action", options_list=["--action"], **enum_arg(POLICY_NAT_ACTIONS),
                   help="The action type of a rule collection.")
