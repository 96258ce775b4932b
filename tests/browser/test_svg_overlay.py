"""The SVG overlay as chromium draws it, pixel for pixel against the Pillow painter on a white frame.

The frame explorer lays :class:`SvgPainter`'s document over the photo; a snapshot is drawn by
:class:`PillowPainter`. Both must put the marks on the same pixels: box outlines exactly, fills and
masks on the same areas, labels in the same places (their glyphs come from different fonts).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from encord_nb.render import PillowPainter, Style, SvgPainter, full_mask, pixel_shape

# tests/ is on the import path (its conftest): the renderer tests' annotation builders serve here too.
from render._shapes import bitmask, box, outline_pixels, point, polygon, polyline, skeleton

pytestmark = pytest.mark.browser

SVG = "{http://www.w3.org/2000/svg}"
WHITE = (255, 255, 255)
RED, BLUE, GREEN, PURPLE = (220, 20, 20), (20, 40, 220), (30, 160, 40), (150, 0, 170)
W, H = 320, 240
# Anti-aliased edges and fonts differ between the two; a blend differs by a rounding step at most.
BLEND_TOLERANCE = 3
EDGE_TOLERANCE = 40


def in_browser(chromium, svg: str, width: int = W, height: int = H) -> np.ndarray:
    """``svg`` at its own size on a white page, as chromium paints it: an int (height, width, 3) array."""
    page = chromium.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
    try:
        page.set_content(
            "<!doctype html><html><head><style>html,body{margin:0;padding:0;background:#fff}"
            "svg{display:block}</style></head><body>" + svg + "</body></html>"
        )
        shot = page.screenshot(clip={"x": 0, "y": 0, "width": width, "height": height}, animations="disabled")
    finally:
        page.close()
    picture = Image.open(io.BytesIO(shot)).convert("RGB")
    assert picture.size == (width, height)
    return np.asarray(picture).astype(int)


def with_pillow(style: Style, annotations, width: int = W, height: int = H) -> np.ndarray:
    return np.asarray(PillowPainter(style).draw(Image.new("RGB", (width, height), WHITE), annotations)).astype(int)


def is_white(picture: np.ndarray) -> np.ndarray:
    return (picture == WHITE).all(axis=-1)


def grow(mask: np.ndarray, by: int) -> np.ndarray:
    """``mask`` widened by ``by`` pixels in every direction (a square neighbourhood)."""
    out = mask.copy()
    for _ in range(by):
        step = out.copy()
        step[1:] |= out[:-1]
        step[:-1] |= out[1:]
        step[:, 1:] |= step[:, :-1].copy()
        step[:, :-1] |= step[:, 1:].copy()
        out = step
    return out


def shrink(mask: np.ndarray, by: int) -> np.ndarray:
    return ~grow(~mask, by)


def nearest_difference(picture: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Per pixel of ``picture``, the smallest colour difference to ``other``'s pixels at most one pixel away."""
    best = np.full(picture.shape[:2], 1 << 16)
    padded = np.pad(other, ((1, 1), (1, 1), (0, 0)), mode="edge")
    for dy in range(3):
        for dx in range(3):
            shifted = padded[dy : dy + picture.shape[0], dx : dx + picture.shape[1]]
            best = np.minimum(best, np.abs(picture - shifted).max(axis=2))
    return best


def label_rects(svg: str) -> list[tuple[int, int, int, int, tuple[int, int, int]]]:
    """Each label's background rect ``(x, y, w, h, colour)`` from the document."""
    found = []
    for g in ET.fromstring(svg).iter(SVG + "g"):
        (rect,) = g.iter(SVG + "rect")
        fill = rect.attrib.get("fill") or g.attrib["fill"]
        colour = tuple(int(fill[i : i + 2], 16) for i in (1, 3, 5))
        found.append((*(int(float(rect.attrib[k])) for k in ("x", "y", "width", "height")), colour))
    return found


@pytest.mark.parametrize("line_width", [1, 2, 3, 4])
def test_box_outlines_land_on_the_pillow_painters_pixels(chromium, line_width):
    # Given boxes in the open, against each edge of the frame, and a small one, outlined only,
    anns = [
        box(0.05, 0.1, 0.3, 0.35, colour=RED, object_hash="a"),
        box(0.5, 0.2, 0.17, 0.12, colour=GREEN, object_hash="b"),
        box(-0.1, 0.6, 0.3, 0.5, colour=BLUE, object_hash="c"),  # cut by the left and bottom edges
        box(0.8, -0.1, 0.4, 0.3, colour=PURPLE, object_hash="d"),  # cut by the top and right edges
        box(0.6, 0.6, 0.04, 0.05, colour=RED, object_hash="e"),
    ]
    style = Style(fill_opacity=0, show_labels=False, line_width=line_width)
    shot = in_browser(chromium, SvgPainter(style).draw((W, H), anns))
    pillow = with_pillow(style, anns)
    painted = np.zeros((H, W), bool)
    for ann in anns:
        outline = outline_pixels(pixel_shape(ann.coordinates, W, H).box, line_width, W, H)
        painted |= outline
        # then every outline pixel has the box's colour in the browser, as in Pillow,
        assert (shot[outline] == ann.colour).all(), ann.object_hash
        assert (pillow[outline] == ann.colour).all(), ann.object_hash
    # and the pixels just outside and just inside each outline stay white (no spill, no blur).
    around = grow(painted, 1) & ~painted
    assert around.sum() > 500
    assert is_white(shot[around]).all() and is_white(pillow[around]).all()
    # So the two pictures are the same.
    assert np.array_equal(shot, pillow)


def test_a_zoomed_view_scales_outlines_and_masks_crisply(chromium):
    # Given the top-left quarter of a frame shown at twice its size, with two boxes and a mask,
    mask = np.zeros((H, W), bool)
    mask[60:110, 100:150] = np.random.default_rng(4).random((50, 50)) > 0.5
    anns = [
        box(0.05, 0.1, 0.3, 0.3, colour=RED),
        box(0.3, 0.25, 0.15, 0.2, colour=BLUE, object_hash="b"),
        bitmask(mask, colour=PURPLE),
    ]
    style = Style(fill_opacity=0, mask_opacity=0.5, show_labels=False, line_width=2)
    svg = SvgPainter(style).draw((W, H), anns, view=(0, 0, W // 2, H // 2), display_size=(W, H))
    shot = in_browser(chromium, svg)
    # then the browser shows Pillow's quarter with each pixel doubled (mask pixels not smoothed).
    quarter = with_pillow(style, anns)[: H // 2, : W // 2]
    doubled = quarter.repeat(2, axis=0).repeat(2, axis=1)
    assert np.abs(shot - doubled).max() <= BLEND_TOLERANCE
    assert np.array_equal(is_white(shot), is_white(doubled))


def test_polygon_fill_leaves_its_hole_open(chromium):
    # Given a filled ring (an outline with a square hole) and a filled triangle,
    ring = polygon(
        [(0.05, 0.1), (0.55, 0.1), (0.55, 0.9), (0.05, 0.9)],
        [(0.15, 0.3), (0.4, 0.3), (0.4, 0.7), (0.15, 0.7)],
        colour=BLUE,
    )
    triangle = polygon([(0.65, 0.15), (0.95, 0.5), (0.7, 0.85)], colour=RED, object_hash="tri")
    style = Style(fill_opacity=0.3, show_labels=False, line_width=2)
    shot = in_browser(chromium, SvgPainter(style).draw((W, H), [ring, triangle]))
    pillow = with_pillow(style, [ring, triangle])
    for ann in (ring, triangle):
        inside = shrink(full_mask(pixel_shape(ann.coordinates, W, H), W, H), 4)
        # then away from the edges, the area is tinted as Pillow tints it,
        assert inside.sum() > 1000
        assert not is_white(shot[inside]).any()
        assert np.abs(shot[inside] - pillow[inside]).max() <= BLEND_TOLERANCE
    # and the ring's hole and the frame around stay white.
    hole = np.zeros((H, W), bool)
    hole[72:168, 48:128] = True  # the hole: 48..128 x 72..168
    assert not full_mask(pixel_shape(ring.coordinates, W, H), W, H)[hole].any()
    assert is_white(shot[shrink(hole, 4)]).all() and is_white(pillow[shrink(hole, 4)]).all()
    everything = full_mask(pixel_shape(ring.coordinates, W, H), W, H) | full_mask(pixel_shape(triangle.coordinates, W, H), W, H)
    assert is_white(shot[~grow(everything, 4)]).all()


def test_bitmask_covers_exactly_its_pixels(chromium):
    # Given an irregular mask with lone pixels and holes,
    rng = np.random.default_rng(17)
    mask = np.zeros((H, W), bool)
    mask[30:200, 40:290] = rng.random((170, 250)) > 0.55
    ann = bitmask(mask, colour=PURPLE)
    style = Style(mask_opacity=0.5, show_labels=False)
    shot = in_browser(chromium, SvgPainter(style).draw((W, H), [ann]))
    pillow = with_pillow(style, [ann])
    # then every mask pixel is tinted, as Pillow tints it, and every other pixel is white.
    assert not is_white(shot[mask]).any()
    assert np.abs(shot[mask] - pillow[mask]).max() <= BLEND_TOLERANCE
    assert is_white(shot[~mask]).all()


def scene():
    """A frame with one object of every shape, apart from each other."""
    mask = np.zeros((H, W), bool)
    mask[150:225, 230:310] = np.random.default_rng(2).random((75, 80)) > 0.4
    return [
        box(0.05, 0.1, 0.25, 0.3, name="Cat", colour=RED, object_hash="box"),
        box(0.4, 0.1, 0.15, 0.15, name="Dot", colour=GREEN, object_hash="small"),
        polygon(
            [(0.05, 0.55), (0.4, 0.55), (0.4, 0.95), (0.05, 0.95)],
            [(0.12, 0.65), (0.3, 0.65), (0.3, 0.85), (0.12, 0.85)],
            name="Lawn",
            colour=BLUE,
        ),
        bitmask(mask, name="Stain", colour=PURPLE),
        polyline([(0.6, 0.1), (0.7, 0.3), (0.8, 0.12), (0.95, 0.35)], name="Fence", colour=GREEN),
        point(0.5, 0.5, name="Eye", colour=RED),
        skeleton([(0.5, 0.7), (0.6, 0.85), (0.65, 0.7)], [(0, 1), (1, 2)], name="Arm", colour=BLUE),
    ]


def test_the_overlay_matches_the_pillow_snapshot_and_labels_are_in_the_same_places(chromium):
    anns = scene()
    # Without labels, the two pictures differ only along the anti-aliased edges of lines and dots:
    bare = Style(show_labels=False, line_width=2)
    shot = in_browser(chromium, SvgPainter(bare).draw((W, H), anns))
    pillow = with_pillow(bare, anns)
    drawn = ~is_white(pillow) | ~is_white(shot)
    assert drawn.sum() > 15000
    differs = np.abs(shot - pillow).max(axis=2) > BLEND_TOLERANCE
    assert differs.mean() < 0.03 and differs.sum() / drawn.sum() < 0.1, differs.sum()
    # every pixel Pillow paints has its colour in the browser at most a pixel away (nothing missing or moved).
    unmatched = nearest_difference(pillow, shot) > EDGE_TOLERANCE
    assert unmatched.sum() / drawn.sum() < 0.002, np.argwhere(unmatched)[:10]
    # With labels, each label's background is at the same rect in both: its padding (top row, side
    # columns) has the label colour, and the pixels around it are those of the picture without labels.
    style = replace(bare, show_labels=True, font_size=12)
    svg = SvgPainter(style).draw((W, H), anns)
    labelled = {"browser": (in_browser(chromium, svg), shot), "pillow": (with_pillow(style, anns), pillow)}
    labels = label_rects(svg)
    assert len(labels) == len(anns)
    for x, y, w, h, colour in labels:
        around = np.zeros((H, W), bool)
        around[max(y - 1, 0) : y + h + 1, max(x - 1, 0) : x + w + 1] = True
        around[y : y + h, x : x + w] = False
        for painter, (picture, without) in labelled.items():
            patch = picture[y : y + h, x : x + w]
            assert (patch[0] == colour).all() and (patch[:, :2] == colour).all() and (patch[:, -2:] == colour).all(), (painter, x, y)
            assert (picture[around] == without[around]).all(), (painter, x, y)
    # Outside the labels, the pictures still agree.
    outside = np.ones((H, W), bool)
    for x, y, w, h, _ in labels:
        outside[y : y + h, x : x + w] = False
    (shot, _), (pillow, _) = labelled.values()
    differs = np.abs(shot - pillow).max(axis=2) > BLEND_TOLERANCE
    assert (differs & outside).mean() < 0.03
