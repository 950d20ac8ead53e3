"""Resource quantities (``resource.Quantity``: ``100m``, ``1``, ``128Mi``, ``7Gi``) and what a pod requests,
for the scheduler's NodeResourcesFit and ``kubectl describe node``. Must not read the workspace.
"""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]


_SUFFIX = {"m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


_SUFFIXES = tuple(sorted(_SUFFIX, key=len, reverse=True))  # two-letter suffixes first (Mi before M)
_PARSED: dict[str, float] = {}


def parse_quantity(q: Any) -> float:
    """resource.Quantity → a number (cores or bytes): ``100m``, ``1``, ``128Mi``, ``7Gi``, ``1e3``."""
    text = str(q).strip()
    got = _PARSED.get(text)
    if got is None:
        got = _PARSED[text] = _parse(text)
    return got


def _parse(text: str) -> float:
    for suf in _SUFFIXES:
        if text.endswith(suf):
            try:
                return float(text[: -len(suf)]) * _SUFFIX[suf]
            except ValueError:
                return 0.0
    try:
        return float(text)
    except ValueError:
        return 0.0


def pod_resources(pod: Doc) -> list[float]:
    """[cpu requests, cpu limits, memory requests, memory limits] of a pod's containers."""
    out = [0.0, 0.0, 0.0, 0.0]
    for c in (pod.get("spec") or {}).get("containers") or []:
        r = c.get("resources") or {}
        req, lim = r.get("requests") or {}, r.get("limits") or {}
        # a limit without a request defaults the request to the limit
        out[0] += parse_quantity(req.get("cpu", lim.get("cpu", 0)))
        out[1] += parse_quantity(lim.get("cpu", 0))
        out[2] += parse_quantity(req.get("memory", lim.get("memory", 0)))
        out[3] += parse_quantity(lim.get("memory", 0))
    return out
