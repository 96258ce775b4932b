"""Frame objects (``labels.objects[]``): one class per shape, chosen by the ``shape`` key."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Field, model_validator

from ._answers import FrameClassification, _AnnotationInfo
from ._base import WireModel
from ._enums import Shape
from ._geometry import (
    BitmaskCoordinates,
    BoundingBox,
    MultiPolygon,
    PointCoordinates,
    PolygonCoordinates,
    PolylineCoordinates,
    RotatableBoundingBox,
    SkeletonCoordinates,
)


class FrameObject(_AnnotationInfo):
    """An object instance on one frame. The same ``object_hash`` on several frames is one track.

    Concrete classes add the geometry key of their shape; :attr:`coordinates` returns it typed.

    Example:
        >>> obj = BoundingBoxObject(object_hash="o1", feature_hash="F1", shape="bounding_box",
        ...                         bounding_box=BoundingBox(x=0, y=0, w=1, h=1))
        >>> obj.coordinates.w
        1.0
    """

    object_hash: str
    feature_hash: str
    shape: Shape
    name: str | None = None
    value: str | None = None
    color: str | None = None
    reviews: list[Any] | None = None
    is_deleted: bool | None = None

    @property
    def coordinates(self) -> Any:
        """The geometry of this object (``None`` for shapes without typed geometry)."""
        return None


class BoundingBoxObject(FrameObject):
    """A frame object of shape ``bounding_box``."""

    shape: Literal[Shape.BOUNDING_BOX] = Shape.BOUNDING_BOX
    bounding_box: BoundingBox

    @property
    def coordinates(self) -> BoundingBox:
        return self.bounding_box


class RotatableBoundingBoxObject(FrameObject):
    """A frame object of shape ``rotatable_bounding_box``."""

    shape: Literal[Shape.ROTATABLE_BOUNDING_BOX] = Shape.ROTATABLE_BOUNDING_BOX
    rotatable_bounding_box: RotatableBoundingBox

    @property
    def coordinates(self) -> RotatableBoundingBox:
        return self.rotatable_bounding_box


class PolygonObject(FrameObject):
    """A frame object of shape ``polygon``: legacy ``polygon`` ring and/or multi-polygon ``polygons``."""

    shape: Literal[Shape.POLYGON] = Shape.POLYGON
    polygon: PolylineCoordinates | None = None
    polygons: MultiPolygon | None = None

    @model_validator(mode="after")
    def _has_geometry(self) -> PolygonObject:
        if not self.polygons and self.polygon is None:
            raise ValueError("a polygon needs a 'polygon' or a 'polygons' key")
        return self

    @property
    def coordinates(self) -> PolygonCoordinates:
        return PolygonCoordinates.from_wire(self.polygon, self.polygons)


class PolylineObject(FrameObject):
    """A frame object of shape ``polyline``."""

    shape: Literal[Shape.POLYLINE] = Shape.POLYLINE
    polyline: PolylineCoordinates

    @property
    def coordinates(self) -> PolylineCoordinates:
        return self.polyline


class PointObject(FrameObject):
    """A frame object of shape ``point``."""

    shape: Literal[Shape.POINT] = Shape.POINT
    point: PointCoordinates

    @property
    def coordinates(self) -> PointCoordinates:
        return self.point


class SkeletonObject(FrameObject):
    """A frame object of shape ``skeleton``; the ontology's template gives vertex names and edges."""

    shape: Literal[Shape.SKELETON] = Shape.SKELETON
    skeleton: SkeletonCoordinates

    @property
    def coordinates(self) -> SkeletonCoordinates:
        return self.skeleton


class BitmaskObject(FrameObject):
    """A frame object of shape ``bitmask``; the mask covers the whole frame."""

    shape: Literal[Shape.BITMASK] = Shape.BITMASK
    bitmask: BitmaskCoordinates

    @property
    def coordinates(self) -> BitmaskCoordinates:
        return self.bitmask


class OtherShapeObject(FrameObject):
    """A frame object of a shape Encord knows but this toolkit does not draw (circle, cuboid, ...).

    Its geometry key is kept untouched among the extra keys.
    """

    shape: Literal[
        Shape.CIRCLE, Shape.ELLIPSE, Shape.CUBOID, Shape.CUBOID_2D, Shape.AUDIO, Shape.TIME_RANGE, Shape.TEXT, Shape.SEGMENTATION
    ]


#: Any frame object; the ``shape`` key picks the class in one pass (an unknown shape is an error).
AnyFrameObject = Annotated[
    Union[
        BoundingBoxObject,
        RotatableBoundingBoxObject,
        PolygonObject,
        PolylineObject,
        PointObject,
        SkeletonObject,
        BitmaskObject,
        OtherShapeObject,
    ],
    Field(discriminator="shape"),
]


class FrameLabels(WireModel):
    """What one frame (or one image) holds: its objects and legacy per-frame classification entries.

    Example:
        >>> FrameLabels().objects
        []
    """

    objects: list[AnyFrameObject] = Field(default_factory=list)
    classifications: list[FrameClassification] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_frame_keyed(self) -> FrameLabels:
        # A frame-keyed (video) labels dict whose frames failed must not pass as one image's labels.
        extra = self.__pydantic_extra__
        if extra and any(key.isdigit() for key in extra):
            raise ValueError("frame-keyed labels hold an invalid frame")
        return self
