"""``az extension add|list|remove``: the az extensions the articles install whose commands aksnet already has
built in (``azure-firewall``: ``az network firewall …``) are recorded as installed in the workspace; any other
extension is refused with aksnet's not-emulated note, because its commands do not exist here
[learn.microsoft.com/cli/azure/azure-cli-extensions-overview]. ``az`` prints nothing for add and remove.
"""

from __future__ import annotations

import json
from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.common import command_transaction
from aksnet.errors import AzCliError

_MOD = "aksnet.cli.az.cmd_extension#{}"
META_KEY = "az.extensions"
# extension name → the built-in aksnet commands that stand for it
BUILT_IN = {"azure-firewall": "az network firewall"}


def _installed(tx: Any) -> list[str]:
    return list(json.loads(tx.meta_get(META_KEY) or "[]"))


def extension_add(name: str | None = None, upgrade: bool = False, yes: bool = False) -> None:
    """Add an extension (only those whose commands aksnet has built in: azure-firewall)."""
    if not name:
        raise AzCliError("RequiredArgumentMissingError", "usage error: --name NAME | --source SOURCE", 2)
    if name not in BUILT_IN:
        raise AzCliError("InvalidArgumentValueError",
                         f"aksnet: extension '{name}' is an az extension that aksnet does not emulate (its commands "
                         f"don't exist here); built in: {', '.join(sorted(BUILT_IN))}; see docs/fidelity.md")
    with command_transaction() as tx:
        names = _installed(tx)
        if name not in names:
            tx.meta_set(META_KEY, json.dumps(sorted([*names, name])))


def extension_remove(name: str) -> None:
    """Remove an extension."""
    with command_transaction() as tx:
        names = _installed(tx)
        if name not in names:
            raise AzCliError("CLIError", f"The extension {name} is not installed.")
        tx.meta_set(META_KEY, json.dumps([n for n in names if n != name]))


def extension_list() -> Any:
    """List the installed extensions."""
    with command_transaction(write=False) as tx:
        return [{"experimental": False, "extensionType": "whl", "name": n, "preview": False,
                 "providedBy": BUILT_IN[n] + " (built into aksnet)"} for n in _installed(tx) if n in BUILT_IN]


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "extension", _MOD) as g:
        g.command("add", "extension_add")
        g.command("remove", "extension_remove")
        g.command("list", "extension_list")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "extension") as c:
        c.argument("name", options_list=["--name", "-n"], help="Name of the extension.")
        c.argument("upgrade", action="store_true", help="Update the extension if already installed.")
        c.argument("yes", options_list=["--yes", "-y"], action="store_true", help="Do not prompt.")
