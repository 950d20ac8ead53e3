"""Parsing at the edge: manifests, ARM JSON, scenario directories → model. The only place raw dicts live."""
