"""The knack application behind ``aksnet az``.

Command modules (``cmd_*.py``) each expose ``load_command_table(loader)`` and ``load_arguments(loader,
command)``. Only the module of the requested top-level group is imported, to keep start-up fast.
Errors: ``AksnetError`` → ``ERROR: <text>`` on stderr with its exit code, as az prints them.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
from contextvars import ContextVar
from typing import Any

from knack import CLI, CLICommandsLoader
from knack.help import CLIHelp
from knack.parser import CLICommandParser

from aksnet.cli.az.params import invalid_enum_message
from aksnet.cli.az.unemulated import screen, typo_hint
from aksnet.errors import AksnetError, AzureError

# top-level az group → module that registers its commands
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "account": ("aksnet.cli.az.cmd_account",),
    "group": ("aksnet.cli.az.cmd_group",),
    "network": ("aksnet.cli.az.cmd_network",),
    "vm": ("aksnet.cli.az.cmd_vm",),
    "aks": ("aksnet.cli.az.cmd_aks", "aksnet.cli.az.cmd_aks_approuting"),
    "config": ("aksnet.cli.az.cmd_aks",),  # az config set aks.default_network_plugin=… (workspace setting)
}


def _modules_for(args: list[str]) -> list[Any]:
    first = next((a for a in args if not a.startswith("-")), None)
    groups = [COMMAND_MODULES[first]] if first in COMMAND_MODULES else list(COMMAND_MODULES.values())
    names = [n for g in groups for n in g]
    mods = []
    for name in names:
        try:
            mods.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return mods


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


def render_azure_error(ex: AzureError) -> str:
    """A resource provider's error as az prints it (azure-core's ODataV4 format): ``(Code) Message``, then
    ``Code:``, ``Message:`` and, when the RP names one, ``Target:``."""
    lines = [f"({ex.code}) {ex.message}", f"Code: {ex.code}", f"Message: {ex.message}"]
    if ex.target:
        lines.append(f"Target: {ex.target}")
    return "\n".join(lines)


class AzCli(CLI):  # type: ignore[misc]
    def exception_handler(self, ex: BaseException) -> int:
        if isinstance(ex, BrokenPipeError):  # `aksnet az … | head`
            return 0
        if isinstance(ex, AzureError):
            print(f"ERROR: {render_azure_error(ex)}", file=sys.stderr)
            if ex.code in NOT_FOUND_CODES:
                return 3  # azure-cli maps every HTTP 404 to ResourceNotFoundError, whose exit code is 3
            return int(ex.exit_code)
        if isinstance(ex, AksnetError):
            print(f"ERROR: {ex.render()}", file=sys.stderr)
            return int(ex.exit_code)
        return int(super().exception_handler(ex))


class AzParser(CLICommandParser):  # type: ignore[misc]
    """argparse errors as az prints them (``ERROR: unrecognized arguments: --bogus``), exit 2."""

    def error(self, message: str) -> None:
        print(f"ERROR: {message}", file=sys.stderr)
        if message.startswith("unrecognized arguments: "):
            hint = self._typo_hint(message.split(": ", 1)[1].split()[0])
            if hint:
                print(f"Did you mean '{hint}' ?", file=sys.stderr)
        sys.exit(2)

    def _typo_hint(self, unknown: str) -> str | None:
        """The closest flag of the command being parsed (knack keeps one subparser per command group)."""
        words = _ARGV.get()
        cmd = []
        for w in words:
            if w.startswith("-"):
                break
            cmd.append(w)
        group = getattr(self, "subparsers", {}).get(tuple(cmd[:-1]))
        parser = group.choices.get(cmd[-1]) if group is not None and cmd else None
        known = list(parser._option_string_actions) if parser is not None else []
        return typo_hint(unknown, known)

    def _check_value(self, action: Any, value: Any) -> None:
        """An enum flag's value outside its choices in az's words; command names keep knack's handling."""
        if action.choices is None or value in action.choices or not action.option_strings:
            super()._check_value(action, value)
            return
        lines = invalid_enum_message(self.prog, str(value), action.option_strings[0], list(action.choices))
        print("ERROR: " + "\n".join(lines), file=sys.stderr)
        sys.exit(2)


class AzHelp(CLIHelp):  # type: ignore[misc]
    def __init__(self, cli_ctx: Any = None) -> None:
        super().__init__(
            cli_ctx=cli_ctx,
            welcome_message="aksnet az: the Azure CLI subset of aksnet (an emulated subscription, no cloud).",
        )


_ARGV: ContextVar[tuple[str, ...]] = ContextVar("aksnet_az_argv", default=())


def invoke(argv: list[str]) -> int:
    screened = screen(argv)
    for note in screened.notes:
        print(note, file=sys.stderr)
    if screened.refusal:
        print(f"ERROR: {screened.refusal}", file=sys.stderr)
        return 2
    argv = screened.argv
    config_dir = os.path.join(tempfile.gettempdir(), "aksnet-az-config")
    cli = AzCli(
        cli_name="az",
        commands_loader_cls=AzCommandsLoader,
        help_cls=AzHelp,
        parser_cls=AzParser,
        config_dir=config_dir,
        config_env_var_prefix="AKSNET_AZ",
    )
    quiet = "--only-show-errors" in argv
    cli.only_show_errors = quiet  # knack's deprecation warnings read it (its logging sets it only once per process)
    token = _ONLY_SHOW_ERRORS.set(quiet)
    argv_token = _ARGV.set(tuple(argv))
    try:
        return int(cli.invoke(argv, out_file=sys.stdout))
    finally:
        _ARGV.reset(argv_token)
        _ONLY_SHOW_ERRORS.reset(token)
