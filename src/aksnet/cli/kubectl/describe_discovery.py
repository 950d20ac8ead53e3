"""``kubectl describe`` of EndpointSlice, IngressClass and PodDisruptionBudget in kubectl 1.32's layouts
(k8s.io/kubectl/pkg/describe/describe.go: ``describeEndpointSliceV1``, ``describeIngressClassV1``,
``describePodDisruptionBudgetV1``), written
with tabs and aligned by :func:`aksnet.cli.kubectl.describe_network.render` as kubectl's tabwriter does.
Reads the workspace only for the object's events."""

from __future__ import annotations

from typing import Any

from aksnet.cli.kubectl.describe_network import (
    annotations_text,
    events_text,
    format_label_selector,
    labels_text,
    render,
)
from aksnet.cli.kubectl.session import Session

Doc = dict[str, Any]


def _unset(value: Any) -> str:
    return "<unset>" if value in (None, "") else str(value)


def describe_endpoint_slice(s: Session, sl: Doc) -> str:
    meta = sl["metadata"]
    text = f"Name:\t{meta['name']}\nNamespace:\t{meta.get('namespace', '')}\n"
    text += labels_text("Labels", meta.get("labels")) + annotations_text("Annotations", meta.get("annotations"))
    text += f"AddressType:\t{sl.get('addressType', '')}\n"
    ports = sl.get("ports") or []
    if not ports:
        text += "Ports: <unset>\n"
    else:
        text += "Ports:\n  Name\tPort\tProtocol\n  ----\t----\t--------\n"
        for p in ports:
            text += f"  {_unset(p.get('name'))}\t{_unset(p.get('port'))}\t{p.get('protocol', 'TCP')}\n"
    endpoints = sl.get("endpoints") or []
    if not endpoints:
        text += "Endpoints: <none>\n"
    else:
        text += "Endpoints:\n"
        for ep in endpoints:
            ready = (ep.get("conditions") or {}).get("ready")
            text += f"  - Addresses:\t{', '.join(ep.get('addresses') or []) or '<none>'}\n"
            text += f"    Conditions:\n      Ready:\t{'<unset>' if ready is None else str(bool(ready)).lower()}\n"
            text += f"    Hostname:\t{_unset(ep.get('hostname'))}\n"
            ref = ep.get("targetRef")
            if ref:
                text += f"    TargetRef:\t{ref.get('kind', '')}/{ref.get('name', '')}\n"
            text += f"    NodeName:\t{_unset(ep.get('nodeName'))}\n    Zone:\t{_unset(ep.get('zone'))}\n"
    return render(text + events_text(s, sl))


def describe_ingress_class(s: Session, ic: Doc) -> str:
    meta, spec = ic["metadata"], ic.get("spec") or {}
    text = f"Name:\t{meta['name']}\n"
    text += labels_text("Labels", meta.get("labels")) + annotations_text("Annotations", meta.get("annotations"))
    text += f"Controller:\t{spec.get('controller', '')}\n"
    params = spec.get("parameters")
    if params:
        text += f"Parameters:\n  APIGroup:\t{_unset(params.get('apiGroup'))}\n  Kind:\t{params.get('kind', '')}\n"
        text += f"  Name:\t{params.get('name', '')}\n"
        if params.get("namespace"):
            text += f"  Namespace:\t{params['namespace']}\n"
        if params.get("scope"):
            text += f"  Scope:\t{params['scope']}\n"
    return render(text + events_text(s, ic))


def describe_pod_disruption_budget(s: Session, pdb: Doc) -> str:
    """describePodDisruptionBudgetV1: minAvailable (else maxUnavailable), the selector, and the status the
    disruption controller wrote."""
    meta, spec, st = pdb["metadata"], pdb.get("spec") or {}, pdb.get("status") or {}
    text = f"Name:\t{meta['name']}\nNamespace:\t{meta.get('namespace', '')}\n"
    if spec.get("minAvailable") is not None:
        text += f"Min available:\t{spec['minAvailable']}\n"
    elif spec.get("maxUnavailable") is not None:
        text += f"Max unavailable:\t{spec['maxUnavailable']}\n"
    selector = spec.get("selector")
    text += f"Selector:\t{format_label_selector(selector) if selector is not None else '<unset>'}\n"
    text += (f"Status:\n    Allowed disruptions:\t{int(st.get('disruptionsAllowed', 0))}\n"
             f"    Current:\t{int(st.get('currentHealthy', 0))}\n    Desired:\t{int(st.get('desiredHealthy', 0))}\n"
             f"    Total:\t{int(st.get('expectedPods', 0))}\n")
    return render(text + events_text(s, pdb))
