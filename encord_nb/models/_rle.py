"""Encord's bitmask run-length encoding.

Pixels are taken in row-major order (index = row * width + col). The runs alternate background and
foreground, starting with background (so a mask whose first pixel is set starts with a 0 run). The
run lengths are written as COCO's "compressed counts" string: from the fourth run on, each run is
stored as the difference to the run two places earlier, and every value is emitted as 5-bit
groups, least significant first, one character per group (48 + group, plus 32 when more follow).
"""

from __future__ import annotations

import numpy as np


def _runs(mask: np.ndarray) -> list[int]:
    flat = np.ascontiguousarray(mask, dtype=bool).ravel()
    if flat.size == 0:
        return []
    change = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    bounds = np.concatenate(([0], change, [flat.size]))
    runs = np.diff(bounds).tolist()
    return [0, *runs] if flat[0] else runs


def rle_encode(mask: np.ndarray) -> str:
    """Encode a 2-D boolean mask as an Encord ``rleString``.

    Example:
        >>> mask = np.zeros((4, 6), dtype=bool); mask[1:3, 2:5] = True
        >>> rle_encode(mask)
        '83304'
    """
    counts = _runs(mask)
    out: list[str] = []
    for i, count in enumerate(counts):
        x = count - counts[i - 2] if i > 2 else count
        more = True
        while more:
            group = x & 0x1F
            x >>= 5
            more = x != -1 if group & 0x10 else x != 0
            out.append(chr(48 + (group | 0x20 if more else group)))
    return "".join(out)


def rle_counts(rle: str) -> list[int]:
    """Decode an ``rleString`` into its alternating background/foreground run lengths."""
    counts: list[int] = []
    pos, end = 0, len(rle)
    while pos < end:
        x = shift = 0
        more = True
        while more:
            if pos >= end:
                raise ValueError("bitmask rleString ends in the middle of a value")
            group = ord(rle[pos]) - 48
            x |= (group & 0x1F) << shift
            more = bool(group & 0x20)
            pos += 1
            shift += 5
            if not more and group & 0x10:
                x |= -1 << shift
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def rle_decode(rle: str, height: int, width: int) -> np.ndarray:
    """Decode an ``rleString`` into a ``(height, width)`` boolean mask.

    Example:
        >>> int(rle_decode("83304", 4, 6).sum())
        6

    Raises:
        ValueError: the runs are malformed or do not add up to ``height * width`` pixels.
    """
    counts = rle_counts(rle)
    if any(c < 0 for c in counts):
        raise ValueError("bitmask rleString has a negative run length")
    total = sum(counts)
    if total != height * width:
        raise ValueError(f"bitmask rleString covers {total} pixels but the mask is {height}x{width}")
    values = np.zeros(len(counts), dtype=bool)
    values[1::2] = True
    return np.repeat(values, counts).reshape(height, width)
