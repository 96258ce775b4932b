"""``explore(x)`` picks the explorer for what it is given; ``show(row, frame)`` draws one static picture.

What ``x`` is gets decided by the methods it has, not by its class, so the official SDK's
``EncordUserClient``, ``Project`` and ``LabelRowV2`` open just like this package's (the SDK is never
imported here): both expose the same listing methods and metadata properties, which is all the
explorers read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
from PIL import Image

from encord_nb.exceptions import UsageError
from encord_nb.render import PillowPainter

from ._frame_explorer import FrameExplorer
from ._frame_source import RowFrames
from ._label_rows import LabelRowsExplorer
from ._projects import ProjectsExplorer

#: Widest picture :func:`show` returns (pixels); larger frames are scaled down before overlays are drawn.
SHOW_MAX_WIDTH = 1024


def is_label_row(x: Any) -> bool:
    """Whether ``x`` looks like a ``LabelRowV2`` (ours or the SDK's)."""
    return hasattr(x, "initialise_labels") and hasattr(x, "data_hash")


def is_project(x: Any) -> bool:
    """Whether ``x`` looks like a ``Project`` (ours or the SDK's)."""
    return hasattr(x, "list_label_rows_v2") and hasattr(x, "project_hash")


def is_client(x: Any) -> bool:
    """Whether ``x`` looks like an ``EncordUserClient`` (ours or the SDK's)."""
    return hasattr(x, "list_projects") and hasattr(x, "get_project")


def explore(x: Any, **options: Any) -> widgets.Widget:
    """Open ``x`` in the explorer that fits it.

    - a client: a :class:`ProjectsExplorer`;
    - a project: a :class:`LabelRowsExplorer`;
    - a label row, or a list of them: a :class:`FrameExplorer` (stepping through the list).

    Keyword ``options`` go to the explorer's constructor (e.g. ``page_size=50``, ``frame=3``).

    Raises:
        UsageError: ``x`` is none of these.

    Example:
        >>> explorer = explore(client.get_project(project_hash))   # doctest: +SKIP
        >>> type(explorer).__name__                                 # doctest: +SKIP
        'LabelRowsExplorer'
    """
    if is_label_row(x):
        return FrameExplorer(x, **options)
    if is_project(x):
        return LabelRowsExplorer(x, **options)
    if is_client(x):
        return ProjectsExplorer(x, **options)
    if isinstance(x, Sequence) and not isinstance(x, (str, bytes)) and x and all(map(is_label_row, x)):
        return FrameExplorer(rows=list(x), **options)
    raise UsageError(
        f"explore() opens a client, a project, a label row or a list of label rows; got {type(x).__name__}. "
        "Get one with encord_nb.connect(), client.get_project(hash) or project.list_label_rows_v2()."
    )


def show(label_row: Any, frame: int = 0, *, max_width: int = SHOW_MAX_WIDTH, **style: Any) -> Image.Image:
    """One frame of a label row with its labels drawn over it, as a PIL image.

    The notebook stores it as a PNG, so the picture stays visible wherever the notebook is read
    (GitHub, nbviewer, a PDF export), without a kernel or widgets. Keyword ``style`` options go to
    the painter (e.g. ``fill_opacity=0``).

    Raises:
        UsageError: ``label_row`` is not a label row, or ``frame`` is outside its frames.

    Example:
        >>> picture = show(project.list_label_rows_v2()[0], frame=0)   # doctest: +SKIP
        >>> picture.size                                                # doctest: +SKIP
        (451, 300)
    """
    if not is_label_row(label_row):
        raise UsageError(f"show() draws a label row; got {type(label_row).__name__}")
    frames = RowFrames(label_row)
    if not 0 <= frame < frames.frame_count:
        raise UsageError(
            f"{frames.title!r} has frames 0..{frames.frame_count - 1}; frame {frame} is not one of them"
        )
    picture = frames.image(frame)
    if picture.width > max_width:
        picture = picture.resize((max_width, round(picture.height * max_width / picture.width)),
                                 Image.Resampling.LANCZOS)
    return PillowPainter(**style).draw(picture, frames.annotations(frame))
