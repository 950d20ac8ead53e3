"""Application Gateway for Containers as the analyses see it: a traffic controller with its frontends (FQDN and
the public address it resolves to) and its associations (the delegated subnet and the address its proxies use
there). Stdlib only; no semantics.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AlbFrontend:
    id: str
    name: str
    fqdn: str
    ip: str  # the public address the FQDN resolves to (Azure-hosted, outside every VNet)


@dataclass(frozen=True, slots=True)
class AlbAssociation:
    id: str
    name: str
    subnet_id: str
    proxy_ip: str  # the source address of AGC's connections to the backends (the subnet's first usable one)


@dataclass(frozen=True, slots=True)
class TrafficController:
    id: str
    name: str
    resource_group: str
    location: str
    frontends: tuple[AlbFrontend, ...] = ()
    associations: tuple[AlbAssociation, ...] = ()
