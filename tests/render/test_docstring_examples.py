"""The examples in the renderers' docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["", "._annotation", "._colour", "._compare", "._hit", "._matplotlib", "._pillow", "._pixels", "._plan", "._style", "._svg", "._text"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    module = importlib.import_module(f"encord_nb.render{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) in encord_nb.render{name} failed (see output)"
