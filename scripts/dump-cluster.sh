#!/usr/bin/env bash
# Dump a real AKS cluster for `aksnet import DIR`: read-only az and kubectl commands, one output file each.
# Usage: scripts/dump-cluster.sh RESOURCE_GROUP CLUSTER [DIR] [KUBE_CONTEXT]
# Needs az (logged in, the cluster's subscription selected) and kubectl with the cluster's credentials
# (az aks get-credentials). Secrets are not dumped. File names are free: aksnet recognises each file by content.
set -euo pipefail
rg="${1:?usage: dump-cluster.sh RESOURCE_GROUP CLUSTER [DIR] [KUBE_CONTEXT]}"
name="${2:?usage: dump-cluster.sh RESOURCE_GROUP CLUSTER [DIR] [KUBE_CONTEXT]}"
dir="${3:-aks-dump-$name}"
ctx=()
[ -n "${4:-}" ] && ctx=(--context "$4")
mkdir -p "$dir"
cd "$dir"

az aks show -g "$rg" -n "$name" -o json > aks-show.json
node_rg=$(az aks show -g "$rg" -n "$name" --query nodeResourceGroup -o tsv)
# The VNets of the node pools' subnets (BYO VNet: the user's group; managed VNet: the node resource group).
for vnet_rg in $(az aks show -g "$rg" -n "$name" --query "agentPoolProfiles[].vnetSubnetId" -o tsv \
                   | awk -F/ 'NF > 4 {print $5}' | sort -u) "$node_rg"; do
  az network vnet list -g "$vnet_rg" -o json > "vnets-$vnet_rg.json"
  az network nsg list -g "$vnet_rg" -o json > "nsgs-$vnet_rg.json"
  az network route-table list -g "$vnet_rg" -o json > "route-tables-$vnet_rg.json"
  az network nic list -g "$vnet_rg" -o json > "nics-$vnet_rg.json"
  az vm list -d -g "$vnet_rg" -o json > "vms-$vnet_rg.json"
  az network public-ip list -g "$vnet_rg" -o json > "public-ips-$vnet_rg.json"
done
az network nsg list -g "$rg" -o json > "nsgs-$rg.json"
az network route-table list -g "$rg" -o json > "route-tables-$rg.json"
az network lb list -g "$node_rg" -o json > lbs.json          # kubernetes and kubernetes-internal
az vmss list -g "$node_rg" -o json > vmss.json
for vmss in $(az vmss list -g "$node_rg" --query "[].name" -o tsv); do
  az vmss nic list -g "$node_rg" --vmss-name "$vmss" -o json > "vmss-nics-$vmss.json"
done
az network private-endpoint list -g "$node_rg" -o json > private-endpoints.json
az network private-dns zone list -g "$node_rg" -o json > private-dns-zones.json
for zone in $(az network private-dns zone list -g "$node_rg" --query "[].name" -o tsv); do
  az network private-dns link vnet list -g "$node_rg" -z "$zone" -o json > "private-dns-links-$zone.json"
  az network private-dns record-set a list -g "$node_rg" -z "$zone" -o json > "private-dns-a-$zone.json"
done

k() { kubectl "${ctx[@]}" "$@"; }
k get nodes -o json > nodes.json
k get namespaces -o json > namespaces.json
k get pods -A -o json > pods.json
k get services -A -o json > services.json
k get endpointslices -A -o json > endpointslices.json
k get deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs -A -o json > workloads.json
k get networkpolicies -A -o json > networkpolicies.json
k get ingresses -A -o json > ingresses.json
k get ingressclasses -o json > ingressclasses.json
k get configmaps -A -l app.kubernetes.io/name=ingress-nginx -o json > ingress-nginx-configmaps.json
# Policy kinds of other engines, when their CRDs are installed (an absent kind is skipped).
for kind in adminnetworkpolicies.policy.networking.k8s.io baselineadminnetworkpolicies.policy.networking.k8s.io \
            ciliumnetworkpolicies.cilium.io ciliumclusterwidenetworkpolicies.cilium.io \
            networkpolicies.crd.projectcalico.org globalnetworkpolicies.crd.projectcalico.org tiers.crd.projectcalico.org; do
  k get "$kind" -A -o json > "policies-$kind.json" 2>/dev/null || rm -f "policies-$kind.json"
done
echo "dumped $rg/$name into $PWD; next: aksnet import $PWD"
