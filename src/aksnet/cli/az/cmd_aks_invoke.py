"""``az aks command invoke -g RG -n CLUSTER --command "kubectl …"``: run a kubectl or helm command from inside the
cluster (AKS starts a ``command-<id>`` pod in ``aks-command`` with the cluster's admin credentials), so it works
for a private cluster whose API server a laptop cannot reach (learn.microsoft.com/azure/aks/access-private-cluster).

aksnet runs the command in-process against the cluster with a throw-away admin kubeconfig (the workspace
kubeconfig is not touched) and prints what az prints: ``command started at …, finished at … with exitcode=N``
then the command's output (azure-cli acs ``_print_command_result``). Only ``kubectl`` and ``helm`` commands
run; ``--file`` attachments are not read.
"""

from __future__ import annotations

import contextlib
import io
import shlex
import tempfile
from pathlib import Path
from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.common import command_transaction
from aksnet.errors import AzCliError

_MOD = "aksnet.cli.az.cmd_aks_invoke#{}"
RUNNABLE = ("kubectl", "helm")


def _admin_kubeconfig(resource_group_name: str, name: str) -> dict[str, Any]:
    from aksnet.twin.aks import credentials

    with command_transaction(write=False) as tx:
        return credentials.standalone_config(tx, resource_group_name, name, admin=True, context_name=None)


def aks_command_invoke(resource_group_name: str, name: str, command_string: str,
                       file: list[str] | None = None) -> None:
    """Run a kubectl or helm command inside the cluster (works for private clusters)."""
    import yaml

    from aksnet.cli.main import main
    from aksnet.twin.kube import clock

    words = shlex.split(command_string)
    if not words or words[0] not in RUNNABLE:
        raise AzCliError("InvalidArgumentValueError",
                         f"aksnet runs kubectl and helm commands only; got '{words[0] if words else ''}'")
    config = _admin_kubeconfig(resource_group_name, name)
    started = clock.now()
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory(prefix="aksnet-invoke-") as tmp:
        path = Path(tmp) / "kubeconfig"
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([words[0], *words[1:], "--kubeconfig", str(path)])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finished = clock.now()
    print(f"command started at {started}, finished at {finished} with exitcode={code}")
    print(out.getvalue() + err.getvalue(), end="")


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "aks command", _MOD) as g:
        g.command("invoke", "aks_command_invoke")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "aks command") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="Name of the managed cluster.")
        c.argument("command_string", options_list=["--command", "-c"], help="The kubectl or helm command to run.")
        c.argument("file", options_list=["--file", "-f"], nargs="+",
                   help="Files the command uses (accepted; aksnet reads manifests given to kubectl by path).")
