"""``encord_nb.connect``: the Encord platform with a key, else the embedded demo server, started once."""

from __future__ import annotations

import threading

import pytest

import encord_nb
from encord_nb.client import EncordUserClient
from encord_nb.exceptions import UsageError

DEMO_TITLES = ["Demo: manual QA", "Demo: visual QA"]


def server_threads() -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t.name.startswith("encord-nb-server:"))


@pytest.fixture()
def no_key(monkeypatch, tmp_path):
    """No key in the environment, and the default demo workspace under a temporary home."""
    monkeypatch.delenv("ENCORD_SSH_KEY_FILE", raising=False)
    monkeypatch.delenv("ENCORD_SSH_KEY", raising=False)
    monkeypatch.setenv("ENCORD_NB_HOME", str(tmp_path / "home"))
    yield tmp_path / "home"
    running = encord_nb._demo_running  # white box: stop what this test started
    if running is not None:
        running.stop()
        encord_nb._demo_running = None


def titles(client) -> list[str]:
    return sorted(p.title for p in client.list_projects())


def test_without_a_key_it_serves_the_demo_once_and_says_so(no_key, capsys):
    # Given no key anywhere, when connect() runs
    before = server_threads()
    first = connect_and_read(capsys)

    # Then it is our client on a loopback demo server, and one line says so
    assert isinstance(first.client, EncordUserClient)
    running = encord_nb.demo_server()
    assert first.printed == f"Connected to the embedded demo server at {running.domain} (demo workspace, no account needed)."
    assert running.domain.startswith("http://127.0.0.1:") and running.workspace == (no_key / "demo").resolve()
    assert titles(first.client) == DEMO_TITLES
    assert len(server_threads()) == len(before) + 1

    # When the cell runs again, then the same server answers and no second one starts
    again = connect_and_read(capsys)
    assert again.printed == first.printed and encord_nb.demo_server() is running
    assert len(server_threads()) == len(before) + 1
    assert titles(again.client) == DEMO_TITLES


class _Connected:
    def __init__(self, client, printed: str):
        self.client, self.printed = client, printed


def connect_and_read(capsys, *args, **kwargs) -> _Connected:
    client = encord_nb.connect(*args, **kwargs)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    return _Connected(client, out.strip())


def test_a_key_file_in_the_environment_means_the_platform(no_key, monkeypatch, capsys, demo_server, demo_workspace):
    # Given ENCORD_SSH_KEY_FILE (the demo key, so the "platform" here is a loopback server)
    monkeypatch.setenv("ENCORD_SSH_KEY_FILE", str(demo_workspace.key_path))
    before = server_threads()

    # When connect() runs with that domain, then it signs in there, says so, and starts no demo server
    connected = connect_and_read(capsys, domain=demo_server.domain)
    assert connected.printed == f"Connected to Encord at {demo_server.domain}."
    assert titles(connected.client) == DEMO_TITLES
    assert server_threads() == before and encord_nb._demo_running is None
    assert "PRIVATE KEY" not in connected.printed


def test_key_text_in_the_environment_or_given_as_text_or_path(no_key, monkeypatch, capsys, demo_server, demo_workspace):
    key_text = demo_workspace.key_path.read_text()
    monkeypatch.setenv("ENCORD_SSH_KEY", key_text)
    assert titles(connect_and_read(capsys, domain=demo_server.domain).client) == DEMO_TITLES
    monkeypatch.delenv("ENCORD_SSH_KEY")
    assert titles(connect_and_read(capsys, key_text, domain=demo_server.domain).client) == DEMO_TITLES
    assert titles(connect_and_read(capsys, demo_workspace.key_path, domain=demo_server.domain).client) == DEMO_TITLES
    assert titles(connect_and_read(capsys, str(demo_workspace.key_path), domain=demo_server.domain).client) == DEMO_TITLES
    assert encord_nb._demo_running is None


def test_a_key_file_variable_naming_no_file_is_a_usage_error(no_key, monkeypatch, tmp_path):
    monkeypatch.setenv("ENCORD_SSH_KEY_FILE", str(tmp_path / "missing_key"))
    with pytest.raises(UsageError, match="ENCORD_SSH_KEY_FILE names .*missing_key.*, which is not a file"):
        encord_nb.connect()


def test_a_named_workspace_gets_its_own_demo_server(no_key, tmp_path, capsys):
    first = connect_and_read(capsys, workspace=tmp_path / "one")
    assert encord_nb.demo_server(tmp_path / "one").workspace == (tmp_path / "one").resolve()
    assert titles(first.client) == DEMO_TITLES
