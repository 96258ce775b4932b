"""Ed25519 request signing and verification for both API families.

v1 (``POST /public``): the signature covers the SHA-256 digest of the exact body bytes and travels as
``Authorization: <key id hex>:<signature hex>``.

v2 (``/v2/public/...``): a fixed, simplified HTTP message signature. A four-line base (method, raw
request target, ``Content-Digest``, signature parameters) is signed as is, and sent in
``Signature-Input`` / ``Signature`` next to ``Content-Digest``.

The functions are pure: they take bytes and strings, return header dicts or the verified key id, and
never log or echo a signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
from collections.abc import Callable, Container, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from encord_nb.exceptions import AuthenticationError, UsageError
from encord_nb.protocol._constants import SIGNATURE_LABEL, V2_SIGNATURE_MAX_SKEW_S
from encord_nb.protocol._keys import public_key_from_hex, public_key_hex

__all__ = [
    "content_digest",
    "sign_v1",
    "sign_v2",
    "v2_signature_base",
    "v2_signature_params",
    "verify_v1",
    "verify_v2",
]

_COVERED = '("@method" "@request-target" "content-digest")'
_PARAMS = re.compile(
    r'^\("@method" "@request-target" "content-digest"\);created=(?P<created>\d+);'
    r'keyid="(?P<keyid>[0-9a-f]{64})";alg="ed25519"$'
)
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_HEX128 = re.compile(r"^[0-9a-fA-F]{128}$")

KnownKeys = Container[str] | Callable[[str], bool]


def _auth_failure(message: str, code: str = "AUTHENTICATION_ERROR") -> AuthenticationError:
    return AuthenticationError(message, status_code=401, code=code)


def _is_known(known_keys: KnownKeys, key_id: str) -> bool:
    return known_keys(key_id) if callable(known_keys) else key_id in known_keys


def _header(headers: Mapping[str, str], name: str) -> str | None:
    # Headers may come as a plain dict with any casing, or a case-insensitive mapping.
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


def sign_v1(private_key: Ed25519PrivateKey, body: bytes | str) -> dict[str, str]:
    """The ``Authorization`` header that signs a v1 body.

    Send exactly the bytes that were signed: re-serialising the JSON afterwards breaks the signature.

    Example:
        >>> from encord_nb.protocol import generate_private_key
        >>> key = generate_private_key()
        >>> body = b'{"query_type": "labelrow"}'
        >>> verify_v1(sign_v1(key, body), body, known_keys={public_key_hex(key)}) == public_key_hex(key)
        True
    """
    data = body.encode() if isinstance(body, str) else body
    signature = private_key.sign(hashlib.sha256(data).digest())
    return {"Authorization": f"{public_key_hex(private_key)}:{signature.hex()}"}


def verify_v1(headers: Mapping[str, str], body: bytes, known_keys: KnownKeys) -> str:
    """Check a v1 request's ``Authorization: keyhex:sighex`` over SHA-256 of the raw body.

    Args:
        headers: the request headers (only ``Authorization`` is read).
        body: the raw request body bytes, as received.
        known_keys: the registered key ids, as a container or a predicate.

    Returns:
        The verified key id.

    Raises:
        AuthenticationError: missing or malformed header, a bad signature (code ``AUTHENTICATION_ERROR``),
            or an unregistered key (code ``SSH_KEY_NOT_FOUND_ERROR``).
    """
    value = _header(headers, "Authorization")
    if not value:
        raise _auth_failure("The request carries no Authorization header: sign it with your Ed25519 key.")
    key_id, sep, signature_hex = value.strip().partition(":")
    if not sep or not _HEX64.match(key_id) or not _HEX128.match(signature_hex):
        raise _auth_failure("The Authorization header is not `<public key hex>:<signature hex>`.")
    key_id = key_id.lower()
    if not _is_known(known_keys, key_id):
        raise _auth_failure("This public key is not registered with the server.", code="SSH_KEY_NOT_FOUND_ERROR")
    try:
        public_key_from_hex(key_id).verify(bytes.fromhex(signature_hex), hashlib.sha256(body).digest())
    except (InvalidSignature, ValueError) as exc:
        raise _auth_failure("The request signature does not match its body.") from exc
    return key_id


def content_digest(body: bytes) -> str:
    """The ``Content-Digest`` value of a body: ``sha-256=:<base64 SHA-256>:``."""
    return f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode('ascii')}:"


def v2_signature_params(key_id: str, created: int) -> str:
    """The signature parameters string, in the fixed order the SDK writes."""
    return f'{_COVERED};created={int(created)};keyid="{key_id}";alg="ed25519"'


def v2_signature_base(method: str, request_target: str, digest: str, params: str) -> str:
    """The four-line text a v2 signature covers (no trailing newline)."""
    return "\n".join(
        (
            f'"@method": {method.upper()}',
            f'"@request-target": {request_target}',
            f'"content-digest": {digest}',
            f'"@signature-params": {params}',
        )
    )


def sign_v2(
    private_key: Ed25519PrivateKey,
    method: str,
    request_target: str,
    body: bytes | str | None = b"",
    created: int | None = None,
) -> dict[str, str]:
    """The ``Content-Digest``, ``Signature-Input`` and ``Signature`` headers of a v2 request.

    Args:
        private_key: the signer's Ed25519 key.
        method: the HTTP method.
        request_target: the path plus ``?`` and the query string exactly as it goes on the wire
            (percent-encoding included).
        body: the exact body bytes; empty or None for GET and DELETE.
        created: unix seconds; now when omitted.

    Example:
        >>> from encord_nb.protocol import generate_private_key
        >>> headers = sign_v2(generate_private_key(), "GET", "/v2/public/projects")
        >>> sorted(headers)
        ['Content-Digest', 'Signature', 'Signature-Input']
    """
    data = body.encode() if isinstance(body, str) else (body or b"")
    if not request_target.startswith("/"):
        raise UsageError("A v2 request target starts with `/` (path plus query string).")
    digest = content_digest(data)
    params = v2_signature_params(public_key_hex(private_key), int(time.time()) if created is None else created)
    signature = private_key.sign(v2_signature_base(method, request_target, digest, params).encode())
    return {
        "Content-Digest": digest,
        "Signature-Input": f"{SIGNATURE_LABEL}={params}",
        "Signature": f"{SIGNATURE_LABEL}=:{base64.b64encode(signature).decode('ascii')}:",
    }


def verify_v2(
    method: str,
    request_target: str,
    headers: Mapping[str, str],
    body: bytes,
    known_keys: KnownKeys,
    *,
    now: float | None = None,
    max_skew_s: float = V2_SIGNATURE_MAX_SKEW_S,
) -> str:
    """Check a v2 message signature against the request as received.

    Args:
        method: the HTTP method received.
        request_target: the raw path and query received (never a re-encoded URL).
        headers: the request headers.
        body: the raw body bytes (empty for GET).
        known_keys: the registered key ids, as a container or a predicate.
        now: the verifier's clock (unix seconds); the current time when omitted.
        max_skew_s: how far ``created`` may be from ``now``; None disables the freshness check.

    Returns:
        The verified key id.

    Raises:
        AuthenticationError: a missing or malformed header, a body that does not match its digest, a
            stale ``created``, an unregistered key (code ``SSH_KEY_NOT_FOUND_ERROR``) or a bad signature.
    """
    signature_input = _header(headers, "Signature-Input")
    signature = _header(headers, "Signature")
    digest = _header(headers, "Content-Digest")
    if not signature_input or not signature or not digest:
        raise _auth_failure("The request is not signed: Content-Digest, Signature-Input and Signature are needed.")
    label, _, params = signature_input.strip().partition("=")
    match = _PARAMS.match(params)
    if label != SIGNATURE_LABEL or not match:
        raise _auth_failure("The Signature-Input header does not have the expected form.")
    prefix = f"{SIGNATURE_LABEL}=:"
    sig_text = signature.strip()
    if not (sig_text.startswith(prefix) and sig_text.endswith(":")):
        raise _auth_failure("The Signature header does not have the expected form.")
    try:
        raw_signature = base64.b64decode(sig_text[len(prefix) : -1], validate=True)
    except binascii.Error as exc:
        raise _auth_failure("The Signature header is not base64.") from exc
    if digest.strip() != content_digest(body):
        raise _auth_failure("The Content-Digest does not match the request body.")
    clock = time.time() if now is None else now
    if max_skew_s is not None and abs(clock - int(match["created"])) > max_skew_s:
        raise _auth_failure("The signature's `created` time is too far from the server clock; check your clock.")
    key_id = match["keyid"]
    if not _is_known(known_keys, key_id):
        raise _auth_failure("This public key is not registered with the server.", code="SSH_KEY_NOT_FOUND_ERROR")
    base = v2_signature_base(method, request_target, digest.strip(), params)
    try:
        public_key_from_hex(key_id).verify(raw_signature, base.encode())
    except InvalidSignature as exc:
        raise _auth_failure("The request signature does not match the request.") from exc
    return key_id
