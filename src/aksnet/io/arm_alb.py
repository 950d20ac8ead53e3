"""ARM JSON of Application Gateway for Containers (``Microsoft.ServiceNetworking/trafficControllers``, its
``frontends`` and ``associations``) → :class:`aksnet.model.alb.TrafficController`, plus one NIC per association for
the proxies' address in the delegated subnet (so routes, NSGs and NetworkPolicies judge AGC's connections to pods
from there). Decides nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aksnet.io.arm_ids import parse_resource_id
from aksnet.model.alb import AlbAssociation, AlbFrontend, TrafficController
from aksnet.model.azure import NetworkInterface, NicIPConfiguration
from aksnet.model.ids import IdKey, id_key
from aksnet.rules import alb

KINDS = (alb.KIND_TRAFFIC_CONTROLLER, alb.KIND_FRONTEND, alb.KIND_ASSOCIATION)


def _props(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    p = doc.get("properties")
    return p if isinstance(p, Mapping) else {}


def traffic_controllers(docs: Mapping[str, Sequence[Mapping[str, Any]]],
                        subnet_prefixes: Mapping[IdKey, str]) -> tuple[TrafficController, ...]:
    """Every traffic controller with its frontends and the associations whose subnet is known."""
    frontends = {id_key(str(d.get("id", ""))): d for d in docs.get(alb.KIND_FRONTEND, ())}
    associations = {id_key(str(d.get("id", ""))): d for d in docs.get(alb.KIND_ASSOCIATION, ())}
    out = []
    for d in docs.get(alb.KIND_TRAFFIC_CONTROLLER, ()):
        props = _props(d)
        fes = []
        for r in props.get("frontends") or ():
            fe = frontends.get(id_key(str(r.get("id", ""))))
            if fe is not None:
                fqdn = str(_props(fe).get("fqdn", ""))
                fes.append(AlbFrontend(str(fe["id"]), str(fe.get("name", "")), fqdn, alb.frontend_address(fqdn)))
        assocs = []
        for r in props.get("associations") or ():
            a = associations.get(id_key(str(r.get("id", ""))))
            sid = str((_props(a).get("subnet") or {}).get("id", "")) if a is not None else ""
            prefix = subnet_prefixes.get(id_key(sid))
            if a is not None and prefix:
                assocs.append(AlbAssociation(str(a["id"]), str(a.get("name", "")), sid, alb.proxy_address(prefix)))
        parsed = parse_resource_id(str(d.get("id", "")))
        out.append(TrafficController(str(d.get("id", "")), str(d.get("name", "")),
                                     parsed.resource_group if parsed else "", str(d.get("location", "")),
                                     tuple(fes), tuple(assocs)))
    return tuple(out)


def proxy_nics(controllers: Sequence[TrafficController]) -> tuple[NetworkInterface, ...]:
    """One NIC per association: AGC's proxies in the delegated subnet (no NSG of their own)."""
    return tuple(NetworkInterface(f"{a.id}/proxy", f"{tc.name}/{a.name}", tc.resource_group,
                                  (NicIPConfiguration("proxy", a.proxy_ip, a.subnet_id),), owner_id=tc.id)
                 for tc in controllers for a in tc.associations)
