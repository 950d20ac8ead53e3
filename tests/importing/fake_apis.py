"""A local fake of Azure Resource Manager, App Service's managed identity endpoint and a Kubernetes API server,
served over TLS on 127.0.0.1, answering with the shapes the real APIs return (ARM: ``{"value": [...]}`` lists of
REST-shaped resources and ``{"error": {"code", "message"}}``; Kubernetes: typed lists whose items carry no
kind/apiVersion, ``Status`` 404 for kinds that are not installed). The data is the dump fixture's.

Only what ``aksnet import --live`` calls is served; every request must carry the bearer token the fake hands out
(ARM) or the kubeconfig's token (Kubernetes). Requests are recorded so that tests can check nothing but GETs
were made.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from aksnet.io.dump import KIND_VMSS_VM, Dump, read_dump

ARM_TOKEN = "arm-token-7f3c"
KUBE_TOKEN = "kube-token-2b9e"
IDENTITY_HEADER = "identity-header-51d0"
PLURALS = {"nodes": "Node", "namespaces": "Namespace", "pods": "Pod", "services": "Service",
           "endpointslices": "EndpointSlice", "deployments": "Deployment", "replicasets": "ReplicaSet",
           "statefulsets": "StatefulSet", "daemonsets": "DaemonSet", "jobs": "Job", "cronjobs": "CronJob",
           "networkpolicies": "NetworkPolicy", "ingresses": "Ingress", "ingressclasses": "IngressClass",
           "configmaps": "ConfigMap", "ciliumnetworkpolicies": "CiliumNetworkPolicy",
           "ciliumclusterwidenetworkpolicies": "CiliumClusterwideNetworkPolicy",
           "adminnetworkpolicies": "AdminNetworkPolicy", "baselineadminnetworkpolicies": "BaselineAdminNetworkPolicy",
           "globalnetworkpolicies": "GlobalNetworkPolicy"}


def certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA): (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-apis")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    crt, pem = directory / "fake.crt", directory / "fake.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    return crt, pem


@dataclass
class FakeApis:
    dump: Dump
    requests: list[tuple[str, str]] = field(default_factory=list)

    def arm(self, path: str) -> tuple[int, Any]:
        p = path.lower().rstrip("/")
        parts = p.strip("/").split("/")
        if len(parts) < 6 or parts[0] != "subscriptions" or parts[2] != "resourcegroups" or parts[4] != "providers":
            return 404, {"error": {"code": "InvalidResourceType", "message": f"no such path {path}"}}
        prefix = "/".join(parts[:4])
        rest = parts[5:]
        docs = [d for kind, ds in self.dump.arm.items() if kind != KIND_VMSS_VM for d in ds]
        if rest[0] == "microsoft.compute" and len(rest) == 4 and rest[3] == "networkinterfaces":
            vmss = f"/{prefix}/providers/microsoft.compute/virtualmachinescalesets/{rest[2]}/"
            return 200, {"value": [d for d in docs if str(d["id"]).lower().startswith(vmss)
                                   and str(d["type"]).lower() == "microsoft.network/networkinterfaces"]}
        typ = f"{rest[0]}/{rest[1]}"
        if len(rest) == 2:
            return 200, {"value": [d for d in docs if str(d["type"]).lower() == typ and "/virtualmachines/" not in
                                   str(d["id"]).lower() and str(d["id"]).lower().startswith(f"/{prefix}/")]}
        for d in docs:
            if str(d["id"]).lower() == p:
                return 200, d
        return 404, {"error": {"code": "ResourceNotFound",
                               "message": f"The Resource '{rest[0]}/{rest[1]}/{rest[2]}' under resource group "
                                          f"'{parts[3]}' was not found."}}

    def kube(self, path: str) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        group_version = parts[1] if parts[0] == "api" else "/".join(parts[1:3])
        kind = PLURALS.get(parts[-1])
        items = [dict(d) for d in self.dump.k8s if d.get("apiVersion") == group_version and d.get("kind") == kind]
        if not items and parts[0] == "apis" and group_version.split("/")[0] not in (
                "apps", "batch", "networking.k8s.io", "discovery.k8s.io"):
            return 404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                         "message": "the server could not find the requested resource", "code": 404}
        for i in items:
            i.pop("kind", None)
            i.pop("apiVersion", None)
        return 200, {"kind": f"{kind}List", "apiVersion": group_version, "metadata": {"resourceVersion": "48213"},
                     "items": items}


def handler(fake: FakeApis) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _send(self, code: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            fake.requests.append(("GET", self.path))
            auth = self.headers.get("Authorization", "")
            if url.path == "/msi/token":
                if self.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
                    self._send(400, {"error": "bad identity header"})
                    return
                resource = parse_qs(url.query).get("resource", [""])[0]
                self._send(200, {"access_token": ARM_TOKEN, "expires_on": str(int(time.time()) + 3600),
                                 "resource": resource, "token_type": "Bearer"})
            elif url.path.startswith("/subscriptions/"):
                if auth != f"Bearer {ARM_TOKEN}":
                    self._send(401, {"error": {"code": "AuthenticationFailed", "message": "no valid token"}})
                    return
                self._send(*fake.arm(url.path))
            elif url.path.startswith(("/api/", "/apis/")):
                if auth != f"Bearer {KUBE_TOKEN}":
                    self._send(401, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                     "reason": "Unauthorized", "code": 401})
                    return
                self._send(*fake.kube(url.path))
            else:
                self._send(404, {"error": {"code": "NotFound", "message": url.path}})

        def _refuse(self) -> None:
            fake.requests.append((self.command, self.path))
            self._send(405, {"error": {"code": "MethodNotAllowed", "message": "read-only fake"}})

        do_POST = do_PUT = do_PATCH = do_DELETE = _refuse

    return Handler


def serve(dump_dir: Path, tmp: Path) -> Iterator[tuple[str, Path, FakeApis]]:
    """Run the fake until the generator is closed: (base URL, CA file, fake)."""
    fake = FakeApis(read_dump(dump_dir))
    crt, key = certificate(tmp)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(fake))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(crt, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", crt, fake
    finally:
        server.shutdown()
        server.server_close()
