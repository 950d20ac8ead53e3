"""ARM resource IDs: one normalisation for comparing them and keying by them.

Azure Resource Manager treats resource IDs case-insensitively (resource group, provider namespace, type and
resource names: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules —
"Resource names are case-insensitive unless noted"), while documents keep an ID exactly as Azure returned it.
So an ID is printed as stored and compared, hashed and used as a dictionary or workspace key through
:func:`id_key` only: an :data:`IdKey` can only come from there, which mypy checks. The names of Azure resources
(a subnet, an NSG rule, a resource group) compare through :func:`same_name`, never a hand-written ``.lower()``;
Kubernetes names are case-sensitive and compare with ``==``. Stdlib only.
"""

from __future__ import annotations

from typing import NewType

IdKey = NewType("IdKey", str)


def id_key(resource_id: str | None) -> IdKey:
    """The comparison key of an ARM resource ID (``None`` and ``""`` give the empty key)."""
    return IdKey((resource_id or "").lower())


def same_id(a: str | None, b: str | None) -> bool:
    """Do two ARM resource IDs name the same resource?"""
    return id_key(a) == id_key(b)


def same_name(a: str | None, b: str | None) -> bool:
    """Do two Azure resource names (or resource group, subscription, child-resource names) name the same thing?
    "Resource names are case-insensitive unless noted":
    https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules"""
    return (a or "").lower() == (b or "").lower()
