"""Gateway API semantics (gateway.networking.k8s.io): listeners and hostnames, route attachment and status
conditions, request matching and filters. Pure functions of ``aksnet.model.gateway``."""
