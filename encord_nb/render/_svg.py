"""The SVG painter: overlays as a vector layer the browser lays over the photo.

The frame explorer sends a frame's photo once, as JPEG, and its overlays as SVG markup on top.
Writing the markup for a hundred objects takes about a millisecond, where drawing them into the
photo makes the whole frame be encoded again (about twice the photo's own encoding time). Toggling
a class or selecting an object sends a few kilobytes instead of a new frame, and outlines and labels
stay sharp at any zoom.

Marks, colours, label texts, label sizes and label places are the ones the Pillow painter uses
(:func:`~encord_nb.render._plan.plan`, :class:`~encord_nb.render._text.LabelPlacer`), so the layer
and a Pillow snapshot agree. Coordinates are the pixel edges of ``_pixels``: a box outline lies
inside the box, as Pillow draws it, and areas are filled by the even-odd rule. User text (class
names, attribute values) is escaped.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from html import escape
from typing import Iterable

import numpy as np
from PIL import Image

from encord_nb.exceptions import UsageError

from ._annotation import Annotation
from ._colour import Colour, parse_colour, text_colour_on
from ._pixels import PixelShape, area_mask, upright
from ._plan import Mark, plan, point_radius
from ._style import Style
from ._text import LABEL_CACHE_ENTRIES, LABEL_PADDING, LabelPlacer, label_size, text_ascent

#: The font labels are written in; each label is stretched to the width the Pillow painter gives it.
LABEL_FONT = "sans-serif"

ViewBox = tuple[float, float, float, float]


_hex: dict[Colour | str, tuple[str, str]] = {}


def _colour_key(colour: Colour | str) -> Colour | str:
    """``colour`` as a dictionary key (a list of channels becomes a tuple)."""
    return colour if isinstance(colour, (tuple, str)) else tuple(colour)


def _hex_pair(colour: Colour | str) -> tuple[str, str]:
    """``colour`` and the label text colour on it, as ``#rrggbb`` (a frame uses a handful of colours)."""
    key = _colour_key(colour)
    found = _hex.get(key)
    if found is None:
        rgb = parse_colour(key)
        found = _hex[key] = tuple("#{:02x}{:02x}{:02x}".format(*c) for c in (rgb, text_colour_on(rgb)))
    return found


def _rgb(colour: Colour | str) -> str:
    return _hex_pair(colour)[0]


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0")


def _points(points: Iterable[tuple[int, int]]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def _mask_image(shape: PixelShape, width: int, height: int, colour: Colour | str, opacity: float) -> str:
    """A bitmask as a PNG ``<image>`` covering exactly its pixels, in ``colour`` at ``opacity``."""
    found = area_mask(shape, width, height)
    if found is None:
        return ""
    (x0, y0, x1, y1), mask = found
    rgba = np.zeros((*mask.shape, 4), dtype=np.uint8)
    rgba[..., :3] = parse_colour(colour)
    rgba[..., 3] = mask.astype(np.uint8) * np.uint8(round(255 * opacity))
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, "PNG", compress_level=1)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<image x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" preserveAspectRatio="none" '
        f'style="image-rendering:pixelated" href="data:image/png;base64,{data}"/>'
    )


def _dot(point: tuple[int, int], colour: Colour | str, lw: int) -> str:
    fill, ring = _hex_pair(colour)
    return f'<circle cx="{point[0]}" cy="{point[1]}" r="{point_radius(lw)}" fill="{fill}" stroke="{ring}" stroke-width="1"/>'


def _write(out: list[str], mark: Mark, width: int, height: int) -> None:
    """Append the elements of one mark (the document's defaults: no fill, even-odd areas, round joins)."""
    shape, lw, colour = mark.shape, mark.line_width, _rgb(mark.colour)
    kind = shape.kind
    if kind == "area" and shape.box is not None:
        x0, y0, x1, y1 = shape.box
        if mark.fill > 0:
            out.append(f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="{colour}" fill-opacity="{_number(mark.fill)}"/>')
        # The outline as a filled ring on pixel edges: exactly the pixels Pillow's outline covers, and
        # crisp (a stroke is centred on its path and would need half-pixel coordinates).
        outline = f"M{x0},{y0}H{x1}V{y1}H{x0}Z"
        if x1 - x0 > 2 * lw and y1 - y0 > 2 * lw:  # else the outline covers the whole box
            outline += f"M{x0 + lw},{y0 + lw}V{y1 - lw}H{x1 - lw}V{y0 + lw}Z"
        out.append(f'<path d="{outline}" fill="{colour}"/>')
    elif kind == "area":
        rings = [ring for polygon in shape.polygons or [] for ring in polygon if len(ring) > 1]
        if rings:
            path = " ".join(f"M{_points(ring)}Z" for ring in rings)
            fill = f' fill="{colour}" fill-opacity="{_number(mark.fill)}"' if mark.fill > 0 else ""
            out.append(f'<path d="{path}"{fill} stroke="{colour}" stroke-width="{lw}"/>')
    elif kind == "mask":
        if mark.fill > 0:
            out.append(_mask_image(shape, width, height, mark.colour, mark.fill))
    elif kind == "line":
        out.append(f'<polyline points="{_points(shape.points or [])}" stroke="{colour}" stroke-width="{lw}" stroke-linecap="round"/>')
    elif kind == "point":
        out.append(_dot(shape.points[0], mark.colour, lw))
    elif kind == "skeleton":
        points = shape.points or []
        visible = shape.visible or [True] * len(points)
        for a, b in mark.annotation.skeleton_edges:
            if a < len(points) and b < len(points) and visible[a] and visible[b]:
                (ax, ay), (bx, by) = points[a], points[b]
                out.append(f'<line x1="{ax}" y1="{ay}" x2="{bx}" y2="{by}" stroke="{colour}" stroke-width="{lw}"/>')
        out += [_dot(p, mark.colour, lw) for p, seen in zip(points, visible) if seen]


@lru_cache(maxsize=LABEL_CACHE_ENTRIES)
def _label_markup(text: str, font_size: int, colour: Colour | str) -> tuple[int, int, str, str]:
    """A label's size and the parts of its markup that do not depend on where it goes.

    Returns ``(width, height, middle, tail)``: the markup is ``<g><rect x y`` + ``middle`` +
    ``<text>``'s x and y + ``tail`` (labels repeat from object to object and frame to frame).
    """
    w, h = label_size(text, font_size)
    background, ink = _hex_pair(colour)
    middle = f'" width="{w}" height="{h}" fill="{background}"/><text x="'
    tail = f'" textLength="{max(w - 2 * LABEL_PADDING[0], 1)}" lengthAdjust="spacingAndGlyphs" fill="{ink}">{escape(text)}</text></g>'
    return w, h, middle, tail


def _write_labels(out: list[str], marks: list[Mark], width: int, height: int, font_size: int) -> None:
    placer = LabelPlacer(width, height)
    pad_x, pad_y = LABEL_PADDING
    baseline = pad_y + text_ascent(font_size)
    for mark in marks:
        if mark.label is not None:
            w, h, middle, tail = _label_markup(mark.label, font_size, _colour_key(mark.colour))
            x, y = placer.place(mark.shape.extent(), w, h)
            out.append(f'<g><rect x="{x}" y="{y}{middle}{x + pad_x}" y="{y + baseline}{tail}')


class SvgPainter:
    """Draws annotations as an SVG document to lay over the image (the image itself is not in it).

    Args:
        style: how overlays look; keyword options build one (``SvgPainter(fill_opacity=0)``).

    Example:
        >>> from encord_nb.models import BoundingBox, Shape
        >>> box = Annotation("o1", "Cat", "F1", Shape.BOUNDING_BOX, BoundingBox(x=0.25, y=0.25, w=0.5, h=0.5))
        >>> svg = SvgPainter(show_labels=False, fill_opacity=0).draw((8, 8), [box])
        >>> '<path d="M2,2H6V6H2ZM3,3V5H5V3Z" fill="#ff00ff"/>' in svg
        True
    """

    def __init__(self, style: Style | None = None, **style_options):
        if style is not None and style_options:
            raise UsageError("pass either a Style or style keyword options, not both")
        self.style = style or Style(**style_options)

    def draw(
        self,
        image: Image.Image | tuple[int, int],
        annotations: Iterable[Annotation],
        *,
        selected: str | None = None,
        view: ViewBox | None = None,
        display_size: tuple[int, int] | None = None,
    ) -> str:
        """The overlays of ``annotations`` for ``image`` as an SVG document.

        Args:
            image: the frame (its upright size is used) or its ``(width, height)``; geometry is
                converted at this size, as the Pillow painter would.
            annotations: in drawing order; later ones are on top.
            selected: object hash to highlight (drawn last, thicker, stronger fill).
            view: the part shown, ``(x, y, width, height)`` in those pixels (zoom and pan); default all.
            display_size: the document's ``width`` and ``height`` on screen; default the view's size.
        """
        width, height = image if isinstance(image, tuple) else upright(image).size
        vx, vy, vw, vh = view or (0, 0, width, height)
        shown_w, shown_h = display_size or (round(vw), round(vh))
        font_size = self.style.font_size_for(width, height)
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{shown_w}" height="{shown_h}" '
            f'viewBox="{_number(vx)} {_number(vy)} {_number(vw)} {_number(vh)}" preserveAspectRatio="none" '
            f'fill="none" fill-rule="evenodd" stroke-linejoin="round" font-family="{LABEL_FONT}" font-size="{font_size}">'
        ]
        marks = plan(self.style, annotations, width, height, selected)
        for mark in marks:
            _write(out, mark, width, height)
        _write_labels(out, marks, width, height, font_size)
        out.append("</svg>")
        return "".join(out)
