"""The API server's type registry, as the twin's API server and controllers name it. The registry and its
field tables live in :mod:`aksnet.io.k8s_schema` (the io edge decodes manifest directories and dumps with
them too); this module only re-exports them, so ``schema.BY_KIND``, ``schema.Registry`` … keep working."""

from aksnet.io.k8s_schema import *  # noqa: F403
