"""The demo workspace: bundled public-domain photos, their hand-made labels, and the builder.

:func:`build_demo` writes a ready-to-serve workspace (SQLite store, media folder, demo key) into a
folder; the embedded server serves it. :func:`build_synthetic` adds a large generated project for
benchmarks. :data:`PLANTED_ERRORS` lists the labels that are wrong on purpose.

Example:
    >>> from encord_nb.demo import build_demo
    >>> ws = build_demo("/tmp/encord-demo")            # doctest: +SKIP
    >>> ws.projects["Demo: visual QA"]                 # doctest: +SKIP
"""

from ._builder import DemoWorkspace, build_demo, default_workspace_path
from ._photos import PLANTED_ERRORS, PlantedError
from ._synthetic import SyntheticProject, build_synthetic

__all__ = [
    "PLANTED_ERRORS",
    "DemoWorkspace",
    "PlantedError",
    "SyntheticProject",
    "build_demo",
    "build_synthetic",
    "default_workspace_path",
]
