"""Label text: glyphs rendered once per font size and reused, and placement that keeps labels apart.

Drawing a string with FreeType costs tens of microseconds; a frame with a hundred labels would
spend more time on text than on encoding the picture. Glyphs are rendered once into small alpha
arrays, words are composed from them once (no kerning, which labels do not need), a label's mask
is laid out from words and coloured through a per-colour blend table, and each label is then kept
and pasted whole.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ._colour import Colour, text_colour_on
from ._pixels import PixelBox

#: Padding around label text, in pixels (horizontal, vertical).
LABEL_PADDING = (3, 1)
#: Rendered words and label layouts kept for later frames (a word is a few kilobytes).
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


_cache_lock = threading.Lock()
_word_masks: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
_labels: OrderedDict[tuple[str, int, Colour], Image.Image] = OrderedDict()
_blend_tables: dict[Colour, np.ndarray] = {}


def _remember(cache: OrderedDict, key: tuple, value: Any) -> Any:
    with _cache_lock:
        cache[key] = value
        if len(cache) > LABEL_CACHE_ENTRIES:
            cache.popitem(last=False)
    return value


def _recall(cache: OrderedDict, key: tuple) -> Any | None:
    with _cache_lock:
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
        return found


def _blend_table(colour: Colour) -> np.ndarray:
    """Entry ``a``: the pixel Pillow makes pasting the text colour at alpha ``a`` over ``colour``.

    Blending works pixel by pixel, so looking a whole glyph mask up in this table gives exactly
    the picture that pasting through the mask would (one lookup instead of an image per word).
    Entries are RGBX bytes read as one 32-bit number, so the lookup moves whole pixels.
    """
    table = _blend_tables.get(colour)
    if table is None:
        ramp = Image.new("RGB", (256, 1), colour)
        ramp.paste(text_colour_on(colour), (0, 0), Image.fromarray(np.arange(256, dtype=np.uint8)[None, :]))
        rgbx = np.zeros((256, 4), dtype=np.uint8)
        rgbx[:, :3] = np.asarray(ramp)[0]
        table = _blend_tables[colour] = rgbx.view(np.uint32).ravel()
    return table


def _word_mask(word: str, size: int) -> np.ndarray:
    key = (word, size)
    found = _recall(_word_masks, key)
    if found is None:
        found = _remember(_word_masks, key, np.concatenate([_glyph(size, char) for char in word], axis=1))
    return found


def _layout(text: str, size: int) -> tuple[list[tuple[int, np.ndarray]], int, int]:
    """Where each word's mask goes in a label of ``text`` (x offsets), and the label's padded size."""
    pad_x, pad_y = LABEL_PADDING
    space = _glyph(size, " ").shape[1]
    words, x = [], pad_x
    for word in text.split(" "):
        if word:
            mask = _word_mask(word, size)
            words.append((x, mask))
            x += mask.shape[1]
        x += space
    return words, max(x - space, pad_x) + pad_x, _line_height(size) + 2 * pad_y


@lru_cache(maxsize=LABEL_CACHE_ENTRIES)
def label_size(text: str, size: int) -> tuple[int, int]:
    """Width and height of the label :func:`label_image` makes for ``text`` (vector painters place by it).

    Example:
        >>> width, height = label_size("Cat 0.50", 12)
        >>> (width, height) == label_image("Cat 0.50", 12, (0, 0, 0)).size
        True
    """
    _, width, height = _layout(text, size)
    return width, height


def text_ascent(size: int) -> int:
    """Pixels from a label line's top to its baseline."""
    return font(size).getmetrics()[0]


def label_image(text: str, size: int, colour: Colour) -> Image.Image:
    """``text`` on a ``colour`` background, padded, as an RGB picture ready to paste.

    A label's alpha mask is laid out from word masks (glyphs side by side, kept for any colour)
    and coloured through a blend table; labels are remembered too (least recently used first out).
    Class names, confidences and attribute values repeat from object to object and frame to frame,
    so most labels of a new frame are known.
    """
    key = (text, size, colour)
    found = _recall(_labels, key)
    if found is not None:
        return found
    words, width, height = _layout(text, size)
    pad_y, line = LABEL_PADDING[1], _line_height(size)
    mask = np.zeros((height, width), dtype=np.uint8)
    for dx, word_mask in words:
        mask[pad_y : pad_y + line, dx : dx + word_mask.shape[1]] = word_mask
    pixels = _blend_table(colour).take(mask)
    return _remember(_labels, key, Image.frombytes("RGB", (width, height), pixels, "raw", "RGBX"))


def clear_label_cache() -> None:
    """Forget rendered words and labels (benchmarks use it to measure a draw with nothing cached)."""
    with _cache_lock:
        _word_masks.clear()
        _labels.clear()
        _blend_tables.clear()
    label_size.cache_clear()


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

    def _tops(self, extent: PixelBox, h: int):
        """Top edges to try, in order (before they are moved inside the image)."""
        _, y0, _, y1 = extent
        yield y0 - h
        yield y0
        yield y1
        inside = min(max(y0, 0), max(self.height - h, 0))
        for k in range(1, MAX_LABEL_SLIDES + 1):
            yield inside + h * k
            yield y0 - h * (k + 1)

    def _free(self, x0: int, y0: int, x1: int, y1: int, cx0: int, cx1: int) -> bool:
        """Whether no placed label overlaps the slot; ``cx0..cx1`` are its columns of buckets."""
        c, get = self.cell, self._buckets.get
        for cy in range(y0 // c, (y1 - 1) // c + 1):
            for cx in range(cx0, cx1 + 1):
                found = get((cx, cy))
                if found:
                    for ox0, oy0, ox1, oy1 in found:
                        if ox0 < x1 and ox1 > x0 and oy0 < y1 and oy1 > y0:
                            return False
        return True

    def place(self, extent: PixelBox, w: int, h: int) -> tuple[int, int]:
        """Reserve a ``w`` x ``h`` label slot for an object with this extent; its top-left corner."""
        c, buckets = self.cell, self._buckets
        # Every slot shares one column span; only the top edge changes from slot to slot.
        x0 = min(max(extent[0], 0), max(self.width - w, 0))
        x1 = x0 + w
        cx0, cx1 = x0 // c, (x1 - 1) // c
        lowest = max(self.height - h, 0)
        top = min(max(extent[1] - h, 0), lowest)
        if not self._free(x0, top, x1, top + h, cx0, cx1):  # most labels take their first slot
            tried = {top}
            for raw in self._tops(extent, h):
                y0 = min(max(raw, 0), lowest)
                if y0 not in tried:
                    tried.add(y0)
                    if self._free(x0, y0, x1, y0 + h, cx0, cx1):
                        top = y0
                        break
        slot = (x0, top, x1, top + h)
        for cy in range(top // c, (top + h - 1) // c + 1):
            for cx in range(cx0, cx1 + 1):
                found = buckets.get((cx, cy))
                if found is None:
                    buckets[(cx, cy)] = [slot]
                else:
                    found.append(slot)
        return x0, top
