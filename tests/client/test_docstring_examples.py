"""The examples in the client's docstrings run and print what they say (the ones that need no server)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import encord_nb.client

MODULES = sorted(m.name for m in pkgutil.iter_modules(encord_nb.client.__path__) if m.name.startswith("_"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    module = importlib.import_module(f"encord_nb.client.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) in encord_nb/client/{name}.py failed (see output)"
