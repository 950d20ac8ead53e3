"""``az network firewall policy`` and its rule collection groups: what the commands store (ARM's shape, as az
prints it), the firewall that uses the policy, and every rule they enforce (one row each; a failed command
leaves the workspace unchanged)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.azure.helpers import az, ok, snapshot

SUB = "/subscriptions/00000000-0000-4000-8000-00000000a5e7"
NET = f"{SUB}/resourceGroups/rg/providers/Microsoft.Network"
POL = f"{NET}/firewallPolicies/pol"
RCG = f"{POL}/ruleCollectionGroups/aks"

SETUP = [
    "group create -n rg -l eastus",
    "network firewall policy create -g rg -n pol --enable-dns-proxy true --threat-intel-mode Deny",
    "network firewall policy rule-collection-group create -g rg --policy-name pol -n aks --priority 200",
    "network firewall policy rule-collection-group collection add-filter-collection -g rg --policy-name pol "
    "--rule-collection-group-name aks -n aksfwnr --collection-priority 100 --action Allow --rule-name apitcp "
    "--rule-type NetworkRule --source-addresses '*' --destination-addresses AzureCloud.eastus "
    "--destination-ports 9000 --ip-protocols TCP",
]


def setup() -> None:
    for line in SETUP:
        ok(line)


def test_policy_group_and_collections(home: Path) -> None:
    setup()
    pol = ok("network firewall policy show -g rg -n pol")
    assert isinstance(pol, dict)
    assert (pol["sku"], pol["threatIntelMode"], pol["dnsSettings"], [g["id"] for g in pol["ruleCollectionGroups"]]) == (
        {"tier": "Standard"}, "Deny", {"enableProxy": True}, [RCG])
    group = ok("network firewall policy rule-collection-group collection add-filter-collection -g rg "
               "--policy-name pol --rule-collection-group-name aks -n aksfwar --collection-priority 200 "
               "--action Allow --rule-name fqdn --rule-type ApplicationRule --source-addresses '*' "
               "--protocols Http=80 Https=443 --fqdn-tags AzureKubernetesService")
    assert isinstance(group, dict)
    net, app = group["ruleCollections"]
    assert (net["ruleCollectionType"], net["rules"][0]["ipProtocols"], net["rules"][0]["ruleType"]) == (
        "FirewallPolicyFilterRuleCollection", ["TCP"], "NetworkRule")
    assert app["rules"][0]["protocols"] == [{"port": 80, "protocolType": "Http"},
                                            {"port": 443, "protocolType": "Https"}]
    nat = ok("network firewall policy rule-collection-group collection add-nat-collection -g rg --policy-name pol "
             "--rule-collection-group-name aks -n inbound --collection-priority 300 --action DNAT --rule-name web "
             "--ip-protocols TCP --source-addresses '*' --destination-addresses 20.1.2.3 --destination-ports 80 "
             "--translated-address 10.0.0.10 --translated-port 80")
    assert isinstance(nat, dict) and nat["ruleCollections"][2]["action"] == {"type": "Dnat"}
    fw = ok("network firewall create -g rg -n fw --firewall-policy pol")
    assert isinstance(fw, dict) and fw["firewallPolicy"]["id"] == POL
    pol = ok("network firewall policy show -g rg -n pol")
    assert isinstance(pol, dict) and [f["id"] for f in pol["firewalls"]] == [f"{NET}/azureFirewalls/fw"]


CASES = [
    ("group-priority-out-of-range",
     "network firewall policy rule-collection-group create -g rg --policy-name pol -n g2 --priority 70000", 1,
     f"ERROR: (FirewallPolicyRuleCollectionGroupInvalidPriority) Rule collection group {POL}/ruleCollectionGroups/g2 "
     "has invalid priority 70000. The priority must be between 100 and 65000."),
    ("group-priority-taken",
     "network firewall policy rule-collection-group create -g rg --policy-name pol -n g2 --priority 200", 1,
     f"ERROR: (FirewallPolicyRuleCollectionGroupDuplicatePriority) Rule collection group {POL}/ruleCollectionGroups/"
     f"g2 has the same priority 200 as rule collection group {RCG}."),
    ("policy-missing",
     "network firewall policy rule-collection-group create -g rg --policy-name nope -n g2 --priority 300", 3,
     "ERROR: (ResourceNotFound) The Resource 'Microsoft.Network/firewallPolicies/nope' under resource group 'rg' "
     "was not found."),
    ("collection-priority-taken",
     "network firewall policy rule-collection-group collection add-filter-collection -g rg --policy-name pol "
     "--rule-collection-group-name aks -n other --collection-priority 100 --action Deny", 1,
     f"ERROR: (FirewallPolicyRuleCollectionDuplicatePriority) Rule collection other of rule collection group {RCG} "
     "has the same priority 100 as rule collection aksfwnr."),
    ("collection-name-taken",
     "network firewall policy rule-collection-group collection add-filter-collection -g rg --policy-name pol "
     "--rule-collection-group-name aks -n aksfwnr --collection-priority 400 --action Deny", 1,
     "ERROR: (FirewallPolicyRuleCollectionDuplicateName) Rule collection aksfwnr of rule collection group"),
    ("network-rule-needs-ports",
     "network firewall policy rule-collection-group collection add-filter-collection -g rg --policy-name pol "
     "--rule-collection-group-name aks -n c2 --collection-priority 400 --action Allow --rule-name r "
     "--rule-type NetworkRule --source-addresses '*' --destination-addresses '*' --ip-protocols TCP", 2,
     "ERROR: usage error: --ip-protocols and --destination-ports are required for a NetworkRule"),
    ("application-rule-fqdns-or-tags",
     "network firewall policy rule-collection-group collection add-filter-collection -g rg --policy-name pol "
     "--rule-collection-group-name aks -n c2 --collection-priority 400 --action Allow --rule-name r "
     "--rule-type ApplicationRule --source-addresses '*' --protocols Https=443", 2,
     "ERROR: usage error: specify either --target-fqdns or --fqdn-tags for an ApplicationRule, not both"),
    ("policy-application-no-mssql",
     "network firewall policy rule-collection-group collection add-filter-collection -g rg --policy-name pol "
     "--rule-collection-group-name aks -n c2 --collection-priority 400 --action Allow --rule-name r "
     "--rule-type ApplicationRule --source-addresses '*' --protocols Mssql=1433 --target-fqdns a.com", 2,
     "ERROR: usage error: --protocols: 'Mssql=1433' is not PROTOCOL=PORT with PROTOCOL one of Http, Https"),
    ("nat-action-enum",
     "network firewall policy rule-collection-group collection add-nat-collection -g rg --policy-name pol "
     "--rule-collection-group-name aks -n c2 --collection-priority 400 --action Allow", 2,
     "ERROR: az network firewall policy rule-collection-group collection add-nat-collection: 'Allow' is not a valid "
     "value for '--action'. Allowed values: DNAT, SNAT."),
    ("classic-rule-on-policy-firewall",
     "network firewall network-rule create -g rg -f fw -c c1 -n r --protocols TCP --source-addresses '*' "
     "--destination-addresses '*' --destination-ports 80 --priority 100 --action Allow", 1,
     f"ERROR: (AzureFirewallPolicyAndClassicRulesConflict) Azure Firewall {NET}/azureFirewalls/fw is associated "
     "with a Firewall Policy"),
    ("policy-in-use",
     "network firewall policy delete -g rg -n pol", 1,
     f"ERROR: (FirewallPolicyInUse) Firewall Policy {POL} cannot be deleted because it is associated with Azure "
     f"Firewall {NET}/azureFirewalls/fw."),
]


@pytest.mark.parametrize(("line", "code", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_policy_rule(home: Path, line: str, code: int, message: str) -> None:
    setup()
    ok("network firewall create -g rg -n fw --firewall-policy pol")
    before = snapshot(home)
    r = az(line)
    assert r.code == code, (r.code, r.err)
    assert r.err.startswith(message), r.err
    assert snapshot(home) == before, "a failed command must leave the workspace unchanged"


def test_delete_policy_after_firewall(home: Path) -> None:
    setup()
    ok("network firewall create -g rg -n fw --firewall-policy pol")
    ok("network firewall delete -g rg -n fw")
    ok("network firewall policy delete -g rg -n pol")
    assert ok("network firewall policy list -g rg") == []
