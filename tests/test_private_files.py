"""Secrets stay private: the workspace (TLS private keys, kubeconfigs), ``export`` output and kubeconfig files
are their owner's alone; az's configuration and logs live in the workspace; secret flags are never logged."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.conftest import run_cli


def _mode(p: Path) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def _cluster() -> None:
    assert run_cli("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none").code == 0
    assert run_cli("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "-o", "none").code == 0


@pytest.fixture
def loose_umask() -> object:
    old = os.umask(0o022)
    yield None
    os.umask(old)


def test_workspace_database_and_directory_are_private(home: Path, loose_umask: object) -> None:
    _cluster()
    assert _mode(home) == 0o700
    assert _mode(home / "workspace.db") == 0o600
    for suffix in ("-wal", "-shm"):
        f = home / f"workspace.db{suffix}"
        if f.exists():
            assert _mode(f) == 0o600


def test_older_workspace_is_tightened(home: Path, loose_umask: object) -> None:
    _cluster()
    os.chmod(home / "workspace.db", 0o644)
    assert run_cli("az", "group", "list", "-o", "none").code == 0
    assert _mode(home / "workspace.db") == 0o600


def test_export_files_and_directories_are_private(home: Path, tmp_path: Path, loose_umask: object) -> None:
    _cluster()
    assert run_cli("az", "aks", "get-credentials", "-g", "rg", "-n", "aks").code == 0
    out = tmp_path / "export"
    assert run_cli("export", str(out)).code == 0
    paths = [out, *out.rglob("*")]
    assert any(p.name == "kubeconfig" for p in paths)
    for p in paths:
        assert _mode(p) == (0o700 if p.is_dir() else 0o600), p


@pytest.mark.parametrize(("existing_mode", "warned"), [
    pytest.param(None, False, id="new-file-0600"),
    pytest.param(0o600, False, id="existing-0600-kept"),
    pytest.param(0o644, True, id="existing-0644-warned-and-kept"),
])
def test_get_credentials_file_mode(home: Path, tmp_path: Path, loose_umask: object, existing_mode: int | None,
                                   warned: bool) -> None:
    _cluster()
    path = tmp_path / "kube" / "config"
    if existing_mode is not None:
        path.parent.mkdir()
        path.write_text("apiVersion: v1\nkind: Config\n")
        os.chmod(path, existing_mode)
    r = run_cli("az", "aks", "get-credentials", "-g", "rg", "-n", "aks", "--file", str(path))
    assert r.code == 0, r.err
    assert _mode(path) == (existing_mode or 0o600)
    if existing_mode is None:
        assert _mode(path.parent) == 0o700
    if warned:
        assert f'{path} has permissions "644".\nIt should be readable and writable only by its owner.' in r.err
    else:
        assert "permissions" not in r.err


def test_get_credentials_unwritable_file_changes_nothing(home: Path, tmp_path: Path) -> None:
    _cluster()
    before = run_cli("kubectl", "config", "get-contexts").out
    target = tmp_path / "a-directory"
    target.mkdir()
    r = run_cli("az", "aks", "get-credentials", "-g", "rg", "-n", "aks", "--file", str(target))
    assert r.code == 1 and r.err.startswith("ERROR: Failed to load kubeconfig file"), r.err
    assert run_cli("kubectl", "config", "get-contexts").out == before


def test_kubectl_config_writes_new_kubeconfig_0600(home: Path, tmp_path: Path, loose_umask: object) -> None:
    _cluster()
    path = tmp_path / "kc"
    assert run_cli("az", "aks", "get-credentials", "-g", "rg", "-n", "aks", "--file", str(path)).code == 0
    os.unlink(path)
    assert run_cli("az", "aks", "get-credentials", "-g", "rg", "-n", "aks", "--file", str(path)).code == 0
    r = run_cli("kubectl", "config", "use-context", "aks", "--kubeconfig", str(path))
    assert r.code == 0, r.err
    assert _mode(path) == 0o600


def test_az_configuration_lives_in_the_workspace(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """knack reads no configuration from a shared temporary directory (another user could plant one there)."""
    planted = tmp_path / "tmp" / "aksnet-az-config"
    planted.mkdir(parents=True)
    (planted / "config").write_text("[core]\nonly_show_errors = true\noutput = tsv\n")
    monkeypatch.setenv("TMPDIR", str(planted.parent))
    from aksnet.cli.az.app import az_config_dir

    assert az_config_dir() == str(home / "az")
    assert run_cli("az", "group", "list").out.strip() == "[]"  # json, not the planted tsv
    assert not (home / "az").exists()  # read-only commands create nothing


def test_az_log_file_is_private_and_in_the_workspace(home: Path, monkeypatch: pytest.MonkeyPatch,
                                                     loose_umask: object) -> None:
    import logging

    from aksnet.cli.az.app import AzLogging

    _cluster()
    monkeypatch.setenv("AKSNET_AZ_LOGGING_ENABLE_LOG_FILE", "yes")
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers.clear()  # knack configures logging once per process; let this run configure it
    try:
        r = run_cli("az", "vm", "create", "-g", "rg", "-n", "vm1", "--image", "Ubuntu2204",
                    "--admin-password", "Sup3r-Secret-Pw!", "--authentication-type", "password", "-o", "none")
    finally:
        for h in root.handlers[:]:
            if h not in saved:
                root.removeHandler(h)
                h.close()
        for name in ("cli.knack", "cli"):
            for h in logging.getLogger(name).handlers[:]:
                logging.getLogger(name).removeHandler(h)
                h.close()
        root.handlers[:] = saved
    assert r.code == 0, r.err
    assert AzLogging is not None
    log = home / "az" / "logs" / "az.log"
    assert _mode(log.parent) == 0o700 and _mode(log) == 0o600
    text = log.read_text()
    assert "--admin-password" in text and "Sup3r-Secret-Pw!" not in text


@pytest.mark.parametrize(("argv", "expected"), [
    pytest.param(["vm", "create", "--admin-password", "pw"], ["vm", "create", "--admin-password", "***"],
                 id="separate-value"),
    pytest.param(["--admin-password=pw", "-n", "x"], ["--admin-password=***", "-n", "x"], id="equals-value"),
    pytest.param(["aks", "create", "--windows-admin-password", "pw"],
                 ["aks", "create", "--windows-admin-password", "***"], id="windows-admin-password"),
    pytest.param(["--client-secret", "s"], ["--client-secret", "***"], id="client-secret"),
    pytest.param(["-n", "admin-password"], ["-n", "admin-password"], id="not-a-flag"),
])
def test_redact_argv(argv: list[str], expected: list[str]) -> None:
    from aksnet.cli.az.app import redact_argv

    assert redact_argv(argv) == expected


def test_debug_output_hides_admin_password(home: Path) -> None:
    import logging

    _cluster()
    records: list[str] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    grab = Grab(level=logging.DEBUG)
    logger = logging.getLogger("cli.knack.cli")
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(grab)
    try:
        r = run_cli("az", "vm", "create", "-g", "rg", "-n", "vm1", "--image", "Ubuntu2204", "--admin-password",
                    "Sup3r-Secret-Pw!", "--authentication-type", "password", "--debug", "-o", "none")
    finally:
        logger.removeHandler(grab)
        logger.setLevel(old_level)
    assert r.code == 0, r.err
    assert any("Command arguments" in m for m in records)
    assert not any("Sup3r-Secret-Pw!" in m for m in records) and "Sup3r-Secret-Pw!" not in r.err + r.out
