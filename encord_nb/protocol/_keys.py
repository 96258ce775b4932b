"""Ed25519 key loading and key ids (the lowercase hex of the raw 32-byte public key)."""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_ssh_private_key,
)

from encord_nb.exceptions import UsageError

_OPENSSH_ED25519 = "ssh-ed25519"
_RAW_KEY_BYTES = 32


def load_private_key(key: str | bytes | os.PathLike, password: str | bytes | None = None) -> Ed25519PrivateKey:
    """Load an Ed25519 private key in OpenSSH format, from its text or from a file path.

    Args:
        key: the key text (``-----BEGIN OPENSSH PRIVATE KEY-----...``) or a path to a file holding it.
        password: the passphrase of an encrypted key (needs the ``bcrypt`` package).

    Returns:
        The private key.

    Raises:
        UsageError: the key is missing, not OpenSSH, or not Ed25519. The message never contains the key.

    Example:
        >>> key = load_private_key(Path("~/.ssh/encord_ed25519").expanduser())  # doctest: +SKIP
    """
    if isinstance(key, os.PathLike) or (isinstance(key, str) and "PRIVATE KEY" not in key):
        path = Path(key).expanduser()
        if not path.is_file():
            raise UsageError(f"No private key file at {path}: pass the key text or the path of an OpenSSH key file.")
        data = path.read_bytes()
    else:
        data = key.encode() if isinstance(key, str) else key
    secret = password.encode() if isinstance(password, str) else password
    try:
        loaded = load_ssh_private_key(data, password=secret)
    except UnsupportedAlgorithm as exc:
        raise UsageError("This key is encrypted: install the `bcrypt` package to unlock it.") from exc
    except (ValueError, TypeError) as exc:
        raise UsageError(
            "The private key is not an OpenSSH key (or the password is wrong): "
            "create one with `ssh-keygen -t ed25519` and pass its text or path."
        ) from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise UsageError("The private key is not Ed25519; Encord accepts only `ssh-keygen -t ed25519` keys.")
    return loaded


def generate_private_key() -> Ed25519PrivateKey:
    """A fresh Ed25519 key (for demos and tests)."""
    return Ed25519PrivateKey.generate()


def private_key_to_openssh(private_key: Ed25519PrivateKey) -> str:
    """The key as unencrypted OpenSSH text, the format the SDK and ``ssh-keygen`` read."""
    return private_key.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()).decode()


def public_key_hex(key: Ed25519PrivateKey | Ed25519PublicKey | str) -> str:
    """The key id the SDK sends: lowercase hex of the raw 32-byte public key.

    Args:
        key: a private key, a public key, an ``authorized_keys`` line (``ssh-ed25519 AAAA... comment``)
            or a key id already in hex (returned normalised).

    Example:
        >>> public_key_hex("a" * 64) == "a" * 64
        True
    """
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    if isinstance(key, Ed25519PublicKey):
        return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    text = key.strip()
    if len(text) == 2 * _RAW_KEY_BYTES and all(c in "0123456789abcdefABCDEF" for c in text):
        return text.lower()
    fields = text.split()
    if len(fields) >= 2 and fields[0] == _OPENSSH_ED25519:
        try:
            blob = base64.b64decode(fields[1], validate=True)
        except binascii.Error as exc:
            raise UsageError("The public key line is not valid base64 after `ssh-ed25519`.") from exc
        # The blob is a length-prefixed "ssh-ed25519" followed by the length-prefixed raw key.
        if len(blob) == 4 + len(_OPENSSH_ED25519) + 4 + _RAW_KEY_BYTES:
            return blob[-_RAW_KEY_BYTES:].hex()
    raise UsageError(
        "Not an Ed25519 public key: pass a `ssh-ed25519 AAAA...` line (a .pub file) or the 64-hex-character key id."
    )


def public_key_from_hex(key_hex: str) -> Ed25519PublicKey:
    """The public key behind a key id; :class:`UsageError` when it is not 64 hex characters."""
    try:
        raw = bytes.fromhex(key_hex)
    except ValueError as exc:
        raise UsageError("A key id is 64 hex characters.") from exc
    if len(raw) != _RAW_KEY_BYTES:
        raise UsageError("A key id is 64 hex characters.")
    return Ed25519PublicKey.from_public_bytes(raw)
