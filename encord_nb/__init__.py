"""encord_nb: browse Encord annotation projects and check labels visually in Jupyter notebooks.

Three conveniences cover a first session:

- :func:`connect` signs in to the Encord platform with your key, or, without one, to the embedded
  demo server (no account needed);
- :func:`explore` opens a client, a project or a label row in the explorer that fits it;
- :func:`show` draws one frame with its labels as a picture that renders anywhere.

Example:
    >>> import encord_nb                                         # doctest: +SKIP
    >>> client = encord_nb.connect()                             # doctest: +SKIP
    Connected to the embedded demo server at http://127.0.0.1:54321 (demo workspace, no account needed).
    >>> encord_nb.explore(client)                                # doctest: +SKIP
"""

from __future__ import annotations

import os as _os
import threading as _threading
from pathlib import Path as _Path
from typing import Any as _Any

from encord_nb._version import __version__
from encord_nb.exceptions import UsageError as _UsageError

__all__ = ["__version__", "connect", "demo_server", "explore", "show"]

#: Environment variables that name the key for the real platform (the official SDK reads the same two).
_KEY_FILE_ENV = "ENCORD_SSH_KEY_FILE"
_KEY_ENV = "ENCORD_SSH_KEY"

_LAZY = ("explore", "show")  # from encord_nb.widgets, loaded on first use: `import encord_nb.models` stays light
_demo_lock = _threading.Lock()
_demo_running: _Any = None


def demo_server(workspace: str | _os.PathLike | None = None) -> _Any:
    """The embedded demo server, started on first use (background thread, free loopback port).

    Later calls return the same server while it runs, so re-running a notebook cell never starts a
    second one. ``workspace`` is where the demo workspace is built (default:
    ``encord_nb.demo.default_workspace_path()``).
    """
    from encord_nb.demo import build_demo
    from encord_nb.server import serve

    global _demo_running
    with _demo_lock:
        wanted = None if workspace is None else _Path(workspace).expanduser().resolve()
        current = _demo_running
        if current is not None and current.running and (wanted is None or current.workspace == wanted):
            return current
        built = build_demo(wanted)
        if current is not None:
            current.stop()
        _demo_running = serve(built.path)
        return _demo_running


def _key_text(private_key: str | _os.PathLike | None) -> str | None:
    """The key's OpenSSH/PEM text, from the argument or the environment; ``None`` when there is none."""
    if private_key is not None:
        if isinstance(private_key, _os.PathLike) or (
            isinstance(private_key, str) and "PRIVATE KEY" not in private_key and _Path(private_key).expanduser().is_file()
        ):
            return _Path(private_key).expanduser().read_text()
        return str(private_key)
    key_file = _os.environ.get(_KEY_FILE_ENV)
    if key_file:
        path = _Path(key_file).expanduser()
        if not path.is_file():
            raise _UsageError(f"{_KEY_FILE_ENV} names {str(path)!r}, which is not a file: point it at your Encord key file")
        return path.read_text()
    return _os.environ.get(_KEY_ENV) or None


def connect(
    private_key: str | _os.PathLike | None = None,
    *,
    domain: str | None = None,
    workspace: str | _os.PathLike | None = None,
) -> _Any:
    """An ``EncordUserClient`` for the Encord platform, or for the embedded demo server when there is no key.

    The key comes from ``private_key`` (the key text or its file), else from ``ENCORD_SSH_KEY_FILE`` or
    ``ENCORD_SSH_KEY``. Without any, the demo workspace is built (once; later builds are reused) and
    served on a free loopback port. One printed line says which of the two it is.

    Args:
        private_key: your Encord private key, as text or as a path to its file.
        domain: the API address (default: the Encord platform; ignored for the demo).
        workspace: where to build the demo workspace (only without a key).

    Raises:
        UsageError: ``ENCORD_SSH_KEY_FILE`` names a file that does not exist.

    Example:
        >>> client = connect()                       # doctest: +SKIP
        Connected to the embedded demo server at http://127.0.0.1:54321 (demo workspace, no account needed).
        >>> [p.title for p in client.list_projects()]   # doctest: +SKIP
        ['Demo: visual QA', 'Demo: manual QA']
    """
    from encord_nb import client as _client

    key = _key_text(private_key)
    if key is not None:
        target = domain or _client.DEFAULT_DOMAIN
        user = _client.EncordUserClient.create_with_ssh_private_key(key, domain=target)
        print(f"Connected to Encord at {target}.")
        return user
    running = demo_server(workspace)
    user = _client.EncordUserClient.create_with_ssh_private_key(
        running.demo_key_path.read_text(), domain=running.domain
    )
    print(f"Connected to the embedded demo server at {running.domain} (demo workspace, no account needed).")
    return user


def __getattr__(name: str) -> _Any:
    if name in _LAZY:
        from encord_nb import widgets

        return getattr(widgets, name)
    raise AttributeError(f"module 'encord_nb' has no attribute {name!r}")
