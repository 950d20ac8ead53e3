"""Resource arguments as kubectl takes them: ``TYPE NAME…``, ``TYPE/NAME…``, ``TYPE1,TYPE2``, ``all``.
Unknown types fail like kubectl (``error: the server doesn't have a resource type "foo"``)."""

from __future__ import annotations

from aksnet.errors import KubeError
from aksnet.twin.kube import schema
from aksnet.twin.kube.schema import Registry, ResourceType
from aksnet.twin.kube.selectors import Matcher, SelectorError, parse_label_selector

ALL = ("Pod", "Service", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "Job", "CronJob")


def resource_type(name: str, types: Registry = schema.BUILTIN) -> ResourceType:
    """The type ``name`` names among ``types`` (a session's ``api.types`` also knows its cluster's CRDs)."""
    rt = types.lookup_resource(name)
    if rt is None:
        raise KubeError(f'error: the server doesn\'t have a resource type "{name}"')
    return rt


def parse_targets(args: list[str], types: Registry = schema.BUILTIN) -> list[tuple[ResourceType, list[str]]]:
    """[(type, names)]; an empty name list means every object of the type."""
    if not args:
        return []
    if any("/" in a for a in args):
        out: list[tuple[ResourceType, list[str]]] = []
        for a in args:
            if "/" not in a:
                raise KubeError("error: there is no need to specify a resource type as a separate argument when "
                                "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
                                "instead of 'kubectl get resource resource/<resource_name>'")
            t, _, n = a.partition("/")
            out.append((resource_type(t, types), [n]))
        return out
    found: list[ResourceType] = []
    for t in args[0].split(","):
        if t == "all":
            found.extend(schema.BY_KIND[k] for k in ALL)
        elif t:
            found.append(resource_type(t, types))
    names = args[1:]
    if names and len(found) > 1:
        raise KubeError("error: arguments in resource/name form must have a single resource and name")
    return [(rt, list(names)) for rt in found]


def label_matcher(text: str | None, rt: ResourceType, field_selector: str = "") -> Matcher | None:
    """``-l TEXT`` for a list of ``rt``: the selector goes to the API server, which rejects a malformed one
    with a 400 naming the resource (``Unable to find {"" "v1" "pods"} that match label selector …``)."""
    if not text:
        return None
    try:
        return parse_label_selector(text)
    except SelectorError as exc:
        raise exc.for_resource(rt.group, rt.version, rt.plural, text, field_selector) from None
