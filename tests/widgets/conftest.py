"""Widget test fixtures: a client signed in to the embedded demo server, its projects and rows.

- ``demo_client`` (session): the client on the shared, read-only demo server.
- ``visual_qa`` / ``rows_by_title``: the "Demo: visual QA" project and its main-branch rows by title
  (fresh row objects per test, so initialising them never leaks between tests).
- ``private_demo``: a server over a private copy of the demo workspace, for tests that change data
  (review actions); it yields ``(server, workspace_path, client)``.
- ``ipyevent``: builds the message dict ipyevents sends for a DOM event and delivers it to an ``Event``.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from encord_nb.server import serve

VISUAL_QA = "Demo: visual QA"
#: A title that would run script if it were ever rendered as HTML.
XSS_TITLE = "<img src=x onerror=alert(1)>"


def _client_class():
    from encord_nb.client import EncordUserClient

    return EncordUserClient


def connect(server, key_text: str):
    """Our client, signed in with the demo key, talking to ``server``."""
    return _client_class().create_with_ssh_private_key(key_text, domain=server.domain)


@pytest.fixture(scope="session")
def demo_client(demo_server, demo_key_text):
    return connect(demo_server, demo_key_text)


@pytest.fixture()
def visual_qa(demo_client, demo_workspace):
    return demo_client.get_project(demo_workspace.projects[VISUAL_QA])


@pytest.fixture()
def rows_by_title(visual_qa) -> dict[str, Any]:
    return {row.data_title: row for row in visual_qa.list_label_rows_v2()}


def add_xss_row(workspace_path) -> str:
    """Add an image titled :data:`XSS_TITLE` to the visual-QA dataset of a workspace copy; returns its data hash."""
    from encord_nb.server import open_store

    store = open_store(workspace_path)
    try:
        project = next(p for p in store.list_projects() if p.title == VISUAL_QA)
        dataset = store.list_project_datasets(project.project_hash)[0]
        data_hash = "0d0c0b0a-0000-4000-8000-00000000a11e"
        store.put_data_unit(
            data_hash,
            dataset_hash=dataset.dataset_hash,
            title=XSS_TITLE,
            data_type="IMAGE",
            media=[{"file": "images/chelsea.png", "mime_type": "image/png", "width": 451, "height": 300}],
        )
        return data_hash
    finally:
        store.close()


@pytest.fixture()
def private_demo(demo_workspace, demo_key_text, tmp_path):
    target = tmp_path / "demo"
    shutil.copytree(demo_workspace.path, target, ignore=shutil.ignore_patterns("*.lock"))
    add_xss_row(target)
    with serve(target) as server:
        yield server, target, connect(server, demo_key_text)


@pytest.fixture()
def ipyevent():
    """``ipyevent(event_widget, type, **fields)``: deliver a DOM event message the way ipyevents' comm does."""

    def deliver(event_widget, kind: str, **fields) -> dict:
        message = {"type": kind, "altKey": False, "ctrlKey": False, "shiftKey": False, "metaKey": False, **fields}
        event_widget._handle_mouse_msg(None, message, [])
        return message

    return deliver
