"""Pod IP address management per network plugin, as AKS does it.

- kubenet and Azure CNI Overlay: from the node's ``spec.podCIDR`` (/24); ``.1`` is the cbr0 bridge (the
  pods' gateway), so the first pod gets ``.2`` (host-local IPAM ``rangeStart`` default = network + 2 when a
  gateway is set; Azure CNI Overlay's CNS hands out the node block the same way here — recorded choice).
- Azure CNI (node subnet): the secondary IP configurations of the node's NIC (ipConfigurations[1..maxPods],
  reserved when the node was made), lowest first.
- Azure CNI with a pod subnet (dynamic): the node holds batches of 16 addresses from the pod subnet
  (``aksnet.twin.subnet_ipam``) and asks for another batch when fewer than 8 are free
  [learn.microsoft.com/azure/aks/concepts-network-azure-cni-pod-subnet, concepts-network-azure-cni-pod-subnet.md].
  With ``podIpAllocationMode: StaticBlock`` the node holds ceil(maxPods/16) /28 blocks from its creation and
  never asks for more [learn.microsoft.com/azure/aks/configure-azure-cni-static-block-allocation].
- hostNetwork pods: the node IP.
- dual-stack (kubenet or overlay): ``status.podIPs`` also holds the IPv6 address at the same offset in the node's
  IPv6 range (:func:`ipv6_twin`, recorded in docs/fidelity.md "Dual-stack").

Fills ``status.podIP/podIPs/hostIP/hostIPs`` and turns a bound pod Running and Ready (no runtime exists;
containers start at once). Addresses of deleted pods are free again because the used set is derived from
the pods that exist. Must not pick nodes.
"""

from __future__ import annotations

import hashlib
import ipaddress
from typing import Any

from aksnet.errors import AksnetError
from aksnet.store import Transaction
from aksnet.twin import subnet_ipam
from aksnet.twin.kube import apiserver, events, netinfo, objects, schema
from aksnet.twin.kube.objects import ClusterObjects

Doc = dict[str, Any]
RT_POD = schema.BY_KIND["Pod"]
KIND_BLOCKS = "aksnet:podipblocks"
BATCH = 16
LOW_WATERMARK = 8


class NodePool:
    """The addresses one node can give its pods, and which are taken."""

    def __init__(self, candidates: list[str], used: set[str]) -> None:
        self.candidates = candidates
        self.used = used
        self._next = 0

    def take(self) -> str | None:
        while self._next < len(self.candidates):
            ip = self.candidates[self._next]
            self._next += 1
            if ip not in self.used:
                self.used.add(ip)
                return ip
        return None

    def free(self) -> int:
        return sum(1 for ip in self.candidates[self._next:] if ip not in self.used)


def pod_cidr_candidates(cidr: str) -> list[str]:
    """Pod addresses of a node /24 for kubenet and overlay: .2 … broadcast-1 (.1 is the bridge gateway)."""
    net = ipaddress.ip_network(cidr, strict=False)
    first, last = int(net.network_address) + 2, int(net.broadcast_address) - 1
    return [str(ipaddress.ip_address(i)) for i in range(first, last + 1)]


def _image_ref(image: str) -> str:
    """The image as the container runtime reports it (docker.io/library/nginx:latest)."""
    name = image
    last = name.rsplit("/", 1)[-1]
    if ":" not in last and "@" not in last:
        name += ":latest"
    first = name.split("/", 1)[0]
    if "/" not in name:
        name = "docker.io/library/" + name
    elif "." not in first and ":" not in first and first != "localhost":
        name = "docker.io/" + name
    return name


def ipv6_twin(node: Doc, pod_ip: str) -> str | None:
    """A dual-stack node's pod gets the IPv6 address at its IPv4 address's offset in the node's IPv6 range
    (``spec.podCIDRs[1]``); hostNetwork pods get the node's IPv6 InternalIP. None on a single-stack node."""
    cidrs = (node.get("spec") or {}).get("podCIDRs") or []
    if len(cidrs) < 2:
        return None
    if pod_ip == netinfo.node_ip(node):
        return next((a["address"] for a in (node.get("status") or {}).get("addresses") or []
                     if a.get("type") == "InternalIP" and ":" in str(a.get("address"))), None)
    base = ipaddress.ip_network(str(cidrs[0]), strict=False)
    v6 = ipaddress.ip_network(str(cidrs[1]), strict=False)
    return str(v6.network_address + (int(ipaddress.ip_address(pod_ip)) - int(base.network_address)))


def running_status(pod: Doc, node_ip: str, pod_ip: str, now: str, pod_ip_v6: str | None = None,
                   node_ip_v6: str | None = None) -> Doc:
    """A started pod's status (kubelet): phase Running, every condition True, containers running."""
    old = pod.get("status") or {}
    sched = next((c for c in old.get("conditions") or [] if c.get("type") == "PodScheduled"), None)
    t = (sched or {}).get("lastTransitionTime") or now
    conds = [{"type": ty, "status": "True", "lastProbeTime": None, "lastTransitionTime": t}
             for ty in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")]
    statuses = []
    for c in pod["spec"].get("containers") or []:
        ref = _image_ref(str(c.get("image", "")))
        digest = hashlib.sha256(ref.encode()).hexdigest()
        cid = hashlib.sha256((pod["metadata"].get("uid", "") + c.get("name", "")).encode()).hexdigest()
        statuses.append({
            "name": c.get("name"), "image": ref, "imageID": ref.rsplit(":", 1)[0] + "@sha256:" + digest,
            "containerID": "containerd://" + cid, "ready": True, "restartCount": 0, "started": True,
            "state": {"running": {"startedAt": t}}, "lastState": {},
        })
    host_ips = [{"ip": node_ip}] + ([{"ip": node_ip_v6}] if node_ip_v6 else [])
    return {"phase": "Running", "conditions": conds, "hostIP": node_ip, "hostIPs": host_ips,
            "podIP": pod_ip, "podIPs": [{"ip": pod_ip}] + ([{"ip": pod_ip_v6}] if pod_ip_v6 else []),
            "startTime": t, "containerStatuses": statuses,
            "qosClass": "BestEffort"}


class Allocator:
    """Per-command pod IPAM of one cluster."""

    def __init__(self, objs: ClusterObjects, used: dict[str, set[str]] | None = None) -> None:
        """``used``: the pod IPs in use per node, when the caller knows them (else read from every pod)."""
        self.objs = objs
        self.tx = objs.tx
        self.cluster = objs.cluster()
        self.mode = netinfo.plugin_mode(self.cluster)
        self.nodes = {n["metadata"]["name"]: n for n in objs.docs("k8s:core/Node")}
        if used is None:
            used = {}
            for pod in objs.docs(RT_POD.store_kind):
                node = pod["spec"].get("nodeName")
                ip = (pod.get("status") or {}).get("podIP")
                if node and ip and not pod["spec"].get("hostNetwork"):
                    used.setdefault(node, set()).add(ip)
        self.used = used
        self.pools: dict[str, NodePool] = {}

    def _pool_for(self, node: Doc) -> NodePool:
        name = node["metadata"]["name"]
        pool = self.pools.get(name)
        if pool is None:
            pool = NodePool(self._candidates(node), self.used.setdefault(name, set()))
            self.pools[name] = pool
        return pool

    def _candidates(self, node: Doc) -> list[str]:
        pool = netinfo.pool_of(self.cluster, node)
        if self.mode == "nodesubnet" and pool.get("podSubnetId"):
            return self._block_ips(node, str(pool["podSubnetId"]))
        if self.mode == "nodesubnet":
            nic = netinfo.node_nic_once(self.objs, node)
            return netinfo.nic_secondary_ips(nic) if nic is not None else []
        if self.mode == "none":
            return []
        cidr = (node.get("spec") or {}).get("podCIDR")
        return pod_cidr_candidates(str(cidr)) if cidr else []

    # -- dynamic pod subnet ------------------------------------------------------------------------
    def _block_ips(self, node: Doc, subnet_id: str) -> list[str]:
        doc = self.objs.get(KIND_BLOCKS, node["metadata"]["name"])
        ips = list(doc["ips"]) if doc else []
        if not ips:
            first = (node["metadata"].get("annotations") or {}).get(netinfo.POD_SUBNET_ANNOTATION)
            ips = [ip for ip in str(first).split(",") if ip] if first else []
        if not ips:
            ips = self._grow(node, subnet_id, [])
        return ips

    def _grow(self, node: Doc, subnet_id: str, held: list[str]) -> list[str]:
        prefix = netinfo.subnet_prefix(self.tx, subnet_id)
        if prefix is None:
            return held
        # the same owner the AKS resource provider uses for the first batch, so removing the node frees all
        provider = str((node.get("spec") or {}).get("providerID", node["metadata"]["name"]))
        owner = provider.removeprefix("azure://") + "/podipbatch"
        got = subnet_ipam.allocate(self.tx, subnet_id, prefix, owner, BATCH)
        ips = held + got
        self.objs.put(KIND_BLOCKS, node["metadata"]["name"], {"node": node["metadata"]["name"],
                                                             "subnetId": subnet_id, "ips": ips})
        return ips

    def allocate(self, pod: Doc) -> str | None:
        node = self.nodes.get(pod["spec"]["nodeName"])
        if node is None:
            return None
        if pod["spec"].get("hostNetwork"):
            return netinfo.node_ip(node)
        pool = self._pool_for(node)
        ip = pool.take()
        agent_pool = netinfo.pool_of(self.cluster, node)
        subnet_id = agent_pool.get("podSubnetId")
        static = agent_pool.get("podIpAllocationMode") == "StaticBlock"  # its /28 blocks are all it gets
        if self.mode == "nodesubnet" and subnet_id and not static and (ip is None or pool.free() < LOW_WATERMARK):
            try:
                ips = self._grow(node, str(subnet_id), list(pool.candidates))
            except AksnetError:
                ips = list(pool.candidates)
            pool.candidates = ips
            if ip is None:
                ip = pool.take()
        return ip


def reconcile(tx: Transaction, cluster_id: str) -> None:
    """Give every bound pod without an address one, and start it."""
    objs = objects.open_objects(tx, cluster_id)
    alloc: Allocator | None = None
    now = objs.timestamp()
    for pod in objs.docs(RT_POD.store_kind):
        node_name = pod["spec"].get("nodeName")
        st = pod.get("status") or {}
        if not node_name or st.get("podIP") or st.get("phase") in ("Succeeded", "Failed"):
            continue
        if alloc is None:
            alloc = Allocator(objs)
        start_pod(objs, alloc, pod, now)


def start_pod(objs: ClusterObjects, alloc: Allocator, pod: Doc, now: str) -> None:
    """Give one bound pod without an address its address and start it (or record why it cannot start)."""
    node_name = pod["spec"]["nodeName"]
    node = alloc.nodes.get(node_name)
    if node is None:
        return
    ip = alloc.allocate(pod)
    host_ip = netinfo.node_ip(node)
    if ip is None or host_ip is None:
        _sandbox_failed(objs, pod, node_name, alloc.mode)
        return
    apiserver.write_status(objs, RT_POD, pod, running_status(pod, host_ip, ip, now, ipv6_twin(node, ip),
                                                             ipv6_twin(node, host_ip)))
    for c in pod["spec"].get("containers") or []:
        events.record(objs, pod, "Pulled", f'Container image "{c.get("image")}" already present on machine',
                      component="kubelet", host=node_name)
        events.record(objs, pod, "Created", f"Created container: {c.get('name')}", component="kubelet",
                      host=node_name)
        events.record(objs, pod, "Started", f"Started container {c.get('name')}", component="kubelet",
                      host=node_name)


def _sandbox_failed(objs: ClusterObjects, pod: Doc, node: str, mode: str) -> None:
    """No address left for the pod: it stays ContainerCreating with the CNI's error, as on AKS."""
    status = dict(pod.get("status") or {})
    status["phase"] = "Pending"
    status["containerStatuses"] = [
        {"name": c.get("name"), "image": c.get("image"), "imageID": "", "ready": False, "restartCount": 0,
         "started": False, "state": {"waiting": {"reason": "ContainerCreating"}}, "lastState": {}}
        for c in pod["spec"].get("containers") or []]
    apiserver.write_status(objs, RT_POD, pod, status)
    plugin = "azure-vnet" if mode in ("nodesubnet", "overlay") else "kubenet"
    events.record(objs, pod, "FailedCreatePodSandBox",
                  f'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for '
                  f'sandbox: plugin type="{plugin}" failed (add): failed to allocate address: no IP addresses '
                  f"available in range set", "Warning", "kubelet", host=node)
