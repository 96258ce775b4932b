"""widgets layer (see design.md)."""

from ._frame_explorer import FrameExplorer
from ._gallery import ObjectGallery
from ._review import ReviewPanel

__all__: list[str] = ["FrameExplorer", "ObjectGallery", "ReviewPanel"]
