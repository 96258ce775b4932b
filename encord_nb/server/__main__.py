"""Command line of the embedded server (also installed as ``encord-nb-server``).

Run it in the foreground::

    python -m encord_nb.server [--workspace FOLDER] [--port 8765] [--media-url-ttl 3600]

Register another user's public key (works while a server is running)::

    python -m encord_nb.server --workspace FOLDER --add-key ~/.ssh/id_ed25519.pub --email me@example.com

Without ``--workspace`` the default workspace comes from ``--builder`` (``module:function``, by default the
demo builder). The builder is named by configuration and loaded at run time, so the server package never
imports the demo package.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import threading
from pathlib import Path

from encord_nb.exceptions import EncordNbError
from encord_nb.protocol import DEFAULT_MEDIA_URL_TTL_S
from encord_nb.server._runner import register_key, serve, set_default_workspace_builder

#: The builder of the default workspace, as ``module:function``.
DEFAULT_BUILDER = "encord_nb.demo:build_demo"


def _load_builder(spec: str):
    module_name, _, function = spec.partition(":")
    if not function:
        raise SystemExit(f"--builder must look like module:function, not {spec!r}")
    return getattr(importlib.import_module(module_name), function)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="encord-nb-server", description="Run the embedded Encord-compatible server.")
    parser.add_argument("--workspace", type=Path, help="workspace folder (default: built by --builder)")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--media-url-ttl", type=float, default=DEFAULT_MEDIA_URL_TTL_S, help="signed URL lifetime, s")
    parser.add_argument("--builder", default=DEFAULT_BUILDER, help="module:function building the default workspace")
    parser.add_argument("--add-key", metavar="KEY", help="register a public key (.pub file or line) and exit")
    parser.add_argument("--email", help="the user the key of --add-key belongs to")
    args = parser.parse_args(argv)
    try:
        if args.workspace is None:
            set_default_workspace_builder(_load_builder(args.builder))
        if args.add_key:
            if not args.email:
                parser.error("--add-key needs --email")
            server_workspace = args.workspace or Path(getattr(_load_builder(args.builder)(), "path"))
            key = register_key(server_workspace, args.add_key, args.email)
            print(f"registered key {key.public_key_hex[:12]}... for {key.email} in {server_workspace}", flush=True)
            return 0
        server = serve(args.workspace, args.port, media_url_ttl_s=args.media_url_ttl, access_log=True)
    except EncordNbError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Encord-compatible server: {server.domain}", flush=True)
    print(f"workspace: {server.workspace}", flush=True)
    if server.demo_key_path is not None:
        print(f"demo key: {server.demo_key_path}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
