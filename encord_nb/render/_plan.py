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


def fill_opacity(style: Style, shape: PixelShape, extra: float = 0.0) -> float:
    """How strongly a shape is filled: masks by ``mask_opacity``, areas by ``fill_opacity``, others not."""
    if shape.kind == "mask":
        return min(style.mask_opacity + extra, 1.0)
    if shape.kind == "area":
        return min(style.fill_opacity + extra, 1.0)
    return 0.0


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
    marks = []
    for annotation in drawing_order(style.visible(annotations), selected):
        shape = annotation_shape(annotation, width, height)
        chosen = annotation.object_hash == selected
        label = None
        if style.show_labels and shape.extent() is not None:
            label = style.label_text(annotation)
        marks.append(
            Mark(
                annotation,
                shape,
                style.colour_of(annotation),
                line_width * HIGHLIGHT_WIDTH_FACTOR if chosen else line_width,
                fill_opacity(style, shape, HIGHLIGHT_EXTRA_FILL if chosen else 0.0),
                label,
            )
        )
    return marks
