"""The real data plane: a pure plan (twin → namespaces, links, routes, nft JSON, nginx.conf), its apply,
probes and cleanup. Everything created is named aksnet…, recorded before it is made, removed by down."""
