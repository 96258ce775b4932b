"""Every error encord_nb raises, in one tree.

::

    EncordNbError
    ├── EncordConnectionError          the server could not be reached (DNS, refused, reset, timeout)
    ├── EncordStatusError              the server answered with an error status
    │   ├── AuthenticationError        401: unknown key, bad signature, expired token
    │   ├── PermissionDeniedError      403: the user may not touch this resource
    │   ├── NotFoundError              404: unknown project, label row, data or task hash
    │   ├── RateLimitError             429: slow down; ``retry_after`` seconds
    │   ├── InvalidRequestError        400/422: the server refused the payload
    │   └── ServerError                5xx: the server failed
    ├── ResponseValidationError        the server's answer is not what the protocol promises
    ├── LabelFormatError               label JSON that does not fit the Encord format (names row, object, field)
    ├── BundleError                    some operations of a bundle failed; ``report`` has each item's outcome
    └── UsageError                     the call itself is wrong; nothing was sent
        ├── WrongProjectTypeError      a workflow-only action on a manual-QA project, or the reverse
        ├── UnsafeSaveError            a save that would delete labels (row read with feature-hash filters)
        └── BundleExecutedError        a bundle may run once

Status errors carry the request's ``trace_id`` so a support ticket can name the exact call.
No message ever contains a key, a token, a signature or a signed URL's query string.
"""

from __future__ import annotations

__all__ = [
    "AuthenticationError",
    "BundleError",
    "BundleExecutedError",
    "EncordConnectionError",
    "EncordNbError",
    "EncordStatusError",
    "InvalidRequestError",
    "LabelFormatError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "ServerError",
    "UnsafeSaveError",
    "UsageError",
    "WrongProjectTypeError",
]


class EncordNbError(Exception):
    """Base of every error raised by encord_nb."""


class EncordConnectionError(EncordNbError):
    """The request never got an answer: the host is unreachable, refused, reset or timed out."""


class EncordStatusError(EncordNbError):
    """The server answered, with an error.

    Attributes:
        status_code: the HTTP status (or the v1 envelope's status).
        trace_id: the ``X-Cloud-Trace-Context`` id of the request, for support tickets.
        code: the server's machine-readable error code when it sent one (e.g. ``RESOURCE_NOT_FOUND``).
    """

    def __init__(self, message: str, *, status_code: int, trace_id: str | None = None, code: str | None = None):
        suffix = f" (trace id {trace_id})" if trace_id else ""
        super().__init__(message + suffix)
        self.status_code = status_code
        self.trace_id = trace_id
        self.code = code


class AuthenticationError(EncordStatusError):
    """401: the server does not know the key, or the signature or token is not valid."""


class PermissionDeniedError(EncordStatusError):
    """403: the user is known but may not do this."""


class NotFoundError(EncordStatusError):
    """404: the resource (its hash is in the message) does not exist or is not visible to this user."""


class RateLimitError(EncordStatusError):
    """429: too many requests. ``retry_after`` is the wait in seconds the server asked for, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class InvalidRequestError(EncordStatusError):
    """400/422: the server refused the request's content."""


class ServerError(EncordStatusError):
    """5xx: the server failed; retrying later may help."""


class ResponseValidationError(EncordNbError):
    """The server's answer does not have the shape the protocol promises."""


class LabelFormatError(EncordNbError, ValueError):
    """Label or ontology JSON that does not fit the Encord format.

    Attributes:
        label_hash: the label row the bad data belongs to, when known.
        object_hash: the object or classification instance, when known.
        field: the dotted path of the offending field, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        label_hash: str | None = None,
        object_hash: str | None = None,
        field: str | None = None,
    ):
        where = [
            f"{name} {value!r}"
            for name, value in (("label row", label_hash), ("object", object_hash), ("field", field))
            if value
        ]
        super().__init__(f"{message} ({', '.join(where)})" if where else message)
        self.label_hash = label_hash
        self.object_hash = object_hash
        self.field = field


class BundleError(EncordNbError):
    """Some operations of a bundle failed while the others went through.

    Attributes:
        report: the bundle's report; ``report.failed`` lists each failed item with its error.
    """

    def __init__(self, message: str, *, report: object):
        super().__init__(message)
        self.report = report


class UsageError(EncordNbError):
    """The call is wrong as made; nothing was sent to the server."""


class WrongProjectTypeError(UsageError):
    """A workflow-only action on a manual-QA project, or a manual-QA field read on a workflow project."""


class UnsafeSaveError(UsageError):
    """Saving would delete labels on the server (the row was read with feature-hash filters).

    Re-initialise the row without filters, or pass ``force=True`` if deleting them is intended.
    """


class BundleExecutedError(UsageError):
    """A bundle has already run; create a new one with ``project.create_bundle()``."""
