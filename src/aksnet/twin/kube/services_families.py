"""A Service's IP families, as the API server decides them: ``spec.ipFamilyPolicy``, ``spec.ipFamilies`` and
how many ClusterIPs it gets on a single-stack or dual-stack cluster.

Rules (kubernetes.io/docs/concepts/services-networking/dual-stack, "Services"; kubernetes/kubernetes
``pkg/registry/core/service/storage/alloc.go`` ``initIPFamilyFields``): without a policy a create gets
SingleStack (an update keeps the old policy; headless without selector gets RequireDualStack); SingleStack with
two families or two ClusterIPs is invalid; families missing from ``clusterIPs`` are inferred from the addresses;
RequireDualStack on a single-stack cluster and a family the cluster does not serve are invalid; no family gives
the cluster's primary family, and PreferDualStack/RequireDualStack on a dual-stack cluster add the other family.
The cluster's families are those of its service CIDRs (``networkProfile.serviceCidrs``). Pure functions of the
Service spec; must not allocate addresses.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from aksnet.twin.kube.services_validation import Cause, duplicate, invalid, unsupported

Doc = dict[str, Any]
POLICIES = ("SingleStack", "PreferDualStack", "RequireDualStack")
FAMILIES = ("IPv4", "IPv6")


def family_of(ip: str) -> str | None:
    try:
        return "IPv6" if ipaddress.ip_address(ip).version == 6 else "IPv4"
    except ValueError:
        return None


def _other(family: str) -> str:
    return "IPv6" if family == "IPv4" else "IPv4"


def _check_shape(spec: Doc) -> list[Cause]:
    """``ValidateServiceClusterIPsRelatedFields``: policy and family values, no duplicate family, at most two,
    and each given ClusterIP of its family."""
    errs: list[Cause] = []
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in POLICIES:
        errs.append(unsupported("spec.ipFamilyPolicy", str(policy), POLICIES))
    families = list(spec.get("ipFamilies") or [])
    for i, fam in enumerate(families):
        if fam not in FAMILIES:
            errs.append(unsupported(f"spec.ipFamilies[{i}]", str(fam), FAMILIES))
        elif fam in families[:i]:
            errs.append(duplicate(f"spec.ipFamilies[{i}]", fam))
    if len(families) > 2:
        errs.append(invalid("spec.ipFamilies", families, "may specify no more than one IP for each IP family"))
    for i, ip in enumerate(spec.get("clusterIPs") or []):
        if ip == "None" or i >= len(families):
            continue
        if family_of(str(ip)) not in (None, families[i]):
            errs.append(invalid(f"spec.clusterIPs[{i}]", list(spec["clusterIPs"]),
                                f"expected an IP of family {families[i]}"))
    return errs


def init_ip_family_fields(spec: Doc, old: Doc | None, cluster: tuple[str, ...]) -> list[Cause]:
    """Fill ``ipFamilyPolicy`` and ``ipFamilies`` of a non-ExternalName Service spec for a cluster serving
    ``cluster`` families (primary first); returns the API server's errors (nothing is changed then)."""
    old_spec = (old or {}).get("spec") or {}
    headless_no_selector = spec.get("clusterIP") == "None" and not spec.get("selector")
    if spec.get("ipFamilyPolicy") is None:
        if old_spec.get("ipFamilyPolicy"):
            spec["ipFamilyPolicy"] = old_spec["ipFamilyPolicy"]
        else:
            spec["ipFamilyPolicy"] = "RequireDualStack" if headless_no_selector else "SingleStack"
    errs = _check_shape(spec)
    if errs:
        return errs
    policy = spec["ipFamilyPolicy"]
    families = list(spec.get("ipFamilies") or [])
    ips = [ip for ip in spec.get("clusterIPs") or [] if ip]
    if policy == "SingleStack":
        if len(ips) == 2:
            errs.append(invalid("spec.ipFamilyPolicy", policy, "must be 'RequireDualStack' or 'PreferDualStack' "
                                                               "when multiple cluster IPs are specified"))
        if len(families) == 2:
            errs.append(invalid("spec.ipFamilyPolicy", policy, "must be 'RequireDualStack' or 'PreferDualStack' "
                                                               "when multiple IP families are specified"))
    for i, ip in enumerate(ips):
        if ip == "None":
            break
        fam = family_of(str(ip))
        if fam is not None and i >= len(families):
            if fam in cluster:
                families.append(fam)
            else:
                errs.append(invalid(f"spec.clusterIPs[{i}]", ips, f"{fam} is not configured on this cluster"))
    if errs:
        return errs
    if headless_no_selector:
        families = families or [cluster[0]]
        if len(families) < 2 and policy != "SingleStack":
            families.append(_other(families[0]))
        spec["ipFamilies"] = families
        return []
    if policy == "RequireDualStack" and len(cluster) < 2:
        errs.append(invalid("spec.ipFamilyPolicy", policy, "this cluster is not configured for dual-stack services"))
    for i, fam in enumerate(families):
        if fam not in cluster:
            errs.append(invalid(f"spec.ipFamilies[{i}]", fam, "not configured on this cluster"))
    if errs:
        return errs
    families = families or [cluster[0]]
    if policy != "SingleStack" and len(families) == 1 and len(cluster) == 2:
        families.append(_other(families[0]))
    spec["ipFamilies"] = families
    return []


def cluster_families(service_cidrs: list[str]) -> tuple[str, ...]:
    """The families a cluster serves, primary first: those of its service CIDRs."""
    out: list[str] = []
    for c in service_cidrs:
        fam = "IPv6" if ipaddress.ip_network(c, strict=False).version == 6 else "IPv4"
        if fam not in out:
            out.append(fam)
    return tuple(out) or ("IPv4",)
