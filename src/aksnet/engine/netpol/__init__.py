"""NetworkPolicy engine: networking.k8s.io/v1 semantics with per-engine profiles (upstream, azure = NPM,
calico, cilium, none).

Public API (other layers call only these):

* ``policy_verdict(cluster, src, dst, port, protocol="TCP", engine=None) -> PolicyVerdict`` — one flow.
  ``src``/``dst`` are a :class:`aksnet.model.k8s.Pod` or an IP string. ``PolicyVerdict`` has
  ``allowed``, ``enforced``, ``egress``/``ingress`` (``DirectionVerdict``: ``allowed``, ``isolated``,
  ``selecting`` policies, ``allowing`` rules as ``RuleRef`` (``ns/name ingress rule #0``), ``reason``),
  ``deciding`` (one line) and ``to_json()``.
* ``pair_conns(cluster, src, dst, engine=None) -> ConnSet`` — every allowed (protocol, port).
* ``get_profile(name) -> EngineProfile`` — the engine switches (e.g. ``lb_ingress_enforced``).
* ``connectivity(cluster, engine=None, ...) -> ClassMatrix`` — all pairs via equivalence classes.

Engine modules never read files or print; they take model objects only.
"""

from aksnet.engine.netpol.conns import ALL, NONE, ConnSet, conns
from aksnet.engine.netpol.evaluate import (
    DirectionVerdict,
    PolicyVerdict,
    RuleRef,
    pair_conns,
    policy_verdict,
)
from aksnet.engine.netpol.peers import Endpoint, PolicyPeer, resolve
from aksnet.engine.netpol.profiles import ENGINES, PROFILES, EngineProfile, get_profile

__all__ = [
    "ALL",
    "ENGINES",
    "NONE",
    "PROFILES",
    "ConnSet",
    "DirectionVerdict",
    "Endpoint",
    "EngineProfile",
    "PolicyPeer",
    "PolicyVerdict",
    "RuleRef",
    "conns",
    "get_profile",
    "pair_conns",
    "policy_verdict",
    "resolve",
]
