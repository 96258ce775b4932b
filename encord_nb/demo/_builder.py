"""Build the demo workspace: store, media folder and demo key, in a folder the caller names."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from encord_nb.server.store import LabelRowInfo, Store, empty_blurb

from . import _photos as photos
from ._ontology import ONTOLOGY_HASH, ONTOLOGY_STRUCTURE, ONTOLOGY_TITLE
from ._shapes import ANNOTATOR, MODEL, REVIEWER
from ._video import VIDEO_FPS, VIDEO_FRAMES, VIDEO_HEIGHT, VIDEO_WIDTH, write_video

__all__ = ["DemoWorkspace", "build_demo", "default_workspace_path"]

HOME_ENV = "ENCORD_NB_HOME"
DEMO_USER = "demo@example.com"
STORE_NAME = "workspace.sqlite"
MEDIA_NAME = "media"
KEY_NAME = "demo_key"
VERSION_KEY = "demo_content_version"
KEY_META = "demo_key_file"  # the server reads it to find the demo user's key (relative to the workspace)
VISUAL_QA = photos.VISUAL_QA
MANUAL_QA = "Demo: manual QA"
IMAGES = Path(__file__).with_name("images")
VIDEO_FILE = "videos/chelsea-pan.mp4"
_NAMESPACE = uuid.UUID("5a1e0000-de70-4e0b-9c1d-000000000000")
_ROW_DATE = "2024-03-05 09:00:00"
# The store's schema and blurb layout shape a build too.
_STORE_SOURCES = [Path(__file__).parent.parent / "server" / name for name in ("store.py", "_schema.sql")]


@dataclass(frozen=True)
class DemoWorkspace:
    """Where a built demo workspace lives and how to sign in to it.

    Example:
        >>> ws = build_demo()                         # doctest: +SKIP
        >>> ws.projects["Demo: visual QA"]            # doctest: +SKIP
        '5b0c...'
    """

    path: Path
    store_path: Path
    media_path: Path
    key_path: Path
    public_key_hex: str
    user_email: str
    projects: dict[str, str]


def default_workspace_path() -> Path:
    """``$ENCORD_NB_HOME/demo`` if set, else ``~/.cache/encord_nb/demo`` (or ``$XDG_CACHE_HOME``)."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / "demo"
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache).expanduser() / "encord_nb" / "demo"


def demo_uuid(name: str) -> str:
    """A stable UUID for a named demo thing, so every build has the same hashes."""
    return str(uuid.uuid5(_NAMESPACE, name))


def content_version() -> str:
    """A digest of the demo's source and photos: a build is current when it was made from the same."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted([*here.glob("*.py"), *IMAGES.iterdir(), *_STORE_SOURCES]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _load_or_create_key(path: Path) -> str:
    """The demo key pair's public half as hex; the private key is created once (OpenSSH text, mode 0600)."""
    if path.exists():
        key = serialization.load_ssh_private_key(path.read_bytes(), password=None)
    else:
        key = Ed25519PrivateKey.generate()
        text = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
        )
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(text)
        os.replace(tmp, path)
    os.chmod(path, 0o600)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


@contextlib.contextmanager
def _build_lock(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _current(store_path: Path, version: str) -> bool:
    media = store_path.parent / MEDIA_NAME
    if not store_path.exists() or not (media / VIDEO_FILE).exists():
        return False
    if any(not (media / "images" / title).exists() for title in _PHOTOS):
        return False
    try:
        with Store(store_path) as store:
            return store.get_meta(VERSION_KEY) == version
    except Exception:  # an unreadable store is rebuilt, never trusted
        return False


def build_demo(path: str | Path | None = None, force: bool = False) -> DemoWorkspace:
    """Build (or reuse) the demo workspace in ``path`` (default :func:`default_workspace_path`).

    A build made from the same demo content is reused, so calling this again takes milliseconds;
    ``force`` rebuilds anyway. The demo key (``demo_key`` beside the store) is kept across rebuilds.
    """
    folder = Path(path).expanduser() if path is not None else default_workspace_path()
    store_path, media_path, key_path = folder / STORE_NAME, folder / MEDIA_NAME, folder / KEY_NAME
    version = content_version()
    with _build_lock(folder):
        public_key_hex = _load_or_create_key(key_path)
        if force or not _current(store_path, version):
            for stale in (store_path, Path(f"{store_path}-wal"), Path(f"{store_path}-shm")):
                stale.unlink(missing_ok=True)
            shutil.rmtree(media_path, ignore_errors=True)
            with Store(store_path, media_path) as store:
                _fill(store, public_key_hex)
                store.set_meta(KEY_META, KEY_NAME)
                store.set_meta(VERSION_KEY, version)
        else:
            with Store(store_path, media_path) as store:
                store.add_user(DEMO_USER, public_key_hex=public_key_hex)
    return DemoWorkspace(
        path=folder,
        store_path=store_path,
        media_path=media_path,
        key_path=key_path,
        public_key_hex=public_key_hex,
        user_email=DEMO_USER,
        projects={VISUAL_QA: demo_uuid(VISUAL_QA), MANUAL_QA: demo_uuid(MANUAL_QA)},
    )


# ------------------------------------------------------------------ content

_PHOTOS = {  # title -> (mime type, width, height)
    "chelsea.png": ("image/png", 451, 300),
    "coffee.png": ("image/png", 600, 400),
    "coins.png": ("image/png", 384, 303),
    "rocket.jpg": ("image/jpeg", 640, 427),
    "astronaut.png": ("image/png", 512, 512),
    "retina.jpg": ("image/jpeg", 1411, 1411),
    "camera.png": ("image/png", 512, 512),
    "hubble_deep_field.jpg": ("image/jpeg", 1000, 872),
}
GROUP_TITLE = "kitchen-coins-launch-cat"
GROUP_PHOTOS = ("coffee.png", "coins.png", "rocket.jpg", "chelsea.png")
VIDEO_TITLE = "chelsea-pan.mp4"

# title -> (stage type, priority, assignee); stage DONE clears priority and assignee.
_VISUAL_QA_TASKS = {
    "chelsea.png": ("DONE", None, None),
    "coffee.png": ("REVIEW", 0.7, REVIEWER),
    "coins.png": ("REVIEW", 0.9, REVIEWER),
    "rocket.jpg": ("ANNOTATION", 0.6, ANNOTATOR),
    "astronaut.png": ("DONE", None, None),
    "retina.jpg": ("REVIEW", 0.4, None),
    "camera.png": ("ANNOTATION", 0.5, None),
    "hubble_deep_field.jpg": ("ANNOTATION", 0.2, None),
    GROUP_TITLE: ("ANNOTATION", 0.8, ANNOTATOR),
    VIDEO_TITLE: ("REVIEW", 0.75, REVIEWER),
}
# title -> (label status or None for no row, annotation task status, assignee)
_MANUAL_QA_TASKS = {
    "chelsea.png": ("REVIEWED", "COMPLETED", None),
    "coffee.png": ("LABELLED", "IN_REVIEW", REVIEWER),
    "astronaut.png": ("LABEL_IN_PROGRESS", "ASSIGNED", ANNOTATOR),
    "retina.jpg": ("REVIEWED_TWICE", "COMPLETED", None),
    "coins.png": (None, "QUEUED", None),
}


def _photo_media(title: str) -> dict[str, Any]:
    mime, width, height = _PHOTOS[title]
    return {"file": f"images/{title}", "mime_type": mime, "width": width, "height": height, "title": title}


def _labels_for(title: str, row: str, media_dir: Path, *, predictions: bool = False) -> photos.RowLabels | None:
    if title == "chelsea.png":
        return photos.chelsea(row, predictions=predictions)
    if title == "coffee.png":
        return photos.coffee(row, predictions=predictions)
    if title == "coins.png":
        return photos.coins(row, media_dir / "images" / title, predictions=predictions)
    if title == "rocket.jpg":
        return photos.rocket(row, predictions=predictions)
    if predictions:
        return None
    if title == "astronaut.png":
        return photos.astronaut(row)
    if title == "retina.jpg":
        return photos.retina(row)
    if title == GROUP_TITLE:
        return photos.image_group(row)
    if title == VIDEO_TITLE:
        return photos.video(row, _PHOTOS["chelsea.png"][1:])
    return None


def fill_blurb(blurb: dict[str, Any], labels: photos.RowLabels) -> dict[str, Any]:
    """Put ``labels`` into an empty blurb: per image (by data sequence) or per video frame."""
    blurb["object_answers"] = labels.object_answers
    blurb["classification_answers"] = labels.classification_answers
    blurb["object_actions"] = labels.object_actions
    for unit in blurb["data_units"].values():
        if blurb["data_type"] == "video":
            unit["labels"] = {
                str(frame): {"objects": labels.objects[frame], "classifications": []} for frame in sorted(labels.objects)
            }
        else:
            unit["labels"] = {"objects": labels.objects.get(int(unit["data_sequence"]), []), "classifications": []}
    return blurb


def _add_label_row(
    store: Store, info: LabelRowInfo, labels: photos.RowLabels, *, branch: str = "main", label_status: str = "LABELLED"
) -> str:
    label_hash = demo_uuid(f"{info.project_hash}/{info.data_hash}/{branch}")
    branch_info = dataclasses.replace(info, branch_name=branch)
    blurb = empty_blurb(branch_info, store.media_of(info.data_hash), label_hash=label_hash, created_at=_ROW_DATE)
    blurb["label_status"] = label_status
    store.create_label_row(
        info.project_hash,
        info.data_hash,
        branch_name=branch,
        label_hash=label_hash,
        blurb=fill_blurb(blurb, labels),
        label_status=label_status,
        created_at=_ROW_DATE,
        last_edited_at="2024-03-06 16:40:00",
    )
    return label_hash


def _fill(store: Store, public_key_hex: str) -> None:
    media = store.media_dir
    (media / "images").mkdir(parents=True, exist_ok=True)
    for title in _PHOTOS:
        shutil.copyfile(IMAGES / title, media / "images" / title)
    write_video(IMAGES / "chelsea.png", media / VIDEO_FILE)

    with store.transaction():
        store.add_user(DEMO_USER, public_key_hex=public_key_hex)
        for email in (ANNOTATOR, REVIEWER, MODEL):
            store.add_user(email)
        store.put_ontology(ONTOLOGY_HASH, ONTOLOGY_TITLE, ONTOLOGY_STRUCTURE,
                           description="One class per thing in the demo photos; every shape and attribute kind.",
                           created_at="2024-03-01 09:00:00")
        _visual_qa(store)
        _manual_qa(store)


def _visual_qa(store: Store) -> None:
    project = demo_uuid(VISUAL_QA)
    dataset = demo_uuid("dataset/photos")
    store.put_dataset(dataset, "Demo photos", description="Public-domain photos, a photo group and a short pan video.",
                      created_at="2024-03-01 09:00:00")
    store.put_project(
        project, VISUAL_QA, ontology_hash=ONTOLOGY_HASH, project_type="workflow",
        description="Hand-labelled photos with a few planted mistakes, for visual label QA.",
        creator_email=DEMO_USER, created_at="2024-03-01 09:30:00", last_edited_at="2024-03-06 16:40:00",
        stages=[
            {"uuid": demo_uuid("stage/annotate"), "title": "Annotate", "stage_type": "ANNOTATION"},
            {"uuid": demo_uuid("stage/review"), "title": "Review", "stage_type": "REVIEW"},
            {"uuid": demo_uuid("stage/complete"), "title": "Complete", "stage_type": "DONE"},
        ],
    )
    store.add_dataset_to_project(project, dataset)
    for title in _PHOTOS:
        store.put_data_unit(demo_uuid(f"data/{title}"), dataset_hash=dataset, title=title, data_type="IMAGE",
                            media=[_photo_media(title)], created_at="2024-03-01 09:00:00")
    store.put_data_unit(
        demo_uuid(f"data/{GROUP_TITLE}"), dataset_hash=dataset, title=GROUP_TITLE, data_type="IMG_GROUP",
        media=[{**_photo_media(t), "image_hash": demo_uuid(f"group/{t}")} for t in GROUP_PHOTOS],
        created_at="2024-03-01 09:00:00",
    )
    store.put_data_unit(
        demo_uuid(f"data/{VIDEO_TITLE}"), dataset_hash=dataset, title=VIDEO_TITLE, data_type="VIDEO",
        media=[{"file": VIDEO_FILE, "mime_type": "video/mp4", "width": VIDEO_WIDTH, "height": VIDEO_HEIGHT,
                "fps": float(VIDEO_FPS), "frame_count": VIDEO_FRAMES, "duration": VIDEO_FRAMES / VIDEO_FPS,
                "title": VIDEO_TITLE}],
        created_at="2024-03-01 09:00:00",
    )
    stages = {s.stage_type: s.uuid for s in store.get_project(project).stages}
    by_title = {info.data_title: info for info in store.list_label_rows(project)}
    for title, (stage, priority, assignee) in _VISUAL_QA_TASKS.items():
        info = by_title[title]
        store.update_task(project, info.data_hash, stage_uuid=stages[stage], priority=priority,
                          assignee_email=assignee,
                          annotation_task_status="COMPLETED" if stage == "DONE" else
                          ("IN_REVIEW" if stage == "REVIEW" else ("ASSIGNED" if assignee else "QUEUED")),
                          last_actioned_by_email=ANNOTATOR if stage != "ANNOTATION" else None)
        info = store.list_label_rows(project, data_hashes=[info.data_hash])[0]
        row = f"visual-qa/{title}"
        labels = _labels_for(title, row, store.media_dir)
        if labels is None:
            continue
        status = "REVIEWED" if stage == "DONE" else ("LABELLED" if stage == "REVIEW" else "LABEL_IN_PROGRESS")
        label_hash = _add_label_row(store, info, labels, label_status=status)
        predicted = _labels_for(title, row, store.media_dir, predictions=True)
        if predicted is not None:
            _add_label_row(store, info, predicted, branch="predictions", label_status="LABELLED")
        store.add_label_log(project, info.data_hash, user_email=ANNOTATOR, action=0, created_at="2024-03-05 10:15:00",
                            label_name=title, time_taken=95)
        if stage != "ANNOTATION":
            store.add_label_log(project, info.data_hash, user_email=ANNOTATOR, action=28,
                                created_at="2024-03-06 16:40:00")
        if stage == "DONE":
            store.add_review(project, label_hash, status="APPROVED", reviewer_email=REVIEWER,
                             comment="Looks right.", created_at="2024-03-07 11:00:00")
    coins = by_title["coins.png"]
    coins_hash = store.find_label_row(project, coins.data_hash).label_hash
    offset = next(e for e in photos.PLANTED_ERRORS if e.kind == "offset_box")
    store.add_review(project, coins_hash, status="REJECTED", object_hash=offset.object_hash, reviewer_email=REVIEWER,
                     comment="This box does not sit on its coin.", created_at="2024-03-07 11:05:00")
    x, y, w, h = photos.COINS[photos.COIN_OFFSET]
    store.add_issue(project, coins.data_hash, kind="coordinate", frame=0, x=round(x + w / 2, 4),
                    y=round(y + h / 2, 4), object_hash=offset.object_hash, author_email=REVIEWER,
                    comment="The coin here has no box around it.", created_at="2024-03-07 11:06:00")
    issue = store.add_issue(project, by_title["retina.jpg"].data_hash, kind="file", author_email=REVIEWER,
                            comment="Are the small vessels in scope?", created_at="2024-03-07 11:10:00")
    store.comment_on_issue(issue.issue_uuid, "Only the four main vessels for now.", author_email=ANNOTATOR,
                           created_at="2024-03-07 12:00:00")
    store.add_issue(project, by_title[VIDEO_TITLE].data_hash, kind="frame", frame=35, author_email=REVIEWER,
                    comment="The right eye is not tracked on frames 30-39.", created_at="2024-03-07 11:20:00")


def _manual_qa(store: Store) -> None:
    project = demo_uuid(MANUAL_QA)
    dataset = demo_uuid("dataset/manual-qa")
    store.put_dataset(dataset, "Demo photos (manual QA)", created_at="2024-03-01 09:00:00")
    store.put_project(project, MANUAL_QA, ontology_hash=ONTOLOGY_HASH, project_type="manual_qa",
                      description="The same photos in a project without a workflow: label and task statuses.",
                      creator_email=DEMO_USER, created_at="2024-03-02 09:30:00", last_edited_at="2024-03-06 16:40:00")
    store.add_dataset_to_project(project, dataset)
    for title in _MANUAL_QA_TASKS:
        store.put_data_unit(demo_uuid(f"manual-qa/data/{title}"), dataset_hash=dataset, title=title,
                            data_type="IMAGE", media=[_photo_media(title)], created_at="2024-03-01 09:00:00")
    by_title = {info.data_title: info for info in store.list_label_rows(project)}
    for title, (label_status, task_status, assignee) in _MANUAL_QA_TASKS.items():
        info = by_title[title]
        store.update_task(project, info.data_hash, annotation_task_status=task_status, assignee_email=assignee,
                          priority=None)
        info = store.list_label_rows(project, data_hashes=[info.data_hash])[0]
        if label_status is not None:
            labels = _labels_for(title, f"manual-qa/{title}", store.media_dir)
            assert labels is not None
            _add_label_row(store, info, labels, label_status=label_status)
