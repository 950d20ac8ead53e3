"""The API server's size limits: the request body, the total of an object's annotations, and the data of a
ConfigMap or Secret. Texts of ``field.TooLong`` (apimachinery ``util/validation/field``) and
``NewRequestEntityTooLargeError`` (apimachinery ``api/errors``). Must not change documents.

- kube-apiserver ``--max-request-body-bytes`` default 3 MiB (``DefaultMaxRequestSizeBytes``; a larger body is
  answered 413 ``Request entity too large: limit is 3145728``);
- ``TotalAnnotationSizeLimitB`` 256 KiB (apimachinery ``ValidateAnnotations``), which is why a client-side
  ``kubectl apply`` of an object over 256 KiB fails on its last-applied annotation;
- ``MaxSecretSize`` 1 MiB for Secret ``data`` and ConfigMap ``data`` + ``binaryData`` (core validation
  ``ValidateSecret``/``ValidateConfigMap``).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024
MAX_SECRET_SIZE = 1024 * 1024


def too_long(path: str, limit: int) -> str:
    """``field.TooLong`` as the API server words it (the value itself is not echoed)."""
    return f"{path}: Too long: must have at most {limit} bytes"


def request_body_size(doc: Any) -> int:
    """The size of the JSON body kubectl sends for ``doc``."""
    return len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def request_too_large(doc: Any) -> str | None:
    """The 413's message when ``doc``'s body is over ``--max-request-body-bytes``, else None."""
    if request_body_size(doc) > MAX_REQUEST_BODY_BYTES:
        return f"Request entity too large: limit is {MAX_REQUEST_BODY_BYTES}"
    return None


def annotation_size_errors(annotations: Any, path: str) -> list[str]:
    """ValidateAnnotations: keys and values together at most 256 KiB."""
    if not isinstance(annotations, dict):
        return []
    total = sum(len(str(k).encode()) + len(str(v or "").encode()) for k, v in annotations.items())
    return [too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT)] if total > TOTAL_ANNOTATION_SIZE_LIMIT else []


def _decoded_size(value: Any) -> int:
    text = str(value or "")
    try:
        return len(base64.b64decode(text, validate=False))
    except (binascii.Error, ValueError):
        return len(text.encode())


def _text_size(values: Any) -> int:
    return sum(len(str(v or "").encode()) for v in values.values()) if isinstance(values, dict) else 0


def _binary_size(values: Any) -> int:
    return sum(_decoded_size(v) for v in values.values()) if isinstance(values, dict) else 0


def secret_size_errors(doc: dict[str, Any]) -> list[str]:
    """ValidateSecret: the decoded ``data`` (``stringData`` merged into it) at most 1 MiB, on ``data``."""
    size = _binary_size(doc.get("data")) + _text_size(doc.get("stringData"))
    return [too_long("data", MAX_SECRET_SIZE)] if size > MAX_SECRET_SIZE else []


def configmap_size_errors(doc: dict[str, Any]) -> list[str]:
    """ValidateConfigMap: ``data`` plus decoded ``binaryData`` at most 1 MiB, on the whole object (``[]``)."""
    size = _text_size(doc.get("data")) + _binary_size(doc.get("binaryData"))
    return [too_long("[]", MAX_SECRET_SIZE)] if size > MAX_SECRET_SIZE else []
