"""Shared fixtures for the wire-model tests: the SDK-written example files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# Copies of shared/reference/format-examples (written by the official SDK 0.1.211), kept here so CI has them.
EXAMPLES = Path(__file__).parent / "format_examples"
LABEL_ROW_FILES = sorted(EXAMPLES.glob("label_row_*.json"))


def load_example(name: str) -> dict:
    path = EXAMPLES / name
    assert path.exists(), f"the format examples are missing: expected {path}"
    return json.loads(path.read_bytes())


@pytest.fixture
def image_row() -> dict:
    return load_example("label_row_image.json")


@pytest.fixture
def video_row() -> dict:
    return load_example("label_row_video.json")


@pytest.fixture
def img_group_row() -> dict:
    return load_example("label_row_img_group.json")


@pytest.fixture
def ontology_dict() -> dict:
    return load_example("ontology_structure.json")
