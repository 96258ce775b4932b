"""The action log on disk and progress reporting without a notebook."""

from __future__ import annotations

import ipywidgets
import pytest

from encord_nb.cells import ActionLog
from encord_nb.cells._log import describe_params
from encord_nb.cells._progress import Progress
from encord_nb.exceptions import UsageError


def test_log_writes_through_and_reads_back(tmp_path):
    # Given a new log in a folder that does not exist yet
    log = ActionLog.create(tmp_path / "logs", "priority")
    # When records are appended, then they are on disk at once and read back equal
    log.append([{"action": "priority", "label_hash": "L1", "before": {"priority": 0.5}, "after": {"priority": 0.9}}])
    again = ActionLog.read(log.path)
    assert log.path.suffix == ".jsonl" and log.path.parent == tmp_path / "logs"
    assert [r["before"] for r in again] == [{"priority": 0.5}]
    assert again.records[0]["at"]


def test_log_refuses_a_file_as_folder_and_bad_lines(tmp_path):
    file = tmp_path / "not-a-folder"
    file.write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        ActionLog.create(file, "complete")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"action": "complete", "label_hash": "L"}\nnot json\n')
    with pytest.raises(UsageError, match="line 2"):
        ActionLog.read(bad)


def test_functions_are_logged_by_name_only():
    def drop_low_boxes(row):
        return row

    assert describe_params({"fn": drop_low_boxes, "priority": 0.5}) == {
        "fn": "<function test_functions_are_logged_by_name_only.<locals>.drop_low_boxes>",
        "priority": 0.5,
    }


def test_progress_reports_to_a_callback_and_a_bar():
    seen = []
    meter = Progress(lambda done, total: seen.append((done, total)), total=5)
    meter.advance(3)
    meter.advance(3)
    assert seen == [(0, 5), (3, 5), (5, 5)]
    bar = ipywidgets.IntProgress()
    Progress(bar, total=4).advance(2)
    assert (bar.value, bar.max) == (2, 4)


def test_progress_is_silent_outside_a_kernel():
    # Given no Jupyter kernel, when progress is left to choose, then it counts but shows no bar
    meter = Progress(None, total=3)
    meter.advance(3)
    assert (meter.done, meter._bar, meter._callback) == (3, None, None)


def test_progress_shows_a_bar_in_a_kernel(monkeypatch):
    # Given a Jupyter kernel (a shell with a kernel), when progress is left to choose
    import IPython
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: type("Shell", (), {"kernel": object()})())
    monkeypatch.setattr(IPython.display, "display", shown.append)
    meter = Progress(None, total=4, description="complete")
    meter.advance(3)
    # Then an IntProgress bar was displayed and follows the count
    assert len(shown) == 1 and isinstance(shown[0], ipywidgets.IntProgress)
    assert (shown[0].value, shown[0].max, shown[0].description) == (3, 4, "complete")
