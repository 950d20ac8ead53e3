"""ingress-nginx's own checks of an Ingress before any value reaches nginx.conf (pure, stdlib only).

Facts of ingress-nginx controller v1.15 (tag ``controller-v1.15.1``):

* the annotation value validators of ``internal/ingress/annotations/parser/validators.go`` (character
  classes written as Go regexps, matched against the whole value; ``\\r``/``\\n`` always refused) and
  each annotation's group and risk level (``internal/ingress/annotations/*/main.go``);
* the deep inspector (``internal/ingress/inspector``, ``--deep-inspect`` on by default): hosts, TLS
  secret names and hosts, and paths must not contain ``alias …;``/``root …;`` directives, ``_by_lua``,
  ``/etc/passwd``-like paths or ``/var/run/secrets``;
* ``strict-validate-path-type`` (ConfigMap, on by default since v1.12): Exact and Prefix paths match
  ``(?i)^/[[:alnum:]._\\-/]*$``;
* ``annotation-value-word-blocklist``, ``allow-snippet-annotations`` (default false) and
  ``annotations-risk-level`` (default High).

The same facts serve the twin's admission webhook (which denies the request) and the engine's
controller (whose store skips an Ingress that fails them). Must not decide routing or read objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aksnet.model import k8s
from aksnet.rules.ingress_nginx import ANNOTATION_PREFIX as PREFIX

WEBHOOK_NAME = "validate.nginx.ingress.kubernetes.io"

# validators.go character classes (Go regexps are ASCII; matched with re.fullmatch so that a
# trailing newline never slips past a ``$``)
_ALNUM = r"\-._~a-zA-Z0-9/:"
IS_VALID_REGEX = re.compile(r"[/" + _ALNUM + r"\^$\[\](){}*+?|&=\\]*")
SIZE_REGEX = re.compile(r"[0-9]+[bkmgBKMG]?")
URL_IS_VALID_REGEX = re.compile(r"[" + _ALNUM + r",?&=]*")
BASIC_CHARS_REGEX = re.compile(r"[/" + _ALNUM + r"]*")
REGEX_PATH_WITH_CAPTURE = re.compile(r"/?[" + _ALNUM + r"$]*")
MALICIOUS = re.compile(r"\r|\n")
VALID_PATH_TYPE = re.compile(r"/[A-Za-z0-9._\-/]*")
DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
# inspector/rules.go: values that try to escape the configuration
_INVALID_VALUES = (
    re.compile(r"\s*alias\s*.*;", re.S),
    re.compile(r"\s*root\s*.*;", re.S),
    re.compile(r"/etc/(passwd|shadow|group|nginx|ingress-controller)"),
    re.compile(r"/var/run/secrets"),
    re.compile(r".*_by_lua.*"),
)

RISKS = ("Low", "Medium", "High", "Critical")
_GO_BOOLS = frozenset({"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"})


def valid_go_bool(value: str) -> bool:
    """strconv.ParseBool."""
    return value in _GO_BOOLS


def valid_go_int(value: str) -> bool:
    """strconv.Atoi: optional sign, ASCII digits, within int64."""
    return re.fullmatch(r"[+-]?[0-9]+", value) is not None and -(2**63) <= int(value) < 2**63


def matches(regex: re.Pattern[str], remove_space: bool = False) -> Callable[[str], bool]:
    """validators.go ValidateRegex: the whole value matches and has no CR/LF."""

    def check(value: str) -> bool:
        v = value.replace(" ", "") if remove_space else value
        return regex.fullmatch(v) is not None and MALICIOUS.search(v) is None

    return check


def valid_server_name(value: str) -> bool:
    """ValidateServerName: IsValidRegex on the trimmed value."""
    return IS_VALID_REGEX.fullmatch(value.strip(" \t\r\n\v\f")) is not None


def valid_server_names(value: str) -> bool:
    """ValidateArrayOfServerName: every comma-separated item is a valid server name."""
    return all(valid_server_name(v) for v in value.split(","))


def valid_service_name(value: str) -> bool:
    """ValidateServiceName: a DNS-1035 label."""
    return len(value) <= 63 and DNS1035_LABEL.fullmatch(value) is not None


def valid_cidrs(value: str) -> bool:
    """ValidateCIDRs (net.ParseCIDRs): comma-separated addresses or networks."""
    import ipaddress

    for part in value.split(","):
        p = part.strip()
        if not p:
            continue
        try:
            ipaddress.ip_network(p, strict=False)
        except ValueError:
            return False
    return True


def valid_backend_protocol(value: str) -> bool:
    return value.strip().upper() in ("HTTP", "HTTPS", "GRPC", "GRPCS", "AUTO_HTTP", "FCGI")


@dataclass(frozen=True, slots=True)
class AnnotationRule:
    """One annotation: its parser group, risk, validator and what an invalid value does.

    ``on_invalid``: ``reject`` (the parser returns the validation error: Extract fails, the webhook denies,
    the store skips the Ingress), ``default`` (the parser logs and uses the default), ``deny`` (the
    location answers 503, ipallowlist/ipdenylist).
    """

    group: str
    risk: str
    validator: Callable[[str], bool] | None = None
    on_invalid: str = "default"


def _r(group: str, risk: str, validator: Callable[[str], bool] | None = None, on_invalid: str = "default"
       ) -> AnnotationRule:
    return AnnotationRule(group, risk, validator, on_invalid)


_URL = matches(URL_IS_VALID_REGEX)
_PATH_CAPTURE = matches(REGEX_PATH_WITH_CAPTURE)

# The annotations aksnet emulates, with their validators; each parser's handling of an invalid value.
EMULATED: Mapping[str, AnnotationRule] = {
    "allowlist-source-range": _r("Allowlist", "Medium", valid_cidrs, "deny"),
    "whitelist-source-range": _r("Allowlist", "Medium", valid_cidrs, "deny"),
    "denylist-source-range": _r("Denylist", "Medium", valid_cidrs, "deny"),
    "app-root": _r("Rewrite", "Medium", _PATH_CAPTURE),
    "backend-protocol": _r("BackendProtocol", "Low", valid_backend_protocol),
    "canary": _r("Canary", "Low", valid_go_bool),
    "canary-by-cookie": _r("Canary", "Medium", matches(BASIC_CHARS_REGEX, True)),
    "canary-by-header": _r("Canary", "Medium", matches(BASIC_CHARS_REGEX, True)),
    "canary-by-header-pattern": _r("Canary", "Medium", matches(IS_VALID_REGEX)),
    "canary-by-header-value": _r("Canary", "Medium", matches(BASIC_CHARS_REGEX, True)),
    "canary-weight": _r("Canary", "Low", valid_go_int),
    "canary-weight-total": _r("Canary", "Low", valid_go_int),
    "default-backend": _r("DefaultBackend", "Low", valid_service_name, "reject"),
    "force-ssl-redirect": _r("Rewrite", "Medium", valid_go_bool),
    "from-to-www-redirect": _r("Redirect", "Low", valid_go_bool, "reject"),
    "permanent-redirect": _r("Redirect", "Medium", _URL, "reject"),
    "permanent-redirect-code": _r("Redirect", "Low", valid_go_int, "reject"),
    "preserve-trailing-slash": _r("Rewrite", "Medium", valid_go_bool),
    "proxy-body-size": _r("Proxy", "Medium", matches(SIZE_REGEX, True)),
    "rewrite-target": _r("Rewrite", "Medium", _PATH_CAPTURE),
    "server-alias": _r("Aliases", "High", valid_server_names, "reject"),
    "service-upstream": _r("ServiceUpstream", "Low", valid_go_bool),
    "ssl-redirect": _r("Rewrite", "Low", valid_go_bool),
    "temporal-redirect": _r("Redirect", "Medium", _URL, "reject"),
    "temporal-redirect-code": _r("Redirect", "Low", valid_go_int, "reject"),
    "upstream-vhost": _r("UpstreamVhost", "Low", valid_server_name, "reject"),
    "use-port-in-redirects": _r("UsePortInRedirects", "Low", valid_go_bool),
    "use-regex": _r("Rewrite", "Low", valid_go_bool),
    "x-forwarded-prefix": _r("XForwardedPrefix", "Medium", matches(REGEX_PATH_WITH_CAPTURE, True), "reject"),
}

# Group and risk of the riskier annotations aksnet does not emulate (their risk still decides admission).
_NOT_EMULATED = (
    ("auth-realm", "BasicDigestAuth", "Medium"),
    ("auth-signin", "ExternalAuth", "High"),
    ("auth-snippet", "ExternalAuth", "Critical"),
    ("auth-tls-error-page", "CertificateAuth", "High"),
    ("auth-tls-match-cn", "CertificateAuth", "High"),
    ("auth-url", "ExternalAuth", "High"),
    ("configuration-snippet", "ConfigurationSnippet", "Critical"),
    ("mirror-host", "Mirror", "High"),
    ("mirror-target", "Mirror", "High"),
    ("modsecurity-snippet", "ModSecurity", "Critical"),
    ("modsecurity-transaction-id", "ModSecurity", "High"),
    ("proxy-ssl-name", "ProxySSL", "High"),
    ("server-snippet", "ServerSnippet", "Critical"),
    ("stream-snippet", "StreamSnippet", "Critical"),
    ("upstream-hash-by", "UpstreamHashBy", "High"),
)
RISK_OF: Mapping[str, AnnotationRule] = {**{n: _r(g, risk) for n, g, risk in _NOT_EMULATED}, **EMULATED}


def risk_level(value: str | None) -> str:
    """parser.StringRiskToRisk: Critical, High, Medium (case-insensitive), anything else Low."""
    v = (value or "High").strip().lower()
    return {"critical": "Critical", "high": "High", "medium": "Medium"}.get(v, "Low")


@dataclass(frozen=True, slots=True)
class CheckConfig:
    """The ConfigMap keys and flags the checks read (ingress-nginx defaults)."""

    strict_validate_path_type: bool = True
    allow_snippet_annotations: bool = False
    annotations_risk_level: str = "High"
    annotation_value_word_blocklist: str = ""


def check_config(data: Mapping[str, str]) -> CheckConfig:
    """The ConfigMap keys of the checks; an invalid boolean keeps the default (mapstructure decode)."""
    def flag(key: str, default: bool) -> bool:
        v = str(data.get(key, "")).strip()
        if valid_go_bool(v):
            return v in ("1", "t", "T", "TRUE", "true", "True")
        return default

    return CheckConfig(
        strict_validate_path_type=flag("strict-validate-path-type", True),
        allow_snippet_annotations=flag("allow-snippet-annotations", False),
        annotations_risk_level=str(data.get("annotations-risk-level", "High")),
        annotation_value_word_blocklist=str(data.get("annotation-value-word-blocklist", "")),
    )


def check_value(value: str) -> str | None:
    """inspector.CheckRegex: the error text for a value that tries to escape the configuration."""
    for rx in _INVALID_VALUES:
        if rx.search(value):
            return f"invalid value found: {value}"
    return None


def deep_inspect(ing: k8s.Ingress) -> str | None:
    """inspector.InspectIngress: hosts, paths, TLS secret names and hosts."""
    where = f"{ing.namespace}/{ing.name}"
    for rule in ing.rules:
        if rule.host and (err := check_value(rule.host)):
            return f"invalid host in ingress {where}: {err}"
        for p in rule.paths:
            if err := check_value(p.path or ""):
                return f"invalid rule in ingress {where}: invalid http path: {err}"
    for tls in ing.tls:
        if err := check_value(tls.secret_name or ""):
            return f"invalid secret in ingress {where}: {err}"
        for host in tls.hosts:
            if err := check_value(host):
                return f"invalid host in ingress tls config {where}: {err}"
    return None


def path_type_errors(ing: k8s.Ingress) -> list[str]:
    """inspector.ValidatePathType: Exact/Prefix paths limited to ``/`` and ``[A-Za-z0-9._-/]``."""
    errs = []
    for rule in ing.rules:
        for p in rule.paths:
            if p.path and p.path_type != "ImplementationSpecific" and VALID_PATH_TYPE.fullmatch(p.path) is None:
                errs.append(f"path {p.path} cannot be used with pathType {p.path_type}")
    return errs


def blocked_word(ing: k8s.Ingress, blocklist: str) -> str | None:
    """annotation-value-word-blocklist: an annotation of the prefix whose value contains a listed word."""
    if not blocklist:
        return None
    words = [w.strip() for w in blocklist.strip().split(",")]
    for key in sorted(ing.annotations):
        if key.startswith(PREFIX):
            for w in words:
                if w in ing.annotations[key]:
                    return f"{key} annotation contains invalid word {w}"
    return None


def extract_error(annotations: Mapping[str, str], max_risk: str) -> str | None:
    """annotations.Extract: a group with an annotation riskier than allowed, or a value its parser refuses.

    The real extractor walks a Go map (random order); aksnet walks the groups in name order.
    """
    by_group: dict[str, list[str]] = {}
    for key in annotations:
        if key.startswith(PREFIX) and key[len(PREFIX):] in RISK_OF:
            name = key[len(PREFIX):]
            by_group.setdefault(RISK_OF[name].group, []).append(name)
    allowed = RISKS.index(max_risk)
    for group in sorted(by_group):
        names = sorted(by_group[group])
        if any(RISKS.index(RISK_OF[n].risk) > allowed for n in names):
            return f"annotation group {group} contains risky annotation based on ingress configuration"
        for name in names:
            rule = RISK_OF[name]
            value = annotations[PREFIX + name]
            refused = rule.on_invalid == "reject" and rule.validator is not None and value and not rule.validator(value)
            if refused and _read_by_parser(name, annotations):
                return f"annotation {PREFIX}{name} contains invalid value"
    return None


def _read_by_parser(name: str, annotations: Mapping[str, str]) -> bool:
    """redirect.Parse reads temporal-redirect-code only with temporal-redirect set, and
    permanent-redirect(-code) only without it."""
    temporal = bool(annotations.get(PREFIX + "temporal-redirect"))
    if name == "temporal-redirect-code":
        return temporal
    if name in ("permanent-redirect", "permanent-redirect-code"):
        return not temporal
    return True


def controller_skips(ing: k8s.Ingress, cfg: CheckConfig) -> str | None:
    """Why the controller's store does not load this Ingress (store.go syncIngress), or None."""
    return (
        deep_inspect(ing)
        or blocked_word(ing, cfg.annotation_value_word_blocklist)
        or extract_error(ing.annotations, risk_level(cfg.annotations_risk_level))
    )


def webhook_denial(ing: k8s.Ingress, cfg: CheckConfig) -> str | None:
    """The admission webhook's answer (controller.go CheckIngress), in its order, or None to admit."""
    if err := deep_inspect(ing):
        return f"invalid object: {err}"
    if cfg.strict_validate_path_type and (errs := path_type_errors(ing)):
        return "ingress contains invalid paths: " + "\n".join(errs)
    if err := blocked_word(ing, cfg.annotation_value_word_blocklist):
        return err
    if not cfg.allow_snippet_annotations:
        for key in sorted(ing.annotations):
            if key.endswith("-snippet"):
                return f"{key} annotation cannot be used. Snippet directives are disabled by the Ingress administrator"
    return extract_error(ing.annotations, risk_level(cfg.annotations_risk_level))
