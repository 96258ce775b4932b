"""Refusals: tampered or unknown signatures, signed-URL changes and path escapes, and the SDK's error mapping."""

from __future__ import annotations

import json
import os
import time
import warnings
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.test import Client
from workspace_fixture import IMAGES, LABELLED_IMAGE_LABEL, PROJECT, QA_PROJECT, VIDEO

from encord_nb.protocol import encode_v1_request, generate_private_key, private_key_to_openssh, sign_v1, sign_v2
from encord_nb.server import EncordApp, open_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from encord.exceptions import AuthenticationError, InvalidArgumentsError, RateLimitExceededError, ResourceNotFoundError
    from encord.http.constants import RequestsSettings
    from encord.http.v2 import request_signer


@pytest.fixture()
def tamper(monkeypatch):
    """Change each outgoing SDK request after it was signed, with the given function."""

    @contextmanager
    def apply(mutate):
        original = requests.Session.send

        def send(self, request, **kwargs):
            mutate(request)
            return original(self, request, **kwargs)

        monkeypatch.setattr(requests.Session, "send", send)
        try:
            yield
        finally:
            monkeypatch.setattr(requests.Session, "send", original)

    return apply


def _v1_and_v2_calls(sdk_user):
    project = sdk_user.get_project(PROJECT)
    return [lambda: project.list_label_rows_v2(), lambda: sdk_user.get_project(PROJECT)]


def _strip_signature(request):
    for name in ("Authorization", "Signature", "Signature-Input", "Content-Digest"):
        request.headers.pop(name, None)


def _flip_signature(request):
    if "Authorization" in request.headers:
        value = request.headers["Authorization"]
        request.headers["Authorization"] = value[:-1] + ("0" if value[-1] != "0" else "1")
    if "Signature" in request.headers:
        value = request.headers["Signature"]  # encord-sig=:<base64>:
        request.headers["Signature"] = value[:14] + ("A" if value[14] != "A" else "B") + value[15:]


@pytest.mark.parametrize("mutate", [_strip_signature, _flip_signature], ids=["no signature", "bad signature"])
def test_unsigned_or_badly_signed_requests_raise_the_sdk_authentication_error(sdk_user, tamper, mutate):
    calls = _v1_and_v2_calls(sdk_user)
    with tamper(mutate):
        for call in calls:
            with pytest.raises(AuthenticationError):
                call()


def test_unknown_key_is_refused_on_both_families(server, sdk_client_class):
    stranger = sdk_client_class.create_with_ssh_private_key(
        private_key_to_openssh(generate_private_key()), domain=server.domain
    )
    with pytest.raises(AuthenticationError):
        stranger.get_project(PROJECT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(AuthenticationError):
            stranger.get_projects()


def test_body_altered_after_signing_is_refused(sdk_user, tamper):
    project = sdk_user.get_project(PROJECT)
    row = next(r for r in project.list_label_rows_v2() if r.data_hash == IMAGES[0])

    def alter(request):  # same-length changes, so Content-Length still holds
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        if "priorities" in body:
            request.body = body.replace("0.9", "0.1").encode()
        if "labelrowmetadata" in body:
            request.body = body.replace('"include_client_metadata": false', '"include_client_metadata": true ')

    with tamper(alter):
        with pytest.raises(AuthenticationError):
            row.set_priority(0.9)
        with pytest.raises(AuthenticationError):
            project.list_label_rows_v2()


def test_v2_request_target_altered_after_signing_is_refused(sdk_user, tamper):
    def retarget(request):
        request.url = request.url.replace(PROJECT, QA_PROJECT)

    with tamper(retarget):
        with pytest.raises(AuthenticationError):
            sdk_user.get_project(PROJECT)


def test_stale_created_is_refused(sdk_user, monkeypatch):
    class LongAgo:
        @staticmethod
        def now():
            from datetime import datetime

            return datetime.fromtimestamp(time.time() - 3600)

    monkeypatch.setattr(request_signer, "datetime", LongAgo)
    with pytest.raises(AuthenticationError):
        sdk_user.get_project(PROJECT)


def _raw_v1(server, key, project_hash, query_type, method, uid, payload) -> dict:
    """A v1 call signed with our protocol functions, its reply envelope decoded."""
    body = encode_v1_request(query_type, method, uid, payload)
    headers = {**sign_v1(key, body), "ResourceType": "project", "ResourceID": project_hash}
    return requests.post(server.domain + "/public", data=body, headers=headers, timeout=10).json()


def test_unknown_hashes_and_wrong_project_are_not_found(sdk_user, server, workspace_copy):
    # Given an unknown project, when fetched, then the SDK raises its not-found error.
    with pytest.raises(ResourceNotFoundError):
        sdk_user.get_project("00000000-0000-4000-8000-00000000dead")
    # Given a label row of the workflow project, when fetched under the QA project, then it is not found.
    reply = _raw_v1(server, workspace_copy.key, QA_PROJECT, "labelrow", "GET", [LABELLED_IMAGE_LABEL], {})
    assert reply["response"] == ["RESOURCE_NOT_FOUND_ERROR"] and LABELLED_IMAGE_LABEL in reply["payload"]


def test_bad_payload_is_an_invalid_arguments_error(sdk_user, server, workspace_copy):
    project = sdk_user.get_project(PROJECT)
    row = next(r for r in project.list_label_rows_v2() if r.data_hash == IMAGES[1])
    with pytest.raises(InvalidArgumentsError):
        row.set_priority(7.0)  # priorities live in 0..1
    reply = _raw_v1(server, workspace_copy.key, PROJECT, "labelrow", "POST", [LABELLED_IMAGE_LABEL], {"labels": "x"})
    assert reply["status"] == 400 and reply["response"] == ["INVALID_ARGUMENTS_ERROR"]


def test_rate_limit_switch_gives_retry_after(server, workspace_copy, sdk_client_class):
    user = sdk_client_class.create_with_ssh_private_key(
        workspace_copy.key_file.read_text(), domain=server.domain, requests_settings=RequestsSettings(max_retries=0)
    )
    project = user.get_project(PROJECT)
    server.app.rate_limit.turn_on(every=1, retry_after_s=7)
    with pytest.raises(RateLimitExceededError) as v2:
        user.get_project(PROJECT)
    with pytest.raises(RateLimitExceededError) as v1:
        project.list_label_rows_v2()
    assert v2.value.retry_after == 7 and v1.value.retry_after == 7
    server.app.rate_limit.turn_off()
    assert user.get_project(PROJECT).title


# -- signed media URLs --------------------------------------------------------------------------------


@pytest.fixture()
def app(workspace_copy):
    store = open_store(workspace_copy.path)
    yield EncordApp(store, store.media_dir, media_url_ttl_s=60)
    store.close()


def _get(app, target: str, **kwargs):
    """GET through the WSGI test client, with the response read and closed."""
    reply = Client(app).get(target, **kwargs)
    reply.get_data()
    reply.close()
    return reply


def _signed(app, relative: str) -> str:
    url = app.media_signer.signed_url("http://127.0.0.1", "/media/" + relative)
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_signed_media_url_serves_and_any_change_is_refused(app, workspace_copy):
    target = _signed(app, "photos/photo0.jpg")
    reply = _get(app, target)
    assert reply.status_code == 200
    assert reply.data == (workspace_copy.path / "media/photos/photo0.jpg").read_bytes()
    path, query = target.split("?")
    exp = dict(p.split("=") for p in query.split("&"))["exp"]
    assert _get(app, path.replace("photo0", "photo1") + "?" + query).status_code == 403
    assert _get(app, path + "?" + query.replace(f"exp={exp}", f"exp={int(exp) + 10}")).status_code == 403
    assert _get(app, path).status_code == 403


def test_signed_media_url_expires(app, monkeypatch):
    target = _signed(app, "photos/photo0.jpg")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 61)
    assert _get(app, target).status_code == 403


@pytest.mark.parametrize(
    "raw_path",
    [
        "/media/../workspace.sqlite",
        "/media/photos/../../workspace.sqlite",
        "/media/photos%2F..%2F..%2Fworkspace.sqlite",
        "/media/photos%2fphoto0.jpg",
        "/media//etc/passwd",
        "/media/%2Fetc%2Fpasswd",
        "/media/photos%5Cphoto0.jpg",
    ],
)
def test_no_url_reaches_outside_the_media_folder(app, raw_path):
    # Given a path signed by the server's own secret, when it tries to leave the folder, then it is refused anyway.
    query = app.media_signer.sign(requests.utils.unquote(raw_path))
    reply = _get(app, f"{raw_path}?exp={query['exp']}&sig={query['sig']}")
    assert reply.status_code in (403, 404) and b"SQLite" not in reply.data and b"root:" not in reply.data


def test_symlink_out_of_the_media_folder_is_refused(app, workspace_copy):
    outside = workspace_copy.path / "secret.txt"
    outside.write_text("secret")
    os.symlink(outside, workspace_copy.path / "media" / "link.txt")
    reply = _get(app, _signed(app, "link.txt"))
    assert reply.status_code == 403 and b"secret" not in reply.data


def test_video_supports_range_requests(app, workspace_copy):
    data = (workspace_copy.path / "media/clips/clip.mp4").read_bytes()
    reply = _get(app, _signed(app, "clips/clip.mp4"), headers={"Range": "bytes=100-199"})
    assert reply.status_code == 206 and reply.data == data[100:200]
    assert reply.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert reply.headers["Accept-Ranges"] == "bytes"


def test_errors_never_echo_signatures(app, workspace_copy):
    body = encode_v1_request("labelrowmetadata", "GET", None, {})
    headers = sign_v1(workspace_copy.key, body)
    tampered = body.replace(b"GET", b"PUT")
    reply = Client(app).post("/public", data=tampered, headers={**headers, "ResourceType": "project", "ResourceID": PROJECT})
    reply.close()
    assert json.loads(reply.data)["response"] == ["AUTHENTICATION_ERROR"]
    assert headers["Authorization"].split(":")[1] not in reply.get_data(as_text=True)
    assert VIDEO  # the fixture's video is the range-request subject above


def test_v2_refuses_a_v1_style_body_signature(app, workspace_copy):
    # Given a v2 GET carrying only a v1 Authorization over its (empty) body, then it is refused with 401.
    reply = Client(app).get(f"/v2/public/projects/{PROJECT}", headers=sign_v1(workspace_copy.key, b""))
    reply.close()
    assert reply.status_code == 401


def test_workflow_action_on_manual_qa_project_is_wrong_project_type(server, workspace_copy):
    reply = _raw_v1(server, workspace_copy.key, QA_PROJECT, "labelworkflowgraphnode", "POST",
                    [LABELLED_IMAGE_LABEL], {"action": "complete"})
    assert reply["response"] == ["WRONG_PROJECT_TYPE_ERROR"]


def test_a_server_bug_is_answered_without_a_retryable_status(app, workspace_copy, monkeypatch, caplog):
    # Given a store that fails, when both families call it, then v1 gets UNKNOWN_ERROR and v2 a non-retried 4xx.
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app.store, "list_projects", broken)
    body = encode_v1_request("projectwithuserrole", "GET", None, {"filter": {}})
    v1 = Client(app).post("/public/user", data=body, headers=sign_v1(workspace_copy.key, body))
    v1.close()
    assert v1.status_code == 200 and json.loads(v1.data)["response"] == ["UNKNOWN_ERROR"]
    v2 = Client(app).get("/v2/public/projects", headers=sign_v2(workspace_copy.key, "GET", "/v2/public/projects"))
    v2.close()
    assert v2.status_code == 422 and "disk on fire" not in v2.get_data(as_text=True)
    assert "disk on fire" in caplog.text
