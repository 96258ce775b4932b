"""The examples in the protocol and server docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "encord_nb.protocol._envelope",
    "encord_nb.protocol._keys",
    "encord_nb.protocol._routes",
    "encord_nb.protocol._signing",
    "encord_nb.protocol._tokens",
    "encord_nb.server._app",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) in {name} failed (see output)"
    assert result.attempted > 0, f"{name} has no docstring example"
