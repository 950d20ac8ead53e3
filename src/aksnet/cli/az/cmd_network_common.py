"""What the ``az network`` and ``az vm`` command modules share: az's output view of ARM documents, NAME|ID
arguments, ``--ids`` handling and table projections.

az prints network and compute resources flattened: every ``properties`` object is lifted into its parent
(msrest/AAZ client flattening), and azure-cli core adds ``resourceGroup`` to every object that has an ``id``.
Documents are stored in ARM's REST shape; :func:`az_view` produces what az prints. Nothing here touches the
workspace except through the twin.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from aksnet.errors import AzCliError
from aksnet.io.arm_ids import parse_resource_id


def az_view(obj: Any) -> Any:
    """The JSON az prints for a stored ARM document (recursively flattened, ``resourceGroup`` added)."""
    if isinstance(obj, list):
        return [az_view(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    out: dict[str, Any] = {}
    for k, v in obj.items():
        if k == "properties" and isinstance(v, dict):
            for pk, pv in v.items():
                if pk not in out:
                    out[pk] = az_view(pv)
        elif k == "tags":
            out[k] = copy.deepcopy(v)
        else:
            out[k] = az_view(v)
    if "id" in out and isinstance(out["id"], str) and not any(k.lower() == "resourcegroup" for k in out):
        parsed = parse_resource_id(out["id"])
        if parsed is not None:
            out["resourceGroup"] = parsed.resource_group
    return out


def resolve_id(value: str, resource_group: str | None, builder: Callable[[str, str], str]) -> str:
    """A NAME|ID argument: an ARM ID is taken as is, a name is looked up in ``resource_group``."""
    if parse_resource_id(value) is not None:
        return value
    if not resource_group:
        raise AzCliError("RequiredArgumentMissingError", "the following arguments are required: --resource-group/-g",
                         2)
    return builder(resource_group, value)


def require(ids: Sequence[str] | None, **named: str | None) -> None:
    """az's usage error when neither ``--ids`` nor the named arguments are given."""
    if ids:
        return
    missing = [f"--{k.replace('_', '-')}" for k, v in named.items() if not v]
    if missing:
        flags = {"--resource-group-name": "--resource-group/-g", "--name": "--name/-n"}
        shown = ", ".join(flags.get(m, m) for m in missing)
        raise AzCliError("RequiredArgumentMissingError", f"the following arguments are required: {shown}", 2)


def one_or_many(results: list[Any], ids: Sequence[str] | None) -> Any:
    """az returns a list when several ``--ids`` are given, else the single object."""
    return results if ids and len(ids) > 1 else results[0]


def ids_of(ids: Sequence[str]) -> list[str]:
    """Validate ``--ids`` values (az: ``… is not a valid Azure resource ID.``)."""
    out = []
    for i in ids:
        for part in i.split():
            if parse_resource_id(part) is None:
                raise AzCliError("InvalidArgumentValueError", f"'{part}' is not a valid Azure resource ID.", 2)
            out.append(part)
    return out


def parse_flag(value: str | bool | None, flag: str) -> bool | None:
    """az's three-state flags (``--flag``, ``--flag true``, ``--flag false``)."""
    from aksnet.cli.az.params import parse_bool

    if value == "":
        return True
    return parse_bool(value, flag)


def rows(result: Any) -> list[dict[str, Any]]:
    return result if isinstance(result, list) else [result]


def vnet_table(result: Any) -> Any:
    """az's ``transform_vnet_table_output``."""
    out = []
    for r in rows(result):
        item: OrderedDict[str, Any] = OrderedDict()
        item["Name"] = r["name"]
        item["ResourceGroup"] = r.get("resourceGroup")
        item["Location"] = r.get("location")
        item["NumSubnets"] = len(r.get("subnets", []))
        item["Prefixes"] = ", ".join(r.get("addressSpace", {}).get("addressPrefixes", [])) or " "
        item["DnsServers"] = ", ".join((r.get("dhcpOptions") or {}).get("dnsServers", [])) or " "
        item["DDOSProtection"] = r.get("enableDdosProtection")
        item["VMProtection"] = r.get("enableVmProtection")
        out.append(item)
    return out


def nsg_rule_table(result: Any) -> Any:
    """az's ``transform_nsg_rule_table_output``."""
    out = []
    for r in rows(result):
        item: OrderedDict[str, Any] = OrderedDict()
        item["Name"] = r["name"]
        item["ResourceGroup"] = r.get("resourceGroup")
        item["Priority"] = r.get("priority")
        item["SourcePortRanges"] = r.get("sourcePortRange") or " ".join(r.get("sourcePortRanges", []))
        item["SourceAddressPrefixes"] = r.get("sourceAddressPrefix") or " ".join(r.get("sourceAddressPrefixes", []))
        item["SourceASG"] = "None"
        item["Access"] = r.get("access")
        item["Protocol"] = r.get("protocol")
        item["Direction"] = r.get("direction")
        item["DestinationPortRanges"] = (r.get("destinationPortRange")
                                         or " ".join(r.get("destinationPortRanges", [])))
        item["DestinationAddressPrefixes"] = (r.get("destinationAddressPrefix")
                                              or " ".join(r.get("destinationAddressPrefixes", [])))
        item["DestinationASG"] = "None"
        out.append(item)
    return out
