"""Server test fixtures: a fixture workspace per session, a running server over a fresh copy per module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from encord_nb.server import serve
from workspace_fixture import Workspace, build_workspace


@pytest.fixture(scope="session")
def fixture_workspace(tmp_path_factory) -> Workspace:
    """The fixture workspace, built once; copy it before writing."""
    return build_workspace(tmp_path_factory.mktemp("fixture-ws"))


@pytest.fixture()
def workspace_copy(fixture_workspace, tmp_path) -> Workspace:
    """A private copy of the fixture workspace that a test may change."""
    target = tmp_path / "ws"
    shutil.copytree(fixture_workspace.path, target)
    return Workspace(target, fixture_workspace.key, target / fixture_workspace.key_file.name)


@pytest.fixture()
def server(workspace_copy):
    """A server running over a private copy of the fixture workspace."""
    with serve(workspace_copy.path) as running:
        yield running


@pytest.fixture()
def sdk_user(server, workspace_copy, sdk_client_class):
    """The official SDK's user client, signed in with the fixture key against the running server."""
    return sdk_client_class.create_with_ssh_private_key(
        workspace_copy.key_file.read_text(), domain=server.domain
    )


@pytest.fixture(scope="module")
def readonly_sdk_user(fixture_workspace, tmp_path_factory, sdk_client_class):
    """An SDK user on a server shared by one module's read-only tests (faster than a server per test)."""
    target = tmp_path_factory.mktemp("readonly") / "ws"
    shutil.copytree(fixture_workspace.path, target)
    with serve(target) as running:
        key_text = (target / fixture_workspace.key_file.name).read_text()
        yield sdk_client_class.create_with_ssh_private_key(key_text, domain=running.domain)
