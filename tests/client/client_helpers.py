"""Helpers of the client tests: the request recorder and SDK call wrappers."""

from __future__ import annotations

import io
import json
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Received:
    """One API request as the server received it."""

    method: str
    path: str
    query_type: str | None
    query_method: str | None
    uid: Any
    payload: Any
    query: dict[str, list[str]]

    @property
    def operation(self) -> tuple:
        return (self.method, self.path, self.query_type, self.query_method)


class Recorder:
    """WSGI middleware that keeps every ``/public`` and ``/v2/public`` request."""

    def __init__(self, app):
        self.app = app
        self.received: list[Received] = []

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/public") or path.startswith("/v2/public"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            data = json.loads(body) if body else None
            query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            if path.startswith("/public") and isinstance(data, dict):
                values = data.get("values") or {}
                item = Received(environ["REQUEST_METHOD"], path, data.get("query_type"), data.get("query_method"),
                                values.get("uid"), values.get("payload"), query)
            else:
                item = Received(environ["REQUEST_METHOD"], path, None, None, None, data, query)
            self.received.append(item)
        return self.app(environ, start_response)

    def take(self) -> list[Received]:
        """The requests received since the last call."""
        taken, self.received = self.received, []
        return taken


def quiet(call, *args, **kwargs):
    """Run an SDK call with its deprecation chatter silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kwargs)
