"""One walk of a trace as HTML, shared by the trace page and the matrix page: the request's hops (component,
decision, the rule by name, the packet after it), the verdict, and the reply: its own hops when the engine
found that it takes a different path (:func:`aksnet.engine.flow.is_reply`), else the sentence that it retraces
the request. Pure: escapes every name, knows no twin.
"""

from __future__ import annotations

from aksnet.engine.flow import Hop, Walk, is_reply
from aksnet.render.html_page import esc

_HEAD = "<tr><th>#</th><th>component</th><th>decision</th><th>rule</th><th>packet</th></tr>"


def hops_table(hops: list[tuple[int, Hop]], caption: str) -> str:
    rows = "".join(
        f"<tr><td>{n}</td><td>{esc(h.component)}</td><td class=\"{esc(h.decision.lower())}\">"
        f"{esc(h.decision.upper())}</td><td>{esc(h.rule)}</td><td>{esc(h.packet or '')}</td></tr>"
        for n, h in hops)
    return f"<table><caption>{esc(caption)}</caption><thead>{_HEAD}</thead><tbody>{rows}</tbody></table>"


def walk_html(w: Walk) -> str:
    """The walk's request table, verdict line and reply (see the module docstring)."""
    numbered = list(enumerate(w.hops, 1))
    parts = [hops_table([(n, h) for n, h in numbered if not is_reply(h)], "request path"),
             f"<p>⇒ <strong class=\"{esc(w.verdict.lower())}\">{esc(w.verdict.upper())}</strong>: "
             f"{esc(w.reason)}</p>"]
    reply = [(n, h) for n, h in numbered if is_reply(h)]
    if reply:
        parts.append(hops_table(reply, "reply path (differs from the request's)"))
    if w.backend is not None:
        b = w.backend
        back = ("the reply takes the path above" if reply else "the reply retraces this path in reverse "
                "(connection tracking is stateful), undoing each NAT")
        parts.append(f"<p>reply: backend {esc(b.kind)} {esc(b.name)} {esc(b.ip)}:{b.port} sees client "
                     f"{esc(b.client_ip)}; {back}</p>")
    return "\n".join(parts)
