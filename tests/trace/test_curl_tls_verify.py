"""``aksnet curl https://…`` without ``-k``: curl's exit 60 names why it refused the certificate the ingress
controller serves — a self-signed Secret (or the fake default certificate) vs one issued by a CA curl does
not trust ("unable to get local issuer certificate"), as Debian's curl 7.88 prints them."""

from __future__ import annotations

import base64
import datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import run_cli
from tests.trace import worlds
from tests.trace.test_scenarios import RESOLVE


def _cert(cn: str, issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    issuer_name, issuer_key = issuer or (name, key)
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(cn)]), critical=False)
            .sign(issuer_key, hashes.SHA256()))
    pem_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), pem_key


def _ca_signed() -> tuple[bytes, bytes]:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Example Private CA")])
    return _cert("myapp.example.com", (ca, ca_key))


@pytest.mark.parametrize(("secret", "problem"), [
    (None, "self-signed certificate"),  # the world's Secret is empty: the fake default certificate
    (lambda: _cert("myapp.example.com", None), "self-signed certificate"),
    (_ca_signed, "unable to get local issuer certificate"),
], ids=["fake-default-cert", "self-signed-secret", "ca-signed-secret"])
def test_exit_60_names_the_verification_problem(home: Path, secret: object, problem: str) -> None:
    w = worlds.ingress()
    if secret is not None:
        crt, key = secret()  # type: ignore[operator]
        w.doc("k8s:core/Secret", "production/tls-secret", {
            "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
            "metadata": {"name": "tls-secret", "namespace": "production"},
            "data": {"tls.crt": base64.b64encode(crt).decode(), "tls.key": base64.b64encode(key).decode()}})
    w.save(home)
    r = run_cli("curl", *RESOLVE, "https://myapp.example.com/")
    assert r.code == 60, r.err
    assert r.err.startswith(f"curl: (60) SSL certificate problem: {problem}\n"), r.err
    assert run_cli("curl", "-k", *RESOLVE, "https://myapp.example.com/").code == 0
