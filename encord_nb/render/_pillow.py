"""The Pillow painter: the fast path behind widgets and galleries."""

from __future__ import annotations

import io
from typing import Iterable

import numpy as np
from PIL import Image, ImageDraw

from encord_nb.exceptions import UsageError

from ._annotation import Annotation
from ._colour import Colour, text_colour_on
from ._pixels import PixelShape, area_mask, upright
from ._plan import Mark, point_radius, plan
from ._style import Style
from ._text import LabelPlacer, label_image

#: JPEG quality used for frames sent to widgets: visually clean, several times smaller than PNG.
DEFAULT_JPEG_QUALITY = 85


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
        canvas = ImageDraw.Draw(out)
        marks = plan(self.style, annotations, width, height, selected)
        for mark in marks:
            self._paint(out, canvas, mark)
        labelled = [mark for mark in marks if mark.label is not None]
        if labelled:
            self._paint_labels(out, labelled, self.style.font_size_for(width, height))
        return out

    def _paint(self, out: Image.Image, canvas: ImageDraw.ImageDraw, mark: Mark) -> None:
        shape, colour, lw = mark.shape, mark.colour, mark.line_width
        if mark.fill > 0:
            paint_fill(out, shape, colour, mark.fill)
        if shape.kind == "area":
            if shape.box is not None:
                x0, y0, x1, y1 = shape.box
                # An outline as wide as half the box covers all of it (ImageDraw's would spill out).
                solid = x1 - x0 <= 2 * lw or y1 - y0 <= 2 * lw
                if isinstance(colour, tuple):
                    # ImageDraw.rectangle's own calls for an RGB outline (lw >= 1), without its per-call checks.
                    core = canvas.draw
                    core.draw_rectangle((x0, y0, x1 - 1, y1 - 1), core.draw_ink(colour), solid, lw)
                elif solid:  # a colour name or list someone put on an Annotation: let ImageDraw parse it
                    canvas.rectangle((x0, y0, x1 - 1, y1 - 1), fill=colour)
                else:
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
            for a, b in mark.annotation.skeleton_edges:
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
    def _paint_labels(out: Image.Image, marks: list[Mark], font_size: int) -> None:
        placer = LabelPlacer(*out.size)
        target = out.im  # Image.paste's own call for same-mode pictures, without its per-call checks
        for mark in marks:
            picture = label_image(mark.label, font_size, mark.colour)
            w, h = picture.size
            x, y = placer.place(mark.shape.extent(), w, h)
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
