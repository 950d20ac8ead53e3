"""``kubectl events``, ``kubectl top`` and ``kubectl logs`` against the twin.

``events`` lists the Events the controllers recorded, as kubectl's events command does (k8s.io/kubectl
pkg/cmd/events: ``--for TYPE/NAME`` filters on involvedObject kind/apiVersion/name, ``--types`` keeps Normal
and/or Warning, sorted by last time seen, ``No events found in <ns> namespace.`` when empty). ``top`` and
``logs`` need what the twin does not have: the twin's API server serves no ``metrics.k8s.io`` (no resource
usage exists), so ``top`` fails as kubectl does when the Metrics API is absent; and no container runs, so
``logs`` checks the pod and container as the API server would and then says plainly that there is no
container output (the real data plane, ``aksnet up``, runs echo agents that ``aksnet curl`` talks to). Must not
invent metrics or log lines.
"""

from __future__ import annotations

import sys
from typing import Any

from aksnet.cli.kubectl import flags, tables
from aksnet.cli.kubectl.resources import resource_type
from aksnet.cli.kubectl.session import open_session
from aksnet.errors import KubeError
from aksnet.twin.kube import schema

Doc = dict[str, Any]
RT_EVENT = schema.BY_KIND["Event"]
RT_POD = schema.BY_KIND["Pod"]

EVENT_VALUES = {"for": ("--for",), "types": ("--types",), "output": ("-o", "--output"),
                "chunk-size": ("--chunk-size",)}
EVENT_BOOLS = {"no-headers": ("--no-headers",), "watch": ("-w", "--watch")}


def _event_time(e: Doc) -> str:
    """eventTime(): series.lastObservedTime, else lastTimestamp, else eventTime."""
    series = e.get("series") or {}
    return str(series.get("lastObservedTime") or e.get("lastTimestamp") or e.get("eventTime") or "")


def run_events(argv: list[str]) -> int:
    """kubectl events [-A] [--for TYPE/NAME] [--types Normal,Warning] [--no-headers]."""
    p = flags.parse(argv, EVENT_VALUES, EVENT_BOOLS, "events")
    if p.args:
        raise KubeError(f'error: unknown command "{p.args[0]}" for "kubectl events"')
    if p.get("output"):
        raise KubeError("error: kubectl events -o is not supported by aksnet; use 'aksnet kubectl get events -o "
                        f"{p.get('output')}'")
    if p.flag("watch"):
        raise KubeError("error: kubectl events --watch is not supported by aksnet: no time passes in the emulated "
                        "cluster, so no further events arrive")
    types = sorted({t for v in p.all("types") for t in v.split(",") if t})
    for t in types:
        if t.lower() not in ("normal", "warning"):
            raise KubeError("error: valid --types are Normal or Warning")
    for_kind = for_version = for_name = None
    target = p.get("for")
    if target:
        if "/" not in target:
            raise KubeError("error: --for must be in resource/name form")
        if target.count("/") > 1:
            raise KubeError("error: arguments in resource/name form may not have more than one slash")
        t, _, for_name = target.partition("/")
        rt = resource_type(t)
        for_kind, for_version = rt.kind, rt.api_version
    with open_session(p, write=False) as s:
        events = [e for e in s.api.list(RT_EVENT, None if s.all_namespaces else s.namespace)
                  if (not types or str(e.get("type", "")).lower() in {t.lower() for t in types})
                  and (for_name is None or (
                      (e.get("involvedObject") or {}).get("kind") == for_kind
                      and (e.get("involvedObject") or {}).get("apiVersion") == for_version
                      and (e.get("involvedObject") or {}).get("name") == for_name))]
        namespace = s.namespace
    if not events:
        print("No events found." if s.all_namespaces else f"No events found in {namespace} namespace.",
              file=sys.stderr)
        return 0
    events.sort(key=_event_time)  # a stable sort: events of one instant keep their recording order
    rows = [] if p.flag("no-headers") else [(["NAMESPACE"] if s.all_namespaces else []) + tables.headers("Event",
                                                                                                        False)]
    for e in events:
        ns = [str((e.get("metadata") or {}).get("namespace", ""))] if s.all_namespaces else []
        rows.append(ns + tables.event_row(e, False))
    sys.stdout.write(tables.tabulate(rows))
    return 0


def run_top(argv: list[str]) -> int:
    """kubectl top node|pod: the twin's API server serves no metrics.k8s.io, so kubectl's own error."""
    p = flags.parse(argv, {"selector": ("-l", "--selector"), "sort-by": ("--sort-by",),
                           "field-selector": ("--field-selector",)},
                    {"containers": ("--containers",), "no-headers": ("--no-headers",),
                     "use-protocol-buffers": ("--use-protocol-buffers",), "show-capacity": ("--show-capacity",),
                     "sum": ("--sum",)}, "top")
    if not p.args:
        raise KubeError("error: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed "
                        "description of that resource (e.g. kubectl explain pods).\nSee 'kubectl top -h' for help "
                        "and examples")
    sub = p.args[0]
    if sub not in ("node", "nodes", "no", "pod", "pods", "po"):
        raise KubeError(f'error: unknown command "{sub}" for "kubectl top"')
    with open_session(p, write=False):
        pass  # the current context must exist; kubectl then finds no metrics.k8s.io in API discovery
    raise KubeError("error: Metrics API not available")


def run_logs(argv: list[str]) -> int:
    """kubectl logs POD [-c CONTAINER]: the pod and container are checked; no container output exists."""
    p = flags.parse(argv, {"container": ("-c", "--container"), "tail": ("--tail",), "since": ("--since",),
                           "since-time": ("--since-time",), "limit-bytes": ("--limit-bytes",),
                           "selector": ("-l", "--selector"), "pod-running-timeout": ("--pod-running-timeout",),
                           "max-log-requests": ("--max-log-requests",)},
                    {"follow": ("-f", "--follow"), "previous": ("-p", "--previous"),
                     "timestamps": ("--timestamps",), "all-containers": ("--all-containers",),
                     "prefix": ("--prefix",), "ignore-errors": ("--ignore-errors",)}, "logs")
    if not p.args and not p.get("selector"):
        raise KubeError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a "
                        "required argument for the logs command\nSee 'kubectl logs -h' for help and examples")
    with open_session(p, write=False) as s:
        pods: list[Doc] = []
        if p.args:
            t, slash, name = p.args[0].rpartition("/")
            rt = resource_type(t) if slash else RT_POD
            if rt.kind == "Pod":
                pods.append(s.api.get(RT_POD, s.namespace, name))
            else:  # a workload: kubectl would pick one of its pods; none of them has output either
                s.api.get(rt, s.namespace if rt.namespaced else None, name)
        else:
            from aksnet.twin.kube.selectors import parse_label_selector

            pods = s.api.list(RT_POD, s.namespace, parse_label_selector(p.get("selector") or ""))
            if not pods:
                print("No resources found in " + s.namespace + " namespace.", file=sys.stderr)
                return 0
        for pod in pods:
            if not _log_source(pod, p.get("container"), p.flag("all-containers")):
                return 0
    raise KubeError("error: aksnet emulates the control plane and the network only: no container runs in the twin, "
                    "so there are no logs to read (aksnet up builds the real data plane, where each pod is an "
                    "echo agent that answers aksnet curl)")


def _log_source(pod: Doc, container: str | None, all_containers: bool) -> bool:
    """The API server's checks of the pods/log subresource (pkg/registry/core/pod: LogLocation) and the kubelet's
    for a container that has not started; False when the API server returns an empty stream (no node yet)."""
    name = pod["metadata"]["name"]
    spec = pod.get("spec") or {}
    names = [str(c.get("name")) for c in spec.get("containers") or []]
    init = [str(c.get("name")) for c in spec.get("initContainers") or []]
    if container and container not in names + init:
        raise KubeError(f"Error from server (BadRequest): container {container} is not valid for pod {name}")
    if not container and not all_containers and len(names) > 1:
        print(f'Defaulted container "{names[0]}" out of: {", ".join(names + init)}', file=sys.stderr)
    chosen = container or (names[0] if names else "")
    if not spec.get("nodeName"):
        return False  # "If pod has not been assigned a host, return an empty location"
    for cs in (pod.get("status") or {}).get("containerStatuses") or []:
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if cs.get("name") == chosen and waiting:
            raise KubeError(f'Error from server (BadRequest): container "{chosen}" in pod "{name}" is waiting to '
                            f'start: {waiting.get("reason", "ContainerCreating")}')
    return True
