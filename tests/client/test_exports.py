"""The client's public names: all importable, all documented, and the package exports nothing else."""

from __future__ import annotations

import inspect

import encord_nb.client as client


def test_every_exported_name_exists_and_public_classes_are_documented():
    assert len(client.__all__) == len(set(client.__all__))
    for name in client.__all__:
        value = getattr(client, name)
        if inspect.isclass(value):
            assert value.__doc__ and value.__doc__.strip(), f"{name} has no docstring"


def test_no_public_name_is_left_out_of_all():
    public = {n for n, v in vars(client).items() if not n.startswith("_") and not inspect.ismodule(v)}
    assert public - set(client.__all__) <= {"annotations"}
