"""Normalised geometry becomes the right pixels: corners, rounding, clipping, rotation, holes, masks, EXIF."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from encord_nb.models import BoundingBox, RotatableBoundingBox
from encord_nb.render import even_odd_mask, full_mask, pixel_shape, upright

from ._shapes import bitmask, polygon, skeleton


def test_box_corners_are_rounded_not_truncated():
    # Given a box whose edges fall at 9.99 and 60.6 pixels, when converted, then they round to 10 and 61.
    shape = pixel_shape(BoundingBox(x=0.0999, y=0.5, w=0.5071, h=0.25), 100, 80)
    assert shape.box == (10, 40, 61, 60)


def test_box_is_clipped_to_the_image():
    # Given a box hanging over the right and top edges, then its pixel box stops at the image border.
    assert pixel_shape(BoundingBox(x=0.8, y=-0.1, w=0.5, h=0.3), 100, 80).box == (80, 0, 100, 16)
    # And a box entirely outside the image has no pixels at all.
    outside = pixel_shape(BoundingBox(x=1.2, y=0.1, w=0.1, h=0.1), 100, 80)
    assert outside.box is None and outside.extent() is None
    assert not full_mask(outside, 100, 80).any()


def test_rotated_box_turns_clockwise_about_its_centre_in_pixel_space():
    # Given a 40 x 10 px box centred at (50, 40) turned by 90 degrees, then it stands 10 wide and 40 tall.
    coords = RotatableBoundingBox(x=0.3, y=0.4375, w=0.4, h=0.125, theta=90)
    ring = pixel_shape(coords, 100, 80).polygons[0][0]
    assert sorted(ring) == sorted([(55, 20), (55, 60), (45, 60), (45, 20)])
    # Clockwise on screen: the unrotated top-left corner (30, 35) moves to the top-right (55, 20).
    assert ring[0] == (55, 20)
    mask = full_mask(pixel_shape(coords, 100, 80), 100, 80)
    expected = np.zeros((80, 100), bool)
    expected[20:60, 45:55] = True
    assert np.array_equal(mask, expected)


def test_polygon_hole_is_left_open_by_the_even_odd_rule():
    # Given an outline of 10..60 x 10..50 px with a hole of 20..40 x 20..30 px,
    ann = polygon([(0.1, 0.125), (0.6, 0.125), (0.6, 0.625), (0.1, 0.625)], [(0.2, 0.25), (0.4, 0.25), (0.4, 0.375), (0.2, 0.375)])
    # when rasterised, then exactly the ring between them is covered.
    mask = full_mask(pixel_shape(ann.coordinates, 100, 80), 100, 80)
    expected = np.zeros((80, 100), bool)
    expected[10:50, 10:60] = True
    expected[20:30, 20:40] = False
    assert np.array_equal(mask, expected)


def test_multi_polygon_covers_both_parts_and_is_clipped():
    # Given two squares, one hanging off the left edge, then both are covered, cut at the border.
    ann = polygon(polygons=[[[(-0.1, 0.0), (0.1, 0.0), (0.1, 0.25), (-0.1, 0.25)]], [[(0.5, 0.5), (0.7, 0.5), (0.7, 0.75), (0.5, 0.75)]]])
    mask = full_mask(pixel_shape(ann.coordinates, 100, 80), 100, 80)
    expected = np.zeros((80, 100), bool)
    expected[0:20, 0:10] = True
    expected[40:60, 50:70] = True
    assert np.array_equal(mask, expected)


def test_even_odd_matches_pixel_centres_for_a_triangle():
    # Given a right triangle, then a pixel is set exactly when its centre is strictly inside x + y < 20.
    box, mask = even_odd_mask([[(0, 0), (20, 0), (0, 20)]], 30, 30)
    ys, xs = np.mgrid[0:30, 0:30] + 0.5
    expected = (xs + ys) < 20
    got = np.zeros((30, 30), bool)
    got[box[1] : box[3], box[0] : box[2]] = mask
    assert np.array_equal(got, expected)


def test_self_overlapping_ring_leaves_the_overlap_open():
    # Given one ring that goes round a square twice over its left half, the doubly covered part is open.
    ring = [(0, 0), (20, 0), (20, 10), (0, 10), (0, 0), (10, 0), (10, 10), (0, 10)]
    box, mask = even_odd_mask([ring], 30, 30)
    assert box == (0, 0, 20, 10)
    assert not mask[:, :10].any() and mask[:, 10:].all()


def test_bitmask_keeps_its_pixels_and_is_resampled_for_a_smaller_display():
    # Given a 40 x 20 mask with a 10 x 4 block, then at full size the same pixels are set,
    mask = np.zeros((20, 40), bool)
    mask[4:8, 10:20] = True
    ann = bitmask(mask)
    assert np.array_equal(pixel_shape(ann.coordinates, 40, 20).mask, mask)
    # and at half size (display scale) the block halves.
    half = pixel_shape(ann.coordinates, 20, 10).mask
    expected = np.zeros((10, 20), bool)
    expected[2:4, 5:10] = True
    assert np.array_equal(half, expected)


def test_skeleton_marks_invisible_vertices():
    ann = skeleton([(0.1, 0.1), (0.5, 0.5), (0.9, 0.9)], [(0, 1)], invisible={2})
    shape = pixel_shape(ann.coordinates, 100, 80)
    assert shape.points == [(10, 8), (50, 40), (90, 72)]
    assert shape.visible == [True, True, False]


def test_unknown_geometry_is_refused_with_its_type_named():
    with pytest.raises(TypeError, match="dict"):
        pixel_shape({"x": 1}, 10, 10)


@pytest.mark.parametrize(
    ("orientation", "size", "marked"),
    [(1, (40, 20), (0, 0)), (3, (40, 20), (39, 19)), (6, (20, 40), (19, 0)), (8, (20, 40), (0, 39))],
)
def test_exif_orientation_is_applied_before_drawing(orientation, size, marked):
    # Given a 40 x 20 picture whose stored top-left pixel is white, tagged with an EXIF orientation,
    stored = Image.new("RGB", (40, 20))
    stored.putpixel((0, 0), (255, 255, 255))
    exif = stored.getexif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    stored.save(buffer, "PNG", exif=exif)  # PNG keeps the exact pixels and the EXIF block
    tagged = Image.open(buffer)
    # when made upright, then the size and the white pixel's place follow the tag.
    shown = upright(tagged)
    assert shown.size == size
    assert shown.convert("RGB").getpixel(marked) == (255, 255, 255)



def test_overlays_follow_the_display_scale_of_a_downscaled_image():
    # Given the same box on a frame shown at full size and at a quarter of it,
    coords = BoundingBox(x=0.1, y=0.2, w=0.5, h=0.25)
    # then each is converted at the size it is drawn on, rounding at that scale.
    assert pixel_shape(coords, 4000, 3000).box == (400, 600, 2400, 1350)
    assert pixel_shape(coords, 1000, 750).box == (100, 150, 600, 338)
