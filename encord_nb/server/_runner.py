"""Running the embedded server: in a daemon thread for notebooks and tests, or in the foreground.

A workspace is a folder holding ``workspace.sqlite`` and a ``media/`` folder. The server never imports
the demo package: ``serve(workspace=None)`` builds the default workspace through a builder callable that
``encord_nb.demo`` (or the top-level ``encord_nb.connect``) registers with
:func:`set_default_workspace_builder`.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from encord_nb.exceptions import UsageError
from encord_nb.protocol import DEFAULT_MEDIA_URL_TTL_S, public_key_hex
from encord_nb.server._app import HEALTH_PATH, EncordApp
from encord_nb.server.store import PublicKey, Store

#: The SQLite file of a workspace folder (the media folder is ``media/`` beside it).
WORKSPACE_DB_NAME = "workspace.sqlite"
#: Workspace meta key naming the demo user's private key file (relative to the workspace).
DEMO_KEY_META = "demo_key_file"
#: Loopback only: the server is never reachable from another machine.
LOOPBACK_HOST = "127.0.0.1"
#: How long ``serve`` waits for the health probe before giving up.
STARTUP_TIMEOUT_S = 10.0
_PROBE_INTERVAL_S = 0.02
_PROBE_TIMEOUT_S = 1.0
#: A per-process token the health probe must echo, so a foreign process on the port is never taken for ours.
_PROCESS_TOKEN = secrets.token_hex(16)

_running: dict[Path, RunningServer] = {}


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log at all (notebooks and tests)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class _PathOnlyRequestHandler(WSGIRequestHandler):
    """An access log that never shows query strings (signed URLs carry their signature there)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.log("info", '"%s %s" %s', self.command, self.path.split("?", 1)[0], code)

_running_lock = threading.Lock()
_default_builder: Callable[[], Any] | None = None


def set_default_workspace_builder(builder: Callable[[], Any] | None) -> None:
    """Register the callable that builds (or finds) the default workspace.

    It returns the workspace folder, or an object with a ``path`` attribute naming it.
    """
    global _default_builder
    _default_builder = builder


def ensure_no_proxy_for_loopback() -> None:
    """Add the loopback names to ``NO_PROXY``/``no_proxy`` so proxies never swallow local calls."""
    for name in ("NO_PROXY", "no_proxy"):
        entries = [e.strip() for e in os.environ.get(name, "").split(",") if e.strip()]
        missing = [h for h in (LOOPBACK_HOST, "localhost") if h not in entries]
        if missing:
            os.environ[name] = ",".join(entries + missing)


def open_store(workspace: str | os.PathLike) -> Store:
    """The store of a workspace folder (created empty when missing)."""
    folder = Path(workspace)
    return Store(folder / WORKSPACE_DB_NAME, media_dir=folder / "media")


def _resolve_workspace(workspace: str | os.PathLike | None) -> Path:
    if workspace is not None:
        return Path(workspace).expanduser().resolve()
    if _default_builder is None:
        raise UsageError(
            "No workspace given and no default workspace builder registered: pass serve(workspace=<folder>), "
            "or use encord_nb.demo / encord_nb.connect(), which build the demo workspace."
        )
    built = _default_builder()
    # A builder returns the folder, or a workspace description with a ``path`` (as encord_nb.demo does).
    return Path(getattr(built, "path", built)).expanduser().resolve()


class RunningServer:
    """A server running in a daemon thread on loopback; a context manager that stops it on exit.

    Attributes:
        domain: the URL to pass to ``EncordUserClient.create_with_ssh_private_key(..., domain=...)``.
        port: the TCP port.
        workspace: the workspace folder.
        app: the WSGI application (rate-limit switch, request counts).
        store: the workspace store.

    Example:
        >>> with serve("/tmp/ws") as server:                                  # doctest: +SKIP
        ...     client = EncordUserClient.create_with_ssh_private_key(key, domain=server.domain)
    """

    def __init__(self, workspace: Path, store: Store, app: EncordApp, httpd: BaseWSGIServer):
        self.workspace = workspace
        self.store = store
        self.app = app
        self._httpd = httpd
        self.port: int = httpd.server_port
        self.domain = f"http://{LOOPBACK_HOST}:{self.port}"
        self._thread = threading.Thread(target=httpd.serve_forever, name=f"encord-nb-server:{self.port}", daemon=True)
        self._stopped = False

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "running"
        return f"RunningServer({self.domain!r}, workspace={str(self.workspace)!r}, {state})"

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return not self._stopped

    @property
    def demo_key_path(self) -> Path | None:
        """The demo user's private key file, when the workspace has one."""
        name = self.store.get_meta(DEMO_KEY_META)
        return None if name is None else self.workspace / name

    def register_key(self, public_key: Any, email: str, *, title: str = "") -> PublicKey:
        """Let a user sign in with an Ed25519 public key (a ``.pub`` line, key id hex or key object)."""
        return register_key(self.workspace, public_key, email, title=title, store=self.store)

    def stop(self) -> None:
        """Stop serving and close the store; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=STARTUP_TIMEOUT_S)
        self.store.close()
        with _running_lock:
            if _running.get(self.workspace) is self:
                del _running[self.workspace]

    def _start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while time.monotonic() < deadline:
            try:
                with opener.open(self.domain + HEALTH_PATH, timeout=_PROBE_TIMEOUT_S) as reply:
                    if reply.read().decode() == self.app.health_token:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(_PROBE_INTERVAL_S)
        self.stop()
        raise UsageError(f"The embedded server on port {self.port} did not answer its health probe in time.")


def serve(
    workspace: str | os.PathLike | None = None,
    port: int = 0,
    *,
    media_url_ttl_s: float = DEFAULT_MEDIA_URL_TTL_S,
    access_log: bool = False,
) -> RunningServer:
    """Start the embedded Encord-compatible server in a daemon thread on 127.0.0.1.

    Re-running a notebook cell is safe: a server already running for the same workspace is stopped first.

    Args:
        workspace: the workspace folder; None for the default (demo) workspace.
        port: the TCP port; 0 picks a free one.
        media_url_ttl_s: lifetime of the signed media URLs the server hands out (default one hour).
        access_log: log each request's method, path (never the query string) and status.

    Returns:
        The running server (also a context manager).

    Example:
        >>> server = serve("/tmp/ws")                                       # doctest: +SKIP
        >>> server.domain                                                   # doctest: +SKIP
        'http://127.0.0.1:54321'
    """
    folder = _resolve_workspace(workspace)
    ensure_no_proxy_for_loopback()
    with _running_lock:
        previous = _running.pop(folder, None)
    if previous is not None:
        previous.stop()
    store = open_store(folder)
    app = EncordApp(store, store.media_dir, media_url_ttl_s=media_url_ttl_s, health_token=_PROCESS_TOKEN)
    handler = _PathOnlyRequestHandler if access_log else _QuietRequestHandler
    httpd = make_server(LOOPBACK_HOST, port, app, threaded=True, request_handler=handler)
    httpd.daemon_threads = True
    server = RunningServer(folder, store, app, httpd)
    server._start()
    with _running_lock:
        _running[folder] = server
    return server


def register_key(
    workspace: str | os.PathLike,
    public_key: Any,
    email: str,
    *,
    title: str = "",
    store: Store | None = None,
) -> PublicKey:
    """Register a user's Ed25519 public key in a workspace (the user is created if new).

    Args:
        workspace: the workspace folder.
        public_key: an ``ssh-ed25519 AAAA...`` line, the path of a ``.pub`` file, a key id (64 hex) or a key.
        email: the user's email.
        title: a label for the key.

    Example:
        >>> register_key("/tmp/ws", Path("~/.ssh/id_ed25519.pub").expanduser(), "me@example.com")  # doctest: +SKIP
    """
    if isinstance(public_key, os.PathLike) or (isinstance(public_key, str) and Path(public_key).expanduser().is_file()):
        public_key = Path(public_key).expanduser().read_text()
    key_id = public_key_hex(public_key)
    own = store is None
    store = store or open_store(workspace)
    try:
        store.add_user(email)
        return store.add_public_key(email, key_id, title=title)
    finally:
        if own:
            store.close()
