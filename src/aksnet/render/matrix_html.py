"""``aksnet matrix -o html`` and ``aksnet ui``'s matrix view: a workload × workload heat map.

Rows are sources, columns destinations; a cell's colour is what NetworkPolicy allows (all connections, some
ports, none) and its text netpol-analyzer's; its border says whether the cell's trace delivered. Namespace
check boxes hide the rows and columns of a namespace (CSS ``:has()``, no script). Every cell is a link to
its trace: with ``live`` to the served trace view (``/trace?from=…``), else to the trace carried in the page
(``#t-I-J``, shown by CSS ``:target``), so the page works opened from disk. Pure: escapes every name.
"""

from __future__ import annotations

from urllib.parse import urlencode

from aksnet.analyses.matrix_cells import Cell, MatrixGrid
from aksnet.render.hop_table import walk_html
from aksnet.render.html_page import esc, page

_CSS = ("<style>table.matrix td{text-align:center;padding:0}table.matrix td a{display:block;padding:.3em .5em;"
        "color:inherit;text-decoration:none}td.all{background:#a9d08e}td.some{background:#e2efda}"
        "td.none{background:#f4b183}td.self{background:#eee}td.ok a{outline:2px solid #375623;outline-offset:-3px}"
        "th.col{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}"
        "section.cell-trace{display:none}section.cell-trace:target{display:block}fieldset{border:1px solid #bbb}"
        "</style>")


def command(c: Cell) -> str:
    """The ``aksnet trace`` command of a cell."""
    return f"aksnet trace {c.trace_from} {c.trace_to} --port {c.port} --protocol {c.protocol}"


def _href(c: Cell, live: bool) -> str:
    if live or c.trace is None:
        return "/trace?" + urlencode({"from": c.trace_from, "to": c.trace_to, "port": c.port, "protocol": c.protocol})
    return f"#t-{c.src}-{c.dst}"


def _filters(grid: MatrixGrid) -> tuple[str, str]:
    """The namespace check boxes and the CSS that hides an unchecked namespace's rows and columns."""
    boxes, rules = [], []
    for k, ns in enumerate(grid.namespaces):
        boxes.append(f'<label><input type="checkbox" id="ns-{k}" checked> namespace {esc(ns)}</label> ')
        rules.append(f"body:has(#ns-{k}:not(:checked)) :is(tr.r-ns{k},.c-ns{k}){{display:none}}")
    return (f"<fieldset><legend>namespaces</legend>{''.join(boxes)}</fieldset>",
            "<style>" + "".join(rules) + "</style>")


def _cell_text(c: Cell) -> str:
    return {"all": "all", "none": "none"}.get(c.level, c.conns)


def _verdict(c: Cell) -> str:
    return f"; trace {c.protocol} {c.port}: {c.trace.verdict}" if c.trace is not None else ""


def _table(grid: MatrixGrid, live: bool) -> str:
    ns_index = {ns: k for k, ns in enumerate(grid.namespaces)}
    col_ns = [ns_index[p.namespace or ""] for p in grid.peers]
    cells = {(c.src, c.dst): c for c in grid.cells}
    head = "".join(f'<th scope="col" class="col c-ns{col_ns[j]}">{esc(p.name)}</th>' for j, p in enumerate(grid.peers))
    rows = []
    for i, src in enumerate(grid.peers):
        tds = []
        for j, dst in enumerate(grid.peers):
            c = cells.get((i, j))
            if c is None:
                tds.append(f'<td class="self c-ns{col_ns[j]}" title="{esc(src.name)} to itself: not analysed '
                           '(self-pairs are omitted, as netpol-analyzer does)">—</td>')
                continue
            label = f"{src.name} → {dst.name}: {c.conns or 'No Connections'}{_verdict(c)}"
            ok = " ok" if c.trace is not None and c.trace.delivered else ""
            tds.append(f'<td class="{c.level}{ok} c-ns{col_ns[j]}"><a href="{esc(_href(c, live))}" '
                       f'title="{esc(label)}" aria-label="{esc(label)}">{esc(_cell_text(c))}</a></td>')
        rows.append(f'<tr class="r-ns{col_ns[i]}"><th scope="row">{esc(src.name)}</th>{"".join(tds)}</tr>')
    return (f'<table class="matrix" aria-label="connectivity matrix"><thead><tr><th>from ↓ to →</th>{head}</tr>'
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


def _traces(grid: MatrixGrid) -> str:
    parts = []
    for c in grid.cells:
        if c.trace is None:
            continue
        t = c.trace
        src, dst = grid.peers[c.src].name, grid.peers[c.dst].name
        ok = sum(1 for w in t.walks if w.delivered)
        parts.append(f'<section class="cell-trace" id="t-{c.src}-{c.dst}" aria-label="trace {esc(src)} → '
                     f'{esc(dst)}"><h2>trace {esc(src)} → {esc(dst)}</h2><p><code>{esc(command(c))}</code>: '
                     f'<strong class="{esc(t.verdict)}">{esc(t.verdict.upper())}</strong> ({ok}/{len(t.walks)} '
                     "flows delivered); the deciding flow:</p>"
                     + (walk_html(t.deciding) if t.walks else "") + "</section>")
    return "\n".join(parts)


def render(grid: MatrixGrid, nav: tuple[tuple[str, str], ...] = (), live: bool = False) -> str:
    """The page (see the module docstring)."""
    filters, css = _filters(grid)
    engine = f"network policy engine {grid.engine}" + ("" if grid.enforced else " (policies not enforced)")
    legend = ("<p>cell colour: green all connections, light green some ports, orange none; a framed cell's trace "
              "delivered. Click a cell for its trace.</p>")
    warnings = "".join(f'<p role="note">warning: {esc(w)}</p>' for w in grid.warnings)
    body = "\n".join([_CSS + css, f"<p>{esc(engine)}</p>", warnings, filters, legend, _table(grid, live),
                      "" if live else _traces(grid)])
    return page("aksnet matrix", body, nav)
