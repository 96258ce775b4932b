"""Overlay renderers: annotations drawn over frames, exactly where the labels say, and fast.

Three painters share one plan of what to draw (``_plan``): :class:`PillowPainter` draws into the
picture (snapshots, gallery tiles), :class:`MatplotlibPainter` into figures, and :class:`SvgPainter`
writes a vector layer the frame explorer lays over the photo.

Geometry stays normalised in :mod:`encord_nb.models`; painters convert it at the size of the image
they draw on (so a frame downscaled for display gets overlays at display scale), with the one
pixel convention of ``_pixels``: rounding half up, boxes clipped to the image, areas filled by the
even-odd rule (holes stay open), EXIF orientation applied first.

Example:
    >>> from PIL import Image
    >>> from encord_nb.models import BoundingBox, Shape
    >>> cat = Annotation("o1", "Cat", "F1", Shape.BOUNDING_BOX, BoundingBox(x=0.1, y=0.1, w=0.5, h=0.5))
    >>> frame = PillowPainter(fill_opacity=0).draw(Image.new("RGB", (100, 80)), [cat])
    >>> object_at([cat], 30, 30, *frame.size).class_name
    'Cat'
"""

from ._annotation import FALLBACK_COLOUR, Annotation, annotations_from_frame
from ._colour import PALETTE, Colour, palette_colour, parse_colour
from ._compare import (
    DEFAULT_IOU_THRESHOLD,
    ClassCounts,
    ComparePainter,
    Match,
    MatchResult,
    iou,
    match_annotations,
)
from ._hit import crop_box, object_at
from ._matplotlib import MatplotlibPainter
from ._pillow import DEFAULT_JPEG_QUALITY, PillowPainter, encode_image
from ._pixels import PixelShape, area_mask, even_odd_mask, full_mask, pixel_shape, upright
from ._style import ColourBy, Style
from ._svg import SvgPainter

__all__ = [
    "DEFAULT_IOU_THRESHOLD",
    "DEFAULT_JPEG_QUALITY",
    "FALLBACK_COLOUR",
    "PALETTE",
    "Annotation",
    "ClassCounts",
    "Colour",
    "ColourBy",
    "ComparePainter",
    "Match",
    "MatchResult",
    "MatplotlibPainter",
    "PillowPainter",
    "PixelShape",
    "Style",
    "SvgPainter",
    "annotations_from_frame",
    "area_mask",
    "crop_box",
    "encode_image",
    "even_odd_mask",
    "full_mask",
    "iou",
    "match_annotations",
    "object_at",
    "palette_colour",
    "parse_colour",
    "pixel_shape",
    "upright",
]
