"""``aksnet demo``: the seeds' walkthrough, and what a new user should see first: the commands, the resources AKS
built, the nodes with their IPs and pod CIDRs, the routes AKS wrote, and the IP plan.

The demo builds its cluster in the workspace (``$AKSNET_HOME``, else ``./.aksnet``) when that workspace does
not exist yet, so that ``aksnet ui`` afterwards shows the seeds' cluster; an existing workspace is never
touched: the demo then runs in a throwaway one and says so.

The demo is a list of sections (:data:`SECTIONS`); each is a function of a :class:`Demo` that runs commands
and prints. Later sections (traces, matrix) are added to the list. Exit 0 when every step succeeded.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from aksnet.model.ids import id_key

SUBNET = ("/subscriptions/{sub}/resourceGroups/aks-rg/providers/Microsoft.Network/virtualNetworks/"
          "vNet_aks_useast/subnets/aks-subnet")

SEED_001_NETWORK = [
    "az group create --name aks-rg --location eastus",
    "az network vnet create -g aks-rg -n vNet_aks_useast --address-prefix 10.0.0.0/8 "
    "--subnet-name aks-subnet --subnet-prefix 10.100.0.0/16",
    "az network nsg create --resource-group aks-rg --name aks-nsg --location eastus",
    "az network vnet subnet update --resource-group aks-rg --vnet-name vNet_aks_useast --name aks-subnet "
    "--network-security-group aks-nsg",
    "az network route-table create -g aks-rg -n aks-route-table",
    "az network vnet subnet update --resource-group aks-rg --vnet-name vNet_aks_useast --name aks-subnet "
    "--route-table aks-route-table",
]
SEED_001_CLUSTER = [
    "az aks create --resource-group aks-rg --name aks-cluster --vnet-subnet-id {subnet} --network-plugin kubenet "
    "--pod-cidr 10.244.0.0/16 --service-cidr 10.32.0.0/16 --dns-service-ip 10.32.0.10 --node-count 2 "
    "--generate-ssh-keys",
    "az aks get-credentials --resource-group aks-rg --name aks-cluster",
]


class DemoFailed(Exception):
    pass


class Demo:
    """Runs aksnet commands in-process against the demo workspace and prints a transcript."""

    def __init__(self, out: io.TextIOBase | None = None) -> None:
        self.out = out or sys.stdout

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def heading(self, text: str) -> None:
        self.say()
        self.say(f"== {text}")

    def run(self, command: str, show: bool = False, ok: tuple[int, ...] = (0,)) -> str:
        """Run ``aksnet <command>``; print it (``$ command``) and, with ``show``, its output. An exit code
        outside ``ok`` fails the demo (a trace that is expected not to deliver passes ``ok=(1,)``)."""
        from aksnet.cli.main import main

        self.say(f"$ {command}")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(shlex.split(command))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        if code not in ok:
            raise DemoFailed(f"'{command}' failed (exit {code}): {err.getvalue().strip()}")
        if show:
            self.say(out.getvalue().rstrip())
        return out.getvalue()


def section_build(d: Demo) -> None:
    from aksnet.model.account import SUBSCRIPTION_ID

    d.heading("Seed 001: a VNet with an NSG and a route table, then a kubenet cluster in it")
    for cmd in SEED_001_NETWORK:
        d.run(f"az {cmd[3:]}" if cmd.startswith("az ") else cmd)
    for cmd in SEED_001_CLUSTER:
        d.run(cmd.format(subnet=SUBNET.format(sub=SUBSCRIPTION_ID)))


def section_resources(d: Demo) -> None:
    d.heading("What AKS built in the node resource group MC_aks-rg_aks-cluster_eastus")
    from aksnet.cli.common import command_transaction
    from aksnet.io.arm_ids import group_id

    prefix = id_key(group_id("MC_aks-rg_aks-cluster_eastus")) + "/"
    with command_transaction(write=False) as tx:
        rows = []
        for kind in sorted(tx.kinds("")):
            if "/" not in kind or kind.startswith("aksnet"):
                continue
            for key, doc in tx.items(kind, ""):
                if key.startswith(prefix) and doc.get("name") and key.count("/") <= 8:
                    rows.append((str(doc.get("type", kind)), str(doc["name"])))
    width = max(len(t) for t, _ in rows)
    for t, n in rows:
        d.say(f"  {t.ljust(width)}  {n}")


def section_nodes(d: Demo) -> None:
    d.heading("Nodes: IPs from the subnet 10.100.0.0/16, a pod /24 each from the pod CIDR 10.244.0.0/16")
    d.run("kubectl get nodes -o custom-columns=NAME:.metadata.name,INTERNAL-IP:.status.addresses[0].address,"
          "POD-CIDR:.spec.podCIDR,PROVIDER-ID:.spec.providerID", show=True)


def section_routes(d: Demo) -> None:
    d.heading("The routes AKS wrote into the route table on the subnet (one per node, next hop = node IP)")
    d.run("az network route-table route list -g aks-rg --route-table-name aks-route-table -o table", show=True)


def section_plan(d: Demo) -> None:
    d.heading("IP plan of the cluster")
    d.run("plan -g aks-rg -n aks-cluster", show=True)
    d.heading("IP plan of a hypothetical Azure CNI cluster: 50 nodes at 30 pods")
    d.run("plan --network-plugin azure --node-count 50 --max-pods 30", show=True)


def section_workloads(d: Demo) -> None:
    d.heading("Pods get addresses from their node's /24 (kubenet); a VM joins the subnet")
    d.run("kubectl create deployment web --image=nginx --replicas=4 --port=80")
    d.run("kubectl get pods -o wide", show=True)
    d.run("az vm create -g aks-rg -n testvm --vnet-name vNet_aks_useast --subnet aks-subnet --image Ubuntu2204 "
          "--admin-username azureuser --generate-ssh-keys")


def _pods_on_two_nodes(d: Demo) -> tuple[str, str]:
    import json

    pods = json.loads(d.run("kubectl get pods -l app=web -o json"))["items"]
    by_node: dict[str, str] = {}
    for pod in pods:
        by_node.setdefault(pod["spec"]["nodeName"], pod["metadata"]["name"])
    names = list(by_node.values())
    return names[0], names[-1]


def section_traces(d: Demo) -> None:
    d.heading("Pod to pod across nodes: through the route table's UDR to the other node")
    p1, p2 = _pods_on_two_nodes(d)
    d.run(f"trace pod/{p1} pod/{p2} --port 80", show=True)
    d.heading("Pod to VM: kubenet NATs pod traffic to the node IP, so the VM sees the node as the client")
    vm_ip = d.run("az vm list-ip-addresses -g aks-rg -n testvm "
                  "--query [0].virtualMachine.network.privateIpAddresses[0] -o tsv").strip()
    d.run(f"curl --from pod/{p1} http://{vm_ip}/", show=True)
    d.heading("A public LoadBalancer Service: the user's subnet NSG still decides (DenyAllInBound)")
    d.run("kubectl expose deployment web --type LoadBalancer --port 80")
    lb_ip = d.run("kubectl get svc web -o jsonpath={.status.loadBalancer.ingress[0].ip}").strip()
    d.run(f"trace internet/203.0.113.7 {lb_ip} --port 80", show=True, ok=(1,))
    d.run("az network nsg rule create -g aks-rg --nsg-name aks-nsg -n allow-http --priority 100 --direction Inbound "
          "--access Allow --protocol Tcp --destination-port-ranges 80 --source-address-prefixes Internet")
    d.run(f"trace internet/203.0.113.7 {lb_ip} --port 80", show=True)


def section_matrix(d: Demo) -> None:
    d.heading("Who can connect to whom (netpol-analyzer style; no policy engine on this cluster)")
    d.run("matrix -n default", show=True)
    d.heading("Findings about the cluster's networking")
    d.run("lint --fail-on never", show=True)


def section_next(d: Demo) -> None:
    d.heading("Try it in a workspace of your own (a new directory: export AKSNET_HOME=$PWD/my-workspace)")
    for line in ("aksnet az group create --name aks-rg --location eastus",
                 "aksnet az aks create -g aks-rg -n aks-cluster --network-plugin azure --network-plugin-mode overlay "
                 "--node-count 2",
                 "aksnet az aks get-credentials -g aks-rg -n aks-cluster",
                 "aksnet kubectl get nodes -o wide",
                 "aksnet plan -g aks-rg -n aks-cluster",
                 "aksnet plan --network-plugin azure --node-count 10 --max-pods 30 --subnet-prefix 10.0.0.0/24",
                 "aksnet kubectl create deployment web --image=nginx --replicas=3 --port=80",
                 "aksnet trace deploy/default/web internet/93.184.216.34 --port 443",
                 "aksnet matrix -o md"):
        d.say(f"  {line}")


SECTIONS: list[Callable[[Demo], None]] = [section_build, section_resources, section_nodes, section_routes,
                                          section_plan, section_workloads, section_traces, section_matrix,
                                          section_next]


def _build(demo: Demo) -> int:
    try:
        for section in SECTIONS:
            section(demo)
    except DemoFailed as exc:
        print(f"aksnet demo: {exc}", file=sys.stderr)
        return 1
    return 0


def run(argv: list[str]) -> int:
    from aksnet.store.workspace import default_home

    if argv and argv[0] in ("-h", "--help"):
        print("usage: aksnet demo\n\nBuilds seed 001's kubenet walkthrough and shows the resources, nodes, routes, "
              "IP plan, pod IPs, traces (pod to pod, pod to VM, internet to a LoadBalancer through the NSG), the "
              "connectivity matrix and lint findings. The cluster stays in the workspace ($AKSNET_HOME, else "
              "./.aksnet) when that workspace does not exist yet, so 'aksnet ui' shows it next; an existing "
              "workspace is not touched (the demo then runs in a throwaway workspace).")
        return 0
    if argv:
        print(f"aksnet demo: unexpected arguments: {' '.join(argv)}", file=sys.stderr)
        return 2
    home = default_home()
    if not home.exists():
        demo = Demo()
        demo.say(f"aksnet demo (building in the new workspace {home})")
        code = _build(demo)
        if code != 0:  # a failed demo leaves no half-built workspace behind (the directory was not there)
            shutil.rmtree(home, ignore_errors=True)
        else:
            demo.heading("See it: the seeds' cluster stays in this workspace")
            demo.say("  aksnet ui                        # http://127.0.0.1:8765/: topology, trace, matrix, IP plan")
            demo.say("  aksnet ui --export site/         # the same pages as files: open site/index.html")
        return code
    old = os.environ.get("AKSNET_HOME")
    with tempfile.TemporaryDirectory(prefix="aksnet-demo-") as tmp:
        os.environ["AKSNET_HOME"] = str(Path(tmp) / "workspace")
        demo = Demo()
        demo.say(f"aksnet demo (your workspace {home} exists and is untouched: this runs in the throwaway "
                 f"workspace {tmp}; run it with AKSNET_HOME set to a new directory to keep the cluster)")
        try:
            return _build(demo)
        finally:
            if old is None:
                os.environ.pop("AKSNET_HOME", None)
            else:
                os.environ["AKSNET_HOME"] = old
