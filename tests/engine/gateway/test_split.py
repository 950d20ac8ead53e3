"""NGINX's split_clients as the twin's weighted backendRef choice: the parts written for weights, and the pick for
keys, checked against nginx 1.22 (``split_clients "$arg_k" $v { 33.33% a; 33.33% b; * c; }`` answered these
picks for these keys; tests/dataplane/test_gateway_conf.py asks the real NGINX again)."""

from __future__ import annotations

import pytest

from aksnet.engine.split_clients import choose, murmur2, parts, percent_text


@pytest.mark.parametrize(("key", "pick"), [
    ("x", "a"), ("y", "c"), ("z", "b"), ("abc", "a"), ("hello", "c"), ("app.example.com/?", "b"), ("q1", "b"),
    ("q22", "c"), ("q333", "c"), ("q4444", "a"),
], ids=lambda v: str(v))
def test_pick_as_nginx_picked(key: str, pick: str) -> None:
    assert "abc"[choose([1, 1, 1], key) or 0] == pick


@pytest.mark.parametrize(("weights", "want"), [
    ((90, 10), [(0, 9000), (1, None)]),
    ((1, 1, 1), [(0, 3333), (1, 3333), (2, None)]),
    ((0, 5), [(1, None)]),
    ((1, 100000), [(1, None)]),  # 0.0009 %: no part (nginx refuses 0%), never chosen
    ((0, 0), []),
], ids=["90-10", "thirds", "zero-weight-left-out", "share-below-0.01", "all-zero"])
def test_parts(weights: tuple[int, ...], want: list[tuple[int, int | None]]) -> None:
    assert parts(weights) == want


@pytest.mark.parametrize(("data", "value"), [(b"", 0), (b"a", 2456313694), (b"abcd", 646393889)],
                         ids=["empty", "one-byte-tail", "one-word"])
def test_murmur2(data: bytes, value: int) -> None:
    assert murmur2(data) == value


def test_shares_follow_weights() -> None:
    picks = [choose([70, 30], f"req-{i}") for i in range(4000)]
    assert 0.67 < picks.count(0) / 4000 < 0.73
    assert percent_text(3333) == "33.33%" and percent_text(9000) == "90.00%" and percent_text(5) == "0.05%"
