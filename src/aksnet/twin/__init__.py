"""The twin: the controllers real Azure and Kubernetes run (resource providers, IPAM, scheduler, allocators,
endpoints, DNS records, cloud-provider-azure, kubenet routes, ingress configuration). They read and write
workspace documents (ARM JSON, Kubernetes JSON); they never print, parse command lines or touch the kernel."""
