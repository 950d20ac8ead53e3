"""The knack application behind ``aksnet az``.

Command modules (``cmd_*.py``) each expose ``load_command_table(loader)`` and ``load_arguments(loader,
command)``. Only the module of the requested top-level group is imported, to keep start-up fast.
Errors: ``AksnetError`` → ``ERROR: <text>`` on stderr with its exit code, as az prints them.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from jmespath.exceptions import JMESPathError
from knack import CLI, CLICommandsLoader
from knack.config import CLIConfig
from knack.help import CLIHelp
from knack.log import CLILogging
from knack.parser import CLICommandParser

from aksnet.cli.az.params import invalid_enum_message
from aksnet.cli.az.unemulated import screen, typo_hint
from aksnet.errors import AksnetError, AzureError
from aksnet.store import default_home
from aksnet.store.private import create_private_file, make_private_dir

# top-level az groups; ``config`` is ``az config set aks.default_network_plugin=…`` (a workspace setting)
GROUPS = ("account", "group", "network", "vm", "aks", "config", "identity", "role", "extension")


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
            from aksnet.cli.az import cmd_aks, cmd_aks_approuting, cmd_aks_invoke, cmd_aks_mesh

            return (cmd_aks, cmd_aks_approuting, cmd_aks_invoke, cmd_aks_mesh)
        case "identity" | "role":
            from aksnet.cli.az import cmd_identity

            return (cmd_identity,)
        case "config":
            from aksnet.cli.az import cmd_aks

            return (cmd_aks,)
        case "extension":
            from aksnet.cli.az import cmd_extension

            return (cmd_extension,)
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


def render_azure_error(ex: AzureError) -> str:
    """A resource provider's error as az prints it (azure-core's ODataV4 format): ``(Code) Message``, then
    ``Code:``, ``Message:`` and, when the RP names one, ``Target:``."""
    lines = [f"({ex.code}) {ex.message}", f"Code: {ex.code}", f"Message: {ex.message}"]
    if ex.target:
        lines.append(f"Target: {ex.target}")
    return "\n".join(lines)


QUERY_REFERENCE = "To learn more about --query, please visit: 'https://learn.microsoft.com/cli/azure/query-azure-cli'"


def render_query_error(ex: JMESPathError) -> str:
    """A ``--query`` that fails while it runs (unknown function, wrong argument type), as azure-cli's
    ``handle_exception`` words it (azure-cli ``src/azure-cli-core/azure/cli/core/util.py``). A query that
    does not parse never gets here: knack's ``jmespath_type`` rejects it while parsing arguments (exit 2)."""
    message = getattr(ex, "message", None) or str(ex)
    return f"ERROR: Invalid jmespath query supplied for `--query`: {message}\n{QUERY_REFERENCE}"


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
        if isinstance(ex, JMESPathError):
            print(render_query_error(ex), file=sys.stderr)
            return 1  # azure-cli raises InvalidArgumentValueError, exit code 1
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


# Options whose values are secrets: never shown by ``--debug`` ("Command arguments: […]") nor in a log file.
SECRET_OPTIONS = ("--admin-password", "--windows-admin-password", "--client-secret", "--password",
                  "--aad-server-app-secret")
REDACTED = "***"


def redact_argv(argv: list[str]) -> list[str]:
    """``argv`` with the values of :data:`SECRET_OPTIONS` replaced by ``***`` (both ``--opt V`` and
    ``--opt=V``)."""
    out: list[str] = []
    hide_next = False
    for a in argv:
        if hide_next:
            out.append(REDACTED)
            hide_next = False
            continue
        name, eq, _ = a.partition("=")
        if name in SECRET_OPTIONS:
            if eq:
                out.append(f"{name}={REDACTED}")
            else:
                out.append(a)
                hide_next = True
            continue
        out.append(a)
    return out


class _RedactSecrets(logging.Filter):
    """knack logs the whole command line at debug level; hide the secrets in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_argv([str(x) for x in a]) if isinstance(a, (list, tuple)) else a
                                for a in record.args)
        return True


class AzConfig(CLIConfig):  # type: ignore[misc]
    """knack's configuration, kept in the workspace (``$AKSNET_HOME/az``, as az keeps it in ``~/.azure``)
    rather than in a shared, predictable temporary directory another user could plant a config in. The
    directory is made (0700) only when something is written there, so read-only commands create nothing."""

    def __init__(self, config_dir: str | None = None, config_env_var_prefix: str | None = None,
                 config_file_name: str | None = None, use_local_config: bool | None = None) -> None:
        import knack.config

        real = knack.config.ensure_dir
        knack.config.ensure_dir = lambda d: None  # knack creates the directory eagerly; defer it
        try:
            super().__init__(config_dir, config_env_var_prefix, config_file_name, use_local_config=False)
        finally:
            knack.config.ensure_dir = real

    def set_to_use_local_config(self, use_local_config: bool) -> None:
        """Never read a config from the working directory's parents (knack's local config chain)."""


class AzLogging(CLILogging):  # type: ignore[misc]
    """knack's optional log file (``[logging] enable_log_file``) under the workspace's ``az/logs``, 0700."""

    def _init_logfile_handlers(self, root_logger: logging.Logger, cli_loggers: list[logging.Logger]) -> None:
        make_private_dir(Path(self.log_dir))
        create_private_file(Path(self.log_dir) / self.logfile_name)
        super()._init_logfile_handlers(root_logger, cli_loggers)


def az_config_dir() -> str:
    """Where knack keeps az's configuration and logs: ``$AKSNET_HOME/az``."""
    return str(default_home() / "az")


_ARGV: ContextVar[tuple[str, ...]] = ContextVar("aksnet_az_argv", default=())


def invoke(argv: list[str]) -> int:
    screened = screen(argv)
    for note in screened.notes:
        print(note, file=sys.stderr)
    if screened.refusal:
        print(f"ERROR: {screened.refusal}", file=sys.stderr)
        return 2
    argv = screened.argv
    knack_cli_logger = logging.getLogger("cli.knack.cli")
    if not any(isinstance(f, _RedactSecrets) for f in knack_cli_logger.filters):
        knack_cli_logger.addFilter(_RedactSecrets())
    cli = AzCli(
        cli_name="az",
        commands_loader_cls=AzCommandsLoader,
        help_cls=AzHelp,
        parser_cls=AzParser,
        config_cls=AzConfig,
        logging_cls=AzLogging,
        config_dir=az_config_dir(),
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
