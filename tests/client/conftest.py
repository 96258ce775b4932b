"""Client test fixtures: the demo workspace, a running embedded server that records what it receives,
and two clients signed in to it: ours and the official SDK.

The recorder wraps the server's WSGI app (no server code changes): each API request is kept as a
:class:`Received` (method, path, v1 query type and method, v1 uid and payload or v2 query and JSON body).
"""

from __future__ import annotations

import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

from encord_nb.client import EncordUserClient, RequestsSettings
from encord_nb.demo import build_demo
from encord_nb.server import serve
from client_helpers import Recorder

#: Retries without waiting, so tests of failures stay fast.
FAST_SETTINGS = RequestsSettings(backoff_factor=0.0, max_backoff=0.05)


@dataclass(frozen=True)
class Demo:
    path: Path
    key_path: Path
    projects: dict[str, str]

    @property
    def visual_qa(self) -> str:
        return next(h for t, h in self.projects.items() if "visual" in t.lower())

    @property
    def manual_qa(self) -> str:
        return next(h for t, h in self.projects.items() if "manual" in t.lower())


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Demo:
    """The demo workspace, built once per session; tests use copies."""
    built = build_demo(tmp_path_factory.mktemp("demo-template"))
    return Demo(built.path, built.key_path, dict(built.projects))


@pytest.fixture()
def demo(demo_template, tmp_path) -> Demo:
    """A private copy of the demo workspace that a test may change."""
    target = tmp_path / "demo"
    shutil.copytree(demo_template.path, target)
    return Demo(target, target / demo_template.key_path.name, demo_template.projects)


@pytest.fixture()
def server(demo):
    """The embedded server over the private demo copy, with a recorder on its app."""
    with serve(demo.path) as running:
        recorder = Recorder(running._httpd.app)
        running._httpd.app = recorder
        running.recorder = recorder
        yield running


@pytest.fixture()
def recorder(server) -> Recorder:
    return server.recorder


@pytest.fixture()
def ours(server, demo) -> EncordUserClient:
    """Our client, signed in with the demo key."""
    return EncordUserClient.create_with_ssh_private_key(
        ssh_private_key_path=demo.key_path, domain=server.domain, requests_settings=FAST_SETTINGS
    )


@pytest.fixture()
def sdk_server(demo_template, tmp_path):
    """A second server over a second, identical copy of the demo, for the SDK's side of a comparison."""
    target = tmp_path / "demo-sdk"
    shutil.copytree(demo_template.path, target)
    with serve(target) as running:
        recorder = Recorder(running._httpd.app)
        running._httpd.app = recorder
        running.recorder = recorder
        running.demo = Demo(target, target / demo_template.key_path.name, demo_template.projects)
        yield running


def _sdk_client(sdk_client_class, key_path: Path, domain: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sdk_client_class.create_with_ssh_private_key(ssh_private_key_path=str(key_path), domain=domain)


@pytest.fixture()
def sdk(sdk_server, sdk_client_class):
    """The official SDK's client on its own server copy (compare ``sdk_server.recorder`` with ``recorder``)."""
    return _sdk_client(sdk_client_class, sdk_server.demo.key_path, sdk_server.domain)


@pytest.fixture()
def sdk_here(server, demo, sdk_client_class):
    """The official SDK's client on the same server as ``ours`` (to read back what ours saved)."""
    return _sdk_client(sdk_client_class, demo.key_path, server.domain)


@pytest.fixture(scope="session")
def shared_server(demo_template, tmp_path_factory):
    """One server over a copy of the demo for tests that only read."""
    target = tmp_path_factory.mktemp("demo-read-only") / "demo"
    shutil.copytree(demo_template.path, target)
    with serve(target) as running:
        yield running, Demo(target, target / demo_template.key_path.name, demo_template.projects)


@pytest.fixture(scope="session")
def reader(shared_server) -> EncordUserClient:
    """Our client on the shared read-only server."""
    running, demo = shared_server
    return EncordUserClient.create_with_ssh_private_key(
        ssh_private_key_path=demo.key_path, domain=running.domain, requests_settings=FAST_SETTINGS
    )
