"""The API server's type registry, as the twin's API server and controllers name it. The registry and its
field tables live in :mod:`aksnet.io.k8s_schema` (the io edge decodes manifest directories and dumps with
them too); this module only re-exports them."""

from aksnet.io.k8s_schema import (
    BY_GVK,
    BY_KIND,
    BY_STORE_KIND,
    RESOURCE_TYPES,
    ResourceType,
    Struct,
    decode_errors,
    drop_nulls,
    lookup_gvk,
    lookup_resource,
)

__all__ = ["BY_GVK", "BY_KIND", "BY_STORE_KIND", "RESOURCE_TYPES", "ResourceType", "Struct", "decode_errors",
           "drop_nulls", "lookup_gvk", "lookup_resource"]
