"""The explorers: projects, label rows, frames, the object gallery and the review panel.

Thin compositions of stock ipywidgets whose state lives in traits (code can drive and ``observe`` them
like a user would). Every explorer's output also carries a static PNG/HTML snapshot, so a saved
notebook shows a picture where no kernel runs.

- :func:`explore` opens a client, a project or a label row in the explorer that fits it.
- :func:`show` draws one frame with its labels as a plain picture.
"""

from ._explore import explore, show
from ._frame_explorer import FrameExplorer
from ._gallery import ObjectGallery
from ._label_rows import LabelRowsExplorer
from ._projects import ProjectsExplorer
from ._review import ReviewPanel
from ._table import PagedTable

__all__: list[str] = [
    "FrameExplorer",
    "LabelRowsExplorer",
    "ObjectGallery",
    "PagedTable",
    "ProjectsExplorer",
    "ReviewPanel",
    "explore",
    "show",
]
