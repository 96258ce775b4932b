"""The shared widget helpers: escaping, redaction, the status line, user callbacks, snapshots."""

from __future__ import annotations

import doctest

import ipywidgets as widgets

from encord_nb.widgets import _common
from encord_nb.widgets._common import Callbacks, SnapshotMixin, StatusLine, escape, redact, run_action

SIGNED = "http://127.0.0.1:5000/media/images/cat.png?exp=1795467842&sig=a590554b1cfb08310ba1"


def test_docstring_examples_hold():
    assert doctest.testmod(_common, raise_on_error=False).failed == 0


def test_escape_turns_markup_into_text():
    assert escape('<img src=x onerror="alert(1)">') == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert escape(None) == "" and escape(0.5) == "0.5"


def test_redact_removes_signatures_tokens_and_keys():
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"
    text = redact(f"GET {SIGNED} failed; Authorization: Bearer abc.def.ghi; key {key}; also ?sig=zz&token=qq")
    for secret in ("1795467842", "a590554b1cfb", "abc.def.ghi", "b3BlbnNzaC1rZXktdjEAAAAA", "zz", "qq"):
        assert secret not in text
    assert "http://127.0.0.1:5000/media/images/cat.png?…" in text and "[private key]" in text


def test_status_line_escapes_redacts_and_records():
    status = StatusLine("test-status")
    status.ok(f"Fetched <b>{SIGNED}</b>")
    assert "encord-nb-test-status" in status._dom_classes
    assert "&lt;b&gt;" in status.value and "sig=" not in status.value and "sig=" not in status.text
    status.failure("Approving", RuntimeError(f"refused {SIGNED}"))
    assert [e.level for e in status.history] == ["ok", "error"]
    assert status.text.startswith("Approving failed: RuntimeError: refused http://127.0.0.1:5000/media/images/cat.png?…")


def test_callbacks_register_remove_and_survive_failures():
    status, seen = StatusLine(), []
    events = Callbacks("pick", status)

    def broken(value):
        raise KeyError(value)

    events.register(broken)
    events.register(seen.append)
    events.register(seen.append)  # registering twice calls it once
    events.fire("row-1")
    assert seen == ["row-1"]
    assert status.text == "on_pick callback broken raised KeyError: 'row-1'"
    assert "Traceback" in events.errors[-1]
    events.register(broken, remove=True)
    events.fire("row-2")
    assert seen == ["row-1", "row-2"] and len(events.errors) == 1


def test_run_action_confirms_or_shows_the_failure():
    status = StatusLine()
    assert run_action(status, "Counting", lambda: 3, "Counted 3") == 3 and status.text == "Counted 3"
    assert run_action(status, "Dividing", lambda: 1 / 0) is None
    assert status.history[-1].level == "error" and "ZeroDivisionError" in status.text


def test_snapshot_mixin_adds_png_and_escaped_html_to_the_display_data():
    class Pictured(SnapshotMixin, widgets.HTML):
        def snapshot_png(self):
            return b"\x89PNG fake"

        def snapshot_caption(self):
            return "<script>x</script>"

    class Broken(SnapshotMixin, widgets.HTML):
        def snapshot_png(self):
            raise OSError("disk full")

    bundle = Pictured()._repr_mimebundle_()
    assert {"image/png", "text/html", "text/plain", "application/vnd.jupyter.widget-view+json"} <= set(bundle)
    assert "&lt;script&gt;" in bundle["text/html"] and "<script>" not in bundle["text/html"]
    fallback = Broken()._repr_mimebundle_()
    assert "image/png" not in fallback and "application/vnd.jupyter.widget-view+json" in fallback
