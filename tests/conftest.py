"""Fixtures shared across the test layers.

- ``EncordUserClient``: the official SDK's client class, imported once with its import-time deprecation
  warnings silenced (the pinned SDK trips pydantic deprecations that our warnings-are-errors setting would
  turn into failures).
"""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        import encord  # noqa: F401
        from encord import EncordUserClient as _SdkUserClient
    except ImportError:  # pragma: no cover - reported by the fixture below
        _SdkUserClient = None


@pytest.fixture(scope="session")
def sdk_client_class():
    """The official SDK's ``EncordUserClient`` (the test extra installs ``encord==0.1.211``)."""
    assert _SdkUserClient is not None, "The official SDK is missing: pip install 'encord==0.1.211' (make test does it)"
    return _SdkUserClient


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory):
    """The demo workspace, built once per test session in a temporary folder (see ``encord_nb.demo``)."""
    from encord_nb.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo-workspace"))


@pytest.fixture(scope="session")
def demo_key_text(demo_workspace) -> str:
    """The demo user's private key (OpenSSH text), as the SDK and our client take it."""
    return demo_workspace.key_path.read_text()


@pytest.fixture(scope="session")
def demo_server(demo_workspace):
    """The embedded server over the session's demo workspace, on a free loopback port.

    Shared by the whole session: tests that change data should build their own copy instead.
    """
    from encord_nb.server import serve

    with serve(demo_workspace.path) as server:
        yield server
