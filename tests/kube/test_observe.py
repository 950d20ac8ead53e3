"""kubectl events (filters, sorting, empty message), top (no Metrics API) and logs (the API server's checks,
then the explicit absence of container output): kubectl's texts, nothing invented."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kube.helpers import kubectl, pods, setup_cluster


@pytest.fixture
def cluster(home: Path) -> str:
    cid = setup_cluster()
    assert kubectl("create", "deployment", "web", "--image=nginx", "--replicas=1").code == 0
    return cid


def test_events_for_an_object(cluster: str) -> None:
    pod = pods(cluster)[0]["metadata"]["name"]
    r = kubectl("events", "--for", f"pod/{pod}")
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert [ln.split()[2] for ln in lines[1:]] == ["Scheduled", "Pulled", "Created", "Started"]
    assert all(f"pod/{pod}" in ln for ln in lines[1:])
    assert kubectl("events", "--for", "deployment/web", "--no-headers").out.split()[2] == "ScalingReplicaSet"


@pytest.mark.parametrize(("args", "code", "err"), [
    pytest.param(["--types", "Foo"], 1, "error: valid --types are Normal or Warning\n", id="bad-type"),
    pytest.param(["--for", "pod"], 1, "error: --for must be in resource/name form\n", id="for-without-name"),
    pytest.param(["--types=Warning"], 0, "No events found in default namespace.\n", id="none-in-namespace"),
    pytest.param(["-A", "--types=Warning"], 0, "No events found.\n", id="none-anywhere"),
    pytest.param(["--for", "pod/a/b"], 1, "error: arguments in resource/name form may not have more than one "
                 "slash\n", id="two-slashes"),
])
def test_events_flags(cluster: str, args: list[str], code: int, err: str) -> None:
    r = kubectl("events", *args)
    assert (r.code, r.err, r.out) == (code, err, "")


def test_events_all_namespaces_has_namespace_column(cluster: str) -> None:
    out = kubectl("events", "-A").out.splitlines()
    assert out[0].split()[:3] == ["NAMESPACE", "LAST", "SEEN"]
    assert {ln.split()[0] for ln in out[1:]} == {"default", "kube-system"}


@pytest.mark.parametrize("what", ["pods", "nodes", "pod", "no"])
def test_top_has_no_metrics_api(cluster: str, what: str) -> None:
    r = kubectl("top", what)
    assert (r.code, r.err) == (1, "error: Metrics API not available\n")


def test_logs_checks_then_says_there_is_no_output(cluster: str) -> None:
    pod = pods(cluster)[0]["metadata"]["name"]
    assert kubectl("logs", "nope").err == 'Error from server (NotFound): pods "nope" not found\n'
    assert kubectl("logs", pod, "-c", "x").err == \
        f"Error from server (BadRequest): container x is not valid for pod {pod}\n"
    r = kubectl("logs", pod)
    assert r.code == 1 and r.out == ""
    assert r.err.startswith("error: aksnet emulates the control plane and the network only: no container runs")
    assert kubectl("logs", "deploy/nope").err == \
        'Error from server (NotFound): deployments.apps "nope" not found\n'


def test_logs_of_an_unscheduled_pod_is_empty(cluster: str) -> None:
    assert kubectl("run", "big", "--image=nginx", "--overrides",
                   '{"spec": {"nodeSelector": {"no": "such-node"}}}').code == 0
    r = kubectl("logs", "big")
    assert (r.code, r.out, r.err) == (0, "", "")
