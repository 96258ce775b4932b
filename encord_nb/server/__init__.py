"""The embedded Encord-compatible server: a werkzeug WSGI app over a SQLite workspace store.

``serve()`` runs it in a daemon thread on loopback (for notebooks and tests); ``python -m
encord_nb.server`` (or ``encord-nb-server``) runs it in the foreground. The official SDK talks to it
with ``EncordUserClient.create_with_ssh_private_key(key, domain=server.domain)``.
"""

from encord_nb.server._app import HEALTH_PATH, EncordApp, RateLimitSwitch
from encord_nb.server._runner import (
    WORKSPACE_DB_NAME,
    RunningServer,
    ensure_no_proxy_for_loopback,
    open_store,
    register_key,
    serve,
    set_default_workspace_builder,
)

__all__ = [
    "HEALTH_PATH",
    "WORKSPACE_DB_NAME",
    "EncordApp",
    "RateLimitSwitch",
    "RunningServer",
    "ensure_no_proxy_for_loopback",
    "open_store",
    "register_key",
    "serve",
    "set_default_workspace_builder",
]
