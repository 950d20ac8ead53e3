"""The echo agent's TLS identity: a self-signed certificate made at ``up`` time.

Backends that terminate TLS themselves (``aksnet curl -k https://<pod-ip>:<port>``, an Ingress with
``nginx.ingress.kubernetes.io/backend-protocol: HTTPS``) are answered by the echo agent after a TLS handshake
with this certificate. It is self-signed, so a real curl without ``-k`` fails with exit 60 exactly as the
twin says. Key and certificate live in the workspace's ``dataplane/tls/`` (0700; the key 0600), removed by
``down`` with the rest of the workspace's data plane files (they are inside the workspace, so a lost
workspace takes them along and the ledger need not list them).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

TLS_DIR = "tls"
CERT_NAME = "echo.crt"
KEY_NAME = "echo.key"
SUBJECT_CN = "aksnet echo agent"


def tls_dir(dataplane_dir: Path) -> Path:
    return dataplane_dir / TLS_DIR


def self_signed(key: object, organization: str, common_name: str, dns_name: str, not_before: datetime.datetime,
                days: int, serial: int | None = None) -> tuple[str, str]:
    """A self-signed certificate for ``key`` (an EC private key): PEM certificate and PEM PKCS#8 key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    assert isinstance(key, ec.EllipticCurvePrivateKey)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number() if serial is None else serial)
            .not_valid_before(not_before)
            .not_valid_after(not_before + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM).decode(), key_pem.decode()


def make_certificate() -> tuple[bytes, bytes]:
    """A fresh self-signed certificate (PEM cert, PEM PKCS#8 key), EC P-256, valid one year from now."""
    from cryptography.hazmat.primitives.asymmetric import ec

    now = datetime.datetime.now(datetime.UTC)
    crt, key = self_signed(ec.generate_private_key(ec.SECP256R1()), "aksnet", SUBJECT_CN, "echo.aksnet.local",
                           now - datetime.timedelta(minutes=5), 365)
    return crt.encode(), key.encode()


def ensure_certificate(dataplane_dir: Path) -> tuple[Path, Path]:
    """The (cert, key) paths, generating them the first time."""
    d = tls_dir(dataplane_dir)
    cert, key = d / CERT_NAME, d / KEY_NAME
    if cert.is_file() and key.is_file():
        return cert, key
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    cert_pem, key_pem = make_certificate()
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key_pem)
    cert.write_bytes(cert_pem)
    return cert, key
