"""Text rendering of ``aksnet explain --exposure`` (an :class:`~aksnet.analyses.exposure.ExposureReport`).

Sections: exposed to the internet (public load balancer frontends), exposed to the VNet (internal frontends,
node ports), through ingress (one block per URL with each backend workload's verdict). Pure: no I/O.
"""

from __future__ import annotations

from aksnet.analyses.exposure import ExposureReport, FrontendExposure, IngressExposure
from aksnet.analyses.exposure_gateway import GatewayExposure


def _frontend(f: FrontendExposure) -> list[str]:
    wl = ", ".join(f.workloads) if f.workloads else "no pods"
    lines = [f"  {f.address}:{f.port}/{f.protocol}  {f.kind} {f.via} → Service {f.service} → {wl}"]
    who = f" from {f.client}" if f.client else ""
    lines.append(f"    {f.status}{who} — {f.rule}")
    if f.source_ranges:
        lines.append(f"    loadBalancerSourceRanges: {', '.join(f.source_ranges)}")
    if f.outside:
        lines.append(f"    outside the ranges: {f.outside}")
    if len({(status, rule) for _, _, status, rule in f.by_source}) == 1:
        ranges = ", ".join(label for label, *_ in f.by_source)
        lines.append(f"    the same from every source range the NSGs and source ranges distinguish ({ranges})")
    else:
        for label, client, status, rule in f.by_source:
            lines.append(f"    from {label} ({client}): {status} — {rule}")
    return lines


def _ingress(i: IngressExposure) -> list[str]:
    svc = f"Service {i.service}:{i.service_port}" if i.service else "no Service"
    tag = " (canary)" if i.canary else ""
    lines = [f"  {i.url}{tag}  ingress {i.controller} (Ingress {i.ingress}, {i.controller_service} "
             f"{i.address}:{i.port}) → {svc}: {i.status}",
             f"    frontend {i.frontend} from {i.client} — {i.rule}"]
    for b in i.backends:
        lines.append(f"    {b.workload}: {b.status} — {b.rule}")
    if i.allowlist:
        lines.append(f"    allowlist (whitelist-source-range): {', '.join(i.allowlist)}")
    if i.outside:
        lines.append(f"    outside the ranges: {i.outside}")
    return lines


def _gateway(g: GatewayExposure) -> list[str]:
    filters = f", filters {', '.join(g.filters)}" if g.filters else ""
    lines = [f"  {g.url}  [{g.status}]",
             f"    Gateway {g.gateway} ({g.implementation}) listener {g.listener} port {g.port} at {g.address}",
             f"    {g.route} rule {g.rule} ({g.match}{filters}) -> {', '.join(g.backends) or 'no backendRef'}",
             f"    sources: {g.sources}",
             f"    answer: {g.answer}" + (f" ({', '.join(g.workloads)})" if g.workloads else "")]
    return lines


def render_exposure(report: ExposureReport) -> str:
    lines: list[str] = []
    for title, scope in (("exposed to the internet", "internet"), ("exposed to the VNet", "vnet")):
        entries = [f for f in report.frontends if f.scope == scope]
        lines.append(f"{title} ({len(entries)}):")
        for f in entries:
            lines += _frontend(f)
    lines.append(f"exposed through ingress ({len(report.ingresses)}):")
    for i in report.ingresses:
        lines += _ingress(i)
    if report.gateways:
        lines.append(f"exposed through Gateway API ({len(report.gateways)}):")
        for g in report.gateways:
            lines += _gateway(g)
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines) + "\n"
