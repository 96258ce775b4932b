"""Transport: retries (429 with Retry-After, 5xx, resets), error mapping, and secrets kept out of sight."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from encord_nb.client import EncordUserClient, RequestsSettings
from encord_nb.exceptions import (
    AuthenticationError,
    EncordConnectionError,
    NotFoundError,
    RateLimitError,
    ServerError,
)
from encord_nb.protocol import generate_private_key, private_key_to_openssh, public_key_hex

FAST = RequestsSettings(backoff_factor=0.0, max_backoff=0.05)


class Script:
    """A loopback HTTP stub that answers a scripted list of replies (then repeats the last one)."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.seen: list[tuple[str, str]] = []
        script = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                script.seen.append((self.command, self.path))
                reply = script.replies.pop(0) if len(script.replies) > 1 else script.replies[0]
                if reply == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    return
                status, headers, body = reply
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _reply

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.domain = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def key_text():
    return private_key_to_openssh(generate_private_key())


def _client(domain, key_text, settings=FAST):
    return EncordUserClient.create_with_ssh_private_key(key_text, domain=domain, requests_settings=settings)


PAGE = (200, {}, {"results": [], "nextPageToken": None})


def test_5xx_is_retried_then_succeeds(key_text):
    stub = Script([(503, {}, {"message": "busy"}), (502, {}, {}), PAGE])
    try:
        assert list(_client(stub.domain, key_text).list_projects()) == []
        assert len(stub.seen) == 3
    finally:
        stub.close()


def test_5xx_gives_server_error_after_the_retries(key_text):
    stub = Script([(500, {}, {"message": "broken"})])
    try:
        with pytest.raises(ServerError, match="broken") as caught:
            list(_client(stub.domain, key_text).list_projects())
        assert len(stub.seen) == 1 + FAST.max_retries
        assert caught.value.trace_id and caught.value.status_code == 500
    finally:
        stub.close()


def test_connection_reset_is_retried(key_text):
    stub = Script(["reset", PAGE])
    try:
        assert list(_client(stub.domain, key_text).list_projects()) == []
        assert len(stub.seen) == 2
    finally:
        stub.close()


def test_unsafe_calls_are_not_repeated_on_5xx(key_text):
    # Given a workflow action (not safe to repeat), when the server fails, then exactly one attempt.
    stub = Script([(503, {}, {"message": "busy"})])
    try:
        client = _client(stub.domain, key_text)
        with pytest.raises(ServerError):
            client._transport.v1("labelworkflowgraphnode", "POST", ["l"], {"action": "complete"}, project_hash="p", retryable=False)
        assert len(stub.seen) == 1
    finally:
        stub.close()


def test_rate_limit_honours_retry_after(ours, server):
    # Given the server refusing every second request with Retry-After: 1, when listing twice,
    # then both succeed and the retry waited about a second.
    server.app.rate_limit.turn_on(every=2, retry_after_s=1)
    start = time.monotonic()
    for _ in range(2):
        assert len(list(ours.list_projects())) == 2
    assert time.monotonic() - start >= 1.0
    assert server.app.rate_limit.refused == 1


def test_rate_limit_error_carries_retry_after(server, demo):
    client = EncordUserClient.create_with_ssh_private_key(
        ssh_private_key_path=demo.key_path, domain=server.domain, requests_settings=RequestsSettings(max_retries=0)
    )
    server.app.rate_limit.turn_on(every=1, retry_after_s=7)
    with pytest.raises(RateLimitError) as caught:
        client.get_project(demo.visual_qa)
    assert caught.value.retry_after == 7 and "Retry after 7" in str(caught.value)


def test_unknown_project_is_not_found_naming_the_hash(reader):
    with pytest.raises(NotFoundError, match="00000000-dead-4000-8000-000000000000"):
        reader.get_project("00000000-dead-4000-8000-000000000000")


def test_unreachable_server_is_a_connection_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = _client(f"http://127.0.0.1:{port}", private_key_to_openssh(generate_private_key()), RequestsSettings(connection_retries=1, backoff_factor=0.0))
    with pytest.raises(EncordConnectionError, match=f"127.0.0.1:{port}"):
        list(client.list_projects())


def test_secrets_stay_out_of_reprs_errors_and_logs(shared_server, caplog):
    # Given an unregistered key, when it is used, then the error, the reprs and the logs hold neither the
    # key text, nor a signature, nor a bearer token.
    running, _ = shared_server
    key = generate_private_key()
    text = private_key_to_openssh(key)
    client = _client(running.domain, text)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthenticationError) as caught:
        list(client.list_projects())
    bearer = EncordUserClient.create_with_bearer_token("sekret-token-value", domain=running.domain)
    exposed = " ".join([str(caught.value), repr(caught.value), repr(client), repr(client._transport.auth), repr(bearer), caplog.text])
    body = text.split("\n")[1]
    assert body not in exposed and "sekret-token-value" not in exposed
    assert public_key_hex(key) not in exposed  # only a short prefix of the key id is ever shown
    assert "Signature" not in exposed and "sig=" not in exposed


def test_signed_urls_never_show_their_query_in_reprs(reader, shared_server):
    _, demo = shared_server
    project = reader.get_project(demo.visual_qa)
    row = next(r for r in project.list_label_rows_v2() if r.data_type.value == "video")
    video, _ = project.get_data(row.data_hash, get_signed_url=True)
    assert "?" in video.file_link
    assert video.file_link.split("?", 1)[1] not in repr(video)
