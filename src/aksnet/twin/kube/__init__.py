"""The Kubernetes side of the twin: the API server's defaulting and validation, and the controllers
(workloads, scheduler, pod IPAM, endpoints, services, cloud-provider-azure, DNS records)."""
