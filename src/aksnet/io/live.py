"""A live cluster → the same :class:`aksnet.io.dump.Dump` a dump directory gives, read-only.

Azure through the Azure SDK for Python (``azure-identity``'s ``DefaultAzureCredential``, the management clients
of ``azure-mgmt-containerservice``, ``-network`` and ``-compute``; https://learn.microsoft.com/azure/developer/
python/sdk/azure-sdk-overview), Kubernetes through the official client and the kubeconfig (``kubernetes``
package, https://github.com/kubernetes-client/python). Only GET/list calls are made: the cluster, then the
networks of its node subnets, NSGs, route tables, NICs and VMs of those groups, and the node resource group's
load balancers, public IPs, scale sets and their NICs and private endpoints; from Kubernetes the kinds
``scripts/dump-cluster.sh`` dumps (API server lists as returned: typed lists). The libraries are the optional
``live`` extra (``pip install 'aksnet[live]'``). This module prints nothing and writes nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from aksnet.errors import AksnetError
from aksnet.io.dump import Dump, add_source, finish

# (path, what) of the Kubernetes lists read; CRD-backed policy kinds are skipped when the API has no such kind.
KUBE_LISTS: tuple[tuple[str, bool], ...] = (
    ("/api/v1/nodes", False), ("/api/v1/namespaces", False), ("/api/v1/pods", False), ("/api/v1/services", False),
    ("/apis/discovery.k8s.io/v1/endpointslices", False), ("/apis/apps/v1/deployments", False),
    ("/apis/apps/v1/replicasets", False), ("/apis/apps/v1/statefulsets", False), ("/apis/apps/v1/daemonsets", False),
    ("/apis/batch/v1/jobs", False), ("/apis/batch/v1/cronjobs", False),
    ("/apis/networking.k8s.io/v1/networkpolicies", False), ("/apis/networking.k8s.io/v1/ingresses", False),
    ("/apis/networking.k8s.io/v1/ingressclasses", False),
    ("/api/v1/configmaps?labelSelector=app.kubernetes.io%2Fname%3Dingress-nginx", False),
    ("/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies", True),
    ("/apis/policy.networking.k8s.io/v1alpha1/baselineadminnetworkpolicies", True),
    ("/apis/cilium.io/v2/ciliumnetworkpolicies", True), ("/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies", True),
    ("/apis/crd.projectcalico.org/v1/networkpolicies", True),
    ("/apis/crd.projectcalico.org/v1/globalnetworkpolicies", True), ("/apis/crd.projectcalico.org/v1/tiers", True),
)


class LiveError(AksnetError):
    """A live read that failed (no credentials, no such cluster, API errors): exit 2."""

    exit_code = 2


@dataclass(frozen=True)
class LiveTarget:
    subscription_id: str
    resource_group: str
    name: str
    context: str | None = None
    kubeconfig: str | None = None
    arm_endpoint: str | None = None  # a sovereign cloud's Resource Manager (default: the public cloud's)


def _need_extra() -> LiveError:
    return LiveError("aksnet import --live needs the Azure SDK and the Kubernetes client: "
                     "pip install 'aksnet[live]'")


def read_live(target: LiveTarget) -> Dump:
    """The cluster's Azure resources and Kubernetes objects, as a dump of ``az``/``kubectl`` output would hold."""
    dump = Dump()
    _read_azure(dump, target)
    _read_kubernetes(dump, target)
    return finish(dump)


def _read_azure(dump: Dump, t: LiveTarget) -> None:
    try:
        from azure.core.exceptions import AzureError, HttpResponseError
        from azure.identity import DefaultAzureCredential
        from azure.mgmt.compute import ComputeManagementClient
        from azure.mgmt.containerservice import ContainerServiceClient
        from azure.mgmt.network import NetworkManagementClient
    except ImportError:
        raise _need_extra() from None
    credential = DefaultAzureCredential()
    extra: dict[str, Any] = {"base_url": t.arm_endpoint} if t.arm_endpoint else {}
    if t.arm_endpoint:
        extra["credential_scopes"] = [t.arm_endpoint.rstrip("/") + "/.default"]
    aks = ContainerServiceClient(credential, t.subscription_id, **extra)
    net = NetworkManagementClient(credential, t.subscription_id, **extra)
    compute = ComputeManagementClient(credential, t.subscription_id, **extra)

    def read(source: str, call: Callable[..., Any], *args: str) -> list[Any]:
        try:
            result = call(*args)
            items = [result] if hasattr(result, "as_dict") else list(result)
        except HttpResponseError as exc:
            code = getattr(exc.error, "code", None) or exc.reason or "HttpResponseError"
            raise LiveError(f"aksnet import --live: {source}: ({code}) {exc.message}") from None
        except AzureError as exc:
            raise LiveError(f"aksnet import --live: {source}: {exc.message}") from None
        docs = [i.as_dict() for i in items]
        add_source(dump, source, docs)
        return docs

    try:
        cluster = read(f"az aks show -g {t.resource_group} -n {t.name}",
                       aks.managed_clusters.get, t.resource_group, t.name)[0]
        props = cluster.get("properties") or {}
        node_rg = str(props.get("nodeResourceGroup") or "")
        groups = {g.lower(): g for g in (t.resource_group, node_rg) if g}
        for pool in props.get("agentPoolProfiles") or ():
            sid = str(pool.get("vnetSubnetID") or pool.get("vnetSubnetId") or "")
            parts = sid.split("/")
            if len(parts) > 4:
                groups.setdefault(parts[4].lower(), parts[4])
        for rg in groups.values():
            read(f"az network vnet list -g {rg}", net.virtual_networks.list, rg)
            read(f"az network nsg list -g {rg}", net.network_security_groups.list, rg)
            read(f"az network route-table list -g {rg}", net.route_tables.list, rg)
            read(f"az network nic list -g {rg}", net.network_interfaces.list, rg)
            read(f"az network public-ip list -g {rg}", net.public_ip_addresses.list, rg)
            read(f"az vm list -g {rg}", compute.virtual_machines.list, rg)
        read(f"az network lb list -g {node_rg}", net.load_balancers.list, node_rg)
        read(f"az network private-endpoint list -g {node_rg}", net.private_endpoints.list, node_rg)
        for vmss in read(f"az vmss list -g {node_rg}", compute.virtual_machine_scale_sets.list, node_rg):
            name = str(vmss.get("name"))
            read(f"az vmss nic list -g {node_rg} --vmss-name {name}",
                 net.network_interfaces.list_virtual_machine_scale_set_network_interfaces, node_rg, name)
    finally:
        for client in (aks, net, compute):
            client.close()
        credential.close()


def _read_kubernetes(dump: Dump, t: LiveTarget) -> None:
    try:
        from kubernetes import config as kube_config
    except ImportError:
        raise _need_extra() from None
    try:
        # $KUBECONFIG read now (the client reads it once, when first imported), as kubectl reads it
        api = kube_config.new_client_from_config(  # type: ignore[no-untyped-call]
            config_file=t.kubeconfig or os.environ.get("KUBECONFIG") or None, context=t.context)
    except (kube_config.ConfigException, OSError) as exc:
        raise LiveError(f"aksnet import --live: kubeconfig: {exc}") from None
    try:
        for path, optional in KUBE_LISTS:
            resource, _, query = path.partition("?")
            params = [(k, unquote(v)) for k, _, v in (kv.partition("=") for kv in query.split("&"))] if query else None
            try:
                method, url, headers, body, post = api.param_serialize(
                    "GET", resource, query_params=params, header_params={"Accept": "application/json"},
                    auth_settings=["BearerToken"])
                resp = api.call_api(method, url, headers, body, post)
                data = resp.read()
            except Exception as exc:  # urllib3's connection errors: no common base the client re-exports
                raise LiveError(f"aksnet import --live: GET {path}: {exc}") from None
            if resp.status == 404 and optional:
                continue  # the kind is not installed in this cluster
            if resp.status >= 400:
                raise LiveError(f"aksnet import --live: GET {path}: {resp.status} {resp.reason}")
            add_source(dump, f"GET {path}", _items(json.loads(data)))
    finally:
        api.close()


def _items(body: Any) -> Iterable[Any]:
    return [body] if isinstance(body, dict) else []
