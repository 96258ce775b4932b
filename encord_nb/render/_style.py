"""How overlays look: colours, opacity, line width, labels, and which objects show at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable

from encord_nb.exceptions import UsageError

from ._annotation import Annotation
from ._colour import Colour, palette_colour, parse_colour

#: Long image side (pixels) per pixel of automatic line width: 1 px up to ~750 px, 4 px at 1920.
LINE_WIDTH_PER_PIXELS = 500
#: Long image side per pixel of automatic label font size, and the smallest size used.
FONT_SIZE_PER_PIXELS = 110
MIN_FONT_SIZE = 10


class ColourBy(str, Enum):
    """What decides an object's colour."""

    ONTOLOGY = "ontology"  #: the class colour set in the ontology
    CLASS = "class"  #: a palette colour per class name (when ontology colours are too alike)
    INSTANCE = "instance"  #: a palette colour per object hash (tells tracks and neighbours apart)
    ANNOTATOR = "annotator"  #: a palette colour per ``created_by``
    SOURCE = "source"  #: one colour for manual labels, another for model predictions


@dataclass(frozen=True)
class Style:
    """The look of overlays, shared by the Pillow and matplotlib painters.

    Args:
        colour_by: see :class:`ColourBy`.
        fill_opacity: 0..1 fill of boxes and polygons (0: outlines only).
        mask_opacity: 0..1 fill of bitmasks.
        line_width: outline width in display pixels; ``None`` scales it with the image size.
        show_labels: draw a label per object.
        label_confidence: put the confidence in labels of model predictions.
        label_attributes: attribute names whose answers labels show.
        font_size: label font size in display pixels; ``None`` scales it with the image size.
        hidden_classes: class names or feature hashes not drawn.
        min_confidence: objects below this confidence are not drawn.
        manual_colour: colour of manual labels with ``colour_by="source"``.
        model_colour: colour of model labels with ``colour_by="source"``.

    Example:
        >>> Style(colour_by="instance", hidden_classes={"Tree"}).colour_by
        <ColourBy.INSTANCE: 'instance'>
    """

    colour_by: ColourBy = ColourBy.ONTOLOGY
    fill_opacity: float = 0.25
    mask_opacity: float = 0.5
    line_width: int | None = None
    show_labels: bool = True
    label_confidence: bool = True
    label_attributes: tuple[str, ...] = ()
    font_size: int | None = None
    hidden_classes: frozenset[str] = field(default_factory=frozenset)
    min_confidence: float = 0.0
    manual_colour: Colour = (44, 160, 44)
    model_colour: Colour = (255, 127, 14)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "colour_by", ColourBy(self.colour_by))
        except ValueError:
            known = ", ".join(c.value for c in ColourBy)
            raise UsageError(f"colour_by={self.colour_by!r} is unknown: use one of {known}") from None
        for name in ("fill_opacity", "mask_opacity"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise UsageError(f"{name} must be between 0 and 1, got {getattr(self, name)!r}")
        if self.line_width is not None and self.line_width < 1:
            raise UsageError(f"line_width must be at least 1 pixel, got {self.line_width!r}")
        object.__setattr__(self, "hidden_classes", frozenset(self.hidden_classes))
        object.__setattr__(self, "label_attributes", tuple(self.label_attributes))
        object.__setattr__(self, "manual_colour", parse_colour(self.manual_colour))
        object.__setattr__(self, "model_colour", parse_colour(self.model_colour))

    def colour_of(self, annotation: Annotation) -> Colour:
        """The colour ``annotation`` is drawn in."""
        if self.colour_by is ColourBy.CLASS:
            return palette_colour(annotation.class_name)
        if self.colour_by is ColourBy.INSTANCE:
            return palette_colour(annotation.object_hash)
        if self.colour_by is ColourBy.ANNOTATOR:
            return palette_colour(annotation.created_by)
        if self.colour_by is ColourBy.SOURCE:
            return self.manual_colour if annotation.manual else self.model_colour
        return annotation.colour

    def visible(self, annotations: Iterable[Annotation]) -> list[Annotation]:
        """The annotations that are drawn: not of a hidden class, at or above the confidence threshold.

        Hit-testing should use the same list, so a click never finds a hidden object.
        """
        hidden = self.hidden_classes
        return [
            a
            for a in annotations
            if a.confidence >= self.min_confidence and a.class_name not in hidden and a.feature_hash not in hidden
        ]

    def line_width_for(self, width: int, height: int) -> int:
        """Outline width for an image of this display size."""
        if self.line_width is not None:
            return self.line_width
        return max(1, round(max(width, height) / LINE_WIDTH_PER_PIXELS))

    def font_size_for(self, width: int, height: int) -> int:
        """Label font size for an image of this display size."""
        if self.font_size is not None:
            return self.font_size
        return max(MIN_FONT_SIZE, round(max(width, height) / FONT_SIZE_PER_PIXELS))

    def label_text(self, annotation: Annotation) -> str:
        """The label of ``annotation``: class name, confidence of model labels, chosen attributes."""
        text = annotation.class_name
        if self.label_confidence and (not annotation.manual or annotation.confidence < 1.0):
            text += f" {annotation.confidence:.2f}"
        for name in self.label_attributes:
            value = annotation.attributes.get(name)
            if value:
                text += f" | {name}: {value}"
        return text
