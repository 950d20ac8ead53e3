"""``kubectl exec POD -- CMD…`` in the twin: the network commands people run from a pod, answered by walking
the flow from that pod.

Emulated programs: ``agnhost connect HOST:PORT`` (kubernetes ``test/images/agnhost/connect``: silent and exit 0
when the connection opens, else ``TIMEOUT``/``REFUSED``/``DNS: …`` on stderr and exit 1), ``curl`` (aksnet's
curl from the pod: curl's output and exit codes), busybox ``wget`` (body with ``-O-``, failures as busybox words
them, exit 1) and busybox ``nc -z`` (exit 0 when open). A program the pod's image is known not to have gets
containerd's "executable file not found in $PATH" error as kubectl prints it (exit 1); another program is
refused with aksnet's not-emulated note (exit 2). With the real data plane up (``aksnet up``) the command runs
for real in the pod's namespace instead (``aksnet exec``). Never runs a program of this machine in the twin.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aksnet.errors import UsageError

if TYPE_CHECKING:
    from aksnet.engine.addressing import Topology

# What a few images used in the AKS articles ship (their Dockerfiles): agnhost is Alpine with bash, curl,
# netcat and the agnhost binary (kubernetes test/images/agnhost/Dockerfile); busybox has wget and nc
# applets; the Debian-based nginx and curlimages/curl images have curl. Other images: unknown, not refused.
IMAGE_PROGRAMS: dict[str, frozenset[str]] = {
    "agnhost": frozenset({"agnhost", "curl", "nc", "sh", "bash", "wget"}),
    "busybox": frozenset({"wget", "nc", "sh", "ping", "nslookup"}),
    "nginx": frozenset({"curl", "sh", "bash"}),
    "curl": frozenset({"curl", "sh"}),
}
EMULATED = ("agnhost connect", "curl", "wget", "nc")


@dataclass(frozen=True)
class ExecAnswer:
    code: int
    out: str = ""
    err: str = ""


def _image_name(image: str) -> str:
    """``k8s.gcr.io/e2e-test-images/agnhost:2.33`` → ``agnhost``."""
    last = image.rsplit("/", 1)[-1]
    return last.split("@", 1)[0].split(":", 1)[0]


def not_found(pod_uid: str, program: str) -> ExecAnswer:
    """containerd's refusal of a program missing from the image, as kubectl 1.32 prints it (exit 1)."""
    exec_id = hashlib.sha256(f"{pod_uid}/{program}".encode()).hexdigest()
    return ExecAnswer(1, err=(
        "error: Internal error occurred: error executing command in container: failed to exec in container: "
        f'failed to start exec "{exec_id}": OCI runtime exec failed: exec failed: unable to start container '
        f'process: exec: "{program}": executable file not found in $PATH: unknown\n'))


def _agnhost_connect(source: str, args: list[str], namespace: str) -> ExecAnswer:
    from aksnet.analyses.trace import trace

    dest, protocol = None, "TCP"
    for a in args:
        if a.startswith("--protocol="):
            protocol = a.split("=", 1)[1].upper()
        elif not a.startswith("-") and dest is None:
            dest = a
    if dest is None or ":" not in dest:
        return ExecAnswer(1, err=f"UNKNOWN: address {dest or ''}: missing port in address\n")
    host, _, port = dest.rpartition(":")
    if not port.isdigit():
        return ExecAnswer(1, err=f'UNKNOWN: address {dest}: invalid port ":{port}" after host\n')
    topo = _topology()
    result = trace(topo, source, host.strip("[]"), int(port), protocol, namespace)
    if result.delivered:
        return ExecAnswer(0)
    verdict = result.verdict
    if verdict == "refused":
        return ExecAnswer(1, err="REFUSED\n")
    if verdict == "unresolved":
        return ExecAnswer(1, err=f"DNS: lookup {host}: no such host\n")
    return ExecAnswer(1, err="TIMEOUT\n")


def _topology() -> Topology:
    from aksnet.cli.trace import load_topology
    from aksnet.engine.addressing import Topology

    topo = load_topology(None, None)
    assert isinstance(topo, Topology)
    return topo


def _curl(source: str, args: list[str], namespace: str) -> ExecAnswer:
    import contextlib
    import io

    from aksnet.cli import curl as curl_cli

    kept, i = [], 0
    while i < len(args):  # timeouts change nothing in the twin (a dropped flow is curl's timeout, exit 28)
        if args[i] in ("-m", "--max-time", "--connect-timeout"):
            i += 2
            continue
        kept.append("-s" if args[i] == "-sS" else args[i])
        i += 1
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = curl_cli.run(["--from", source, "-n", namespace, *kept])
    return ExecAnswer(code, out.getvalue(), err.getvalue())


def _wget(source: str, args: list[str], namespace: str) -> ExecAnswer:
    """busybox wget: ``-O-``/``-O -``/``-qO-`` writes the body to stdout; failures exit 1 in busybox's words."""
    url, to_stdout, quiet, i = None, False, False, 0
    while i < len(args):
        a = args[i]
        if a in ("-O", "-T", "--timeout", "--header", "-U"):
            if a == "-O" and i + 1 < len(args) and args[i + 1] == "-":
                to_stdout = True
            i += 2
            continue
        if a.startswith("-") and not a.startswith("--"):
            quiet = quiet or "q" in a
            to_stdout = to_stdout or a.endswith("O-")
        elif not a.startswith("-"):
            url = a
        i += 1
    if url is None:
        return ExecAnswer(1, err="BusyBox wget: missing URL\n")
    if "://" not in url:
        url = "http://" + url
    res = _curl(source, ["-H", "User-Agent: Wget", url], namespace)  # busybox wget's User-Agent
    host = url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0]
    if res.code == 6:
        return ExecAnswer(1, err=f"wget: bad address '{host}'\n")
    if res.code == 7:
        return ExecAnswer(1, err=f"wget: can't connect to remote host ({host}): Connection refused\n")
    if res.code == 28:
        return ExecAnswer(1, err="wget: download timed out\n")
    if res.code != 0:
        return ExecAnswer(1, err=res.err.replace("curl:", "wget:", 1))
    chatter = "" if quiet else f"Connecting to {host}\n" + ("writing to stdout\n" if to_stdout else
                                                            "saving to 'index.html'\n")
    return ExecAnswer(0, res.out if to_stdout else "", chatter)


def _nc(source: str, args: list[str], namespace: str) -> ExecAnswer:
    """busybox ``nc -z [-v] [-w SECS] HOST PORT``: exit 0 when the port opens, 1 when not."""
    from aksnet.analyses.trace import trace

    words, verbose, i = [], False, 0
    while i < len(args):
        a = args[i]
        if a in ("-w", "-W", "-p", "-s"):
            i += 2
            continue
        if a.startswith("-"):
            verbose = verbose or "v" in a
            if "z" not in a and a not in ("-v", "-n", "-u"):
                raise UsageError(f"aksnet: 'nc {a}' is not emulated in the twin (only the 'nc -z HOST PORT' port "
                                 "check); see docs/fidelity.md")
        else:
            words.append(a)
        i += 1
    if len(words) != 2 or not words[1].isdigit():
        return ExecAnswer(1, err="BusyBox nc: usage: nc [-z] [-v] [-w SEC] HOST PORT\n")
    host, port = words
    result = trace(_topology(), source, host, int(port), "UDP" if "-u" in args else "TCP", namespace)
    if result.delivered:
        return ExecAnswer(0, err=f"{host} ({host}:{port}) open\n" if verbose else "")
    if result.verdict == "refused":
        return ExecAnswer(1, err=f"nc: can't connect to remote host ({host}): Connection refused\n")
    return ExecAnswer(1, err="nc: timed out\n")


def run_in_pod(pod: dict[str, object], container: str | None, command: list[str]) -> ExecAnswer:
    """Run ``command`` from ``pod`` in the twin (see the module docstring)."""
    meta = pod.get("metadata") or {}
    assert isinstance(meta, dict)
    namespace, name = str(meta.get("namespace", "default")), str(meta.get("name"))
    spec = pod.get("spec") or {}
    assert isinstance(spec, dict)
    containers = [c for c in spec.get("containers") or [] if isinstance(c, dict)]
    chosen = next((c for c in containers if c.get("name") == container), containers[0] if containers else {})
    image = _image_name(str(chosen.get("image", "")))
    program = command[0]
    base = program.rsplit("/", 1)[-1]
    known = IMAGE_PROGRAMS.get(image)
    if known is not None and base not in known:
        return not_found(str(meta.get("uid", name)), program)
    source = f"pod/{namespace}/{name}"
    if base == "agnhost" and command[1:2] == ["connect"]:
        return _agnhost_connect(source, command[2:], namespace)
    if base == "curl":
        return _curl(source, command[1:], namespace)
    if base == "wget":
        return _wget(source, command[1:], namespace)
    if base == "nc":
        return _nc(source, command[1:], namespace)
    raise UsageError(f"aksnet: 'kubectl exec … -- {' '.join(command[:2])}' runs a program aksnet does not emulate "
                     f"in the twin (emulated: {', '.join(EMULATED)}); see docs/fidelity.md")
