"""From normalised geometry to clipped pixel shapes, and the even-odd rasteriser every painter shares.

Pixel conventions (one set, used by painting, hit-testing, matching and tests):

* Coordinates come from :func:`encord_nb.models.to_pixels` (rounded half up, never truncated) at the
  size of the image being drawn, so overlays are always drawn at display scale.
* A pixel coordinate is an edge between pixels: a box ``(x0, y0, x1, y1)`` covers columns
  ``x0 .. x1 - 1`` and rows ``y0 .. y1 - 1``.
* An area (box, rotated box, polygon) covers the pixels whose centres lie inside it, by the
  even-odd rule: a hole ring inside an outline is left out, and so is a self-overlap. A centre
  exactly on an edge counts when the edge is a left or top one (the usual top-left rule), so
  shapes that share an edge never share a pixel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
from PIL import Image, ImageOps

from encord_nb.models import (
    BitmaskCoordinates,
    BoundingBox,
    PointCoordinates,
    PolygonCoordinates,
    PolylineCoordinates,
    RotatableBoundingBox,
    SkeletonCoordinates,
    to_pixels,
)

PixelPoint = tuple[int, int]
Ring = list[PixelPoint]
PixelBox = tuple[int, int, int, int]

#: EXIF tag that says how the camera was held.
_EXIF_ORIENTATION = 0x0112


def upright(image: Image.Image) -> Image.Image:
    """The image turned the way its EXIF orientation says (labels are drawn on the upright picture).

    An image without an orientation tag is returned as it is (no copy).
    """
    if image.getexif().get(_EXIF_ORIENTATION, 1) in (0, 1):
        return image
    return ImageOps.exif_transpose(image)


@dataclass(slots=True, eq=False)
class PixelShape:
    """An annotation's geometry in pixels of one image size.

    Painters build one per annotation and image size (slotted: a frame holds hundreds). Exactly one
    group is set, by kind:

    * ``"area"``: ``box`` for axis-aligned boxes (clipped, end-exclusive; ``None`` when nothing is
      inside the image), else ``polygons`` (polygons -> rings -> points; a rotated box is one ring).
    * ``"line"``: ``points`` in path order.
    * ``"point"``: ``points`` holds the one point.
    * ``"skeleton"``: ``points`` in template order, ``visible`` per point.
    * ``"mask"``: ``mask``, a boolean array of the image size.
    """

    kind: str
    polygons: list[list[Ring]] | None = None
    box: PixelBox | None = None
    points: list[PixelPoint] | None = None
    visible: list[bool] | None = None
    mask: np.ndarray | None = None
    #: Results computed once per shape (extent, covered pixels), made on first use.
    _memo: dict | None = field(default=None, init=False, repr=False)

    def remembered(self, key: Any, compute: Any) -> Any:
        """``compute()``, worked out once per shape and ``key``."""
        if self._memo is None:
            self._memo = {}
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def extent(self) -> PixelBox | None:
        """The smallest end-exclusive box holding the shape, or ``None`` when it is empty."""
        if self.box is not None:
            return self.box
        return self.remembered("extent", self._extent)

    def _extent(self) -> PixelBox | None:
        if self.box is not None:
            return self.box
        if self.mask is not None:
            rows = np.flatnonzero(self.mask.any(axis=1))
            if rows.size == 0:
                return None
            cols = np.flatnonzero(self.mask[rows[0] : rows[-1] + 1].any(axis=0))
            return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1
        # Ring vertices are pixel edges; a line or point vertex names the pixel it is drawn on.
        points = [p for poly in self.polygons or [] for ring in poly for p in ring]
        end = 0 if points else 1
        points = points or list(self.points or [])
        if not points:
            return None
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return min(xs), min(ys), max(xs) + end, max(ys) + end


def clip_box(box: PixelBox, width: int, height: int) -> PixelBox | None:
    """``box`` cut to the image, or ``None`` when nothing of it is inside."""
    x0, y0 = max(box[0], 0), max(box[1], 0)
    x1, y1 = min(box[2], width), min(box[3], height)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


# to_pixels' own conversion of boxes, looked up once (frames hold hundreds of boxes).
_box_pixels = to_pixels.dispatch(BoundingBox)

#: How many image sizes an annotation remembers its pixel shape for.
PIXEL_CACHE_SIZES = 4


def annotation_shape(annotation: Any, width: int, height: int) -> PixelShape:
    """:func:`pixel_shape` of an annotation's coordinates, remembered on the annotation per image size."""
    cache = annotation._pixels
    shape = cache.get((width, height))
    if shape is None:
        if len(cache) >= PIXEL_CACHE_SIZES:
            cache.clear()
        shape = cache[(width, height)] = pixel_shape(annotation.coordinates, width, height)
    return shape


def pixel_shape(coordinates: Any, width: int, height: int) -> PixelShape:
    """Convert a models geometry object to a :class:`PixelShape` for a ``width`` x ``height`` image.

    Boxes are clipped to the image here; other areas and lines are clipped as they are drawn.
    A bitmask stored at another size (the image was downscaled for display) is resampled to
    ``width`` x ``height`` by nearest neighbour.

    Example:
        >>> pixel_shape(BoundingBox(x=0.9, y=0, w=0.5, h=0.5), 100, 100).box
        (90, 0, 100, 50)

    Raises:
        TypeError: ``coordinates`` is not a geometry this toolkit draws.
    """
    if type(coordinates) is BoundingBox:  # the common case first: isinstance on models is slow
        return PixelShape("area", box=clip_box(_box_pixels(coordinates, width, height), width, height))
    if isinstance(coordinates, RotatableBoundingBox):
        return PixelShape("area", polygons=[[to_pixels(coordinates, width, height)]])
    if isinstance(coordinates, BoundingBox):
        return PixelShape("area", box=clip_box(to_pixels(coordinates, width, height), width, height))
    if isinstance(coordinates, PolygonCoordinates):
        return PixelShape("area", polygons=to_pixels(coordinates, width, height))
    if isinstance(coordinates, PolylineCoordinates):
        return PixelShape("line", points=to_pixels(coordinates, width, height))
    if isinstance(coordinates, PointCoordinates):
        return PixelShape("point", points=[to_pixels(coordinates, width, height)])
    if isinstance(coordinates, SkeletonCoordinates):
        vertices = coordinates.vertices
        visible = [str(getattr(v.effective_visibility, "value", v.effective_visibility)) != "invisible" for v in vertices]
        return PixelShape("skeleton", points=to_pixels(coordinates, width, height), visible=visible)
    if isinstance(coordinates, BitmaskCoordinates):
        mask = to_pixels(coordinates, coordinates.width, coordinates.height)
        if mask.shape != (height, width):
            resized = Image.fromarray(mask).resize((width, height), Image.Resampling.NEAREST)
            mask = np.asarray(resized, dtype=bool)
        return PixelShape("mask", mask=mask)
    raise TypeError(f"cannot draw geometry of type {type(coordinates).__name__}")


def even_odd_mask(rings: Sequence[Ring], width: int, height: int) -> tuple[PixelBox, np.ndarray] | None:
    """Rasterise rings together by the even-odd rule, inside the image.

    A pixel is set when a ray from its centre crosses the rings' edges an odd number of times.
    Rings may be open or closed (the last point joins the first).

    Returns:
        ``(box, mask)``: the end-exclusive pixel box the mask covers and a boolean array of its
        size, or ``None`` when no pixel is set.

    Example:
        >>> box, mask = even_odd_mask([[(0, 0), (4, 0), (4, 4), (0, 4)], [(1, 1), (3, 1), (3, 3), (1, 3)]], 10, 10)
        >>> int(mask.sum())
        12
    """
    starts, ends = [], []
    for ring in rings:
        if len(ring) < 3:
            continue
        pts = np.asarray(ring, dtype=np.float64)
        starts.append(pts)
        ends.append(np.roll(pts, -1, axis=0))
    if not starts:
        return None
    a, b = np.concatenate(starts), np.concatenate(ends)
    lo, hi = np.floor(a.min(axis=0)).astype(int), np.ceil(a.max(axis=0)).astype(int)
    box = clip_box((int(lo[0]), int(lo[1]), int(hi[0]), int(hi[1])), width, height)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    # Keep edges that are not horizontal; each crosses the rows whose centre lies in [ymin, ymax).
    keep = a[:, 1] != b[:, 1]
    a, b = a[keep], b[keep]
    if a.size == 0:
        return None
    rows = np.arange(y0, y1) + 0.5
    ymin, ymax = np.minimum(a[:, 1], b[:, 1]), np.maximum(a[:, 1], b[:, 1])
    crosses = (rows[:, None] >= ymin[None, :]) & (rows[:, None] < ymax[None, :])
    row_index, edge_index = np.nonzero(crosses)
    if row_index.size == 0:
        return None
    ea, eb = a[edge_index], b[edge_index]
    t = (rows[row_index] - ea[:, 1]) / (eb[:, 1] - ea[:, 1])
    x_cross = ea[:, 0] + t * (eb[:, 0] - ea[:, 0])
    # A crossing flips every pixel whose centre is at or right of it (columns >= ceil(x - 0.5)): a centre
    # on a left edge is in, on a right edge out, as rows are half-open too (the top-left rule).
    first = np.clip(np.ceil(x_cross - 0.5).astype(np.int64) - x0, 0, x1 - x0)
    flips = np.zeros((y1 - y0, x1 - x0 + 1), dtype=np.int32)
    np.add.at(flips, (row_index, first), 1)
    mask = (np.cumsum(flips[:, :-1], axis=1) & 1).astype(bool)
    if not mask.any():
        return None
    return box, mask


def area_mask(shape: PixelShape, width: int, height: int) -> tuple[PixelBox, np.ndarray] | None:
    """The pixels an area or mask shape covers: polygons each by even-odd, joined together.

    Returns ``(box, mask)`` as :func:`even_odd_mask`, or ``None`` for an empty or non-area shape.
    """
    return shape.remembered(("area", width, height), lambda: _area_mask(shape, width, height))


def _area_mask(shape: PixelShape, width: int, height: int) -> tuple[PixelBox, np.ndarray] | None:
    if shape.mask is not None:
        extent = shape.extent()
        if extent is None:
            return None
        x0, y0, x1, y1 = extent
        return extent, shape.mask[y0:y1, x0:x1]
    if shape.box is not None:
        x0, y0, x1, y1 = shape.box
        return shape.box, np.ones((y1 - y0, x1 - x0), dtype=bool)
    parts = [m for m in (even_odd_mask(poly, width, height) for poly in shape.polygons or []) if m is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    x0 = min(b[0] for b, _ in parts)
    y0 = min(b[1] for b, _ in parts)
    x1 = max(b[2] for b, _ in parts)
    y1 = max(b[3] for b, _ in parts)
    joined = np.zeros((y1 - y0, x1 - x0), dtype=bool)
    for (bx0, by0, bx1, by1), part in parts:
        joined[by0 - y0 : by1 - y0, bx0 - x0 : bx1 - x0] |= part
    return (x0, y0, x1, y1), joined


def full_mask(shape: PixelShape, width: int, height: int) -> np.ndarray:
    """The area of ``shape`` as a boolean array of the whole image (empty for lines and points)."""
    out = np.zeros((height, width), dtype=bool)
    found = area_mask(shape, width, height)
    if found is not None:
        (x0, y0, x1, y1), mask = found
        out[y0:y1, x0:x1] = mask
    return out
