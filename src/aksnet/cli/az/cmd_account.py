"""``az account show|list|set``: the fixed emulated subscription."""

from __future__ import annotations

from typing import Any

from knack.commands import CommandGroup

from aksnet.errors import AzCliError
from aksnet.model import account

_MOD = "aksnet.cli.az.cmd_account#{}"


def _subscription() -> dict[str, Any]:
    return {
        "environmentName": account.CLOUD_NAME,
        "homeTenantId": account.TENANT_ID,
        "id": account.SUBSCRIPTION_ID,
        "isDefault": True,
        "managedByTenants": [],
        "name": account.SUBSCRIPTION_NAME,
        "state": "Enabled",
        "tenantDefaultDomain": "aksnet.example",
        "tenantDisplayName": "aksnet",
        "tenantId": account.TENANT_ID,
        "user": {"name": account.USER_NAME, "type": "user"},
    }


def account_show(subscription: str | None = None) -> dict[str, Any]:
    """Get the details of a subscription."""
    if subscription and subscription not in (account.SUBSCRIPTION_ID, account.SUBSCRIPTION_NAME):
        raise AzCliError("ResourceNotFoundError", f"Subscription '{subscription}' not found. "
                         "Check the spelling and casing and try again.")
    return _subscription()


def account_list(all: bool = False) -> list[dict[str, Any]]:
    """Get a list of subscriptions for the logged in account."""
    return [_subscription()]


def account_set(subscription: str) -> None:
    """Set a subscription to be the current active subscription."""
    account_show(subscription)


def _table(result: Any) -> Any:
    rows = result if isinstance(result, list) else [result]
    return [{"Name": r["name"], "CloudName": r["environmentName"], "SubscriptionId": r["id"],
             "TenantId": r["tenantId"], "State": r["state"], "IsDefault": r["isDefault"]} for r in rows]


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "account", _MOD) as g:
        g.command("show", "account_show", table_transformer=_table)
        g.command("list", "account_list", table_transformer=_table)
        g.command("set", "account_set")


def load_arguments(loader: Any, command: str) -> None:
    from knack.arguments import ArgumentsContext

    with ArgumentsContext(loader, "account") as c:
        c.argument("subscription", options_list=["--subscription", "-s", "--name", "-n"],
                   help="Name or ID of subscription.")
    with ArgumentsContext(loader, "account list") as c:
        c.argument("all", options_list=["--all"], action="store_true", help="List all subscriptions.")
