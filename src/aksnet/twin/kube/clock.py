"""Wall-clock time for Kubernetes timestamps (creationTimestamp, event times, ages).

Timestamps are the only values in the twin that may depend on the clock. ``AKSNET_NOW`` (an RFC 3339
time such as ``2026-01-01T00:00:00Z``) freezes the clock, which golden tests use. Must not be used to
derive names, addresses or ports.
"""

from __future__ import annotations

import datetime as _dt
import os


def now() -> _dt.datetime:
    """The current UTC time, or ``$AKSNET_NOW`` when set."""
    fixed = os.environ.get("AKSNET_NOW")
    if fixed:
        return parse(fixed)
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def timestamp() -> str:
    """``metav1.Time`` as the API server serialises it: RFC 3339 in UTC, whole seconds."""
    return format_time(now())


def format_time(t: _dt.datetime) -> str:
    return t.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(_dt.UTC)


def human_duration(seconds: float) -> str:
    """k8s.io/apimachinery/pkg/util/duration.HumanDuration, the AGE column of kubectl."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        sec = s % 60
        return f"{minutes}m" if sec == 0 else f"{minutes}m{sec}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def age(ts: str | None) -> str:
    """The age of an object from its timestamp, as kubectl prints it (``<unknown>`` without one)."""
    if not ts:
        return "<unknown>"
    return human_duration((now() - parse(ts)).total_seconds())
