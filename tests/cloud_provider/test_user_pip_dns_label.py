"""``azure-dns-label-name`` on a public IP the user created: set, kept, or refused as cloud-provider-azure's
reconcileDNSSettings does (learn.microsoft.com/azure/aks/static-ip)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

NODE_RG = "MC_rg_c_eastus"


def _ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, r.err
    return r.out


def _service(tmp: Path, by: str, label: str) -> str:
    ip = json.loads(_ok("az", "network", "public-ip", "show", "-g", NODE_RG, "-n", "myip", "--query", "ipAddress"))
    ref = ("    service.beta.kubernetes.io/azure-pip-name: myip\n" if by == "name" else "")
    lb_ip = f"  loadBalancerIP: {ip}\n" if by == "ip" else ""
    path = tmp / "svc.yaml"
    path.write_text(f"""apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/azure-load-balancer-resource-group: {NODE_RG}
{ref}    service.beta.kubernetes.io/azure-dns-label-name: {label}
spec:
  type: LoadBalancer
{lb_ip}  ports:
  - port: 80
  selector:
    app: web
""")
    return str(path)


@pytest.mark.parametrize(("by", "existing", "label", "fqdn", "event"), [
    ("name", None, "mylabel", "mylabel.eastus.cloudapp.azure.com", None),
    ("ip", None, "mylabel", "mylabel.eastus.cloudapp.azure.com", None),
    ("name", "mylabel", "mylabel", "mylabel.eastus.cloudapp.azure.com", None),
    ("name", "other", "mylabel", "other.eastus.cloudapp.azure.com",
     "pip(myip) - there is an existing DNS label other on the public IP"),
], ids=["pip-name", "load-balancer-ip", "same-label-kept", "different-label-refused"])
def test_user_pip_dns_label(home: Path, tmp_path: Path, by: str, existing: str | None, label: str, fqdn: str,
                            event: str | None) -> None:
    _ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    _ok("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "1")
    _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "c")
    _ok("az", "network", "public-ip", "create", "-g", NODE_RG, "-n", "myip",
        *(("--dns-name", existing) if existing else ()))
    _ok("kubectl", "apply", "-f", _service(tmp_path, by, label))
    got = json.loads(_ok("az", "network", "public-ip", "show", "-g", NODE_RG, "-n", "myip", "--query",
                         "dnsSettings.fqdn"))
    assert got == fqdn
    described = _ok("kubectl", "describe", "service", "web")
    if event:
        assert event in described
    else:
        assert "SyncLoadBalancerFailed" not in described
