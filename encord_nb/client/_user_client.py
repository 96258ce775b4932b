"""``EncordUserClient``: sign in (SSH key or bearer token) and reach projects."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from encord_nb.exceptions import ResponseValidationError, UsageError
from encord_nb.protocol import load_private_key

from ._constants import DEFAULT_DOMAIN
from ._project import Project, iso_datetime
from ._transport import BearerAuth, RequestsSettings, SshKeyAuth, Transport

#: Environment variables read when no key is passed, in this order (as the SDK).
KEY_FILE_VARIABLE = "ENCORD_SSH_KEY_FILE"
KEY_TEXT_VARIABLE = "ENCORD_SSH_KEY"

_FILTERS = ("title_eq", "title_like", "desc_eq", "desc_like", "created_before", "created_after", "edited_before", "edited_after")
_DATE_FILTERS = {"created_before", "created_after", "edited_before", "edited_after"}


def _filters(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name in _FILTERS:
        value = values.get(name)
        if value is None:
            continue
        out[name] = iso_datetime(name, value) if name in _DATE_FILTERS else value
    return out


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class EncordUserClient:
    """The entry point: a signed-in user of an Encord endpoint.

    Build it with :meth:`create_with_ssh_private_key` or :meth:`create_with_bearer_token`; ``domain``
    picks the endpoint (the real Encord API by default, or e.g. the embedded demo server).

    Example:
        >>> client = EncordUserClient.create_with_ssh_private_key(
        ...     ssh_private_key_path="~/.ssh/encord_ed25519", domain="http://127.0.0.1:8765")  # doctest: +SKIP
        >>> [p.title for p in client.list_projects()]                                         # doctest: +SKIP
    """

    def __init__(self, transport: Transport):
        self._transport = transport

    def __repr__(self) -> str:
        return f"EncordUserClient({self._transport.domain!r}, {self._transport.auth!r})"

    @property
    def domain(self) -> str:
        return self._transport.domain

    @property
    def _session(self) -> requests.Session:
        """The one pooled ``requests.Session`` of this client (the media module reuses it)."""
        return self._transport.session

    # -- sign-in -----------------------------------------------------------------------------
    @staticmethod
    def create_with_ssh_private_key(
        ssh_private_key: str | None = None,
        password: str | None = None,
        requests_settings: RequestsSettings | None = None,
        ssh_private_key_path: str | os.PathLike | None = None,
        domain: str = DEFAULT_DOMAIN,
        **kwargs: Any,
    ) -> EncordUserClient:
        """Sign in with an Ed25519 OpenSSH key.

        The key comes from, in order: ``ssh_private_key_path``, ``ssh_private_key`` (its text), the
        file named by ``ENCORD_SSH_KEY_FILE``, the text in ``ENCORD_SSH_KEY``. An encrypted key needs
        ``password`` (and the ``bcrypt`` package).

        Raises:
            UsageError: no key given, or the key is not an Ed25519 OpenSSH key. No request is sent.
        """
        if kwargs:
            raise UsageError(f"Unknown argument(s) {sorted(kwargs)} to create_with_ssh_private_key.")
        key: Any
        if ssh_private_key_path is not None:
            key = Path(ssh_private_key_path).expanduser()
        elif ssh_private_key is not None:
            key = ssh_private_key
        elif os.environ.get(KEY_FILE_VARIABLE):
            key = Path(os.environ[KEY_FILE_VARIABLE]).expanduser()
        elif os.environ.get(KEY_TEXT_VARIABLE):
            key = os.environ[KEY_TEXT_VARIABLE]
        else:
            raise UsageError(
                "No private key: pass ssh_private_key_path= or ssh_private_key=, or set "
                f"{KEY_FILE_VARIABLE} (a path) or {KEY_TEXT_VARIABLE} (the key text)."
            )
        if isinstance(key, str) and "PRIVATE KEY" not in key:
            raise UsageError("`ssh_private_key` is the key text (-----BEGIN OPENSSH PRIVATE KEY-----...); pass a path as ssh_private_key_path=.")
        private_key = load_private_key(key, password)
        return EncordUserClient(Transport(domain, SshKeyAuth(private_key), requests_settings))

    @staticmethod
    def create_with_bearer_token(
        token: str,
        *,
        requests_settings: RequestsSettings | None = None,
        domain: str = DEFAULT_DOMAIN,
        **kwargs: Any,
    ) -> EncordUserClient:
        """Sign in with a bearer token (see :meth:`get_bearer_token`)."""
        if kwargs:
            raise UsageError(f"Unknown argument(s) {sorted(kwargs)} to create_with_bearer_token.")
        if not isinstance(token, str) or not token:
            raise UsageError("A bearer token is a non-empty string.")
        return EncordUserClient(Transport(domain, BearerAuth(token), requests_settings))

    def get_bearer_token(self) -> str:
        """A bearer token for this user (to sign in where the key cannot go)."""
        reply = self._transport.v2("GET", "user/bearer-token")
        if not isinstance(reply, dict) or not isinstance(reply.get("token"), str):
            raise ResponseValidationError("The bearer-token answer has no `token`.")
        return reply["token"]

    # -- projects ----------------------------------------------------------------------------
    def get_project(self, project_hash: str) -> Project:
        """A project by hash (its record and ontology).

        Raises:
            NotFoundError: no such project for this user (the hash is in the message).
        """
        record = self._transport.v2("GET", f"projects/{project_hash}")
        project = Project(self._transport, record)
        project.ontology_structure  # the SDK reads the ontology here too
        return project

    def list_projects(
        self,
        title_eq: str | None = None,
        title_like: str | None = None,
        desc_eq: str | None = None,
        desc_like: str | None = None,
        created_before: str | datetime | None = None,
        created_after: str | datetime | None = None,
        edited_before: str | datetime | None = None,
        edited_after: str | datetime | None = None,
        include_org_access: bool = False,
        tags_anyof: Sequence[str] | None = None,
    ) -> Iterator[Project]:
        """The user's projects, page by page (``_like`` filters take SQL ``%`` wildcards)."""
        params: dict[str, Any] = {_camel(k): v for k, v in _filters(locals()).items()}
        params["includeOrgAccess"] = include_org_access
        if tags_anyof is not None:
            params["tagsAnyof"] = [getattr(t, "name", t) for t in tags_anyof]
        for record in self._transport.v2_pages("projects", params):
            yield Project(self._transport, record)

    def get_projects(
        self,
        title_eq: str | None = None,
        title_like: str | None = None,
        desc_eq: str | None = None,
        desc_like: str | None = None,
        created_before: str | datetime | None = None,
        created_after: str | datetime | None = None,
        edited_before: str | datetime | None = None,
        edited_after: str | datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Deprecated: projects as ``{"project": dict, "user_role": int}``. Use :meth:`list_projects`."""
        warnings.warn("get_projects is deprecated: use list_projects() instead.", DeprecationWarning, stacklevel=2)
        entries = self._transport.v1("projectwithuserrole", "GET", None, {"filter": _filters(locals())})
        return [{"project": e["project"], "user_role": e["user_role"]} for e in entries]
