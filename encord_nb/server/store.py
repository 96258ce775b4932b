"""The embedded server's workspace store: one SQLite database beside a media folder.

The store holds everything the Encord-compatible server serves: users and their Ed25519 keys,
ontologies, datasets, data units and their media files, projects with workflow stages, a task per
(project, data unit), label rows per branch (the blurb kept as JSON text, exactly as saved),
reviews, issues and label logs. It knows nothing of HTTP or of the label models: the server turns
its records into wire JSON.

Concurrency: every thread gets its own connection (WAL mode, foreign keys on, a busy timeout).
Every write runs inside ``BEGIN IMMEDIATE ... COMMIT``; several writes can be grouped with
:meth:`Store.transaction`, and an exception anywhere inside rolls all of them back, so a failed or
killed save leaves the previous labels untouched.

Dates are returned as timezone-aware UTC ``datetime`` objects; methods accept ``datetime`` or any
string in ``YYYY-MM-DD HH:MM:SS`` / ISO-8601 form.

Example:
    >>> store = Store("/tmp/ws/workspace.sqlite")                # doctest: +SKIP
    >>> with store.transaction():                                # doctest: +SKIP
    ...     store.put_ontology("ont12345", "Shapes", {"objects": [], "classifications": []})
    ...     store.put_dataset("d" * 8, "Photos")
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import uuid
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from encord_nb.exceptions import InvalidRequestError, NotFoundError

__all__ = [
    "ANNOTATION_TASK_STATUSES",
    "BUSY_TIMEOUT_SECONDS",
    "DATA_TYPES",
    "Dataset",
    "DataUnit",
    "ISSUE_KINDS",
    "Issue",
    "IssueComment",
    "LABEL_STATUSES",
    "LabelLog",
    "LabelRow",
    "LabelRowInfo",
    "Media",
    "Ontology",
    "Project",
    "PublicKey",
    "Review",
    "SCHEMA_VERSION",
    "STAGE_TYPES",
    "Stage",
    "Store",
    "Task",
    "User",
    "empty_blurb",
    "format_date",
    "new_uuid",
    "parse_date",
]

SCHEMA_VERSION = 1
BUSY_TIMEOUT_SECONDS = 30.0

DATA_TYPES = ("IMAGE", "IMG_GROUP", "VIDEO")
STAGE_TYPES = ("ANNOTATION", "REVIEW", "CONSENSUS_ANNOTATION", "CONSENSUS_REVIEW", "DONE", "AGENT")
LABEL_STATUSES = (
    "NOT_LABELLED",
    "LABEL_IN_PROGRESS",
    "LABELLED",
    "REVIEW_IN_PROGRESS",
    "REVIEWED",
    "REVIEWED_TWICE",
)
ANNOTATION_TASK_STATUSES = ("QUEUED", "ASSIGNED", "IN_REVIEW", "RETURNED", "COMPLETED")
ISSUE_KINDS = ("file", "frame", "coordinate")

_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
_DEFAULT_PRIORITY = 0.5


# ---------------------------------------------------------------- helpers


def new_uuid() -> str:
    """A fresh random UUID string (label, data, project, task and stage hashes)."""
    return str(uuid.uuid4())


def parse_date(value: datetime | str | int | float | None) -> datetime | None:
    """Read a date given as ``datetime``, epoch seconds, ``YYYY-MM-DD HH:MM:SS`` or ISO-8601; naive means UTC."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = datetime.strptime(text, _DATE_FORMAT)
        except ValueError:
            try:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                try:
                    parsed = datetime.strptime(text.replace("GMT", "UTC"), "%a, %d %b %Y %H:%M:%S UTC")
                except ValueError:
                    raise InvalidRequestError(
                        f"cannot read the date {value!r}: use 'YYYY-MM-DD HH:MM:SS' or ISO-8601",
                        status_code=400,
                    ) from None
        value = parsed
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def format_date(value: datetime | str | int | float | None) -> str | None:
    """The store's own date text (UTC ``YYYY-MM-DD HH:MM:SS``) for any accepted date."""
    parsed = parse_date(value)
    return None if parsed is None else parsed.strftime(_DATE_FORMAT)


def _now() -> str:
    return datetime.now(timezone.utc).strftime(_DATE_FORMAT)


def _date(text: str | None) -> datetime | None:
    # Stored dates are always _DATE_FORMAT, which fromisoformat reads many times faster than strptime.
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def _sdk_date(text: str | None) -> str | None:
    """Store date text in the long form the SDK writes into blurbs."""
    parsed = _date(text)
    return None if parsed is None else parsed.strftime("%a, %d %b %Y %H:%M:%S UTC")


def _check(value: str | None, allowed: Sequence[str], what: str, *, nullable: bool = False) -> None:
    if value is None and nullable:
        return
    if value not in allowed:
        raise InvalidRequestError(f"{what} {value!r} is not one of {', '.join(allowed)}", status_code=400)


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class User:
    """A workspace user. ``user_hash`` is a UUID string."""

    user_hash: str
    email: str
    created_at: datetime


@dataclass(frozen=True)
class PublicKey:
    """A registered Ed25519 public key (hex of the raw 32 bytes) and its owner."""

    public_key_hex: str
    user_hash: str
    email: str
    title: str
    created_at: datetime


@dataclass(frozen=True)
class Ontology:
    """An ontology: ``structure`` is the editor JSON (objects, classifications, skeleton_templates)."""

    ontology_hash: str
    title: str
    description: str
    structure: dict[str, Any]
    created_at: datetime
    last_edited_at: datetime


@dataclass(frozen=True)
class Dataset:
    """A dataset: a named set of data units that projects attach."""

    dataset_hash: str
    title: str
    description: str
    created_at: datetime


@dataclass(frozen=True)
class Stage:
    """A workflow stage (``stage_type`` is ANNOTATION, REVIEW, DONE, ...), in project order."""

    uuid: str
    title: str
    stage_type: str
    position: int


@dataclass(frozen=True)
class Project:
    """A project. ``stages`` is empty for ``manual_qa`` projects."""

    project_hash: str
    title: str
    description: str
    project_type: str
    status: str | None
    ontology_hash: str
    creator_email: str
    workflow_manager_uuid: str | None
    created_at: datetime
    last_edited_at: datetime
    stages: tuple[Stage, ...] = ()
    dataset_hashes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Media:
    """One media file: an image (of an IMAGE or IMG_GROUP unit) or a video.

    ``file`` is relative to the store's media folder; ``path`` is the absolute file path.
    ``fps``, ``frame_count`` and ``duration`` are set for videos only.
    """

    image_hash: str
    data_hash: str
    sequence: int
    title: str
    file: str
    mime_type: str
    width: int
    height: int
    path: Path
    fps: float | None = None
    frame_count: int | None = None
    duration: float | None = None


@dataclass(frozen=True)
class DataUnit:
    """A data unit: ``data_type`` is upper case (IMAGE, IMG_GROUP, VIDEO); ``media`` in sequence order."""

    data_hash: str
    dataset_hash: str
    title: str
    data_type: str
    backing_item_uuid: str
    client_metadata: dict[str, Any]
    created_at: datetime
    media: tuple[Media, ...]

    @property
    def number_of_frames(self) -> int:
        """Frames of a video, images of a group, 1 for an image."""
        if self.data_type == "VIDEO":
            return self.media[0].frame_count or 0 if self.media else 0
        return len(self.media)


@dataclass(frozen=True)
class Task:
    """A data unit's task in a project: stage, priority, assignee and manual-QA task status."""

    project_hash: str
    data_hash: str
    task_uuid: str
    stage_uuid: str | None
    priority: float | None
    assignee_email: str | None
    annotation_task_status: str | None
    last_actioned_by_email: str | None


@dataclass(frozen=True)
class LabelRow:
    """A stored label row. ``blurb_json`` is the label JSON text exactly as saved."""

    label_hash: str
    project_hash: str
    data_hash: str
    branch_name: str
    label_status: str
    is_valid: bool
    validation_errors: tuple[str, ...]
    created_at: datetime
    last_edited_at: datetime
    blurb_json: str

    @property
    def blurb(self) -> dict[str, Any]:
        """The label JSON, decoded (a fresh dict on every call)."""
        return json.loads(self.blurb_json)


@dataclass(frozen=True)
class LabelRowInfo:
    """One entry of a project's label-row listing: a (data unit, branch) with its task and label state.

    ``label_hash``, ``created_at`` and ``last_edited_at`` are None when the data unit has no label row
    on that branch yet (then ``label_status`` is NOT_LABELLED). Media fields (``width``, ``height``,
    ``file_type``, ``fps``, ``duration``) come from the first media file and are None for image groups.
    """

    project_hash: str
    label_hash: str | None
    branch_name: str
    created_at: datetime | None
    last_edited_at: datetime | None
    data_hash: str
    dataset_hash: str
    dataset_title: str
    data_title: str
    data_type: str
    backing_item_uuid: str
    client_metadata: dict[str, Any]
    label_status: str
    annotation_task_status: str | None
    task_uuid: str
    priority: float | None
    assignee_email: str | None
    last_actioned_by_email: str | None
    stage_uuid: str | None
    stage_title: str | None
    stage_type: str | None
    is_valid: bool
    number_of_frames: int
    width: int | None
    height: int | None
    file_type: str | None
    fps: float | None
    duration: float | None


@dataclass(frozen=True)
class Review:
    """A reviewer's verdict on a label row or one object of it (``status`` e.g. APPROVED, REJECTED)."""

    review_uuid: str
    project_hash: str
    label_hash: str
    object_hash: str | None
    status: str
    comment: str
    reviewer_email: str | None
    created_at: datetime


@dataclass(frozen=True)
class IssueComment:
    """One comment in an issue's thread."""

    comment_id: int
    author_email: str | None
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Issue:
    """An issue raised on a data unit: on the whole file, one frame, or a point (x, y normalised)."""

    issue_uuid: str
    project_hash: str
    data_hash: str
    kind: str
    frame: int | None
    x: float | None
    y: float | None
    object_hash: str | None
    resolved: bool
    author_email: str | None
    created_at: datetime
    comments: tuple[IssueComment, ...] = field(default=())
    tags: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class LabelLog:
    """One label-log entry; ``action`` is the SDK's integer Action value (0 ADD, 1 EDIT, 2 DELETE, ...)."""

    log_hash: str
    project_hash: str
    data_hash: str
    user_hash: str
    user_email: str
    action: int
    identifier: str | None
    feature_hash: str | None
    label_name: str | None
    time_taken: int | None
    frame: int | None
    created_at: datetime


def empty_blurb(
    info: LabelRowInfo, media: Sequence[Media], *, label_hash: str, created_at: str | None = None
) -> dict[str, Any]:
    """A label blurb with no labels for ``info``'s data unit, in the SDK 0.1.211 layout.

    ``data_link`` is left None: the server fills in a signed URL when it serves the row.
    """
    data_type = info.data_type.lower()
    stamp = _sdk_date(created_at or _now())
    units: dict[str, Any] = {}
    for item in media:
        unit: dict[str, Any] = {
            "data_hash": item.image_hash,
            "data_title": item.title,
            "data_link": None,
            "data_type": item.mime_type,
            "data_sequence": str(item.sequence) if data_type == "img_group" else item.sequence,
            "width": item.width,
            "height": item.height,
            "labels": {} if data_type == "video" else {"objects": [], "classifications": []},
        }
        if data_type == "video":
            unit["data_duration"] = item.duration
            unit["data_fps"] = item.fps
        units[item.image_hash] = unit
    return {
        "label_hash": label_hash,
        "branch_name": info.branch_name,
        "created_at": stamp,
        "last_edited_at": stamp,
        "data_hash": info.data_hash,
        "dataset_hash": info.dataset_hash,
        "dataset_title": info.dataset_title,
        "data_title": info.data_title,
        "data_type": data_type,
        "annotation_task_status": info.annotation_task_status,
        "is_shadow_data": False,
        "object_answers": {},
        "classification_answers": {},
        "object_actions": {},
        "label_status": "LABEL_IN_PROGRESS",
        "data_units": units,
        "spaces": {},
    }


# ---------------------------------------------------------------- the store


class _Handle:
    """A thread's connection and how deep its transactions are nested."""

    __slots__ = ("conn", "depth", "__weakref__")

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.depth = 0


class Store:
    """A workspace store: SQLite file plus media folder, safe to share between threads.

    Args:
        path: the SQLite database file; created (with its schema) if missing.
        media_dir: the folder media ``file`` paths are relative to; default ``<path's folder>/media``.

    Example:
        >>> store = Store(tmp_path / "ws.sqlite")                          # doctest: +SKIP
        >>> user = store.add_user("me@example.com", public_key_hex="ab" * 32)  # doctest: +SKIP
        >>> store.user_for_key("ab" * 32).email                             # doctest: +SKIP
        'me@example.com'
    """

    def __init__(self, path: str | Path, media_dir: str | Path | None = None):
        self.path = Path(path)
        self.media_dir = Path(media_dir) if media_dir is not None else self.path.parent / "media"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.media_dir.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._handles: weakref.WeakSet[_Handle] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._closed = False
        schema = resources.files(__package__).joinpath("_schema.sql").read_text(encoding="utf-8")
        # executescript commits implicitly, so the schema is created in its own step: every
        # statement is IF NOT EXISTS, which makes it idempotent and safe against concurrent openers.
        conn = self._connection()
        conn.executescript(schema)
        if self.get_meta("schema_version") is None:
            self.set_meta("schema_version", str(SCHEMA_VERSION))

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # ------------------------------------------------------------ connections and transactions

    def _handle(self) -> _Handle:
        handle = getattr(self._local, "handle", None)
        if handle is None:
            if self._closed:
                raise InvalidRequestError(f"the store {self.path} is closed", status_code=400)
            # check_same_thread is off only so close() and the finaliser may close it; the
            # connection itself is used by its own thread alone.
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
            conn.execute("PRAGMA synchronous=NORMAL")
            handle = _Handle(conn)
            # A threaded WSGI server starts a thread per request: when a thread ends, its handle
            # is dropped with the thread-local storage and the finaliser closes the connection.
            weakref.finalize(handle, conn.close)
            self._local.handle = handle
            with self._lock:
                self._handles.add(handle)
        return handle

    def _connection(self) -> sqlite3.Connection:
        return self._handle().conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Group writes into one all-or-nothing transaction (``BEGIN IMMEDIATE``); nests freely.

        Yields the thread's connection. An exception inside rolls back everything since the
        outermost ``transaction()`` began.
        """
        handle = self._handle()
        conn = handle.conn
        if handle.depth:
            handle.depth += 1
            try:
                yield conn
            finally:
                handle.depth -= 1
            return
        conn.execute("BEGIN IMMEDIATE")
        handle.depth = 1
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            handle.depth = 0

    def _read(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]:
        return self._connection().execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Row | None:
        return self._connection().execute(sql, params).fetchone()

    def close(self) -> None:
        """Close every thread's connection; the store cannot be used afterwards."""
        self._closed = True
        with self._lock:
            handles, self._handles = list(self._handles), weakref.WeakSet()
        for handle in handles:
            with contextlib.suppress(sqlite3.ProgrammingError):
                handle.conn.close()
        self._local = threading.local()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` answer (``'ok'`` when the file is sound)."""
        return self._one("PRAGMA integrity_check")[0]

    # ------------------------------------------------------------ meta

    def get_meta(self, key: str) -> str | None:
        """A workspace setting (e.g. ``schema_version``, a demo content version), or None."""
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        """Set a workspace setting."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # ------------------------------------------------------------ users and keys

    def add_user(self, email: str, *, public_key_hex: str | None = None, user_hash: str | None = None) -> User:
        """Create the user ``email`` (or return the existing one) and register a key if given."""
        with self.transaction() as db:
            row = db.execute("SELECT * FROM users WHERE email = ?", (email,)).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO users (user_hash, email, created_at) VALUES (?, ?, ?)",
                    (user_hash or new_uuid(), email, _now()),
                )
                row = db.execute("SELECT * FROM users WHERE email = ?", (email,)).fetchone()
            if public_key_hex is not None:
                self.add_public_key(email, public_key_hex)
        return User(row["user_hash"], row["email"], _date(row["created_at"]))

    def get_user(self, email: str) -> User:
        """The user with this email; NotFoundError if there is none."""
        row = self._one("SELECT * FROM users WHERE email = ?", (email,))
        if row is None:
            raise NotFoundError(f"no user {email!r} in this workspace", status_code=404)
        return User(row["user_hash"], row["email"], _date(row["created_at"]))

    def add_public_key(self, email: str, public_key_hex: str, *, title: str = "") -> PublicKey:
        """Register an Ed25519 public key (64 hex characters) for an existing user; idempotent."""
        key = public_key_hex.strip().lower()
        try:
            raw = bytes.fromhex(key)
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise InvalidRequestError(
                "a public key must be the 32 raw Ed25519 bytes as 64 hex characters", status_code=400
            )
        with self.transaction() as db:
            user = self.get_user(email)
            db.execute(
                "INSERT INTO public_keys (public_key_hex, user_hash, title, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(public_key_hex) DO UPDATE SET user_hash = excluded.user_hash, title = excluded.title",
                (key, user.user_hash, title, _now()),
            )
        found = self.user_for_key(key)
        assert found is not None
        return found

    def user_for_key(self, public_key_hex: str) -> PublicKey | None:
        """The registered key and its owner, or None for an unknown key."""
        row = self._one(
            "SELECT k.*, u.email FROM public_keys k JOIN users u USING (user_hash) WHERE k.public_key_hex = ?",
            (public_key_hex.strip().lower(),),
        )
        if row is None:
            return None
        return PublicKey(row["public_key_hex"], row["user_hash"], row["email"], row["title"], _date(row["created_at"]))

    # ------------------------------------------------------------ ontologies

    def put_ontology(
        self,
        ontology_hash: str,
        title: str,
        structure: Mapping[str, Any],
        *,
        description: str = "",
        created_at: datetime | str | None = None,
        last_edited_at: datetime | str | None = None,
    ) -> Ontology:
        """Create or replace an ontology (``structure`` is the editor JSON dict)."""
        created = format_date(created_at) or _now()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO ontologies (ontology_hash, title, description, structure, created_at, last_edited_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(ontology_hash) DO UPDATE SET title = excluded.title,"
                " description = excluded.description, structure = excluded.structure,"
                " last_edited_at = excluded.last_edited_at",
                (ontology_hash, title, description, json.dumps(structure), created, format_date(last_edited_at) or created),
            )
        return self.get_ontology(ontology_hash)

    def get_ontology(self, ontology_hash: str) -> Ontology:
        """The ontology; NotFoundError names the hash when it is unknown."""
        row = self._one("SELECT * FROM ontologies WHERE ontology_hash = ?", (ontology_hash,))
        if row is None:
            raise NotFoundError(f"no ontology {ontology_hash!r} in this workspace", status_code=404)
        return Ontology(
            row["ontology_hash"],
            row["title"],
            row["description"],
            json.loads(row["structure"]),
            _date(row["created_at"]),
            _date(row["last_edited_at"]),
        )

    # ------------------------------------------------------------ datasets

    def put_dataset(
        self, dataset_hash: str, title: str, *, description: str = "", created_at: datetime | str | None = None
    ) -> Dataset:
        """Create or rename a dataset."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO datasets (dataset_hash, title, description, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(dataset_hash) DO UPDATE SET title = excluded.title, description = excluded.description",
                (dataset_hash, title, description, format_date(created_at) or _now()),
            )
        return self.get_dataset(dataset_hash)

    def get_dataset(self, dataset_hash: str) -> Dataset:
        """The dataset; NotFoundError when unknown."""
        row = self._one("SELECT * FROM datasets WHERE dataset_hash = ?", (dataset_hash,))
        if row is None:
            raise NotFoundError(f"no dataset {dataset_hash!r} in this workspace", status_code=404)
        return Dataset(row["dataset_hash"], row["title"], row["description"], _date(row["created_at"]))

    def list_project_datasets(self, project_hash: str) -> list[Dataset]:
        """The datasets a project uses, by title."""
        self.get_project(project_hash)
        rows = self._read(
            "SELECT d.* FROM datasets d JOIN project_datasets p USING (dataset_hash)"
            " WHERE p.project_hash = ? ORDER BY d.title, d.dataset_hash",
            (project_hash,),
        )
        return [Dataset(r["dataset_hash"], r["title"], r["description"], _date(r["created_at"])) for r in rows]

    # ------------------------------------------------------------ projects

    def put_project(
        self,
        project_hash: str,
        title: str,
        *,
        ontology_hash: str,
        project_type: str = "workflow",
        description: str = "",
        status: str | None = "inProgress",
        creator_email: str = "",
        stages: Sequence[Mapping[str, str]] = (),
        workflow_manager_uuid: str | None = None,
        created_at: datetime | str | None = None,
        last_edited_at: datetime | str | None = None,
    ) -> Project:
        """Create or replace a project and its workflow stages.

        ``stages`` are dicts with ``uuid`` (optional), ``title`` and ``stage_type``, in workflow
        order; a workflow project needs at least one ANNOTATION and one DONE stage, a manual-QA
        project none. Re-putting a project keeps its tasks; stages are matched by uuid.
        """
        _check(project_type, ("workflow", "manual_qa"), "project type")
        stage_list = [
            {"uuid": s.get("uuid") or new_uuid(), "title": s["title"], "stage_type": s["stage_type"]} for s in stages
        ]
        for stage in stage_list:
            _check(stage["stage_type"], STAGE_TYPES, "stage type")
        kinds = {s["stage_type"] for s in stage_list}
        if project_type == "workflow" and not {"ANNOTATION", "DONE"} <= kinds:
            raise InvalidRequestError(
                f"workflow project {title!r} needs an ANNOTATION and a DONE stage", status_code=400
            )
        if project_type == "manual_qa" and stage_list:
            raise InvalidRequestError(f"manual-QA project {title!r} cannot have workflow stages", status_code=400)
        created = format_date(created_at) or _now()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO projects (project_hash, title, description, project_type, status, ontology_hash,"
                " creator_email, workflow_manager_uuid, created_at, last_edited_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(project_hash) DO UPDATE SET"
                " title = excluded.title, description = excluded.description, project_type = excluded.project_type,"
                " status = excluded.status, ontology_hash = excluded.ontology_hash,"
                " creator_email = excluded.creator_email, workflow_manager_uuid = excluded.workflow_manager_uuid,"
                " last_edited_at = excluded.last_edited_at",
                (
                    project_hash,
                    title,
                    description,
                    project_type,
                    status,
                    ontology_hash,
                    creator_email,
                    workflow_manager_uuid or (new_uuid() if project_type == "workflow" else None),
                    created,
                    format_date(last_edited_at) or created,
                ),
            )
            keep = [s["uuid"] for s in stage_list]
            db.execute(
                f"UPDATE tasks SET stage_uuid = NULL WHERE project_hash = ? AND stage_uuid NOT IN ({','.join('?' * len(keep))})",
                (project_hash, *keep),
            )
            db.execute(
                f"DELETE FROM workflow_stages WHERE project_hash = ? AND uuid NOT IN ({','.join('?' * len(keep))})",
                (project_hash, *keep),
            )
            for position, stage in enumerate(stage_list):
                db.execute(
                    "INSERT INTO workflow_stages (uuid, project_hash, position, title, stage_type) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT(uuid) DO UPDATE SET position = excluded.position, title = excluded.title,"
                    " stage_type = excluded.stage_type",
                    (stage["uuid"], project_hash, position, stage["title"], stage["stage_type"]),
                )
            if stage_list:
                db.execute(
                    "UPDATE tasks SET stage_uuid = ? WHERE project_hash = ? AND stage_uuid IS NULL",
                    (self._first_stage(project_hash, "ANNOTATION"), project_hash),
                )
        return self.get_project(project_hash)

    def get_project(self, project_hash: str) -> Project:
        """The project with its stages and dataset hashes; NotFoundError names an unknown hash."""
        row = self._one("SELECT * FROM projects WHERE project_hash = ?", (project_hash,))
        if row is None:
            raise NotFoundError(f"no project {project_hash!r} in this workspace", status_code=404)
        return self._project(row)

    def _project(self, row: sqlite3.Row) -> Project:
        stages = tuple(
            Stage(s["uuid"], s["title"], s["stage_type"], s["position"])
            for s in self._read(
                "SELECT * FROM workflow_stages WHERE project_hash = ? ORDER BY position", (row["project_hash"],)
            )
        )
        datasets = tuple(
            r[0]
            for r in self._read(
                "SELECT dataset_hash FROM project_datasets WHERE project_hash = ? ORDER BY dataset_hash",
                (row["project_hash"],),
            )
        )
        return Project(
            row["project_hash"],
            row["title"],
            row["description"],
            row["project_type"],
            row["status"],
            row["ontology_hash"],
            row["creator_email"],
            row["workflow_manager_uuid"],
            _date(row["created_at"]),
            _date(row["last_edited_at"]),
            stages,
            datasets,
        )

    def list_projects(
        self,
        *,
        title_eq: str | None = None,
        title_like: str | None = None,
        desc_eq: str | None = None,
        desc_like: str | None = None,
        created_before: datetime | str | None = None,
        created_after: datetime | str | None = None,
        edited_before: datetime | str | None = None,
        edited_after: datetime | str | None = None,
    ) -> list[Project]:
        """Projects matching every given filter (``*_like`` take SQL ``%`` wildcards), oldest first."""
        where, params = ["1 = 1"], []
        for column, op, value in (
            ("title", "=", title_eq),
            ("title", "LIKE", title_like),
            ("description", "=", desc_eq),
            ("description", "LIKE", desc_like),
            ("created_at", "<", format_date(created_before)),
            ("created_at", ">", format_date(created_after)),
            ("last_edited_at", "<", format_date(edited_before)),
            ("last_edited_at", ">", format_date(edited_after)),
        ):
            if value is not None:
                where.append(f"{column} {op} ?")
                params.append(value)
        rows = self._read(
            f"SELECT * FROM projects WHERE {' AND '.join(where)} ORDER BY created_at, project_hash", params
        )
        return [self._project(r) for r in rows]

    def add_dataset_to_project(self, project_hash: str, dataset_hash: str) -> None:
        """Attach a dataset: each of its data units gets a task in the project (first stage, priority 0.5)."""
        with self.transaction() as db:
            self.get_project(project_hash)
            self.get_dataset(dataset_hash)
            db.execute(
                "INSERT OR IGNORE INTO project_datasets (project_hash, dataset_hash) VALUES (?, ?)",
                (project_hash, dataset_hash),
            )
            for (data_hash,) in db.execute("SELECT data_hash FROM data_units WHERE dataset_hash = ?", (dataset_hash,)):
                self._ensure_task(project_hash, data_hash)

    def _first_stage(self, project_hash: str, stage_type: str) -> str | None:
        row = self._one(
            "SELECT uuid FROM workflow_stages WHERE project_hash = ? AND stage_type = ? ORDER BY position LIMIT 1",
            (project_hash, stage_type),
        )
        return None if row is None else row[0]

    def _ensure_task(self, project_hash: str, data_hash: str) -> None:
        self._connection().execute(
            "INSERT OR IGNORE INTO tasks (project_hash, data_hash, task_uuid, stage_uuid, priority,"
            " annotation_task_status) VALUES (?, ?, ?, ?, ?, 'QUEUED')",
            (project_hash, data_hash, new_uuid(), self._first_stage(project_hash, "ANNOTATION"), _DEFAULT_PRIORITY),
        )

    # ------------------------------------------------------------ data units and media

    def put_data_unit(
        self,
        data_hash: str,
        *,
        dataset_hash: str,
        title: str,
        data_type: str,
        media: Sequence[Mapping[str, Any]],
        backing_item_uuid: str | None = None,
        client_metadata: Mapping[str, Any] | None = None,
        created_at: datetime | str | None = None,
    ) -> DataUnit:
        """Create or replace a data unit and its media; projects using the dataset get a task for it.

        Each ``media`` dict has ``file`` (relative to the media folder), ``mime_type``, ``width``,
        ``height``, optional ``title`` (default: the file name) and ``image_hash`` (default: the
        data hash for IMAGE and VIDEO, a new UUID for IMG_GROUP images), and for a video ``fps``,
        ``frame_count`` and ``duration``. Order gives the sequence.
        """
        _check(data_type, DATA_TYPES, "data type")
        if not media or (data_type != "IMG_GROUP" and len(media) != 1):
            raise InvalidRequestError(
                f"data unit {title!r}: IMAGE and VIDEO need exactly one media file, IMG_GROUP at least one",
                status_code=400,
            )
        with self.transaction() as db:
            self.get_dataset(dataset_hash)
            db.execute(
                "INSERT INTO data_units (data_hash, dataset_hash, title, data_type, backing_item_uuid,"
                " client_metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(data_hash) DO UPDATE SET"
                " dataset_hash = excluded.dataset_hash, title = excluded.title, data_type = excluded.data_type,"
                " client_metadata = excluded.client_metadata",
                (
                    data_hash,
                    dataset_hash,
                    title,
                    data_type,
                    backing_item_uuid or new_uuid(),
                    json.dumps(dict(client_metadata or {})),
                    format_date(created_at) or _now(),
                ),
            )
            db.execute("DELETE FROM media WHERE data_hash = ?", (data_hash,))
            for sequence, item in enumerate(media):
                image_hash = item.get("image_hash") or (new_uuid() if data_type == "IMG_GROUP" else data_hash)
                db.execute(
                    "INSERT INTO media (image_hash, data_hash, sequence, title, file, mime_type, width, height,"
                    " fps, frame_count, duration) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        image_hash,
                        data_hash,
                        sequence,
                        item.get("title") or Path(item["file"]).name,
                        str(item["file"]),
                        item["mime_type"],
                        int(item["width"]),
                        int(item["height"]),
                        item.get("fps"),
                        item.get("frame_count"),
                        item.get("duration"),
                    ),
                )
            for (project_hash,) in db.execute(
                "SELECT project_hash FROM project_datasets WHERE dataset_hash = ?", (dataset_hash,)
            ).fetchall():
                self._ensure_task(project_hash, data_hash)
        return self.get_data_unit(data_hash)

    def _media(self, row: sqlite3.Row) -> Media:
        return Media(
            row["image_hash"],
            row["data_hash"],
            row["sequence"],
            row["title"],
            row["file"],
            row["mime_type"],
            row["width"],
            row["height"],
            self.media_dir / row["file"],
            row["fps"],
            row["frame_count"],
            row["duration"],
        )

    def get_data_unit(self, data_hash: str) -> DataUnit:
        """The data unit with its media in sequence order; NotFoundError when unknown."""
        row = self._one("SELECT * FROM data_units WHERE data_hash = ?", (data_hash,))
        if row is None:
            raise NotFoundError(f"no data unit {data_hash!r} in this workspace", status_code=404)
        return DataUnit(
            row["data_hash"],
            row["dataset_hash"],
            row["title"],
            row["data_type"],
            row["backing_item_uuid"],
            json.loads(row["client_metadata"]),
            _date(row["created_at"]),
            self.media_of(data_hash),
        )

    def media_of(self, data_hash: str) -> tuple[Media, ...]:
        """The media files of a data unit, in sequence order (empty for an unknown hash)."""
        rows = self._read("SELECT * FROM media WHERE data_hash = ? ORDER BY sequence", (data_hash,))
        return tuple(self._media(r) for r in rows)

    def get_media(self, image_hash: str) -> Media:
        """One media file by its image hash (= data hash for images and videos); NotFoundError when unknown."""
        row = self._one("SELECT * FROM media WHERE image_hash = ?", (image_hash,))
        if row is None:
            raise NotFoundError(f"no media {image_hash!r} in this workspace", status_code=404)
        return self._media(row)

    def list_data_units(self, dataset_hash: str) -> list[DataUnit]:
        """A dataset's data units, by title."""
        rows = self._read("SELECT data_hash FROM data_units WHERE dataset_hash = ? ORDER BY title", (dataset_hash,))
        return [self.get_data_unit(r[0]) for r in rows]

    # ------------------------------------------------------------ tasks (workflow and manual QA state)

    def get_task(self, project_hash: str, data_hash: str) -> Task:
        """The data unit's task in the project; NotFoundError when the unit is not in the project."""
        row = self._one("SELECT * FROM tasks WHERE project_hash = ? AND data_hash = ?", (project_hash, data_hash))
        if row is None:
            raise NotFoundError(f"data unit {data_hash!r} is not in project {project_hash!r}", status_code=404)
        return Task(
            row["project_hash"],
            row["data_hash"],
            row["task_uuid"],
            row["stage_uuid"],
            row["priority"],
            row["assignee_email"],
            row["annotation_task_status"],
            row["last_actioned_by_email"],
        )

    _UNSET: Any = object()

    def update_task(
        self,
        project_hash: str,
        data_hash: str,
        *,
        stage_uuid: str | None = _UNSET,
        priority: float | None = _UNSET,
        assignee_email: str | None = _UNSET,
        annotation_task_status: str | None = _UNSET,
        last_actioned_by_email: str | None = _UNSET,
    ) -> Task:
        """Change the given fields of a task (others stay); a stage must belong to the project."""
        changes: dict[str, Any] = {}
        if stage_uuid is not self._UNSET:
            if stage_uuid is not None and self._one(
                "SELECT 1 FROM workflow_stages WHERE uuid = ? AND project_hash = ?", (stage_uuid, project_hash)
            ) is None:
                raise NotFoundError(f"no stage {stage_uuid!r} in project {project_hash!r}", status_code=404)
            changes["stage_uuid"] = stage_uuid
        if priority is not self._UNSET:
            if priority is not None and not 0.0 <= float(priority) <= 1.0:
                raise InvalidRequestError(f"priority {priority!r} must lie between 0.0 and 1.0", status_code=400)
            changes["priority"] = None if priority is None else float(priority)
        if assignee_email is not self._UNSET:
            changes["assignee_email"] = assignee_email
        if annotation_task_status is not self._UNSET:
            _check(annotation_task_status, ANNOTATION_TASK_STATUSES, "annotation task status", nullable=True)
            changes["annotation_task_status"] = annotation_task_status
        if last_actioned_by_email is not self._UNSET:
            changes["last_actioned_by_email"] = last_actioned_by_email
        with self.transaction() as db:
            self.get_task(project_hash, data_hash)
            if changes:
                db.execute(
                    f"UPDATE tasks SET {', '.join(f'{k} = ?' for k in changes)} WHERE project_hash = ? AND data_hash = ?",
                    (*changes.values(), project_hash, data_hash),
                )
        return self.get_task(project_hash, data_hash)

    def set_priorities(self, project_hash: str, priorities: Iterable[tuple[str, float]]) -> None:
        """Set several tasks' priorities (pairs of data hash and 0..1 priority) in one transaction."""
        with self.transaction():
            for data_hash, priority in priorities:
                self.update_task(project_hash, data_hash, priority=priority)

    def complete_task(self, project_hash: str, data_hash: str, *, user_email: str | None = None) -> Task:
        """Move a workflow task to the DONE stage: priority and assignee clear, status COMPLETED."""
        done = self._workflow_stage(project_hash, "DONE")
        return self.update_task(
            project_hash,
            data_hash,
            stage_uuid=done,
            priority=None,
            assignee_email=None,
            annotation_task_status="COMPLETED",
            last_actioned_by_email=user_email,
        )

    def reopen_task(self, project_hash: str, data_hash: str, *, user_email: str | None = None) -> Task:
        """Send a workflow task back to the first ANNOTATION stage (labels are kept)."""
        first = self._workflow_stage(project_hash, "ANNOTATION")
        task = self.get_task(project_hash, data_hash)
        return self.update_task(
            project_hash,
            data_hash,
            stage_uuid=first,
            priority=_DEFAULT_PRIORITY if task.priority is None else task.priority,
            annotation_task_status="RETURNED",
            last_actioned_by_email=user_email,
        )

    def _workflow_stage(self, project_hash: str, stage_type: str) -> str:
        project = self.get_project(project_hash)
        stage = self._first_stage(project_hash, stage_type)
        if project.project_type != "workflow" or stage is None:
            raise InvalidRequestError(
                f"project {project_hash!r} has no workflow {stage_type} stage (it is {project.project_type})",
                status_code=400,
            )
        return stage

    # ------------------------------------------------------------ label rows

    def list_label_rows(
        self,
        project_hash: str,
        *,
        data_hashes: Sequence[str] | None = None,
        label_hashes: Sequence[str] | None = None,
        edited_before: datetime | str | None = None,
        edited_after: datetime | str | None = None,
        annotation_task_statuses: Sequence[str] | None = None,
        data_title_eq: str | None = None,
        data_title_like: str | None = None,
        stage_title_eq: str | None = None,
        stage_title_like: str | None = None,
        branch_name: str | None = None,
        include_all_branches: bool = False,
        include_uninitialised: bool = True,
    ) -> list[LabelRowInfo]:
        """The project's label-row listing: one entry per data unit and branch, by data title.

        Without ``include_all_branches`` only ``branch_name`` (default ``main``) is listed, and data
        units with no row on it appear with ``label_hash`` None (unless ``include_uninitialised`` is
        false). With it, every stored branch appears, and units with no row at all once, on ``main``.
        Filters combine with AND; the date filters drop units that have no label row.
        """
        self.get_project(project_hash)
        branch = branch_name or "main"
        if include_all_branches:
            join = "LEFT JOIN label_rows l ON l.project_hash = t.project_hash AND l.data_hash = t.data_hash"
            join_params: list[Any] = []
        else:
            join = (
                "LEFT JOIN label_rows l ON l.project_hash = t.project_hash AND l.data_hash = t.data_hash"
                " AND l.branch_name = ?"
            )
            join_params = [branch]
        where, params = ["t.project_hash = ?"], [project_hash]

        def any_of(column: str, values: Sequence[str] | None) -> None:
            if values is not None:
                where.append(f"{column} IN ({','.join('?' * len(values))})" if values else "0")
                params.extend(values)

        any_of("t.data_hash", data_hashes)
        any_of("l.label_hash", label_hashes)
        any_of("t.annotation_task_status", annotation_task_statuses)
        for clause, value in (
            ("l.last_edited_at < ?", format_date(edited_before)),
            ("l.last_edited_at > ?", format_date(edited_after)),
            ("d.title = ?", data_title_eq),
            ("d.title LIKE ?", data_title_like),
            ("s.title = ?", stage_title_eq),
            ("s.title LIKE ?", stage_title_like),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        if not include_uninitialised:
            where.append("l.label_hash IS NOT NULL")
        rows = self._read(
            "SELECT t.*, l.label_hash, l.branch_name, l.created_at AS l_created, l.last_edited_at AS l_edited,"
            " l.label_status, l.is_valid, d.dataset_hash, ds.title AS dataset_title, d.title AS data_title,"
            " d.data_type, d.backing_item_uuid, d.client_metadata, s.title AS stage_title, s.stage_type,"
            " m.mime_type, m.width, m.height, m.fps, m.frame_count, m.duration,"
            " (SELECT COUNT(*) FROM media mm WHERE mm.data_hash = d.data_hash) AS media_count"
            " FROM tasks t JOIN data_units d ON d.data_hash = t.data_hash"
            " JOIN datasets ds ON ds.dataset_hash = d.dataset_hash"
            f" {join}"
            " LEFT JOIN workflow_stages s ON s.uuid = t.stage_uuid"
            " LEFT JOIN media m ON m.data_hash = d.data_hash AND m.sequence = 0"
            f" WHERE {' AND '.join(where)} ORDER BY d.title, d.data_hash, l.branch_name",
            [*join_params, *params],
        )
        out = []
        for r in rows:
            group = r["data_type"] == "IMG_GROUP"
            frames = r["frame_count"] if r["data_type"] == "VIDEO" else (r["media_count"] if group else 1)
            out.append(
                LabelRowInfo(
                    project_hash=project_hash,
                    label_hash=r["label_hash"],
                    branch_name=r["branch_name"] or branch,
                    created_at=_date(r["l_created"]),
                    last_edited_at=_date(r["l_edited"]),
                    data_hash=r["data_hash"],
                    dataset_hash=r["dataset_hash"],
                    dataset_title=r["dataset_title"],
                    data_title=r["data_title"],
                    data_type=r["data_type"],
                    backing_item_uuid=r["backing_item_uuid"],
                    client_metadata=json.loads(r["client_metadata"]),
                    label_status=r["label_status"] or "NOT_LABELLED",
                    annotation_task_status=r["annotation_task_status"],
                    task_uuid=r["task_uuid"],
                    priority=r["priority"],
                    assignee_email=r["assignee_email"],
                    last_actioned_by_email=r["last_actioned_by_email"],
                    stage_uuid=r["stage_uuid"],
                    stage_title=r["stage_title"],
                    stage_type=r["stage_type"],
                    is_valid=bool(r["is_valid"]) if r["is_valid"] is not None else True,
                    number_of_frames=frames or 0,
                    width=None if group else r["width"],
                    height=None if group else r["height"],
                    file_type=None if group else r["mime_type"],
                    fps=r["fps"],
                    duration=r["duration"],
                )
            )
        return out

    def _label_row(self, row: sqlite3.Row) -> LabelRow:
        return LabelRow(
            row["label_hash"],
            row["project_hash"],
            row["data_hash"],
            row["branch_name"],
            row["label_status"],
            bool(row["is_valid"]),
            tuple(json.loads(row["validation_errors"])),
            _date(row["created_at"]),
            _date(row["last_edited_at"]),
            row["blurb"],
        )

    def get_label_row(self, label_hash: str, *, project_hash: str | None = None) -> LabelRow:
        """A label row by hash (optionally checked to belong to ``project_hash``); NotFoundError otherwise."""
        row = self._one("SELECT * FROM label_rows WHERE label_hash = ?", (label_hash,))
        if row is None or (project_hash is not None and row["project_hash"] != project_hash):
            where = f" in project {project_hash!r}" if project_hash else ""
            raise NotFoundError(f"no label row {label_hash!r}{where}", status_code=404)
        return self._label_row(row)

    def find_label_row(self, project_hash: str, data_hash: str, branch_name: str = "main") -> LabelRow | None:
        """The label row of a data unit on a branch, or None if it has none yet."""
        row = self._one(
            "SELECT * FROM label_rows WHERE project_hash = ? AND data_hash = ? AND branch_name = ?",
            (project_hash, data_hash, branch_name),
        )
        return None if row is None else self._label_row(row)

    def create_label_row(
        self,
        project_hash: str,
        data_hash: str,
        *,
        branch_name: str = "main",
        label_hash: str | None = None,
        blurb: Mapping[str, Any] | str | None = None,
        label_status: str = "LABEL_IN_PROGRESS",
        created_at: datetime | str | None = None,
        last_edited_at: datetime | str | None = None,
        is_valid: bool = True,
    ) -> LabelRow:
        """Create the data unit's label row on ``branch_name``, or return the one already there.

        Without ``blurb`` the row starts with no labels (see :func:`empty_blurb`); a given blurb's
        ``label_hash`` and ``branch_name`` are set to the row's.
        """
        _check(label_status, LABEL_STATUSES, "label status")
        with self.transaction() as db:
            self.get_task(project_hash, data_hash)
            existing = self.find_label_row(project_hash, data_hash, branch_name)
            if existing is not None:
                return existing
            label_hash = label_hash or new_uuid()
            created = format_date(created_at) or _now()
            if blurb is None:
                info = self.list_label_rows(project_hash, data_hashes=[data_hash], branch_name=branch_name)[0]
                content = empty_blurb(info, self.media_of(data_hash), label_hash=label_hash, created_at=created)
            else:
                content = json.loads(blurb) if isinstance(blurb, str) else dict(blurb)
                content["label_hash"] = label_hash
                content["branch_name"] = branch_name
            db.execute(
                "INSERT INTO label_rows (label_hash, project_hash, data_hash, branch_name, blurb, label_status,"
                " is_valid, created_at, last_edited_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    label_hash,
                    project_hash,
                    data_hash,
                    branch_name,
                    json.dumps(content),
                    label_status,
                    int(is_valid),
                    created,
                    format_date(last_edited_at) or created,
                ),
            )
            return self.get_label_row(label_hash)

    def save_label_rows(
        self,
        project_hash: str,
        blurbs: Mapping[str, Mapping[str, Any] | str],
        *,
        label_status: str | None = None,
        edited_at: datetime | str | None = None,
    ) -> list[LabelRow]:
        """Replace the labels of several rows (label hash -> blurb) in ONE transaction: all or nothing.

        The blurb is stored as given (dicts are JSON-encoded). ``last_edited_at`` becomes
        ``edited_at`` (default now). ``label_status``, if given, is set on every row.
        An unknown label hash (or one from another project) fails the whole save.
        """
        if label_status is not None:
            _check(label_status, LABEL_STATUSES, "label status")
        stamp = format_date(edited_at) or _now()
        with self.transaction() as db:
            for label_hash, blurb in blurbs.items():
                self.get_label_row(label_hash, project_hash=project_hash)
                text = blurb if isinstance(blurb, str) else json.dumps(blurb)
                db.execute(
                    "UPDATE label_rows SET blurb = ?, last_edited_at = ?,"
                    " label_status = COALESCE(?, label_status) WHERE label_hash = ?",
                    (text, stamp, label_status, label_hash),
                )
            return [self.get_label_row(h) for h in blurbs]

    def save_label_row(
        self,
        label_hash: str,
        blurb: Mapping[str, Any] | str,
        *,
        project_hash: str | None = None,
        label_status: str | None = None,
        edited_at: datetime | str | None = None,
    ) -> LabelRow:
        """Replace one row's labels (see :meth:`save_label_rows`)."""
        project = project_hash or self.get_label_row(label_hash).project_hash
        return self.save_label_rows(project, {label_hash: blurb}, label_status=label_status, edited_at=edited_at)[0]

    def set_label_status(self, label_hash: str, label_status: str) -> LabelRow:
        """Set a row's LabelStatus (manual-QA projects)."""
        _check(label_status, LABEL_STATUSES, "label status")
        with self.transaction() as db:
            self.get_label_row(label_hash)
            db.execute("UPDATE label_rows SET label_status = ? WHERE label_hash = ?", (label_status, label_hash))
        return self.get_label_row(label_hash)

    def set_validity(self, label_hash: str, is_valid: bool, errors: Sequence[str] = ()) -> LabelRow:
        """Mark a row valid or invalid, with the validation errors to report."""
        with self.transaction() as db:
            self.get_label_row(label_hash)
            db.execute(
                "UPDATE label_rows SET is_valid = ?, validation_errors = ? WHERE label_hash = ?",
                (int(is_valid), json.dumps(list(errors)), label_hash),
            )
        return self.get_label_row(label_hash)

    # ------------------------------------------------------------ reviews

    def add_review(
        self,
        project_hash: str,
        label_hash: str,
        *,
        status: str,
        object_hash: str | None = None,
        comment: str = "",
        reviewer_email: str | None = None,
        created_at: datetime | str | None = None,
    ) -> Review:
        """Record a review of a row (or of one object in it when ``object_hash`` is given)."""
        review_uuid = new_uuid()
        with self.transaction() as db:
            self.get_label_row(label_hash, project_hash=project_hash)
            db.execute(
                "INSERT INTO reviews (review_uuid, project_hash, label_hash, object_hash, status, comment,"
                " reviewer_email, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (review_uuid, project_hash, label_hash, object_hash, status, comment, reviewer_email,
                 format_date(created_at) or _now()),
            )
        return self.list_reviews(project_hash, review_uuid=review_uuid)[0]

    def list_reviews(
        self, project_hash: str, *, label_hash: str | None = None, review_uuid: str | None = None
    ) -> list[Review]:
        """A project's reviews, oldest first, optionally of one row or one review."""
        where, params = ["project_hash = ?"], [project_hash]
        for column, value in (("label_hash", label_hash), ("review_uuid", review_uuid)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        rows = self._read(f"SELECT * FROM reviews WHERE {' AND '.join(where)} ORDER BY created_at, rowid", params)
        return [
            Review(r["review_uuid"], r["project_hash"], r["label_hash"], r["object_hash"], r["status"], r["comment"],
                   r["reviewer_email"], _date(r["created_at"]))
            for r in rows
        ]

    def set_review_status(self, review_uuid: str, status: str) -> None:
        """Change a review's status (e.g. REJECTED -> RESOLVED)."""
        with self.transaction() as db:
            if db.execute("UPDATE reviews SET status = ? WHERE review_uuid = ?", (status, review_uuid)).rowcount == 0:
                raise NotFoundError(f"no review {review_uuid!r}", status_code=404)

    # ------------------------------------------------------------ issues

    def add_issue(
        self,
        project_hash: str,
        data_hash: str,
        *,
        kind: str,
        comment: str,
        author_email: str | None = None,
        frame: int | None = None,
        x: float | None = None,
        y: float | None = None,
        object_hash: str | None = None,
        created_at: datetime | str | None = None,
        tags: Sequence[str] = (),
    ) -> Issue:
        """Open an issue with its first comment. ``frame`` is needed for frame and coordinate issues, x/y for coordinate ones."""
        _check(kind, ISSUE_KINDS, "issue kind")
        if kind != "file" and frame is None:
            raise InvalidRequestError(f"a {kind} issue needs a frame", status_code=400)
        if kind == "coordinate" and (x is None or y is None):
            raise InvalidRequestError("a coordinate issue needs x and y (fractions of the frame)", status_code=400)
        issue_uuid = new_uuid()
        stamp = format_date(created_at) or _now()
        with self.transaction() as db:
            self.get_task(project_hash, data_hash)
            db.execute(
                "INSERT INTO issues (issue_uuid, project_hash, data_hash, kind, frame, x, y, object_hash,"
                " author_email, created_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (issue_uuid, project_hash, data_hash, kind, frame, x, y, object_hash, author_email, stamp,
                 json.dumps(list(tags))),
            )
            self.comment_on_issue(issue_uuid, comment, author_email=author_email, created_at=stamp)
        return self.get_issue(issue_uuid)

    def comment_on_issue(
        self, issue_uuid: str, text: str, *, author_email: str | None = None, created_at: datetime | str | None = None
    ) -> IssueComment:
        """Add a comment to an issue's thread."""
        with self.transaction() as db:
            self.get_issue(issue_uuid)
            cursor = db.execute(
                "INSERT INTO issue_comments (issue_uuid, author_email, text, created_at) VALUES (?, ?, ?, ?)",
                (issue_uuid, author_email, text, format_date(created_at) or _now()),
            )
        return next(c for c in self.get_issue(issue_uuid).comments if c.comment_id == cursor.lastrowid)

    def resolve_issue(self, issue_uuid: str, resolved: bool = True) -> Issue:
        """Mark an issue resolved (or open again)."""
        with self.transaction() as db:
            self.get_issue(issue_uuid)
            db.execute("UPDATE issues SET resolved = ? WHERE issue_uuid = ?", (int(resolved), issue_uuid))
        return self.get_issue(issue_uuid)

    def get_issue(self, issue_uuid: str) -> Issue:
        """An issue with its comments; NotFoundError when unknown."""
        row = self._one("SELECT * FROM issues WHERE issue_uuid = ?", (issue_uuid,))
        if row is None:
            raise NotFoundError(f"no issue {issue_uuid!r}", status_code=404)
        return self._issue(row)

    def _issue(self, row: sqlite3.Row) -> Issue:
        comments = tuple(
            IssueComment(c["comment_id"], c["author_email"], c["text"], _date(c["created_at"]))
            for c in self._read(
                "SELECT * FROM issue_comments WHERE issue_uuid = ? ORDER BY comment_id", (row["issue_uuid"],)
            )
        )
        return Issue(row["issue_uuid"], row["project_hash"], row["data_hash"], row["kind"], row["frame"], row["x"],
                     row["y"], row["object_hash"], bool(row["resolved"]), row["author_email"],
                     _date(row["created_at"]), comments, tuple(json.loads(row["tags"])))

    def list_issues(
        self, project_hash: str, *, data_hash: str | None = None, resolved: bool | None = None
    ) -> list[Issue]:
        """A project's issues, oldest first, optionally of one data unit and/or by resolution."""
        where, params = ["project_hash = ?"], [project_hash]
        if data_hash is not None:
            where.append("data_hash = ?")
            params.append(data_hash)
        if resolved is not None:
            where.append("resolved = ?")
            params.append(int(resolved))
        rows = self._read(f"SELECT * FROM issues WHERE {' AND '.join(where)} ORDER BY created_at, rowid", params)
        return [self._issue(r) for r in rows]

    # ------------------------------------------------------------ label logs

    def add_label_log(
        self,
        project_hash: str,
        data_hash: str,
        *,
        user_email: str,
        action: int,
        identifier: str | None = None,
        feature_hash: str | None = None,
        label_name: str | None = None,
        time_taken: int | None = None,
        frame: int | None = None,
        created_at: datetime | str | None = None,
    ) -> LabelLog:
        """Append a label-log entry for a known user."""
        log_hash = new_uuid()
        with self.transaction() as db:
            user = self.get_user(user_email)
            db.execute(
                "INSERT INTO label_logs (log_hash, project_hash, data_hash, user_hash, user_email, action, identifier,"
                " feature_hash, label_name, time_taken, frame, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (log_hash, project_hash, data_hash, user.user_hash, user.email, int(action), identifier, feature_hash,
                 label_name, time_taken, frame, format_date(created_at) or _now()),
            )
        return self.list_label_logs(project_hash, log_hash=log_hash)[0]

    def list_label_logs(
        self,
        project_hash: str,
        *,
        data_hash: str | None = None,
        user_hash: str | None = None,
        user_email: str | None = None,
        after: datetime | str | int | None = None,
        before: datetime | str | int | None = None,
        log_hash: str | None = None,
    ) -> list[LabelLog]:
        """A project's label logs, oldest first, filtered by any of the given fields (dates inclusive)."""
        where, params = ["project_hash = ?"], [project_hash]
        for clause, value in (
            ("data_hash = ?", data_hash),
            ("user_hash = ?", user_hash),
            ("user_email = ?", user_email),
            ("created_at >= ?", format_date(after)),
            ("created_at <= ?", format_date(before)),
            ("log_hash = ?", log_hash),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        rows = self._read(f"SELECT * FROM label_logs WHERE {' AND '.join(where)} ORDER BY created_at, rowid", params)
        return [
            LabelLog(r["log_hash"], r["project_hash"], r["data_hash"], r["user_hash"], r["user_email"], r["action"],
                     r["identifier"], r["feature_hash"], r["label_name"], r["time_taken"], r["frame"],
                     _date(r["created_at"]))
            for r in rows
        ]
