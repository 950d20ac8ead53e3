"""The functions the AKS resource provider and the cloud-provider reconciler call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aksnet.errors import AzureError
from aksnet.store import Transaction, Workspace
from aksnet.twin import network as net
from aksnet.twin import resources, subnet_ipam


@pytest.fixture
def tx(tmp_path: Path) -> Iterator[Transaction]:
    ws = Workspace.open(tmp_path / "ws")
    with ws.transaction() as t:
        resources.create_group(t, "rg", "eastus")
        net.create_vnet(t, "rg", "vnet", ["10.240.0.0/16"], subnet_name="nodes", subnet_prefixes=["10.240.0.0/24"])
        yield t
    ws.close()


SUBNET = net.subnet_id("rg", "vnet", "nodes")


def test_find_subnet_and_get_by_id(tx: Transaction) -> None:
    assert net.find_subnet(tx, "RG", "VNET", "Nodes")["id"] == SUBNET
    assert net.get_subnet(tx, SUBNET.upper().replace("SUBSCRIPTIONS", "subscriptions"))["name"] == "nodes"


def test_nic_with_secondaries_for_azure_cni(tx: Transaction) -> None:
    resources.create_group(tx, "MC_rg_aks_eastus", "eastus")
    vmss_nic = ("/subscriptions/00000000-0000-4000-8000-00000000a5e7/resourceGroups/MC_rg_aks_eastus/providers/"
                "Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-12345678-vmss/virtualMachines/0/"
                "networkInterfaces/aks-nodepool1-12345678-vmss")
    nic = net.create_nic(tx, "MC_rg_aks_eastus", "ignored", SUBNET, secondary_ip_count=30, nic_id=vmss_nic)
    assert nic["id"] == vmss_nic
    ips = net.private_ips(nic)
    assert ips[0] == "10.240.0.4" and len(ips) == 31 and ips[-1] == "10.240.0.34"
    assert [c["name"] for c in nic["properties"]["ipConfigurations"]][:2] == ["ipconfig1", "ipconfig2"]
    assert subnet_ipam.used_count(tx, SUBNET) == 31
    assert net.list_nics(tx, "MC_rg_aks_eastus")[0]["id"] == vmss_nic
    assert net.delete_nic(tx, vmss_nic)
    assert subnet_ipam.used_count(tx, SUBNET) == 0
    assert "ipConfigurations" not in net.get_subnet(tx, SUBNET)["properties"]


def test_internal_lb_frontend_takes_subnet_address(tx: Transaction) -> None:
    net.create_nic(tx, "rg", "n1", SUBNET)
    lb_id = net.load_balancer_id("rg", "kubernetes-internal")
    doc = net.put_load_balancer(tx, {"id": lb_id, "properties": {"frontendIPConfigurations": [
        {"name": "a1", "properties": {"subnet": {"id": SUBNET}}}]}})
    fe = doc["properties"]["frontendIPConfigurations"][0]
    assert fe["properties"]["privateIPAddress"] == "10.240.0.5"
    assert fe["id"] == f"{lb_id}/frontendIPConfigurations/a1"
    # an update keeps the address; a removed frontend gives it back
    doc = net.put_load_balancer(tx, doc)
    assert doc["properties"]["frontendIPConfigurations"][0]["properties"]["privateIPAddress"] == "10.240.0.5"
    doc["properties"]["frontendIPConfigurations"] = []
    net.put_load_balancer(tx, doc)
    assert subnet_ipam.used_count(tx, SUBNET) == 1


def test_public_lb_frontend_marks_public_ip_in_use(tx: Transaction) -> None:
    pip = net.create_public_ip(tx, "rg", "kubernetes-a1", dns_label="myapp", tags={"k8s-azure-service": "ns/web"})
    assert pip["properties"]["dnsSettings"]["fqdn"] == "myapp.eastus.cloudapp.azure.com"
    lb_id = net.load_balancer_id("rg", "kubernetes")
    net.put_load_balancer(tx, {"id": lb_id, "properties": {"frontendIPConfigurations": [
        {"name": "a1", "properties": {"publicIPAddress": {"id": pip["id"]}}}]}})
    with pytest.raises(AzureError) as err:
        net.delete_public_ip(tx, pip["id"])
    assert err.value.code == "PublicIPAddressCannotBeDeleted"
    net.delete_load_balancer(tx, lb_id)
    assert net.delete_public_ip(tx, pip["id"])
    # the freed address is handed out again
    assert net.create_public_ip(tx, "rg", "again")["properties"]["ipAddress"] == pip["properties"]["ipAddress"]


def test_dns_label_unique_per_region(tx: Transaction) -> None:
    net.create_public_ip(tx, "rg", "a", dns_label="shared")
    with pytest.raises(AzureError) as err:
        net.create_public_ip(tx, "rg", "b", dns_label="shared")
    assert str(err.value.render()) == ("(DnsRecordInUse) DNS record shared.eastus.cloudapp.azure.com is already used "
                                       "by another public IP.")


def test_security_rules_by_nsg_id(tx: Transaction) -> None:
    nsg = net.create_nsg(tx, "rg", "aks-agentpool-12345678-nsg")
    net.upsert_security_rule(tx, nsg["id"], "k8s-azure-lb_allow_IPv4_abc", priority=500, protocol="Tcp",
                             source_address_prefixes=["Internet"], destination_address_prefixes=["20.81.0.1"],
                             destination_port_ranges=["80", "443"])
    rule = net.get_security_rule(tx, nsg["id"], "k8s-azure-lb_allow_IPv4_abc")["properties"]
    assert rule["destinationPortRanges"] == ["80", "443"] and rule["sourceAddressPrefix"] == "Internet"
    assert net.delete_security_rule(tx, nsg["id"], "k8s-azure-lb_allow_IPv4_abc")
    assert not net.delete_security_rule(tx, nsg["id"], "k8s-azure-lb_allow_IPv4_abc")


def test_routes_by_route_table_id(tx: Transaction) -> None:
    rt = net.create_route_table(tx, "rg", "aks-agentpool-12345678-routetable")
    net.associate_subnet(tx, SUBNET, route_table_id=rt["id"])
    net.upsert_route(tx, rt["id"], "aks-nodepool1-vmss000000", "10.244.0.0/24", "VirtualAppliance", "10.240.0.4")
    assert net.get_route_table(tx, rt["id"])["properties"]["subnets"] == [{"id": SUBNET}]
    assert net.delete_route(tx, rt["id"], "aks-nodepool1-vmss000000")
    net.associate_subnet(tx, SUBNET, route_table_id=None)
    assert "routeTable" not in net.get_subnet(tx, SUBNET)["properties"]


def test_nat_gateway_association(tx: Transaction) -> None:
    pip = net.create_public_ip(tx, "rg", "natip")
    nat = net.create_nat_gateway(tx, "rg", "natgw", public_ip_ids=[pip["id"]])
    net.associate_subnet(tx, SUBNET, nat_gateway_id=nat["id"])
    with pytest.raises(AzureError) as err:
        net.delete_nat_gateway(tx, nat["id"])
    assert err.value.code == "InUseNatGatewayCannotBeDeleted"


def test_node_resource_group_delete_is_refused(tx: Transaction) -> None:
    cluster = ("/subscriptions/00000000-0000-4000-8000-00000000a5e7/resourceGroups/rg/providers/"
               "Microsoft.ContainerService/managedClusters/aks")
    tx.put("microsoft.containerservice/managedclusters", cluster, {"id": cluster, "name": "aks"})
    tx.put("k8s:core/Namespace", "default", {"metadata": {"name": "default"}}, cluster.lower())
    resources.create_group(tx, "MC_rg_aks_eastus", "eastus", managed_by=cluster)
    net.create_nic(tx, "MC_rg_aks_eastus", "node0", SUBNET)
    with pytest.raises(AzureError) as err:
        resources.delete_group(tx, "MC_rg_aks_eastus")
    assert err.value.code == "DenyAssignmentAuthorizationFailed"
    # deleting the cluster's group takes the node group, its NICs' addresses and the cluster's objects along
    assert len(resources.delete_group(tx, "rg")) == 2
    assert tx.dump() == []
