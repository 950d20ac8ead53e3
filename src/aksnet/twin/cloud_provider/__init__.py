"""cloud-provider-azure as AKS runs it: the service controller's load balancer reconciliation (load
balancers ``kubernetes`` / ``kubernetes-internal``, frontends, rules, probes, public IPs, NSG rules) for
Services of type LoadBalancer. Entry point: :func:`aksnet.twin.cloud_provider.reconciler.reconcile`."""
