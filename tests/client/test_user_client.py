"""Signing in (every key source, encrypted keys, bearer tokens) and reaching projects."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key as rsa_key
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, Encoding, NoEncryption, PrivateFormat

from encord_nb.client import EncordUserClient, Project
from encord_nb.exceptions import AuthenticationError, UsageError
from encord_nb.protocol import load_private_key


def _titles(client):
    return sorted(p.title for p in client.list_projects())


@pytest.mark.parametrize("source", ["text", "path", "env_file", "env_text"])
def test_every_key_source_signs_in(shared_server, monkeypatch, source):
    # Given the demo key offered one way, when the client lists projects, then the server accepts it.
    running, demo = shared_server
    monkeypatch.delenv("ENCORD_SSH_KEY_FILE", raising=False)
    monkeypatch.delenv("ENCORD_SSH_KEY", raising=False)
    kwargs = {"domain": running.domain}
    if source == "text":
        kwargs["ssh_private_key"] = demo.key_path.read_text()
    elif source == "path":
        kwargs["ssh_private_key_path"] = str(demo.key_path)
    elif source == "env_file":
        monkeypatch.setenv("ENCORD_SSH_KEY_FILE", str(demo.key_path))
    else:
        monkeypatch.setenv("ENCORD_SSH_KEY", demo.key_path.read_text())
    client = EncordUserClient.create_with_ssh_private_key(**kwargs)
    assert _titles(client) == ["Demo: manual QA", "Demo: visual QA"]


def test_encrypted_key_with_password(shared_server, tmp_path):
    running, demo = shared_server
    key = load_private_key(demo.key_path)
    locked = key.private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, BestAvailableEncryption(b"open sesame")).decode()
    client = EncordUserClient.create_with_ssh_private_key(locked, password="open sesame", domain=running.domain)
    assert len(_titles(client)) == 2
    with pytest.raises(UsageError, match="password"):
        EncordUserClient.create_with_ssh_private_key(locked, password="wrong", domain=running.domain)


def test_bad_or_missing_keys_are_refused_before_any_request(monkeypatch, tmp_path):
    monkeypatch.delenv("ENCORD_SSH_KEY_FILE", raising=False)
    monkeypatch.delenv("ENCORD_SSH_KEY", raising=False)
    with pytest.raises(UsageError, match="ENCORD_SSH_KEY_FILE"):
        EncordUserClient.create_with_ssh_private_key(domain="http://127.0.0.1:9")
    rsa = rsa_key(public_exponent=65537, key_size=2048).private_bytes(Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()).decode()
    with pytest.raises(UsageError, match="Ed25519") as caught:
        EncordUserClient.create_with_ssh_private_key(rsa, domain="http://127.0.0.1:9")
    assert rsa.splitlines()[1] not in str(caught.value)
    with pytest.raises(UsageError, match="No private key file"):
        EncordUserClient.create_with_ssh_private_key(ssh_private_key_path=tmp_path / "missing", domain="http://127.0.0.1:9")
    with pytest.raises(UsageError, match="domain"):
        EncordUserClient.create_with_bearer_token("t", domain="api.encord.com")


def test_bearer_token_round_trip(reader, shared_server):
    running, _ = shared_server
    token = reader.get_bearer_token()
    bearer = EncordUserClient.create_with_bearer_token(token, domain=running.domain)
    assert _titles(bearer) == _titles(reader)
    with pytest.raises(AuthenticationError):
        list(EncordUserClient.create_with_bearer_token("not-a-token", domain=running.domain).list_projects())


def test_project_listings_and_filters(reader, shared_server):
    _, demo = shared_server
    assert [p.title for p in reader.list_projects(title_eq="Demo: visual QA")] == ["Demo: visual QA"]
    assert list(reader.list_projects(created_after=datetime(2100, 1, 1, tzinfo=timezone.utc))) == []
    assert list(reader.list_projects(tags_anyof=["none"])) == []
    with pytest.warns(DeprecationWarning, match="list_projects"):
        legacy = reader.get_projects(title_like="%manual%")
    assert [p["project"]["project_hash"] for p in legacy] == [demo.manual_qa]


def test_project_properties(reader, shared_server):
    _, demo = shared_server
    project = reader.get_project(demo.visual_qa)
    assert isinstance(project, Project)
    assert project.project_hash == demo.visual_qa and project.title == "Demo: visual QA"
    assert project.created_at.tzinfo is not None and project.ontology_hash
    assert project.ontology["objects"] and project.project_type.value == "workflow"
    assert [d["dataset_hash"] for d in project.datasets] == [d.dataset_hash for d in project.list_datasets()]
    titles = [s.title for s in project.workflow.stages]
    project.refetch_data()
    project.refetch_ontology()
    assert [s.title for s in project.workflow.stages] == titles
    with pytest.warns(DeprecationWarning, match="list_label_rows_v2"):
        rows = project.label_rows
    labelled = [r for r in rows if r.get("label_hash")]
    with pytest.warns(DeprecationWarning, match="initialise_labels"):
        row = project.get_label_row(labelled[0]["label_hash"])
    assert row["label_hash"] == labelled[0]["label_hash"] and "data_units" in row
