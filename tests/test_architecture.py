"""The package keeps design.md's layering and its public names are all declared."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

import encord_nb

ROOT = Path(__file__).resolve().parents[1]


def test_imports_point_the_way_design_md_says():
    # Given the contracts in pyproject.toml, when import-linter checks the package, then none is broken.
    lint = Path(sys.executable).with_name("lint-imports")
    assert lint.exists(), "import-linter is missing: run `make test` (it installs the test extra)"
    result = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = (ROOT / "pyproject.toml").read_text().count("[[tool.importlinter.contracts]]")
    assert f"{contracts} kept, 0 broken" in result.stdout, result.stdout


def _public_packages() -> list[str]:
    names = ["encord_nb"]
    for info in pkgutil.iter_modules(encord_nb.__path__, "encord_nb."):
        if info.ispkg and not info.name.rsplit(".", 1)[1].startswith("_"):
            names.append(info.name)
    return names + ["encord_nb.exceptions"]


@pytest.mark.parametrize("name", _public_packages())
def test_all_lists_exactly_the_public_names(name):
    # Given a public module, when its namespace is compared with __all__, then they agree both ways.
    module = importlib.import_module(name)
    declared = getattr(module, "__all__", None)
    assert declared is not None, f"{name} has no __all__"
    assert len(declared) == len(set(declared)), f"{name}.__all__ repeats a name"
    missing = [n for n in declared if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what the module lacks: {missing}"
    public = {
        n
        for n, value in vars(module).items()
        if not n.startswith("_") and not isinstance(value, types.ModuleType) and n != "annotations"
    }
    undeclared = sorted(public - set(declared))
    assert not undeclared, f"{name} exposes names missing from __all__: {undeclared}"
