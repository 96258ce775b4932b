"""Typed geometry and its single conversion to pixels."""

from __future__ import annotations

import numpy as np
import pytest

from encord_nb.models import (
    BitmaskCoordinates,
    BoundingBox,
    PointCoordinates,
    PolygonCoordinates,
    PolylineCoordinates,
    RotatableBoundingBox,
    SkeletonCoordinates,
    Vertex,
    Visibility,
    to_pixels,
)


def test_pixels_are_rounded_not_truncated():
    # Given 0.999 of 100 px and 0.004 of 100 px, then they land on 100 and 0 (not 99 and 0).
    assert to_pixels(Vertex(x=0.999, y=0.004), 100, 100) == (100, 0)
    assert to_pixels(Vertex(x=0.305, y=0.5), 100, 3) == (31, 2)  # halves round up


def test_box_becomes_corner_pixels():
    # Given a box at (0.1, 0.2) of size 0.5x0.5 on 640x480, then its pixel corners follow.
    assert to_pixels(BoundingBox(x=0.1, y=0.2, w=0.5, h=0.5), 640, 480) == (64, 96, 384, 336)


def test_rotated_box_turns_clockwise_about_its_centre():
    # Given a wide box rotated by 90 degrees, then it becomes a tall box about the same centre,
    # and its first corner (the unrotated top-left) moves to the top-right.
    corners = to_pixels(RotatableBoundingBox(x=0.25, y=0.4, w=0.5, h=0.2, theta=90), 100, 100)
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    assert (min(xs), max(xs), min(ys), max(ys)) == (40, 60, 25, 75)
    assert corners[0] == (60, 25)
    unrotated = to_pixels(RotatableBoundingBox(x=0.25, y=0.4, w=0.5, h=0.2, theta=0), 100, 100)
    assert unrotated == [(25, 40), (75, 40), (75, 60), (25, 60)]


def test_polyline_reads_dict_and_list_forms_in_numeric_order():
    # Given index keys "0","2","10","1", then vertices come in numeric order; a list reads the same.
    keyed = PolylineCoordinates.model_validate({str(i): {"x": i / 20, "y": 0.0} for i in (0, 2, 10, 1)})
    assert [v.x for v in keyed.vertices] == [0.0, 0.05, 0.1, 0.5]
    listed = PolylineCoordinates.model_validate([{"x": 0.1, "y": 0.2}, {"x": 0.3, "y": 0.4}])
    assert to_pixels(listed, 10, 10) == [(1, 2), (3, 4)]
    assert listed.model_dump() == [{"x": 0.1, "y": 0.2}, {"x": 0.3, "y": 0.4}]  # the form read is kept


def test_polygons_win_over_the_legacy_ring():
    # Given both keys disagreeing, then "polygons" decides; with only the ring, it is one polygon.
    ring = PolylineCoordinates.of([(0, 0), (1, 0), (1, 1)])
    both = PolygonCoordinates.from_wire(ring, [[[0.5, 0.5, 0.6, 0.5, 0.6, 0.6]]])
    assert both.outline[0] == Vertex(x=0.5, y=0.5)
    only_ring = PolygonCoordinates.from_wire(ring, None)
    assert len(only_ring.polygons) == 1 and len(only_ring.outline) == 3
    assert to_pixels(only_ring, 10, 10) == [[[(0, 0), (10, 0), (10, 10)]]]


def test_polygon_to_wire_writes_both_keys():
    # Given a polygon with a hole, then the wire form has the first ring as "polygon" and all rings in "polygons".
    poly = PolygonCoordinates.from_wire(None, [[[0, 0, 1, 0, 1, 1], [0.2, 0.2, 0.3, 0.2, 0.3, 0.3]]])
    wire = poly.to_wire()
    assert wire["polygon"] == {"0": {"x": 0, "y": 0}, "1": {"x": 1, "y": 0}, "2": {"x": 1, "y": 1}}
    assert wire["polygons"] == [[[0, 0, 1, 0, 1, 1], [0.2, 0.2, 0.3, 0.2, 0.3, 0.3]]]


def test_point_and_skeleton_pixels():
    # Given a point and a 2-vertex skeleton, then both convert vertex by vertex.
    assert to_pixels(PointCoordinates.of(0.5, 0.5), 11, 11) == (6, 6)
    skeleton = SkeletonCoordinates.model_validate(
        {"1": {"x": 1, "y": 1, "name": "b"}, "0": {"x": 0, "y": 0, "name": "a"}}
    )
    assert to_pixels(skeleton, 4, 2) == [(0, 0), (4, 2)]


@pytest.mark.parametrize(
    "point, expected",
    [
        ({"visibility": "occluded"}, Visibility.OCCLUDED),
        ({"selfOccluded": True}, Visibility.SELF_OCCLUDED),
        ({"invisible": True}, Visibility.INVISIBLE),
        ({"visibility": "blurry"}, "blurry"),
        ({}, None),
    ],
)
def test_skeleton_visibility_reads_the_field_or_legacy_flags(point, expected):
    # Given a vertex with a visibility field, a legacy flag or nothing, then the effective visibility follows.
    vertex = SkeletonCoordinates.model_validate({"0": {"x": 0, "y": 0, "name": "a", **point}}).vertices[0]
    assert vertex.effective_visibility == expected


def test_bitmask_pixels_must_match_the_frame():
    # Given a 4x6 mask, then it converts on a 6x4 frame and is refused on another size.
    mask = BitmaskCoordinates(height=4, width=6, rle_string="83304")
    assert to_pixels(mask, 6, 4).sum() == 6
    with pytest.raises(ValueError, match="6x4"):
        to_pixels(mask, 8, 8)


def test_non_geometry_is_refused():
    # Given something that is not geometry, then to_pixels says so.
    with pytest.raises(TypeError, match="str"):
        to_pixels("box", 1, 1)


def test_mask_must_be_two_dimensional():
    with pytest.raises(ValueError, match="2-D"):
        BitmaskCoordinates.from_mask(np.zeros((2, 2, 2), dtype=bool))
