"""One exception tree for aksnet.

Library code raises these; only the CLI turns them into messages and exit codes. Messages users see
are built here or from constants next to the rule that raises them, so tests can assert on them.
"""

from __future__ import annotations


class AksnetError(Exception):
    """Base of every error aksnet reports to a user. ``exit_code`` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def render(self) -> str:
        """The text printed to stderr (without a trailing newline)."""
        return self.message


class UsageError(AksnetError):
    """Bad command-line usage: unknown flag, missing argument, malformed value (exit 2)."""

    exit_code = 2


class AzureError(AksnetError):
    """An error as the Azure resource providers report it: ``(Code) Message`` (az prints ``ERROR: `` before it)."""

    def __init__(self, code: str, message: str, target: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.target = target

    def render(self) -> str:
        return f"({self.code}) {self.message}"


class AzCliError(AksnetError):
    """A client-side validation error of az (raised before any request), e.g. InvalidArgumentValueError.

    ``kind`` is the azure-cli error class name; az prints only the message after ``ERROR: ``.
    """

    def __init__(self, kind: str, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.kind = kind
        self.exit_code = exit_code


class ResourceNotFound(AzureError):
    """ARM's 404 for a resource or resource group."""

    def __init__(self, message: str, code: str = "ResourceNotFound") -> None:
        super().__init__(code, message)


class KubeError(AksnetError):
    """An error as kubectl prints it, already formatted (``Error from server (NotFound): …``)."""


class KubeInvalid(KubeError):
    """HTTP 422 Invalid. Alone kubectl prints ``The <Kind> "<name>" is invalid: …`` (one cause inline, several
    as ``* `` lines); among several errors of one command it prints the status message instead
    (:meth:`status_line`)."""

    def __init__(self, kind: str, name: str, causes: list[str]) -> None:
        prefix = f'The {kind} "{name}" is invalid: '
        text = prefix + causes[0] if len(causes) == 1 else prefix + "\n" + "\n".join(f"* {c}" for c in causes)
        super().__init__(text)
        self.kind = kind
        self.name = name
        self.cause_lines = list(causes)

    def status_line(self, group: str, verb: str, source: str) -> str:
        """``Error from server (Invalid): error when creating "f.yaml": Deployment.apps "web" is invalid: …``
        (the status message of ``NewInvalid``: the qualified kind, the causes as an aggregate)."""
        qualified = f"{self.kind}.{group}" if group else self.kind
        causes = self.cause_lines
        agg = causes[0] if len(causes) == 1 else "[" + ", ".join(causes) + "]"
        return f'Error from server (Invalid): error when {verb} "{source}": {qualified} "{self.name}" is invalid: {agg}'


class WorkspaceError(AksnetError):
    """The workspace cannot be opened, is locked for too long, or holds data of another version."""


class DataplaneError(AksnetError):
    """The real data plane cannot be built or probed here (not root, no netns, missing nft/nginx)."""
