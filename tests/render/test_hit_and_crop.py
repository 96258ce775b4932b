"""Click-to-inspect finds the object that is drawn under the pixel; gallery crops frame one object."""

from __future__ import annotations

import numpy as np

from encord_nb.render import Style, crop_box, object_at

from ._shapes import bitmask, box, point, polygon, polyline, rotated, skeleton

W, H = 100, 80


def test_topmost_of_overlapping_boxes_wins_and_selection_lifts_an_object():
    # Given two overlapping boxes, the second drawn later,
    lower, upper = box(0.1, 0.1, 0.5, 0.5, object_hash="lower"), box(0.3, 0.3, 0.5, 0.5, object_hash="upper")
    # when clicking where they overlap, then the later one is found,
    assert object_at([lower, upper], 40, 30, W, H).object_hash == "upper"
    # and when the first is selected (drawn on top), then it is found instead.
    assert object_at([lower, upper], 40, 30, W, H, selected="lower").object_hash == "lower"
    # Only one of them covers (15, 12); nothing covers (95, 5).
    assert object_at([lower, upper], 15, 12, W, H).object_hash == "lower"
    assert object_at([lower, upper], 95, 5, W, H) is None


def test_box_edges_follow_the_pixel_convention():
    # A box over columns 10..59 is hit at 10 and 59, missed at 9 and 60.
    ann = box(0.1, 0.1, 0.5, 0.5)
    assert object_at([ann], 10, 8, W, H) and object_at([ann], 59, 47, W, H)
    assert object_at([ann], 9, 8, W, H) is None and object_at([ann], 60, 47, W, H) is None


def test_a_click_in_a_polygon_hole_finds_what_lies_beneath():
    # Given a big box under a polygon with a hole,
    under = box(0, 0, 1, 1, object_hash="under")
    ring = polygon([(0.1, 0.125), (0.6, 0.125), (0.6, 0.625), (0.1, 0.625)], [(0.2, 0.25), (0.4, 0.25), (0.4, 0.375), (0.2, 0.375)])
    # then a click in the hole finds the box, a click on the ring finds the polygon.
    assert object_at([under, ring], 30, 25, W, H).object_hash == "under"
    assert object_at([under, ring], 15, 15, W, H).object_hash == "poly"


def test_rotated_box_is_hit_inside_its_turned_outline_only():
    ann = rotated(0.3, 0.4375, 0.4, 0.125, 90)  # stands at columns 45..54, rows 20..59
    assert object_at([ann], 50, 25, W, H) is not None
    assert object_at([ann], 35, 40, W, H) is None  # inside the unrotated box, outside the turned one


def test_bitmask_is_hit_on_its_pixels_only():
    mask = np.zeros((H, W), bool)
    mask[10:12, 20:22] = True
    ann = bitmask(mask)
    assert object_at([ann], 21, 11, W, H) is not None
    assert object_at([ann], 22, 11, W, H) is None


def test_lines_points_and_skeletons_are_hit_near_their_strokes():
    line = polyline([(0.1, 0.5), (0.9, 0.5)])  # y = 40
    assert object_at([line], 50, 43, W, H, tolerance=3) is not None
    assert object_at([line], 50, 48, W, H, tolerance=3) is None
    dot = point(0.5, 0.25)  # (50, 20), drawn with radius 3 at line width 1
    assert object_at([dot], 54, 20, W, H, tolerance=2) is not None
    assert object_at([dot], 57, 20, W, H, tolerance=2) is None
    skel = skeleton([(0.1, 0.1), (0.5, 0.1), (0.9, 0.9)], [(0, 1)], invisible={2})
    assert object_at([skel], 30, 8, W, H).object_hash == "skel"  # on the edge
    assert object_at([skel], 90, 72, W, H) is None  # the invisible vertex


def test_hidden_objects_are_not_hit_when_the_painter_filter_is_used():
    cat, dog = box(0, 0, 1, 1, name="Cat", object_hash="c"), box(0, 0, 1, 1, name="Dog", object_hash="d")
    shown = Style(hidden_classes={"Dog"}).visible([cat, dog])
    assert object_at(shown, 5, 5, W, H).object_hash == "c"


def test_crop_box_adds_a_margin_and_stays_inside():
    # Given a 20 x 16 px box at (40, 32), then the crop adds 10 % (at least 4 px) on each side.
    assert crop_box(box(0.4, 0.4, 0.2, 0.2), W, H) == (36, 28, 64, 52)
    # A box in the corner is cropped at the image edge; one outside has no crop.
    assert crop_box(box(0.0, 0.0, 0.2, 0.2), W, H) == (0, 0, 24, 20)
    assert crop_box(box(1.5, 1.5, 0.2, 0.2), W, H) is None
