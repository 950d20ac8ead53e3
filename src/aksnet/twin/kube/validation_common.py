"""The API server's field-error vocabulary and the checks every kind shares: names (RFC 1123 labels and
subdomains), labels and annotations (qualified names), label selectors, and kubectl's rendering of a 422.

Texts from ``k8s.io/apimachinery/pkg/util/validation`` and ``field.Error``. Must not change documents.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from aksnet.errors import KubeError, KubeInvalid
from aksnet.twin.kube.limits import annotation_size_errors

Doc = dict[str, Any]

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?\Z")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+\Z")
IANA_SVC_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?\Z")

MSG_DNS1123_LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
MSG_DNS1123_SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
MSG_LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
MSG_QUALIFIED_NAME = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
MSG_CONFIG_KEY = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
    "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
MSG_PORT_RANGE = "must be between 1 and 65535, inclusive"


class Raw(str):
    """A value already rendered the way Go prints it (a struct literal): shown as is."""


def go_quote(value: Any) -> str:
    """A value as Go's ``%#v``/``%q`` shows it in field errors: strings quoted, numbers bare."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(str(k))}:{json.dumps(str(v))}" for k, v in sorted(value.items()))
        return "map[string]string{" + inner + "}"
    return str(value)


def required(path: str, detail: str = "") -> str:
    return f"{path}: Required value" + (f": {detail}" if detail else "")


def invalid(path: str, value: Any, detail: str) -> str:
    return f"{path}: Invalid value: {go_quote(value)}: {detail}"


def unsupported(path: str, value: Any, supported: list[str]) -> str:
    return f"{path}: Unsupported value: {go_quote(value)}: supported values: " + ", ".join(
        json.dumps(s) for s in supported)


def duplicate(path: str, value: Any) -> str:
    return f"{path}: Duplicate value: {go_quote(value)}"


def forbidden(path: str, detail: str) -> str:
    return f"{path}: Forbidden: {detail}"


def invalid_error(kind: str, name: str, errors: list[str]) -> KubeError:
    """kubectl's rendering of a 422 Invalid: one cause on the same line, several as a bulleted list."""
    return KubeInvalid(kind, name, errors)


# -- metadata ----------------------------------------------------------------------------------------
def validate_name(name: Any, label: bool, path: str = "metadata.name") -> list[str]:
    if not name:
        return [required(path, "name or generateName is required")]
    if not isinstance(name, str):
        return [invalid(path, name, "must be a string")]
    errs = []
    limit = 63 if label else 253
    if len(name) > limit:
        errs.append(invalid(path, name, f"must be no more than {limit} characters"))
    pattern, msg = (DNS1123_LABEL, MSG_DNS1123_LABEL) if label else (DNS1123_SUBDOMAIN, MSG_DNS1123_SUBDOMAIN)
    if not pattern.match(name):
        errs.append(invalid(path, name, msg))
    return errs


def qualified_name_errors(key: str) -> list[str]:
    """``validation.IsQualifiedName``: every problem of a label or annotation key: more than one ``/``; an empty
    or non-subdomain prefix; an empty or over-long name part, and a name part that is not a qualified name (an
    empty one is reported both ways, as upstream does)."""
    return list(_qualified_name_errors(key))


@functools.lru_cache(maxsize=4096)  # a cluster's objects repeat the same few label keys and values
def _qualified_name_errors(key: str) -> tuple[str, ...]:
    parts = key.split("/")
    if len(parts) > 2:
        return (MSG_QUALIFIED_NAME.replace("name part ", "a qualified name ", 1)
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",)
    errs = []
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            if len(prefix) > 253:
                errs.append("prefix part must be no more than 253 characters")
            if not DNS1123_SUBDOMAIN.match(prefix):
                errs.append("prefix part " + MSG_DNS1123_SUBDOMAIN)
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part must be no more than 63 characters")
    if not QUALIFIED_NAME.match(name):
        errs.append(MSG_QUALIFIED_NAME)
    return tuple(errs)


def validate_label_key(key: str, path: str) -> list[str]:
    """ValidateLabelName: one field error per IsQualifiedName message."""
    return [invalid(path, key, msg) for msg in _qualified_name_errors(key)]


def label_value_errors(value: str) -> list[str]:
    """``validation.IsValidLabelValue``: every problem of a label value (length, then format)."""
    return list(_label_value_errors(value))


@functools.lru_cache(maxsize=4096)
def _label_value_errors(value: str) -> tuple[str, ...]:
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not LABEL_VALUE.match(value):
        errs.append(MSG_LABEL_VALUE)
    return tuple(errs)


def validate_labels(labels: Any, path: str) -> list[str]:
    errs: list[str] = []
    if not isinstance(labels, dict):
        return errs
    for k, v in labels.items():
        errs += validate_label_key(str(k), path)
        value = "" if v is None else str(v)
        errs += [invalid(path, value, msg) for msg in _label_value_errors(value)]
    return errs


def validate_annotations(annotations: Any, path: str) -> list[str]:
    errs: list[str] = []
    if isinstance(annotations, dict):
        for k in annotations:
            errs += validate_label_key(str(k), path)
    return errs + annotation_size_errors(annotations, path)


def validate_metadata(meta: Doc, name_is_label: bool) -> list[str]:
    errs = validate_name(meta.get("name"), name_is_label)
    errs += validate_labels(meta.get("labels"), "metadata.labels")
    errs += validate_annotations(meta.get("annotations"), "metadata.annotations")
    return errs


def selector_matches(selector: Doc, labels: dict[str, str]) -> bool:
    """metav1.LabelSelectorAsSelector(selector).Matches(labels)."""
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for req in selector.get("matchExpressions") or []:
        key, op, values = req.get("key"), req.get("operator"), req.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def validate_selector(selector: Any, path: str) -> list[str]:
    errs: list[str] = []
    if not isinstance(selector, dict):
        return errs
    errs += validate_labels(selector.get("matchLabels"), f"{path}.matchLabels")
    for i, req in enumerate(selector.get("matchExpressions") or []):
        rp = f"{path}.matchExpressions[{i}]"
        op = req.get("operator") if isinstance(req, dict) else None
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            errs.append(invalid(f"{rp}.operator", op or "", "not a valid selector operator"))
        elif op in ("In", "NotIn") and not req.get("values"):
            errs.append(required(f"{rp}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist") and req.get("values"):
            errs.append(forbidden(f"{rp}.values", "may not be specified when `operator` is 'Exists' or "
                                                   "'DoesNotExist'"))
    return errs
