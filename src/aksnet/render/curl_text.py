"""``aksnet curl`` output as curl prints it: the response (``-i``: status line and headers first, then the body)
on stdout, and with ``-v`` the path and the controller's decisions as ``* [aksnet]`` lines for stderr.
Pure: strings out of a :class:`~aksnet.analyses.curl.CurlResult`."""

from __future__ import annotations

from aksnet.analyses.curl import CurlResult


def render_verbose(res: CurlResult) -> str:
    """Each leg's hops, the controller's decisions after the client's leg, the final hops and the notes."""
    out: list[str] = []
    for i, leg in enumerate(res.legs):
        out.append(f"* [aksnet] {leg.source.name} ({leg.source.ip}) → {leg.dst_ip}:{leg.dst_port}")
        out += [f"* [aksnet]   {h.component}: {h.decision.upper()} {h.rule}" for h in leg.hops]
        if i == 0:  # the controller's decisions come between the client's leg and the upstream legs
            out += [f"* [aksnet] {h.component}: {h.decision.upper()} {h.rule}" for h in res.ingress_hops]
    out += [f"* [aksnet] {h.component}: {h.decision.upper()} {h.rule}" for h in res.final_hops]
    out += [f"* [aksnet] {n}" for n in res.notes]
    return "".join(line + "\n" for line in out)


def render_response(res: CurlResult, include: bool) -> str:
    """The response as curl writes it to stdout."""
    out = ""
    if include:
        out += res.status_line + "\n" + "".join(f"{k}: {v}\n" for k, v in res.response_headers) + "\n"
    if res.body:
        out += res.body + "\n"
    return out


def render_error(res: CurlResult) -> str:
    """curl's message for a failed transfer (``curl: (N) …``), for stderr; empty when the transfer worked."""
    return "" if res.error is None else res.error + "\n"
