"""TLS certificates per server, and which one a client gets by SNI.

ingress-nginx (controller.go createServers, extractTLSSecretName): the oldest Ingress that lists a host
in ``spec.tls[].hosts`` (or whose TLS Secret's certificate covers the host by SAN/CN) sets the server's
certificate. An empty ``secretName``, a missing Secret, an unreadable certificate or one that does not
cover the host — and, as ingress-nginx's extractTLSSecretName cannot tell these apart, a host that an Ingress
with a TLS section does not list at all (kubernetes/ingress-nginx#3258) — all give the controller's **default
certificate**: ``--default-ssl-certificate`` if set,
else the self-signed "Kubernetes Ingress Controller Fake Certificate" — and the host still counts as
having TLS (so ssl-redirect applies: test/e2e/ssl/http_redirect.go). Must not route requests.
"""

from __future__ import annotations

from collections.abc import Mapping

from aksnet.engine.ingress.model import FAKE_CERT_CN, ControllerConfig, Step, TLSCertificate
from aksnet.model import k8s

FAKE_CERT_HOSTS = ("ingress.local",)


def certificate_names(secret: k8s.Secret) -> tuple[str, ...] | None:
    """DNS names a kubernetes.io/tls Secret's certificate covers (SANs, then CN); None if unreadable."""
    if not secret.tls_crt.strip():
        return None
    try:
        from cryptography import x509
        from cryptography.x509.oid import NameOID

        cert = x509.load_pem_x509_certificate(secret.tls_crt.encode())
    except Exception:  # any parse failure: ingress-nginx logs and falls back to the default cert
        return None
    names: list[str] = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names.extend(str(n).lower() for n in san.get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        pass
    for attr in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME):
        value = attr.value if isinstance(attr.value, str) else attr.value.decode()
        if value.lower() not in names:
            names.append(value.lower())
    return tuple(names)


def is_self_signed(secret: k8s.Secret) -> bool:
    """Whether the Secret's (first) certificate is its own issuer: curl then says "self-signed certificate";
    one issued by a CA curl does not trust gives "unable to get local issuer certificate"."""
    try:
        from cryptography import x509

        cert = x509.load_pem_x509_certificate(secret.tls_crt.encode())
    except Exception:
        return True
    return bool(cert.issuer == cert.subject)


def name_matches(host: str, pattern: str) -> bool:
    """Go crypto/x509 matchHostnames: case-insensitive; ``*.`` covers exactly one left-most label."""
    host, pattern = host.lower().rstrip("."), pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return host == pattern


def covers(names: tuple[str, ...], host: str) -> bool:
    return any(name_matches(host, n) for n in names)


def default_certificate(config: ControllerConfig, secrets: Mapping[str, k8s.Secret], reason: str) -> TLSCertificate:
    """getDefaultSSLCertificate(): --default-ssl-certificate when it names a Secret, else the fake cert."""
    if config.default_ssl_certificate and config.default_ssl_certificate in secrets:
        sec = secrets[config.default_ssl_certificate]
        return TLSCertificate(config.default_ssl_certificate, certificate_names(sec) or (), reason,
                              is_self_signed(sec))
    return TLSCertificate(None, FAKE_CERT_HOSTS, reason)


def server_certificate(
    host: str, ing: k8s.Ingress, secrets: Mapping[str, k8s.Secret], config: ControllerConfig
) -> tuple[TLSCertificate | None, Step | None]:
    """The certificate ``ing`` gives server ``host``, or None when the Ingress has no TLS for it."""
    if not ing.tls:
        return None, None
    secret_name: str | None = None
    listed = False
    for t in ing.tls:
        if any(h.lower() == host for h in t.hosts):
            secret_name, listed = t.secret_name or "", True
            break
    if not listed:
        # no TLS host matches: a Secret whose certificate covers the host still counts.
        for t in ing.tls:
            if not t.secret_name:
                continue
            sec = secrets.get(f"{ing.namespace}/{t.secret_name}")
            names = certificate_names(sec) if sec else None
            if names and covers(names, host):
                secret_name = t.secret_name
                break
        if secret_name is None:
            # extractTLSSecretName returns "" for "not listed" as for "no secretName": every host of an
            # Ingress that has a TLS section gets the default certificate (kubernetes/ingress-nginx#3258).
            return default_certificate(config, secrets, "not listed in spec.tls"), Step(
                f"host {host} is not listed in the TLS section of Ingress {ing.key}, which has one: "
                "default certificate (ingress-nginx issue #3258)",
                f"Ingress {ing.key} spec.tls",
            )
    rule = f"Ingress {ing.key} spec.tls"
    if not secret_name:
        return default_certificate(config, secrets, "secretName is empty"), Step(
            f"host {host} is listed in the TLS section but secretName is empty: default certificate", rule
        )
    key = f"{ing.namespace}/{secret_name}"
    sec = secrets.get(key)
    if sec is None:
        return default_certificate(config, secrets, f"Secret {key} not found"), Step(
            f"TLS Secret {key} not found: default certificate ({FAKE_CERT_CN})", rule
        )
    names = certificate_names(sec)
    if names is None:
        return default_certificate(config, secrets, f"Secret {key} holds no valid certificate"), Step(
            f"Secret {key} does not contain a valid SSL certificate: default certificate", rule
        )
    if not covers(names, host):
        return default_certificate(config, secrets, f"Secret {key} does not cover {host}"), Step(
            f"SSL certificate {key} does not contain a Common Name or Subject Alternative Name for server {host}: "
            "default certificate",
            rule,
        )
    return TLSCertificate(key, names, "spec.tls", is_self_signed(sec)), Step(f"server {host} uses certificate {key}",
                                                                          rule)
