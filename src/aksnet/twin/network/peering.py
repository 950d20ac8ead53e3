"""Virtual network peerings (``Microsoft.Network/virtualNetworks/virtualNetworkPeerings``): create, show,
list, update, delete, sync.

A peering is a child resource nested in its VNet's ``properties.virtualNetworkPeerings`` as ARM nests it.
States follow the network RP: a new peering is ``Initiated`` until the VNet it points to has a peering back,
then both are ``Connected``; deleting one side (or its VNet) leaves the other ``Disconnected``, and a
Disconnected peering must be updated or re-created before the other side can peer back
[AZD virtual-network-manage-peering; RP text of RemotePeeringIsDisconnected]. ``remoteAddressSpace``
is the remote space as last synchronised (what routes use); ``remoteVirtualNetworkAddressSpace`` is the
remote VNet's current space; they differ (``peeringSyncLevel`` ``…NotInSync``) after a peered VNet is resized,
until ``az network vnet peering sync``. This module must not allocate addresses or compute routes.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from aksnet.errors import AzureError
from aksnet.model.ids import id_key, same_id, same_name
from aksnet.store import Transaction
from aksnet.twin.arm import Doc
from aksnet.twin.network.common import (
    KIND_VNET,
    TYPE_VNET,
    child_doc,
    child_not_found,
    get_resource,
    name_of,
    new_guid,
    parse_prefix,
    referenced_not_found,
    touch,
    validate_name,
)

TYPE_PEERING = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"
PEERING_INFO = "For more information please refer to https://aka.ms/VnetPeeringInfo"

Net = ipaddress.IPv4Network | ipaddress.IPv6Network


def peering_id(vnet_id: str, name: str) -> str:
    return f"{vnet_id}/virtualNetworkPeerings/{name}"


def _vnet_of(peering_id: str) -> str:
    return peering_id.rsplit("/virtualNetworkPeerings/", 1)[0]


def _space(vnet: Doc) -> list[str]:
    return list((vnet["properties"].get("addressSpace") or {}).get("addressPrefixes") or [])


def _peerings(vnet: Doc) -> list[Doc]:
    peerings: list[Doc] = vnet["properties"].setdefault("virtualNetworkPeerings", [])
    return peerings


def _remote_of(peering: Doc) -> str:
    return str((peering["properties"].get("remoteVirtualNetwork") or {}).get("id", ""))


def _find(vnet: Doc, name: str) -> Doc | None:
    return next((p for p in _peerings(vnet) if same_name(str(p["name"]), name)), None)


def _pointing_to(vnet: Doc, remote_id: str) -> Doc | None:
    return next((p for p in _peerings(vnet) if same_id(_remote_of(p), remote_id)), None)


def _overlaps(a: list[str], b: list[str], rid: str) -> list[str]:
    """The overlapping prefixes, each pair listed as (local, remote) as the RP prints them."""
    out: list[str] = []
    nets_b: list[Net] = [parse_prefix(p, rid) for p in b]
    for pa in a:
        na = parse_prefix(pa, rid)
        for nb in nets_b:
            if na.version == nb.version and na.overlaps(nb):  # type: ignore[arg-type]
                out += [str(na), str(nb)]
    return out


def _check_overlap(tx: Transaction, pid: str, local: Doc, remote: Doc) -> None:
    """Peered VNets must not overlap (``VnetAddressSpacesOverlap``), nor may either overlap a VNet already
    peered with the other (``VnetAddressSpaceOverlapsWithAlreadyPeeredVnet``) [AZD virtual-network-peering-
    overview: "address spaces can't overlap"; RP texts in docs/fidelity.md]."""
    lid, rid = str(local["id"]), str(remote["id"])
    both = _overlaps(_space(local), _space(remote), pid)
    if both:
        raise AzureError(
            "VnetAddressSpacesOverlap",
            f"Cannot create or update peering {pid}. Virtual networks {lid} and {rid} cannot be peered because "
            f"their address spaces overlap. Overlapping address prefixes: {', '.join(both)}",
        )
    for first, second in ((local, remote), (remote, local)):
        for p in _peerings(second):
            third_id = _remote_of(p)
            if id_key(third_id) in (lid.lower(), id_key(rid)) or p["properties"].get("peeringState") == "Disconnected":
                continue
            third = tx.get(KIND_VNET, third_id)
            if third is None:
                continue
            hit = _overlaps(_space(first), _space(third), pid)
            if hit:
                prefixes = ", ".join(dict.fromkeys(hit[0::2]))
                raise AzureError(
                    "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet",
                    f"Cannot create or update peering {pid}. Virtual networks {first['id']} and {second['id']} "
                    "cannot be peered because address space of the first virtual network overlaps with address "
                    f"space of virtual network {third['id']} already peered with the second virtual network. "
                    f"Overlapping address prefixes: {prefixes}. {PEERING_INFO}",
                )


def _no_gateways(remote_id: str, pid: str) -> AzureError:
    """The emulation has no VNet gateways, so ``useRemoteGateways`` can never be satisfied."""
    return AzureError(
        "RemoteVnetHasNoGateways",
        f"Cannot have UseRemoteGateways flag set to true, because remote virtual network {remote_id} referenced "
        f"by the virtual network peering {pid} does not have any gateways.",
    )


def get_peering(tx: Transaction, peering_id: str) -> Doc:
    """The peering, or ``ResourceNotFound`` (VNet) / ``(NotFound) Resource <id> not found.`` (peering)."""
    vnet = get_resource(tx, KIND_VNET, _vnet_of(peering_id), TYPE_VNET)
    found = _find(vnet, name_of(peering_id))
    if found is None:
        raise child_not_found(peering_id)
    return found


def list_peerings(tx: Transaction, vnet_id: str) -> list[Doc]:
    return list(_peerings(get_resource(tx, KIND_VNET, vnet_id, TYPE_VNET)))


def _put_vnet(tx: Transaction, vnet: Doc) -> None:
    touch(tx, vnet)
    tx.put(KIND_VNET, str(vnet["id"]), vnet)


def create_peering(tx: Transaction, vnet_id: str, name: str, remote_vnet_id: str, *,
                   allow_virtual_network_access: bool = True, allow_forwarded_traffic: bool = False,
                   allow_gateway_transit: bool = False, use_remote_gateways: bool = False) -> Doc:
    """``az network vnet peering create``: ``Initiated`` until the remote VNet peers back, then both sides
    ``Connected`` (AZD virtual-network-manage-peering, "Peering status"). Re-creating an existing name updates
    its flags (ARM PUT)."""
    local = get_resource(tx, KIND_VNET, vnet_id, TYPE_VNET)
    validate_name(name)
    pid = peering_id(str(local["id"]), name)
    remote = tx.get(KIND_VNET, remote_vnet_id)
    if remote is None:
        raise referenced_not_found(remote_vnet_id, pid)
    rid = str(remote["id"])
    existing = _find(local, name)
    if existing is not None:
        if not same_id(_remote_of(existing), rid):
            raise AzureError(
                "CannotChangeRemoteVirtualNetwork",
                f"Cannot update the remote virtual network of peering {existing['id']}. Delete the peering and "
                "create it again to peer with another virtual network.",
            )
        return update_peering(tx, str(existing["id"]), allow_virtual_network_access=allow_virtual_network_access,
                              allow_forwarded_traffic=allow_forwarded_traffic,
                              allow_gateway_transit=allow_gateway_transit, use_remote_gateways=use_remote_gateways)
    other = _pointing_to(local, rid)
    if other is not None:
        raise AzureError(
            "AnotherPeeringAlreadyReferencesRemoteVnet",
            f"Peering {other['id']} already references remote virtual network {rid}. Cannot add another peering "
            f"{pid} referencing the same remote virtual network.",
        )
    _check_overlap(tx, pid, local, remote)
    if use_remote_gateways:
        raise _no_gateways(rid, pid)
    back = _pointing_to(remote, str(local["id"]))
    if back is not None and back["properties"].get("peeringState") == "Disconnected":
        raise AzureError(
            "RemotePeeringIsDisconnected",
            f"Cannot create or update peering {pid} because remote peering {back['id']} referencing parent "
            f"virtual network {local['id']} is in Disconnected state. Update or re-create the remote peering to "
            "get it back to Initiated state. Peering gets Disconnected when remote vnet or remote peering is "
            "deleted and re-created.",
        )
    state = "Connected" if back is not None else "Initiated"
    space: dict[str, Any] = {"addressPrefixes": _space(remote)}
    doc = child_doc(tx, pid, TYPE_PEERING, {
        "resourceGuid": new_guid(id_key(pid)),
        "peeringState": state,
        "peeringSyncLevel": "FullyInSync",
        "remoteVirtualNetwork": {"id": rid},
        "allowVirtualNetworkAccess": allow_virtual_network_access,
        "allowForwardedTraffic": allow_forwarded_traffic,
        "allowGatewayTransit": allow_gateway_transit,
        "useRemoteGateways": False,
        "doNotVerifyRemoteGateways": False,
        "peerCompleteVnets": True,
        "remoteAddressSpace": dict(space, addressPrefixes=list(space["addressPrefixes"])),
        "remoteVirtualNetworkAddressSpace": space,
    })
    _peerings(local).append(doc)
    if back is not None:
        back["properties"]["peeringState"] = "Connected"
        back["properties"]["remoteAddressSpace"] = {"addressPrefixes": _space(local)}
        back["properties"]["remoteVirtualNetworkAddressSpace"] = {"addressPrefixes": _space(local)}
        back["properties"]["peeringSyncLevel"] = "FullyInSync"
        _put_vnet(tx, remote)
    _put_vnet(tx, local)
    return get_peering(tx, pid)


def update_peering(tx: Transaction, peering_id: str, *, allow_virtual_network_access: bool | None = None,
                   allow_forwarded_traffic: bool | None = None, allow_gateway_transit: bool | None = None,
                   use_remote_gateways: bool | None = None) -> Doc:
    """``az network vnet peering update``: change the access flags; a Disconnected peering is re-initiated."""
    peering = get_peering(tx, peering_id)
    props = peering["properties"]
    if use_remote_gateways:
        raise _no_gateways(_remote_of(peering), str(peering["id"]))
    for key, value in (("allowVirtualNetworkAccess", allow_virtual_network_access),
                       ("allowForwardedTraffic", allow_forwarded_traffic),
                       ("allowGatewayTransit", allow_gateway_transit), ("useRemoteGateways", use_remote_gateways)):
        if value is not None:
            props[key] = value
    vnet = tx.get(KIND_VNET, _vnet_of(peering_id))
    assert vnet is not None
    target = _find(vnet, name_of(peering_id))
    assert target is not None
    target["properties"] = props
    if props.get("peeringState") == "Disconnected":
        _reconnect(tx, vnet, target)
    _put_vnet(tx, vnet)
    return get_peering(tx, peering_id)


def _reconnect(tx: Transaction, vnet: Doc, peering: Doc) -> None:
    """Updating a Disconnected peering brings it back to ``Initiated`` (or ``Connected`` when the remote VNet
    already peers back), as the RP's RemotePeeringIsDisconnected text describes; the remote VNet must exist."""
    remote = tx.get(KIND_VNET, _remote_of(peering))
    if remote is None:
        raise referenced_not_found(_remote_of(peering), str(peering["id"]))
    back = _pointing_to(remote, str(vnet["id"]))
    props = peering["properties"]
    props["remoteAddressSpace"] = {"addressPrefixes": _space(remote)}
    props["remoteVirtualNetworkAddressSpace"] = {"addressPrefixes": _space(remote)}
    if back is not None and back["properties"].get("peeringState") != "Disconnected":
        props["peeringState"] = "Connected"
        back["properties"]["peeringState"] = "Connected"
        _put_vnet(tx, remote)
    else:
        props["peeringState"] = "Initiated"


def sync_peering(tx: Transaction, peering_id: str) -> Doc:
    """``az network vnet peering sync``: take the remote VNet's current address space (after a resize)."""
    peering = get_peering(tx, peering_id)
    vnet = tx.get(KIND_VNET, _vnet_of(peering_id))
    remote = tx.get(KIND_VNET, _remote_of(peering))
    assert vnet is not None
    target = _find(vnet, name_of(peering_id))
    assert target is not None
    if remote is not None:
        target["properties"]["remoteAddressSpace"] = {"addressPrefixes": _space(remote)}
        target["properties"]["remoteVirtualNetworkAddressSpace"] = {"addressPrefixes": _space(remote)}
        target["properties"]["peeringSyncLevel"] = "FullyInSync"
        back = _pointing_to(remote, str(vnet["id"]))
        if back is not None and back["properties"].get("peeringSyncLevel") == "RemoteNotInSync":
            back["properties"]["peeringSyncLevel"] = "FullyInSync"
            _put_vnet(tx, remote)
    _put_vnet(tx, vnet)
    return get_peering(tx, peering_id)


def delete_peering(tx: Transaction, peering_id: str) -> bool:
    """``az network vnet peering delete``: the remote side's peering becomes ``Disconnected``. A missing
    peering (or VNet) is not an error (ARM 204)."""
    vnet = tx.get(KIND_VNET, _vnet_of(peering_id))
    if vnet is None:
        return False
    found = _find(vnet, name_of(peering_id))
    if found is None:
        return False
    _peerings(vnet).remove(found)
    _put_vnet(tx, vnet)
    remote = tx.get(KIND_VNET, _remote_of(found))
    if remote is not None:
        back = _pointing_to(remote, str(vnet["id"]))
        if back is not None:
            back["properties"]["peeringState"] = "Disconnected"
            _put_vnet(tx, remote)
    return True


def disconnect_peers_of(tx: Transaction, deleted_prefix: str) -> None:
    """A deleted VNet (or every VNet under a deleted resource group, ``deleted_prefix`` = lower-cased ID or
    ID prefix) leaves the peerings that point to it ``Disconnected``."""
    pref = deleted_prefix.lower()
    for key, vnet in tx.items(KIND_VNET):
        if key == pref or key.startswith(pref.rstrip("/") + "/"):
            continue
        changed = False
        for p in _peerings(vnet):
            target = id_key(_remote_of(p))
            if (target == pref or target.startswith(pref.rstrip("/") + "/")) and \
                    p["properties"].get("peeringState") != "Disconnected":
                p["properties"]["peeringState"] = "Disconnected"
                changed = True
        if changed:
            _put_vnet(tx, vnet)


def resized(tx: Transaction, vnet: Doc) -> None:
    """After a peered VNet's address space changed: its own peerings are ``RemoteNotInSync`` and the peerings
    pointing to it ``LocalNotInSync`` until synced; ``remoteVirtualNetworkAddressSpace`` shows the new space
    at once (AZD update-virtual-network-peering-address-space)."""
    vid = id_key(str(vnet["id"]))
    new_space = {"addressPrefixes": _space(vnet)}
    for p in _peerings(vnet):
        if p["properties"].get("peeringState") == "Connected":
            p["properties"]["peeringSyncLevel"] = "RemoteNotInSync"
    for key, other in tx.items(KIND_VNET):
        if key == vid:
            continue
        back = _pointing_to(other, vid)
        if back is None or back["properties"].get("peeringState") != "Connected":
            continue
        if back["properties"].get("remoteAddressSpace") == new_space:
            continue
        back["properties"]["remoteVirtualNetworkAddressSpace"] = dict(new_space)
        back["properties"]["peeringSyncLevel"] = "LocalNotInSync"
        _put_vnet(tx, other)
