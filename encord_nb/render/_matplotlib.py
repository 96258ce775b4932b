"""The matplotlib painter: figures for reports and notebooks rendered anywhere (even on GitHub).

Fills and masks are blended into the picture by the same code as the Pillow painter (so areas,
holes and masks cover the same pixels); outlines, points and labels are vector artists, crisp at
any resolution. Axes use pixel-edge coordinates (``extent=(0, W, H, 0)``), the convention of
:mod:`encord_nb.render._pixels`.
"""

from __future__ import annotations

from typing import Iterable

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Polygon, Rectangle
from PIL import Image

from encord_nb.exceptions import UsageError

from ._annotation import Annotation
from ._colour import Colour, text_colour_on
from ._pillow import paint_fill
from ._pixels import PixelShape, upright
from ._plan import plan, point_radius
from ._style import Style
from ._text import LABEL_PADDING, LabelPlacer, label_size

#: Figure resolution: one image pixel is one figure pixel at this dpi.
DEFAULT_DPI = 100


def _rgb(colour: Colour) -> tuple[float, float, float]:
    return colour[0] / 255, colour[1] / 255, colour[2] / 255


class MatplotlibPainter:
    """Draws annotations into a matplotlib figure.

    Args:
        style: how overlays look; keyword options build one.
        dpi: figure resolution; a new figure is sized so one image pixel is one figure pixel.

    Example:
        >>> from PIL import Image
        >>> from encord_nb.models import BoundingBox, Shape
        >>> box = Annotation("o1", "Cat", "F1", Shape.BOUNDING_BOX, BoundingBox(x=0.25, y=0.25, w=0.5, h=0.5))
        >>> fig = MatplotlibPainter().draw(Image.new("RGB", (64, 48)), [box])
        >>> fig.get_size_inches().tolist()
        [0.64, 0.48]
    """

    def __init__(self, style: Style | None = None, *, dpi: int = DEFAULT_DPI, **style_options):
        if style is not None and style_options:
            raise UsageError("pass either a Style or style keyword options, not both")
        self.style = style or Style(**style_options)
        self.dpi = dpi

    def draw(
        self, image: Image.Image, annotations: Iterable[Annotation], *, selected: str | None = None, ax: Axes | None = None
    ) -> Figure:
        """Show ``image`` with the visible annotations; in ``ax`` when given, else in a new figure.

        Returns:
            The figure holding the axes (no pyplot state is touched).
        """
        picture = upright(image)
        picture = picture.convert("RGB") if picture.mode != "RGB" else picture.copy()
        width, height = picture.size
        if ax is None:
            figure = Figure(figsize=(width / self.dpi, height / self.dpi), dpi=self.dpi)
            ax = figure.add_axes((0, 0, 1, 1))
        style = self.style
        points_per_px = 72 / ax.figure.dpi
        marks = plan(style, annotations, width, height, selected)
        artists = []
        for mark in marks:
            paint_fill(picture, mark.shape, mark.colour, mark.fill)
            artists += self._artists(mark.shape, mark.annotation, _rgb(mark.colour), mark.line_width, mark.line_width * points_per_px)
        ax.imshow(picture, extent=(0, width, height, 0), interpolation="nearest")
        for artist in artists:
            ax.add_artist(artist)
        # Labels go where the Pillow painter puts them (same sizes, same placement).
        font_px = style.font_size_for(width, height)
        placer = LabelPlacer(width, height)
        pad_x, pad_y = LABEL_PADDING
        for mark in marks:
            if mark.label is None:
                continue
            x, y = placer.place(mark.shape.extent(), *label_size(mark.label, font_px))
            ax.text(
                x + pad_x, y + pad_y, mark.label, fontsize=font_px * points_per_px,
                color=_rgb(text_colour_on(mark.colour)), va="top", ha="left", clip_on=True,
                bbox={"facecolor": _rgb(mark.colour), "edgecolor": "none", "pad": pad_x * points_per_px},
            )
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)
        ax.set_axis_off()
        return ax.figure

    @staticmethod
    def _artists(shape: PixelShape, annotation: Annotation, colour, lw_px: int, lw: float) -> list:
        if shape.kind == "area":
            if shape.box is not None:
                x0, y0, x1, y1 = shape.box
                # Inset by half a stroke so the outline lies inside the box, as Pillow draws it.
                inset = lw_px / 2
                return [Rectangle((x0 + inset, y0 + inset), x1 - x0 - lw_px, y1 - y0 - lw_px, fill=False, edgecolor=colour, linewidth=lw)]
            return [
                Polygon(ring, closed=True, fill=False, edgecolor=colour, linewidth=lw)
                for polygon in shape.polygons or []
                for ring in polygon
                if len(ring) > 1
            ]
        points = shape.points or []
        radius = point_radius(lw_px)
        if shape.kind == "line":
            return [Line2D([p[0] for p in points], [p[1] for p in points], color=colour, linewidth=lw, solid_capstyle="round")]
        if shape.kind == "point":
            return [Circle(points[0], radius, facecolor=colour, edgecolor="white", linewidth=1)]
        if shape.kind == "skeleton":
            visible = shape.visible or [True] * len(points)
            out: list = [
                Line2D([points[a][0], points[b][0]], [points[a][1], points[b][1]], color=colour, linewidth=lw)
                for a, b in annotation.skeleton_edges
                if a < len(points) and b < len(points) and visible[a] and visible[b]
            ]
            out += [Circle(p, radius, facecolor=colour, edgecolor="white", linewidth=1) for p, seen in zip(points, visible) if seen]
            return out
        return []
