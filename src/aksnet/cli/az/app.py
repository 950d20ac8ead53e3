"""The knack application behind ``aksnet az``.

Command modules (``cmd_*.py``) each expose ``load_command_table(loader)`` and ``load_arguments(loader,
command)``. Only the module of the requested top-level group is imported, to keep start-up fast.
Errors: ``AksnetError`` → ``ERROR: <text>`` on stderr with its exit code, as az prints them.
"""

from __future__ import annotations

import os
import sys
import tempfile
from contextvars import ContextVar
from typing import Any

from knack import CLI, CLICommandsLoader
from knack.help import CLIHelp
from knack.parser import CLICommandParser

from aksnet.errors import AksnetError, AzureError

# top-level az groups; ``config`` is ``az config set aks.default_network_plugin=…`` (a workspace setting)
GROUPS = ("account", "group", "network", "vm", "aks", "config")


def _group_modules(group: str) -> tuple[Any, ...]:
    """The command modules that register ``group``'s commands, imported now (plain imports, one group at a
    time to keep start-up fast)."""
    match group:
        case "account":
            from aksnet.cli.az import cmd_account

            return (cmd_account,)
        case "group":
            from aksnet.cli.az import cmd_group

            return (cmd_group,)
        case "network":
            from aksnet.cli.az import cmd_network

            return (cmd_network,)
        case "vm":
            from aksnet.cli.az import cmd_vm

            return (cmd_vm,)
        case "aks":
            from aksnet.cli.az import cmd_aks, cmd_aks_approuting

            return (cmd_aks, cmd_aks_approuting)
        case "config":
            from aksnet.cli.az import cmd_aks

            return (cmd_aks,)
    raise KeyError(group)


def _modules_for(args: list[str]) -> list[Any]:
    first = next((a for a in args if not a.startswith("-")), None)
    groups = [first] if first in GROUPS else list(GROUPS)
    return list(dict.fromkeys(m for g in groups for m in _group_modules(g)))


class AzCommandsLoader(CLICommandsLoader):  # type: ignore[misc]
    def load_command_table(self, args: list[str]) -> Any:
        self._aksnet_modules = _modules_for(list(args or []))
        for mod in self._aksnet_modules:
            mod.load_command_table(self)
        return super().load_command_table(args)

    def load_arguments(self, command: str) -> None:
        # register before knack applies the argument registry to the command
        for mod in getattr(self, "_aksnet_modules", []):
            mod.load_arguments(self, command)
        super().load_arguments(command)


_ONLY_SHOW_ERRORS: ContextVar[bool] = ContextVar("aksnet_az_only_show_errors", default=False)


def only_show_errors() -> bool:
    """True while a command given ``--only-show-errors`` runs (az then prints errors only, no warnings)."""
    return _ONLY_SHOW_ERRORS.get()


NOT_FOUND_CODES = ("ResourceNotFound", "ResourceGroupNotFound", "ParentResourceNotFound", "NotFound")


class AzCli(CLI):  # type: ignore[misc]
    show_command = False  # set by invoke: ``show`` commands exit 3 on a missing resource, as az's do

    def exception_handler(self, ex: BaseException) -> int:
        if isinstance(ex, BrokenPipeError):  # `aksnet az … | head`
            return 0
        if isinstance(ex, AksnetError):
            print(f"ERROR: {ex.render()}", file=sys.stderr)
            if self.show_command and isinstance(ex, AzureError) and ex.code in NOT_FOUND_CODES:
                return 3  # azure-cli: "'show' commands ... fail with exit code of 3 upon a missing resource"
            return int(ex.exit_code)
        return int(super().exception_handler(ex))


class AzParser(CLICommandParser):  # type: ignore[misc]
    """argparse errors as az prints them (``ERROR: unrecognized arguments: --bogus``), exit 2."""

    def error(self, message: str) -> None:
        print(f"ERROR: {message}", file=sys.stderr)
        sys.exit(2)


class AzHelp(CLIHelp):  # type: ignore[misc]
    def __init__(self, cli_ctx: Any = None) -> None:
        super().__init__(
            cli_ctx=cli_ctx,
            welcome_message="aksnet az: the Azure CLI subset of aksnet (an emulated subscription, no cloud).",
        )


def invoke(argv: list[str]) -> int:
    config_dir = os.path.join(tempfile.gettempdir(), "aksnet-az-config")
    cli = AzCli(
        cli_name="az",
        commands_loader_cls=AzCommandsLoader,
        help_cls=AzHelp,
        parser_cls=AzParser,
        config_dir=config_dir,
        config_env_var_prefix="AKSNET_AZ",
    )
    words = [a for a in argv if not a.startswith("-")]
    cli.show_command = "show" in words[:4]
    quiet = "--only-show-errors" in argv
    cli.only_show_errors = quiet  # knack's deprecation warnings read it (its logging sets it only once per process)
    token = _ONLY_SHOW_ERRORS.set(quiet)
    try:
        return int(cli.invoke(argv, out_file=sys.stdout))
    finally:
        _ONLY_SHOW_ERRORS.reset(token)
