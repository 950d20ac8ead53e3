"""``aksnet explain`` as text: a workload's isolation, policies and rules, who reaches it and whom it reaches;
the verdict of one pair (``--to``). Pure: strings out of analysis results."""

from __future__ import annotations

from aksnet.analyses.explain import Explanation, PairExplanation
from aksnet.engine.netpol.profiles import get_profile

# what an engine's own rule does, when it is not an allow rule
_VERBS = {"Deny": "denies", "Pass": "passes on to the next tier", "Log": "logs"}

def explanation_text(e: Explanation) -> str:
    """The words: per direction, isolation, policies and rules; then who reaches it and whom it reaches."""
    lines = [f"{e.target}: {len(e.pods)} pod(s); engine {e.engine} ({e.engine_title})"]
    lines += [f"note: {n}" for n in e.notes]
    for d, verb in ((e.ingress, "lets in"), (e.egress, "lets out")):
        word = d.direction
        if not d.isolated and e.host_network:
            lines.append(f"{word}: not subject to NetworkPolicy (hostNetwork: policies never select it)")
            continue
        if not d.isolated:
            lines.append(f"{word}: not isolated — no NetworkPolicy with policyTypes {word} selects it; "
                         f"everything is allowed")
            continue
        from aksnet.analyses.explain_engine import COMBINE

        own = any(" " in p.name for p in d.policies)  # the engines' own kinds ("Kind name"; ns/name has no space)
        lines.append(f"{word}: isolated by {len(d.policies)} policy(ies); " +
                     (COMBINE.get(e.engine, "allowed = the union of their rules") if own
                      else "allowed = the union of their rules"))
        profile = get_profile(e.engine)
        if word == "Ingress" and profile.ingress_from_local_node_allowed:
            lines.append("  always allowed: traffic from the pod's own node (kubelet probes, hostNetwork pods)")
        if word == "Egress" and profile.egress_to_local_node_allowed:
            lines.append(f"  always allowed by engine {e.engine}: traffic to the pod's own node")
        for p in d.policies:
            lines.append(f"  {p.name} (podSelector {p.pod_selector}):")
            if not p.rules:
                lines.append(f"    no {word.lower()} rules: {verb} nothing")
            for r in p.rules:
                rverb = _VERBS.get(r.action or "", verb)
                lines.append(f"    {word.lower()} rule #{r.index} {rverb} {r.text}")
                if r.matches:
                    lines.append(f"      matches now: {', '.join(r.matches)}")
    if e.mesh:
        lines.append("mesh (Istio):")
        lines += [f"  {subject}: {detail}" for subject, detail in e.mesh]
    ins = [c for c in e.connectivity.connections if c[1].name == e.target]
    outs = [c for c in e.connectivity.connections if c[0].name == e.target]
    lines.append(f"reachable from ({len(ins)}):")
    lines += [f"  {s.name} : {c}" for s, _, c in ins]
    lines.append(f"can reach ({len(outs)}):")
    lines += [f"  {d.name} : {c}" for _, d, c in outs]
    return "\n".join(lines) + "\n"


def with_exposure(text: str, exposure_text: str) -> str:
    """A workload's explanation followed by its exposure (``exposed …`` heads flush left, the rest indented)."""
    return text + "".join(f"  {line}\n" if not line.startswith("exposed") else f"{line}\n"
                          for line in exposure_text.splitlines())


def verdict_text(pair: PairExplanation) -> str:
    """One pair's verdict: the decision, the engine's notes, then each enforced direction's reason."""
    v = pair.verdict
    word = "allowed" if v.allowed else "denied"
    lines = [f"{pair.source} => {pair.destination} {v.protocol} {v.port}: {word} (engine {v.engine})"]
    lines += [f"  note: {n}" for n in v.notes]
    if v.enforced:
        for side in (v.egress, v.ingress):
            lines.append(f"  {side.direction}: {'allowed' if side.allowed else 'denied'} — {side.reason}")
    return "\n".join(lines) + "\n"
