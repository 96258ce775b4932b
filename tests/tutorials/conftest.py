"""Fixtures of the tutorial tests: an environment whose kernels use a private demo workspace."""

from __future__ import annotations

import os

import pytest

#: Variables that would point a tutorial at another workspace or at a real Encord account.
AMBIENT = ("ENCORD_NB_HOME", "ENCORD_SSH_KEY", "ENCORD_SSH_KEY_FILE")


@pytest.fixture(scope="module")
def tutorial_home(tmp_path_factory):
    """A folder for ``ENCORD_NB_HOME`` with the demo workspace already built in it."""
    from encord_nb.demo import build_demo

    home = tmp_path_factory.mktemp("tutorial-home")
    build_demo(home / "demo")
    return home


@pytest.fixture(scope="module")
def kernel_env(tutorial_home):
    """The environment for tutorial kernels: this interpreter's, with the private workspace and no keys."""
    env = {k: v for k, v in os.environ.items() if k not in AMBIENT}
    env["ENCORD_NB_HOME"] = str(tutorial_home)
    return env
