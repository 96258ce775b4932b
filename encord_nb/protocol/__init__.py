"""What crosses the wire, shared by the client core and the embedded server.

- v1 envelope (``POST /public``): :class:`V1Request`, :func:`encode_v1_request`, :func:`v1_success`,
  :func:`v1_error`, :class:`V1ErrorCode`, and the exception an envelope or v2 status stands for.
- v2 routes (:class:`V2Route`) and opaque page tokens.
- Ed25519 request signing and verification for both families (:func:`sign_v1`, :func:`verify_v1`,
  :func:`sign_v2`, :func:`verify_v2`), key loading and key ids.
- Bearer tokens and signed media URLs (HMAC, constant-time checks).
"""

from encord_nb.protocol._constants import (
    DEFAULT_BEARER_TOKEN_TTL_S,
    DEFAULT_MEDIA_URL_TTL_S,
    DEFAULT_PAGE_SIZE,
    EMPTY_BODY_DIGEST,
    SIGNATURE_LABEL,
    V2_SIGNATURE_MAX_SKEW_S,
)
from encord_nb.protocol._envelope import (
    QueryMethod,
    V1ErrorCode,
    V1Request,
    encode_v1_request,
    error_for_v1_envelope,
    error_for_v2_status,
    v1_error,
    v1_success,
)
from encord_nb.protocol._keys import (
    generate_private_key,
    load_private_key,
    private_key_to_openssh,
    public_key_from_hex,
    public_key_hex,
)
from encord_nb.protocol._routes import V1_PATH, V1_USER_PATH, V2Route, decode_page_token, encode_page_token
from encord_nb.protocol._signing import (
    content_digest,
    sign_v1,
    sign_v2,
    v2_signature_base,
    v2_signature_params,
    verify_v1,
    verify_v2,
)
from encord_nb.protocol._tokens import BearerTokens, MediaSigner

__all__ = [
    "DEFAULT_BEARER_TOKEN_TTL_S",
    "DEFAULT_MEDIA_URL_TTL_S",
    "DEFAULT_PAGE_SIZE",
    "EMPTY_BODY_DIGEST",
    "SIGNATURE_LABEL",
    "V1_PATH",
    "V1_USER_PATH",
    "V2_SIGNATURE_MAX_SKEW_S",
    "BearerTokens",
    "MediaSigner",
    "QueryMethod",
    "V1ErrorCode",
    "V1Request",
    "V2Route",
    "content_digest",
    "decode_page_token",
    "encode_page_token",
    "encode_v1_request",
    "error_for_v1_envelope",
    "error_for_v2_status",
    "generate_private_key",
    "load_private_key",
    "private_key_to_openssh",
    "public_key_from_hex",
    "public_key_hex",
    "sign_v1",
    "sign_v2",
    "v1_error",
    "v1_success",
    "v2_signature_base",
    "v2_signature_params",
    "verify_v1",
    "verify_v2",
]
