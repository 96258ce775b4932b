"""The Pillow painter's output, pixel for pixel, against pictures drawn with plain primitives."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from encord_nb.exceptions import UsageError
from encord_nb.render import PALETTE, PillowPainter, Style, encode_image, palette_colour
from encord_nb.render._text import LabelPlacer

from ._shapes import bitmask, box, changed, point, polygon, polyline, rotated, skeleton

RED, BLUE = (220, 20, 20), (20, 40, 220)


def _plain(image: Image.Image) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    copy = image.copy()
    return copy, ImageDraw.Draw(copy)


def test_box_outline_lies_inside_the_box_pixel_exact(grey):
    # Given a box over pixels 10..59 x 8..47 and a 3 px line, no fill and no label,
    ann = box(0.1, 0.1, 0.5, 0.5, colour=RED)
    out = PillowPainter(fill_opacity=0, show_labels=False, line_width=3).draw(grey, [ann])
    # then exactly a 3 px frame inside that box is red, and nothing else changed.
    expected = np.asarray(grey).copy()
    frame = np.zeros((80, 100), bool)
    frame[8:48, 10:60] = True
    frame[11:45, 13:57] = False
    expected[frame] = RED
    assert np.array_equal(np.asarray(out), expected)


@pytest.mark.parametrize("colour", [RED, "#dc1414"], ids=["rgb", "colour name"])
@pytest.mark.parametrize(("w", "h", "line_width"), [(3, 30, 2), (4, 4, 2), (30, 1, 1), (6, 6, 3)])
def test_an_outline_wider_than_half_the_box_covers_the_box_and_no_more(grey, colour, w, h, line_width):
    # Given a box of w x h pixels at (10, 8), with a line at least half as wide as the box,
    ann = box(0.1, 0.1, w / 100, h / 80, colour=colour)
    out = PillowPainter(fill_opacity=0, show_labels=False, line_width=line_width).draw(grey, [ann])
    # then exactly the box's pixels are red: the outline covers them all and spills nowhere.
    expected = np.asarray(grey).copy()
    expected[8 : 8 + h, 10 : 10 + w] = RED
    assert np.array_equal(np.asarray(out), expected)


def test_box_fill_blends_exactly_the_box(grey):
    # Given a 40 % fill, then every pixel of the box (and only those) is blended with the colour.
    ann = box(0.1, 0.1, 0.5, 0.5, colour=RED)
    out = PillowPainter(fill_opacity=0.4, show_labels=False, line_width=1).draw(grey, [ann])
    expected, draw = _plain(grey)
    region = (10, 8, 60, 48)
    expected.paste(Image.blend(grey.crop(region), Image.new("RGB", (50, 40), RED), round(0.4 * 255) / 255), region)
    draw.rectangle((10, 8, 59, 47), outline=RED, width=1)
    assert np.array_equal(np.asarray(out), np.asarray(expected))


def test_polygon_with_hole_is_filled_even_odd_and_outlined(grey):
    # Given an outline 10..60 x 10..50 with a hole 20..40 x 20..30,
    outer = [(0.1, 0.125), (0.6, 0.125), (0.6, 0.625), (0.1, 0.625)]
    hole = [(0.2, 0.25), (0.4, 0.25), (0.4, 0.375), (0.2, 0.375)]
    out = PillowPainter(fill_opacity=0.5, show_labels=False, line_width=1).draw(grey, [polygon(outer, hole, colour=BLUE)])
    # then the painted picture equals: the ring between them filled, then both rings outlined.
    inside = np.zeros((80, 100), np.uint8)
    inside[10:50, 10:60] = 128
    inside[20:30, 20:40] = 0
    expected, draw = _plain(grey)
    expected.paste(BLUE, (0, 0), Image.fromarray(inside))
    for ring in ([(10, 10), (60, 10), (60, 50), (10, 50)], [(20, 20), (40, 20), (40, 30), (20, 30)]):
        draw.line([*ring, ring[0]], fill=BLUE, width=1)
    assert np.array_equal(np.asarray(out), np.asarray(expected))
    # and the middle of the hole is untouched.
    assert out.getpixel((30, 25)) == (128, 128, 128)


def test_rotated_box_is_drawn_as_its_turned_outline(grey):
    # Given a 40 x 10 box turned 90 degrees about (50, 40), then it is drawn standing, 10 wide.
    out = PillowPainter(fill_opacity=0, show_labels=False, line_width=1).draw(grey, [rotated(0.3, 0.4375, 0.4, 0.125, 90, colour=RED)])
    expected, draw = _plain(grey)
    draw.line([(55, 20), (55, 60), (45, 60), (45, 20), (55, 20)], fill=RED, width=1)
    assert np.array_equal(np.asarray(out), np.asarray(expected))


def test_bitmask_overlay_covers_exactly_the_mask_pixels():
    # Given a black frame and an irregular mask, when painted at 50 %,
    rng = np.random.default_rng(7)
    mask = rng.random((60, 90)) > 0.7
    frame = Image.new("RGB", (90, 60))
    out = PillowPainter(mask_opacity=0.5, show_labels=False).draw(frame, [bitmask(mask, colour=(200, 0, 0))])
    # then the changed pixels are exactly the mask's, each blended half way.
    assert np.array_equal(changed(frame, out), mask)
    assert set(map(tuple, np.asarray(out)[mask])) == {(100, 0, 0)}


def test_polyline_point_and_skeleton_match_plain_primitives(grey):
    # Given a path, a point and a three-vertex skeleton whose third vertex is invisible,
    anns = [
        polyline([(0.1, 0.1), (0.5, 0.5), (0.9, 0.1)], colour=RED),
        point(0.2, 0.8, colour=BLUE),
        skeleton([(0.6, 0.6), (0.8, 0.8), (0.9, 0.5)], [(0, 1), (1, 2)], invisible={2}, colour=RED),
    ]
    out = PillowPainter(show_labels=False, line_width=2).draw(grey, anns)
    # then the picture is the path, the dot, and only the visible edge with its two vertices.
    expected, draw = _plain(grey)
    draw.line([(10, 8), (50, 40), (90, 8)], fill=RED, width=2)
    draw.ellipse((16, 60, 24, 68), fill=BLUE, outline=(255, 255, 255))
    draw.line([(60, 48), (80, 64)], fill=RED, width=2)
    for x, y in ((60, 48), (80, 64)):
        draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=RED, outline=(255, 255, 255))
    assert np.array_equal(np.asarray(out), np.asarray(expected))


def test_input_image_is_left_unchanged(grey):
    before = np.asarray(grey).copy()
    PillowPainter().draw(grey, [box(0.1, 0.1, 0.5, 0.5)])
    assert np.array_equal(np.asarray(grey), before)


def test_grey_and_rgba_frames_come_out_rgb():
    out = PillowPainter(show_labels=False).draw(Image.new("L", (20, 10)), [box(0, 0, 0.5, 0.5)])
    assert out.mode == "RGB" and out.size == (20, 10)


@pytest.mark.parametrize(
    ("colour_by", "expected"),
    [
        ("ontology", lambda a: a.colour),
        ("class", lambda a: palette_colour(a.class_name)),
        ("instance", lambda a: palette_colour(a.object_hash)),
        ("annotator", lambda a: palette_colour(a.created_by)),
        ("source", lambda a: (255, 127, 14) if not a.manual else (44, 160, 44)),
    ],
)
def test_colour_by_picks_the_outline_colour(grey, colour_by, expected):
    ann = box(0.1, 0.1, 0.5, 0.5, colour=(1, 2, 3), object_hash="o7", created_by="ann@example.com", manual=False)
    out = PillowPainter(colour_by=colour_by, fill_opacity=0, show_labels=False).draw(grey, [ann])
    assert out.getpixel((10, 8)) == expected(ann)
    assert expected(ann) in PALETTE or colour_by in ("ontology", "source")


def test_instances_of_one_class_get_different_colours_by_instance():
    a, b = box(0, 0, 0.1, 0.1, object_hash="obj-a"), box(0, 0, 0.1, 0.1, object_hash="obj-b")
    style = Style(colour_by="instance")
    assert style.colour_of(a) != style.colour_of(b)


def test_hidden_classes_and_confidence_threshold_hide_objects(grey):
    # Given a cat, a dog, and a low-confidence prediction,
    anns = [
        box(0.0, 0.0, 0.2, 0.2, name="Cat", object_hash="c"),
        box(0.5, 0.0, 0.2, 0.2, name="Dog", object_hash="d"),
        box(0.0, 0.5, 0.2, 0.2, name="Cat", object_hash="p", confidence=0.3, manual=False),
    ]
    # when dogs are hidden and the threshold is 0.5, then only the first cat is drawn.
    out = PillowPainter(hidden_classes={"Dog"}, min_confidence=0.5, show_labels=False, fill_opacity=0).draw(grey, anns)
    only_first = PillowPainter(show_labels=False, fill_opacity=0).draw(grey, anns[:1])
    assert np.array_equal(np.asarray(out), np.asarray(only_first))
    # Feature hashes hide too.
    assert [a.object_hash for a in Style(hidden_classes={"FDog"}).visible(anns)] == ["c", "p"]


def test_selected_object_is_drawn_on_top_and_thicker(grey):
    # Given two overlapping boxes, the first selected,
    first = box(0.1, 0.1, 0.5, 0.5, object_hash="first", colour=RED)
    second = box(0.2, 0.2, 0.5, 0.5, object_hash="second", colour=BLUE)
    painter = PillowPainter(fill_opacity=0, show_labels=False, line_width=2)
    plain = painter.draw(grey, [first, second])
    chosen = painter.draw(grey, [first, second], selected="first")
    # then where the outlines cross the selected one wins, and its line is twice as wide.
    assert plain.getpixel((59, 30)) == BLUE or plain.getpixel((59, 30)) == RED
    assert chosen.getpixel((56, 20)) == RED and plain.getpixel((56, 20)) != RED
    assert chosen.getpixel((13, 20)) == RED and plain.getpixel((13, 20)) != RED
    # And the selected fill is stronger even with fills off.
    assert chosen.getpixel((30, 30)) != plain.getpixel((30, 30))


def test_line_width_and_font_scale_with_the_display_size():
    style = Style()
    assert style.line_width_for(400, 300) == 1
    assert style.line_width_for(1920, 1080) == 4
    assert style.font_size_for(400, 300) < style.font_size_for(1920, 1080)
    assert Style(line_width=3).line_width_for(1920, 1080) == 3


def test_labels_show_class_confidence_and_chosen_attributes():
    manual = box(0, 0, 1, 1, name="Cat", attributes={"Mood": "Grumpy", "Size": "23"})
    model = box(0, 0, 1, 1, name="Cat", confidence=0.876, manual=False)
    style = Style(label_attributes=("Mood", "Colour"))
    assert style.label_text(manual) == "Cat | Mood: Grumpy"
    assert style.label_text(model) == "Cat 0.88"
    assert Style(label_confidence=False).label_text(model) == "Cat"


def test_labels_stay_inside_the_image_and_apart():
    # Given six labels asked for the same object in the bottom-right corner of a 200 x 160 image,
    placer = LabelPlacer(200, 160)
    slots = [placer.place((160, 136, 200, 160), 60, 14) for _ in range(6)]
    # then each 60 x 14 label lies inside the image and none covers another.
    boxes = [(x, y, x + 60, y + 14) for x, y in slots]
    assert all(0 <= x0 and x1 <= 200 and 0 <= y0 and y1 <= 160 for x0, y0, x1, y1 in boxes)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_label_of_an_object_at_the_top_edge_is_drawn_inside_it(grey):
    # Given a box touching the top edge, when labelled, then its label is inside the box's top-left corner.
    ann = box(0.3, 0.0, 0.6, 0.5, name="Cat", colour=RED)
    out = PillowPainter(fill_opacity=0, line_width=1, font_size=10).draw(grey, [ann])
    bare = PillowPainter(fill_opacity=0, line_width=1, show_labels=False).draw(grey, [ann])
    ys, xs = np.nonzero(changed(bare, out))
    assert xs.min() >= 30 and ys.max() < 20 and xs.max() < 90
    # Its red background starts in the box's top-left corner, where the bare picture shows the inside.
    assert out.getpixel((31, 2)) == RED and bare.getpixel((31, 2)) != RED


def test_style_refuses_bad_values_with_a_clear_error():
    with pytest.raises(UsageError, match="fill_opacity"):
        Style(fill_opacity=1.5)
    with pytest.raises(UsageError, match="colour_by"):
        Style(colour_by="rainbow")
    with pytest.raises(UsageError, match="Style"):
        PillowPainter(Style(), fill_opacity=0)


def test_encoding_for_the_widget_round_trips():
    frame = Image.new("RGB", (32, 16), (10, 200, 30))
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(encode_image(frame, "PNG")))), np.asarray(frame))
    jpeg = Image.open(io.BytesIO(encode_image(frame)))
    assert jpeg.format == "JPEG" and jpeg.size == (32, 16)
    with pytest.raises(UsageError, match="GIF"):
        encode_image(frame, "GIF")
