"""Serving media files behind signed URLs, confined to the workspace's media folder."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote

from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from encord_nb.exceptions import NotFoundError, PermissionDeniedError
from encord_nb.protocol import MediaSigner

#: URL prefix of media files; a data unit's file ``a/b.jpg`` is served at ``/media/a/b.jpg?exp=..&sig=..``.
MEDIA_PREFIX = "/media/"


def media_path(relative_file: str) -> str:
    """The URL path (decoded) of a file given relative to the media folder."""
    return MEDIA_PREFIX + relative_file.replace(os.sep, "/").lstrip("/")


def _refuse(message: str) -> PermissionDeniedError:
    return PermissionDeniedError(message, status_code=403)


def media_relative_path(raw_target: str) -> str:
    """The relative file name a raw media request target names, checked without touching the disk.

    Refused with :class:`PermissionDeniedError`: ``..`` or empty segments, encoded slashes or backslashes,
    absolute paths and NUL bytes.
    """
    raw_path = raw_target.split("?", 1)[0]
    if not raw_path.startswith(MEDIA_PREFIX):
        raise _refuse("Not a media URL.")
    encoded = raw_path[len(MEDIA_PREFIX) :]
    if any(token in encoded.lower() for token in ("%2f", "%5c", "%00", "\\")):
        raise _refuse("Media paths may not contain encoded slashes.")
    relative = unquote(encoded)
    parts = relative.split("/")
    if not relative or relative.startswith("/") or "\x00" in relative or any(p in ("", ".", "..") for p in parts):
        raise _refuse("Media paths are plain relative file names.")
    return relative


def resolve_media_file(media_dir: Path, relative: str) -> Path:
    """The file inside ``media_dir``; refused when it resolves outside (symlinks followed), 404 when absent."""
    root = media_dir.resolve()
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root):
        raise _refuse("Media paths may not leave the media folder.")
    if not candidate.is_file():
        raise NotFoundError(f"No media file {relative!r}.", status_code=404)
    return candidate


def serve_media(request: Request, media_dir: Path, signer: MediaSigner) -> Response:
    """Check a media request's signature and send the file, honouring HTTP range requests.

    The signature is checked before the disk is touched, so unsigned requests learn nothing about files.
    """
    raw_target = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    relative = media_relative_path(raw_target)
    signer.verify(media_path(relative), request.args.get("exp"), request.args.get("sig"))
    path = resolve_media_file(media_dir, relative)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    response = send_file(path, request.environ, mimetype=mimetype, conditional=True, max_age=0)
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["Cache-Control"] = "private, max-age=0"
    return response
