"""The Kubernetes API's type registry: which kinds exist in which group/version, their resource names
(plural, short names, as ``kubectl get`` accepts them), whether they are namespaced, and the fields each kind
knows. It lives at the io edge because every reader of Kubernetes JSON decodes with it: the API server of the
twin (``aksnet.twin.kube.schema`` re-exports it) and the readers of plain directories and dumps
(``--from-dir``, ``aksnet import``).

The field tables drive strict decoding (kubectl's default ``--validate=strict``): an unknown field is
rejected with ``strict decoding error: unknown field "spec.foo"`` and a value of the wrong JSON type with
``json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32``, the texts
of the Kubernetes API server (apimachinery ``serializer/json``, Go ``encoding/json``). Free-form parts
(status, volumes, probes, resources …) are accepted as they are. Must not apply defaults or validate values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# -- field schema --------------------------------------------------------------------------------
# A schema node is one of: a Go scalar type name ("string", "int32", "int64", "bool", "intstr"), ANY
# (free-form), STRMAP (map[string]string), a Struct, or a one-element list [node] (a JSON array of node).
ANY = "any"
STRMAP = "map[string]string"


@dataclass(frozen=True)
class Struct:
    """A Go struct: its name (for error texts) and its JSON fields."""

    go_name: str
    fields: dict[str, Any]


def S(go_name: str, **fields: Any) -> Struct:
    return Struct(go_name, fields)


STR, I32, I64, BOOL, INTSTR = "string", "int32", "int64", "bool", "intstr"

OWNER_REF = S("OwnerReference", apiVersion=STR, kind=STR, name=STR, uid=STR, controller=BOOL,
              blockOwnerDeletion=BOOL)
OBJECT_META = S(
    "ObjectMeta", name=STR, generateName=STR, namespace=STR, selfLink=STR, uid=STR, resourceVersion=STR,
    generation=I64, creationTimestamp=ANY, deletionTimestamp=ANY, deletionGracePeriodSeconds=I64,
    labels=STRMAP, annotations=STRMAP, ownerReferences=[OWNER_REF], finalizers=[STR], managedFields=[ANY],
)
SELECTOR_REQ = S("LabelSelectorRequirement", key=STR, operator=STR, values=[STR])
LABEL_SELECTOR = S("LabelSelector", matchLabels=STRMAP, matchExpressions=[SELECTOR_REQ])
CONTAINER_PORT = S("ContainerPort", name=STR, hostPort=I32, containerPort=I32, protocol=STR, hostIP=STR)
CONTAINER = S(
    "Container", name=STR, image=STR, command=[STR], args=[STR], workingDir=STR, ports=[CONTAINER_PORT],
    envFrom=[ANY], env=[ANY], resources=ANY, resizePolicy=[ANY], restartPolicy=STR, volumeMounts=[ANY],
    volumeDevices=[ANY], livenessProbe=ANY, readinessProbe=ANY, startupProbe=ANY, lifecycle=ANY,
    terminationMessagePath=STR, terminationMessagePolicy=STR, imagePullPolicy=STR, securityContext=ANY,
    stdin=BOOL, stdinOnce=BOOL, tty=BOOL,
)
TOLERATION = S("Toleration", key=STR, operator=STR, value=STR, effect=STR, tolerationSeconds=I64)
POD_SPEC = S(
    "PodSpec", volumes=[ANY], initContainers=[CONTAINER], containers=[CONTAINER], ephemeralContainers=[ANY],
    restartPolicy=STR, terminationGracePeriodSeconds=I64, activeDeadlineSeconds=I64, dnsPolicy=STR,
    nodeSelector=STRMAP, serviceAccountName=STR, serviceAccount=STR, automountServiceAccountToken=BOOL,
    nodeName=STR, hostNetwork=BOOL, hostPID=BOOL, hostIPC=BOOL, shareProcessNamespace=BOOL, securityContext=ANY,
    imagePullSecrets=[ANY], hostname=STR, subdomain=STR, affinity=ANY, schedulerName=STR, tolerations=[TOLERATION],
    hostAliases=[ANY], priorityClassName=STR, priority=I32, dnsConfig=ANY, readinessGates=[ANY],
    runtimeClassName=STR, enableServiceLinks=BOOL, preemptionPolicy=STR, overhead=ANY,
    topologySpreadConstraints=[ANY], setHostnameAsFQDN=BOOL, os=ANY, hostUsers=BOOL, schedulingGates=[ANY],
    resourceClaims=[ANY], resources=ANY,
)
POD_TEMPLATE = S("PodTemplateSpec", metadata=OBJECT_META, spec=POD_SPEC)
DEPLOYMENT_SPEC = S(
    "DeploymentSpec", replicas=I32, selector=LABEL_SELECTOR, template=POD_TEMPLATE, strategy=ANY,
    minReadySeconds=I32, revisionHistoryLimit=I32, paused=BOOL, progressDeadlineSeconds=I32,
)
REPLICASET_SPEC = S("ReplicaSetSpec", replicas=I32, minReadySeconds=I32, selector=LABEL_SELECTOR,
                    template=POD_TEMPLATE)
STATEFULSET_SPEC = S(
    "StatefulSetSpec", replicas=I32, selector=LABEL_SELECTOR, template=POD_TEMPLATE, volumeClaimTemplates=[ANY],
    serviceName=STR, podManagementPolicy=STR, updateStrategy=ANY, revisionHistoryLimit=I32, minReadySeconds=I32,
    persistentVolumeClaimRetentionPolicy=ANY, ordinals=ANY,
)
DAEMONSET_SPEC = S("DaemonSetSpec", selector=LABEL_SELECTOR, template=POD_TEMPLATE, updateStrategy=ANY,
                   minReadySeconds=I32, revisionHistoryLimit=I32)
JOB_SPEC = S(
    "JobSpec", parallelism=I32, completions=I32, activeDeadlineSeconds=I64, podFailurePolicy=ANY,
    successPolicy=ANY, backoffLimit=I32, backoffLimitPerIndex=I32, maxFailedIndexes=I32, selector=LABEL_SELECTOR,
    manualSelector=BOOL, template=POD_TEMPLATE, ttlSecondsAfterFinished=I32, completionMode=STR, suspend=BOOL,
    podReplacementPolicy=STR, managedBy=STR,
)
CRONJOB_SPEC = S(
    "CronJobSpec", schedule=STR, timeZone=STR, startingDeadlineSeconds=I64, concurrencyPolicy=STR, suspend=BOOL,
    jobTemplate=S("JobTemplateSpec", metadata=OBJECT_META, spec=JOB_SPEC), successfulJobsHistoryLimit=I32,
    failedJobsHistoryLimit=I32,
)
SERVICE_PORT = S("ServicePort", name=STR, protocol=STR, appProtocol=STR, port=I32, targetPort=INTSTR,
                 nodePort=I32)
SERVICE_SPEC = S(
    "ServiceSpec", ports=[SERVICE_PORT], selector=STRMAP, clusterIP=STR, clusterIPs=[STR], type=STR,
    externalIPs=[STR], sessionAffinity=STR, loadBalancerIP=STR, loadBalancerSourceRanges=[STR], externalName=STR,
    externalTrafficPolicy=STR, healthCheckNodePort=I32, publishNotReadyAddresses=BOOL,
    sessionAffinityConfig=S("SessionAffinityConfig", clientIP=S("ClientIPConfig", timeoutSeconds=I32)),
    ipFamilies=[STR], ipFamilyPolicy=STR, allocateLoadBalancerNodePorts=BOOL, loadBalancerClass=STR,
    internalTrafficPolicy=STR, trafficDistribution=STR,
)
NP_PORT = S("NetworkPolicyPort", protocol=STR, port=INTSTR, endPort=I32)
NP_PEER = S("NetworkPolicyPeer", podSelector=LABEL_SELECTOR, namespaceSelector=LABEL_SELECTOR,
            ipBlock=S("IPBlock", cidr=STR, **{"except": [STR]}))
NETWORKPOLICY_SPEC = S(
    "NetworkPolicySpec", podSelector=LABEL_SELECTOR, policyTypes=[STR],
    ingress=[S("NetworkPolicyIngressRule", ports=[NP_PORT], **{"from": [NP_PEER]})],
    egress=[S("NetworkPolicyEgressRule", ports=[NP_PORT], to=[NP_PEER])],
)
INGRESS_BACKEND = S(
    "IngressBackend",
    service=S("IngressServiceBackend", name=STR, port=S("ServiceBackendPort", name=STR, number=I32)),
    resource=S("TypedLocalObjectReference", apiGroup=STR, kind=STR, name=STR),
)
INGRESS_SPEC = S(
    "IngressSpec", ingressClassName=STR, defaultBackend=INGRESS_BACKEND,
    tls=[S("IngressTLS", hosts=[STR], secretName=STR)],
    rules=[S("IngressRule", host=STR, http=S("HTTPIngressRuleValue", paths=[
        S("HTTPIngressPath", path=STR, pathType=STR, backend=INGRESS_BACKEND)]))],
)
INGRESSCLASS_SPEC = S("IngressClassSpec", controller=STR, parameters=S(
    "IngressClassParametersReference", apiGroup=STR, kind=STR, name=STR, scope=STR, namespace=STR))
NODE_SPEC = S("NodeSpec", podCIDR=STR, podCIDRs=[STR], providerID=STR, unschedulable=BOOL,
              taints=[S("Taint", key=STR, value=STR, effect=STR, timeAdded=ANY)], configSource=ANY, externalID=STR)


CRD_COLUMN = S("CustomResourceColumnDefinition", name=STR, type=STR, format=STR, description=STR, priority=I32,
                jsonPath=STR)
CRD_SPEC = S(
    "CustomResourceDefinitionSpec", group=STR, scope=STR, conversion=ANY, preserveUnknownFields=BOOL,
    names=S("CustomResourceDefinitionNames", plural=STR, singular=STR, shortNames=[STR], kind=STR, listKind=STR,
            categories=[STR]),
    versions=[S("CustomResourceDefinitionVersion", name=STR, served=BOOL, storage=BOOL, deprecated=BOOL,
                deprecationWarning=STR, schema=ANY, subresources=ANY, additionalPrinterColumns=[CRD_COLUMN],
                selectableFields=[ANY])],
)


def _top(go_name: str, **fields: Any) -> Struct:
    return S(go_name, apiVersion=STR, kind=STR, metadata=OBJECT_META, **fields)


# -- resource types ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ResourceType:
    """One API resource: ``kind`` in ``group``/``version``, with the names kubectl accepts for it."""

    kind: str
    group: str  # "" for the core group
    version: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...]
    schema: Struct
    # custom resources (from a CustomResourceDefinition): the version objects are stored and returned in,
    # and the CRD's additionalPrinterColumns as (header, type, JSONPath, priority)
    custom: bool = False
    stored_version: str = ""
    columns: tuple[tuple[str, str, str, int], ...] = ()
    defaults_json: str = ""  # the schema's defaults of top-level fields (JSON object), applied on create

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def stored_api_version(self) -> str:
        """The apiVersion the API server stamps on what it stores and returns (a CRD's storage version)."""
        version = self.stored_version or self.version
        return f"{self.group}/{version}" if self.group else version

    @property
    def store_kind(self) -> str:
        """The workspace kind (``aksnet.twin.kube_store``): ``k8s:<group or core>/<Kind>``."""
        return f"k8s:{self.group or 'core'}/{self.kind}"

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def qualified(self) -> str:
        """How kubectl names the type in messages: ``deployment.apps``, ``service``, ``ingress.networking.k8s.io``."""
        return f"{self.singular}.{self.group}" if self.group else self.singular

    @property
    def qualified_plural(self) -> str:
        """How the API server names the resource in errors: ``deployments.apps``, ``services``."""
        return f"{self.plural}.{self.group}" if self.group else self.plural


def _rt(kind: str, group: str, plural: str, namespaced: bool, shorts: tuple[str, ...], schema: Struct,
        version: str = "v1") -> ResourceType:
    return ResourceType(kind, group, version, plural, namespaced, shorts, schema)


RESOURCE_TYPES: tuple[ResourceType, ...] = (
    _rt("Namespace", "", "namespaces", False, ("ns",), _top("Namespace", spec=S("NamespaceSpec", finalizers=[STR]),
                                                            status=ANY)),
    _rt("Node", "", "nodes", False, ("no",), _top("Node", spec=NODE_SPEC, status=ANY)),
    _rt("Pod", "", "pods", True, ("po",), _top("Pod", spec=POD_SPEC, status=ANY)),
    _rt("Service", "", "services", True, ("svc",), _top("Service", spec=SERVICE_SPEC, status=ANY)),
    _rt("Endpoints", "", "endpoints", True, ("ep",), _top("Endpoints", subsets=[ANY])),
    _rt("Secret", "", "secrets", True, (), _top("Secret", data=STRMAP, stringData=STRMAP, type=STR, immutable=BOOL)),
    _rt("ConfigMap", "", "configmaps", True, ("cm",),
        _top("ConfigMap", data=STRMAP, binaryData=STRMAP, immutable=BOOL)),
    _rt("ServiceAccount", "", "serviceaccounts", True, ("sa",),
        _top("ServiceAccount", secrets=[ANY], imagePullSecrets=[ANY], automountServiceAccountToken=BOOL)),
    _rt("Event", "", "events", True, ("ev",), _top(
        "Event", involvedObject=ANY, reason=STR, message=STR, source=ANY, firstTimestamp=ANY, lastTimestamp=ANY,
        count=I32, type=STR, eventTime=ANY, series=ANY, action=STR, related=ANY, reportingComponent=STR,
        reportingInstance=STR)),
    _rt("Deployment", "apps", "deployments", True, ("deploy",), _top("Deployment", spec=DEPLOYMENT_SPEC, status=ANY)),
    _rt("ReplicaSet", "apps", "replicasets", True, ("rs",), _top("ReplicaSet", spec=REPLICASET_SPEC, status=ANY)),
    _rt("StatefulSet", "apps", "statefulsets", True, ("sts",),
        _top("StatefulSet", spec=STATEFULSET_SPEC, status=ANY)),
    _rt("DaemonSet", "apps", "daemonsets", True, ("ds",), _top("DaemonSet", spec=DAEMONSET_SPEC, status=ANY)),
    _rt("Job", "batch", "jobs", True, (), _top("Job", spec=JOB_SPEC, status=ANY)),
    _rt("CronJob", "batch", "cronjobs", True, ("cj",), _top("CronJob", spec=CRONJOB_SPEC, status=ANY)),
    _rt("EndpointSlice", "discovery.k8s.io", "endpointslices", True, (),
        _top("EndpointSlice", addressType=STR, endpoints=[ANY], ports=[ANY])),
    _rt("NetworkPolicy", "networking.k8s.io", "networkpolicies", True, ("netpol",),
        _top("NetworkPolicy", spec=NETWORKPOLICY_SPEC, status=ANY)),
    _rt("Ingress", "networking.k8s.io", "ingresses", True, ("ing",), _top("Ingress", spec=INGRESS_SPEC, status=ANY)),
    _rt("IngressClass", "networking.k8s.io", "ingressclasses", False, (),
        _top("IngressClass", spec=INGRESSCLASS_SPEC)),
    # the disruption controller writes a PodDisruptionBudget's status (aksnet.twin.kube.disruption)
    _rt("PodDisruptionBudget", "policy", "poddisruptionbudgets", True, ("pdb",),
        _top("PodDisruptionBudget", spec=ANY, status=ANY)),
    # kubelet's node heartbeat (kube-node-lease/<node>), read by ``kubectl describe node``
    _rt("Lease", "coordination.k8s.io", "leases", True, (), _top("Lease", spec=ANY)),
    # stored as given (no controller acts on them): what charts install besides workloads (ingress-nginx's RBAC
    # and admission webhook configuration)
    _rt("ClusterRole", "rbac.authorization.k8s.io", "clusterroles", False, (),
        _top("ClusterRole", rules=[ANY], aggregationRule=ANY)),
    _rt("ClusterRoleBinding", "rbac.authorization.k8s.io", "clusterrolebindings", False, (),
        _top("ClusterRoleBinding", roleRef=ANY, subjects=[ANY])),
    _rt("Role", "rbac.authorization.k8s.io", "roles", True, (), _top("Role", rules=[ANY])),
    _rt("RoleBinding", "rbac.authorization.k8s.io", "rolebindings", True, (),
        _top("RoleBinding", roleRef=ANY, subjects=[ANY])),
    _rt("ValidatingWebhookConfiguration", "admissionregistration.k8s.io", "validatingwebhookconfigurations", False,
        (), _top("ValidatingWebhookConfiguration", webhooks=[ANY])),
    _rt("CustomResourceDefinition", "apiextensions.k8s.io", "customresourcedefinitions", False, ("crd", "crds"),
        _top("CustomResourceDefinition", spec=CRD_SPEC, status=ANY)),
)

BY_GVK: dict[tuple[str, str], ResourceType] = {(rt.api_version, rt.kind): rt for rt in RESOURCE_TYPES}
BY_STORE_KIND: dict[str, ResourceType] = {rt.store_kind: rt for rt in RESOURCE_TYPES}
BY_KIND: dict[str, ResourceType] = {rt.kind: rt for rt in RESOURCE_TYPES}


@dataclass(frozen=True)
class Registry:
    """The types one cluster's API server serves: the built-in ones, then those of its established
    CustomResourceDefinitions (one entry per served version; the preferred version first)."""

    types: tuple[ResourceType, ...]

    def lookup_gvk(self, api_version: str, kind: str) -> ResourceType | None:
        """The type behind ``apiVersion``/``kind`` of a manifest, or None (kubectl: no matches for kind)."""
        for rt in self.types:
            if rt.kind == kind and rt.api_version == api_version:
                return rt
        return None

    def lookup_resource(self, name: str) -> ResourceType | None:
        """The type behind a ``kubectl get NAME`` argument: plural, singular, short name, ``plural.group`` or
        ``plural.version.group``; built-in types win over custom ones, as in kubectl's discovery order."""
        n = name.lower()
        for rt in self.types:
            if n in {rt.plural, rt.singular, *rt.short_names, rt.kind.lower()}:
                return rt
            if rt.group and n in {f"{rt.plural}.{rt.group}", f"{rt.singular}.{rt.group}",
                                  f"{rt.plural}.{rt.version}.{rt.group}"}:
                return rt
        return None

    def by_store_kind(self, store_kind: str) -> ResourceType | None:
        for rt in self.types:
            if rt.store_kind == store_kind:
                return rt
        return None

    def preferred(self) -> list[ResourceType]:
        """One type per resource (its preferred version), as ``kubectl api-resources`` lists them."""
        seen: set[str] = set()
        out = []
        for rt in self.types:
            if rt.store_kind not in seen:
                seen.add(rt.store_kind)
                out.append(rt)
        return out


BUILTIN = Registry(RESOURCE_TYPES)


def lookup_gvk(api_version: str, kind: str) -> ResourceType | None:
    """A built-in type behind ``apiVersion``/``kind``, or None."""
    return BY_GVK.get((api_version, kind))


def lookup_resource(name: str) -> ResourceType | None:
    """A built-in type behind a ``kubectl get NAME`` argument, or None."""
    return BUILTIN.lookup_resource(name)


# -- strict decoding -------------------------------------------------------------------------------
_JSON_KIND = {str: "string", bool: "bool", int: "number", float: "number", dict: "object", list: "array"}


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    for t, name in _JSON_KIND.items():
        if isinstance(value, t):
            return name
    return type(value).__name__


def _go_type(node: Any) -> str:
    if isinstance(node, Struct):
        return f"v1.{node.go_name}"
    if isinstance(node, list):
        return "[]" + _go_type(node[0])
    if node == INTSTR:
        return "intstr.IntOrString"
    return str(node)


def _type_error(value: Any, parent: Struct, path: str, node: Any) -> str:
    return (f"json: cannot unmarshal {_json_kind(value)} into Go struct field {parent.go_name}.{path} "
            f"of type {_go_type(node)}")


def decode_errors(doc: dict[str, Any], schema: Struct) -> tuple[list[str], str | None]:
    """Strict decoding of ``doc`` against ``schema``: (unknown field paths, first type error or None)."""
    unknown, type_error, _ = decode(doc, schema)
    return unknown, type_error


def decode(doc: dict[str, Any], schema: Struct) -> tuple[list[str], str | None, bool]:
    """:func:`decode_errors`, and whether ``doc`` holds a null anywhere :func:`drop_nulls` would change (without
    one, it has nothing to do)."""
    unknown: list[str] = []
    type_errors: list[str] = []
    nulls: list[None] = []
    _walk(doc, schema, "", unknown, type_errors, nulls)
    return unknown, (type_errors[0] if type_errors else None), bool(nulls)


def clean(doc: dict[str, Any], schema: Struct) -> bool:
    """Whether :func:`decode` of ``doc`` would find neither a type error nor a null (unknown fields aside): the
    common case, answered by a checker compiled once per schema (no path text, no lists of findings). False
    means: ask :func:`decode` for the details (it may still find nothing wrong, e.g. ``replicas: 2.0``)."""
    return _checker(schema)(doc)


_CHECKERS: dict[int, tuple[Any, Callable[[Any], bool]]] = {}  # id(schema node) → (node, checker); nodes are
# module constants or a CRD's (kept alive here with their checker)


def _checker(node: Any) -> Callable[[Any], bool]:
    """A predicate that is True only for values :func:`_check` accepts without a type error or a null."""
    hit = _CHECKERS.get(id(node))
    if hit is not None and hit[0] is node:
        return hit[1]
    check = _make_checker(node)
    _CHECKERS[id(node)] = (node, check)
    return check


_STR_TYPE = frozenset({str})


def _is_str(v: Any) -> bool:
    return type(v) is str


def _not_null(v: Any) -> bool:
    return v is not None


def _make_checker(node: Any) -> Callable[[Any], bool]:
    if node == ANY:
        return _not_null
    if node == STR:
        return _is_str
    if node in (I32, I64):
        return lambda v: type(v) is int  # bool is not int's type; an integral float goes the long way
    if node == BOOL:
        return lambda v: type(v) is bool
    if node == INTSTR:
        return lambda v: type(v) is str or type(v) is int
    if node == STRMAP:
        return lambda v: type(v) is dict and set(map(type, v.values())) <= _STR_TYPE
    if isinstance(node, list):
        item = node[0]
        if item == STR:
            return lambda v: type(v) is list and set(map(type, v)) <= _STR_TYPE
        if item == ANY:
            return lambda v: type(v) is list and None not in v
        check_item = _checker(item)
        return lambda v: type(v) is list and all(map(check_item, v))
    if isinstance(node, Struct):
        return _struct_checker(node)
    return lambda v: False  # a node kind the checker does not know: always the full walk


def _struct_checker(node: Struct) -> Callable[[Any], bool]:
    strings = frozenset(k for k, f in node.fields.items() if f == STR)
    other = {k: f for k, f in node.fields.items() if f != STR and f != ANY}
    nested: dict[str, Callable[[Any], bool]] = {}

    def check(value: Any) -> bool:
        if type(value) is not dict:
            return False
        if not nested and other:
            nested.update((k, _checker(f)) for k, f in other.items())  # on first use: schemas refer to each other
        for key, v in value.items():
            if v is None:
                return False  # a null: decode notes it (drop_nulls has work), or a type error
            c = nested.get(key)
            if c is None:
                if key in strings and type(v) is not str:
                    return False
            elif not c(v):
                return False
        return True  # unknown fields and free-form values (not null) decode without error

    return check


def _walk(value: Any, node: Struct, path: str, unknown: list[str], type_errors: list[str], nulls: list[None]) -> None:
    for key, sub in value.items():
        p = f"{path}.{key}" if path else key
        if key not in node.fields:
            unknown.append(p)
            if sub is None:
                nulls.append(None)
            continue
        _check(sub, node.fields[key], node, p, p, unknown, type_errors, nulls)


def _fine(value: Any, node: Any) -> bool:
    """The common leaves that decode without error (a string where a string goes, an untyped value), answered
    before any path text is made for them."""
    return value is not None and (node == ANY or (node == STR and type(value) is str))


def _check(value: Any, node: Any, parent: Struct, path: str, go_path: str, unknown: list[str],
           type_errors: list[str], nulls: list[None]) -> None:
    """``path`` has list indices (for unknown fields), ``go_path`` not (Go's json error texts); a null seen is
    noted in ``nulls``."""
    if value is None:
        nulls.append(None)
        return
    if node == ANY:
        return
    if isinstance(node, Struct):
        if not isinstance(value, dict):
            type_errors.append(_type_error(value, parent, go_path, node))
            return
        fields = node.fields
        for key, sub in value.items():
            field = fields.get(key)
            if field is None:
                unknown.append(f"{path}.{key}")
                if sub is None:
                    nulls.append(None)
            elif not _fine(sub, field):
                _check(sub, field, node, f"{path}.{key}", f"{go_path}.{key}", unknown, type_errors, nulls)
        return
    if isinstance(node, list):
        if not isinstance(value, list):
            type_errors.append(_type_error(value, parent, go_path, node))
            return
        item_node = node[0]
        for i, item in enumerate(value):
            if not _fine(item, item_node):
                _check(item, item_node, parent, f"{path}[{i}]", go_path, unknown, type_errors, nulls)
        return
    ok = True
    if node == STR:
        ok = isinstance(value, str)
    elif node in (I32, I64):
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float)
                                                                         and value.is_integer())
    elif node == BOOL:
        ok = isinstance(value, bool)
    elif node == INTSTR:
        ok = isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
    elif node == STRMAP:
        if not isinstance(value, dict):
            ok = False
        else:
            for v in value.values():
                if v is None:
                    nulls.append(None)
                elif not isinstance(v, str):
                    type_errors.append(_type_error(v, parent, go_path, STR))
                    return
    if not ok:
        type_errors.append(_type_error(value, parent, go_path, node))


# -- Go's zero values --------------------------------------------------------------------------------
def drop_nulls(doc: dict[str, Any], schema: Struct) -> None:
    """What Go's decoder makes of JSON ``null``: a null field keeps its zero value, so it disappears from
    the object the API server stores (``spec: null`` is an empty spec, which validation then judges); a null
    item of a list or map becomes the item type's zero value. Call after :func:`decode_errors` found none."""
    _zero_struct(doc, schema)


def _zero_struct(value: dict[str, Any], node: Struct) -> None:
    for key in list(value):
        sub = value[key]
        if sub is None:
            del value[key]
        elif key in node.fields:
            _zero(sub, node.fields[key])


def _zero(value: Any, node: Any) -> None:
    if isinstance(node, Struct) and isinstance(value, dict):
        _zero_struct(value, node)
    elif isinstance(node, list) and isinstance(value, list):
        item = node[0]
        for i, v in enumerate(value):
            if v is None:
                value[i] = {} if isinstance(item, Struct) or item in (ANY, STRMAP) else _SCALAR_ZERO.get(item, "")
            else:
                _zero(v, item)
    elif node == STRMAP and isinstance(value, dict):
        for k, v in value.items():
            if v is None:
                value[k] = ""


_SCALAR_ZERO: dict[str, Any] = {STR: "", I32: 0, I64: 0, BOOL: False, INTSTR: 0}
