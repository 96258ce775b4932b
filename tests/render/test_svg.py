"""The SVG painter's document, read back as XML: the marks, colours and label places of the Pillow painter."""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from encord_nb.exceptions import UsageError
from encord_nb.models import rle_decode
from encord_nb.render import PillowPainter, Style, SvgPainter, pixel_shape
from encord_nb.render._colour import text_colour_on
from encord_nb.render._plan import HIGHLIGHT_EXTRA_FILL, HIGHLIGHT_WIDTH_FACTOR, plan, point_radius
from encord_nb.render._text import LABEL_PADDING, LabelPlacer, label_size

from ._shapes import bitmask, box, changed, outline_pixels, point, polygon, polyline, skeleton

SVG = "{http://www.w3.org/2000/svg}"
RED, BLUE, GREEN = (220, 20, 20), (20, 40, 220), (30, 160, 40)
OUTER = [(0.1, 0.125), (0.6, 0.125), (0.6, 0.625), (0.1, 0.625)]
HOLE = [(0.2, 0.25), (0.4, 0.25), (0.4, 0.375), (0.2, 0.375)]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return root


def elements(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(SVG + tag))


def marks(root: ET.Element) -> list[ET.Element]:
    """The drawn marks in document order (everything but the label groups and their contents)."""
    labels = {id(e) for g in elements(root, "g") for e in g.iter()}
    return [e for e in root.iter() if e is not root and id(e) not in labels]


def rgb(text: str) -> tuple[int, int, int]:
    text = text.strip().lower()
    assert re.fullmatch(r"#[0-9a-f]{6}", text), text
    return tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))


def inherited(element: ET.Element, root: ET.Element, name: str) -> str | None:
    """A presentation attribute as it applies to ``element``: its own, else its ancestors' (label groups are one deep)."""
    if name in element.attrib:
        return element.attrib[name]
    for g in elements(root, "g"):
        if element in list(g) and name in g.attrib:
            return g.attrib[name]
    return root.attrib.get(name)


def paints(element: ET.Element, root: ET.Element, name: str) -> bool:
    value = inherited(element, root, name)
    return value is not None and value != "none"


def num(element: ET.Element, name: str) -> float:
    return float(element.attrib[name])


def rect_of(element: ET.Element) -> tuple[float, float, float, float]:
    return num(element, "x"), num(element, "y"), num(element, "width"), num(element, "height")


def path_rings(d: str) -> list[list[tuple[float, float]]]:
    """Subpaths of a path made of straight segments (M, L, H, V, Z, absolute or relative)."""
    tokens = re.findall(r"[MmLlHhVvZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", d)
    rings: list[list[tuple[float, float]]] = []
    command, x, y, i = None, 0.0, 0.0, 0
    start = (0.0, 0.0)
    while i < len(tokens):
        token = tokens[i]
        if token.isalpha():
            command, i = token, i + 1
            if command in "Zz":
                x, y = start
            continue
        relative = command.islower()
        upper = command.upper()
        if upper in "ML":
            dx, dy = float(tokens[i]), float(tokens[i + 1])
            i += 2
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            if upper == "M":
                rings.append([(x, y)])
                start = (x, y)
                command = "l" if relative else "L"  # later pairs of a moveto are linetos
            else:
                rings[-1].append((x, y))
        elif upper in "HV":
            value = float(tokens[i])
            i += 1
            if upper == "H":
                x = x + value if relative else value
            else:
                y = y + value if relative else value
            rings[-1].append((x, y))
        else:
            raise AssertionError(f"unexpected path command {command!r} in {d!r}")
    # A ring written with its first point repeated at the end is the same ring.
    return [ring[:-1] if len(ring) > 1 and ring[-1] == ring[0] else ring for ring in rings]


def point_list(text: str) -> list[tuple[float, float]]:
    values = [float(v) for v in re.split(r"[\s,]+", text.strip())]
    return list(zip(values[::2], values[1::2]))


def colour_of(element: ET.Element, root: ET.Element) -> tuple[int, int, int] | None:
    """The colour an element paints with (its fill, else its stroke), or ``None``."""
    for name in ("fill", "stroke"):
        if paints(element, root, name):
            return rgb(inherited(element, root, name))
    return None


def edge_rings(element: ET.Element, root: ET.Element) -> list[list[tuple[float, float]]]:
    """The rings bounding what a filled rect or a straight-edged filled path paints."""
    # A stroke paints half a line beyond its rings, off the pixel edges: box marks are filled, never stroked.
    assert not paints(element, root, "stroke"), f"a stroked {element.tag}"
    if element.tag == SVG + "path":
        return path_rings(element.attrib["d"])
    assert element.tag == SVG + "rect", element.tag
    x, y, w, h = rect_of(element)
    return [[(x, y), (x + w, y), (x + w, y + h), (x, y + h)]]


def coverage(rings, rule: str, width: int, height: int) -> np.ndarray:
    """Pixels whose centre the rings enclose by ``rule`` ("evenodd" or "nonzero"), as SVG fills them."""
    ys, xs = np.mgrid[0:height, 0:width] + 0.5
    winding = np.zeros((height, width), int)
    for ring in rings:
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]):
            if ay == by:
                continue
            crosses = (np.minimum(ay, by) <= ys) & (ys < np.maximum(ay, by))
            x_at = ax + (ys - ay) * (bx - ax) / (by - ay)
            winding += np.where(crosses & (x_at > xs), 1 if by > ay else -1, 0)
    return (winding % 2 == 1) if rule == "evenodd" else (winding != 0)


def paint_of(root: ET.Element, colour, width: int, height: int):
    """What the rects and paths in ``colour`` paint: the opaque pixels, and (opacity, pixels) of translucent fills.

    Every edge must lie on a pixel edge, so the browser draws each pixel fully or not at all.
    """
    opaque = np.zeros((height, width), bool)
    translucent = []
    for element in marks(root):
        if element.tag not in (SVG + "rect", SVG + "path") or colour_of(element, root) != tuple(colour):
            continue
        rings = edge_rings(element, root)
        assert all(float(v).is_integer() for ring in rings for p in ring for v in p), rings
        covered = coverage(rings, inherited(element, root, "fill-rule") or "nonzero", width, height)
        opacity = float(element.attrib.get("fill-opacity", 1)) if paints(element, root, "fill") else 1.0
        if opacity == 1:
            opaque |= covered
        else:
            translucent.append((opacity, covered))
    return opaque, translucent


def box_order(root: ET.Element) -> list[tuple[int, int, int]]:
    """Colours of the drawn marks in document order, repeats merged."""
    order = []
    for element in marks(root):
        colour = colour_of(element, root)
        if colour is not None and (not order or order[-1] != colour):
            order.append(colour)
    return order


# --- the document --------------------------------------------------------------------------------


def test_root_carries_the_size_the_view_and_the_drawing_defaults():
    style = Style()
    root = parse(SvgPainter(style).draw((640, 480), [box(0.1, 0.1, 0.5, 0.5)]))
    # The full view: the document is the image's size, one user unit per image pixel.
    assert (num(root, "width"), num(root, "height")) == (640, 480)
    assert [float(v) for v in root.attrib["viewBox"].split()] == [0, 0, 640, 480]
    # Defaults the marks rely on: no fill unless a mark asks, round joins, the label font.
    assert root.attrib["fill"] == "none"
    assert root.attrib["stroke-linejoin"] == "round"
    assert root.attrib["font-family"]
    assert float(root.attrib["font-size"]) == style.font_size_for(640, 480)


def test_view_zooms_without_moving_the_marks_and_display_size_sets_the_screen_size():
    ann = box(0.1, 0.1, 0.5, 0.5, colour=RED)
    painter = SvgPainter(fill_opacity=0, show_labels=False)
    full = parse(painter.draw((640, 480), [ann]))
    zoomed = parse(painter.draw((640, 480), [ann], view=(64, 48, 320, 240)))
    shown = parse(painter.draw((640, 480), [ann], view=(64, 48, 320, 240), display_size=(960, 720)))
    # A view shows part of the image: the viewBox is that part, the document the part's size by default,
    assert [float(v) for v in zoomed.attrib["viewBox"].split()] == [64, 48, 320, 240]
    assert (num(zoomed, "width"), num(zoomed, "height")) == (320, 240)
    # or the display size when given (the browser scales the view to it).
    assert [float(v) for v in shown.attrib["viewBox"].split()] == [64, 48, 320, 240]
    assert (num(shown, "width"), num(shown, "height")) == (960, 720)
    # Marks stay in image pixels, with the line width of the whole image.
    expected = [(r.tag, dict(r.attrib)) for r in marks(full)]
    assert [(r.tag, dict(r.attrib)) for r in marks(zoomed)] == expected
    assert [(r.tag, dict(r.attrib)) for r in marks(shown)] == expected


def test_an_image_gives_its_upright_size():
    # Given a 100 x 80 picture taken with the camera on its side (EXIF orientation 6),
    picture = Image.new("RGB", (100, 80))
    exif = picture.getexif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif)
    turned = Image.open(io.BytesIO(buffer.getvalue()))
    # then the overlay is for the upright 80 x 100 picture.
    root = parse(SvgPainter(show_labels=False, fill_opacity=0, line_width=1).draw(turned, [box(0, 0, 1, 1, colour=RED)]))
    assert (num(root, "width"), num(root, "height")) == (80, 100)
    assert np.array_equal(paint_of(root, RED, 80, 100)[0], outline_pixels((0, 0, 80, 100), 1, 80, 100))


# --- shapes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("line_width", [1, 2, 3, 4])
def test_box_outline_covers_the_edge_pixels_inside_the_box(line_width):
    # Given a box and no fill,
    ann = box(0.13, 0.21, 0.52, 0.47, colour=RED)
    root = parse(SvgPainter(fill_opacity=0, show_labels=False, line_width=line_width).draw((100, 80), [ann]))
    # then what is painted, crisp and opaque, is exactly a frame line_width wide inside the box's pixels.
    opaque, translucent = paint_of(root, RED, 100, 80)
    assert translucent == []
    assert np.array_equal(opaque, outline_pixels(pixel_shape(ann.coordinates, 100, 80).box, line_width, 100, 80))
    assert box_order(root) == [RED]


def test_box_outline_equals_the_pillow_painters_outline():
    # Given boxes of many sizes and places (some cut by the image edge) and line widths,
    rng = np.random.default_rng(3)
    tried = 0
    while tried < 40:
        x, y = rng.uniform(-0.2, 0.9, 2)
        w, h = rng.uniform(0.005, 0.6, 2)
        ann = box(float(x), float(y), float(w), float(h), colour=GREEN)
        lw = int(rng.integers(1, 6))
        shape = pixel_shape(ann.coordinates, 120, 90)
        if shape.box is None:
            continue
        tried += 1
        root = parse(SvgPainter(fill_opacity=0, show_labels=False, line_width=lw).draw((120, 90), [ann]))
        drawn = PillowPainter(fill_opacity=0, show_labels=False, line_width=lw).draw(Image.new("RGB", (120, 90)), [ann])
        # then the SVG paints exactly the pixels Pillow paints.
        opaque, _ = paint_of(root, GREEN, 120, 90)
        assert np.array_equal(opaque, (np.asarray(drawn) == GREEN).all(axis=2)), (shape.box, lw)


def test_box_fill_covers_exactly_the_box_under_the_outline():
    ann = box(0.1, 0.1, 0.5, 0.5, colour=BLUE)
    root = parse(SvgPainter(fill_opacity=0.4, show_labels=False, line_width=1).draw((100, 80), [ann]))
    opaque, translucent = paint_of(root, BLUE, 100, 80)
    ((opacity, filled),) = translucent
    box_px = pixel_shape(ann.coordinates, 100, 80).box
    expected = np.zeros((80, 100), bool)
    expected[box_px[1] : box_px[3], box_px[0] : box_px[2]] = True
    assert opacity == pytest.approx(0.4)
    assert np.array_equal(filled, expected)
    assert np.array_equal(opaque, outline_pixels(box_px, 1, 100, 80))
    # The outline comes after the fill (on top of it).
    order = [float(e.attrib.get("fill-opacity", 1)) for e in marks(root)]
    assert order[0] == pytest.approx(0.4) and order[-1] == 1


@pytest.mark.parametrize(("w_px", "h_px"), [(4, 10), (10, 4), (3, 3), (1, 1), (5, 5)])
def test_a_box_no_wider_than_two_lines_is_solid(w_px, h_px):
    # Given a box at most two 2 px lines wide or high (or just over),
    ann = box(0.3, 0.3, w_px / 100, h_px / 100, colour=GREEN)
    root = parse(SvgPainter(fill_opacity=0, show_labels=False, line_width=2).draw((100, 100), [ann]))
    x0, y0, x1, y1 = pixel_shape(ann.coordinates, 100, 100).box
    assert (x1 - x0, y1 - y0) == (w_px, h_px)
    # then its outline covers it whole, or, just over the limit, all but its middle pixel.
    opaque, translucent = paint_of(root, GREEN, 100, 100)
    assert translucent == []
    expected = np.zeros((100, 100), bool)
    expected[y0:y1, x0:x1] = True
    if w_px > 4 and h_px > 4:
        expected[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2] = False
        assert expected.sum() == w_px * h_px - 1
    assert np.array_equal(opaque, expected)


def test_polygon_with_a_hole_is_one_even_odd_path_of_both_rings():
    ann = polygon(OUTER, HOLE, colour=BLUE)
    root = parse(SvgPainter(fill_opacity=0.5, show_labels=False, line_width=2).draw((100, 80), [ann]))
    (path,) = elements(root, "path")
    assert marks(root) == [path]
    # The rings are the converted pixels, each its own subpath, filled by the even-odd rule (the hole stays open).
    expected = [[(float(x), float(y)) for x, y in ring] for ring in pixel_shape(ann.coordinates, 100, 80).polygons[0]]
    assert path_rings(path.attrib["d"]) == expected
    assert expected == [[(10, 10), (60, 10), (60, 50), (10, 50)], [(20, 20), (40, 20), (40, 30), (20, 30)]]
    assert inherited(path, root, "fill-rule") == "evenodd"
    assert rgb(path.attrib["fill"]) == BLUE and float(path.attrib["fill-opacity"]) == pytest.approx(0.5)
    assert rgb(path.attrib["stroke"]) == BLUE and float(path.attrib["stroke-width"]) == 2


def test_multi_polygon_is_one_path_and_an_unfilled_polygon_has_no_fill():
    first = [OUTER, HOLE]
    second = [[(0.7, 0.7), (0.9, 0.7), (0.8, 0.9)]]
    ann = polygon(polygons=[first, second], colour=RED)
    root = parse(SvgPainter(fill_opacity=0, show_labels=False, line_width=1).draw((100, 80), [ann]))
    (path,) = elements(root, "path")
    shape = pixel_shape(ann.coordinates, 100, 80)
    expected = [[(float(x), float(y)) for x, y in ring] for poly in shape.polygons for ring in poly]
    assert len(expected) == 3
    assert path_rings(path.attrib["d"]) == expected
    # No fill asked: the path is only outlined.
    assert not paints(path, root, "fill")
    assert rgb(path.attrib["stroke"]) == RED


def test_polyline_is_an_unfilled_polyline_through_the_converted_points():
    ann = polyline([(0.1, 0.1), (0.5, 0.5), (0.9, 0.1), (0.33, 0.77)], colour=RED)
    root = parse(SvgPainter(fill_opacity=0.5, show_labels=False, line_width=3).draw((100, 80), [ann]))
    (line,) = elements(root, "polyline")
    assert marks(root) == [line]
    assert point_list(line.attrib["points"]) == [(float(x), float(y)) for x, y in pixel_shape(ann.coordinates, 100, 80).points]
    assert rgb(line.attrib["stroke"]) == RED and float(line.attrib["stroke-width"]) == 3
    assert not paints(line, root, "fill")


def test_point_is_a_dot_in_its_colour_ringed_in_the_label_text_colour():
    ann = point(0.2, 0.8, colour=GREEN)
    root = parse(SvgPainter(show_labels=False, line_width=2).draw((100, 80), [ann]))
    (dot,) = elements(root, "circle")
    assert marks(root) == [dot]
    (px, py) = pixel_shape(ann.coordinates, 100, 80).points[0]
    assert (num(dot, "cx"), num(dot, "cy"), num(dot, "r")) == (px, py, point_radius(2))
    assert rgb(dot.attrib["fill"]) == GREEN
    assert rgb(dot.attrib["stroke"]) == text_colour_on(GREEN)


def test_skeleton_draws_only_visible_vertices_and_edges_between_them():
    # Given four vertices, the third invisible, and a chain template 0-1-2-3 plus 0-3,
    coords = [(0.1, 0.1), (0.3, 0.2), (0.5, 0.5), (0.8, 0.7)]
    ann = skeleton(coords, [(0, 1), (1, 2), (2, 3), (0, 3)], invisible={2}, colour=RED)
    root = parse(SvgPainter(show_labels=False, line_width=2).draw((100, 80), [ann]))
    pixels = pixel_shape(ann.coordinates, 100, 80).points
    # then only the edges 0-1 and 0-3 are lines, and only vertices 0, 1, 3 are dots.
    lines = elements(root, "line")
    segments = [((num(e, "x1"), num(e, "y1")), (num(e, "x2"), num(e, "y2"))) for e in lines]
    assert sorted(map(sorted, segments)) == sorted(sorted([pixels[a], pixels[b]]) for a, b in [(0, 1), (0, 3)])
    assert all(rgb(e.attrib["stroke"]) == RED and float(e.attrib["stroke-width"]) == 2 for e in lines)
    dots = elements(root, "circle")
    assert sorted((num(c, "cx"), num(c, "cy")) for c in dots) == sorted(pixels[i] for i in (0, 1, 3))
    assert all(num(c, "r") == point_radius(2) for c in dots)
    # Dots are drawn over the edges.
    order = marks(root)
    assert max(order.index(e) for e in lines) < min(order.index(c) for c in dots)


def decoded_image(element: ET.Element) -> Image.Image:
    href = element.attrib.get("href") or element.attrib.get("{http://www.w3.org/1999/xlink}href")
    prefix = "data:image/png;base64,"
    assert href.startswith(prefix)
    return Image.open(io.BytesIO(base64.b64decode(href[len(prefix) :])))


@pytest.mark.parametrize("scale", [1, 2])
def test_bitmask_is_an_image_whose_alpha_covers_exactly_the_mask_pixels(scale):
    # Given an irregular mask (drawn at its size, and on an image shown twice as large),
    rng = np.random.default_rng(11)
    mask = np.zeros((60, 90), bool)
    mask[7:41, 12:77] = rng.random((34, 65)) > 0.6
    ann = bitmask(mask, colour=RED)
    width, height = 90 * scale, 60 * scale
    root = parse(SvgPainter(mask_opacity=0.5, show_labels=False).draw((width, height), [ann]))
    (image,) = elements(root, "image")
    assert marks(root) == [image]
    # then its picture, placed at x, y and not stretched, is non-transparent exactly on the mask's pixels,
    picture = decoded_image(image).convert("RGBA")
    x, y, w, h = (int(v) for v in rect_of(image))
    assert picture.size == (w, h)
    covered = np.zeros((height, width), bool)
    covered[y : y + h, x : x + w] = np.asarray(picture)[..., 3] > 0
    decoded = rle_decode(ann.coordinates.rle_string, 60, 90)
    expected = np.kron(decoded, np.ones((scale, scale), bool)) if scale > 1 else decoded
    assert np.array_equal(covered, expected)
    # in the object's colour at the mask opacity.
    pixels = np.asarray(picture)[np.asarray(picture)[..., 3] > 0]
    assert set(map(tuple, pixels)) == {(*RED, round(255 * 0.5))}
    assert image.attrib.get("preserveAspectRatio") == "none"


def test_bitmask_without_fill_or_pixels_draws_nothing():
    empty = bitmask(np.zeros((20, 30), bool), object_hash="empty")
    full = bitmask(np.ones((20, 30), bool), object_hash="full")
    assert marks(parse(SvgPainter(show_labels=False).draw((30, 20), [empty]))) == []
    assert marks(parse(SvgPainter(show_labels=False, mask_opacity=0).draw((30, 20), [full]))) == []


# --- which objects, in which order ---------------------------------------------------------------


def structure(root: ET.Element) -> list[tuple[str, dict]]:
    return [(e.tag, dict(e.attrib), e.text) for e in root.iter()]


def test_hidden_classes_and_the_confidence_threshold_drop_objects():
    # Given a cat, a dog, and a low-confidence prediction,
    anns = [
        box(0.0, 0.0, 0.2, 0.2, name="Cat", object_hash="c", colour=RED),
        box(0.5, 0.0, 0.2, 0.2, name="Dog", object_hash="d", colour=BLUE),
        box(0.0, 0.5, 0.2, 0.2, name="Cat", object_hash="p", colour=GREEN, confidence=0.3, manual=False),
    ]
    everything = parse(SvgPainter(fill_opacity=0).draw((100, 80), anns))
    assert box_order(everything) == [RED, BLUE, GREEN]
    # when dogs are hidden and the threshold is 0.5, then only the first cat is drawn, and labelled.
    shown = parse(SvgPainter(hidden_classes={"Dog"}, min_confidence=0.5, fill_opacity=0).draw((100, 80), anns))
    only_first = parse(SvgPainter(fill_opacity=0).draw((100, 80), anns[:1]))
    assert structure(shown) == structure(only_first)
    assert [t.text for t in elements(shown, "text")] == ["Cat"]


def test_selected_object_is_drawn_last_thicker_and_more_strongly_filled():
    first = box(0.1, 0.1, 0.5, 0.5, object_hash="first", colour=RED)
    second = box(0.2, 0.2, 0.5, 0.5, object_hash="second", colour=BLUE)
    painter = SvgPainter(fill_opacity=0.25, show_labels=False, line_width=2)
    plain = parse(painter.draw((100, 80), [first, second]))
    chosen = parse(painter.draw((100, 80), [first, second], selected="first"))
    # Without a selection the given order holds; with one, the selected object's marks come last,
    assert box_order(plain) == [RED, BLUE]
    assert box_order(chosen) == [BLUE, RED]
    # its outline twice as wide (still inside the box), the other's as before,
    lw = 2 * HIGHLIGHT_WIDTH_FACTOR
    red_outline, (red_fill,) = paint_of(chosen, RED, 100, 80)
    blue_outline, (blue_fill,) = paint_of(chosen, BLUE, 100, 80)
    assert np.array_equal(red_outline, outline_pixels(pixel_shape(first.coordinates, 100, 80).box, lw, 100, 80))
    assert np.array_equal(blue_outline, outline_pixels(pixel_shape(second.coordinates, 100, 80).box, 2, 100, 80))
    # and its fill stronger.
    assert blue_fill[0] == pytest.approx(0.25) and red_fill[0] == pytest.approx(0.25 + HIGHLIGHT_EXTRA_FILL)
    assert paint_of(plain, RED, 100, 80)[1][0][0] == pytest.approx(0.25)


# --- labels --------------------------------------------------------------------------------------


def label_rects(root: ET.Element) -> list[tuple[tuple[int, int, int, int], tuple[int, int, int], str]]:
    """Each label's background rect (x, y, w, h), its colour and its text, in document order."""
    found = []
    for g in elements(root, "g"):
        (background,) = g.iter(SVG + "rect")
        (text,) = g.iter(SVG + "text")
        found.append((tuple(int(num(background, k)) for k in ("x", "y", "width", "height")), rgb(inherited(background, root, "fill")), text.text))
    return found


def crowded_frame():
    """Objects in the corners and edges, three on one spot (their labels must slide apart)."""
    return [
        box(0.1, 0.3, 0.3, 0.3, name="Cat", object_hash="a", colour=RED),
        box(0.1, 0.3, 0.3, 0.3, name="Cat twin", object_hash="b", colour=BLUE),
        box(0.1, 0.3, 0.3, 0.3, name="Cat triplet", object_hash="c", colour=GREEN),
        box(0.6, 0.0, 0.35, 0.3, name="Top edge", object_hash="d", colour=(200, 120, 0)),
        box(0.7, 0.8, 0.3, 0.2, name="Bottom right", object_hash="e", colour=(120, 0, 160), confidence=0.76, manual=False),
        polygon(*[[(0.5, 0.5), (0.65, 0.55), (0.55, 0.7)]], name="Tri", object_hash="f", colour=(0, 120, 120)),
        point(0.05, 0.95, name="Dot", object_hash="g", colour=(160, 60, 60)),
    ]


def test_labels_are_where_and_as_large_as_the_pillow_painters():
    # Given a crowded 240 x 160 frame with labels, drawn by both painters with the same style,
    anns = crowded_frame()
    style = Style(fill_opacity=0, line_width=1, font_size=12)
    root = parse(SvgPainter(style).draw((240, 160), anns))
    labels = label_rects(root)
    assert [text for _, _, text in labels] == [style.label_text(a) for a in anns]
    assert float(root.attrib["font-size"]) == 12
    grey = Image.new("RGB", (240, 160), (128, 128, 128))
    labelled = PillowPainter(style).draw(grey, anns)
    bare = PillowPainter(Style(fill_opacity=0, line_width=1, show_labels=False)).draw(grey, anns)
    picture = np.asarray(labelled)
    # then every pixel Pillow's labels changed lies in an SVG label rect,
    union = np.zeros((160, 240), bool)
    for (x, y, w, h), _, _ in labels:
        union[y : y + h, x : x + w] = True
    assert not (changed(bare, labelled) & ~union).any()
    # and each rect's padding (top and bottom row, left and right columns) is its label background there.
    pad_x, pad_y = LABEL_PADDING
    for (x, y, w, h), colour, text in labels:
        assert (w, h) == label_size(text, 12)
        patch = picture[y : y + h, x : x + w]
        border = np.concatenate([patch[:pad_y].reshape(-1, 3), patch[h - pad_y :].reshape(-1, 3), patch[:, :pad_x].reshape(-1, 3), patch[:, w - pad_x :].reshape(-1, 3)])
        assert (border == colour).all(), (text, (x, y, w, h))
    # The three labels of one spot slid apart (none covers another).
    boxes = [(x, y, x + w, y + h) for (x, y, w, h), _, _ in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_labels_follow_the_plan_and_the_label_placer():
    anns = crowded_frame()
    style = Style(fill_opacity=0.2)
    width, height = 800, 600
    root = parse(SvgPainter(style).draw((width, height), anns, selected="b"))
    font_size = style.font_size_for(width, height)
    placer = LabelPlacer(width, height)
    expected = []
    for mark in plan(style, anns, width, height, "b"):
        w, h = label_size(mark.label, font_size)
        x, y = placer.place(mark.shape.extent(), w, h)
        expected.append(((x, y, w, h), mark.colour, mark.label))
    assert label_rects(root) == expected
    # Text sits inside its rect, in the colour that reads on it, stretched to the rect less its padding.
    for g, ((x, y, w, h), colour, _) in zip(elements(root, "g"), expected):
        (text,) = g.iter(SVG + "text")
        assert x < num(text, "x") < x + w and y < num(text, "y") <= y + h
        assert num(text, "textLength") == w - 2 * LABEL_PADDING[0]
        assert rgb(inherited(text, root, "fill")) == text_colour_on(colour)


def test_labels_are_drawn_over_every_mark():
    root = parse(SvgPainter().draw((100, 80), crowded_frame()))
    order = list(root)
    groups = [i for i, e in enumerate(order) if e.tag == SVG + "g"]
    assert groups and min(groups) > max(i for i, e in enumerate(order) if e.tag != SVG + "g")


def test_user_text_is_escaped_and_the_document_still_parses():
    hostile = '<script>alert(1)</script> & "x"'
    ann = box(0.1, 0.1, 0.5, 0.5, name=hostile, attributes={"Note": "</text><svg onload=alert(2)>"})
    svg = SvgPainter(label_attributes=("Note",)).draw((200, 100), [ann])
    # The markup holds no live tag from the user's text,
    assert "<script" not in svg and "<svg onload" not in svg
    root = parse(svg)
    assert [e.tag for e in root.iter() if e.tag.endswith(("script", "svg"))] == [SVG + "svg"]
    assert not any(name.startswith("on") for e in root.iter() for name in e.attrib)
    # and the label reads exactly as typed.
    (text,) = elements(root, "text")
    assert text.text == f"{hostile} | Note: </text><svg onload=alert(2)>"


def test_a_style_and_style_options_together_are_refused():
    with pytest.raises(UsageError, match="Style"):
        SvgPainter(Style(), fill_opacity=0)
    assert SvgPainter(fill_opacity=0).style == Style(fill_opacity=0)
