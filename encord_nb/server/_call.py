"""One authenticated API call, as the handlers see it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from encord_nb.exceptions import InvalidRequestError
from encord_nb.server._media import media_path

if TYPE_CHECKING:
    from encord_nb.server._app import EncordApp
    from encord_nb.server.store import PublicKey, Store


@dataclass
class Call:
    """One authenticated API call, as handlers see it."""

    app: EncordApp
    request: Request
    user: PublicKey
    key_id: str
    project_hash: str | None = None
    query_method: str = ""
    uid: Any = None
    payload: Any = None
    route_args: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        return self.app.store

    def json_body(self) -> Any:
        """The request body as JSON; :class:`InvalidRequestError` when it is not JSON."""
        data = self.request.get_data(cache=True)
        if not data:
            return None
        try:
            return json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidRequestError("The request body is not JSON.", status_code=400) from exc

    def media_url(self, relative_file: str) -> str:
        """A signed, expiring URL of a file of the media folder, on the host the client called."""
        return self.app.media_signer.signed_url(self.request.host_url, media_path(relative_file))


Handler = Callable[[Call], Any]
