"""The client's fast read of one frame: just what object instances need, checked in C by msgspec.

Building SDK-style instances for every object of a long video is the hot path of the client, so a
frame's objects are decoded straight from their JSON bytes into small records holding identity,
annotation metadata and geometry (numbers are checked to be numbers; unknown keys are skipped).
The full, typed wire models of :mod:`encord_nb.models` stay available for a frame on demand
(``LabelRowV2.frame_labels``), and unchanged objects are always written back from their original JSON.
"""

from __future__ import annotations

from typing import Any, Union

import msgspec

from encord_nb import models
from encord_nb.exceptions import LabelFormatError
from encord_nb.models import Shape

from ._coordinates import (
    BitmaskCoordinates,
    BoundingBoxCoordinates,
    Coordinates,
    OtherCoordinates,
    PointCoordinate,
    PolygonCoordinates,
    PolylineCoordinates,
    RotatableBoundingBoxCoordinates,
    SkeletonCoordinate,
    SkeletonCoordinates,
)


class _Bitmask(msgspec.Struct, kw_only=True, rename="camel"):
    top: int = 0
    left: int = 0
    height: int
    width: int
    rle_string: str


_Ring = Union[dict[str, PointCoordinate], list[PointCoordinate], None]


_NO_RAW = msgspec.Raw(b"null")


class ObjectRecord(msgspec.Struct, kw_only=True, rename="camel"):
    """One frame object as the client reads it (wire keys are camelCase)."""

    object_hash: str
    feature_hash: str
    shape: str
    created_at: Union[str, None] = None
    created_by: Union[str, None] = None
    last_edited_at: Union[str, None] = None
    last_edited_by: Union[str, None] = None
    confidence: Union[float, None] = None
    manual_annotation: Union[bool, None] = None
    reviews: Union[list[Any], None] = None
    is_deleted: Union[bool, None] = None
    bounding_box: Union[BoundingBoxCoordinates, None] = None
    rotatable_bounding_box: Union[RotatableBoundingBoxCoordinates, None] = None
    polygon: msgspec.Raw = _NO_RAW  # usually repeats ``polygons``: decoded only when that is missing
    polygons: Union[list[list[list[float]]], None] = None
    polyline: _Ring = None
    point: Union[dict[str, PointCoordinate], None] = None
    skeleton: Union[dict[str, SkeletonCoordinate], None] = None
    bitmask: Union[_Bitmask, None] = None


class FrameRecord(msgspec.Struct):
    objects: list[ObjectRecord] = []


_frame_decoder = msgspec.json.Decoder(FrameRecord)
_ring_decoder = msgspec.json.Decoder(_Ring)
_KNOWN_SHAPES = {s.value for s in Shape}


def read_frame(value: Any, *, label_hash: str | None, where: str) -> list[ObjectRecord]:
    """The object records of one frame's labels (encoded JSON bytes or an already decoded dict).

    Raises:
        LabelFormatError: naming the row, the object and the field that does not fit.
    """
    try:
        # An already decoded frame (a small image row) is encoded again: one decoding path for all.
        frame = _frame_decoder.decode(value if isinstance(value, (bytes, bytearray)) else msgspec.json.encode(value))
    except (msgspec.ValidationError, msgspec.DecodeError) as error:
        raise _located_error(error, value, label_hash, where) from None
    for record in frame.objects:
        if record.shape not in _KNOWN_SHAPES:
            raise LabelFormatError(
                f"label row does not fit the Encord format: unknown shape {record.shape!r}",
                label_hash=label_hash,
                object_hash=record.object_hash,
                field=f"{where}.shape",
            )
    return frame.objects


def _located_error(error: Exception, value: Any, label_hash: str | None, where: str) -> LabelFormatError:
    message = str(error)
    object_hash = None
    field = where
    # msgspec names the path like "$.objects[3].boundingBox.x": find that object's hash for the message.
    if "$.objects[" in message:
        index = int(message.split("$.objects[", 1)[1].split("]", 1)[0])
        try:
            decoded = msgspec.json.decode(value) if isinstance(value, (bytes, bytearray)) else value
            object_hash = decoded["objects"][index].get("objectHash")
        except Exception:  # the data is broken beyond the first error; name what we can
            object_hash = None
        field = f"{where}.objects[{index}]" + message.split("]", 1)[1].split(" ", 1)[0].rstrip("`")
    return LabelFormatError(
        f"label row does not fit the Encord format: {message}", label_hash=label_hash, object_hash=object_hash, field=field
    )


def _by_index(vertices: dict[str, Any] | list[Any]) -> list[Any]:
    if isinstance(vertices, list):
        return vertices
    return [vertices[k] for k in sorted(vertices, key=int)]


def coordinates_of(record: ObjectRecord, annotation: Any) -> Coordinates:
    """The SDK-named coordinates of a record.

    ``annotation`` is asked for the object's wire dict (``_raw_dict()``, for shapes kept as they are)
    and for the frame's ``(width, height)`` (``_frame_size()``, to check bitmasks) only when needed.

    Raises:
        LabelFormatError: the geometry key of the shape is missing, or a bitmask does not fit its frame.
    """
    shape = record.shape
    try:
        if shape == "bounding_box":
            if record.bounding_box is None:
                raise TypeError
            return record.bounding_box  # decoded straight into the coordinates class
        if shape == "rotatable_bounding_box":
            if record.rotatable_bounding_box is None:
                raise TypeError
            return record.rotatable_bounding_box
        if shape == "point":
            point = record.point
            if len(point) == 1:  # type: ignore[arg-type]
                return next(iter(point.values()))  # type: ignore[union-attr]
            return _by_index(point)[0]  # type: ignore[arg-type]
        if shape == "polygon":
            if record.polygons:
                # Rings are flat [x0, y0, x1, y1, ...]: pair the even and odd entries.
                return PolygonCoordinates(
                    polygons=[[list(map(PointCoordinate, r[0::2], r[1::2])) for r in p] for p in record.polygons]
                )
            return PolygonCoordinates(_by_index(_ring_decoder.decode(record.polygon)))  # type: ignore[arg-type]
        if shape == "polyline":
            return PolylineCoordinates(_by_index(record.polyline))  # type: ignore[arg-type]
        if shape == "skeleton":
            return SkeletonCoordinates(_by_index(record.skeleton))  # type: ignore[arg-type]
        if shape == "bitmask":
            m = record.bitmask
            width, height = annotation._frame_size()
            if width and height and (m.width, m.height) != (width, height):  # type: ignore[union-attr]
                raise LabelFormatError(
                    f"bitmask is {m.width}x{m.height} but its image is {width}x{height}; re-export the mask at the image size",  # type: ignore[union-attr]
                    object_hash=record.object_hash,
                    field="bitmask",
                )
            return BitmaskCoordinates(
                models.BitmaskCoordinates(top=m.top, left=m.left, height=m.height, width=m.width, rle_string=m.rle_string)  # type: ignore[union-attr]
            )
    except (AttributeError, IndexError, TypeError):
        raise LabelFormatError(
            f"label row does not fit the Encord format: a {shape} object needs its geometry key",
            object_hash=record.object_hash,
            field=shape,
        ) from None
    wire = annotation._raw_dict()
    geometry_free = {"name", "color", "shape", "value", "createdAt", "createdBy", "confidence", "objectHash", "featureHash",
                     "manualAnnotation", "lastEditedAt", "lastEditedBy", "isDeleted", "reviews", "objectNumber"}
    return OtherCoordinates(shape, {k: v for k, v in wire.items() if k not in geometry_free})
