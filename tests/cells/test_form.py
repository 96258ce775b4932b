"""BulkForm driven headlessly: the same requests and results as bulk(), and a confirm that runs only what was shown."""

from __future__ import annotations

import ipywidgets
import pandas as pd

from encord_nb.cells import BulkForm, bulk
from encord_nb.cells._form import _table_html

from .helpers import server_state

_HASHES = ["label_hash", "data_hash"]


def _by_title(store, project_hash):
    """The server state keyed by data title (twin projects share titles, not hashes)."""
    titles = {i.data_hash: i.data_title for i in store.list_label_rows(project_hash)}
    return {titles[h]: state[:4] for h, state in server_state(store, project_hash).items()}


def test_form_sends_the_same_requests_and_gives_the_same_result_as_bulk(cells_server, make_project):
    # Given two identical projects
    twin_a, twin_b = make_project(rows=12, seed=3), make_project(rows=12, seed=3)
    # When bulk() sets priorities on one
    cells_server.app.reset_request_counts()
    expected = bulk(twin_a, "priority", where={"stage": "Annotate", "title": "synthetic-00000*"}, priority=0.8,
                    bundle_size=4, dry_run=False, progress=False)
    bulk_requests = cells_server.app.request_counts()
    # And the form, filled in the same way, previews and is confirmed on the other
    cells_server.app.reset_request_counts()
    form = BulkForm(twin_b)
    form.stage.value = "Annotate"
    form.title.value = "synthetic-00000*"
    form.action.value = "priority"
    form.priority.value = 0.8
    form.bundle_size.value = 4
    form.preview_button.click()
    assert form.preview.changes == 10 and not form.confirm_button.disabled
    form.confirm_button.click()
    # Then the server saw the same requests, the result tables agree row for row, and so do the projects
    assert cells_server.app.request_counts() == bulk_requests
    assert bulk_requests["v2 set_priorities"] == 3
    pd.testing.assert_frame_equal(
        pd.DataFrame(form.result).drop(columns=_HASHES), pd.DataFrame(expected).drop(columns=_HASHES)
    )
    assert _by_title(cells_server.store, twin_b.project_hash) == _by_title(cells_server.store, twin_a.project_hash)
    assert form.progress.value == form.progress.max == 10
    assert "10 done" in form.status_line.text
    assert "synthetic-000009.png" in form.result_table.value


def test_form_runs_a_named_transform_and_writes_the_log(cells_server, make_project, tmp_path):
    project = make_project(rows=4, seed=7)

    def drop_all_eyes(row):
        for instance in row.get_object_instances():
            if instance.ontology_item.name == "Eye":
                row.remove_object(instance)

    form = BulkForm(project, transforms={"drop eyes": drop_all_eyes}, log_dir=tmp_path)
    form.action.value = "transform"
    assert form.transform in form._params.children
    form.preview_button.click()
    assert set(form.preview.plan) == {"change"}
    assert all(name.startswith("Eye (") for names in form.preview.removed for name in names)
    form.confirm_button.click()
    assert form.result.counts() == {"done": 4}
    assert form.result.log.path.parent == tmp_path and len(form.result.log.path.read_text().splitlines()) == 4


def test_changing_the_form_after_a_preview_blocks_the_confirm(cells_server, make_project):
    project = make_project(rows=3)
    before = server_state(cells_server.store, project.project_hash)
    form = BulkForm(project)
    form.action.value = "complete"
    form.preview_button.click()
    assert not form.confirm_button.disabled
    # When a filter changes after the preview
    form.title.value = "synthetic-000001*"
    # Then confirming is blocked until a new preview, and nothing was changed
    assert form.confirm_button.disabled and "preview again" in form.status_line.text
    assert form.run_confirmed() is None
    assert server_state(cells_server.store, project.project_hash) == before


def test_a_bad_form_shows_the_error_instead_of_raising(make_project):
    project = make_project(rows=2)
    form = BulkForm(project)
    form.action.value = "assign"
    form.assignee.value = "not an email"
    form.preview_button.click()
    assert form.preview is None and form.confirm_button.disabled
    assert "UsageError" in form.status_line.text and "email" in form.status_line.text
    form.action.value = "transform"
    form.preview_button.click()
    assert "no transforms to offer" in form.status_line.text


def test_explorer_selection_limits_the_form(make_project):
    project = make_project(rows=5)
    rows = project.list_label_rows_v2()
    picked = pd.DataFrame({"label_hash": [rows[0].label_hash, rows[3].label_hash], "data_title": ["a", "b"]})
    form = BulkForm(project, selection=picked)
    form.action.value = "release"
    form.preview_button.click()
    assert sorted(form.preview.label_hash) == sorted([rows[0].label_hash, rows[3].label_hash])
    assert form.confirm_button.disabled  # nothing assigned, so nothing to release
    assert isinstance(form.progress, ipywidgets.IntProgress)


def test_tables_escape_user_text():
    html = _table_html(pd.DataFrame({"data_title": ["<img src=x onerror=alert(1)>"], "reason": ["a & b"]}))
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "a &amp; b" in html
