"""``python -m encord_nb.demo build [--path P] [--force]`` or ``python -m encord_nb.demo show [--path P]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from encord_nb.server.store import Store

from ._builder import build_demo, default_workspace_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m encord_nb.demo", description="Build or inspect the demo workspace.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the demo workspace (skipped when up to date)")
    build.add_argument("--path", type=Path, default=None, help=f"workspace folder (default {default_workspace_path()})")
    build.add_argument("--force", action="store_true", help="rebuild even when the build is up to date")
    show = commands.add_parser("show", help="list the demo projects and their label rows")
    show.add_argument("--path", type=Path, default=None, help="workspace folder")
    args = parser.parse_args(argv)

    workspace = build_demo(args.path, force=getattr(args, "force", False))
    if args.command == "build":
        print(f"demo workspace: {workspace.path}")
        print(f"demo key:       {workspace.key_path}  (user {workspace.user_email})")
        return 0
    with Store(workspace.store_path, workspace.media_path) as store:
        for project in store.list_projects():
            print(f"{project.title}  [{project.project_type}]  {project.project_hash}")
            for info in store.list_label_rows(project.project_hash, include_all_branches=True):
                where = info.stage_title or info.annotation_task_status or "-"
                print(f"  {info.data_title:<28} {info.data_type:<9} {info.branch_name:<12} "
                      f"{info.label_status:<18} {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
