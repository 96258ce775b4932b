"""What a painter draws for one frame, worked out once for every painter.

The Pillow, matplotlib and SVG painters differ only in how they put marks down: which objects show,
in which order, at which pixels, in which colour, how thick, how strongly filled and with which
label is decided here, so a snapshot, a figure and the explorer's vector layer always agree.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple, Sequence

from ._annotation import Annotation
from ._colour import Colour
from ._pixels import PixelShape, annotation_shape
from ._style import Style

#: Outline and fill of the selected object are this much stronger.
HIGHLIGHT_WIDTH_FACTOR = 2
HIGHLIGHT_EXTRA_FILL = 0.25


def point_radius(line_width: int) -> int:
    """Radius of a drawn point (or skeleton vertex) for a given line width."""
    return line_width + 2


def drawing_order(annotations: Sequence[Annotation], selected: str | None) -> list[Annotation]:
    """Annotations in the order they are painted: as given, with the selected object last (on top)."""
    if selected is None:
        return list(annotations)
    return [a for a in annotations if a.object_hash != selected] + [a for a in annotations if a.object_hash == selected]


class Mark(NamedTuple):
    """One object as painters draw it on an image of one size."""

    annotation: Annotation
    shape: PixelShape
    colour: Colour
    line_width: int
    #: Opacity (0..1) of the area or mask fill; 0 for no fill.
    fill: float
    #: The label text, or ``None`` when labels are off or the shape has no pixels in the image.
    label: str | None


def plan(style: Style, annotations: Iterable[Annotation], width: int, height: int, selected: str | None = None) -> list[Mark]:
    """The marks for the visible ``annotations`` on a ``width`` x ``height`` image, in painting order.

    Example:
        >>> from encord_nb.models import BoundingBox, Shape
        >>> cat = Annotation("o1", "Cat", "F1", Shape.BOUNDING_BOX, BoundingBox(x=0.1, y=0.1, w=0.5, h=0.5))
        >>> [(m.shape.box, m.line_width, m.label) for m in plan(Style(), [cat], 100, 80, selected="o1")]
        [((10, 8, 60, 48), 2, 'Cat')]
    """
    line_width = style.line_width_for(width, height)
    # Areas are filled by fill_opacity, masks by mask_opacity, other shapes not; the selection more strongly.
    fills = {"area": style.fill_opacity, "mask": style.mask_opacity}
    colour_of, label_text, show_labels = style.colour_of, style.label_text, style.show_labels
    size = (width, height)
    marks = []
    for annotation in drawing_order(style.visible(annotations), selected):
        shape = annotation._pixels.get(size) or annotation_shape(annotation, width, height)
        lw, fill = line_width, fills.get(shape.kind, 0.0)
        if annotation.object_hash == selected:
            lw *= HIGHLIGHT_WIDTH_FACTOR
            if shape.kind in fills:
                fill = min(fill + HIGHLIGHT_EXTRA_FILL, 1.0)
        label = label_text(annotation) if show_labels and shape.extent() is not None else None
        marks.append(Mark(annotation, shape, colour_of(annotation), lw, fill, label))
    return marks
