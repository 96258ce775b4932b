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
