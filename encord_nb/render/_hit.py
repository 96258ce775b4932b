"""Which object is under a pixel (click-to-inspect), and the crop that shows one object (galleries)."""

from __future__ import annotations

import math
from typing import Sequence

from ._annotation import Annotation
from ._pixels import PixelBox, annotation_shape, area_mask, clip_box
from ._plan import drawing_order, point_radius

#: How far (display pixels) from a line or point a click still hits it.
HIT_TOLERANCE = 4
#: Context kept around an object in a crop, as a fraction of its size, and at least this many pixels.
CROP_MARGIN = 0.1
MIN_CROP_MARGIN_PX = 4


def _segment_distance(p: tuple[float, float], a: tuple[int, int], b: tuple[int, int]) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _hits(annotation: Annotation, x: int, y: int, width: int, height: int, tolerance: float, line_width: int) -> bool:
    shape = annotation_shape(annotation, width, height)
    centre = (x + 0.5, y + 0.5)
    if shape.kind in ("area", "mask"):
        found = area_mask(shape, width, height)
        if found is None:
            return False
        (x0, y0, x1, y1), mask = found
        return x0 <= x < x1 and y0 <= y < y1 and bool(mask[y - y0, x - x0])
    points = shape.points or []
    if shape.kind == "line":
        reach = tolerance + line_width / 2
        return any(_segment_distance(centre, a, b) <= reach for a, b in zip(points, points[1:])) or (
            len(points) == 1 and math.dist(centre, points[0]) <= reach
        )
    visible = shape.visible or [True] * len(points)
    reach = tolerance + point_radius(line_width)
    if any(seen and math.dist(centre, p) <= reach for p, seen in zip(points, visible)):
        return True
    edges = [(a, b) for a, b in annotation.skeleton_edges if a < len(points) and b < len(points) and visible[a] and visible[b]]
    return any(_segment_distance(centre, points[a], points[b]) <= tolerance + line_width / 2 for a, b in edges)


def object_at(
    annotations: Sequence[Annotation],
    x: int,
    y: int,
    width: int,
    height: int,
    *,
    selected: str | None = None,
    tolerance: float = HIT_TOLERANCE,
    line_width: int = 1,
) -> Annotation | None:
    """The topmost annotation under display pixel ``(x, y)`` of a ``width`` x ``height`` image, or ``None``.

    Pass the same (visible) annotations, order and ``selected`` the painter drew, so what is hit is what
    is seen: areas hit inside (even-odd, so not in a hole), masks on their pixels, lines and points
    within ``tolerance`` pixels of their drawn stroke.

    Example:
        >>> from encord_nb.models import BoundingBox, Shape
        >>> box = Annotation("o1", "Cat", "F1", Shape.BOUNDING_BOX, BoundingBox(x=0, y=0, w=0.5, h=0.5))
        >>> object_at([box], 10, 10, 100, 100).object_hash, object_at([box], 60, 10, 100, 100)
        ('o1', None)
    """
    for annotation in reversed(drawing_order(annotations, selected)):
        if _hits(annotation, x, y, width, height, tolerance, line_width):
            return annotation
    return None


def crop_box(annotation: Annotation, width: int, height: int, margin: float = CROP_MARGIN) -> PixelBox | None:
    """The pixel box ``(x0, y0, x1, y1)`` (end-exclusive) to crop one object with some context around it.

    Returns ``None`` when the object lies entirely outside the image.

    Example:
        >>> from encord_nb.models import BoundingBox, Shape
        >>> box = Annotation("o1", "Cat", "F1", Shape.BOUNDING_BOX, BoundingBox(x=0.5, y=0.5, w=0.2, h=0.2))
        >>> crop_box(box, 100, 100)
        (46, 46, 74, 74)
    """
    extent = annotation_shape(annotation, width, height).extent()
    if extent is None:
        return None
    x0, y0, x1, y1 = extent
    pad_x = max(MIN_CROP_MARGIN_PX, round((x1 - x0) * margin))
    pad_y = max(MIN_CROP_MARGIN_PX, round((y1 - y0) * margin))
    return clip_box((x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y), width, height)
