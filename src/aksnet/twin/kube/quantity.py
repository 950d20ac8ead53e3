"""Resource quantities (``resource.Quantity``: ``100m``, ``1``, ``128Mi``, ``7Gi``) and what a pod requests,
for the scheduler's NodeResourcesFit and ``kubectl describe node``. Must not read the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
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


# -- exact quantities and their canonical text (resource.Quantity.String) ---------------------------
_EXACT = {"m": Fraction(1, 1000), "": Fraction(1), "k": Fraction(10**3), "M": Fraction(10**6),
          "G": Fraction(10**9), "T": Fraction(10**12), "P": Fraction(10**15), "E": Fraction(10**18),
          "Ki": Fraction(2**10), "Mi": Fraction(2**20), "Gi": Fraction(2**30), "Ti": Fraction(2**40),
          "Pi": Fraction(2**50), "Ei": Fraction(2**60)}
_BINARY = ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki")
_DECIMAL = ("E", "P", "T", "G", "M", "k")


@dataclass(frozen=True)
class Quantity:
    """An exact amount and the format its text keeps (BinarySI for ``Ki``…``Ei``, else DecimalSI); a sum keeps
    the format of its first addend, as ``Quantity.Add`` does."""

    value: Fraction = Fraction(0)
    binary: bool = False

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.value + other.value, self.binary if self.value or self.binary else other.binary)

    def __str__(self) -> str:
        return canonical(self.value, self.binary)


def exact_quantity(q: Any) -> Quantity:
    """``100m``, ``1``, ``128Mi``, ``1.5Gi`` → an exact Quantity (0 for text that is not a quantity; the API
    server rejects those before they are stored)."""
    text = str(q).strip()
    suffix = next((s for s in sorted(_EXACT, key=len, reverse=True) if s and text.endswith(s)), "")
    try:
        number = Fraction(text[: len(text) - len(suffix)] if suffix else text)
    except (ValueError, ZeroDivisionError):
        return Quantity()
    return Quantity(number * _EXACT[suffix], suffix.endswith("i"))


def canonical(value: Fraction, binary: bool) -> str:
    """resource.Quantity.String (k8s.io/apimachinery/pkg/api/resource ``CanonicalizeBytes``): BinarySI with the
    largest power of 1024 that divides the amount, unless it is under 1024 or fractional (then DecimalSI);
    DecimalSI as an integer mantissa with the largest exponent that is a multiple of 3 (``1500m``, ``2``,
    ``1500k``, ``1M``); fractions of a milli-unit round up."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if binary and value >= 1024 and value.denominator == 1:
        n = value.numerator
        for suffix in _BINARY:
            factor = int(_EXACT[suffix])
            if n % factor == 0:
                return f"{sign}{n // factor}{suffix}"
        return f"{sign}{n}"
    milli = -(-value.numerator * 1000 // value.denominator)  # ceiling, as Quantity rounds up
    if milli % 1000:
        return f"{sign}{milli}m"
    n = milli // 1000
    for suffix in _DECIMAL:
        factor = int(_EXACT[suffix])
        if n % factor == 0:
            return f"{sign}{n // factor}{suffix}"
    return f"{sign}{n}"


def pod_requests_limits(pod: Doc) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """resourcehelper.PodRequestsAndLimits: the containers' requests and limits summed per resource, each at
    least as large as any init container's, plus the pod's overhead (the stored pod already carries the API
    server's defaulting of requests from limits)."""
    spec = pod.get("spec") or {}

    def per_container(c: Doc) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
        r = c.get("resources") or {}
        lim = {k: exact_quantity(v) for k, v in (r.get("limits") or {}).items()}
        req = {k: exact_quantity(v) for k, v in (r.get("requests") or {}).items()}
        return req, lim

    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for c in spec.get("containers") or []:
        req, lim = per_container(c)
        for total, part in ((reqs, req), (limits, lim)):
            for k, v in part.items():
                total[k] = total[k] + v if k in total else v
    for c in spec.get("initContainers") or []:
        req, lim = per_container(c)
        for total, part in ((reqs, req), (limits, lim)):
            for k, v in part.items():
                if k not in total or v.value > total[k].value:
                    total[k] = v
    for k, v in (spec.get("overhead") or {}).items():
        q = exact_quantity(v)
        reqs[k] = reqs[k] + q if k in reqs else q
        if k in limits:
            limits[k] = limits[k] + q
    return reqs, limits
