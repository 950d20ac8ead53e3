"""A command imports what its input needs: a plain NetworkPolicy matrix never creates the Gateway API, Istio or
serving classes, a kubectl read loads no controller, admission webhook or PyYAML, a trace on a cluster without
firewalls, sidecars or Gateway API objects none of their semantics (class creation is most of a command's
start-up: ``docs/fidelity.md``, start-up imports). Each row runs the command in a fresh interpreter and lists
the modules it loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
"""
# runs the CLI as ``python -m aksnet`` does, then writes the names of the loaded modules to the file in argv[1]
PROBE = ("import contextlib, io, json, sys\n"
         "from aksnet.cli.main import main\n"
         "with contextlib.redirect_stdout(io.StringIO()):\n"
         "    code = main(sys.argv[2:])\n"
         "open(sys.argv[1], 'w').write(json.dumps({'code': code, 'modules': sorted(sys.modules)}))\n")

GATEWAY_AND_ISTIO = {"aksnet.model.gateway", "aksnet.model.mesh", "aksnet.model.mesh_traffic",
                     "aksnet.io.gateway_model", "aksnet.io.mesh_model", "aksnet.io.mesh_traffic_model"}
ROWS = [
    ("matrix-from-dir", ["matrix", "--from-dir", "{dir}", "--all-ports"], {"aksnet.engine.netpol.classes"},
     GATEWAY_AND_ISTIO | {"aksnet.model.k8s_serving", "aksnet.model.azure", "aksnet.io.calico_policy",
                          "aksnet.io.cilium_policy", "aksnet.io.admin_policy", "aksnet.engine.netpol.engine_rules",
                          "aksnet.render.connlist_csv", "aksnet.render.connlist_json", "aksnet.io.twin_loader"}),
    ("kubectl-get-pods", ["kubectl", "get", "pods", "-A"], {"aksnet.twin.kube.apiserver"},
     {"yaml", "aksnet.twin.controller_manager", "aksnet.cli.kubectl.gateway_controller",
      "aksnet.twin.kube.ingress_webhook", "aksnet.model.azure", "aksnet.model.k8s"}),
    ("kubectl-get-pods-yaml", ["kubectl", "get", "pods", "-A", "-o", "yaml"], {"yaml"},
     {"aksnet.twin.controller_manager", "aksnet.twin.kube.ingress_webhook"}),
    ("trace-snapshot", ["trace", "pod/kube-system/{pod}", "internet/203.0.113.10", "--port", "443"],
     {"aksnet.engine.walk", "aksnet.io.twin_snapshot"},
     GATEWAY_AND_ISTIO | {"aksnet.io.twin_loader", "aksnet.model.firewall", "aksnet.engine.firewall_hop",
                          "aksnet.engine.mesh"}),
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(AKSNET_HOME with a one-node cluster, a directory of manifests, a kube-system pod's name)."""
    root = tmp_path_factory.mktemp("lazy")
    home, manifests = root / "home", root / "manifests"
    manifests.mkdir()
    (manifests / "app.yaml").write_text(MANIFESTS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AKSNET_HOME", str(home))
        for argv in (["az", "group", "create", "-n", "rg", "-l", "eastus"],
                     ["az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "1"],
                     ["az", "aks", "get-credentials", "-g", "rg", "-n", "c"]):
            assert run_cli(*argv).code == 0
        pods = run_cli("kubectl", "get", "pods", "-n", "kube-system", "-o", "name")
        assert pods.code == 0, pods.err
        # the first question after a write decodes the documents and writes the snapshot the rows read
        warm = run_cli("trace", f"pod/kube-system/{pods.out.split()[0].split('/', 1)[1]}", "internet/203.0.113.10",
                       "--port", "443")
        assert warm.code == 0, warm.err
    return home, manifests, pods.out.split()[0].split("/", 1)[1]


@pytest.mark.parametrize(("argv", "needed", "never"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_command_imports_only_what_its_input_needs(workspace: tuple[Path, Path, str], tmp_path: Path,
                                                   argv: list[str], needed: set[str], never: set[str]) -> None:
    home, manifests, pod = workspace
    report = tmp_path / "modules.json"
    args = [a.format(dir=manifests, pod=pod) for a in argv]
    subprocess.run([sys.executable, "-c", PROBE, str(report), *args], env={**os.environ, "AKSNET_HOME": str(home)},
                   check=True, stderr=subprocess.DEVNULL)
    got = json.loads(report.read_text())
    assert got["code"] == 0
    loaded = set(got["modules"])
    assert needed <= loaded
    assert sorted(never & loaded) == []
