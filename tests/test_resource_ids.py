"""ARM resource IDs compare through one normalisation (``aksnet.model.ids``: ``id_key``/``same_id``); no other
module lower-cases an ID itself. The guard fails when a hand-lowered resource ID (``x["id"].lower()``,
``subnet_id.lower() == …``) appears anywhere in ``src/aksnet`` outside ``model/ids.py``. A receiver counts as an
ID when its source text names one (``id``, ``…_id``, ``…Id``, ``rid``/``sid``/…, the owners and holders of
addresses, ``managedBy``, scopes); lower-casing names, enum values and Kubernetes keys stays legitimate, listed
below where the text looks like an ID but is not."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from aksnet.model.ids import id_key, same_id, same_name

SRC = Path(__file__).resolve().parents[1] / "src" / "aksnet"
SUB = "/subscriptions/0000/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/V"


@pytest.mark.parametrize(("a", "b", "same"), [
    pytest.param(SUB, SUB.lower(), True, id="case-insensitive"),
    pytest.param(SUB, SUB + "/subnets/s", False, id="child-is-another-resource"),
    pytest.param(None, "", True, id="none-is-empty"),
    pytest.param(SUB, None, False, id="id-vs-none"),
])
def test_same_id(a: str | None, b: str | None, same: bool) -> None:
    assert same_id(a, b) is same
    assert (id_key(a) == id_key(b)) is same


@pytest.mark.parametrize(("a", "b", "same"), [
    pytest.param("GatewaySubnet", "gatewaysubnet", True, id="case-insensitive"),
    pytest.param("allow-web", "allow-web2", False, id="other-name"),
    pytest.param(None, "", True, id="none-is-empty"),
    pytest.param("rg", None, False, id="name-vs-none"),
])
def test_same_name(a: str | None, b: str | None, same: bool) -> None:
    """Azure resource names are case-insensitive (learn.microsoft.com resource-name-rules)."""
    assert same_name(a, b) is same


HAND_LOWERED_NAME = re.compile(r'(\["name"\]\)?|\.resource_group|\.subscription)\.lower\(\) *(==|!=)')


def test_azure_names_compare_through_same_name() -> None:
    """twin/ compares an Azure resource's name, resource group or subscription through ``same_name`` only."""
    hits = [f"{p.relative_to(SRC)}:{n}" for p in sorted((SRC / "twin").rglob("*.py"))
            for n, line in enumerate(p.read_text().splitlines(), 1) if HAND_LOWERED_NAME.search(line)]
    assert not hits


ID_TEXT = re.compile(r'(\bid\b|"id"|_id\b|\bids\b|(?<!principal)Id"|(?<!principal)Id\b|\b[rpsgcvnz]id\b|\bnid\b|'
                     r'managedBy|\bowner\b|\bholder\b|\bused_by\b|\bwho\b|\bscope\b|\bnsg_ref\b|\bref\b|_remote_of|'
                     r'\bprefix\b|owner_prefix|providerID|\bsubnet\b|nic_ids|\bvm_id\b)')
# (module, receiver text): lower() calls whose receiver reads like an ID but is not an ARM resource ID
ALLOWED = {
    ("model/ids.py", 'resource_id or ""'),  # the one normalisation
    ("cli/az/cmd_identity.py", 'd["id"].split("/")[4]'),  # a resource group name, compared as az compares it
    ("engine/nsg.py", "prefix.strip()"),  # an NSG rule's address prefix (a service tag name or a CIDR)
    ("twin/cloud_provider/frontends.py", "owner"),  # the Service (namespace/name) that owns a public IP's DNS label
    ("twin/kube/objects.py", "prefix"),  # a prefix of Kubernetes object keys
    # composite keys (subnet ID | requested address) of a frontend, lower-cased as one
    ("twin/cloud_provider/frontends.py", 'f"{sid}|{svc.requested_ip}"'),
    ("twin/cloud_provider/frontends.py", "f\"{p['subnet']['id']}|{p.get('privateIPAddress')}\""),
}


def hand_lowered_ids(path: Path) -> list[tuple[int, str]]:
    """(line, receiver) of each ``X.lower()`` whose receiver ``X`` reads like a resource ID."""
    src = path.read_text(encoding="utf-8")
    out = []
    for node in ast.walk(ast.parse(src)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "lower"
                and not node.args):
            recv = ast.get_source_segment(src, node.func.value) or ""
            if ID_TEXT.search(recv):
                out.append((node.lineno, recv))
    return out


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_hand_lowered_resource_ids(path: Path) -> None:
    rel = str(path.relative_to(SRC))
    found = [f"{rel}:{line}: {recv}.lower()" for line, recv in hand_lowered_ids(path) if (rel, recv) not in ALLOWED]
    assert not found, "key and compare ARM resource IDs with aksnet.model.ids (id_key, same_id):\n" + "\n".join(found)


@pytest.mark.parametrize(("code", "hits"), [
    pytest.param('x = d["id"].lower()', 1, id="doc-id"),
    pytest.param("same = subnet_id.lower() == other.lower()", 1, id="named-id"),
    pytest.param('k = str(g.get("managedBy") or "").lower()', 1, id="managed-by"),
    pytest.param("n = r['name'].lower()", 0, id="a-name-is-not-an-id"),
    pytest.param("v = value.lower()", 0, id="an-enum-value"),
    pytest.param('p = d["properties"]["principalId"].lower()', 0, id="a-principal-guid"),
])
def test_guard_sees_hand_lowered_ids(tmp_path: Path, code: str, hits: int) -> None:
    """The guard itself: what it counts as a hand-lowered ID and what it leaves alone."""
    f = tmp_path / "m.py"
    f.write_text(code + "\n")
    assert len(hand_lowered_ids(f)) == hits


def test_allow_list_is_current() -> None:
    """Every allowed entry still occurs (a stale entry would hide a new use of the same text)."""
    seen = {(str(p.relative_to(SRC)), recv) for p in _modules() for _, recv in hand_lowered_ids(p)}
    assert seen >= ALLOWED, ALLOWED - seen
