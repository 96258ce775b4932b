"""A large generated project for benchmarks and scale tests, the same for the same seed."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from encord_nb.server.store import Store, empty_blurb

from . import _shapes as s
from ._builder import IMAGES, MEDIA_NAME, STORE_NAME, demo_uuid, fill_blurb
from ._ontology import ONTOLOGY_HASH, ONTOLOGY_STRUCTURE, ONTOLOGY_TITLE
from ._photos import RowLabels
from ._video import encode_mp4

__all__ = ["SyntheticProject", "build_synthetic"]

_IMAGE = "coins.png"  # every synthetic image row shows this small photo
_IMAGE_SIZE = (384, 303)
_CLIP_SIZE = (160, 90)
_CLIP_FPS = 25
_KINDS = ("Coin", "Coin outline", "Eye")  # box, polygon, point


@dataclass(frozen=True)
class SyntheticProject:
    """What :func:`build_synthetic` made: the project's hash and title and its size."""

    project_hash: str
    title: str
    rows: int
    frames: int
    objects_per_frame: int
    store_path: Path


def _geometry(kind: str, x: float, y: float, w: float, h: float) -> dict:
    if kind == "Coin":
        return s.box(x, y, w, h)
    if kind == "Coin outline":
        return s.polygon([(x, y), (x + w, y), (x + w * 0.8, y + h), (x + w * 0.1, y + h * 0.9)])
    return s.point(x + w / 2, y + h / 2)


def _labels(rng: random.Random, row: str, frames: int, objects: int) -> RowLabels:
    labels = RowLabels()
    for index in range(objects):
        kind = _KINDS[index % len(_KINDS)]
        object_hash = s.short_hash(f"{row}/{index}")
        w, h = rng.uniform(0.05, 0.2), rng.uniform(0.05, 0.2)
        x, y = rng.uniform(0, 1 - w), rng.uniform(0, 1 - h)
        dx, dy = rng.uniform(-0.004, 0.004), rng.uniform(-0.004, 0.004)
        confidence = round(rng.uniform(0.5, 1.0), 3)
        for frame in range(frames):
            fx = min(max(x + dx * frame, 0.0), 1 - w)
            fy = min(max(y + dy * frame, 0.0), 1 - h)
            labels.add(frame, s.frame_object(kind, object_hash, _geometry(kind, fx, fy, w, h), confidence=confidence))
    labels.classify(s.classification(s.short_hash(f"{row}/scene"), "Scene", "Indoor", [[0, frames - 1]]))
    return labels


def _write_clip(out: Path, frames: int) -> None:
    still = Image.open(IMAGES / _IMAGE).convert("RGB").resize(_CLIP_SIZE)
    encode_mp4(out, (still for _ in range(frames)), _CLIP_SIZE, _CLIP_FPS)


def build_synthetic(
    path_or_store: str | Path | Store,
    *,
    rows: int = 1000,
    frames: int = 1,
    objects_per_frame: int = 5,
    seed: int = 0,
    title: str | None = None,
) -> SyntheticProject:
    """Add a generated workflow project to a workspace: ``rows`` labelled rows, same output for the same seed.

    ``frames == 1`` makes IMAGE rows (all showing one bundled photo); more makes VIDEO rows sharing
    one small generated clip of that many frames. Each row holds ``objects_per_frame`` tracks
    (boxes, polygons and points) on every frame.

    Example:
        >>> project = build_synthetic("/tmp/bench", rows=10_000, seed=1)   # doctest: +SKIP
    """
    if rows < 1 or frames < 1 or objects_per_frame < 0:
        raise ValueError("build_synthetic needs rows >= 1, frames >= 1 and objects_per_frame >= 0")
    own = not isinstance(path_or_store, Store)
    if own:
        folder = Path(path_or_store)
        store = Store(folder / STORE_NAME, folder / MEDIA_NAME)
    else:
        store = path_or_store
    title = title or f"Synthetic: {rows} rows x {frames} frames x {objects_per_frame} objects (seed {seed})"
    key = f"synthetic/{seed}/{rows}/{frames}/{objects_per_frame}/{title}"
    project = demo_uuid(key)
    dataset = demo_uuid(f"{key}/dataset")
    try:
        video = frames > 1
        media_file = f"synthetic/clip-{frames}.mp4" if video else f"images/{_IMAGE}"
        target = store.media_dir / media_file
        if not target.exists():
            if video:
                _write_clip(target, frames)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(IMAGES / _IMAGE, target)
        media = (
            {"file": media_file, "mime_type": "video/mp4", "width": _CLIP_SIZE[0], "height": _CLIP_SIZE[1],
             "fps": float(_CLIP_FPS), "frame_count": frames, "duration": frames / _CLIP_FPS}
            if video
            else {"file": media_file, "mime_type": "image/png", "width": _IMAGE_SIZE[0], "height": _IMAGE_SIZE[1]}
        )
        rng = random.Random(seed)
        with store.transaction():
            store.put_ontology(ONTOLOGY_HASH, ONTOLOGY_TITLE, ONTOLOGY_STRUCTURE, created_at="2024-03-01 09:00:00")
            store.put_dataset(dataset, f"{title} data", created_at="2024-03-01 09:00:00")
            store.put_project(
                project, title, ontology_hash=ONTOLOGY_HASH, creator_email=s.ANNOTATOR,
                created_at="2024-03-01 09:00:00", last_edited_at="2024-03-01 09:00:00",
                stages=[
                    {"uuid": demo_uuid(f"{key}/annotate"), "title": "Annotate", "stage_type": "ANNOTATION"},
                    {"uuid": demo_uuid(f"{key}/review"), "title": "Review", "stage_type": "REVIEW"},
                    {"uuid": demo_uuid(f"{key}/complete"), "title": "Complete", "stage_type": "DONE"},
                ],
            )
            store.add_dataset_to_project(project, dataset)
            for index in range(rows):
                store.put_data_unit(
                    demo_uuid(f"{key}/data/{index}"), dataset_hash=dataset,
                    title=f"synthetic-{index:06d}.{'mp4' if video else 'png'}",
                    data_type="VIDEO" if video else "IMAGE", media=[{**media, "title": None}],
                    created_at="2024-03-01 09:00:00",
                )
            for info in store.list_label_rows(project):
                row = f"{key}/{info.data_hash}"
                label_hash = demo_uuid(f"{row}/label")
                units = store.media_of(info.data_hash)
                blurb = empty_blurb(info, units, label_hash=label_hash, created_at="2024-03-01 09:00:00")
                labels = _labels(rng, row, frames, objects_per_frame)
                store.create_label_row(project, info.data_hash, label_hash=label_hash,
                                       blurb=fill_blurb(blurb, labels), created_at="2024-03-01 09:00:00",
                                       last_edited_at="2024-03-02 09:00:00")
    finally:
        if own:
            store.close()
    return SyntheticProject(project, title, rows, frames, objects_per_frame, store.path)
