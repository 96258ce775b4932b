"""The one HTTP path of the client core: a pooled session, request signing, retries and error mapping.

Every call goes through :class:`Transport`. v1 calls are ``POST <domain>/public`` (or ``/public/user``)
with the querier envelope serialised once, signed and sent as those exact bytes; v2 calls are REST
under ``<scheme>://<host>/v2/public`` (a path in ``domain`` is dropped for v2, as the SDK does).
"""

from __future__ import annotations

import email.utils
import logging
import secrets
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import msgspec
import requests
import urllib3
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase

from encord_nb._version import __version__
from encord_nb.exceptions import (
    EncordConnectionError,
    EncordStatusError,
    RateLimitError,
    ResponseValidationError,
)
from encord_nb.protocol import (
    V1_PATH,
    V1_USER_PATH,
    encode_v1_request,
    error_for_v1_envelope,
    error_for_v2_status,
    public_key_hex,
    sign_v1,
    sign_v2,
)

from ._constants import (
    BACKOFF_FACTOR_S,
    CONNECT_TIMEOUT_S,
    CONNECTION_RETRIES,
    MAX_BACKOFF_S,
    MAX_RETRIES,
    MAX_RETRY_AFTER_S,
    POOL_CONNECTIONS,
    POOL_MAXSIZE,
    READ_TIMEOUT_S,
    RETRY_STATUSES,
)
from ._lazy_json import v1_label_rows as split_label_rows

logger = logging.getLogger("encord_nb.client")

_V2_PREFIX = "/v2/public"


@dataclass(frozen=True)
class RequestsSettings:
    """Timeouts and retries of a client (the SDK's ``RequestsSettings`` names, our defaults).

    Example:
        >>> RequestsSettings(max_retries=0).max_retries
        0
    """

    max_retries: int = MAX_RETRIES
    backoff_factor: float = BACKOFF_FACTOR_S
    connection_retries: int = CONNECTION_RETRIES
    connect_timeout: float = CONNECT_TIMEOUT_S
    read_timeout: float = READ_TIMEOUT_S
    max_backoff: float = MAX_BACKOFF_S
    max_retry_after: float = MAX_RETRY_AFTER_S


class SshKeyAuth(AuthBase):
    """Signs each request with an Ed25519 key: v1 over the body digest, v2 as an HTTP message signature.

    The key never appears in ``repr`` or messages; only its public id does.

    Example:
        >>> from encord_nb.protocol import generate_private_key
        >>> repr(SshKeyAuth(generate_private_key())).startswith("SshKeyAuth(key id ")
        True
    """

    def __init__(self, private_key: Ed25519PrivateKey):
        self._key = private_key
        self.key_id = public_key_hex(private_key)

    def __repr__(self) -> str:
        return f"SshKeyAuth(key id {self.key_id[:8]}…)"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        target = request.path_url
        if target.startswith(_V2_PREFIX + "/"):
            request.headers.update(sign_v2(self._key, request.method or "GET", target, body))
        else:
            request.headers.update(sign_v1(self._key, body))
        return request


class BearerAuth(AuthBase):
    """Sends ``Authorization: Bearer <token>``; the token never appears in ``repr`` or messages."""

    def __init__(self, token: str):
        self._token = token

    def __repr__(self) -> str:
        return "BearerAuth(token hidden)"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request


def _trace_id() -> str:
    return secrets.token_hex(16)


def _public_url(url: str) -> str:
    """A URL without its query string (signed URLs carry secrets there)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _read_whole_body(response: requests.Response) -> None:
    """Read the body in one go (requests would read it in 10 kB slices) and give the connection back."""
    response._content = response.raw.read(decode_content=True)  # what ``response.content`` returns
    response._content_consumed = True
    response.raw.release_conn()


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: whole seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def wait_before_retry(settings: RequestsSettings, attempt: int, retry_after: float | None, what: str) -> None:
    """Sleep before retry number ``attempt`` (from 1): the server's ``Retry-After`` (capped) or a doubling back-off.

    ``what`` names the request in the log; it must hold no secret (no signed query string).
    """
    if retry_after is not None:
        wait = min(retry_after, settings.max_retry_after)
    else:
        wait = min(settings.backoff_factor * (2 ** (attempt - 1)), settings.max_backoff)
    logger.info("retrying %s in %.2fs (attempt %d)", what, wait, attempt + 1)
    time.sleep(wait)


class Transport:
    """One pooled ``requests.Session`` with auth, retries and the mapping of errors to our tree.

    Args:
        domain: the API endpoint, e.g. ``https://api.encord.com`` or the embedded server's URL.
        auth: :class:`SshKeyAuth` or :class:`BearerAuth`.
        settings: timeouts and retries.
        session: an existing session to reuse (its auth is replaced by ``auth``).
    """

    def __init__(
        self,
        domain: str,
        auth: AuthBase,
        settings: RequestsSettings | None = None,
        session: requests.Session | None = None,
    ):
        self.domain = domain.rstrip("/")
        parts = urlsplit(self.domain)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            from encord_nb.exceptions import UsageError

            raise UsageError(f"`domain` must be an http(s) URL such as https://api.encord.com, got {domain!r}.")
        self._v2_base = f"{parts.scheme}://{parts.netloc}{_V2_PREFIX}"
        self.auth = auth
        self.settings = settings or RequestsSettings()
        self.session = session or requests.Session()
        adapter = HTTPAdapter(pool_connections=POOL_CONNECTIONS, pool_maxsize=POOL_MAXSIZE, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.user_agent = f"encord-nb/{__version__} python-requests/{requests.__version__}"
        #: Requests sent (attempts included), for callers that count.
        self.request_count = 0

    def __repr__(self) -> str:
        return f"Transport({self.domain!r}, {self.auth!r})"

    # -- v1 -----------------------------------------------------------------------------------
    def _v1_response(
        self, query_type: str, query_method: str, uid: Any, payload: Any, project_hash: str | None, retryable: bool
    ) -> tuple[requests.Response, str]:
        body = encode_v1_request(query_type, query_method, uid, payload)
        url = self.domain + (V1_PATH if project_hash is not None else V1_USER_PATH)
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "ResourceType": "project" if project_hash is not None else "",
            "ResourceID": project_hash or "",
        }
        response, trace_id = self._send("POST", url, headers=headers, data=body, retryable=retryable)
        if response.status_code in (429, 413) or response.status_code >= 500:
            raise self._status_error(response, trace_id)
        return response, trace_id

    def v1(
        self,
        query_type: str,
        query_method: str,
        uid: Any = None,
        payload: Any = None,
        *,
        project_hash: str | None = None,
        retryable: bool = True,
    ) -> Any:
        """One querier call; returns the envelope's ``response``.

        ``project_hash`` None sends the call to ``/public/user`` with empty resource headers.
        """
        response, trace_id = self._v1_response(query_type, query_method, uid, payload, project_hash, retryable)
        envelope = self._json(response, trace_id)
        error = error_for_v1_envelope(envelope, trace_id)
        if error is not None:
            raise error
        return envelope["response"]

    def v1_label_rows(
        self, query_method: str, uid: Any, payload: Any, *, project_hash: str, retryable: bool = True
    ) -> list[dict[str, Any]]:
        """A ``labelrow`` call whose answer is label rows, split lazily (frames stay encoded until read)."""
        response, trace_id = self._v1_response("labelrow", query_method, uid, payload, project_hash, retryable)
        envelope, rows = split_label_rows(response.content)
        if rows is None:
            error = error_for_v1_envelope(envelope, trace_id)
            raise error if error is not None else ResponseValidationError(f"The label-row answer has no rows (trace id {trace_id}).")
        return rows

    # -- v2 -----------------------------------------------------------------------------------
    def v2(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        retryable: bool = True,
    ) -> Any:
        """One REST call under ``/v2/public``; returns the decoded JSON (None for 204)."""
        url = self._v2_base + "/" + path.lstrip("/")
        headers = {"Content-Type": "application/json"} if json is not None else {}
        data = None
        if json is not None:
            import json as _json

            data = _json.dumps(json).encode("ascii")
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        response, trace_id = self._send(method, url, headers=headers, data=data, params=clean, retryable=retryable)
        if response.status_code == 204:
            return None
        if response.status_code != 200:
            raise self._status_error(response, trace_id)
        return self._json(response, trace_id)

    def v2_pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """Every result of a paged v2 listing, following ``nextPageToken``."""
        query = dict(params or {})
        while True:
            page = self.v2("GET", path, params=query)
            if not isinstance(page, dict) or not isinstance(page.get("results"), list):
                raise ResponseValidationError(f"The listing {path} did not answer a page of results.")
            yield from page["results"]
            token = page.get("nextPageToken") or page.get("next_page_token")
            if not token:
                return
            query["pageToken"] = token

    # -- shared -------------------------------------------------------------------------------
    def _send(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        data: bytes | None,
        params: Mapping[str, Any] | None = None,
        retryable: bool,
    ) -> tuple[requests.Response, str]:
        settings = self.settings
        status_retries = settings.max_retries if retryable else 0
        connection_retries = settings.connection_retries
        attempt = 0
        while True:
            trace_id = _trace_id()
            request = requests.Request(
                method,
                url,
                headers={**headers, "User-Agent": self.user_agent, "X-Cloud-Trace-Context": f"{trace_id}/1;o=1"},
                data=data,
                params=params,
                auth=self.auth,
            )
            prepared = self.session.prepare_request(request)
            self.request_count += 1
            try:
                response = self.session.send(prepared, timeout=(settings.connect_timeout, settings.read_timeout), stream=True)
            except (requests.ConnectionError, requests.Timeout) as exc:
                # A refused connection never reached the server; anything else may have, so only
                # calls that are safe to repeat retry it.
                refused = isinstance(exc, requests.ConnectTimeout) or "refused" in str(exc).lower()
                if attempt < connection_retries and (retryable or refused):
                    attempt += 1
                    self._wait(attempt, None, method, url, f"{type(exc).__name__}")
                    continue
                raise EncordConnectionError(
                    f"Could not reach {_public_url(url)} ({type(exc).__name__}) after {attempt + 1} attempt(s): "
                    "check the domain, your network and any proxy (NO_PROXY for loopback). (trace id "
                    f"{trace_id})"
                ) from None
            if response.status_code in RETRY_STATUSES and attempt < status_retries:
                attempt += 1
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                response.close()
                self._wait(attempt, wait, method, url, f"HTTP {response.status_code}")
                continue
            try:
                _read_whole_body(response)
            except (requests.ConnectionError, requests.Timeout, urllib3.exceptions.HTTPError) as exc:
                raise EncordConnectionError(
                    f"The answer from {_public_url(url)} broke off ({type(exc).__name__}); try again. (trace id {trace_id})"
                ) from None
            return response, trace_id

    def _wait(self, attempt: int, retry_after: float | None, method: str, url: str, why: str) -> None:
        wait_before_retry(self.settings, attempt, retry_after, f"{method} {_public_url(url)} after {why}")

    def _json(self, response: requests.Response, trace_id: str) -> Any:
        try:
            return msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            raise ResponseValidationError(
                f"The server's answer to {_public_url(response.url)} is not JSON (HTTP {response.status_code}; "
                f"trace id {trace_id})."
            ) from None

    def _status_error(self, response: requests.Response, trace_id: str) -> EncordStatusError:
        message = None
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            message = body.get("message") or body.get("detail")
            if message is None and isinstance(body.get("payload"), str):
                message = body["payload"]
        if not isinstance(message, str):
            message = None
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        error = error_for_v2_status(response.status_code, message, trace_id, retry_after)
        if isinstance(error, RateLimitError) and retry_after is not None:
            error.args = (f"{error.args[0]} Retry after {retry_after:g} second(s).",)
        return error
