"""Named defaults of the client core: endpoint, timeouts, retries, pooling and bundle limits."""

from __future__ import annotations

#: The real Encord API; pass ``domain=`` to talk to another endpoint (e.g. the embedded server).
DEFAULT_DOMAIN = "https://api.encord.com"

#: Seconds to wait for a TCP connection.
CONNECT_TIMEOUT_S = 30.0
#: Seconds to wait for the server's answer once the request is sent (large label rows take a while).
READ_TIMEOUT_S = 180.0

#: Retries after the first attempt, for calls that are safe to repeat.
MAX_RETRIES = 3
#: Retries after a connection failure (refused, reset, timed out) for any call.
CONNECTION_RETRIES = 3
#: First back-off wait in seconds; it doubles on each retry.
BACKOFF_FACTOR_S = 0.5
#: Longest back-off wait between two attempts.
MAX_BACKOFF_S = 30.0
#: Longest wait a server's ``Retry-After`` can impose before the next attempt.
MAX_RETRY_AFTER_S = 120.0
#: HTTP statuses worth another attempt.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

#: Keep-alive connections kept per host by the one pooled session.
POOL_CONNECTIONS = 16
POOL_MAXSIZE = 32

#: Items merged into one request by a bundle, as the SDK does, unless ``bundle_size`` says otherwise.
BUNDLE_LIMIT = 1000
