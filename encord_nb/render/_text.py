"""Label text: glyphs rendered once per font size and reused, and placement that keeps labels apart.

Drawing a string with FreeType costs tens of microseconds; a frame with a hundred labels would
spend more time on text than on encoding the picture. Glyphs are rendered once into small alpha
arrays and labels are composed from them (no kerning, which labels do not need).
"""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ._pixels import PixelBox

#: Padding around label text, in pixels (horizontal, vertical).
LABEL_PADDING = (3, 1)
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
    glyphs = [_glyph(size, ch) for ch in text] or [np.zeros((_line_height(size), 1), np.uint8)]
    return np.pad(np.concatenate(glyphs, axis=1), ((pad_y, pad_y), (pad_x, pad_x)))


class LabelPlacer:
    """Puts label boxes next to their objects, inside the image, not on top of each other.

    Each label tries, in order: above the object's top-left corner, inside it under the top edge,
    under the object, then slides down one label height at a time. Only when every slot is taken
    does it overlap (the first slot then). A grid of buckets keeps the overlap checks cheap.

    Example:
        >>> placer = LabelPlacer(100, 100)
        >>> placer.place((10, 20, 50, 60), 30, 10), placer.place((10, 20, 50, 60), 30, 10)
        ((10, 10), (10, 20))
    """

    def __init__(self, width: int, height: int, cell: int = 64):
        self.width, self.height, self.cell = width, height, cell
        self._buckets: dict[tuple[int, int], list[PixelBox]] = {}

    def _cells(self, box: PixelBox):
        c = self.cell
        for cy in range(box[1] // c, (box[3] - 1) // c + 1):
            for cx in range(box[0] // c, (box[2] - 1) // c + 1):
                yield cx, cy

    def _free(self, box: PixelBox) -> bool:
        x0, y0, x1, y1 = box
        for key in self._cells(box):
            for ox0, oy0, ox1, oy1 in self._buckets.get(key, ()):
                if ox0 < x1 and ox1 > x0 and oy0 < y1 and oy1 > y0:
                    return False
        return True

    def _inside(self, x: int, y: int, w: int, h: int) -> PixelBox:
        x = min(max(x, 0), max(self.width - w, 0))
        y = min(max(y, 0), max(self.height - h, 0))
        return x, y, x + w, y + h

    def place(self, extent: PixelBox, w: int, h: int) -> tuple[int, int]:
        """Reserve a ``w`` x ``h`` label slot for an object with this extent; its top-left corner."""
        x0, y0, _, y1 = extent
        slots = [self._inside(x0, y0 - h, w, h), self._inside(x0, y0, w, h), self._inside(x0, y1, w, h)]
        slots += [self._inside(x0, slots[1][1] + h * k, w, h) for k in range(1, MAX_LABEL_SLIDES + 1)]
        chosen = next((s for s in slots if self._free(s)), slots[0])
        for key in self._cells(chosen):
            self._buckets.setdefault(key, []).append(chosen)
        return chosen[0], chosen[1]
