"""``az aks create/show/list/update/scale/delete/get-credentials`` and ``az aks nodepool add/list/show/scale/
delete``: parse az's flags, call the AKS resource provider (:mod:`aksnet.twin.aks`), print what az prints.

The network plugin used when ``--network-plugin`` is omitted is today's AKS default, Azure CNI Overlay;
``AKSNET_AKS_DEFAULT_NETWORK_PLUGIN=kubenet`` (or ``aksnet az config set aks.default_network_plugin=kubenet``)
chooses the older default. SSH key flags are accepted; key files are never read.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view
from aksnet.cli.az.params import enum_arg, parse_tags
from aksnet.cli.common import command_transaction
from aksnet.errors import AzCliError
from aksnet.model.ids import id_key
from aksnet.store import default_home
from aksnet.store.private import loose_mode, write_private_text
from aksnet.twin.aks.validation_cli import (
    NETWORK_DATAPLANES,
    NETWORK_PLUGIN_MODES,
    NETWORK_PLUGINS,
    POD_IP_ALLOCATION_MODES,
)

_MOD = "aksnet.cli.az.cmd_aks#{}"


def _view(doc: dict[str, Any]) -> Any:
    """What az prints for a managed cluster: flattened, without ARM wire-name duplicates."""
    out = az_view(doc)
    np_ = out.get("networkProfile") or {}
    np_.pop("dnsServiceIP", None)
    return out


def _warn(lines: Any) -> None:
    """az's warnings: ``WARNING: …`` on stderr, silenced by ``--only-show-errors``. Printed here rather than through
    knack's logger, which is configured once per process (in-process runs: tests, demo)."""
    from aksnet.cli.az.app import only_show_errors

    if only_show_errors():
        return
    for w in lines:
        print(f"WARNING: {w}", file=sys.stderr)


def _confirm(prompt: str = "Are you sure you want to perform this operation?") -> None:
    if not sys.stdin.isatty():
        raise AzCliError("NoTTYError", "Unable to prompt for confirmation as no tty available. Use --yes.")
    answer = input(f"{prompt} (y/n): ")
    if answer.strip().lower() not in ("y", "yes"):
        raise AzCliError("ManualInterrupt", "Operation cancelled.")


def _ssh_key(ssh_key_value: str | None, generate_ssh_keys: bool, no_ssh_key: bool) -> str:
    """The key az would send. Key *files* (``~/.ssh/…``) are never read: they stand for the emulated key."""
    if no_ssh_key or (not ssh_key_value and not generate_ssh_keys):
        return ""
    from aksnet.twin.compute import ssh_public_keys

    return ssh_public_keys([ssh_key_value] if ssh_key_value else [], generate_ssh_keys)[0]


def aks_create(resource_group_name: str, name: str, location: str | None = None, vnet_subnet_id: str | None = None,
               pod_subnet_id: str | None = None, pod_ip_allocation_mode: str | None = None,
               zones: list[str] | None = None, vm_set_type: str | None = None,
               nodepool_labels: list[str] | None = None, nodepool_taints: str | None = None,
               pod_cidr: str | None = None, service_cidr: str | None = None,
               dns_service_ip: str | None = None, docker_bridge_address: str | None = None,
               node_count: int | None = None, max_pods: int | None = None, nodepool_name: str | None = None,
               network_plugin: str | None = None, network_plugin_mode: str | None = None,
               network_policy: str | None = None, network_dataplane: str | None = None,
               outbound_type: str | None = None, load_balancer_sku: str | None = None,
               load_balancer_managed_outbound_ip_count: int | None = None,
               load_balancer_outbound_ips: str | None = None,
               nat_gateway_managed_outbound_ip_count: int | None = None,
               load_balancer_outbound_ports: int | None = None, load_balancer_idle_timeout: int | None = None,
               nat_gateway_idle_timeout: int | None = None, enable_app_routing: bool = False,
               enable_azure_service_mesh: bool = False, revision: str | None = None,
               assign_identity: str | None = None, enable_managed_identity: bool = False,
               enable_private_cluster: bool = False,
               private_dns_zone: str | None = None, disable_public_fqdn: bool = False,
               api_server_authorized_ip_ranges: str | None = None, dns_name_prefix: str | None = None,
               kubernetes_version: str | None = None, node_vm_size: str | None = None, max_surge: str | None = None,
               enable_cluster_autoscaler: bool = False, min_count: int | None = None, max_count: int | None = None,
               tags: list[str] | None = None, generate_ssh_keys: bool = False, ssh_key_value: str | None = None,
               no_ssh_key: bool = False, yes: bool = False, no_wait: bool = False,
               enable_gateway_api: bool = False, ip_families: str | None = None, pod_cidrs: str | None = None,
               service_cidrs: str | None = None, enable_application_load_balancer: bool = False) -> Any:
    """Create a new managed Kubernetes cluster.

    Without --network-plugin AKS gives Azure CNI Overlay; AKSNET_AKS_DEFAULT_NETWORK_PLUGIN
    (kubenet|overlay|azure|none) or 'aksnet az config set aks.default_network_plugin=kubenet' choose another.
    """
    from aksnet.twin.aks.create import create_cluster
    from aksnet.twin.aks.spec import ClusterRequest

    if revision and not enable_azure_service_mesh:
        raise AzCliError("RequiredArgumentMissingError",
                         "--revision can only be used together with --enable-azure-service-mesh.")
    req = ClusterRequest(
        resource_group=resource_group_name, name=name, location=location, vnet_subnet_id=vnet_subnet_id,
        pod_subnet_id=pod_subnet_id, pod_ip_allocation_mode=pod_ip_allocation_mode, pod_cidr=pod_cidr,
        zones=tuple(zones) if zones else None, vm_set_type=vm_set_type, nodepool_labels=parse_tags(nodepool_labels),
        nodepool_taints=nodepool_taints,
        service_cidr=service_cidr, dns_service_ip=dns_service_ip, ip_families=ip_families, pod_cidrs=pod_cidrs,
        service_cidrs=service_cidrs,
        docker_bridge_address=docker_bridge_address, node_count=node_count, max_pods=max_pods,
        nodepool_name=nodepool_name, network_plugin=network_plugin, network_plugin_mode=network_plugin_mode,
        network_policy=network_policy, network_dataplane=network_dataplane, outbound_type=outbound_type,
        load_balancer_sku=load_balancer_sku,
        load_balancer_managed_outbound_ip_count=load_balancer_managed_outbound_ip_count,
        load_balancer_outbound_ips=load_balancer_outbound_ips,
        nat_gateway_managed_outbound_ip_count=nat_gateway_managed_outbound_ip_count,
        load_balancer_outbound_ports=load_balancer_outbound_ports,
        load_balancer_idle_timeout=load_balancer_idle_timeout,
        nat_gateway_idle_timeout=nat_gateway_idle_timeout, assign_identity=assign_identity,
        enable_private_cluster=enable_private_cluster, private_dns_zone=private_dns_zone,
        disable_public_fqdn=disable_public_fqdn, api_server_authorized_ip_ranges=api_server_authorized_ip_ranges,
        dns_name_prefix=dns_name_prefix, kubernetes_version=kubernetes_version, vm_size=node_vm_size,
        max_surge=max_surge, enable_cluster_autoscaler=enable_cluster_autoscaler, min_count=min_count,
        max_count=max_count, tags=parse_tags(tags),
        ssh_public_key=_ssh_key(ssh_key_value, generate_ssh_keys, no_ssh_key))
    with command_transaction() as tx:
        result = create_cluster(tx, req)
        _check_bootstrap(tx, result.cluster)
        if enable_app_routing:
            from aksnet.cli.az.cmd_aks_approuting import enable_app_routing as add_app_routing

            result = dataclasses.replace(result, cluster=add_app_routing(tx, result.cluster))
        if enable_azure_service_mesh:
            from aksnet.twin.aks import mesh

            result = dataclasses.replace(result, cluster=mesh.enable(tx, result.cluster, revision))
        if enable_gateway_api or enable_application_load_balancer:
            from aksnet.twin.aks.update import enable_gateway_api_on_create

            result = dataclasses.replace(result, cluster=enable_gateway_api_on_create(
                tx, result.cluster, enable_gateway_api, enable_application_load_balancer))
        if enable_application_load_balancer:
            _refresh_gateway_status(tx, result.cluster["id"])
    _warn(result.warnings)
    return None if no_wait else _view(result.cluster)


def _check_bootstrap(tx: Any, cluster: dict[str, Any]) -> None:
    """A UDR-routed cluster's nodes must reach mcr.microsoft.com:443 through its default route while they
    provision, or AKS fails the create (VMExtensionProvisioningError, exit status 50); the transaction is rolled
    back so the workspace stays as it was. Then the public API server's FQDN on 443 (exit status 51)."""
    from aksnet.analyses.bootstrap import api_server_error, blocked_api_server, blocked_bootstrap, provisioning_error
    from aksnet.errors import AzureError
    from aksnet.io.twin_loader import load_twin

    if (cluster.get("properties", {}).get("networkProfile") or {}).get("outboundType") != "userDefinedRouting":
        return
    twin = load_twin(tx)
    blocked = blocked_bootstrap(twin, str(cluster["id"]))
    if blocked is not None:
        raise AzureError("VMExtensionProvisioningError", provisioning_error(*blocked))
    api = blocked_api_server(twin, str(cluster["id"]))
    if api is not None:
        raise AzureError("VMExtensionProvisioningError", api_server_error(*api))


def aks_show(resource_group_name: str, name: str) -> Any:
    """Show the details for a managed Kubernetes cluster."""
    from aksnet.twin.aks.context import get_cluster

    with command_transaction(write=False) as tx:
        return _view(get_cluster(tx, resource_group_name, name))


def aks_list(resource_group_name: str | None = None) -> Any:
    """List managed Kubernetes clusters."""
    from aksnet.twin.aks.names import KIND_MANAGED_CLUSTER
    from aksnet.twin.arm import get_group

    with command_transaction(write=False) as tx:
        docs = tx.list(KIND_MANAGED_CLUSTER)
        if resource_group_name:
            get_group(tx, resource_group_name)
            prefix = f"/resourcegroups/{resource_group_name.lower()}/"
            docs = [d for d in docs if prefix in id_key(d["id"])]
    return [_view(d) for d in docs]


def aks_update(resource_group_name: str, name: str, api_server_authorized_ip_ranges: str | None = None,
               load_balancer_managed_outbound_ip_count: int | None = None,
               load_balancer_outbound_ips: str | None = None,
               nat_gateway_managed_outbound_ip_count: int | None = None, outbound_type: str | None = None,
               network_policy: str | None = None, tags: list[str] | None = None, yes: bool = False,
               no_wait: bool = False, disable_public_fqdn: bool = False, enable_public_fqdn: bool = False,
               enable_gateway_api: bool = False, disable_gateway_api: bool = False,
               network_plugin: str | None = None, network_plugin_mode: str | None = None,
               pod_cidr: str | None = None, enable_application_load_balancer: bool = False,
               disable_application_load_balancer: bool = False) -> Any:
    """Update a managed Kubernetes cluster.

    Outbound: --load-balancer-managed-outbound-ip-count or --load-balancer-outbound-ips (loadBalancer),
    --nat-gateway-managed-outbound-ip-count (managedNATGateway), --outbound-type to migrate: managed VNet
    loadBalancer <-> managedNATGateway; BYO subnet loadBalancer <-> userAssignedNATGateway <-> userDefinedRouting.
    The egress IP changes with the outbound type. --enable-gateway-api installs the managed Gateway API CRDs
    (standard channel); --enable-application-load-balancer adds the Application Gateway for Containers add-on (the
    ALB Controller in kube-system). --network-plugin-mode overlay migrates a kubenet (with --network-plugin
    azure) or Azure CNI (with --pod-cidr) cluster to Azure CNI Overlay: nodes are re-imaged and pods get overlay
    IPs (one way).
    """
    from aksnet.twin.aks.update import update_cluster

    if enable_gateway_api and disable_gateway_api:
        raise AzCliError("MutuallyExclusiveArgumentError",
                         "Cannot specify --enable-gateway-api and --disable-gateway-api at the same time.")
    gateway_api = True if enable_gateway_api else (False if disable_gateway_api else None)
    if enable_application_load_balancer and disable_application_load_balancer:
        from aksnet.twin.aks.alb_addon import MSG_BOTH

        raise AzCliError("MutuallyExclusiveArgumentError", MSG_BOTH)
    alb_addon = True if enable_application_load_balancer else (False if disable_application_load_balancer else None)

    with command_transaction() as tx:
        doc = update_cluster(tx, resource_group_name, name,
                             api_server_authorized_ip_ranges=api_server_authorized_ip_ranges,
                             load_balancer_managed_outbound_ip_count=load_balancer_managed_outbound_ip_count,
                             load_balancer_outbound_ips=load_balancer_outbound_ips,
                             nat_gateway_managed_outbound_ip_count=nat_gateway_managed_outbound_ip_count,
                             outbound_type=outbound_type, network_policy=network_policy, tags=parse_tags(tags),
                             public_fqdn=True if enable_public_fqdn else (False if disable_public_fqdn else None),
                             gateway_api=gateway_api, network_plugin=network_plugin,
                             network_plugin_mode=network_plugin_mode, pod_cidr=pod_cidr,
                             application_load_balancer=alb_addon)
        if alb_addon is not None:
            _refresh_gateway_status(tx, doc["id"])
    return None if no_wait else _view(doc)


def _refresh_gateway_status(tx: Any, cluster_id: str) -> None:
    """The AGC add-on starts (or stops) a Gateway API controller: its classes' status follows at once, as after a
    helm install of the ALB Controller chart."""
    from aksnet.cli.helm import _refresh_gateway_status as refresh

    refresh(tx, cluster_id)


def aks_scale(resource_group_name: str, name: str, node_count: int, nodepool_name: str | None = None,
              no_wait: bool = False) -> Any:
    """Scale the node pool in a managed Kubernetes cluster."""
    from aksnet.twin.aks.scale import scale_cluster

    with command_transaction() as tx:
        doc = scale_cluster(tx, resource_group_name, name, node_count, nodepool_name)
    return None if no_wait else _view(doc)


def aks_delete(resource_group_name: str, name: str, yes: bool = False, no_wait: bool = False) -> None:
    """Delete a managed Kubernetes cluster (and its node resource group)."""
    from aksnet.twin.aks.delete import delete_cluster

    if not yes:
        _confirm()
    with command_transaction() as tx:
        delete_cluster(tx, resource_group_name, name)


def aks_get_credentials(resource_group_name: str, name: str, admin: bool = False, file: str | None = None,
                        overwrite_existing: bool = False, context: str | None = None) -> None:
    """Get access credentials for a managed Kubernetes cluster (merged into the aksnet workspace kubeconfig;
    also written to --file FILE, or printed with --file -)."""
    import yaml

    from aksnet.twin.aks import credentials

    with command_transaction() as tx:
        credentials.merge_into_workspace(tx, resource_group_name, name, admin=admin, context_name=context,
                                         overwrite=overwrite_existing)
        standalone = credentials.standalone_config(tx, resource_group_name, name, admin=admin,
                                                   context_name=context)
        if file and file != "-":  # inside the transaction: a file that cannot be written changes nothing
            _merge_file(Path(file).expanduser(), standalone, overwrite_existing)
    ctx = standalone["current-context"]
    if file == "-":
        sys.stdout.write(yaml.safe_dump(standalone, sort_keys=False))
        return
    if file:
        print(f'Merged "{ctx}" as current context in {file}', file=sys.stderr)
        return
    print(f'Merged "{ctx}" as current context in {default_home()} (aksnet workspace kubeconfig)', file=sys.stderr)


def _merge_file(path: Path, new: dict[str, Any], overwrite: bool) -> None:
    import yaml

    from aksnet.twin import kubeconfig

    config: dict[str, Any] = kubeconfig.empty_config()
    if path.exists():
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise AzCliError("FileOperationError", f"Failed to load kubeconfig file {path}: {exc}") from exc
        if isinstance(loaded, dict):
            config.update(loaded)
    for key in ("clusters", "users", "contexts"):
        entries = config.get(key)
        config[key] = [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    ctx = new["contexts"][0]
    merged = kubeconfig.merge_context(config, ctx["name"], new["clusters"][0], new["users"][0], overwrite)
    mode = loose_mode(path)
    if mode is not None:  # az warns and keeps the mode (acs custom.py merge_kubernetes_configurations)
        _warn([f'{path} has permissions "{mode}".\nIt should be readable and writable only by its owner.'])
    try:
        write_private_text(path, yaml.safe_dump(merged, sort_keys=False), keep_mode=True)
    except OSError as exc:
        raise AzCliError("FileOperationError", f"Failed to write kubeconfig file {path}: {exc.strerror or exc}") \
            from exc


# -- node pools ------------------------------------------------------------------------------------------
def nodepool_add(resource_group_name: str, cluster_name: str, nodepool_name: str, node_count: int | None = None,
                 max_pods: int | None = None, vnet_subnet_id: str | None = None, pod_subnet_id: str | None = None,
                 mode: str = "User", node_vm_size: str | None = None, max_surge: str | None = None,
                 enable_cluster_autoscaler: bool = False, min_count: int | None = None, max_count: int | None = None,
                 labels: list[str] | None = None, node_taints: str | None = None, no_wait: bool = False,
                 pod_ip_allocation_mode: str | None = None, zones: list[str] | None = None) -> Any:
    """Add a node pool to the managed Kubernetes cluster."""
    from aksnet.twin.aks import nodepool

    with command_transaction() as tx:
        out = nodepool.add_pool(tx, resource_group_name, cluster_name, nodepool_name, node_count=node_count,
                                max_pods=max_pods, vnet_subnet_id=vnet_subnet_id, pod_subnet_id=pod_subnet_id,
                                mode=mode, vm_size=node_vm_size, max_surge=max_surge,
                                enable_cluster_autoscaler=enable_cluster_autoscaler, min_count=min_count,
                                max_count=max_count, node_labels=parse_tags(labels), node_taints=node_taints,
                                pod_ip_allocation_mode=pod_ip_allocation_mode, zones=zones)
    return None if no_wait else out


def nodepool_list(resource_group_name: str, cluster_name: str) -> Any:
    """List node pools in the managed Kubernetes cluster."""
    from aksnet.twin.aks import nodepool

    with command_transaction(write=False) as tx:
        return nodepool.list_pools(tx, resource_group_name, cluster_name)


def nodepool_show(resource_group_name: str, cluster_name: str, nodepool_name: str) -> Any:
    """Show the details for a node pool in the managed Kubernetes cluster."""
    from aksnet.twin.aks import nodepool

    with command_transaction(write=False) as tx:
        return nodepool.show_pool(tx, resource_group_name, cluster_name, nodepool_name)


def nodepool_scale(resource_group_name: str, cluster_name: str, nodepool_name: str, node_count: int = 3,
                   no_wait: bool = False) -> Any:
    """Scale the node pool in a managed Kubernetes cluster."""
    from aksnet.twin.aks import nodepool

    with command_transaction() as tx:
        out = nodepool.scale_pool(tx, resource_group_name, cluster_name, nodepool_name, node_count)
    return None if no_wait else out


def nodepool_delete(resource_group_name: str, cluster_name: str, nodepool_name: str, yes: bool = False,
                    no_wait: bool = False) -> None:
    """Delete the agent pool in the managed Kubernetes cluster."""
    from aksnet.twin.aks import nodepool

    with command_transaction() as tx:
        nodepool.delete_pool(tx, resource_group_name, cluster_name, nodepool_name)


# -- az config (aks.* keys of the workspace) --------------------------------------------------------------
def config_set(key_value: list[str]) -> None:
    """Set a configuration: aks.default_network_plugin=kubenet|overlay|azure|none (kept in the workspace)."""
    from aksnet.twin.aks.defaults import DEFAULT_PLUGIN_SETTING, check_default_plugin

    with command_transaction() as tx:
        for kv in key_value:
            key, sep, value = kv.partition("=")
            if not sep or key != DEFAULT_PLUGIN_SETTING:
                raise AzCliError("InvalidArgumentValueError",
                                 f"unsupported configuration '{kv}'; supported: {DEFAULT_PLUGIN_SETTING}=VALUE")
            tx.meta_set(DEFAULT_PLUGIN_SETTING, check_default_plugin(value))


def config_get(key: str | None = None) -> Any:
    """Get the workspace configuration (aks.* keys)."""
    from aksnet.twin.aks.defaults import DEFAULT_PLUGIN_SETTING

    with command_transaction(write=False) as tx:
        value = tx.meta_get(DEFAULT_PLUGIN_SETTING)
    entries = [{"name": DEFAULT_PLUGIN_SETTING, "source": "workspace", "value": value}] if value else []
    if key:
        if not entries or key != DEFAULT_PLUGIN_SETTING:
            raise AzCliError("ResourceNotFoundError", f"Configuration '{key}' is not set.")
        return entries[0]
    return {"aks": entries}


# -- tables and registration -----------------------------------------------------------------------------
def _cluster_table(result: Any) -> Any:
    rows = result if isinstance(result, list) else [result]
    return [{"Name": r["name"], "Location": r["location"], "ResourceGroup": r.get("resourceGroup"),
             "KubernetesVersion": r.get("kubernetesVersion"),
             "CurrentKubernetesVersion": r.get("currentKubernetesVersion"),
             "ProvisioningState": r.get("provisioningState"), "Fqdn": r.get("fqdn") or r.get("privateFqdn")}
            for r in rows]


def _pool_table(result: Any) -> Any:
    rows = result if isinstance(result, list) else [result]
    return [{"Name": r["name"], "OsType": r["osType"], "KubernetesVersion": r["orchestratorVersion"],
             "VmSize": r["vmSize"], "Count": r["count"], "MaxPods": r["maxPods"],
             "ProvisioningState": r["provisioningState"], "Mode": r["mode"]} for r in rows]


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "aks", _MOD) as g:
        g.command("create", "aks_create")
        g.command("show", "aks_show", table_transformer=_cluster_table)
        g.command("list", "aks_list", table_transformer=_cluster_table)
        g.command("update", "aks_update")
        g.command("scale", "aks_scale")
        g.command("delete", "aks_delete")
        g.command("get-credentials", "aks_get_credentials")
    with CommandGroup(loader, "aks nodepool", _MOD) as g:
        g.command("add", "nodepool_add")
        g.command("list", "nodepool_list", table_transformer=_pool_table)
        g.command("show", "nodepool_show", table_transformer=_pool_table)
        g.command("scale", "nodepool_scale")
        g.command("delete", "nodepool_delete")
    with CommandGroup(loader, "config", _MOD) as g:
        g.command("set", "config_set")
        g.command("get", "config_get")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "aks") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="Name of the managed cluster.")
        c.argument("location", options_list=["--location", "-l"], help="Location. Defaults to the group's.")
        c.argument("node_count", options_list=["--node-count", "-c"], type=int, help="Number of nodes.")
        c.argument("max_pods", options_list=["--max-pods", "-m"], type=int,
                   help='Maximum pods per node. Defaults by plugin: 30 "azure", 110 "kubenet", 250 overlay/none.')
        c.argument("nodepool_name", options_list=["--nodepool-name"], help="Node pool name, up to 12 alphanumerics.")
        c.argument("network_plugin", **enum_arg(NETWORK_PLUGINS),
                   help="One of azure, kubenet, none. Default: Azure CNI Overlay (see "
                        "AKSNET_AKS_DEFAULT_NETWORK_PLUGIN / az config set aks.default_network_plugin).")
        c.argument("network_plugin_mode", **enum_arg(NETWORK_PLUGIN_MODES),
                   help="The only mode is overlay (with --network-plugin azure).")
        c.argument("network_policy", help="One of azure, calico, cilium, none.")
        c.argument("network_dataplane", **enum_arg(NETWORK_DATAPLANES), help="One of azure, cilium.")
        c.argument("outbound_type", help="One of loadBalancer, managedNATGateway, userAssignedNATGateway, "
                                         "userDefinedRouting, none.")
        c.argument("load_balancer_sku", help="One of standard (default), basic.")
        c.argument("load_balancer_managed_outbound_ip_count", type=int, help="Managed outbound IPs (1-100).")
        c.argument("load_balancer_outbound_ips", help="Comma-separated public IP resource IDs.")
        c.argument("nat_gateway_managed_outbound_ip_count", type=int, help="NAT gateway outbound IPs (1-16).")
        c.argument("load_balancer_outbound_ports", type=int,
                   help="SNAT ports per node on the outbound rule (a multiple of 8, 0-64000; default: by pool size).")
        c.argument("load_balancer_idle_timeout", type=int, help="Outbound rule idle timeout in minutes (4-100, 30).")
        c.argument("nat_gateway_idle_timeout", type=int, help="Managed NAT gateway idle timeout in minutes (4-120, 4).")
        c.argument("assign_identity", help="Resource ID of a user-assigned identity for the control plane.")
        c.argument("enable_managed_identity", action="store_true",
                   help="Use a managed identity (the default; without --assign-identity a system-assigned one).")
        c.argument("enable_app_routing", action="store_true",
                   help="Enable the application routing add-on (managed NGINX ingress).")
        c.argument("enable_azure_service_mesh", options_list=["--enable-azure-service-mesh", "--enable-asm"],
                   action="store_true", help="Enable the Istio-based service mesh add-on.")
        c.argument("revision", options_list=["--revision"],
                   help="Azure Service Mesh revision to install with --enable-azure-service-mesh (asm-1-NN).")
        c.argument("enable_private_cluster", action="store_true", help="Private API server.")
        c.argument("enable_gateway_api", action="store_true",
                   help="Install the managed Gateway API CRDs (standard channel).")
        c.argument("disable_gateway_api", action="store_true", help="Stop managing the Gateway API CRDs.")
        c.argument("enable_application_load_balancer", action="store_true",
                   help="Enable the Application Gateway for Containers add-on (ALB Controller in kube-system; "
                        "needs Azure CNI and --enable-gateway-api).")
        c.argument("disable_application_load_balancer", action="store_true",
                   help="Disable the Application Gateway for Containers add-on.")
        c.argument("disable_public_fqdn", action="store_true", help="No public FQDN for a private cluster.")
        c.argument("enable_public_fqdn", action="store_true",
                   help="Give a private cluster its public FQDN back (aks update).")
        c.argument("private_dns_zone", help="One of system (default), none, or a private DNS zone resource ID.")
        c.argument("api_server_authorized_ip_ranges", help='Comma-separated IPv4 CIDRs; "" disables.')
        c.argument("docker_bridge_address", deprecate_info=c.deprecate(target="--docker-bridge-address", hide=True),
                   help="Deprecated; accepted and ignored.")
        c.argument("generate_ssh_keys", action="store_true", help="Use the emulated SSH key (nothing is written).")
        c.argument("ssh_key_value", help="Public key or key file path (files are never read).")
        c.argument("no_ssh_key", options_list=["--no-ssh-key", "-x"], action="store_true", help="No SSH key.")
        c.argument("tags", nargs="*", help="Space-separated tags: key[=value].")
        c.argument("yes", options_list=["--yes", "-y"], action="store_true", help="Do not prompt for confirmation.")
        c.argument("no_wait", action="store_true", help="Do not wait for the long-running operation to finish.")
        c.argument("admin", options_list=["--admin", "-a"], action="store_true", help="Get admin credentials.")
        c.argument("file", options_list=["--file", "-f"], help="Kubeconfig file to update; '-' prints to stdout.")
        c.argument("overwrite_existing", action="store_true", help="Overwrite any existing entry of the same name.")
        c.argument("context", help="Context name (default: the cluster name).")
        c.argument("node_vm_size", options_list=["--node-vm-size", "-s"], help="VM size of the nodes.")
        c.argument("vnet_subnet_id", help="Resource ID of an existing subnet for the nodes (default: a managed VNet "
                                          "aks-vnet-<digits> 10.224.0.0/12).")
        c.argument("pod_subnet_id", help="Resource ID of a subnet for pod IPs (Azure CNI, dynamic allocation).")
        c.argument("zones", options_list=["--zones", "-z"], nargs="+",
                   help="Space-separated availability zones (1 2 3) the pool's nodes are spread over.")
        c.argument("vm_set_type", help="VirtualMachineScaleSets (the only one emulated), AvailabilitySet, "
                                       "VirtualMachines.")
        c.argument("nodepool_labels", nargs="*", help="Node labels of the first pool: space-separated key=value.")
        c.argument("nodepool_taints", help="Node taints of the first pool, e.g. 'sku=gpu:NoSchedule'.")
        c.argument("pod_ip_allocation_mode", **enum_arg(POD_IP_ALLOCATION_MODES),
                   help="With --pod-subnet-id: DynamicIndividual (batches of 16 IPs) or StaticBlock (each node "
                        "holds ceil(maxPods/16) /28 blocks).")
        c.argument("pod_cidr", help="CIDR for pod IPs with kubenet or overlay (default 10.244.0.0/16).")
        c.argument("ip_families", help="A comma-separated list of IP families: ipv4 (the default) or ipv4,ipv6 "
                                       "(dual-stack, with kubenet or Azure CNI Overlay).")
        c.argument("pod_cidrs", help="A comma-separated list of pod CIDRs, one per IP family (dual-stack default "
                                     "10.244.0.0/16,fd12:3456:789a::/64).")
        c.argument("service_cidrs", help="A comma-separated list of service CIDRs, one per IP family (dual-stack "
                                         "default 10.0.0.0/16,fd12:3456:789a:1::/108).")
        c.argument("service_cidr", help="CIDR for service cluster IPs (default 10.0.0.0/16).")
        c.argument("dns_service_ip", help="The kube-dns service IP, inside --service-cidr (default 10.0.0.10).")
        c.argument("dns_name_prefix", options_list=["--dns-name-prefix", "-p"], help="Prefix of the API FQDN.")
        c.argument("kubernetes_version", options_list=["--kubernetes-version", "-k"],
                   help="Version of Kubernetes (default 1.30.6).")
        c.argument("max_surge", help="Extra nodes during upgrades: an integer or a percentage (default 10%).")
        c.argument("enable_cluster_autoscaler", options_list=["--enable-cluster-autoscaler", "-e"],
                   action="store_true", help="Enable the cluster autoscaler (needs --min-count and --max-count).")
        c.argument("min_count", type=int, help="Autoscaler minimum node count [0,1000].")
        c.argument("max_count", type=int, help="Autoscaler maximum node count [0,1000]; counted for IP planning.")
    with ArgumentsContext(loader, "aks nodepool") as c:
        c.argument("cluster_name", options_list=["--cluster-name"], help="The cluster name.")
        c.argument("nodepool_name", options_list=["--name", "-n"], help="The node pool name.")
        c.argument("mode", help="One of System, User (default).")
        c.argument("labels", nargs="*", help="The node labels for the node pool: space-separated key=value pairs.")
        c.argument("node_taints", help="The node taints for the node pool, e.g. "
                   "'sku=gpu:NoSchedule,key2=v2:NoExecute'.")
    with ArgumentsContext(loader, "config set") as c:
        c.positional("key_value", nargs="+", help="key=value pairs, e.g. aks.default_network_plugin=kubenet.")
    with ArgumentsContext(loader, "config get") as c:
        c.positional("key", nargs="?", help="The configuration key.")
