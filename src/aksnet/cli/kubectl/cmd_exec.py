"""``kubectl exec [-i] [-t] [-c CONTAINER] [-n NS] POD -- COMMAND [ARGS…]``: the pod from the API server, the
command answered in the twin (``exec_twin``), or run for real when the data plane is up. Must not walk flows
itself."""

from __future__ import annotations

import sys

from aksnet.cli.kubectl import flags
from aksnet.cli.kubectl.resources import resource_type
from aksnet.cli.kubectl.session import open_session
from aksnet.errors import KubeError

VALUES = {"container": ("-c", "--container"), "pod-running-timeout": ("--pod-running-timeout",)}
BOOLS = {"stdin": ("-i", "--stdin"), "tty": ("-t", "--tty"), "quiet": ("-q", "--quiet"), "it": ("-it", "-ti")}


def _dataplane_up() -> bool:
    from aksnet.dataplane import session
    from aksnet.errors import AksnetError
    from aksnet.store.workspace import default_home

    try:
        session.own_state(default_home())
    except (AksnetError, OSError):
        return False
    return True


def cmd_exec(argv: list[str]) -> int:
    p = flags.parse(argv, VALUES, BOOLS, "exec")
    if not p.args or not p.rest:
        raise KubeError("error: you must specify at least one command for the container" if p.args else
                        "error: expected 'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]'.\n"
                        "POD_NAME and COMMAND are required arguments for the exec command\n"
                        "See 'kubectl exec -h' for help and examples")
    target = p.args[0]
    kind, _, name = target.rpartition("/")
    if kind and resource_type(kind).kind != "Pod":
        raise KubeError(f"error: cannot exec into a {resource_type(kind).kind}: aksnet emulates exec into pods only")
    if _dataplane_up():
        from aksnet.cli import dataplane

        ns_args = ["-n", p.get("namespace") or "default"]
        return int(dataplane.run("exec", [name, *ns_args, "--", *p.rest]))
    from aksnet.cli.kubectl.exec_twin import run_in_pod

    with open_session(p, write=False) as s:
        pod = s.api.get(resource_type("pod"), s.namespace, name)
    answer = run_in_pod(dict(pod), p.get("container"), p.rest)
    sys.stdout.write(answer.out)
    sys.stderr.write(answer.err)
    return answer.code
