"""Annotations of every shape for the renderer tests, built from the wire models."""

from __future__ import annotations

import numpy as np
from PIL import Image

from encord_nb.models import (
    BitmaskCoordinates,
    BoundingBox,
    PointCoordinates,
    PolygonCoordinates,
    PolylineCoordinates,
    RotatableBoundingBox,
    Shape,
    SkeletonCoordinates,
    SkeletonVertex,
)
from encord_nb.render import Annotation


def box(x, y, w, h, *, name="Cat", object_hash="box", **kw) -> Annotation:
    return Annotation(object_hash, name, "F" + name, Shape.BOUNDING_BOX, BoundingBox(x=x, y=y, w=w, h=h), **kw)


def rotated(x, y, w, h, theta, *, name="Rocket", object_hash="rbb", **kw) -> Annotation:
    coords = RotatableBoundingBox(x=x, y=y, w=w, h=h, theta=theta)
    return Annotation(object_hash, name, "F" + name, Shape.ROTATABLE_BOUNDING_BOX, coords, **kw)


def polygon(*rings, name="Region", object_hash="poly", polygons=None, **kw) -> Annotation:
    """Rings of (x, y) fractions: the first is the outline, later ones holes. ``polygons`` for several."""
    groups = polygons if polygons is not None else [list(rings)]
    wire = [[[c for point in ring for c in point] for ring in group] for group in groups]
    return Annotation(object_hash, name, "F" + name, Shape.POLYGON, PolygonCoordinates.from_wire(None, wire), **kw)


def polyline(points, *, name="Edge", object_hash="line", **kw) -> Annotation:
    return Annotation(object_hash, name, "F" + name, Shape.POLYLINE, PolylineCoordinates.of(points), **kw)


def point(x, y, *, name="Keypoint", object_hash="pt", **kw) -> Annotation:
    return Annotation(object_hash, name, "F" + name, Shape.POINT, PointCoordinates.of(x, y), **kw)


def skeleton(points, edges, *, invisible=(), name="Face", object_hash="skel", **kw) -> Annotation:
    vertices = {
        str(i): SkeletonVertex(x=x, y=y, name=f"v{i}", visibility="invisible" if i in invisible else "visible")
        for i, (x, y) in enumerate(points)
    }
    return Annotation(
        object_hash, name, "F" + name, Shape.SKELETON, SkeletonCoordinates(vertices), skeleton_edges=tuple(edges), **kw
    )


def bitmask(mask: np.ndarray, *, name="Mask", object_hash="mask", **kw) -> Annotation:
    return Annotation(object_hash, name, "F" + name, Shape.BITMASK, BitmaskCoordinates.from_mask(mask), **kw)


def changed(before: Image.Image, after: Image.Image) -> np.ndarray:
    """Boolean (height, width) array of pixels that differ."""
    return (np.asarray(before.convert("RGB"), dtype=np.int16) != np.asarray(after, dtype=np.int16)).any(axis=2)


def outline_pixels(box_px, line_width: int, width: int, height: int) -> np.ndarray:
    """Boolean (height, width) array of a ``line_width`` outline drawn inside ``box_px``, as Pillow draws it."""
    x0, y0, x1, y1 = box_px
    out = np.zeros((height, width), bool)
    out[y0:y1, x0:x1] = True
    out[y0 + line_width : y1 - line_width, x0 + line_width : x1 - line_width] = False
    return out
