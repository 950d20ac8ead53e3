"""A real cluster's dump (:mod:`aksnet.io.dump`) into the workspace, as observed state.

Azure resources are stored under their resource IDs as ARM documents; the Kubernetes objects under the one
managed cluster of the dump; the workspace kubeconfig gets the cluster's context (as ``az aks
get-credentials`` would). The cluster is marked imported (meta key ``imported:<cluster id>``), which tells the
controller manager that its objects are observed, not desired: pods keep their real IPs and nodes (see
:mod:`aksnet.twin.controller_manager`). What the dump lacks is recorded there too, so that the analyses answer
"unknown" instead of guessing. This module prints nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from aksnet.errors import AksnetError
from aksnet.io.arm_ids import parse_resource_id
from aksnet.io.dump import Dump
from aksnet.io.twin_loader import IMPORTED_META
from aksnet.model.account import SUBSCRIPTION_ID
from aksnet.model.ids import id_key
from aksnet.rules.aks import LB_INTERNAL_ANNOTATION
from aksnet.store import Transaction
from aksnet.twin import kubeconfig
from aksnet.twin.kube.validation import split_invalid
from aksnet.twin.kube_store import k8s_key, k8s_kind

KIND_CLUSTER = "microsoft.containerservice/managedclusters"
KIND_GROUP = "microsoft.resources/resourcegroups"
META_PREFIX = IMPORTED_META


class DumpError(AksnetError):
    """A dump that cannot be imported (exit 2)."""

    exit_code = 2


@dataclass
class ImportSummary:
    cluster_id: str
    arm_counts: dict[str, int] = field(default_factory=dict)
    k8s_counts: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    subscription: str | None = None  # the dump's own subscription ID (the workspace holds the emulated one)


def imported_meta(tx: Transaction, cluster_id: str) -> dict[str, Any] | None:
    """The import record of a cluster (``missing`` …), or None for a cluster built with aksnet's commands."""
    raw = tx.meta_get(META_PREFIX + id_key(cluster_id))
    return None if raw is None else dict(json.loads(raw))


def _props(doc: dict[str, Any]) -> dict[str, Any]:
    p = doc.get("properties")
    return p if isinstance(p, dict) else {}


def _ref(value: Any) -> str:
    return str(value.get("id") or "") if isinstance(value, dict) else ""


def missing_data(dump: Dump, cluster: dict[str, Any]) -> list[str]:
    """What the analyses would need and the dump does not hold, each with the command that dumps it."""
    props = _props(cluster)
    node_rg = str(props.get("nodeResourceGroup") or "")
    kinds = {str(d.get("kind")) for d in dump.k8s}
    out: list[str] = []
    for kind, cmd in (("Node", "kubectl get nodes -o json"), ("Pod", "kubectl get pods -A -o json"),
                      ("Service", "kubectl get services -A -o json"),
                      ("EndpointSlice", "kubectl get endpointslices -A -o json"),
                      ("Namespace", "kubectl get namespaces -o json")):
        if kind not in kinds:
            out.append(f"the dump has no {kind} objects ({cmd})")
    have = {id_key(str(d.get("id", ""))) for docs in dump.arm.values() for d in docs}
    if not dump.arm_of("microsoft.network/networkinterfaces"):
        out.append(f"the dump has no NICs of the nodes (az vmss nic list -g {node_rg} --vmss-name …, "
                   "az network nic list)")
    lb_services = [d for d in dump.k8s if d.get("kind") == "Service"
                   and (d.get("spec") or {}).get("type") == "LoadBalancer"]
    lbs = {str(d.get("name", "")).lower() for d in dump.arm_of("microsoft.network/loadbalancers")}
    internal = LB_INTERNAL_ANNOTATION
    for name, wanted in (("kubernetes", [s for s in lb_services if ((s.get("metadata") or {}).get("annotations")
                                                                    or {}).get(internal) != "true"]),
                         ("kubernetes-internal", [s for s in lb_services if ((s.get("metadata") or {})
                                                  .get("annotations") or {}).get(internal) == "true"])):
        if wanted and name not in lbs:
            out.append(f"the dump has no load balancer '{name}' (az network lb list -g {node_rg}) that "
                       f"{len(wanted)} LoadBalancer Service(s) use")
    subnets = {str(p.get("vnetSubnetId") or p.get("vnetSubnetID") or "") for p in props.get("agentPoolProfiles") or ()}
    for sid in sorted(s for s in subnets if s):
        vnet = id_key(sid).split("/subnets/")[0]
        if vnet not in have:
            out.append(f"the dump has no virtual network {sid.split('/subnets/')[0].rsplit('/', 1)[-1]} of the node "
                       "subnet (az network vnet show)")
    for ref, what, cmd in _references(dump):
        if id_key(ref) not in have:
            parsed = parse_resource_id(ref)
            name = parsed.name if parsed else ref
            out.append(f"the dump has no {what} {name} referenced by the dump ({cmd})")
    return out


def _references(dump: Dump) -> list[tuple[str, str, str]]:
    """NSGs and route tables that subnets and NICs name, and public IPs that LB frontends name."""
    refs: dict[str, tuple[str, str, str]] = {}
    for vnet in dump.arm_of("microsoft.network/virtualnetworks"):
        for sn in _props(vnet).get("subnets") or ():
            sp = _props(sn)
            for key, what, cmd in (("networkSecurityGroup", "NSG", "az network nsg list"),
                                   ("routeTable", "route table", "az network route-table list")):
                r = _ref(sp.get(key))
                if r:
                    refs.setdefault(id_key(r), (r, what, cmd))
    for nic in dump.arm_of("microsoft.network/networkinterfaces"):
        r = _ref(_props(nic).get("networkSecurityGroup"))
        if r:
            refs.setdefault(id_key(r), (r, "NSG", "az network nsg list"))
    for lb in dump.arm_of("microsoft.network/loadbalancers"):
        for fe in _props(lb).get("frontendIPConfigurations") or ():
            r = _ref(_props(fe).get("publicIPAddress"))
            if r:
                refs.setdefault(id_key(r), (r, "public IP", "az network public-ip list"))
    return list(refs.values())


def import_dump(tx: Transaction, dump: Dump) -> ImportSummary:
    """Store the dump in the (empty) workspace of ``tx``; the summary says what was read and what is missing."""
    clusters = dump.arm_of(KIND_CLUSTER)
    if len(clusters) > 1:
        names = ", ".join(str(c.get("name")) for c in clusters)
        raise DumpError(f"aksnet import: the dump holds {len(clusters)} managed clusters ({names}); dump one "
                        "cluster per directory")
    if not clusters and dump.k8s:
        raise DumpError("aksnet import: the dump has Kubernetes objects but no managed cluster (az aks show -o "
                        "json): import needs the cluster's network profile; 'aksnet matrix --from-dir DIR' "
                        "analyses manifests alone")
    original = _subscription_of(clusters[0]) if clusters else None
    if original and original.lower() != SUBSCRIPTION_ID:
        dump = _resubscribed(dump, original)
        clusters = dump.arm_of(KIND_CLUSTER)
    cluster_id = id_key(str(clusters[0]["id"])) if clusters else ""
    summary = ImportSummary(cluster_id, subscription=original)
    for kind, docs in dump.arm.items():
        for d in docs:
            tx.put(kind, str(d["id"]), d)
        summary.arm_counts[str(docs[0].get("type", kind)).split("/", 1)[-1]] = len(docs)
    for rg in _resource_groups(dump):
        if not tx.exists(KIND_GROUP, str(rg["id"])):
            tx.put(KIND_GROUP, str(rg["id"]), rg)
    objects, invalid = split_invalid(dump.k8s)
    dump.problems.extend(invalid)
    for d in objects:
        meta = d["metadata"]
        tx.put(k8s_kind(str(d["apiVersion"]), str(d["kind"])), k8s_key(meta.get("namespace"), str(meta["name"])), d,
               cluster_id)
        summary.k8s_counts[str(d["kind"])] = summary.k8s_counts.get(str(d["kind"]), 0) + 1
    if clusters:
        cluster = clusters[0]
        summary.missing = missing_data(dump, cluster)
        tx.meta_set(META_PREFIX + cluster_id, json.dumps({"missing": summary.missing, "subscription": original}))
        _context(tx, cluster)
    return summary


def _context(tx: Transaction, cluster: dict[str, Any]) -> None:
    """The kubeconfig entries ``az aks get-credentials`` writes for this cluster, made current."""
    props = _props(cluster)
    name = str(cluster.get("name", ""))
    parsed = parse_resource_id(str(cluster["id"]))
    rg = parsed.resource_group if parsed else ""
    host = props.get("fqdn") or props.get("privateFqdn") or f"{name}.invalid"
    entry = kubeconfig.cluster_entry(name, f"https://{host}:443", str(cluster["id"]))
    user = {"name": f"clusterUser_{rg}_{name}", "user": {"token": ""}}
    config = kubeconfig.merge_context(kubeconfig.load(tx), name, entry, user, True)
    kubeconfig.save(tx, config)


def _subscription_of(doc: dict[str, Any]) -> str | None:
    m = re.match(r"/subscriptions/([^/]+)/", str(doc.get("id", "")), re.IGNORECASE)
    return m.group(1) if m else None


def _resubscribed(dump: Dump, original: str) -> Dump:
    """The dump with its subscription ID replaced by the workspace's: the workspace is one emulated subscription
    (``az account show``), so that ``az … -g RG -n NAME`` finds the imported resources. The original ID is kept
    in the import record."""
    pattern = re.compile(re.escape(f"/subscriptions/{original}/"), re.IGNORECASE)

    def swap(obj: Any) -> Any:
        return json.loads(pattern.sub(f"/subscriptions/{SUBSCRIPTION_ID}/", json.dumps(obj)))

    return Dump(arm=swap(dump.arm), k8s=swap(dump.k8s), files=dump.files, problems=dump.problems)


def _resource_groups(dump: Dump) -> list[dict[str, Any]]:
    """The resource groups the dump's resources live in (they exist, or the resources could not): the node
    resource group is managed by the cluster, as AKS makes it."""
    out: dict[str, dict[str, Any]] = {}
    for docs in dump.arm.values():
        for d in docs:
            parsed = parse_resource_id(str(d.get("id", "")))
            if parsed is None or parsed.resource_group.lower() in out:
                continue
            rid = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{parsed.resource_group}"
            out[parsed.resource_group.lower()] = {"id": rid, "name": parsed.resource_group,
                                                  "type": "Microsoft.Resources/resourceGroups",
                                                  "location": d.get("location") or "",
                                                  "managedBy": None, "properties": {"provisioningState": "Succeeded"},
                                                  "tags": None}
    for doc in dump.arm_of(KIND_CLUSTER):
        node_rg = str(_props(doc).get("nodeResourceGroup") or "").lower()
        if node_rg in out:
            out[node_rg]["managedBy"] = str(doc["id"])
    return list(out.values())
