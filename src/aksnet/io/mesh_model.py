"""Istio's security objects (PeerAuthentication, AuthorizationPolicy) and the cluster's Envoy proxies, decoded
from their wire documents into ``aksnet.model.mesh``. Decides no semantics: a field of the wrong type is read as
absent (the API server's schema for these kinds keeps ``spec`` as it is, docs/fidelity.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aksnet.model import mesh
from aksnet.rules import istio

Doc = Mapping[str, Any]


def _meta(doc: Doc) -> Mapping[str, Any]:
    m = doc.get("metadata")
    return m if isinstance(m, Mapping) else {}


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _strings(value: Any) -> tuple[str, ...] | None:
    """A list of strings (None when the field is absent or not a list)."""
    if not isinstance(value, list):
        return None
    return tuple(str(v) for v in value)


def _selector(spec: Mapping[str, Any]) -> tuple[tuple[str, str], ...] | None:
    sel = spec.get("selector")
    if not isinstance(sel, Mapping):
        return None
    return tuple(sorted((str(k), str(v)) for k, v in _map(sel.get("matchLabels")).items()))


def peer_authentication(doc: Doc, index: int = 0) -> mesh.PeerAuthentication:
    m, spec = _meta(doc), _map(doc.get("spec"))
    ports = tuple(sorted((int(p), str(_map(v).get("mode") or mesh.UNSET).upper())
                         for p, v in _map(spec.get("portLevelMtls")).items() if str(p).isdigit()))
    return mesh.PeerAuthentication(
        namespace=str(m.get("namespace") or "default"), name=str(m.get("name") or ""), selector=_selector(spec),
        mode=str(_map(spec.get("mtls")).get("mode") or mesh.UNSET).upper(), port_modes=ports, creation_index=index)


def _source(doc: Any) -> mesh.Source:
    s = _map(_map(doc).get("source"))
    return mesh.Source(
        principals=_strings(s.get("principals")), not_principals=_strings(s.get("notPrincipals")),
        request_principals=_strings(s.get("requestPrincipals")),
        not_request_principals=_strings(s.get("notRequestPrincipals")),
        namespaces=_strings(s.get("namespaces")), not_namespaces=_strings(s.get("notNamespaces")),
        ip_blocks=_strings(s.get("ipBlocks")), not_ip_blocks=_strings(s.get("notIpBlocks")),
        remote_ip_blocks=_strings(s.get("remoteIpBlocks")), not_remote_ip_blocks=_strings(s.get("notRemoteIpBlocks")))


def _operation(doc: Any) -> mesh.Operation:
    o = _map(_map(doc).get("operation"))
    return mesh.Operation(
        hosts=_strings(o.get("hosts")), not_hosts=_strings(o.get("notHosts")), ports=_strings(o.get("ports")),
        not_ports=_strings(o.get("notPorts")), methods=_strings(o.get("methods")),
        not_methods=_strings(o.get("notMethods")), paths=_strings(o.get("paths")),
        not_paths=_strings(o.get("notPaths")))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _rule(doc: Any) -> mesh.Rule:
    r = _map(doc)
    return mesh.Rule(
        sources=tuple(_source(f) for f in _list(r.get("from"))),
        operations=tuple(_operation(t) for t in _list(r.get("to"))),
        conditions=tuple(mesh.Condition(str(_map(c).get("key") or ""), _strings(_map(c).get("values")),
                                        _strings(_map(c).get("notValues")))
                         for c in _list(r.get("when"))))


def authorization_policy(doc: Doc, index: int = 0) -> mesh.AuthorizationPolicy:
    m, spec = _meta(doc), _map(doc.get("spec"))
    rules = spec.get("rules")
    return mesh.AuthorizationPolicy(
        namespace=str(m.get("namespace") or "default"), name=str(m.get("name") or ""), selector=_selector(spec),
        action=str(spec.get("action") or mesh.ALLOW).upper(),
        rules=tuple(_rule(r) for r in rules) if isinstance(rules, list) else (),
        provider=str(_map(spec.get("provider")).get("name") or ""),
        has_target_refs=bool(spec.get("targetRef") or spec.get("targetRefs")), creation_index=index)


def request_authentication(doc: Doc, index: int = 0) -> mesh.RequestAuthentication:
    m, spec = _meta(doc), _map(doc.get("spec"))
    return mesh.RequestAuthentication(
        namespace=str(m.get("namespace") or "default"), name=str(m.get("name") or ""), selector=_selector(spec),
        issuers=tuple(str(_map(r).get("issuer") or "") for r in _list(spec.get("jwtRules"))),
        has_target_refs=bool(spec.get("targetRef") or spec.get("targetRefs")), creation_index=index)


def sidecar(doc: Doc) -> mesh.Sidecar | None:
    """The pod's Envoy proxy (a container named ``istio-proxy``): an injected sidecar (the injector's
    ``sidecar.istio.io/status`` annotation), else a gateway (``proxy router``: the add-on's ingress gateways and
    the Deployments of Istio's Gateway API automated deployment)."""
    spec = _map(doc.get("spec"))
    containers = _list(spec.get("containers"))
    if not any(_map(c).get("name") == istio.PROXY_CONTAINER for c in containers):
        return None
    m = _meta(doc)
    labels = _map(m.get("labels"))
    proxy = next(_map(c) for c in containers if _map(c).get("name") == istio.PROXY_CONTAINER)
    injected = istio.STATUS_ANNOTATION in _map(m.get("annotations"))  # only the sidecar injector sets it
    return mesh.Sidecar(f"{m.get('namespace') or 'default'}/{m.get('name') or ''}",
                        str(spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"),
                        str(labels.get(istio.REVISION_LABEL) or ""),
                        router="router" in _list(proxy.get("args")) or not injected)


def world(peer_auths: Sequence[Doc], policies: Sequence[Doc], pods: Sequence[Doc],
          mesh_installed: bool, request_authns: Sequence[Doc] = ()) -> mesh.MeshWorld:
    """The cluster's mesh: its policies in creation order and its proxies. Without the add-on (no Istio CRDs and
    no proxies) the root namespace is empty and nothing is in the mesh."""
    proxies = tuple(s for s in (sidecar(d) for d in pods) if s is not None)
    return mesh.MeshWorld(
        root_namespace=istio.ROOT_NAMESPACE if mesh_installed or proxies else "",
        peer_authentications=tuple(peer_authentication(d, i) for i, d in enumerate(peer_auths)),
        authorization_policies=tuple(authorization_policy(d, i) for i, d in enumerate(policies)),
        request_authentications=tuple(request_authentication(d, i) for i, d in enumerate(request_authns)),
        sidecars=proxies)
