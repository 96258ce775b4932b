"""HMAC-based secrets the server hands out: bearer tokens and signed media URLs.

Both are ``payload + HMAC-SHA256(secret, payload)``; checks use a constant-time comparison.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import time
from urllib.parse import quote, urlencode

from encord_nb.exceptions import AuthenticationError, PermissionDeniedError, UsageError
from encord_nb.protocol._constants import DEFAULT_BEARER_TOKEN_TTL_S, DEFAULT_MEDIA_URL_TTL_S

__all__ = ["BearerTokens", "MediaSigner"]

_MIN_SECRET_BYTES = 16


def _check_secret(secret: bytes) -> bytes:
    if not isinstance(secret, bytes) or len(secret) < _MIN_SECRET_BYTES:
        raise UsageError(f"A signing secret is at least {_MIN_SECRET_BYTES} random bytes (use os.urandom(32)).")
    return secret


def _mac(secret: bytes, message: str) -> str:
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def _same(expected: str, given: str) -> bool:
    # Constant time, and bytes so that non-ASCII input is a mismatch rather than a TypeError.
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


class MediaSigner:
    """Signs and checks media URLs: an HMAC over the path and the expiry time.

    Args:
        secret: the server's secret (random bytes, never shown).
        ttl_s: how long a signed URL stays valid, in seconds (default one hour).

    Example:
        >>> signer = MediaSigner(b"0" * 32, ttl_s=60)
        >>> query = signer.sign("/media/abc.jpg", now=1000)
        >>> signer.verify("/media/abc.jpg", query["exp"], query["sig"], now=1030)
    """

    def __init__(self, secret: bytes, ttl_s: float = DEFAULT_MEDIA_URL_TTL_S):
        self._secret = _check_secret(secret)
        if ttl_s <= 0:
            raise UsageError("A signed URL's lifetime (ttl_s) must be positive seconds.")
        self.ttl_s = ttl_s

    def __repr__(self) -> str:
        return f"MediaSigner(ttl_s={self.ttl_s})"

    def sign(self, path: str, now: float | None = None) -> dict[str, str]:
        """The query parameters (``exp``, ``sig``) that make ``path`` fetchable until now + ttl."""
        # Rounded up to the whole second: a link is never valid for less than its lifetime.
        expires = math.ceil((time.time() if now is None else now) + self.ttl_s)
        return {"exp": str(expires), "sig": _mac(self._secret, f"{path}\n{expires}")}

    def signed_url(self, base_url: str, path: str, now: float | None = None) -> str:
        """``base_url`` + the percent-encoded ``path`` + the signature query."""
        return f"{base_url.rstrip('/')}{quote(path)}?{urlencode(self.sign(path, now))}"

    def verify(self, path: str, exp: str | None, sig: str | None, now: float | None = None) -> None:
        """Accept the URL, or raise :class:`PermissionDeniedError` (status 403).

        The path must be the decoded path the URL was signed for; any change to it, to ``exp`` or to
        ``sig`` fails, and so does a URL past its expiry.
        """
        if not exp or not sig or not exp.isdigit():
            raise PermissionDeniedError("This media URL is not signed: ask the API for a signed URL.", status_code=403)
        if not _same(_mac(self._secret, f"{path}\n{exp}"), sig):
            raise PermissionDeniedError("This media URL's signature is not valid.", status_code=403)
        if int(exp) < (time.time() if now is None else now):
            raise PermissionDeniedError(
                "This media URL has expired: fetch the label row again for a fresh one.", status_code=403
            )


class BearerTokens:
    """Issues and checks bearer tokens bound to a key id, with an expiry.

    Example:
        >>> tokens = BearerTokens(b"1" * 32)
        >>> tokens.verify(tokens.issue("ab" * 32)) == "ab" * 32
        True
    """

    def __init__(self, secret: bytes, ttl_s: float = DEFAULT_BEARER_TOKEN_TTL_S):
        self._secret = _check_secret(secret)
        self.ttl_s = ttl_s

    def __repr__(self) -> str:
        return f"BearerTokens(ttl_s={self.ttl_s})"

    def issue(self, key_id: str, now: float | None = None) -> str:
        """A token for the user of ``key_id``, valid for ttl seconds."""
        expires = int((time.time() if now is None else now) + self.ttl_s)
        payload = base64.urlsafe_b64encode(f"{key_id}.{expires}".encode()).decode().rstrip("=")
        return f"{payload}.{_mac(self._secret, payload)}"

    def verify(self, token: str, now: float | None = None) -> str:
        """The key id a token was issued to; :class:`AuthenticationError` when it is forged or expired."""
        payload, _, mac = token.strip().rpartition(".")
        if not payload or not _same(_mac(self._secret, payload), mac):
            raise AuthenticationError("The bearer token is not valid.", status_code=401, code="AUTHENTICATION_ERROR")
        key_id, _, expires = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode().rpartition(".")
        if int(expires) < (time.time() if now is None else now):
            raise AuthenticationError(
                "The bearer token has expired: ask for a new one.", status_code=401, code="AUTHENTICATION_ERROR"
            )
        return key_id
