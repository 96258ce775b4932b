"""Signing and verification of both API families, checked against the captured SDK requests."""

from __future__ import annotations

import hashlib

import pytest

from encord_nb.exceptions import AuthenticationError, UsageError
from encord_nb.protocol import (
    EMPTY_BODY_DIGEST,
    content_digest,
    generate_private_key,
    load_private_key,
    private_key_to_openssh,
    public_key_hex,
    sign_v1,
    sign_v2,
    verify_v1,
    verify_v2,
)

# Captured from the official SDK (protocol reference §2.2, §2.3).
CAPTURED_KEY_ID = "1880f36f2469ea3f977b3b713b3d503ec9203a8406d6aeb154fae8f9ad511f93"
CAPTURED_V1_BODY = (
    b'{"query_type": "projectwithuserrole", "query_method": "GET", '
    b'"values": {"uid": null, "payload": {"filter": {}}}}'
)
CAPTURED_V1_DIGEST = "8f5d654b5f93849effab0ea7c4c3bc65cc5f481ef808114df2092b775cb240f1"
CAPTURED_V2_TARGET = "/v2/public/projects/00000000-0000-4000-8000-000000000001/priorities"
CAPTURED_V2_BODY = b'{"priorities": [["00000000-0000-4000-8000-0000000001a1", 0.9]]}'
CAPTURED_V2_CREATED = 1795392118
CAPTURED_V2_HEADERS = {
    "Content-Digest": "sha-256=:a5zTcP2JRs5EWgWwH0XrSrq49bWsPGvfbgh1rHuUsxY=:",
    "Signature-Input": 'encord-sig=("@method" "@request-target" "content-digest");created=1795392118;'
    'keyid="1880f36f2469ea3f977b3b713b3d503ec9203a8406d6aeb154fae8f9ad511f93";alg="ed25519"',
    "Signature": "encord-sig=:ad730u3MOfvZbKd/qNe3t/ZDHm3uF7B8k/5wUfolXRmn5z6mfFAEkiwGNyWU/vTKI8udqkKbFo9ryeQv1YTVDg==:",
}


@pytest.fixture(scope="module")
def key():
    return generate_private_key()


def test_v1_signs_the_digest_of_the_captured_body():
    # Given the captured v1 body, when hashed as the signer does, then it matches the capture.
    assert hashlib.sha256(CAPTURED_V1_BODY).hexdigest() == CAPTURED_V1_DIGEST


def test_v2_captured_sdk_request_verifies():
    # Given the SDK's captured set_priority request, when verified at its own clock, then the key id is returned.
    key_id = verify_v2(
        "POST", CAPTURED_V2_TARGET, CAPTURED_V2_HEADERS, CAPTURED_V2_BODY, {CAPTURED_KEY_ID}, now=CAPTURED_V2_CREATED
    )
    assert key_id == CAPTURED_KEY_ID
    assert content_digest(CAPTURED_V2_BODY) == CAPTURED_V2_HEADERS["Content-Digest"]


@pytest.mark.parametrize(
    "method, target, body",
    [
        ("GET", CAPTURED_V2_TARGET, CAPTURED_V2_BODY),
        ("POST", CAPTURED_V2_TARGET + "?x=1", CAPTURED_V2_BODY),
        ("POST", CAPTURED_V2_TARGET, CAPTURED_V2_BODY.replace(b"0.9", b"0.1")),
    ],
    ids=["method", "target", "body"],
)
def test_v2_captured_request_altered_is_refused(method, target, body):
    # Given the captured request with one part changed, when verified, then it is refused.
    with pytest.raises(AuthenticationError):
        verify_v2(method, target, CAPTURED_V2_HEADERS, body, {CAPTURED_KEY_ID}, now=CAPTURED_V2_CREATED)


def test_v2_captured_request_is_stale_later():
    # Given the captured request, when verified an hour after it was made, then it is refused as stale.
    with pytest.raises(AuthenticationError, match="created"):
        verify_v2(
            "POST", CAPTURED_V2_TARGET, CAPTURED_V2_HEADERS, CAPTURED_V2_BODY, {CAPTURED_KEY_ID},
            now=CAPTURED_V2_CREATED + 3600,
        )


def test_v1_round_trip_and_tampering(key):
    # Given a signed v1 body, when verified as sent, then it passes; when altered or unknown, it fails.
    body = b'{"query_type": "labelrow", "query_method": "GET", "values": {"uid": ["a"], "payload": {}}}'
    headers = sign_v1(key, body)
    assert verify_v1(headers, body, {public_key_hex(key)}) == public_key_hex(key)
    with pytest.raises(AuthenticationError) as bad:
        verify_v1(headers, body.replace(b'"a"', b'"b"'), {public_key_hex(key)})
    assert bad.value.code == "AUTHENTICATION_ERROR"
    with pytest.raises(AuthenticationError) as unknown:
        verify_v1(headers, body, set())
    assert unknown.value.code == "SSH_KEY_NOT_FOUND_ERROR"
    with pytest.raises(AuthenticationError):
        verify_v1({}, body, {public_key_hex(key)})


def test_v1_signature_never_appears_in_errors(key):
    # Given a tampered request, when refused, then the message shows neither the key id nor the signature.
    headers = sign_v1(key, b"{}")
    with pytest.raises(AuthenticationError) as exc:
        verify_v1(headers, b"{ }", {public_key_hex(key)})
    assert headers["Authorization"].split(":")[1] not in str(exc.value)


def test_v2_round_trip_with_empty_body(key):
    # Given a GET signed now, when verified, then it passes and carries the empty-body digest.
    headers = sign_v2(key, "get", "/v2/public/projects?titleLike=%25a%25&includeOrgAccess=False")
    assert headers["Content-Digest"] == EMPTY_BODY_DIGEST
    assert verify_v2(
        "GET", "/v2/public/projects?titleLike=%25a%25&includeOrgAccess=False", headers, b"", {public_key_hex(key)}
    ) == public_key_hex(key)
    with pytest.raises(AuthenticationError):
        verify_v2("GET", "/v2/public/projects?titleLike=%a%&includeOrgAccess=False", headers, b"",
                  {public_key_hex(key)})


def test_openssh_key_round_trip_and_public_line(key, tmp_path):
    # Given a key written as OpenSSH text, when loaded from text or path, then its key id is unchanged.
    text = private_key_to_openssh(key)
    path = tmp_path / "id_ed25519"
    path.write_text(text)
    assert public_key_hex(load_private_key(text)) == public_key_hex(key)
    assert public_key_hex(load_private_key(path)) == public_key_hex(key)
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    line = key.public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).decode() + " me@host"
    assert public_key_hex(line) == public_key_hex(key)


def test_bad_keys_are_usage_errors(tmp_path):
    # Given a non-key and a missing file, when loaded, then a UsageError says what to do.
    with pytest.raises(UsageError, match="ssh-keygen"):
        load_private_key("-----BEGIN OPENSSH PRIVATE KEY-----\nnope\n-----END OPENSSH PRIVATE KEY-----\n")
    with pytest.raises(UsageError, match="No private key file"):
        load_private_key(tmp_path / "missing")
    with pytest.raises(UsageError):
        public_key_hex("ssh-rsa AAAAB3Nza")
