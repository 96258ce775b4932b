"""Helpers every explorer shares: escaping, the status line, user callbacks, static snapshots.

- :func:`escape` is the one way user text (titles, names, comments, attribute values) reaches an HTML widget.
- :func:`redact` strips what must never be shown (signed-URL query strings, key material) from messages.
- :class:`StatusLine` confirms every action in one line and keeps a record of them.
- :class:`Callbacks` holds the ``on_<event>(callback, remove=False)`` registrations; a failing user callback
  is reported in the widget's status line and never stops the widget.
- :class:`SnapshotMixin` puts a PNG and HTML picture beside the live widget in its output, so a saved
  notebook shows something on GitHub and nbviewer.
"""

from __future__ import annotations

import base64
import html
import re
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import ipywidgets as widgets

#: Status lines keep this many past actions (the rest is dropped, oldest first).
STATUS_HISTORY_LIMIT = 200
#: Longest message a status line shows before cutting it (the record keeps it whole).
STATUS_MAX_CHARS = 300
#: CSS class prefix of every element browser tests look for.
CSS_PREFIX = "encord-nb-"

_URL_QUERY = re.compile(r"(https?://[^\s?#'\"<>]+)\?[^\s'\"<>]*")
_KEY_BLOCK = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S)
_AUTHORIZATION = re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)(?:bearer\s+)?[^\s,'\"]+")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s,'\"]+")
_SIGNATURE_PARAM = re.compile(r"(?i)\b(signature|sig|token|key|expires)=([^&\s'\"]+)")


def escape(text: Any) -> str:
    """``text`` as safe HTML: ``None`` is empty, everything else is converted to ``str`` and escaped.

    Example:
        >>> escape("<img src=x onerror=alert(1)>")
        '&lt;img src=x onerror=alert(1)&gt;'
    """
    return "" if text is None else html.escape(str(text), quote=True)


def redact(text: Any) -> str:
    """``text`` without signed-URL query strings, bearer tokens or private keys (for messages shown to users).

    Example:
        >>> redact("GET https://h/media/a.png?expires=1&signature=abc failed")
        'GET https://h/media/a.png?… failed'
    """
    out = _KEY_BLOCK.sub("[private key]", str(text))
    out = _URL_QUERY.sub(r"\1?…", out)
    out = _AUTHORIZATION.sub(r"\1[redacted]", out)
    out = _BEARER.sub(r"\1[redacted]", out)
    return _SIGNATURE_PARAM.sub(r"\1=[redacted]", out)


def css(name: str) -> str:
    """The CSS class of an element named ``name`` (``css("frame-image") == "encord-nb-frame-image"``)."""
    return CSS_PREFIX + name


def describe_error(error: BaseException) -> str:
    """One redacted line naming an exception: its type and message."""
    message = redact(str(error)).strip() or "(no message)"
    return f"{type(error).__name__}: {message}"


@dataclass(frozen=True)
class StatusEntry:
    """One recorded status line: when, how it went (``"info"``, ``"ok"``, ``"error"``) and what was said."""

    time: float
    level: str
    message: str


_LEVEL_COLOURS = {"info": "#555", "ok": "#1a7f37", "error": "#cf222e"}


class StatusLine(widgets.HTML):
    """A one-line HTML status that confirms actions and reports failures, with a record of past lines.

    Messages are redacted and escaped before they are shown.

    Example:
        >>> status = StatusLine()
        >>> status.ok("Approved <b>cat</b>")
        >>> status.history[-1].message, "&lt;b&gt;" in status.value
        ('Approved <b>cat</b>', True)
    """

    def __init__(self, name: str = "status", **kwargs):
        super().__init__(**kwargs)
        self.history: list[StatusEntry] = []
        self.add_class(css(name))

    def _say(self, level: str, message: str) -> None:
        message = redact(message)
        self.history.append(StatusEntry(time.time(), level, message))
        del self.history[:-STATUS_HISTORY_LIMIT]
        shown = message if len(message) <= STATUS_MAX_CHARS else message[: STATUS_MAX_CHARS - 1] + "…"
        self.value = (
            f'<span class="{css("status-" + level)}" style="color:{_LEVEL_COLOURS[level]}">{escape(shown)}</span>'
        )

    def info(self, message: str) -> None:
        """Show a neutral message."""
        self._say("info", message)

    def ok(self, message: str) -> None:
        """Show that an action succeeded."""
        self._say("ok", message)

    def error(self, message: str) -> None:
        """Show that something failed."""
        self._say("error", message)

    def failure(self, action: str, error: BaseException) -> None:
        """Show that ``action`` failed with ``error`` (type and redacted message)."""
        self.error(f"{action} failed: {describe_error(error)}")

    @property
    def text(self) -> str:
        """The last message, unescaped (empty before the first)."""
        return self.history[-1].message if self.history else ""


@dataclass
class Callbacks:
    """User callbacks of one event; a callback that raises is reported on ``status`` and the others still run.

    Example:
        >>> seen = []
        >>> clicks = Callbacks("click")
        >>> clicks.register(seen.append)
        >>> clicks.register(lambda value: 1 / 0)
        >>> clicks.fire(3)
        >>> seen, clicks.errors[-1].splitlines()[0]
        ([3], 'on_click callback <lambda> raised ZeroDivisionError: division by zero')
    """

    event: str
    status: StatusLine | None = None
    callbacks: list[Callable[..., Any]] = field(default_factory=list)
    #: Tracebacks of failed callbacks, newest last (for the user to read; the widget keeps working).
    errors: list[str] = field(default_factory=list)

    def register(self, callback: Callable[..., Any], remove: bool = False) -> None:
        """Add ``callback`` (or take it away with ``remove=True``; removing an unknown one is a no-op)."""
        if remove:
            self.callbacks = [c for c in self.callbacks if c != callback]
        elif callback not in self.callbacks:
            self.callbacks.append(callback)

    def fire(self, *args: Any) -> None:
        """Call every callback with ``args``; failures are recorded and shown, never raised."""
        for callback in list(self.callbacks):
            try:
                callback(*args)
            except Exception as error:  # a user's bug must not take the widget down
                name = getattr(callback, "__name__", type(callback).__name__)
                line = f"on_{self.event} callback {name} raised {describe_error(error)}"
                self.errors.append(line + "\n" + redact(traceback.format_exc()))
                del self.errors[:-STATUS_HISTORY_LIMIT]
                if self.status is not None:
                    self.status.error(line)


def run_action(status: StatusLine, action: str, work: Callable[[], Any], done: str | None = None) -> Any:
    """Run ``work``; confirm ``done`` (or ``action``) on ``status``, or show the failure and return ``None``.

    Example:
        >>> status = StatusLine()
        >>> run_action(status, "Divide", lambda: 1 / 0) is None, status.text
        (True, 'Divide failed: ZeroDivisionError: division by zero')
    """
    try:
        result = work()
    except Exception as error:  # failures are shown in the widget, not raised into the event loop
        status.failure(action, error)
        return None
    status.ok(done or action)
    return result


def png_data_uri(png: bytes) -> str:
    """A ``data:`` URI of PNG bytes (for the static HTML fallback)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def snapshot_html(png: bytes | None, caption: str = "") -> str:
    """A self-contained HTML picture with an escaped caption: what a saved notebook shows without a kernel."""
    picture = f'<img src="{png_data_uri(png)}" style="max-width:100%"/>' if png else ""
    text = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="{css("snapshot")}" style="margin:0">{picture}{text}</figure>'


class SnapshotMixin:
    """Adds a static PNG and HTML snapshot to a widget's display data.

    Live frontends render the widget view; GitHub, nbviewer and other static renderers fall back to
    the picture. Subclasses implement :meth:`snapshot_png` and may override :meth:`snapshot_caption`.
    """

    def snapshot_png(self) -> bytes | None:
        """PNG bytes of what the widget shows now, or ``None`` when there is nothing to show."""
        return None

    def snapshot_caption(self) -> str:
        """A short plain-text description under the snapshot."""
        return ""

    def snapshot(self) -> dict[str, Any]:
        """The static fallback as display data: ``image/png`` (when there is a picture) and ``text/html``."""
        try:
            png = self.snapshot_png()
        except Exception:  # the live widget matters more than its static copy
            png = None
        data: dict[str, Any] = {"text/html": snapshot_html(png, self.snapshot_caption())}
        if png:
            data["image/png"] = base64.b64encode(png).decode("ascii")
        return data

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        if bundle is None:
            return None
        return {**self.snapshot(), **bundle}
