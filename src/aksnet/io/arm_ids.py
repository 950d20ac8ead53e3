"""ARM resource IDs: parse, build, compare (case-insensitive, as ARM treats them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aksnet.model.account import SUBSCRIPTION_ID

_ID_RE = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)"
    r"(?:/providers/(?P<ns>[^/]+)/(?P<rest>.+))?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ResourceId:
    subscription: str
    resource_group: str
    namespace: str = ""  # e.g. Microsoft.Network
    types: tuple[str, ...] = ()  # e.g. ("virtualNetworks", "subnets")
    names: tuple[str, ...] = ()  # e.g. ("vnet1", "subnet1")

    @property
    def name(self) -> str:
        return self.names[-1] if self.names else self.resource_group

    @property
    def type(self) -> str:
        """``Microsoft.Network/virtualNetworks/subnets`` style."""
        return "/".join((self.namespace, *self.types)) if self.namespace else "resourceGroups"

    @property
    def parent(self) -> ResourceId:
        return ResourceId(self.subscription, self.resource_group, self.namespace, self.types[:-1], self.names[:-1])

    def __str__(self) -> str:
        s = f"/subscriptions/{self.subscription}/resourceGroups/{self.resource_group}"
        if self.namespace:
            s += f"/providers/{self.namespace}"
            for t, n in zip(self.types, self.names):
                s += f"/{t}/{n}"
        return s


def parse_resource_id(text: str) -> ResourceId | None:
    """Parse a full ARM ID; None when it is not one (az: ``… is not a valid Azure resource ID.``)."""
    m = _ID_RE.match(text.strip())
    if not m:
        return None
    rest = m.group("rest")
    types: list[str] = []
    names: list[str] = []
    if rest:
        parts = rest.split("/")
        if len(parts) % 2 != 0 or any(not p for p in parts):
            return None
        types = parts[0::2]
        names = parts[1::2]
    elif m.group("ns"):
        return None
    return ResourceId(m.group("sub"), m.group("rg"), m.group("ns") or "", tuple(types), tuple(names))


def resource_id(resource_group: str, namespace: str, *type_name_pairs: str,
                subscription: str = SUBSCRIPTION_ID) -> str:
    """``resource_id("rg", "Microsoft.Network", "virtualNetworks", "v", "subnets", "s")``."""
    rid = f"/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/{namespace}"
    for i in range(0, len(type_name_pairs), 2):
        rid += f"/{type_name_pairs[i]}/{type_name_pairs[i + 1]}"
    return rid


def group_id(resource_group: str, subscription: str = SUBSCRIPTION_ID) -> str:
    return f"/subscriptions/{subscription}/resourceGroups/{resource_group}"
