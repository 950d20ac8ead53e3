"""``kubectl exec POD -- curl|wget|nc|agnhost connect`` answered in the twin from that pod: the program's output
and exit code as the real one prints them; a program missing from a known image → containerd's error."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.azure.helpers import snapshot
from tests.conftest import run_cli

POLICY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-client}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress:
  - from:
    - podSelector: {matchLabels: {run: client}}
"""
NOT_FOUND = ("error: Internal error occurred: error executing command in container: failed to exec in container: "
             'failed to start exec "{id}": OCI runtime exec failed: exec failed: unable to start container process: '
             'exec: "{prog}": executable file not found in $PATH: unknown\n')


def _cluster(tmp: Path) -> str:
    for line in ["az group create -n rg -l eastus",
                 "az aks create -g rg -n c --network-plugin azure --network-policy azure --node-count 1",
                 "az aks get-credentials -g rg -n c",
                 "kubectl run client --image=k8s.gcr.io/e2e-test-images/agnhost:2.33 --command -- sleep infinity",
                 "kubectl run server --image=nginx --labels=app=server --port=80 --expose",
                 "kubectl run bb --image=busybox --command -- sleep 1d",
                 "kubectl run other --image=mcr.microsoft.com/azurelinux/base/core:3.0 --command -- sleep 1d"]:
        r = run_cli(*shlex.split(line))
        assert r.code == 0, (line, r.err)
    (tmp / "policy.yaml").write_text(POLICY)
    assert run_cli("kubectl", "apply", "-f", str(tmp / "policy.yaml")).code == 0
    return run_cli("kubectl", "get", "pod", "server", "-o", "jsonpath={.status.podIP}").out.strip()


@pytest.mark.parametrize(("command", "code", "out", "err"), [
    ("client -- /agnhost connect {ip}:80 --timeout=3s --protocol=tcp", 0, "", ""),
    ("client -- /agnhost connect {ip}:81 --timeout=3s", 1, "", "REFUSED\n"),
    ("bb -- /agnhost connect {ip}:80", 1, "", NOT_FOUND.replace("{prog}", "/agnhost")),
    ("client -- curl -sS -m 3 http://server", 0, "pod=default/server\n", ""),
    ("client -- wget -qO- http://server", 0, "header.user-agent=Wget\n", ""),
    ("bb -- wget -qO- -T 2 http://server", 1, "", "wget: download timed out\n"),
    ("client -- wget -qO- http://nosuch", 1, "", "wget: bad address 'nosuch'\n"),
    ("client -- nc -zv -w 2 {ip} 80", 0, "", "{ip} ({ip}:80) open\n"),
    ("bb -- nc -z -w 2 {ip} 80", 1, "", "nc: timed out\n"),
    ("bb -- curl http://server", 1, "", NOT_FOUND.replace("{prog}", "curl")),
    ("other -- ip route", 1, "", "aksnet: 'kubectl exec … -- ip route' runs a program aksnet does not emulate "
                                 "in the twin (emulated: agnhost connect, curl, wget, nc); see docs/fidelity.md\n"),
    ("nosuch -- curl http://server", 1, "", 'Error from server (NotFound): pods "nosuch" not found\n'),
], ids=["agnhost-open", "agnhost-refused", "agnhost-missing-in-busybox", "curl", "wget-user-agent",
        "wget-policy-timeout", "wget-bad-address", "nc-open", "nc-policy-timeout", "curl-missing-in-busybox",
        "not-emulated", "no-such-pod"])
def test_exec_in_twin(home: Path, tmp_path: Path, command: str, code: int, out: str, err: str) -> None:
    ip = _cluster(tmp_path)
    before = snapshot(home)
    r = run_cli("kubectl", "exec", "-it", *shlex.split(command.replace("{ip}", ip)))
    assert r.code == code, r.err
    assert out.replace("{ip}", ip) in r.out if out else r.out == ""
    if "{id}" in err:
        head, tail = err.split('"{id}"')
        assert r.err.startswith(head) and r.err.endswith(tail) and len(r.err) == len(head) + len(tail) + 66
    else:
        assert r.err == err.replace("{ip}", ip)
    assert snapshot(home) == before
