"""The emulated AKS resource provider (``Microsoft.ContainerService/managedClusters``).

``az aks create`` in Azure is a PUT to the AKS resource provider, which then builds Azure resources in the
node resource group (VNet, NSG, route table, VMSS, load balancer, public IPs, private endpoint) and the
nodes register with the API server. This package does the same against the workspace:

- :mod:`.validation_cli` / :mod:`.validation_rp`: every client-side (az) and server-side (RP) rule, with its
  code and message (learn.microsoft.com/cli/azure/aks#az-aks-create;
  learn.microsoft.com/azure/aks/concepts-network-ip-address-planning).
- :mod:`.defaults`, :mod:`.names`: defaults per plugin, deterministic names (the 8 digits, hashes, FQDNs).
- :mod:`.capacity`: pure IP math, shared with ``aksnet plan``.
- :mod:`.infrastructure`, :mod:`.vmss`, :mod:`.nodes`,
:mod:`.routes`: what AKS builds (learn.microsoft.com/azure/aks/faq).
- :mod:`.create`, :mod:`.update`, :mod:`.scale`, :mod:`.nodepool`, :mod:`.delete`, :mod:`.credentials`:
  the operations behind the az commands.

Nothing here prints or exits; errors are :class:`aksnet.errors.AzureError` (RP) or
:class:`aksnet.errors.AzCliError` (az's client-side checks). Warnings go back to the caller as strings.
"""
