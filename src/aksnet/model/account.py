"""The fixed emulated subscription and tenant (``az account show``)."""

from __future__ import annotations

SUBSCRIPTION_ID = "00000000-0000-4000-8000-00000000a5e7"
SUBSCRIPTION_NAME = "aksnet emulated subscription"
TENANT_ID = "00000000-0000-4000-8000-0000000007e4"
USER_NAME = "user@aksnet.example"
CLOUD_NAME = "AzureCloud"
