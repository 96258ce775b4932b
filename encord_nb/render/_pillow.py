"""The Pillow painter: the fast path behind widgets and galleries."""

from __future__ import annotations

import io
from typing import Iterable, NamedTuple, Sequence

import numpy as np
from PIL import Image, ImageDraw

from encord_nb.exceptions import UsageError

from ._annotation import Annotation
from ._colour import Colour, text_colour_on
from ._pixels import PixelBox, PixelShape, annotation_shape, area_mask, upright
from ._style import Style
from ._text import LabelPlacer, label_image

#: JPEG quality used for frames sent to widgets: visually clean, several times smaller than PNG.
DEFAULT_JPEG_QUALITY = 85
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


class _Label(NamedTuple):
    extent: PixelBox
    text: str
    colour: Colour


def paint_fill(out: Image.Image, shape: PixelShape, colour: Colour, opacity: float) -> None:
    """Blend ``colour`` at ``opacity`` over exactly the pixels of an area or mask shape, in place."""
    alpha = round(255 * min(opacity, 1.0))
    if alpha == 0:
        return
    if shape.box is not None:
        # Blending a crop is several times faster than pasting through a constant mask.
        region = out.crop(shape.box)
        out.paste(Image.blend(region, Image.new("RGB", region.size, colour), alpha / 255), shape.box)
        return
    found = area_mask(shape, *out.size)
    if found is not None:
        box, mask = found
        out.paste(colour, box, Image.fromarray(mask.astype(np.uint8) * np.uint8(alpha)))


def fill_opacity(style: Style, shape: PixelShape, extra: float = 0.0) -> float:
    """How strongly a shape is filled: masks by ``mask_opacity``, areas by ``fill_opacity``, others not."""
    if shape.kind == "mask":
        return style.mask_opacity + extra
    if shape.kind == "area":
        return style.fill_opacity + extra
    return 0.0


class PillowPainter:
    """Draws annotations over an image with Pillow and returns a new image (the input is not changed).

    Args:
        style: how overlays look; keyword options build one (``PillowPainter(fill_opacity=0)``).

    Example:
        >>> from PIL import Image
        >>> from encord_nb.models import BoundingBox, Shape
        >>> box = Annotation("o1", "Cat", "F1", Shape.BOUNDING_BOX, BoundingBox(x=0.25, y=0.25, w=0.5, h=0.5))
        >>> PillowPainter(show_labels=False).draw(Image.new("RGB", (8, 8)), [box]).getpixel((2, 2))
        (255, 0, 255)
    """

    def __init__(self, style: Style | None = None, **style_options):
        if style is not None and style_options:
            raise UsageError("pass either a Style or style keyword options, not both")
        self.style = style or Style(**style_options)

    def draw(self, image: Image.Image, annotations: Iterable[Annotation], *, selected: str | None = None) -> Image.Image:
        """Paint the visible annotations over an upright RGB copy of ``image``.

        Args:
            image: the frame at the size it is shown (geometry is converted at this size).
            annotations: in drawing order; later ones are on top.
            selected: object hash to highlight (drawn last, thicker, stronger fill).
        """
        image = upright(image)
        out = image.convert("RGB") if image.mode != "RGB" else image.copy()
        width, height = out.size
        style = self.style
        line_width = style.line_width_for(width, height)
        canvas = ImageDraw.Draw(out)
        labels: list[_Label] = []
        for annotation in drawing_order(style.visible(annotations), selected):
            shape = annotation_shape(annotation, width, height)
            colour = style.colour_of(annotation)
            chosen = annotation.object_hash == selected
            lw = line_width * HIGHLIGHT_WIDTH_FACTOR if chosen else line_width
            extra = HIGHLIGHT_EXTRA_FILL if chosen else 0.0
            self._paint(out, canvas, shape, annotation, colour, lw, extra)
            if style.show_labels:
                extent = shape.extent()
                if extent is not None:
                    labels.append(_Label(extent, style.label_text(annotation), colour))
        if labels:
            self._paint_labels(out, labels, style.font_size_for(width, height))
        return out

    def _paint(
        self,
        out: Image.Image,
        canvas: ImageDraw.ImageDraw,
        shape: PixelShape,
        annotation: Annotation,
        colour: Colour,
        lw: int,
        extra_fill: float,
    ) -> None:
        opacity = fill_opacity(self.style, shape, extra_fill)
        if opacity > 0:
            paint_fill(out, shape, colour, opacity)
        if shape.kind == "area":
            if shape.box is not None:
                x0, y0, x1, y1 = shape.box
                if isinstance(colour, tuple):
                    # ImageDraw.rectangle's own calls for an RGB outline (lw >= 1), without its per-call checks.
                    core = canvas.draw
                    core.draw_rectangle((x0, y0, x1 - 1, y1 - 1), core.draw_ink(colour), 0, lw)
                else:  # a colour name or list someone put on an Annotation: let ImageDraw parse it
                    canvas.rectangle((x0, y0, x1 - 1, y1 - 1), outline=colour, width=lw)
            else:
                for polygon in shape.polygons or []:
                    for ring in polygon:
                        if len(ring) > 1:
                            canvas.line([*ring, ring[0]], fill=colour, width=lw, joint="curve" if lw > 2 else None)
        elif shape.kind == "line":
            canvas.line(shape.points or [], fill=colour, width=lw, joint="curve" if lw > 2 else None)
        elif shape.kind == "point":
            self._dot(canvas, shape.points[0], colour, lw)
        elif shape.kind == "skeleton":
            points, visible = shape.points or [], shape.visible or []
            for a, b in annotation.skeleton_edges:
                if a < len(points) and b < len(points) and visible[a] and visible[b]:
                    canvas.line([points[a], points[b]], fill=colour, width=lw)
            for point, seen in zip(points, visible):
                if seen:
                    self._dot(canvas, point, colour, lw)

    @staticmethod
    def _dot(canvas: ImageDraw.ImageDraw, point: tuple[int, int], colour: Colour, lw: int) -> None:
        r = point_radius(lw)
        x, y = point
        canvas.ellipse((x - r, y - r, x + r, y + r), fill=colour, outline=text_colour_on(colour))

    @staticmethod
    def _paint_labels(out: Image.Image, labels: list[_Label], font_size: int) -> None:
        placer = LabelPlacer(*out.size)
        target = out.im  # Image.paste's own call for same-mode pictures, without its per-call checks
        for label in labels:
            picture = label_image(label.text, font_size, label.colour)
            w, h = picture.size
            x, y = placer.place(label.extent, w, h)
            target.paste(picture.im, (x, y, x + w, y + h))


def encode_image(image: Image.Image, format: str = "JPEG", quality: int = DEFAULT_JPEG_QUALITY) -> bytes:
    """The image as JPEG (photos: fast and small) or PNG (exact) bytes for an ``ipywidgets.Image``.

    Example:
        >>> from PIL import Image
        >>> encode_image(Image.new("RGB", (4, 4)))[:2]
        b'\\xff\\xd8'
    """
    buffer = io.BytesIO()
    fmt = format.upper()
    if fmt in ("JPEG", "JPG"):
        image.save(buffer, "JPEG", quality=quality)
    elif fmt == "PNG":
        image.save(buffer, "PNG", compress_level=1)
    else:
        raise UsageError(f"cannot encode frames as {format!r}: use 'JPEG' or 'PNG'")
    return buffer.getvalue()
