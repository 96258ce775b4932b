"""The runner: background serving, re-runs, context manager, key registration, command line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from workspace_fixture import PROJECT

from encord_nb.exceptions import UsageError
from encord_nb.protocol import generate_private_key, private_key_to_openssh
from encord_nb.server import HEALTH_PATH, register_key, serve, set_default_workspace_builder

ROOT = Path(__file__).resolve().parents[2]


def _alive(domain: str) -> bool:
    try:
        return requests.get(domain + HEALTH_PATH, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def test_rerun_stops_the_previous_server_of_the_workspace(workspace_copy):
    first = serve(workspace_copy.path)
    second = serve(workspace_copy.path)
    try:
        assert not first.running and not _alive(first.domain)
        assert second.running and _alive(second.domain)
    finally:
        second.stop()
    assert not _alive(second.domain)


def test_context_manager_and_no_proxy(workspace_copy, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "example.org")
    with serve(workspace_copy.path) as server:
        assert server.domain.startswith("http://127.0.0.1:")
        assert "127.0.0.1" in os.environ["NO_PROXY"].split(",") and "example.org" in os.environ["NO_PROXY"]
        assert _alive(server.domain)
    assert not _alive(server.domain)


def test_default_workspace_comes_from_the_registered_builder(workspace_copy):
    set_default_workspace_builder(lambda: workspace_copy.path)
    try:
        with serve() as server:
            assert server.workspace == workspace_copy.path.resolve()
    finally:
        set_default_workspace_builder(None)
    with pytest.raises(UsageError, match="workspace"):
        serve()


def test_registered_key_signs_in_with_the_sdk(workspace_copy, tmp_path, sdk_client_class):
    # Given a new user's key registered from its .pub file, when the SDK signs in with it, then it works.
    key = generate_private_key()
    pub = tmp_path / "new.pub"
    pub.write_text(key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode() + " new@host\n")
    with serve(workspace_copy.path) as server:
        stranger = sdk_client_class.create_with_ssh_private_key(private_key_to_openssh(key), domain=server.domain)
        from encord.exceptions import AuthenticationError

        with pytest.raises(AuthenticationError):
            stranger.get_project(PROJECT)
        server.register_key(pub, "new@example.com")
        assert stranger.get_project(PROJECT).title == "Fixture workflow project"
    assert register_key(workspace_copy.path, pub, "new@example.com").email == "new@example.com"


def test_command_line_serves_and_registers_keys(workspace_copy, tmp_path, sdk_client_class):
    key = generate_private_key()
    pub = tmp_path / "cli.pub"
    pub.write_text(key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    added = subprocess.run(
        [sys.executable, "-m", "encord_nb.server", "--workspace", str(workspace_copy.path), "--add-key", str(pub),
         "--email", "cli@example.com"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert added.returncode == 0, added.stderr
    process = subprocess.Popen(
        [sys.executable, "-m", "encord_nb.server", "--workspace", str(workspace_copy.path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("Encord-compatible server: http://127.0.0.1:"), line
        domain = line.split(": ", 1)[1].strip()
        user = sdk_client_class.create_with_ssh_private_key(private_key_to_openssh(key), domain=domain)
        assert user.get_project(PROJECT).title == "Fixture workflow project"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "sig=" not in err  # the access log never shows a signed URL's query


def test_command_line_without_workspace_serves_the_demo(tmp_path, sdk_client_class):
    # Given no workspace, when the command runs, then it builds the demo and prints the domain and the demo key.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ENCORD_NB_HOME": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "encord_nb.server"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        domain = lines[0].split(": ", 1)[1].strip()
        key_path = Path(lines[2].split(": ", 1)[1].strip())
        assert lines[2].startswith("demo key: ") and key_path.is_relative_to(tmp_path)
        user = sdk_client_class.create_with_ssh_private_key(key_path.read_text(), domain=domain)
        assert list(user.list_projects())
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    assert process.returncode == 0
