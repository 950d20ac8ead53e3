"""``kubectl create`` (namespace, deployment, service clusterip|nodeport|loadbalancer|externalname, secret
tls|generic, configmap, job, cronjob, ingress, ``-f``) and ``kubectl expose``: the objects kubectl's generators
build, sent through the API server like any manifest."""

from __future__ import annotations

import base64
import contextlib
import copy
import posixpath
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aksnet.cli.kubectl import flags, output
from aksnet.cli.kubectl.create_ingress import INGRESS_VALUES, build_ingress
from aksnet.cli.kubectl.resources import resource_type
from aksnet.cli.kubectl.session import Session, err, open_session
from aksnet.errors import KubeError
from aksnet.io.manifests import load_path
from aksnet.twin.kube.apiserver import ApiError

Doc = dict[str, Any]

CREATE_VALUES = {
    "image": ("--image",), "replicas": ("-r", "--replicas"), "port": ("--port",), "tcp": ("--tcp",),
    "node-port": ("--node-port",), "clusterip": ("--clusterip",), "external-name": ("--external-name",),
    "cert": ("--cert",), "key": ("--key",), "from-literal": ("--from-literal",), "from-file": ("--from-file",),
    "type": ("--type",), "filename": ("-f", "--filename"), "output": ("-o", "--output"), "dry-run": ("--dry-run",),
    "from-env-file": ("--from-env-file",), "schedule": ("--schedule",), "restart": ("--restart",),
    **INGRESS_VALUES,
}
CREATE_BOOLS = {"recursive": ("-R", "--recursive"), "save-config": ("--save-config",)}


def _print_created(ref: str, p: flags.Parsed, verb: str = "created") -> None:
    print(ref if p.get("output") == "name" else f"{ref} {verb}")


def run_create(argv: list[str]) -> int:
    p = flags.parse(argv, CREATE_VALUES, CREATE_BOOLS, "create")
    if p.all("filename"):
        return _create_from_files(p)
    if not p.args:
        raise KubeError("error: must specify one of -f and -k")
    what, rest = p.args[0], p.args[1:]
    builders = {"namespace": _namespace, "ns": _namespace, "deployment": _deployment, "deploy": _deployment,
                "service": _service, "svc": _service, "secret": _secret, "configmap": _configmap, "cm": _configmap,
                "job": _job, "cronjob": _cronjob, "cj": _cronjob, "ingress": _ingress, "ing": _ingress}
    if what not in builders:
        raise KubeError(f'error: unknown command "{what}" for "kubectl create"\nDid you mean this?\n\tdeployment')
    doc = builders[what](rest, p)
    if dry_run(p) == "client":
        print_dry_run(doc, p)
        return 0
    if dry_run(p) == "server":
        with server_dry_run(p) as s:
            outcome = s.api.create(doc, s.namespace)
            print_dry_run(outcome.doc, p, server=True)
        return 0
    with open_session(p, write=True) as s:
        try:
            outcome = s.api.create(doc, s.namespace, last_applied=p.flag("save-config"))
        except ApiError as exc:
            if exc.reason == "NotFound" and what not in ("namespace", "ns"):
                raise KubeError(f"error: failed to create {_singular(what)}: {exc.status_message}") from None
            raise
        _print_created(outcome.ref, p)
    return 0


def dry_run(p: flags.Parsed) -> str | None:
    """``--dry-run=client|server|none`` (kubectl rejects other values)."""
    v = p.get("dry-run")
    if v in (None, "none"):
        return None
    if v not in ("client", "server"):
        raise KubeError(f'error: Invalid dry-run value ({v}). Must be "none", "server", or "client".')
    return v


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def server_dry_run(p: flags.Parsed) -> Iterator[Session]:
    """Admit through the API server, then roll the transaction back."""
    try:
        with open_session(p, write=True) as s:
            yield s
            raise _Rollback
    except _Rollback:
        pass


def print_dry_run(doc: Doc, p: flags.Parsed, server: bool = False) -> None:
    """What kubectl prints for a dry run: the object for -o yaml/json, else ``<ref> created (dry run)``."""
    fmt = p.get("output")
    body = copy.deepcopy(doc)
    if not server:
        body.setdefault("metadata", {})["creationTimestamp"] = None
        tmpl = (body.get("spec") or {}).get("template")
        if isinstance(tmpl, dict):
            tmpl.setdefault("metadata", {})["creationTimestamp"] = None
        if body.get("kind") in ("Deployment", "Service", "Pod", "StatefulSet", "DaemonSet", "Job"):
            body.setdefault("status", {})
        if body.get("kind") == "Ingress":
            body.setdefault("status", {"loadBalancer": {}})
    if fmt == "yaml":
        sys.stdout.write(output.to_yaml(body))
    elif fmt == "json":
        sys.stdout.write(output.to_json(body))
    else:
        rt = resource_type(str(body.get("kind", "")).lower())
        ref = f"{rt.qualified}/{body['metadata'].get('name', '')}"
        print(ref if fmt == "name" else f"{ref} created ({'server dry run' if server else 'dry run'})")


def _singular(what: str) -> str:
    return {"deploy": "deployment", "svc": "service", "cm": "configmap", "ns": "namespace"}.get(what, what)


def _create_from_files(p: flags.Parsed) -> int:
    docs = [d for f in p.all("filename") for d in load_path(f, p.flag("recursive"))]
    failed = False
    with open_session(p, write=True) as s:
        for d in docs:
            try:
                outcome = s.api.create(d.body, s.namespace, d.source, enforce_namespace=s.explicit_namespace,
                                       last_applied=p.flag("save-config"))
            except ApiError as exc:
                err(exc.with_source("creating", d.source).render())
                failed = True
                continue
            except KubeError as exc:
                err(exc.render())
                failed = True
                continue
            _print_created(outcome.ref, p)
    return 1 if failed else 0


def _one_name(rest: list[str], usage: str) -> str:
    if len(rest) != 1:
        raise KubeError(f"error: exactly one NAME is required, got {len(rest)}\nSee 'kubectl create {usage} -h' for "
                        "help and examples")
    return rest[0]


def _namespace(rest: list[str], p: flags.Parsed) -> Doc:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": _one_name(rest, "namespace")}}


def container_name(image: str) -> str:
    """kubectl create deployment: the container is named after the image's base name."""
    base = posixpath.basename(image.split("@", 1)[0])
    return base.split(":", 1)[0]


def _int_flag(p: flags.Parsed, name: str, default: int | None = None) -> int | None:
    v = p.get(name)
    if v is None:
        return default
    try:
        return int(v)
    except ValueError:
        raise KubeError(f'error: invalid argument "{v}" for "--{name}" flag: strconv.ParseInt: parsing "{v}": '
                        "invalid syntax\nSee 'kubectl create -h' for help and examples") from None


def _deployment(rest: list[str], p: flags.Parsed) -> Doc:
    name = _one_name(rest, "deployment")
    images = p.all("image")
    if not images:
        raise KubeError('error: required flag(s) "image" not set')
    port = _int_flag(p, "port")
    containers = []
    for image in images:
        c: Doc = {"name": container_name(image), "image": image, "resources": {}}
        if port is not None:
            c["ports"] = [{"containerPort": port}]
        containers.append(c)
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "labels": dict(labels)},
            "spec": {"replicas": _int_flag(p, "replicas", 1), "selector": {"matchLabels": dict(labels)},
                     "strategy": {}, "template": {"metadata": {"labels": dict(labels)},
                                                  "spec": {"containers": containers}}},
            "status": {}}


def _job_spec(name: str, p: flags.Parsed) -> Doc:
    image = p.get("image")
    if not image:
        raise KubeError('error: required flag(s) "image" not set')
    c: Doc = {"name": name, "image": image, "resources": {}}
    if p.rest:
        c["command"] = list(p.rest)
    return {"template": {"metadata": {}, "spec": {"containers": [c], "restartPolicy": p.get("restart") or "Never"}}}


def _job(rest: list[str], p: flags.Parsed) -> Doc:
    """kubectl create job NAME --image=IMAGE [-- COMMAND]: restartPolicy Never."""
    name = _one_name(rest, "job")
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name}, "spec": _job_spec(name, p),
            "status": {}}


def _cronjob(rest: list[str], p: flags.Parsed) -> Doc:
    """kubectl create cronjob NAME --image=IMAGE --schedule='*/1 * * * *' (restartPolicy OnFailure)."""
    name = _one_name(rest, "cronjob")
    if not p.get("schedule"):
        raise KubeError('error: required flag(s) "schedule" not set')
    spec = _job_spec(name, p)
    if not p.get("restart"):
        spec["template"]["spec"]["restartPolicy"] = "OnFailure"
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name},
            "spec": {"schedule": p.get("schedule"), "jobTemplate": {"metadata": {"name": name}, "spec": spec}},
            "status": {}}


def _parse_tcp(spec: str) -> Doc:
    port, _, target = spec.partition(":")
    try:
        pn = int(port)
        tp: int | str = int(target) if target and target.isdigit() else (target or pn)
    except ValueError:
        raise KubeError(f"error: invalid port spec {spec}") from None
    return {"name": f"{port}-{target or port}", "port": pn, "protocol": "TCP", "targetPort": tp}


def _service(rest: list[str], p: flags.Parsed) -> Doc:
    if not rest:
        raise KubeError("error: Required resource not specified.\nUse one of: clusterip, externalname, "
                        "loadbalancer, nodeport")
    kind, names = rest[0], rest[1:]
    types = {"clusterip": "ClusterIP", "nodeport": "NodePort", "loadbalancer": "LoadBalancer",
             "externalname": "ExternalName"}
    if kind not in types:
        raise KubeError(f'error: unknown command "{kind}" for "kubectl create service"')
    name = _one_name(names, f"service {kind}")
    spec: Doc = {"type": types[kind]}
    if kind == "externalname":
        ext = p.get("external-name")
        if not ext:
            raise KubeError('error: required flag(s) "external-name" not set')
        spec["externalName"] = ext
        spec["ports"] = [_parse_tcp(t) for t in p.all("tcp")] if p.all("tcp") else []
    else:
        tcps = [t for spec_ in p.all("tcp") for t in spec_.split(",") if t]
        if not tcps and not (kind == "clusterip" and p.get("clusterip") == "None"):
            raise KubeError("error: at least one tcp port specifier must be provided")
        spec["ports"] = [_parse_tcp(t) for t in tcps]
        spec["selector"] = {"app": name}
        if kind == "nodeport" and p.get("node-port"):
            for port in spec["ports"]:
                port["nodePort"] = _int_flag(p, "node-port")
        if p.get("clusterip"):
            spec["clusterIP"] = p.get("clusterip")
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "labels": {"app": name}}, "spec": spec,
            "status": {"loadBalancer": {}}}


def _read(path: str) -> bytes:
    f = Path(path)
    if not f.exists():
        raise KubeError(f"error: open {path}: no such file or directory")
    return f.read_bytes()


def validate_key_pair(cert: bytes, key: bytes) -> None:
    """crypto/tls.X509KeyPair, which kubectl create secret tls calls: both PEM, and the key fits the cert."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    if b"-----BEGIN" not in cert:
        raise KubeError("error: failed to load key pair tls: failed to find any PEM data in certificate input")
    if b"-----BEGIN" not in key:
        raise KubeError("error: failed to load key pair tls: failed to find any PEM data in key input")
    try:
        crt = x509.load_pem_x509_certificate(cert)
    except ValueError:
        raise KubeError("error: failed to load key pair x509: malformed certificate") from None
    try:
        priv = serialization.load_pem_private_key(key, password=None)
    except (ValueError, TypeError):
        raise KubeError("error: failed to load key pair tls: failed to parse private key") from None
    pub = serialization.PublicFormat.SubjectPublicKeyInfo
    enc = serialization.Encoding.DER
    if priv.public_key().public_bytes(enc, pub) != crt.public_key().public_bytes(enc, pub):
        raise KubeError("error: failed to load key pair tls: private key does not match public key")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _data_from_flags(p: flags.Parsed) -> Doc:
    data: Doc = {}
    for lit in p.all("from-literal"):
        k, eq, v = lit.partition("=")
        if not eq or not k:
            raise KubeError(f"error: invalid literal source {lit}, expected key=value")
        if k in data:
            raise KubeError(f'error: cannot add key {k}, another key by that name already exists in Data for '
                            "Secret")
        data[k] = v.encode()
    for spec in p.all("from-file"):
        k, eq, path = spec.partition("=")
        if not eq:
            path, k = spec, Path(spec).name
        f = Path(path)
        if f.is_dir():
            for child in sorted(f.iterdir()):
                if child.is_file():
                    data[child.name] = child.read_bytes()
            continue
        data[k] = _read(path)
    return data


def _secret(rest: list[str], p: flags.Parsed) -> Doc:
    if not rest:
        raise KubeError("error: Required resource not specified.\nUse one of: docker-registry, generic, tls")
    kind, names = rest[0], rest[1:]
    if kind == "tls":
        name = _one_name(names, "secret tls")
        if not p.get("cert") or not p.get("key"):
            missing = [f'"{f}"' for f in ("cert", "key") if not p.get(f)]
            raise KubeError(f"error: required flag(s) {' '.join(missing)} not set")
        cert, key = _read(p.get("cert") or ""), _read(p.get("key") or "")
        validate_key_pair(cert, key)
        return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "type": "kubernetes.io/tls",
                "data": {"tls.crt": _b64(cert), "tls.key": _b64(key)}}
    if kind == "generic":
        name = _one_name(names, "secret generic")
        data = _data_from_flags(p)
        doc: Doc = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
                    "data": {k: _b64(v) for k, v in data.items()}}
        doc["type"] = p.get("type") or "Opaque"
        return doc
    raise KubeError(f'error: unknown command "{kind}" for "kubectl create secret"')


def _ingress(rest: list[str], p: flags.Parsed) -> Doc:
    return build_ingress(_one_name(rest, "ingress"), p.all("rule"), p.get("class"), p.get("default-backend"),
                         p.all("annotation"))


def _configmap(rest: list[str], p: flags.Parsed) -> Doc:
    name = _one_name(rest, "configmap")
    data = _data_from_flags(p)
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name},
            "data": {k: v.decode("utf-8", "replace") for k, v in data.items()}}


# -- expose --------------------------------------------------------------------------------------------
EXPOSE_VALUES = {"port": ("--port",), "target-port": ("--target-port",), "type": ("--type",), "name": ("--name",),
                 "protocol": ("--protocol",), "selector": ("--selector",), "labels": ("-l", "--labels"),
                 "external-ip": ("--external-ip",), "load-balancer-ip": ("--load-balancer-ip",),
                 "cluster-ip": ("--cluster-ip",), "session-affinity": ("--session-affinity",),
                 "filename": ("-f", "--filename"), "output": ("-o", "--output"), "dry-run": ("--dry-run",),
                 "overrides": ("--overrides",)}
EXPOSABLE = ("Deployment", "Service", "Pod", "ReplicaSet")


def run_expose(argv: list[str]) -> int:
    p = flags.parse(argv, EXPOSE_VALUES, {}, "expose")
    args = p.args
    if len(args) == 1 and "/" in args[0]:
        args = args[0].split("/", 1)
    if len(args) != 2:
        raise KubeError("error: You must provide one or more resources by argument or filename.\nExample resource "
                        "specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> "
                        "<name>'\n   '<resource>'")
    rt = resource_type(args[0])
    if rt.kind not in EXPOSABLE:
        raise KubeError(f"error: cannot expose a {rt.kind}")
    mode = dry_run(p)
    if mode is not None:
        with server_dry_run(p) as s:
            obj = s.api.get(rt, s.namespace, args[1])
            doc = _overridden(build_service(obj, p, s), p)
            if mode == "server":
                doc = s.api.create(doc, s.namespace).doc
            print_dry_run(doc, p, server=mode == "server")
        return 0
    with open_session(p, write=True) as s:
        obj = s.api.get(rt, s.namespace, args[1])
        doc = _overridden(build_service(obj, p, s), p)
        outcome = s.api.create(doc, s.namespace)
        print(outcome.ref if p.get("output") == "name" else f"{outcome.ref} exposed")
    return 0


def _overridden(doc: Doc, p: flags.Parsed) -> Doc:
    from aksnet.cli.kubectl.cmd_more import apply_overrides

    return apply_overrides(doc, p.get("overrides"))


def _introspect(obj: Doc) -> tuple[dict[str, str], list[Doc], Doc]:
    """What kubectl expose reads from the exposed object (``polymorphichelpers``' MapBasedSelectorForObject,
    PortsForObject, ProtocolsForObject): its selector, the ports of a Service, the pod template's spec."""
    kind = obj["kind"]
    if kind == "Service":
        ports = [{"port": pp.get("port"), "protocol": pp.get("protocol", "TCP"), "name": pp.get("name")}
                 for pp in obj["spec"].get("ports") or []]
        return dict(obj["spec"].get("selector") or {}), ports, {}
    if kind == "Pod":
        return dict(obj["metadata"].get("labels") or {}), [], obj.get("spec") or {}
    sel = obj["spec"].get("selector") or {}
    if sel.get("matchExpressions"):
        raise KubeError("error: couldn't retrieve selectors via --selector flag or introspection: "
                        "expressions are not supported for this object")
    return dict(sel.get("matchLabels") or {}), [], (obj["spec"].get("template") or {}).get("spec") or {}


def _key_values(text: str | None) -> dict[str, str]:
    return dict(kv.split("=", 1) for kv in (text or "").split(",") if "=" in kv)


def _expose_ports(p: flags.Parsed, ports_src: list[Doc], tmpl_spec: Doc) -> list[Doc]:
    """``--port`` (comma-separated, named ``port-N`` when several) or the introspected ports (a Service's, else
    the containers'), each with ``--protocol`` and ``--target-port`` (default: the port)."""
    protocol = p.get("protocol")
    ports: list[Doc] = []
    if p.get("port"):
        parts = (p.get("port") or "").split(",")
        for i, part in enumerate(parts):
            try:
                num = int(part)
            except ValueError:
                raise KubeError(f'error: invalid argument "{part}" for "--port" flag') from None
            ports.append({"port": num, "protocol": protocol or "TCP"})
            if len(parts) > 1:
                ports[-1]["name"] = f"port-{i + 1}"
    else:
        if not ports_src:
            ports_src = [{"port": cp.get("containerPort"), "protocol": cp.get("protocol", "TCP")}
                         for c in tmpl_spec.get("containers") or [] for cp in c.get("ports") or []]
        if not ports_src:
            raise KubeError("error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for "
                            "help and examples")
        for i, src in enumerate(ports_src):
            port: Doc = {"port": src["port"], "protocol": protocol or src.get("protocol") or "TCP"}
            if len(ports_src) > 1:
                port["name"] = src.get("name") or f"port-{i + 1}"
            ports.append(port)
    target = p.get("target-port")
    for port in ports:
        port["targetPort"] = (int(target) if target.isdigit() else target) if target is not None else port["port"]
    return ports


def _expose_spec_options(p: flags.Parsed, spec: Doc) -> None:
    """``--type`` (case-insensitive), ``--external-ip``, ``--load-balancer-ip``, ``--cluster-ip``,
    ``--session-affinity`` onto the Service spec."""
    if p.get("type"):
        types = {t.lower(): t for t in ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")}
        t = types.get((p.get("type") or "").lower())
        if t is None:
            raise KubeError(f'error: invalid service type "{p.get("type")}"')
        spec["type"] = t
    if p.get("external-ip"):
        spec["externalIPs"] = (p.get("external-ip") or "").split(",")
    for flag, field in (("load-balancer-ip", "loadBalancerIP"), ("cluster-ip", "clusterIP"),
                        ("session-affinity", "sessionAffinity")):
        if p.get(flag):
            spec[field] = p.get(flag)


def build_service(obj: Doc, p: flags.Parsed, s: Session) -> Doc:
    """kubectl expose's generator: selector, ports and labels introspected from the exposed object."""
    selector, ports_src, tmpl_spec = _introspect(obj)
    if p.get("selector"):
        selector = _key_values(p.get("selector"))
    if not selector:
        raise KubeError("error: couldn't retrieve selectors via --selector flag or introspection: the "
                        f"{obj['kind'].lower()} has no labels")
    ports = _expose_ports(p, ports_src, tmpl_spec)
    labels = _key_values(p.get("labels")) if p.get("labels") else dict(obj["metadata"].get("labels") or {})
    spec: Doc = {"ports": ports, "selector": selector}
    _expose_spec_options(p, spec)
    meta: Doc = {"name": p.get("name") or obj["metadata"]["name"]}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec}
