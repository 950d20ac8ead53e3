"""Golden scenarios of the path engine: one per hop kind, each a small workspace written as documents
(tests/trace/worlds.py) and the expected ``aksnet trace`` text + JSON (or ``aksnet curl`` output) under
tests/scenarios/trace_<what>/. Regenerate with ``pytest tests/trace --update-golden``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.golden import check_golden
from tests.trace import worlds
from tests.trace.world import World

ROOT = Path(__file__).resolve().parent.parent / "scenarios"
P0, P1 = "pod/web-5d4f8c7b9-ax2z0", "pod/web-5d4f8c7b9-bx2z1"
FQDN = "aks-cluster-dns-1a2b3c4d.hcp.eastus.azmk8s.io"
RESOLVE = ["--resolve", f"myapp.example.com:443:{worlds.INGRESS_IP}", "--resolve",
           f"myapp.example.com:80:{worlds.INGRESS_IP}"]
PRIV = "myPrivateAKSCluster-dns-1a2b3c4d.5e6f7a8b.privatelink.eastus.azmk8s.io"

# name → (world factory, aksnet argv, expected exit code)
SCENARIOS: dict[str, tuple[Callable[[], World], list[str], int]] = {
    "trace_kubenet_pod_to_pod_udr": (worlds.kubenet, ["trace", P0, P1, "--port", "80"], 0),
    "trace_kubenet_no_route_table": (lambda: worlds.kubenet(with_route_table=False),
                                     ["trace", P0, P1, "--port", "80"], 1),
    "trace_kubenet_vm_to_pod_via_udr": (worlds.kubenet, ["trace", "vm/testvm", "10.244.1.2", "--port", "80"], 0),
    "trace_kubenet_pod_to_vm_snat": (worlds.kubenet, ["curl", "--from", P0, f"http://{worlds.VM_IP}/"], 0),
    "trace_pod_to_internet_outbound_ip": (worlds.kubenet, ["trace", P0, "93.184.216.34", "--port", "443"], 0),
    "trace_kube_proxy_clusterip_dnat": (worlds.kubenet, ["trace", P1, "svc/default/web:80"], 0),
    "trace_kube_proxy_reject_wrong_port": (worlds.kubenet, ["trace", P0, "10.32.1.10", "--port", "81"], 1),
    "trace_dns_service_name": (worlds.kubenet, ["trace", P1, "web", "--port", "80"], 0),
    "trace_dns_nxdomain": (worlds.kubenet, ["trace", P1, "nope", "--port", "80"], 1),
    "trace_vm_to_clusterip_no_nic": (worlds.kubenet, ["trace", "vm/testvm", "10.32.1.10", "--port", "80"], 1),
    "trace_nsg_internet_to_lb_denied": (worlds.kubenet, ["trace", "internet", worlds.LB_IP, "--port", "80"], 1),
    "trace_nsg_internet_to_lb_allowed": (lambda: worlds.kubenet(user_nsg_allows_http=True),
                                         ["trace", "internet", worlds.LB_IP, "--port", "80"], 0),
    # a custom deny-all above AllowAzureLoadBalancerInBound also denies the health probes: no healthy member
    "trace_lb_probe_denied_by_nsg": (lambda: worlds.kubenet(user_nsg_allows_http=True, deny_all_inbound=True),
                                     ["trace", "internet", worlds.LB_IP, "--port", "80"], 1),
    "trace_lb_probe_allowed_above_deny": (
        lambda: worlds.kubenet(user_nsg_allows_http=True, deny_all_inbound=True, allow_probes=True),
        ["trace", "internet", worlds.LB_IP, "--port", "80"], 0),
    "trace_lb_no_rule_for_port": (lambda: worlds.kubenet(user_nsg_allows_http=True),
                                  ["trace", "internet", worlds.LB_IP, "--port", "8080"], 1),
    "trace_lb_etp_local_preserves_client": (lambda: worlds.kubenet(user_nsg_allows_http=True, etp="Local"),
                                            ["curl", "--from", "internet/203.0.113.7", f"http://{worlds.LB_IP}/"], 0),
    "trace_lb_etp_cluster_snat_to_node": (lambda: worlds.kubenet(user_nsg_allows_http=True),
                                          ["curl", "--from", "internet/203.0.113.7", f"http://{worlds.LB_IP}/"], 0),
    # without floating IP the LB rewrites to nodeIP:nodePort, so the user's rule for port 80 no longer matches
    "trace_lb_no_floating_ip_nsg_sees_nodeport": (
        lambda: worlds.kubenet(user_nsg_allows_http=True, floating_ip=False),
        ["trace", "internet", worlds.LB_IP, "--port", "80"], 1),
    "trace_svc_from_internet_uses_lb_ip": (lambda: worlds.kubenet(user_nsg_allows_http=True),
                                           ["trace", "internet", "svc/default/web:80"], 0),
    "trace_apiserver_authorized_allowed": (lambda: worlds.kubenet(authorized=["39.100.100.100/32"]),
                                           ["trace", "internet/39.100.100.100", FQDN, "--port", "443"], 0),
    "trace_apiserver_authorized_denied": (lambda: worlds.kubenet(authorized=["39.100.100.100/32"]),
                                          ["trace", "internet/8.8.8.8", FQDN, "--port", "443"], 1),
    "trace_apiserver_own_outbound_ip": (lambda: worlds.kubenet(authorized=["39.100.100.100/32"]),
                                        ["trace", P0, FQDN, "--port", "443"], 0),
    "trace_azure_cni_pod_to_vm_keeps_pod_ip": (worlds.azure_cni,
                                               ["curl", "--from", "pod/web-6b7c8d9e0-aaaaa", "http://10.100.0.4/"], 0),
    "trace_azure_cni_vm_to_pod": (worlds.azure_cni, ["trace", "vm/testvm", "10.100.0.37", "--port", "80"], 0),
    "trace_pod_subnet_nsg_denies_vm": (worlds.pod_subnet, ["trace", "vm/testvm", "10.101.0.4", "--port", "80"], 1),
    "trace_pod_subnet_vm_other_port": (worlds.pod_subnet, ["trace", "vm/testvm", "10.101.0.4", "--port", "8080"], 0),
    "trace_pod_subnet_pod_to_vm_keeps_pod_ip": (worlds.pod_subnet, ["curl", "--from", "pod/web-8d9e0f1a2-aaaaa",
                                                                    "http://10.100.0.4/"], 0),
    "trace_overlay_vm_to_pod_none_route": (worlds.overlay, ["trace", "vm/testvm", "172.17.0.10", "--port", "80"], 1),
    "trace_overlay_pod_to_pod_fabric": (worlds.overlay, ["trace", "pod/web-7c8d9e0f1-aaaaa",
                                                         "pod/web-7c8d9e0f1-bbbbb", "--port", "80"], 0),
    "trace_overlay_pod_to_vm_snat": (worlds.overlay, ["curl", "--from", "pod/web-7c8d9e0f1-aaaaa",
                                                      "http://10.100.0.4/"], 0),
    "trace_private_fqdn_from_vnet": (worlds.private_cluster, ["trace", "vm/jumpbox", PRIV, "--port", "443"], 0),
    "trace_private_fqdn_from_internet": (worlds.private_cluster, ["trace", "internet", PRIV, "--port", "443"], 1),
    "trace_netpol_allowed": (worlds.policies, ["trace", "deploy/production/frontend", "deploy/production/backend",
                                               "--port", "8080"], 0),
    "trace_netpol_denied": (worlds.policies, ["trace", "deploy/production/api", "deploy/production/backend",
                                              "--port", "8080"], 1),
    "trace_delivery_refused_undeclared_port": (worlds.kubenet, ["trace", P0, P1, "--port", "8080"], 1),
    "trace_ingress_to_frontend": (worlds.ingress, ["curl", "-k", *RESOLVE, "--from", "internet/203.0.113.7",
                                                   "https://myapp.example.com/"], 0),
    "trace_ingress_rewrite_to_api": (worlds.ingress, ["curl", "-k", *RESOLVE, "--from", "internet/203.0.113.7",
                                                      "https://myapp.example.com/api/users"], 0),
    "trace_ingress_ssl_redirect": (worlds.ingress, ["curl", "-i", *RESOLVE, "--from", "internet/203.0.113.7",
                                                    "http://myapp.example.com/api"], 0),
    "trace_ingress_policy_blocked_504": (lambda: worlds.ingress(allow_controller=False),
                                         ["curl", "-k", "-i", *RESOLVE, "--from", "internet/203.0.113.7",
                                          "https://myapp.example.com/"], 0),
    "trace_ingress_etp_local_client_ip": (lambda: worlds.ingress(etp="Local"),
                                          ["curl", "-k", *RESOLVE, "--from", "internet/203.0.113.7",
                                           "https://myapp.example.com/"], 0),
    "trace_url_ingress_rewrite_to_api": (worlds.ingress, ["trace", "internet/203.0.113.7",
                                                          "https://myapp.example.com/api/users", *RESOLVE], 0),
    "trace_url_ingress_policy_blocked_504": (lambda: worlds.ingress(allow_controller=False),
                                             ["trace", "internet/203.0.113.7", "https://myapp.example.com/",
                                              *RESOLVE], 1),
    "trace_url_ingress_ssl_redirect": (worlds.ingress, ["trace", "internet/203.0.113.7",
                                                        "http://myapp.example.com/api/", *RESOLVE], 1),
    "trace_url_unresolved": (worlds.ingress, ["trace", "internet", "https://myapp.example.com/"], 1),
    "trace_url_bad_port_option": (worlds.ingress, ["trace", "internet", "https://myapp.example.com/", "--port",
                                                   "443"], 2),
    "trace_curl_self_signed_without_k": (worlds.ingress, ["curl", *RESOLVE, "https://myapp.example.com/"], 60),
    "trace_curl_unresolved": (worlds.kubenet, ["curl", "--from", P0, "http://nope/"], 6),
    # the DNS lookup is a flow: UDP 53 to kube-dns/CoreDNS (and CoreDNS on to Azure DNS) meets policies and NSGs
    "trace_dns_lookup_denied_by_egress_policy": (worlds.dns_egress, ["trace", worlds.CLIENT, "kubernetes.default",
                                                                     "--port", "443"], 1),
    "trace_curl_lookup_timeout": (worlds.dns_egress, ["curl", "--from", worlds.CLIENT, "https://kubernetes.default/"],
                                  6),
    "trace_dns_from_pod_timeout": (worlds.dns_egress, ["dns", "kubernetes.default", "--from", "client"], 1),
    "trace_dns_lookup_allowed": (lambda: worlds.dns_egress(allow_dns=True),
                                 ["trace", worlds.CLIENT, "web", "--port", "80"], 0),
    "trace_dns_coredns_forward_denied": (lambda: worlds.dns_egress(allow_dns=True, coredns_egress_denied=True),
                                         ["trace", worlds.CLIENT, FQDN, "--port", "443"], 1),
    "trace_dns_coredns_forward_azure_dns": (lambda: worlds.dns_egress(allow_dns=True),
                                            ["trace", worlds.CLIENT, FQDN, "--port", "443"], 0),
    "trace_dns_vm_custom_dns_unreachable": (lambda: worlds.dns_egress(custom_dns=True),
                                            ["trace", "vm/testvm", FQDN, "--port", "443"], 1),
    # virtual appliances forward only with IP forwarding on their NIC; their own NSG judges what they receive
    "trace_appliance_forwarding_disabled": (lambda: worlds.appliance(forwarding=False, return_route="nva"),
                                            ["trace", "vm/testvm", "vm/appvm", "--port", "80"], 1),
    "trace_appliance_nsg_denies": (lambda: worlds.appliance(return_route="nva", nva_denies_http=True),
                                   ["trace", "vm/testvm", "vm/appvm", "--port", "80"], 1),
    "trace_appliance_symmetric_reply": (lambda: worlds.appliance(return_route="nva"),
                                        ["trace", "vm/testvm", "vm/appvm", "--port", "80"], 0),
    # a connection is delivered only if the reply gets back: asymmetric appliance paths and next hop None break it
    "trace_appliance_asymmetric_reply": (worlds.appliance, ["trace", "vm/testvm", "vm/appvm", "--port", "80"], 1),
    # a NodePort from a VM: the node SNATs, so the reply leaves that node towards the VM by its subnet's routes
    "trace_appliance_nodeport_reply_symmetric": (lambda: worlds.appliance(return_route="nva"),
                                                 ["trace", "vm/appvm", worlds.N1_IP, "--port", "30080"], 0),
    "trace_appliance_nodeport_reply_asymmetric": (worlds.appliance,
                                                  ["trace", "vm/appvm", worlds.N1_IP, "--port", "30080"], 1),
    "trace_reply_next_hop_none": (lambda: worlds.appliance(return_route="none"),
                                  ["trace", "vm/testvm", "vm/appvm", "--port", "22"], 1),
    "trace_lb_reply_through_udr_firewall": (worlds.lb_behind_firewall_udr,
                                            ["trace", "internet", worlds.LB_IP, "--port", "80"], 1),
    # NSG rules with source port ranges: trace says which of the client's source ports pass
    "trace_nsg_source_port_range": (worlds.source_port_rule, ["trace", "vm/testvm", "10.244.1.2", "--port", "80"], 0),
    # pods answer on every port a Service targets at them (nginx without containerPort behind a Service on 80)
    "trace_service_target_port_without_container_port": (lambda: worlds.dns_egress(allow_dns=True, web_ports=False),
                                                         ["trace", worlds.CLIENT, "web", "--port", "80"], 0),
    "trace_curl_refused": (worlds.kubenet, ["curl", "--from", P0, "http://web:81/"], 7),
    "trace_curl_timeout": (worlds.kubenet, ["curl", f"http://{worlds.LB_IP}/"], 28),
    "trace_egress_udr_firewall": (lambda: worlds.egress_variants("udr"),
                                  ["curl", "--from", P0, "http://93.184.216.34/"], 0),
    "trace_egress_nat_gateway": (lambda: worlds.egress_variants("natgw"),
                                 ["curl", "--from", P0, "http://93.184.216.34/"], 0),
    "trace_vnet_peering_pod_to_vm": (lambda: worlds.egress_variants("peering"),
                                     ["trace", P0, "vm/hubvm", "--port", "22"], 0),
    "trace_udp_delivered_shows_protocol": (worlds.kubenet_extras, ["trace", P0, worlds.DNS_POD_IP, "--port", "53",
                                                                   "--protocol", "UDP"], 0),
    "trace_sctp_delivered": (worlds.kubenet_extras, ["trace", P0, worlds.DNS_POD_IP, "--port", "9899",
                                                     "--protocol", "sctp"], 0),
    "trace_udp_policy_denies_vm": (lambda: worlds.kubenet_extras("azure"),
                                   ["trace", "vm/testvm", worlds.DNS_POD_IP, "--port", "53", "--protocol", "UDP"], 1),
    "trace_internet_to_vm_public_ip": (worlds.kubenet_extras, ["trace", "internet", "vm/pubvm", "--port", "80"], 0),
    "trace_internet_to_vm_without_public_ip": (worlds.kubenet_extras,
                                               ["trace", "internet", "vm/testvm", "--port", "80"], 1),
    "trace_from_node": (worlds.kubenet, ["trace", f"node/{worlds.NODE0}", P1, "--port", "80"], 0),
    "trace_from_bare_ip": (worlds.kubenet, ["trace", worlds.VM_IP, "10.244.1.2", "--port", "80"], 0),
    "trace_workload_every_pod_reported": (lambda: worlds.kubenet(with_route_table=False),
                                          ["trace", "deploy/default/web", P0, "--port", "80"], 1),
    "trace_workload_pending_pod_source": (worlds.kubenet_pending, ["trace", "deploy/default/web", P1, "--port", "80"],
                                          1),
    "trace_workload_pending_pod_target": (worlds.kubenet_pending, ["trace", P0, "deploy/web", "--port", "80"], 1),
    "trace_curl_from_workload_skips_pending": (worlds.kubenet_pending, ["curl", "--from", "deploy/web",
                                                                        "http://10.244.1.2/"], 0),
    "trace_engine_none_not_enforced": (lambda: worlds.policies("none"),
                                       ["trace", "deploy/production/api", "deploy/production/backend", "--port",
                                        "8080"], 0),
    "trace_engine_flag_overrides_cluster": (worlds.policies, ["trace", "deploy/production/api",
                                                              "deploy/production/backend", "--port", "8080",
                                                              "--engine", "none"], 0),
    "trace_bad_input_bad_protocol": (worlds.kubenet, ["trace", P0, P1, "--port", "80", "--protocol", "ICMP"], 2),
    "trace_bad_input_bad_port": (worlds.kubenet, ["trace", P0, P1, "--port", "70000"], 2),
    "trace_bad_input_unknown_pod": (worlds.kubenet, ["trace", "pod/nope", P1, "--port", "80"], 2),
    "trace_bad_input_missing_port": (worlds.kubenet, ["trace", P0, P1], 2),
}


def _render(argv: list[str]) -> tuple[int, str]:
    r = run_cli(*argv)
    return r.code, f"$ aksnet {' '.join(argv)}\nexit: {r.code}\n{r.out}{r.err}"


@pytest.mark.parametrize("name", sorted(SCENARIOS), ids=sorted(SCENARIOS))
def test_scenario(name: str, home: Path, update_golden: bool) -> None:
    factory, argv, want = SCENARIOS[name]
    factory().save(home)
    code, text = _render(argv)
    assert code == want, text
    outputs = {"expected.txt": text}
    if argv[0] == "trace" and want != 2:
        jcode, jtext = _render([*argv, "-o", "json"])
        assert jcode == code
        doc = json.loads(jtext.split("\n", 2)[2])
        assert {"verdict", "source", "destination", "hops"} <= set(doc)
        assert doc["destination"]["ip"] or doc["verdict"] == "unresolved" or "has no IP address" in doc["reason"]
        outputs["expected.json"] = jtext
    folder = ROOT / name
    for fname, got in outputs.items():
        check_golden(folder / fname, got, update_golden)
