"""Semantics over the model: NSG, routing, load balancer, kube-proxy, NetworkPolicy, ingress, SNAT, the walk.
Pure functions of model objects; no workspace, no files, no kernel."""
