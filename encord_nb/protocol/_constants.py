"""Named limits and defaults of the wire protocol, in one place."""

from __future__ import annotations

#: How far (seconds) a v2 signature's ``created`` may lie from the verifier's clock, either way.
V2_SIGNATURE_MAX_SKEW_S = 300
#: Lifetime of a signed media URL unless the signer is told otherwise (one hour).
DEFAULT_MEDIA_URL_TTL_S = 3600
#: Lifetime of a bearer token issued by ``GET /v2/public/user/bearer-token``.
DEFAULT_BEARER_TOKEN_TTL_S = 24 * 3600
#: Default and largest page size of v2 paged listings.
DEFAULT_PAGE_SIZE = 100
#: The label in ``Signature-Input`` / ``Signature`` headers the SDK uses.
SIGNATURE_LABEL = "encord-sig"
#: Digest of an empty body, as sent on every v2 GET.
EMPTY_BODY_DIGEST = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"
