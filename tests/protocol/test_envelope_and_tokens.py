"""v1 envelopes, error mapping, page tokens, bearer tokens and signed media URLs."""

from __future__ import annotations

import json

import pytest

from encord_nb.exceptions import (
    AuthenticationError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from encord_nb.protocol import (
    BearerTokens,
    MediaSigner,
    V1ErrorCode,
    V1Request,
    decode_page_token,
    encode_page_token,
    encode_v1_request,
    error_for_v1_envelope,
    error_for_v2_status,
    v1_error,
    v1_success,
)


def test_v1_request_bytes_match_the_sdk_serialisation():
    # Given the captured SDK body, when the same call is encoded, then the bytes are identical.
    captured = (
        b'{"query_type": "projectwithuserrole", "query_method": "GET", '
        b'"values": {"uid": null, "payload": {"filter": {}}}}'
    )
    assert encode_v1_request("projectwithuserrole", "GET", None, {"filter": {}}) == captured
    parsed = V1Request.parse(captured)
    assert (parsed.query_type, parsed.query_method.value, parsed.uid, parsed.payload) == (
        "projectwithuserrole", "GET", None, {"filter": {}},
    )


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"query_method": "GET"}'])
def test_malformed_envelopes_are_invalid_requests(body):
    with pytest.raises(InvalidRequestError):
        V1Request.parse(body)


def test_error_envelope_is_a_one_element_list_and_maps_back():
    # Given each error code, when wrapped and mapped back, then the status and exception class agree.
    expected = {
        V1ErrorCode.AUTHENTICATION_ERROR: AuthenticationError,
        V1ErrorCode.SSH_KEY_NOT_FOUND_ERROR: AuthenticationError,
        V1ErrorCode.AUTHORISATION_ERROR: PermissionDeniedError,
        V1ErrorCode.RESOURCE_NOT_FOUND_ERROR: NotFoundError,
        V1ErrorCode.RATE_LIMIT_ERROR: RateLimitError,
        V1ErrorCode.INVALID_ARGUMENTS_ERROR: InvalidRequestError,
    }
    for code, cls in expected.items():
        envelope = v1_error(code, "details")
        assert envelope["response"] == [code.value] and envelope["status"] == code.status
        error = error_for_v1_envelope(json.loads(json.dumps(envelope)), trace_id="t1")
        assert type(error) is cls and error.code == code.value and "t1" in str(error)
    assert error_for_v1_envelope(v1_success([])) is None
    assert isinstance(error_for_v1_envelope({"response": []}), ServerError)
    assert isinstance(error_for_v1_envelope({"status": 400, "response": ["SOMETHING_NEW"]}), ServerError)


def test_v2_status_mapping_keeps_retry_after():
    error = error_for_v2_status(429, None, retry_after=3)
    assert isinstance(error, RateLimitError) and error.retry_after == 3
    assert isinstance(error_for_v2_status(404, "gone"), NotFoundError)
    assert isinstance(error_for_v2_status(503, "down"), ServerError)


def test_page_tokens_round_trip_and_are_bound_to_filters():
    token = encode_page_token(200, {"titleLike": "%x%"})
    assert decode_page_token(token, {"titleLike": "%x%"}) == 200
    assert decode_page_token(None) == 0
    with pytest.raises(InvalidRequestError):
        decode_page_token(token, {"titleLike": "%y%"})
    with pytest.raises(InvalidRequestError):
        decode_page_token("garbage!!")


def test_media_urls_refuse_any_change_and_expire():
    # Given a URL signed at t=1000 for 60 s, then only the untouched URL before t=1060 is accepted.
    signer = MediaSigner(b"s" * 32, ttl_s=60)
    query = signer.sign("/media/a.jpg", now=1000)
    signer.verify("/media/a.jpg", query["exp"], query["sig"], now=1059)
    for path, exp, sig, now in [
        ("/media/b.jpg", query["exp"], query["sig"], 1001),
        ("/media/a.jpg", str(int(query["exp"]) + 1), query["sig"], 1001),
        ("/media/a.jpg", query["exp"], query["sig"], 1061),
        ("/media/a.jpg", None, None, 1001),
        ("/media/a.jpg", query["exp"], "é" * 64, 1001),
    ]:
        with pytest.raises(PermissionDeniedError):
            signer.verify(path, exp, sig, now=now)
    assert "s" * 32 not in repr(signer)
    url = signer.signed_url("http://127.0.0.1:1", "/media/a b.jpg", now=1000)
    assert url.startswith("http://127.0.0.1:1/media/a%20b.jpg?exp=1060&sig=")


def test_bearer_tokens_are_bound_to_key_and_expire():
    tokens = BearerTokens(b"k" * 32, ttl_s=10)
    token = tokens.issue("ab" * 32, now=100)
    assert tokens.verify(token, now=105) == "ab" * 32
    with pytest.raises(AuthenticationError):
        tokens.verify(token, now=111)
    with pytest.raises(AuthenticationError):
        BearerTokens(b"x" * 32).verify(token, now=105)
    with pytest.raises(AuthenticationError):
        tokens.verify("abc.ünïcode", now=105)
