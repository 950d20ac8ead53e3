"""The state file: everything is recorded before it is created and survives a reload (pure, no kernel)."""

from __future__ import annotations

from pathlib import Path

from aksnet.dataplane.record import ProcessRecord, State


def test_state_round_trip(tmp_path: Path) -> None:
    st = State.load(tmp_path, "abc123")
    assert st.empty
    st.intend_netns(["aksnet-abc123-azure-vnet", "aksnet-abc123-node-n1"])
    st.intend_netns(["aksnet-abc123-node-n1"])  # idempotent
    st.intend_path("/etc/netns/aksnet-abc123-pod-default.a")
    rec = ProcessRecord("agent", "agent", str(tmp_path / "agent.pid"), ["python", "-m", "x"], netns=None)
    st.intend_process(rec)
    st.set_unit("unit:azure/vnet", "d1")
    again = State.load(tmp_path, "abc123")
    assert again.netns == ["aksnet-abc123-azure-vnet", "aksnet-abc123-node-n1"]
    assert again.paths == ["/etc/netns/aksnet-abc123-pod-default.a"]
    assert [p.argv for p in again.processes] == [["python", "-m", "x"]]
    assert again.units == {"unit:azure/vnet": "d1"}
    again.forget_netns(["aksnet-abc123-node-n1"])
    again.forget_process(again.processes[0])
    again.set_unit("unit:azure/vnet", None)
    third = State.load(tmp_path, "abc123")
    assert third.netns == ["aksnet-abc123-azure-vnet"] and not third.processes and not third.units
    third.remove_file()
    assert State.load(tmp_path, "abc123").empty
