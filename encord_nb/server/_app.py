"""The WSGI application: authentication, routing, error envelopes, rate-limit switch, request counts.

Handlers live in ``_v1.py`` (the ``POST /public`` querier calls) and ``_v2.py`` (REST routes); they take
a :class:`Call` and return plain JSON data or raise an :class:`~encord_nb.exceptions.EncordStatusError`,
which this module turns into exactly the error shape the official SDK maps to its exceptions.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from encord_nb.exceptions import (
    AuthenticationError,
    EncordStatusError,
    InvalidRequestError,
)
from encord_nb.protocol import (
    DEFAULT_MEDIA_URL_TTL_S,
    DEFAULT_PAGE_SIZE,
    V1_PATH,
    V1_USER_PATH,
    V2_SIGNATURE_MAX_SKEW_S,
    BearerTokens,
    MediaSigner,
    V1ErrorCode,
    V1Request,
    v1_error,
    v1_success,
    verify_v1,
    verify_v2,
)
from encord_nb.server import _v1, _v2
from encord_nb.server._call import Call, Handler
from encord_nb.server._media import MEDIA_PREFIX, serve_media

_log = logging.getLogger(__name__)

#: Path of the health probe the runner polls; it answers the per-process token it is given.
HEALTH_PATH = "/_encord_nb/health"
#: Largest request body the server reads (bytes); bigger bodies get HTTP 413.
MAX_BODY_BYTES = 64 * 1024 * 1024
#: Status of an answer to a request the server failed on: a 4xx the SDK does not retry (it maps it to
#: UnknownException); v1 envelopes still go out as HTTP 200.
UNEXPECTED_ERROR_STATUS = 422
#: Seconds a client is told to wait when the rate-limit switch is on.
DEFAULT_RETRY_AFTER_S = 1




class RateLimitSwitch:
    """Simulated rate limiting: when on, every ``every``-th API request is refused with 429 + ``Retry-After``.

    Example:
        >>> switch = RateLimitSwitch()
        >>> switch.turn_on(every=1, retry_after_s=2)
        >>> switch.hit(), switch.hit()
        (True, True)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._every = 0
        self._count = 0
        self.retry_after_s = DEFAULT_RETRY_AFTER_S
        self.refused = 0

    def turn_on(self, every: int = 1, retry_after_s: int = DEFAULT_RETRY_AFTER_S) -> None:
        """Refuse every ``every``-th request from now on (1: all of them)."""
        if every < 1:
            raise ValueError("`every` is a positive request count (1 refuses every request).")
        with self._lock:
            self._every, self._count, self.retry_after_s = every, 0, retry_after_s

    def turn_off(self) -> None:
        with self._lock:
            self._every = 0

    def hit(self) -> bool:
        """Count a request; True when it must be refused."""
        with self._lock:
            if not self._every:
                return False
            self._count += 1
            refuse = self._count % self._every == 0
            self.refused += refuse
            return refuse


class EncordApp:
    """The Encord-compatible WSGI application over a workspace store and its media folder.

    Args:
        store: the workspace store (see ``encord_nb.server.store``).
        media_dir: the folder media files are served from (never outside it).
        secret: HMAC secret for media URLs and bearer tokens; random per process when omitted.
        media_url_ttl_s: lifetime of signed media URLs (default one hour).
        signature_max_skew_s: accepted clock difference of v2 signatures' ``created``.

    Example:
        >>> from werkzeug.serving import make_server                      # doctest: +SKIP
        >>> make_server("127.0.0.1", 0, EncordApp(store, media_dir), threaded=True)  # doctest: +SKIP
    """

    def __init__(
        self,
        store: Any,
        media_dir: str | os.PathLike,
        *,
        secret: bytes | None = None,
        media_url_ttl_s: float = DEFAULT_MEDIA_URL_TTL_S,
        signature_max_skew_s: float = V2_SIGNATURE_MAX_SKEW_S,
        health_token: str = "",
    ):
        self.store = store
        self.media_dir = Path(media_dir)
        secret = secret or secrets.token_bytes(32)
        self.media_signer = MediaSigner(secret, ttl_s=media_url_ttl_s)
        self.bearer_tokens = BearerTokens(secret)
        self.signature_max_skew_s = signature_max_skew_s
        self.health_token = health_token
        self.rate_limit = RateLimitSwitch()
        #: Results per page of v2 paged listings.
        self.page_size = DEFAULT_PAGE_SIZE
        self._counts: Counter[str] = Counter()
        self._errors: Counter[int] = Counter()
        self._counts_lock = threading.Lock()
        self._v1: dict[tuple[str, str], Handler] = dict(_v1.HANDLERS)
        self._v2_handlers: dict[str, Handler] = {}
        rules = [Rule(V1_PATH, endpoint="v1", methods=["POST"]), Rule(V1_USER_PATH, endpoint="v1_user", methods=["POST"])]
        for route, methods, handler in _v2.ROUTES:
            endpoint = handler.__name__
            self._v2_handlers[endpoint] = handler
            rules.append(Rule(route.replace("{", "<").replace("}", ">"), endpoint=endpoint, methods=methods))
        rules.append(Rule(MEDIA_PREFIX + "<path:file>", endpoint="media", methods=["GET", "HEAD"]))
        rules.append(Rule(HEALTH_PATH, endpoint="health", methods=["GET"]))
        self.url_map = Map(rules, strict_slashes=False, merge_slashes=False)

    def __repr__(self) -> str:
        return f"EncordApp(media_dir={str(self.media_dir)!r})"

    # -- bookkeeping -------------------------------------------------------------------------
    def request_counts(self) -> Counter[str]:
        """How many API requests each operation got, e.g. ``{"v1 labelrow GET": 2, "v2 priorities": 1}``."""
        with self._counts_lock:
            return Counter(self._counts)

    def error_counts(self) -> Counter[int]:
        """How many API requests were refused, by status (429 for the simulated rate limit)."""
        with self._counts_lock:
            return Counter(self._errors)

    def reset_request_counts(self) -> None:
        """Forget request and error counts."""
        with self._counts_lock:
            self._counts.clear()
            self._errors.clear()

    def _count_error(self, status: int) -> None:
        with self._counts_lock:
            self._errors[status] += 1

    def _count(self, name: str) -> None:
        with self._counts_lock:
            self._counts[name] += 1

    # -- WSGI --------------------------------------------------------------------------------
    def __call__(self, environ: dict, start_response: Callable) -> Any:
        request = Request(environ)
        request.max_content_length = MAX_BODY_BYTES
        v1 = request.path in (V1_PATH, V1_USER_PATH)
        try:
            response = self._dispatch(request)
        except HTTPException as exc:  # e.g. a body over MAX_BODY_BYTES (413)
            status = exc.code or 400
            response = _json(v1_error(V1ErrorCode.for_error(status)) if v1 else {"message": exc.name}, status)
        except Exception:
            # A bug, not a client error: logged (never with the request's headers or body) and answered
            # without a 5xx, which would make the SDK retry and stall for seconds.
            _log.exception("unexpected error serving %s %s", request.method, request.path)
            message = "The embedded server failed on this request; see its log."
            if v1:
                response = _json(v1_error(V1ErrorCode.UNKNOWN_ERROR, message), 200)
            else:
                response = _json({"message": message}, UNEXPECTED_ERROR_STATUS)
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except HTTPException as exc:
            if request.path in (V1_PATH, V1_USER_PATH):
                return _json(v1_error(V1ErrorCode.METHOD_NOT_ALLOWED_ERROR), 200)
            return _json({"message": exc.description or exc.name}, exc.code or 404)
        if endpoint == "health":
            return Response(self.health_token, mimetype="text/plain")
        if endpoint == "media":
            try:
                return serve_media(request, self.media_dir, self.media_signer)
            except EncordStatusError as exc:
                return _json({"message": str(exc)}, exc.status_code)
        if endpoint in ("v1", "v1_user"):
            return self._v1_call(request)
        return self._v2_call(request, endpoint, args)

    def _known_key(self, key_id: str) -> bool:
        return self.store.user_for_key(key_id) is not None

    def _authenticate(self, request: Request, body: bytes, v2: bool) -> tuple[str, Any]:
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Bearer "):
            key_id = self.bearer_tokens.verify(authorization[len("Bearer ") :])
        elif v2:  # v2 is signed with message signatures; a v1-style body signature is not enough
            raw_target = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
            key_id = verify_v2(
                request.method,
                raw_target,
                request.headers,
                body,
                self._known_key,
                max_skew_s=self.signature_max_skew_s,
            )
        else:
            key_id = verify_v1(request.headers, body, self._known_key)
        user = self.store.user_for_key(key_id)
        if user is None:  # the key was removed while the request was in flight
            raise AuthenticationError("This public key is not registered.", status_code=401, code="SSH_KEY_NOT_FOUND_ERROR")
        return key_id, user

    def _v1_call(self, request: Request) -> Response:
        try:
            body = request.get_data(cache=True)
            key_id, user = self._authenticate(request, body, v2=False)
            envelope = V1Request.parse(body)
            self._count(f"v1 {envelope.query_type} {envelope.query_method.value}")
            if self.rate_limit.hit():
                return self._rate_limited(v1=True)
            handler = self._v1.get((envelope.query_type, envelope.query_method.value))
            if handler is None:
                return _json(v1_error(V1ErrorCode.METHOD_NOT_ALLOWED_ERROR, "Unsupported query."), 200)
            project_hash = None
            if (envelope.query_type, envelope.query_method.value) not in _v1.USER_CALLS:
                project_hash = request.headers.get("ResourceID") or None
                if request.headers.get("ResourceType", "project") not in ("project", "") or project_hash is None:
                    raise InvalidRequestError(
                        "Project calls need `ResourceType: project` and `ResourceID: <project hash>` headers.",
                        status_code=400,
                    )
                self.store.get_project(project_hash)  # NotFoundError names an unknown hash
            call = Call(self, request, user, key_id, project_hash, envelope.query_method.value, envelope.uid, envelope.payload)
            return _json(v1_success(handler(call)), 200)
        except EncordStatusError as exc:
            self._count_error(exc.status_code)
            if exc.status_code == 401:
                # One code for every authentication failure: the SDK maps it to its AuthenticationError
                # (an unknown key would otherwise surface as SshKeyNotFound, outside that class).
                return _json(v1_error(V1ErrorCode.AUTHENTICATION_ERROR), 200)
            return _json(v1_error(V1ErrorCode.for_error(exc.status_code, exc.code), str(exc)), 200)

    def _v2_call(self, request: Request, endpoint: str, args: dict[str, str]) -> Response:
        try:
            body = request.get_data(cache=True)
            key_id, user = self._authenticate(request, body, v2=True)
            self._count(f"v2 {endpoint}")
            if self.rate_limit.hit():
                return self._rate_limited(v1=False)
            project_hash = args.get("project_hash")
            if project_hash is not None:
                self.store.get_project(project_hash)  # NotFoundError names an unknown hash
            call = Call(self, request, user, key_id, project_hash, request.method, route_args=args)
            result = self._v2_handlers[endpoint](call)
            if result is None:
                return Response(status=204)
            return _json(result, 200)
        except EncordStatusError as exc:
            self._count_error(exc.status_code)
            return _json({"message": str(exc)}, exc.status_code)

    def _rate_limited(self, *, v1: bool) -> Response:
        self._count_error(429)
        message = "Rate limit reached (simulated): retry after the given seconds."
        body = v1_error(V1ErrorCode.RATE_LIMIT_ERROR, message) if v1 else {"message": message}
        response = _json(body, 429)
        response.headers["Retry-After"] = str(int(self.rate_limit.retry_after_s))
        return response


def _json(data: Any, status: int) -> Response:
    # msgspec writes the same JSON as json.dumps, several times faster (big listings and label rows).
    return Response(msgspec.json.encode(data), status=status, mimetype="application/json")


__all__ = ["Call", "EncordApp", "RateLimitSwitch"]
