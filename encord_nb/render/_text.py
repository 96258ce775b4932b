"""Label text: glyphs rendered once per font size and reused, and placement that keeps labels apart.

Drawing a string with FreeType costs tens of microseconds; a frame with a hundred labels would
spend more time on text than on encoding the picture. Glyphs are rendered once into small alpha
arrays and labels are composed from them (no kerning, which labels do not need).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ._colour import Colour, text_colour_on
from ._pixels import PixelBox

#: Padding around label text, in pixels (horizontal, vertical).
LABEL_PADDING = (3, 1)
#: Rendered labels kept for redraws (a label is a few kilobytes).
LABEL_CACHE_ENTRIES = 4096
#: How many slots below the preferred one a label may slide to before it is allowed to overlap.
MAX_LABEL_SLIDES = 6

_glyph_lock = threading.Lock()
_glyphs: dict[tuple[int, str], np.ndarray] = {}


@lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font at ``size`` pixels (shared by both painters)."""
    return ImageFont.load_default(size=size)


def _line_height(size: int) -> int:
    ascent, descent = font(size).getmetrics()
    return ascent + descent


def _glyph(size: int, char: str) -> np.ndarray:
    key = (size, char)
    glyph = _glyphs.get(key)
    if glyph is None:
        face = font(size)
        advance = max(1, round(face.getlength(char)))
        canvas = Image.new("L", (advance, _line_height(size)))
        ImageDraw.Draw(canvas).text((0, 0), char, font=face, fill=255)
        glyph = np.asarray(canvas)
        with _glyph_lock:
            _glyphs[key] = glyph
    return glyph


def text_mask(text: str, size: int) -> np.ndarray:
    """The alpha (0..255) of ``text`` set in the label font, one line, padded."""
    pad_x, pad_y = LABEL_PADDING
    glyphs = [_glyph(size, ch) for ch in text]
    out = np.zeros((_line_height(size) + 2 * pad_y, sum(g.shape[1] for g in glyphs) + 2 * pad_x), np.uint8)
    x = pad_x
    for glyph in glyphs:
        out[pad_y : pad_y + glyph.shape[0], x : x + glyph.shape[1]] = glyph
        x += glyph.shape[1]
    return out


_labels_lock = threading.Lock()
_labels: OrderedDict[tuple[str, int, Colour], Image.Image] = OrderedDict()


def label_image(text: str, size: int, colour: Colour) -> Image.Image:
    """A ready-to-paste RGB label: ``text`` on a ``colour`` background, remembered (LRU) for redraws."""
    key = (text, size, colour)
    with _labels_lock:
        found = _labels.get(key)
        if found is not None:
            _labels.move_to_end(key)
            return found
    mask = text_mask(text, size)
    label = Image.new("RGB", (mask.shape[1], mask.shape[0]), colour)
    label.paste(text_colour_on(colour), (0, 0), Image.fromarray(mask))
    with _labels_lock:
        _labels[key] = label
        if len(_labels) > LABEL_CACHE_ENTRIES:
            _labels.popitem(last=False)
    return label


def clear_label_cache() -> None:
    """Forget rendered labels (benchmarks use it to measure a first draw)."""
    with _labels_lock:
        _labels.clear()


class LabelPlacer:
    """Puts label boxes next to their objects, inside the image, not on top of each other.

    Each label tries, in order: above the object's top-left corner, inside it under the top edge,
    under the object, then slides one label height at a time, down and up in turn. Only when every slot is taken
    does it overlap (the first slot then). A grid of buckets keeps the overlap checks cheap.

    Example:
        >>> placer = LabelPlacer(100, 100)
        >>> placer.place((10, 20, 50, 60), 30, 10), placer.place((10, 20, 50, 60), 30, 10)
        ((10, 10), (10, 20))
    """

    def __init__(self, width: int, height: int, cell: int = 128):
        self.width, self.height, self.cell = width, height, cell
        self._buckets: dict[tuple[int, int], list[PixelBox]] = {}

    def _cells(self, box: PixelBox) -> list[tuple[int, int]]:
        c = self.cell
        xs = range(box[0] // c, (box[2] - 1) // c + 1)
        return [(cx, cy) for cy in range(box[1] // c, (box[3] - 1) // c + 1) for cx in xs]

    def _free(self, box: PixelBox) -> bool:
        x0, y0, x1, y1 = box
        buckets = self._buckets
        for key in self._cells(box):
            for ox0, oy0, ox1, oy1 in buckets.get(key, ()):
                if ox0 < x1 and ox1 > x0 and oy0 < y1 and oy1 > y0:
                    return False
        return True

    def _inside(self, x: int, y: int, w: int, h: int) -> PixelBox:
        x = min(max(x, 0), max(self.width - w, 0))
        y = min(max(y, 0), max(self.height - h, 0))
        return x, y, x + w, y + h

    def _slots(self, extent: PixelBox, w: int, h: int):
        x0, y0, _, y1 = extent
        yield self._inside(x0, y0 - h, w, h)
        inside = self._inside(x0, y0, w, h)
        yield inside
        yield self._inside(x0, y1, w, h)
        for k in range(1, MAX_LABEL_SLIDES + 1):
            yield self._inside(x0, inside[1] + h * k, w, h)
            yield self._inside(x0, y0 - h * (k + 1), w, h)

    def place(self, extent: PixelBox, w: int, h: int) -> tuple[int, int]:
        """Reserve a ``w`` x ``h`` label slot for an object with this extent; its top-left corner."""
        first = None
        for slot in self._slots(extent, w, h):
            first = first or slot
            if self._free(slot):
                break
        else:
            slot = first
        for key in self._cells(slot):
            self._buckets.setdefault(key, []).append(slot)
        return slot[0], slot[1]
