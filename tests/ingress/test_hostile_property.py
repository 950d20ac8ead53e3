"""Property: whatever string an annotation, a path or a ConfigMap key holds, the generated nginx.conf has the
servers, locations and file-touching directives of the configuration without it, and nginx -t accepts it
(the table of named hostile values is tests/ingress/test_hostile_values.py)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksnet.dataplane.nginx_conf import certificate_files, render_nginx_conf
from aksnet.engine.ingress import ControllerView
from tests.ingress.helpers import ingress_doc, rule, view_of
from tests.ingress.nginx_tokens import directive_tree

P = "nginx.ingress.kubernetes.io/"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
# the directives whose number a value must never change: blocks, and everything that names a file or process
GUARDED = {"server", "location", "alias", "root", "include", "access_log", "error_log", "pid", "user",
           "load_module", "ssl_certificate", "ssl_certificate_key", "client_body_temp_path", "proxy_temp_path",
           "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path", "upstream", "env", "daemon"}
KEYS = ["rewrite-target", "app-root", "x-forwarded-prefix", "upstream-vhost", "server-alias",
        "permanent-redirect", "temporal-redirect", "canary-by-header", "canary-by-header-value",
        "canary-by-header-pattern", "canary-by-cookie", "proxy-body-size", "backend-protocol",
        "allowlist-source-range", "denylist-source-range", "default-backend",
        "path:Prefix", "path:ImplementationSpecific", "cm:forwarded-for-header", "cm:proxy-body-size",
        "cm:proxy-real-ip-cidr", "cm:http-redirect-code"]
ALPHABET = st.sampled_from([*"aZ09/.-_~:;{}\"'\\$#\n\r\t ()[]|^*?+&=,%<>!@`", "alias", "root", "location",
                            "return 200 ", "_by_lua"])
PREFIXES = st.sampled_from(["", "/", "/a", "X-", "https://x.com/", "10.0.0.0/8", "$host", "~"])


def _docs(key: str, value: str | None) -> list[dict[str, object]]:
    # regex mode throughout, so that a valid rewrite-target does not change the location layout
    anns: dict[str, str] = {P + "use-regex": "true"}
    cm: dict[str, str] = {"use-forwarded-headers": "true"}
    path, ptype = "/app", "Prefix"
    if key.startswith("cm:"):
        if value is not None:
            cm[key[3:]] = value
    elif key.startswith("path:"):
        ptype, path = key[5:], (value if value is not None else "/app")
    elif value is not None:
        anns[P + key] = value
    canary = key.startswith("canary-")
    docs: list[dict[str, object]] = [
        {"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": {"name": "ingress-nginx-controller", "namespace": "ingress-nginx"}, "data": cm},
        ingress_doc("main", [rule("h.example.com", ("/app", "Prefix", "web"))],
                    annotations={P + "rewrite-target": "/"} if key == "x-forwarded-prefix" else {}),
    ]
    if canary:
        anns = {**anns, P + "canary": "true"}
        if key != "canary-by-header":
            anns[P + "canary-by-header"] = "X-Canary"
    docs.append(ingress_doc("subject", [rule("h.example.com" if canary else "s.example.com",
                                             (path, ptype, "web-canary" if canary else "web"))], annotations=anns))
    return docs


def _render(view: ControllerView, tmp: Path) -> str:
    certs = tmp / "certs"
    certs.mkdir(exist_ok=True)
    for path, text in certificate_files(view, str(certs)).items():
        Path(path).write_text(text)
    return render_nginx_conf(view, prefix=str(tmp), cert_dir=str(certs), user="nobody nogroup")


def _guarded(conf: str, key: str) -> Counter[str]:
    # a path's own value decides how many locations it makes ("/" replaces the default one, a prefix without
    # a trailing slash is split in two): for paths the other guarded directives are compared
    skip = {"location"} if key.startswith("path:") else set()
    return Counter(d[-1] for d in directive_tree(conf) if d[-1] in GUARDED - skip)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from(KEYS), prefix=PREFIXES, rest=st.lists(ALPHABET, max_size=12))
def test_any_value_keeps_the_configuration_shape(key: str, prefix: str, rest: list[str]) -> None:
    value = prefix + "".join(rest)
    with tempfile.TemporaryDirectory(prefix="aksnet-hostile-") as d:
        tmp = Path(d)
        view = view_of(_docs(key, value))
        conf = _render(view, tmp)
        subject_served = any(i.key == "default/subject" for i in view.ingresses)
        baseline_docs = _docs(key, None)
        if not subject_served:
            baseline_docs = [doc for doc in baseline_docs if doc["kind"] != "Ingress"
                             or doc["metadata"]["name"] != "subject"]  # type: ignore[index]
        assert _guarded(conf, key) == _guarded(_render(view_of(baseline_docs), tmp), key), (key, value)
        if NGINX is not None:
            (tmp / "nginx.conf").write_text(conf)
            r = subprocess.run([NGINX, "-t", "-q", "-e", str(tmp / "error.log"), "-c", str(tmp / "nginx.conf"),
                                "-p", str(tmp)], capture_output=True, text=True, timeout=30)
            assert r.returncode == 0, (key, value, r.stderr)
