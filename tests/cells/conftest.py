"""Fixtures of the helper-cell tests: a private embedded server, a client of ours, fresh synthetic projects.

Every test that changes data gets its own generated project (``make_project``), so tests never see
each other's changes; the server and workspace are shared by the module.
"""

from __future__ import annotations

import itertools

import pytest

_counter = itertools.count()


@pytest.fixture(scope="module")
def cells_server(tmp_path_factory):
    """The embedded server over a fresh demo workspace (this module's own copy)."""
    from encord_nb.demo import build_demo
    from encord_nb.server import serve

    workspace = build_demo(tmp_path_factory.mktemp("cells-workspace"))
    with serve(workspace.path) as server:
        server.demo = workspace
        yield server


@pytest.fixture(scope="module")
def user_client(cells_server):
    """Our client (``encord_nb.client.EncordUserClient``) signed in as the demo user."""
    from encord_nb.client import EncordUserClient

    key = cells_server.demo.key_path.read_text()
    return EncordUserClient.create_with_ssh_private_key(key, domain=cells_server.domain)


@pytest.fixture
def make_project(cells_server, user_client):
    """``make_project(rows=30, seed=0)``: a new generated workflow project and its client ``Project``."""
    from encord_nb.demo import build_synthetic

    def make(rows: int = 30, seed: int = 0):
        made = build_synthetic(cells_server.store, rows=rows, seed=seed, title=f"cells test project {next(_counter)}")
        return user_client.get_project(made.project_hash)

    return make
