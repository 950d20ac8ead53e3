"""``aksnet diff --apply PATH`` / ``--az FILE``: the imported cluster against a copy with the proposed change made,
connections gained and lost; the workspace itself is never written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

DUMP = Path(__file__).resolve().parent / "dump"
OPEN_API = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-api-to-backend, namespace: production}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{protocol: TCP, port: 8080}]
"""


@pytest.fixture
def imported(home: Path) -> Path:
    assert run_cli("import", str(DUMP)).code == 0
    return home


def db_bytes(home: Path) -> bytes:
    return (home / "workspace.db").read_bytes()


CASES = [
    pytest.param(("--apply", "{dir}/open.yaml"), {"open.yaml": OPEN_API},
                 "diff-type: added, source: production/api[Deployment], destination: production/backend[Deployment], "
                 "ref1: No Connections, ref2: TCP 8080", id="manifest-gains-a-connection"),
    pytest.param(("--path", "--az", "{dir}/change.az"),
                 {"change.az": "# drop the subnet NSG's web rule\n"
                               "az network nsg rule delete -g prod-rg --nsg-name aks-nodes-nsg -n allow-web\n"},
                 "diff-type: removed, source: internet/198.51.100.10, destination: lb/kubernetes/", id="az-loses-web"),
]


@pytest.mark.parametrize(("args", "files", "want"), CASES)
def test_what_if(imported: Path, tmp_path: Path, args: tuple[str, ...], files: dict[str, str], want: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    before = db_bytes(imported)
    r = run_cli("diff", *(a.format(dir=tmp_path) for a in args))
    assert r.code == 0, r.err
    assert want in r.out, r.out
    assert db_bytes(imported) == before


def test_failing_change_names_the_command(imported: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.az").write_text("az network nsg rule delete -g prod-rg --nsg-name nope -n x\n")
    (tmp_path / "notaz.az").write_text("kubectl delete ns production\n")
    r = run_cli("diff", "--az", str(tmp_path / "bad.az"))
    assert r.code != 0 and "the proposed change failed at: aksnet az network nsg rule delete" in r.err
    r = run_cli("diff", "--az", str(tmp_path / "notaz.az"))
    assert r.code == 2 and "notaz.az:1: not an az command" in r.err
