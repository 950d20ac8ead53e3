"""``aksnet ui``'s topology page: the workspace drawn (Graphviz SVG made by the CLI from
:mod:`aksnet.render.topology_dot`) plus a text list of every resource by name, so the page reads without the
picture. Pure: escapes every name, runs nothing.
"""

from __future__ import annotations

from aksnet.model.twin import Twin
from aksnet.render.html_page import esc, inline_svg, page


def resource_names(twin: Twin) -> list[tuple[str, str]]:
    """(kind, name) of every resource the topology draws, in drawing order."""
    out: list[tuple[str, str]] = [("VNet", v.name) for v in twin.vnets]
    out += [("subnet", f"{v.name}/{s.name}") for v in twin.vnets for s in v.subnets]
    out += [("NSG", n.name) for n in twin.nsgs] + [("route table", r.name) for r in twin.route_tables]
    out += [("VM", v.name) for v in twin.vms] + [("load balancer", lb.name) for lb in twin.load_balancers]
    for cs in twin.clusters:
        if cs.cluster is not None:
            out.append(("AKS cluster", cs.cluster.name))
        out += [("node", n.name) for n in cs.nodes] + [("pod", p.key) for p in cs.pods]
        out += [("Service", f"{s.namespace}/{s.name}") for s in cs.services]
        out += [("ingress controller", ic.name) for ic in cs.ingress_classes]
        out += [("Gateway", f"{g.namespace}/{g.name}") for g in cs.gateway.gateways]
        out += [(r.kind, f"{r.namespace}/{r.name}") for r in cs.gateway.routes]
    return out


def render(twin: Twin, svg: str, nav: tuple[tuple[str, str], ...] = ()) -> str:
    """The page; ``svg`` is Graphviz's rendering of the topology DOT (trusted: Graphviz escapes its text)."""
    rows = "".join(f"<tr><td>{esc(k)}</td><td>{esc(n)}</td></tr>" for k, n in resource_names(twin))
    body = (f'<figure aria-label="topology">{inline_svg(svg)}</figure>\n<h2>Resources</h2>\n'
            f"<table><thead><tr><th>kind</th><th>name</th></tr></thead><tbody>{rows}</tbody></table>")
    return page("aksnet topology", body, nav)
