"""The v1 "querier" envelope: request shape, success and error replies, and error codes.

Every v1 call is ``POST /public`` (or ``/public/user``) with
``{"query_type", "query_method", "values": {"uid", "payload"}}``; the project travels in the
``ResourceType`` / ``ResourceID`` headers. Replies are ``{"status": 200, "response": ...}`` or an error
``{"status": <code>, "response": ["<CODE>"], "payload": ...}``, sent with HTTP 200.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any

from encord_nb.exceptions import (
    AuthenticationError,
    EncordStatusError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)

__all__ = [
    "QueryMethod",
    "V1ErrorCode",
    "V1Request",
    "encode_v1_request",
    "error_for_v1_envelope",
    "error_for_v2_status",
    "v1_error",
    "v1_success",
]

class QueryMethod(str, enum.Enum):
    """The logical verb of a v1 call (the HTTP method is always POST)."""

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    DELETE = "DELETE"


class V1ErrorCode(str, enum.Enum):
    """Error codes a v1 envelope carries, each with the HTTP-like status it stands for."""

    AUTHENTICATION_ERROR = "AUTHENTICATION_ERROR"
    SSH_KEY_NOT_FOUND_ERROR = "SSH_KEY_NOT_FOUND_ERROR"
    AUTHORISATION_ERROR = "AUTHORISATION_ERROR"
    RESOURCE_NOT_FOUND_ERROR = "RESOURCE_NOT_FOUND_ERROR"
    RATE_LIMIT_ERROR = "RATE_LIMIT_ERROR"
    METHOD_NOT_ALLOWED_ERROR = "METHOD_NOT_ALLOWED_ERROR"
    INVALID_ARGUMENTS_ERROR = "INVALID_ARGUMENTS_ERROR"
    OPERATION_NOT_ALLOWED = "OPERATION_NOT_ALLOWED"
    WRONG_PROJECT_TYPE_ERROR = "WRONG_PROJECT_TYPE_ERROR"
    CORRUPTED_LABEL_ERROR = "CORRUPTED_LABEL_ERROR"
    UNKNOWN_ERROR = "UNKNOWN_ERROR"

    @property
    def status(self) -> int:
        """The HTTP status this code corresponds to (the envelope's ``status`` field)."""
        return _STATUS_OF_CODE[self]

    @classmethod
    def for_error(cls, status: int, code: str | None = None) -> V1ErrorCode:
        """The code to send for an error: ``code`` itself when it is a known code, else by status."""
        if code in cls._value2member_map_:
            return cls(code)
        return _CODE_OF_STATUS.get(status, cls.UNKNOWN_ERROR)


_STATUS_OF_CODE = {
    V1ErrorCode.AUTHENTICATION_ERROR: 401,
    V1ErrorCode.SSH_KEY_NOT_FOUND_ERROR: 401,
    V1ErrorCode.AUTHORISATION_ERROR: 403,
    V1ErrorCode.RESOURCE_NOT_FOUND_ERROR: 404,
    V1ErrorCode.RATE_LIMIT_ERROR: 429,
    V1ErrorCode.METHOD_NOT_ALLOWED_ERROR: 405,
    V1ErrorCode.INVALID_ARGUMENTS_ERROR: 400,
    V1ErrorCode.OPERATION_NOT_ALLOWED: 403,
    V1ErrorCode.WRONG_PROJECT_TYPE_ERROR: 400,
    V1ErrorCode.CORRUPTED_LABEL_ERROR: 400,
    V1ErrorCode.UNKNOWN_ERROR: 400,
}

_CODE_OF_STATUS = {
    400: V1ErrorCode.INVALID_ARGUMENTS_ERROR,
    401: V1ErrorCode.AUTHENTICATION_ERROR,
    403: V1ErrorCode.AUTHORISATION_ERROR,
    404: V1ErrorCode.RESOURCE_NOT_FOUND_ERROR,
    405: V1ErrorCode.METHOD_NOT_ALLOWED_ERROR,
    429: V1ErrorCode.RATE_LIMIT_ERROR,
}

_EXCEPTION_OF_STATUS: dict[int, type[EncordStatusError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: InvalidRequestError,
    409: InvalidRequestError,
    413: InvalidRequestError,
    422: InvalidRequestError,
    429: RateLimitError,
}


@dataclass(frozen=True)
class V1Request:
    """A parsed v1 envelope.

    Example:
        >>> V1Request.parse(encode_v1_request("labelrow", "GET", ["h"], {})).query_type
        'labelrow'
    """

    query_type: str
    query_method: QueryMethod
    uid: Any
    payload: Any

    @classmethod
    def parse(cls, body: bytes) -> V1Request:
        """Read an envelope; :class:`InvalidRequestError` (status 400) when it is not one."""
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidRequestError("The request body is not JSON.", status_code=400) from exc
        if not isinstance(data, dict) or not isinstance(data.get("query_type"), str):
            raise InvalidRequestError("The body is not a v1 envelope: `query_type` is missing.", status_code=400)
        try:
            method = QueryMethod(data.get("query_method"))
        except ValueError as exc:
            raise InvalidRequestError(
                "The envelope's `query_method` must be GET, POST, PUT or DELETE.", status_code=405
            ) from exc
        values = data.get("values") or {}
        if not isinstance(values, dict):
            raise InvalidRequestError("The envelope's `values` must be an object.", status_code=400)
        return cls(data["query_type"].lower(), method, values.get("uid"), values.get("payload"))


def encode_v1_request(query_type: str, query_method: str, uid: Any = None, payload: Any = None) -> bytes:
    """The exact body bytes of a v1 call, serialised the way the SDK does (ASCII, default separators).

    Sign these bytes and send these bytes.
    """
    envelope = {
        "query_type": query_type,
        "query_method": QueryMethod(query_method).value,
        "values": {"uid": uid, "payload": payload},
    }
    return json.dumps(envelope).encode("ascii")


def v1_success(response: Any) -> dict[str, Any]:
    """A success envelope."""
    return {"status": 200, "response": response}


def v1_error(code: V1ErrorCode | str, payload: Any = None) -> dict[str, Any]:
    """An error envelope; ``response`` is the one-element list the SDK compares against."""
    code = V1ErrorCode(code)
    envelope: dict[str, Any] = {"status": code.status, "response": [code.value]}
    if payload is not None:
        envelope["payload"] = payload
    return envelope


def error_for_v1_envelope(envelope: Any, trace_id: str | None = None) -> EncordStatusError | None:
    """The exception an envelope stands for, or None when it is a success.

    A reply without ``status: 200`` is an error even when it is not a recognisable error envelope.
    """
    if isinstance(envelope, dict) and envelope.get("status") == 200:
        return None
    response = envelope.get("response") if isinstance(envelope, dict) else None
    code = response[0] if isinstance(response, list) and len(response) == 1 else None
    detail = envelope.get("payload") if isinstance(envelope, dict) else None
    try:
        known = V1ErrorCode(code)
    except ValueError:
        return ServerError(
            f"The server answered with an unrecognised error ({code or 'no code'}).",
            status_code=envelope.get("status", 500) if isinstance(envelope, dict) else 500,
            trace_id=trace_id,
            code=code,
        )
    message = detail if isinstance(detail, str) and detail else f"The server refused the request ({known.value})."
    return _exception_for(known.status, message, trace_id, known.value)


def error_for_v2_status(
    status: int, message: str | None, trace_id: str | None = None, retry_after: float | None = None
) -> EncordStatusError:
    """The exception a v2 error status stands for (``message`` comes from the JSON ``message``/``detail``)."""
    return _exception_for(status, message or f"The server answered HTTP {status}.", trace_id, None, retry_after)


def _exception_for(
    status: int, message: str, trace_id: str | None, code: str | None, retry_after: float | None = None
) -> EncordStatusError:
    cls = _EXCEPTION_OF_STATUS.get(status, ServerError if status >= 500 else InvalidRequestError)
    if cls is RateLimitError:
        return RateLimitError(message, status_code=status, trace_id=trace_id, code=code, retry_after=retry_after)
    return cls(message, status_code=status, trace_id=trace_id, code=code)
