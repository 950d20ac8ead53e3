"""Label selectors as ``labels.Parse`` reads them (set-based requirements, ``!key``, gt/lt) and the
messages it gives for malformed ones; kubectl get shows them as the API server's 400."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aksnet.twin.kube.selectors import SelectorError, parse_label_selector
from tests.kube.helpers import kubectl, setup_cluster

LABELS = {"app": "web", "tier": "fe", "n": "5", "app.kubernetes.io/name": "web"}


@pytest.mark.parametrize(("selector", "want"), [
    ("app=web", True), ("app==web", True), ("app!=web", False), ("nope!=x", True),
    ("app in (web,api)", True), ("app in ( api , web )", True), ("app notin (web)", False), ("nope notin (a)", True),
    ("!nope", True), ("!app", False), ("tier", True), ("nope", False), ("app=web,tier=fe", True),
    ("app=web, tier=be", False), ("app.kubernetes.io/name=web", True), ("n>3", True), ("n<3", False),
    ("nope>3", False), ("app in ()", False), ("app=", False), ("", True),
])
def test_matches(selector: str, want: bool) -> None:
    assert parse_label_selector(selector)(LABELS) is want


@pytest.mark.parametrize(("selector", "detail"), [
    ("app in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"),
    ("app in (a", "unable to parse requirement: found '', expected: ',' or ')'"),
    ("app in a", "unable to parse requirement: found 'a' expected: '('"),
    ("app=web,", "found '', expected: identifier after ','"),
    ("app x", "unable to parse requirement: found 'x', expected: in, notin, =, ==, !=, gt, lt"),
    ("a=b=c", "found '=', expected: ',' or 'end of string'"),
    ("!app=x", "found '=', expected: ',' or 'end of string'"),
    (",app", "found ',', expected: !, identifier, or 'end of string'"),
    ("n>x", "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer: x"),
    ("app=-x", 'unable to parse requirement: [app]: Invalid value: "-x": a valid label must be an empty string'),
    ("-bad=x", 'unable to parse requirement: <nil>: Invalid value: "-bad": name part must consist of'),
])
def test_errors(selector: str, detail: str) -> None:
    with pytest.raises(SelectorError) as exc:
        parse_label_selector(selector)
    assert exc.value.detail.startswith(detail)


def test_kubectl_get_reports_the_server_error(home: Path) -> None:
    setup_cluster()
    r = kubectl("get", "deploy", "-l", "app in (a b)")
    assert r.code == 1
    assert r.err == ('Error from server (BadRequest): Unable to find {"apps" "v1" "deployments"} that match label '
                     'selector "app in (a b)", field selector "": unable to parse requirement: found \'b\', '
                     "expected: ',' or ')'\n")
    r = kubectl("get", "pods", "-A", "-l", "k8s-app in (kube-dns),!nope", "-o", "name")
    assert r.code == 0 and r.out.count("pod/coredns-") == 2


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab=!,() <>inotx.-/1", max_size=24))
def test_random_selectors_never_crash(text: str) -> None:
    """Any string is either a selector (whose predicate works on any label map) or a SelectorError."""
    try:
        match = parse_label_selector(text)
    except SelectorError:
        return
    assert match(LABELS) in (True, False)
    assert match({}) in (True, False)
