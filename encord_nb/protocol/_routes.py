"""Paths of both API families and the opaque page tokens of v2 listings."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from encord_nb.exceptions import InvalidRequestError

__all__ = ["V1_PATH", "V1_USER_PATH", "V2Route", "decode_page_token", "encode_page_token"]

V1_PATH = "/public"
V1_USER_PATH = "/public/user"


class V2Route:
    """Templates of the v2 routes (werkzeug converter syntax), all under ``/v2/public``.

    Example:
        >>> V2Route.PROJECT.format(project_hash="p1")
        '/v2/public/projects/p1'
    """

    PREFIX = "/v2/public"
    PROJECTS = PREFIX + "/projects"
    PROJECT = PREFIX + "/projects/{project_hash}"
    ONTOLOGY = PREFIX + "/ontologies/{ontology_hash}"
    PRIORITIES = PREFIX + "/projects/{project_hash}/priorities"
    DATASETS = PREFIX + "/projects/{project_hash}/datasets"
    BEARER_TOKEN = PREFIX + "/user/bearer-token"
    STAGE_TASKS = PREFIX + "/projects/{project_hash}/workflow/stages/{stage_uuid}/tasks"
    STAGE_ACTIONS = PREFIX + "/projects/{project_hash}/workflow/stages/{stage_uuid}/actions"
    MOVE_TASKS = PREFIX + "/projects/{project_hash}/workflow/stages/{stage_uuid}/move-tasks"
    TASK_REVIEWS = PREFIX + "/projects/{project_hash}/workflow/stages/{stage_uuid}/tasks/{task_uuid}/reviews"
    REVIEW_ACTIONS = PREFIX + "/projects/{project_hash}/workflow/stages/{stage_uuid}/tasks/{task_uuid}/reviews/actions"
    ISSUES = PREFIX + "/projects/{project_hash}/issues"
    STORAGE_ITEM = PREFIX + "/storage/items/{item_uuid}"
    STORAGE_ITEMS_BULK = PREFIX + "/storage/items/get-bulk"
    VALIDATION_STATE = PREFIX + "/projects/{project_hash}/labels/{label_hash}/validation-state"


def _fingerprint(filters: Mapping[str, Any]) -> str:
    canonical = json.dumps({k: filters[k] for k in sorted(filters)}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode_page_token(offset: int, filters: Mapping[str, Any] | None = None) -> str:
    """An opaque token for the page starting at ``offset`` of the listing with these filters.

    Example:
        >>> decode_page_token(encode_page_token(100, {"titleLike": "%a%"}), {"titleLike": "%a%"})
        100
    """
    raw = json.dumps({"o": int(offset), "f": _fingerprint(filters or {})}).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_page_token(token: str | None, filters: Mapping[str, Any] | None = None) -> int:
    """The offset a token points at (0 for no token).

    Raises:
        InvalidRequestError: the token is not one of ours, or it belongs to a listing with other filters.
    """
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset, fingerprint = int(data["o"]), data["f"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise InvalidRequestError("The page token is not valid: start the listing again.", status_code=400) from exc
    if offset < 0 or fingerprint != _fingerprint(filters or {}):
        raise InvalidRequestError(
            "The page token belongs to a listing with other filters: start the listing again.", status_code=400
        )
    return offset
