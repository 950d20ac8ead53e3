"""``aksnet trace -o html``: one self-contained page with the path drawn (Graphviz SVG made by the CLI from
:mod:`aksnet.render.trace_dot`) and a table per flow: each hop's component, decision, the rule by name and
the packet after NAT, then the verdict, what the backend sees and the reply path when it differs. Pure:
escapes every name, runs nothing.
"""

from __future__ import annotations

from aksnet.analyses.trace import TraceResult
from aksnet.render.hop_table import walk_html
from aksnet.render.html_page import esc, inline_svg, page


def render(result: TraceResult, svg: str, nav: tuple[tuple[str, str], ...] = (), before: str = "",
           topology_svg: str = "") -> str:
    """The page; ``svg`` is Graphviz's rendering of the trace's DOT, ``topology_svg`` that of the topology with the
    deciding flow's path drawn on it (:mod:`aksnet.render.trace_topology`; both trusted: Graphviz escapes its
    text); ``before`` is HTML put first (the live UI's form)."""
    parts = [before, f"<p>verdict: <strong class=\"{esc(result.verdict.lower())}\">{esc(result.verdict.upper())}"
             f"</strong> ({esc(result.protocol)})</p>", f'<figure aria-label="trace path">{inline_svg(svg)}</figure>']
    if topology_svg:
        parts.append('<h2>the path on the topology</h2><figure aria-label="the path on the topology">'
                     f"{inline_svg(topology_svg)}<figcaption>the deciding flow (the first not delivered, else the "
                     "first): its resources framed in red, its steps as red edges</figcaption></figure>")
    for i, w in enumerate(result.walks, 1):
        dst = f"{w.dst_ip or result.target.name}:{w.dst_port}/{w.protocol}"
        parts.append(f"<h2>flow {i}: {esc(w.source.name)} ({esc(w.source.ip or 'no IP')}) → "
                     f"{esc(result.target.name)} ({esc(dst)})</h2>")
        parts.append(walk_html(w))
    title = f"aksnet trace {result.source_text} → {result.target.name}"
    return page(title, "\n".join(parts), nav)


def form_html(values: dict[str, str], error: str = "", choices: tuple[str, ...] = ()) -> str:
    """The live UI's trace form (GET ``/trace?from=…&to=…&port=…``), with the last values, any error, and
    ``choices`` (the workspace's endpoints) offered in FROM and TO."""
    picks = {"from", "to"} if choices else set()
    fields = "".join(
        f'<label>{esc(label)} <input name="{key}" value="{esc(values.get(key, ""))}" aria-label="{esc(label)}"'
        + (' list="endpoints"' if key in picks else "") + "></label> "
        for key, label in (("from", "FROM"), ("to", "TO"), ("port", "port"), ("protocol", "protocol"),
                           ("namespace", "namespace")))
    options = "".join(f'<option value="{esc(c)}"></option>' for c in choices)
    datalist = f'<datalist id="endpoints">{options}</datalist>' if choices else ""
    err = f'<p class="deny" role="alert">{esc(error)}</p>' if error else ""
    return f'<form action="/trace" method="get">{fields}{datalist}<button>trace</button></form>{err}'


def form(values: dict[str, str], error: str = "", nav: tuple[tuple[str, str], ...] = (),
         choices: tuple[str, ...] = ()) -> str:
    """The form alone as a page."""
    return page("aksnet trace", form_html(values, error, choices), nav)
