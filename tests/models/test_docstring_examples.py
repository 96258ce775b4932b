"""The examples in the models' docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["_answers", "_dates", "_enums", "_geometry", "_label_row", "_metadata", "_objects", "_ontology", "_project", "_rle"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    module = importlib.import_module(f"encord_nb.models.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) in encord_nb/models/{name}.py failed (see output)"
