"""The matplotlib painter fills the same pixels as the Pillow painter and draws every shape."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from encord_nb.render import MatplotlibPainter, PillowPainter

from ._shapes import bitmask, box, point, polygon, polyline, rotated, skeleton


def _pixels(figure: Figure) -> np.ndarray:
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[:, :, :3]


def test_figure_is_the_image_size_and_holes_stay_open():
    # Given a 100 x 80 frame and a filled polygon with a hole, drawn without labels,
    frame = Image.new("RGB", (100, 80), (128, 128, 128))
    ann = polygon(
        [(0.1, 0.125), (0.6, 0.125), (0.6, 0.625), (0.1, 0.625)], [(0.2, 0.25), (0.4, 0.25), (0.4, 0.375), (0.2, 0.375)],
        colour=(20, 40, 220),
    )
    figure = MatplotlibPainter(fill_opacity=0.5, show_labels=False).draw(frame, [ann])
    pixels = _pixels(figure)
    # then one image pixel is one figure pixel,
    assert pixels.shape == (80, 100, 3)
    # the ring between the outlines is filled like the Pillow painter fills it, and the hole is not.
    pil = np.asarray(PillowPainter(fill_opacity=0.5, show_labels=False).draw(frame, [ann]))
    assert np.array_equal(pixels[15, 15], pil[15, 15]) and not np.array_equal(pil[15, 15], [128, 128, 128])
    assert np.array_equal(pixels[25, 30], [128, 128, 128])
    assert np.array_equal(pixels[70, 90], [128, 128, 128])


def test_every_shape_is_drawn_with_labels_into_given_axes():
    # Given one annotation of each shape and an existing axes,
    mask = np.zeros((80, 100), bool)
    mask[60:70, 5:15] = True
    anns = [
        box(0.1, 0.1, 0.3, 0.3, colour=(255, 0, 0)),
        rotated(0.5, 0.1, 0.2, 0.1, 30, colour=(0, 255, 0)),
        polygon([(0.6, 0.5), (0.9, 0.5), (0.75, 0.9)], colour=(0, 0, 255)),
        polyline([(0.1, 0.9), (0.4, 0.8)], colour=(255, 255, 0)),
        point(0.5, 0.5, colour=(0, 255, 255)),
        skeleton([(0.3, 0.5), (0.4, 0.6)], [(0, 1)], colour=(255, 0, 255)),
        bitmask(mask, colour=(255, 128, 0)),
    ]
    figure = Figure(figsize=(2, 1.6), dpi=50)
    ax = figure.add_subplot()
    returned = MatplotlibPainter().draw(Image.new("RGB", (100, 80)), anns, ax=ax, selected="poly")
    # then the painter used that figure, drew an artist per outline, and wrote one label per object.
    assert returned is figure
    assert len(ax.patches) + len(ax.lines) >= 6
    assert sorted(t.get_text() for t in ax.texts) == sorted(a.class_name for a in anns)
    assert _pixels(figure).any()
