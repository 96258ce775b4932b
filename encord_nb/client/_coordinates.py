"""Coordinates in the SDK's names, all normalised to 0..1 of the frame, and their wire form.

Each class converts to the wire keys the SDK writes (:meth:`to_wire`) and to the typed geometry of
:mod:`encord_nb.models` (:meth:`to_model`), which the renderers draw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

import msgspec
import numpy as np

from encord_nb import models
from encord_nb.exceptions import UsageError
from encord_nb.models import Shape


class BoundingBoxCoordinates(msgspec.Struct, frozen=True, rename={"height": "h", "width": "w", "top_left_x": "x", "top_left_y": "y"}):
    """An axis-aligned box: top-left corner and size, as fractions of the frame.

    Coordinates are immutable: give an annotation new ones with ``annotation.coordinates = ...``.

    Example:
        >>> BoundingBoxCoordinates(height=0.2, width=0.3, top_left_x=0.1, top_left_y=0.1).to_wire()
        {'boundingBox': {'h': 0.2, 'w': 0.3, 'x': 0.1, 'y': 0.1}}
    """

    height: float
    width: float
    top_left_x: float
    top_left_y: float

    def to_wire(self) -> dict[str, Any]:
        return {"boundingBox": {"h": self.height, "w": self.width, "x": self.top_left_x, "y": self.top_left_y}}

    def to_model(self) -> models.BoundingBox:
        return models.BoundingBox(h=self.height, w=self.width, x=self.top_left_x, y=self.top_left_y)


class RotatableBoundingBoxCoordinates(
    msgspec.Struct, frozen=True, rename={"height": "h", "width": "w", "top_left_x": "x", "top_left_y": "y"}
):
    """A box turned by ``theta`` degrees about its centre."""

    height: float
    width: float
    top_left_x: float
    top_left_y: float
    theta: float = 0.0

    def to_wire(self) -> dict[str, Any]:
        return {
            "rotatableBoundingBox": {
                "h": self.height, "w": self.width, "x": self.top_left_x, "y": self.top_left_y, "theta": self.theta
            }
        }

    def to_model(self) -> models.RotatableBoundingBox:
        return models.RotatableBoundingBox(h=self.height, w=self.width, x=self.top_left_x, y=self.top_left_y, theta=self.theta)


class PointCoordinate(msgspec.Struct, frozen=True):
    """One point (a ``point`` object, or a vertex of a polygon or polyline)."""

    x: float
    y: float

    def to_wire(self) -> dict[str, Any]:
        return {"point": {"0": {"x": self.x, "y": self.y}}}

    def to_model(self) -> models.PointCoordinates:
        return models.PointCoordinates.of(self.x, self.y)


def _indexed(points: list[PointCoordinate]) -> dict[str, dict[str, float]]:
    return {str(i): {"x": p.x, "y": p.y} for i, p in enumerate(points)}


@dataclass(init=False, slots=True)
class PolygonCoordinates:
    """A polygon: ``values`` is its outline; ``polygons`` holds every polygon's rings (holes after the outline).

    Example:
        >>> square = PolygonCoordinates([PointCoordinate(0, 0), PointCoordinate(1, 0), PointCoordinate(1, 1)])
        >>> square.to_wire()["polygons"]
        [[[0, 0, 1, 0, 1, 1]]]
    """

    values: list[PointCoordinate]
    polygons: list[list[list[PointCoordinate]]] = field(repr=False)

    def __init__(
        self,
        values: list[PointCoordinate] | None = None,
        polygons: list[list[list[PointCoordinate]]] | None = None,
    ):
        if polygons is None:
            if values is None:
                raise UsageError("A polygon needs `values` (its outline) or `polygons`.")
            polygons = [[list(values)]]
        if values is None:
            values = list(polygons[0][0]) if polygons and polygons[0] else []
        self.values = list(values)
        self.polygons = polygons

    def to_wire(self) -> dict[str, Any]:
        return {
            "polygon": _indexed(self.values),
            "polygons": [[[c for p in ring for c in (p.x, p.y)] for ring in poly] for poly in self.polygons],
        }

    def to_model(self) -> models.PolygonCoordinates:
        return models.PolygonCoordinates(
            polygons=[[[models.Vertex(x=p.x, y=p.y) for p in ring] for ring in poly] for poly in self.polygons]
        )


@dataclass(slots=True)
class PolylineCoordinates:
    """An open path through ``values``."""

    values: list[PointCoordinate]

    def to_wire(self) -> dict[str, Any]:
        return {"polyline": _indexed(self.values)}

    def to_model(self) -> models.PolylineCoordinates:
        return models.PolylineCoordinates.of([(p.x, p.y) for p in self.values])


class SkeletonCoordinate(msgspec.Struct, frozen=True, rename="camel"):
    """One skeleton vertex."""

    x: float
    y: float
    name: Union[str, None] = None
    color: Union[str, None] = None
    feature_hash: Union[str, None] = None
    value: Union[str, None] = None
    visibility: Union[str, None] = None


@dataclass(slots=True)
class SkeletonCoordinates:
    """A skeleton instance: its vertices in template order, and the template's name."""

    values: list[SkeletonCoordinate]
    name: str | None = None

    def to_wire(self) -> dict[str, Any]:
        vertices = {}
        for i, v in enumerate(self.values):
            entry: dict[str, Any] = {"x": v.x, "y": v.y}
            for key, value in (("name", v.name), ("color", v.color), ("featureHash", v.feature_hash), ("value", v.value), ("visibility", v.visibility)):
                if value is not None:
                    entry[key] = value
            vertices[str(i)] = entry
        return {"skeleton": vertices}

    def to_model(self) -> models.SkeletonCoordinates:
        return models.SkeletonCoordinates.model_validate(self.to_wire()["skeleton"])


@dataclass(init=False)
class BitmaskCoordinates:
    """A full-frame mask, kept as Encord's RLE string.

    Example:
        >>> mask = np.zeros((2, 3), dtype=bool); mask[0, 1] = True
        >>> int(BitmaskCoordinates(mask).to_numpy_array().sum())
        1
    """

    encoded: models.BitmaskCoordinates = field(repr=False)

    def __init__(self, source: np.ndarray | models.BitmaskCoordinates):
        encoded = source if isinstance(source, models.BitmaskCoordinates) else models.BitmaskCoordinates.from_mask(np.asarray(source, dtype=bool))
        self.encoded = encoded

    @property
    def width(self) -> int:
        return self.encoded.width

    @property
    def height(self) -> int:
        return self.encoded.height

    def to_numpy_array(self) -> np.ndarray:
        return self.encoded.to_mask()

    def to_wire(self) -> dict[str, Any]:
        return {"bitmask": self.encoded.model_dump(mode="json", by_alias=True)}

    def to_model(self) -> models.BitmaskCoordinates:
        return self.encoded


@dataclass(slots=True)
class OtherCoordinates:
    """Geometry of a shape this toolkit keeps but does not interpret (circle, cuboid, ...): the raw wire keys."""

    shape: str
    wire: dict[str, Any]

    def to_wire(self) -> dict[str, Any]:
        return dict(self.wire)

    def to_model(self) -> None:
        return None


Coordinates = Union[
    BoundingBoxCoordinates,
    RotatableBoundingBoxCoordinates,
    PointCoordinate,
    PolygonCoordinates,
    PolylineCoordinates,
    SkeletonCoordinates,
    BitmaskCoordinates,
    OtherCoordinates,
]

#: Which coordinates class fits each ontology shape.
COORDINATES_FOR_SHAPE: dict[Shape, type] = {
    Shape.BOUNDING_BOX: BoundingBoxCoordinates,
    Shape.ROTATABLE_BOUNDING_BOX: RotatableBoundingBoxCoordinates,
    Shape.POINT: PointCoordinate,
    Shape.POLYGON: PolygonCoordinates,
    Shape.POLYLINE: PolylineCoordinates,
    Shape.SKELETON: SkeletonCoordinates,
    Shape.BITMASK: BitmaskCoordinates,
}

#: Wire keys of geometry, so an edited object drops its old geometry before writing the new one.
GEOMETRY_KEYS = ("boundingBox", "rotatableBoundingBox", "polygon", "polygons", "polyline", "point", "skeleton", "bitmask")


def check_coordinates(shape: Shape, coordinates: Any, what: str) -> None:
    """Refuse coordinates that do not fit the ontology shape (nothing is changed)."""
    expected = COORDINATES_FOR_SHAPE.get(shape)
    if expected is None:
        if not isinstance(coordinates, OtherCoordinates):
            raise UsageError(f"{what} has shape {shape.value}; pass its geometry as OtherCoordinates.")
        return
    if not isinstance(coordinates, expected):
        raise UsageError(
            f"{what} has shape {shape.value} and takes {expected.__name__}, not {type(coordinates).__name__}."
        )
