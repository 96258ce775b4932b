"""Fixtures of the renderer tests."""

from __future__ import annotations

import pytest
from PIL import Image


@pytest.fixture
def grey() -> Image.Image:
    """A 100 x 80 mid-grey frame: every overlay colour changes it."""
    return Image.new("RGB", (100, 80), (128, 128, 128))
