"""``helm install|upgrade|uninstall|status|list|get values`` against the current cluster.

Follows helm 3's ``pkg/action`` (install.go, upgrade.go, uninstall.go): chart lookup through the added
repositories (``repo X not found``), ``--create-namespace`` (a Namespace labelled ``name=<ns>``) or helm's
``create: failed to create: namespaces "x" not found``, name reuse (``cannot re-use a name that is still in
use``), ownership checks on existing objects, values coalesced over the chart defaults (``--reuse-values``;
an upgrade without values reuses the last ones), objects created/updated/deleted through the emulated API
server, the release Secret per revision, then the controllers (``reconcile_cluster``). Errors are
:class:`HelmError` with helm's texts; the CLI adds ``Error: ``. Must not print.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import yaml

from aksnet.errors import AksnetError
from aksnet.store import Transaction
from aksnet.twin.controller_manager import reconcile_cluster
from aksnet.twin.helm import charts, releases, repos
from aksnet.twin.helm.releases import Release
from aksnet.twin.helm.values import HelmError, coalesce, merge_user_values
from aksnet.twin.kube import clock, objects
from aksnet.twin.kube.apiserver import ApiServer
from aksnet.twin.kube.schema import BY_KIND

Doc = dict[str, Any]

ANN_NAME = "meta.helm.sh/release-name"
ANN_NAMESPACE = "meta.helm.sh/release-namespace"
_TEMPLATE = {"ServiceAccount": "controller-serviceaccount.yaml", "ConfigMap": "controller-configmap.yaml",
             "Service": "controller-service.yaml", "Deployment": "controller-deployment.yaml",
             "DaemonSet": "controller-daemonset.yaml", "IngressClass": "controller-ingressclass.yaml"}


@dataclass(frozen=True)
class ChartRef:
    module: ModuleType
    version: str


def resolve_chart(tx: Transaction, ref: str, version: str | None, verb: str) -> ChartRef:
    """``<repo>/<chart>`` → the built-in chart and version (helm's lookup errors otherwise)."""
    fail = "INSTALLATION FAILED" if verb == "install" else "UPGRADE FAILED"
    if ref.startswith("oci://"):
        registry, _, chart_name = ref.rpartition("/")
        oci = charts.find_chart(registry, chart_name)
        if oci is None or (version or oci.LATEST).lstrip("v") not in oci.VERSIONS:
            raise HelmError(f"{fail}: {ref.removeprefix('oci://')}:{version or 'latest'}: not found")
        return ChartRef(oci, (version or oci.LATEST).lstrip("v"))
    if "/" not in ref:
        raise HelmError(f"{fail}: non-absolute URLs should be in form of repo_name/path_to_chart, got: {ref}")
    repo, name = ref.split("/", 1)
    url = repos.repo_url(tx, repo)
    if url is None:
        raise HelmError(f"{fail}: repo {repo} not found")
    module = charts.find_chart(url, name)
    if module is None:
        raise HelmError(f"{fail}: chart \"{name}\" not found in {repo} index. (try 'helm repo update'): "
                        f"no chart name found")
    v = (version or module.LATEST).lstrip("v")
    if v not in module.VERSIONS:
        raise HelmError(f"{fail}: chart \"{name}\" matching {version} not found in {repo} index. "
                        f"(try 'helm repo update'): no chart version found for {name}-{version}")
    return ChartRef(module, v)


def chart_metadata(chart: ChartRef) -> Doc:
    m = chart.module
    return {"name": m.NAME, "home": getattr(m, "HOME", "https://github.com/kubernetes/ingress-nginx"),
            "sources": ["https://github.com/kubernetes/ingress-nginx"], "version": chart.version,
            "description": m.DESCRIPTION, "keywords": ["ingress", "nginx"], "apiVersion": "v2",
            "appVersion": m.VERSIONS[chart.version], "kubeVersion": ">=1.21.0-0"}


def _manifest(chart: ChartRef, docs: list[Doc]) -> str:
    parts = []
    for d in docs:
        source = getattr(chart.module, "template_of", None)
        if source is not None:
            parts.append(f"---\n# Source: {chart.module.NAME}/templates/{source(d)}\n"
                         + yaml.safe_dump(d, sort_keys=False, default_flow_style=False))
            continue
        tpl = _TEMPLATE.get(d["kind"], f"{d['kind'].lower()}.yaml")
        if d["kind"] == "Service" and d["metadata"]["name"].endswith("-admission"):
            tpl = "controller-service-webhook.yaml"
        if "defaultbackend" in d["metadata"]["name"] or d["metadata"]["name"].endswith("-backend"):
            tpl = "default-backend-" + tpl.split("-", 1)[1]
        parts.append(f"---\n# Source: {chart.module.NAME}/templates/{tpl}\n"
                     + yaml.safe_dump(d, sort_keys=False, default_flow_style=False))
    return "".join(parts)


def _annotate(docs: list[Doc], name: str, namespace: str) -> list[Doc]:
    out = []
    for d in docs:
        d = copy.deepcopy(d)
        ann = d["metadata"].setdefault("annotations", {})
        ann[ANN_NAME] = name
        ann[ANN_NAMESPACE] = namespace
        out.append(d)
    return out


def _check_ownership(api: ApiServer, docs: list[Doc], name: str, namespace: str) -> None:
    """helm refuses to adopt objects another release (or nobody) owns."""
    for d in docs:
        rt = BY_KIND[d["kind"]]
        live = api.find(rt, d["metadata"].get("namespace") if rt.namespaced else None, d["metadata"]["name"])
        if live is None:
            continue
        ann = live["metadata"].get("annotations") or {}
        where = d["metadata"].get("namespace", "") if rt.namespaced else ""
        head = (f"rendered manifests contain a resource that already exists. Unable to continue with install: "
                f"{d['kind']} \"{d['metadata']['name']}\" in namespace \"{where}\" exists and cannot be imported "
                "into the current release: invalid ownership metadata; ")
        if ann.get(ANN_NAME) != name:
            cur = ann.get(ANN_NAME)
            detail = (f'annotation validation error: key "{ANN_NAME}" must equal "{name}": current value is "{cur}"'
                      if cur else f'annotation validation error: missing key "{ANN_NAME}": must be set to "{name}"')
            raise HelmError(head + detail)
        if ann.get(ANN_NAMESPACE) != namespace:
            raise HelmError(head + f'annotation validation error: key "{ANN_NAMESPACE}" must equal "{namespace}": '
                            f'current value is "{ann.get(ANN_NAMESPACE)}"')


def _put(api: ApiServer, doc: Doc, namespace: str) -> None:
    rt = BY_KIND[doc["kind"]]
    live = api.find(rt, doc["metadata"].get("namespace") if rt.namespaced else None, doc["metadata"]["name"])
    if live is None:
        api.create(doc, default_namespace=namespace)
    else:
        body = copy.deepcopy(doc)
        body["metadata"] = {**{k: v for k, v in live["metadata"].items()
                               if k in ("uid", "resourceVersion", "creationTimestamp")}, **body["metadata"]}
        api.decode_manifest(rt, body, None)  # an upgrade's PUT is decoded as strictly as the install's POST
        api.replace(body)


def _delete(api: ApiServer, doc: Doc) -> None:
    rt = BY_KIND[doc["kind"]]
    ns = doc["metadata"].get("namespace") if rt.namespaced else None
    if api.find(rt, ns, doc["metadata"]["name"]) is not None:
        api.delete(rt, ns, doc["metadata"]["name"])


def _wrap(verb: str, exc: AksnetError) -> HelmError:
    fail = {"install": "INSTALLATION FAILED", "upgrade": "UPGRADE FAILED"}[verb]
    text = getattr(exc, "status_message", None) or exc.message
    return HelmError(f"{fail}: {text}")


def _deploy(tx: Transaction, cluster_id: str, api: ApiServer, chart: ChartRef, name: str, namespace: str,
            config: Doc, version: int, previous: Release | None, verb: str) -> Release:
    values = coalesce(chart.module.DEFAULTS, config)
    try:
        docs = _annotate(chart.module.render(name, namespace, chart.version, values), name, namespace)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        # a value of the wrong shape (a scalar where the chart walks a map or list): Go templates stop with
        # "executing … can't evaluate field …" and helm prints it as the failure
        chart_name = getattr(chart.module, "NAME", "chart")
        raise _wrap(verb, AksnetError(f"template: {chart_name}: executing the chart's templates: a value has "
                                      f"the wrong type ({type(exc).__name__}: {exc})")) from None
    if previous is None:
        _check_ownership(api, docs, name, namespace)
    now = clock.timestamp()
    try:
        crd_rt = BY_KIND["CustomResourceDefinition"]
        for crd in getattr(chart.module, "crds", lambda _v: [])(chart.version):  # crds/: created once, kept
            if api.find(crd_rt, None, crd["metadata"]["name"]) is None:
                api.create(crd)
        for hook in chart.module.hook_objects(name, namespace, chart.version, values):
            if api.find(BY_KIND[hook["kind"]], namespace, hook["metadata"]["name"]) is None:
                api.create(hook, default_namespace=namespace)
        for d in docs:
            _put(api, d, namespace)
        if previous is not None:
            keep = {(d["kind"], d["metadata"]["name"]) for d in docs}
            for old in reversed(list(yaml.safe_load_all(previous.body.get("manifest") or ""))):
                if isinstance(old, dict) and (old.get("kind"), old["metadata"]["name"]) not in keep:
                    _delete(api, old)
    except HelmError:
        raise
    except AksnetError as exc:
        raise _wrap(verb, exc) from exc
    first = previous.body["info"]["first_deployed"] if previous else now
    body = {
        "name": name,
        "info": {"first_deployed": first, "last_deployed": now, "deleted": "",
                 "description": "Install complete" if previous is None else "Upgrade complete",
                 "status": "deployed", "notes": chart.module.notes(name, namespace, values)},
        "chart": {"metadata": chart_metadata(chart), "lock": None, "templates": [],
                  "values": copy.deepcopy(chart.module.DEFAULTS), "schema": None, "files": []},
        "config": config,
        "manifest": _manifest(chart, docs),
        "version": version,
        "namespace": namespace,
    }
    rel = Release(body)
    if previous is not None:
        old = copy.deepcopy(previous.body)
        old["info"]["status"] = "superseded"
        releases.store(api, Release(old), now)
    releases.store(api, rel, now)
    reconcile_cluster(tx, cluster_id)
    objects.flush(tx, cluster_id)
    return rel


def template(tx: Transaction, name: str, chart_ref: str, namespace: str, user: Doc,
             version: str | None = None) -> str:
    """``helm template``: the manifest the release would get, without touching the cluster."""
    chart = resolve_chart(tx, chart_ref, version, "install")
    values = coalesce(chart.module.DEFAULTS, user)
    hooks = getattr(chart.module, "hooks", None)
    docs = chart.module.render(name, namespace, chart.version, values)
    return _manifest(chart, docs + (hooks(name, namespace, chart.version, values) if hooks else []))


def value_warnings(tx: Transaction, chart_ref: str, user: Doc, version: str | None = None) -> list[str]:
    """Lines naming the user's values the chart does not have or aksnet does not emulate."""
    chart = resolve_chart(tx, chart_ref, version, "install")
    check = getattr(chart.module, "value_warnings", None)
    return list(check(user)) if check else []


def install(tx: Transaction, cluster_id: str, name: str, chart_ref: str, namespace: str, user: Doc,
            version: str | None = None, create_namespace: bool = False) -> Release:
    chart = resolve_chart(tx, chart_ref, version, "install")
    api = ApiServer(tx, cluster_id)
    existing = [r for r in releases.history(api, name, namespace) if r.status != "uninstalled"]
    if existing:
        raise HelmError("INSTALLATION FAILED: cannot re-use a name that is still in use")
    if not api.namespace_exists(namespace):
        if not create_namespace:
            raise HelmError(f'INSTALLATION FAILED: create: failed to create: namespaces "{namespace}" not found')
        api.create({"apiVersion": "v1", "kind": "Namespace",
                    "metadata": {"name": namespace, "labels": {"name": namespace}}})
    return _deploy(tx, cluster_id, api, chart, name, namespace, user, 1, None, "install")


def upgrade(tx: Transaction, cluster_id: str, name: str, chart_ref: str, namespace: str, user: Doc,
            version: str | None = None, reuse_values: bool = False, reset_values: bool = False,
            install_missing: bool = False, create_namespace: bool = False) -> Release:
    """``helm upgrade``: ``--reuse-values`` merges the new values over the last release's; without values
    (and without ``--reset-values``) the last release's values are kept."""
    chart = resolve_chart(tx, chart_ref, version, "upgrade")
    api = ApiServer(tx, cluster_id)
    hist = releases.history(api, name, namespace)
    deployed = [r for r in hist if r.status == "deployed"]
    if not deployed:
        if install_missing and not hist:
            return install(tx, cluster_id, name, chart_ref, namespace, user, version, create_namespace)
        raise HelmError(f'UPGRADE FAILED: "{name}" has no deployed releases')
    last = deployed[-1]
    if reuse_values and not reset_values:
        config = merge_user_values(last.config, user)
    elif not user and not reset_values:
        config = last.config
    else:
        config = user
    return _deploy(tx, cluster_id, api, chart, name, namespace, config, hist[-1].version + 1, last, "upgrade")


def uninstall(tx: Transaction, cluster_id: str, name: str, namespace: str, keep_history: bool = False) -> str:
    api = ApiServer(tx, cluster_id)
    hist = releases.history(api, name, namespace)
    if not hist or (hist[-1].status == "uninstalled"):
        raise HelmError(f"uninstall: Release not loaded: {name}: release: not found")
    last = hist[-1]
    for d in reversed(list(yaml.safe_load_all(last.body.get("manifest") or ""))):
        if isinstance(d, dict):
            _delete(api, d)
    if keep_history:
        body = copy.deepcopy(last.body)
        body["info"]["status"] = "uninstalled"
        body["info"]["deleted"] = clock.timestamp()
        body["info"]["description"] = "Uninstallation complete"
        releases.store(api, Release(body), clock.timestamp())
    else:
        for rel in hist:
            releases.delete(api, rel)
    reconcile_cluster(tx, cluster_id)
    objects.flush(tx, cluster_id)
    return f'release "{name}" uninstalled'


def status(tx: Transaction, cluster_id: str, name: str, namespace: str) -> Release:
    api = ApiServer(tx, cluster_id)
    hist = releases.history(api, name, namespace)
    if not hist:
        raise HelmError("release: not found")
    return hist[-1]


def list_releases(tx: Transaction, cluster_id: str, namespace: str | None, all_states: bool = False) -> list[Release]:
    api = ApiServer(tx, cluster_id)
    rels = releases.all_releases(api, namespace)
    return rels if all_states else [r for r in rels if r.status in ("deployed", "failed")]


def get_values(tx: Transaction, cluster_id: str, name: str, namespace: str, all_values: bool = False,
               revision: int | None = None) -> Doc:
    api = ApiServer(tx, cluster_id)
    hist = releases.history(api, name, namespace)
    if revision is not None:
        hist = [r for r in hist if r.version == revision]
    if not hist:
        raise HelmError("release: not found")
    rel = hist[-1]
    if not all_values:
        return rel.config
    return coalesce(dict(rel.body["chart"]["values"]), rel.config)
