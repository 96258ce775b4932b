"""Media downloads survive what storage does under load: 429s, 5xxs and dropped connections.

A scripted HTTP server on loopback answers each GET with the next step of its script (a status,
or a dropped connection), then serves a small PNG. The fetcher must try again as the API client
does (back-off, or the server's ``Retry-After``), give up with a typed error when the trouble
lasts, never retry what cannot get better, and never log the signed query string.
"""

from __future__ import annotations

import io
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from PIL import Image

from encord_nb.client import RequestsSettings
from encord_nb.client.media import MediaFetcher
from encord_nb.exceptions import EncordConnectionError, NotFoundError, ServerError

SECRET = "sig=do-not-log-me"
DROP = "drop"  # close the connection without an answer


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 200, 30)).save(buffer, "PNG")
    return buffer.getvalue()


class ScriptedStorage(ThreadingHTTPServer):
    """Answers GETs with ``script`` (statuses, ``(status, retry_after)`` or DROP), then with the PNG."""

    daemon_threads = True

    def __init__(self, script: list):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = list(script)
        self.hits: list[float] = []
        self.png = _png()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/media/photo.png?exp=9999999999&{SECRET}"


class _Handler(BaseHTTPRequestHandler):
    server: ScriptedStorage

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        self.server.hits.append(time.monotonic())
        step = self.server.script.pop(0) if self.server.script else 200
        if step == DROP:
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        status, retry_after = step if isinstance(step, tuple) else (step, None)
        body = self.server.png if status == 200 else b"storage says no"
        self.send_response(status)
        self.send_header("Content-Type", "image/png" if status == 200 else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        if retry_after is not None:
            self.send_header("Retry-After", retry_after)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass


@pytest.fixture
def storage(request):
    server = ScriptedStorage(request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


FAST = RequestsSettings(backoff_factor=0.01)


def _fetch(storage: ScriptedStorage, settings: RequestsSettings = FAST) -> tuple[Image.Image, MediaFetcher]:
    fetcher = MediaFetcher(requests.Session(), settings=settings)
    try:
        return fetcher.get_image("data-1", "data-1", storage.url), fetcher
    finally:
        fetcher.close()


@pytest.mark.parametrize("storage", [[503, 502, 500]], indirect=True)
def test_server_errors_are_tried_again_until_the_image_comes(storage, caplog):
    # Given storage failing three times before it answers
    with caplog.at_level(logging.DEBUG, logger="encord_nb"):
        image, fetcher = _fetch(storage)
    # Then the image arrives after four GETs
    assert image.size == (4, 3) and image.getpixel((0, 0)) == (10, 200, 30)
    assert fetcher.requests_sent == len(storage.hits) == 4
    # And the retries were logged without the link's signature
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 3 and all("HTTP 50" in message for message in retries)
    assert SECRET not in caplog.text


@pytest.mark.parametrize("storage", [[(429, "1")]], indirect=True)
def test_a_429_waits_as_long_as_retry_after_says(storage):
    # Given storage asking to wait one second, and a client whose own back-off is far shorter
    image, _ = _fetch(storage, RequestsSettings(backoff_factor=0.0))
    # Then the second GET came no sooner than the server asked
    assert image.size == (4, 3)
    assert len(storage.hits) == 2
    assert storage.hits[1] - storage.hits[0] >= 0.95


@pytest.mark.parametrize("storage", [[(429, "30")]], indirect=True)
def test_retry_after_is_capped_by_the_settings(storage):
    start = time.monotonic()
    image, _ = _fetch(storage, RequestsSettings(max_retry_after=0.1))
    assert image.size == (4, 3)
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("storage", [[DROP, DROP]], indirect=True)
def test_dropped_connections_are_tried_again(storage):
    image, fetcher = _fetch(storage)
    assert image.size == (4, 3)
    assert fetcher.requests_sent == len(storage.hits) == 3


@pytest.mark.parametrize("storage", [[503] * 10], indirect=True)
def test_lasting_trouble_ends_in_a_typed_error_without_the_signature(storage):
    # Given storage that keeps failing, and a client allowed two retries
    with pytest.raises(ServerError) as raised:
        _fetch(storage, RequestsSettings(max_retries=2, backoff_factor=0.01))
    # Then three GETs were sent, and the error says what failed without the signed query
    assert len(storage.hits) == 3
    assert raised.value.status_code == 503
    assert "data-1" in str(raised.value) and SECRET not in str(raised.value)


@pytest.mark.parametrize("storage", [[DROP] * 10], indirect=True)
def test_a_connection_that_keeps_dropping_ends_in_a_connection_error(storage):
    with pytest.raises(EncordConnectionError, match=r"after 2 attempt\(s\)") as raised:
        _fetch(storage, RequestsSettings(connection_retries=1, backoff_factor=0.01))
    assert len(storage.hits) == 2
    assert SECRET not in str(raised.value)


@pytest.mark.parametrize("storage", [[404]], indirect=True)
def test_a_missing_file_is_not_asked_for_again(storage):
    with pytest.raises(NotFoundError):
        _fetch(storage)
    assert len(storage.hits) == 1


@pytest.mark.parametrize("storage", [[503, 200]], indirect=True)
def test_no_retries_when_the_settings_allow_none(storage):
    with pytest.raises(ServerError):
        _fetch(storage, RequestsSettings(max_retries=0))
    assert len(storage.hits) == 1
