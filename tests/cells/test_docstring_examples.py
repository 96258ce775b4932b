"""The examples in the helper cells' docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["_labels", "_selection", "_progress"])
def test_docstring_examples_hold(name):
    module = importlib.import_module(f"encord_nb.cells.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0, f"encord_nb/cells/{name}.py lost its examples"
    assert result.failed == 0, f"{result.failed} docstring example(s) in encord_nb/cells/{name}.py failed (see output)"
