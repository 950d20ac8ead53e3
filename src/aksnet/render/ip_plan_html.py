"""``aksnet ui``'s IP plan view: per subnet a bar (used, Azure-reserved, free) and a map of its address blocks
(:mod:`aksnet.analyses.ip_map`), the addresses in use and who holds them; then each AKS cluster's plan
(``aksnet plan``'s rows: node and pod IPs, surge, subnet fit, pod CIDR, SNAT ports). Every block and bar
segment has a text label (``title``, ``aria-label``). Pure: escapes every name, no script.
"""

from __future__ import annotations

from collections.abc import Sequence

from aksnet.analyses.ip_map import SubnetMap
from aksnet.analyses.plan import Plan
from aksnet.render.html_page import esc, page
from aksnet.render.plan_rows import cluster_rows, pool_rows

MAX_LISTED = 200  # used addresses listed per subnet; the map still counts them all
_CSS = ("<style>.bar{display:flex;height:1.4em;border:1px solid #888;max-width:60em}.bar span{overflow:hidden;"
        "font-size:.8em;white-space:nowrap;padding:0 .2em}.used{background:#2f5597;color:#fff}.reserved{"
        "background:#7f7f7f;color:#fff}.free{background:#fff}.mixed{background:#9dc3e6}"
        ".map{display:grid;grid-template-columns:repeat(32,1.1em);gap:1px;margin:.5em 0}"
        ".map span{height:1.1em;border:1px solid #bbb}</style>")


def _pct(n: int, size: int) -> str:
    return f"{100 * n / size:.3g}%"


def _subnet(m: SubnetMap) -> str:
    title = f"subnet {m.vnet}/{m.subnet} {m.prefix}"
    counts = f"{len(m.used):,} used, {m.reserved} reserved by Azure, {m.free:,} free of {m.size:,}"
    bar = "".join(
        f'<span class="{cls}" style="flex-basis:{_pct(n, m.size)};min-width:{"2px" if n else "0"}" '
        f'title="{esc(f"{n:,} {cls}")}" aria-label="{esc(f"{n:,} {cls}")}">{n:,} {cls}</span>'
        for cls, n in (("used", len(m.used)), ("reserved", m.reserved), ("free", m.free)))
    cells = "".join(
        f'<span class="{b.state}" title="{esc(label)}" aria-label="{esc(label)}"></span>'
        for b in m.blocks
        for label in [f"{b.first}" + (f"–{b.last}" if b.last != b.first else "")
                      + f": {b.used} used, {b.reserved} reserved, {b.free} free"])
    rows = "".join(f"<tr><td>{esc(ip)}</td><td>{esc(who)}</td></tr>" for ip, who in m.used[:MAX_LISTED])
    more = f"<p>… and {len(m.used) - MAX_LISTED:,} more</p>" if len(m.used) > MAX_LISTED else ""
    step = m.size // len(m.blocks) if m.blocks else 1
    return (f'<section aria-label="{esc(title)}"><h2>{esc(title)}</h2><p>{esc(counts)}</p>'
            f'<div class="bar" role="img" aria-label="{esc(counts)}">{bar}</div>'
            f'<p>address map: one square per {"address" if step == 1 else f"{step:,} addresses"}</p>'
            f'<div class="map" role="img" aria-label="{esc("address map of " + title)}">{cells}</div>'
            f"<table><caption>{esc('addresses in use in ' + m.subnet)}</caption><thead><tr><th>address</th>"
            f"<th>held by</th></tr></thead><tbody>{rows}</tbody></table>{more}</section>")


def _rows_table(caption: str, rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th scope=\"row\">{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f"<table><caption>{esc(caption)}</caption><tbody>{body}</tbody></table>"


def _plan(plan: Plan) -> str:
    parts = [f"<h2>{esc(f'IP plan for {plan.cluster} (network plugin: {plan.flavour})')}</h2>"]
    parts += [_rows_table(f"node pool {p.name}", pool_rows(plan.flavour, p)) for p in plan.pools]
    parts.append(_rows_table(f"cluster {plan.cluster}", cluster_rows(plan)))
    parts += [f"<p>note: {esc(n)}</p>" for n in plan.notes]
    return "\n".join(parts)


def render(maps: Sequence[SubnetMap], plans: Sequence[Plan], nav: tuple[tuple[str, str], ...] = ()) -> str:
    legend = ('<p>colours: <span class="used">used</span> <span class="reserved">reserved by Azure (network, '
              '.1 gateway, .2/.3 DNS, broadcast)</span> <span class="free">free</span> '
              '<span class="mixed">partly used</span></p>')
    body = [_CSS, legend, *(_subnet(m) for m in maps), *(_plan(p) for p in plans)]
    if not maps:
        body.append("<p>no subnets in this workspace</p>")
    return page("aksnet IP plan", "\n".join(body), nav)
