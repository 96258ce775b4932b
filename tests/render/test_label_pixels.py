"""Label pictures, pixel for pixel, against each character drawn on its own with ImageDraw and pasted."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from encord_nb.render._colour import text_colour_on
from encord_nb.render._text import LABEL_PADDING, clear_label_cache, font, label_image


def _plain_label(text: str, size: int, colour: tuple[int, int, int]) -> Image.Image:
    # Each character in its own advance-wide cell (labels are not kerned), on the colour, padded.
    face = font(size)
    ascent, descent = face.getmetrics()
    pad_x, pad_y = LABEL_PADDING
    advances = [max(1, round(face.getlength(char))) for char in text]
    width = pad_x + sum(advances) + pad_x
    label = Image.new("RGB", (width, ascent + descent + 2 * pad_y), colour)
    x = pad_x
    for char, advance in zip(text, advances):
        if char != " ":
            cell = Image.new("L", (advance, ascent + descent))
            ImageDraw.Draw(cell).text((0, 0), char, font=face, fill=255)
            label.paste(text_colour_on(colour), (x, pad_y), cell)
        x += advance
    return label


@pytest.mark.parametrize(
    ("text", "size", "colour"),
    [("car 0.87", 17, (214, 39, 40)), ("Cat | Mood: Grumpy", 10, (255, 221, 87)), ("region 0.30", 24, (23, 190, 207))],
)
def test_label_matches_characters_drawn_one_by_one(text, size, colour):
    # Given nothing cached, when a label is made twice (built, then remembered),
    clear_label_cache()
    built, remembered = label_image(text, size, colour), label_image(text, size, colour)
    # then both equal the characters drawn one by one on the label colour.
    expected = np.asarray(_plain_label(text, size, colour))
    assert np.array_equal(np.asarray(built), expected)
    assert np.array_equal(np.asarray(remembered), expected)
