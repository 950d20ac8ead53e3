"""ingress-nginx constants that the Ingress engine, the Helm chart, the admission webhook, the data plane's
nginx.conf and lint must agree on. Stdlib only."""

from __future__ import annotations

# The controller's default --controller-class, matched against IngressClass spec.controller.
# https://kubernetes.github.io/ingress-nginx/user-guide/k8s-122-migration/
CONTROLLER_CLASS = "k8s.io/ingress-nginx"
# Every ingress-nginx annotation starts with this prefix.
# https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/
ANNOTATION_PREFIX = "nginx.ingress.kubernetes.io/"
# The common name of the self-signed certificate served when no Secret matches.
# https://kubernetes.github.io/ingress-nginx/user-guide/tls/#default-ssl-certificate
FAKE_CERTIFICATE_CN = "Kubernetes Ingress Controller Fake Certificate"
