"""Typed geometry of frame objects, normalised to 0..1 of the frame size, and its one pixel conversion.

Every 2-D value is a fraction of the frame: x of the width, y of the height, origin at the top left,
y pointing down. Values are kept exactly as read (no clamping); :func:`to_pixels` is the single
place where they become pixel coordinates.
"""

from __future__ import annotations

import math
from functools import singledispatch
from typing import Annotated, Any, Union

import numpy as np
from pydantic import AllowInfNan, BaseModel, Field, RootModel, StrictInt, Strict

from ._base import CamelModel
from ._enums import Visibility
from ._rle import rle_decode, rle_encode

#: A coordinate: a real, finite JSON number (strings, NaN and infinities are refused).
Coordinate = Annotated[float, Strict(), AllowInfNan(False)]

PixelPoint = tuple[int, int]


class Vertex(CamelModel):
    """One 2-D point as fractions of the frame size.

    Example:
        >>> Vertex(x=0.5, y=0.25)
        Vertex(x=0.5, y=0.25)
    """

    x: Coordinate
    y: Coordinate


class BoundingBox(CamelModel):
    """An axis-aligned box: top-left corner ``x, y`` and size ``w, h``, all fractions.

    Example:
        >>> to_pixels(BoundingBox(x=0.1, y=0.2, w=0.5, h=0.5), 100, 50)
        (10, 10, 60, 35)
    """

    h: Coordinate
    w: Coordinate
    x: Coordinate
    y: Coordinate


class RotatableBoundingBox(BoundingBox):
    """A box given unrotated (``x, y, w, h``) and turned by ``theta`` degrees clockwise about its centre.

    Example:
        >>> len(to_pixels(RotatableBoundingBox(x=0, y=0, w=1, h=1, theta=90), 10, 10))
        4
    """

    theta: Coordinate = 0.0


def _sorted_vertices(value: dict[str, Any] | list[Any]) -> list[Any]:
    if isinstance(value, list):
        return list(value)
    # Index keys sort numerically: "10" comes after "2".
    return [value[key] for key in sorted(value, key=int)]


class PointCoordinates(RootModel[dict[str, Vertex]]):
    """A single keypoint; on the wire ``{"0": {"x": .., "y": ..}}``.

    Example:
        >>> PointCoordinates.of(0.4, 0.6).x
        0.4
    """

    @classmethod
    def of(cls, x: float, y: float) -> PointCoordinates:
        """Build a point from its two fractions."""
        return cls({"0": Vertex(x=x, y=y)})

    @property
    def vertex(self) -> Vertex:
        """The point itself."""
        return _sorted_vertices(self.root)[0]

    @property
    def x(self) -> float:
        return self.vertex.x

    @property
    def y(self) -> float:
        return self.vertex.y


class PolylineCoordinates(RootModel[Union[dict[str, Vertex], list[Vertex]]]):
    """An open path; on the wire an index-keyed dict of vertices (a plain list is read too).

    Example:
        >>> len(PolylineCoordinates.of([(0, 0), (1, 1)]).vertices)
        2
    """

    @classmethod
    def of(cls, points: list[tuple[float, float]]) -> PolylineCoordinates:
        """Build a path from ``(x, y)`` fractions, in the index-keyed form the SDK writes."""
        return cls({str(i): Vertex(x=x, y=y) for i, (x, y) in enumerate(points)})

    @property
    def vertices(self) -> list[Vertex]:
        """The vertices in path order."""
        return _sorted_vertices(self.root)


#: The legacy single-ring ``polygon`` key: index-keyed dict or list of vertices.
PolygonRing = PolylineCoordinates
#: The ``polygons`` key: polygons -> rings (first is the shell, later ones holes) -> flat [x0, y0, x1, y1, ...].
MultiPolygon = list[list[list[Coordinate]]]


class PolygonCoordinates(BaseModel):
    """Resolved polygon geometry: a list of polygons, each a list of rings of vertices.

    Ring 0 of a polygon is its outline; any later rings are holes. Built from a frame object's
    ``polygon`` and ``polygons`` keys by :meth:`from_wire` (``polygons`` wins when both exist).

    Example:
        >>> poly = PolygonCoordinates.from_wire(None, [[[0, 0, 1, 0, 1, 1]]])
        >>> poly.outline[2]
        Vertex(x=1.0, y=1.0)
    """

    polygons: list[list[list[Vertex]]] = Field(default_factory=list)

    @classmethod
    def from_wire(cls, polygon: PolylineCoordinates | None, polygons: MultiPolygon | None) -> PolygonCoordinates:
        """Reconcile the legacy ring and the multi-polygon form into one value."""
        if polygons:
            return cls.model_construct(
                polygons=[
                    [[Vertex.model_construct(x=float(ring[i]), y=float(ring[i + 1])) for i in range(0, len(ring) - 1, 2)] for ring in poly]
                    for poly in polygons
                ]
            )
        if polygon is not None:
            return cls.model_construct(polygons=[[polygon.vertices]])
        return cls.model_construct(polygons=[])

    def to_wire(self) -> dict[str, Any]:
        """The two keys the SDK writes: ``polygon`` (first ring, index-keyed) and ``polygons``."""
        first = self.polygons[0][0] if self.polygons and self.polygons[0] else []
        return {
            "polygon": {str(i): {"x": v.x, "y": v.y} for i, v in enumerate(first)},
            "polygons": [[[c for v in ring for c in (v.x, v.y)] for ring in poly] for poly in self.polygons],
        }

    @property
    def outline(self) -> list[Vertex]:
        """The outline of the first polygon (what the legacy ``polygon`` key holds)."""
        return self.polygons[0][0] if self.polygons and self.polygons[0] else []


class SkeletonVertex(CamelModel):
    """One skeleton point: position, template vertex name/hash, and visibility.

    Older data marks visibility with boolean flags (``"occluded": true``); those stay as they are
    and :attr:`effective_visibility` reads either form.
    """

    x: Coordinate
    y: Coordinate
    name: str | None = None
    color: str | None = None
    feature_hash: str | None = None
    value: str | None = None
    visibility: Union[Visibility, str, None] = Field(default=None, union_mode="left_to_right")

    @property
    def effective_visibility(self) -> Visibility | str | None:
        """The ``visibility`` value, or the one implied by a legacy boolean flag."""
        if self.visibility is not None:
            return self.visibility
        extra = self.__pydantic_extra__ or {}
        for flag in (Visibility.INVISIBLE, Visibility.OCCLUDED, Visibility.SELF_OCCLUDED, Visibility.VISIBLE):
            if extra.get(flag.value) is True:
                return flag
        return None


class SkeletonCoordinates(RootModel[dict[str, SkeletonVertex]]):
    """A skeleton instance; on the wire an index-keyed dict of :class:`SkeletonVertex`."""

    @property
    def vertices(self) -> list[SkeletonVertex]:
        """The vertices in template order."""
        return _sorted_vertices(self.root)


class BitmaskCoordinates(CamelModel):
    """A full-frame mask as an Encord RLE string (``rleString`` on the wire).

    Example:
        >>> mask = np.zeros((4, 6), dtype=bool); mask[1:3, 2:5] = True
        >>> BitmaskCoordinates.from_mask(mask).rle_string
        '83304'
    """

    top: StrictInt = 0
    left: StrictInt = 0
    height: StrictInt
    width: StrictInt
    rle_string: str

    @classmethod
    def from_mask(cls, mask: np.ndarray) -> BitmaskCoordinates:
        """Encode a 2-D boolean array covering the whole frame."""
        if mask.ndim != 2:
            raise ValueError(f"a bitmask must be a 2-D array, got shape {mask.shape}")
        height, width = mask.shape
        return cls(top=0, left=0, height=height, width=width, rle_string=rle_encode(mask))

    def to_mask(self) -> np.ndarray:
        """Decode into a ``(height, width)`` boolean array."""
        return rle_decode(self.rle_string, self.height, self.width)


def _px(fraction: float, size: int) -> int:
    # Round half up, never truncate: 0.999 of 100 px is pixel 100, not 99.
    return math.floor(fraction * size + 0.5)


@singledispatch
def to_pixels(value: Any, width: int, height: int) -> Any:
    """Convert normalised geometry into pixel coordinates of a ``width`` x ``height`` frame.

    This is the one place fractions become pixels (rounded half up, never truncated).

    Returns, by input type:
        * :class:`Vertex`, :class:`PointCoordinates`: ``(x, y)``.
        * :class:`BoundingBox`: ``(x0, y0, x1, y1)``.
        * :class:`RotatableBoundingBox`: the four corners ``[(x, y), ...]``, clockwise from the
          top-left of the unrotated box.
        * :class:`PolylineCoordinates`: ``[(x, y), ...]``.
        * :class:`PolygonCoordinates`: polygons -> rings -> ``[(x, y), ...]``.
        * :class:`SkeletonCoordinates`: ``[(x, y), ...]`` in template order.
        * :class:`BitmaskCoordinates`: the decoded ``(height, width)`` boolean array.

    Example:
        >>> to_pixels(Vertex(x=0.5, y=0.25), 640, 480)
        (320, 120)

    Raises:
        TypeError: the value is not geometry.
        ValueError: a bitmask whose size differs from the frame.
    """
    raise TypeError(f"cannot convert {type(value).__name__} to pixels")


@to_pixels.register
def _(value: Vertex, width: int, height: int) -> PixelPoint:
    return _px(value.x, width), _px(value.y, height)


@to_pixels.register
def _(value: SkeletonVertex, width: int, height: int) -> PixelPoint:
    return _px(value.x, width), _px(value.y, height)


@to_pixels.register
def _(value: PointCoordinates, width: int, height: int) -> PixelPoint:
    return to_pixels(value.vertex, width, height)


@to_pixels.register
def _(value: BoundingBox, width: int, height: int) -> Any:
    if type(value) is not BoundingBox and isinstance(value, RotatableBoundingBox):  # isinstance on models is slow
        return _rotated_corners(value, width, height)
    x, y = value.x, value.y
    # _px inlined: frames hold hundreds of boxes
    return (
        math.floor(x * width + 0.5),
        math.floor(y * height + 0.5),
        math.floor((x + value.w) * width + 0.5),
        math.floor((y + value.h) * height + 0.5),
    )


def _rotated_corners(box: RotatableBoundingBox, width: int, height: int) -> list[PixelPoint]:
    # Rotate in pixel space (not in fractions) so non-square frames do not shear the box.
    x0, y0, w, h = box.x * width, box.y * height, box.w * width, box.h * height
    cx, cy = x0 + w / 2, y0 + h / 2
    angle = math.radians(box.theta)
    cos, sin = math.cos(angle), math.sin(angle)
    corners = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        # With y pointing down, this standard rotation turns clockwise on screen.
        corners.append((math.floor(cx + dx * cos - dy * sin + 0.5), math.floor(cy + dx * sin + dy * cos + 0.5)))
    return corners


# Vertex lists convert with _px directly: a dispatch per vertex would cost more than the rounding.
@to_pixels.register
def _(value: PolylineCoordinates, width: int, height: int) -> list[PixelPoint]:
    return [(_px(v.x, width), _px(v.y, height)) for v in value.vertices]


@to_pixels.register
def _(value: PolygonCoordinates, width: int, height: int) -> list[list[list[PixelPoint]]]:
    return [[[(_px(v.x, width), _px(v.y, height)) for v in ring] for ring in poly] for poly in value.polygons]


@to_pixels.register
def _(value: SkeletonCoordinates, width: int, height: int) -> list[PixelPoint]:
    return [(_px(v.x, width), _px(v.y, height)) for v in value.vertices]


@to_pixels.register
def _(value: BitmaskCoordinates, width: int, height: int) -> np.ndarray:
    if (value.width, value.height) != (width, height):
        raise ValueError(f"bitmask is {value.width}x{value.height} but the frame is {width}x{height}")
    return value.to_mask()
