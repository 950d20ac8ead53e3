"""Shared helpers of the emulated ARM resource providers: kinds, etags, provisioning fields, look-ups.

Documents are ARM JSON as az prints them. Kinds are lower-cased resource types.
"""

from __future__ import annotations

import hashlib
from typing import Any

from aksnet.errors import ResourceNotFound
from aksnet.io.arm_ids import group_id
from aksnet.store import Transaction

Doc = dict[str, Any]

KIND_GROUP = "microsoft.resources/resourcegroups"


def kind_of(resource_type: str) -> str:
    return resource_type.lower()


def deterministic_uuid(*parts: str) -> str:
    """A stable UUID from names (resource GUIDs, etags): the same inputs give the same IDs every time.
    (The text ``str(uuid.UUID(hex))`` gives, formatted directly: hot in 1,000-node creates.)"""
    h = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def etag(tx: Transaction) -> str:
    """A fresh weak etag, as ARM shows them: ``W/"<guid>"``."""
    return f'W/"{deterministic_uuid("etag", str(tx.next_seq()))}"'


def get_group(tx: Transaction, name: str) -> Doc:
    """The resource group ``name`` or ARM's ``ResourceGroupNotFound``."""
    doc = tx.get(KIND_GROUP, group_id(name))
    if doc is None:
        raise ResourceNotFound(f"Resource group '{name}' could not be found.", code="ResourceGroupNotFound")
    return doc


def group_location(tx: Transaction, name: str) -> str:
    return str(get_group(tx, name)["location"])
