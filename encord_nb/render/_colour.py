"""Colours: parsing ontology colours, a fixed palette for colouring by key, readable label text."""

from __future__ import annotations

import zlib

from PIL import ImageColor

from encord_nb.exceptions import UsageError

Colour = tuple[int, int, int]

#: Distinct, saturated colours for colouring by class, instance or annotator (Tableau 10 order).
PALETTE: tuple[Colour, ...] = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
)


def parse_colour(text: str | Colour) -> Colour:
    """``"#D33115"``, ``"red"`` or ``(r, g, b)`` as an ``(r, g, b)`` tuple.

    Example:
        >>> parse_colour("#D33115")
        (211, 49, 21)

    Raises:
        UsageError: the text is not a colour.
    """
    if isinstance(text, tuple):
        return text[:3]  # type: ignore[return-value]
    try:
        return ImageColor.getrgb(text)[:3]  # type: ignore[return-value]
    except ValueError:
        raise UsageError(f"{text!r} is not a colour: use '#rrggbb', a colour name or an (r, g, b) tuple") from None


def palette_colour(key: str | None) -> Colour:
    """A palette colour picked by a stable hash of ``key`` (the same key gets the same colour in every run)."""
    return PALETTE[zlib.crc32((key or "").encode()) % len(PALETTE)]


def text_colour_on(background: Colour) -> Colour:
    """Black or white, whichever reads better on ``background``."""
    r, g, b = background
    return (0, 0, 0) if 0.299 * r + 0.587 * g + 0.114 * b > 150 else (255, 255, 255)
