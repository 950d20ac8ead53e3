"""The mesh's certificate authority and workload certificates, made at ``up`` for the sidecar stand-ins.

istiod signs every workload a certificate whose only identity is the SPIFFE URI SAN
``spiffe://<trust domain>/ns/<namespace>/sa/<service account>`` with an empty subject
(https://istio.io/latest/docs/concepts/security/#istio-identity, ``…/#pki``); sidecars verify each other's
certificates against the mesh's root. Here one CA is made per workspace (EC P-256, in the workspace's
``dataplane/tls/mesh/``: directories 0700, keys 0600, removed by ``down`` with the rest of ``dataplane/tls``),
and each identity a sidecar needs gets a certificate (URI SAN only, empty subject, so the SAN is critical as
RFC 5280 §4.2.1.6 requires). Certificates are kept across runs; a new identity gets a new one.

NGINX has no variable for a peer's URI SAN nor a SHA-256 of its certificate, so :func:`peer_maps` renders two
``map`` bodies keyed by the SHA-1 fingerprint NGINX does expose (``$ssl_client_fingerprint``) of every
certificate this CA issued: the principal (``cluster.local/ns/NS/sa/SA``, as Istio's ``source.principal``) and
the SHA-256 that Envoy writes as ``Hash=`` in ``X-Forwarded-Client-Cert``. Only certificates that verify against
the CA reach those maps. Must not run NGINX or touch the kernel.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from aksnet.rules.istio import TRUST_DOMAIN

MESH_DIR = "mesh"  # under dataplane/tls/
CA_NAME = "aksnet mesh root CA"
# a principal as rules.istio.principal makes it, with Kubernetes names (DNS labels; a service account a subdomain)
_PRINCIPAL = re.compile(rf"^{re.escape(TRUST_DOMAIN)}/ns/[a-z0-9]([-a-z0-9]*[a-z0-9])?"
                        r"/sa/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


@dataclass(frozen=True)
class Issued:
    principal: str  # cluster.local/ns/NS/sa/SA
    cert_pem: str
    key_pem: str
    sha1: str  # lower-case hex of the DER certificate (NGINX's $ssl_client_fingerprint)
    sha256: str  # lower-case hex (Envoy's XFCC Hash=)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _ca(d: Path) -> tuple[object, object]:
    """The CA (certificate, private key), made the first time."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    crt, key = d / "ca.crt", d / "ca.key"
    if crt.is_file() and key.is_file():
        return (x509.load_pem_x509_certificate(crt.read_bytes()),
                serialization.load_pem_private_key(key.read_bytes(), None))
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    k = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, TRUST_DOMAIN),
                      x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(k.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(k, hashes.SHA256()))
    _write_private(key, k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()))
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, k


def _issue(ca_cert: object, ca_key: object, principal: str) -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID

    assert isinstance(ca_cert, x509.Certificate) and isinstance(ca_key, ec.EllipticCurvePrivateKey)
    k = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    cert = (x509.CertificateBuilder().subject_name(x509.Name([])).issuer_name(ca_cert.subject)
            .public_key(k.public_key()).serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(f"spiffe://{principal}")]),
                           critical=True)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    key_pem = k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def _basename(principal: str) -> str:
    return hashlib.sha256(principal.encode()).hexdigest()[:16]


def ensure(d: Path, principals: set[str]) -> tuple[str, dict[str, Issued]]:
    """The CA certificate (PEM) and a certificate per principal, made where missing, in ``d`` (0700)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    ca_cert, ca_key = _ca(d)
    out: dict[str, Issued] = {}
    for principal in sorted(principals):
        if not _PRINCIPAL.match(principal):
            raise ValueError(f"not a mesh principal: {principal!r}")
        crt, key = d / f"{_basename(principal)}.crt", d / f"{_basename(principal)}.key"
        if not (crt.is_file() and key.is_file()):
            cert_pem, key_pem = _issue(ca_cert, ca_key, principal)
            _write_private(key, key_pem)
            crt.write_bytes(cert_pem)
        der = x509.load_pem_x509_certificate(crt.read_bytes()).public_bytes(serialization.Encoding.DER)
        out[principal] = Issued(principal, crt.read_text(), key.read_text(), hashlib.sha1(der).hexdigest(),
                                hashlib.sha256(der).hexdigest())
    assert isinstance(ca_cert, x509.Certificate)
    return ca_cert.public_bytes(serialization.Encoding.PEM).decode(), out


def peer_maps(issued: dict[str, Issued]) -> tuple[str, str]:
    """(principal map body, SHA-256 map body): ``<sha1> "<value>";`` lines for NGINX ``map`` blocks."""
    principals = "".join(f'{i.sha1} "{i.principal}";\n' for i in sorted(issued.values(), key=lambda x: x.sha1))
    hashes = "".join(f"{i.sha1} {i.sha256};\n" for i in sorted(issued.values(), key=lambda x: x.sha1))
    return principals, hashes
