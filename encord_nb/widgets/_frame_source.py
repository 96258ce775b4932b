"""A label row's frames as the explorers need them: the picture, the annotations, the objects behind them.

:class:`RowFrames` wraps a client ``LabelRowV2`` (initialising it on first use), reads its labels through
the wire models (one JSON decode, frames typed on demand) and fetches frame pictures through the
client's media layer (cached, re-signed, video frames decoded). Explorers and the gallery share it.
Looking never writes: a row never labelled is shown from ``get_data`` links, not initialised (which
would create a label row on the server).
"""

from __future__ import annotations

import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Iterable

import requests
from PIL import Image

from encord_nb.models import (
    FrameObject,
    LazyLabelRow,
    OntologyStructure,
    parse_label_row_lazy,
)
from encord_nb.client.media import MediaFetcher, MediaRef
from encord_nb.render import Annotation, annotations_from_frame

#: Threads that open neighbouring rows ahead of time (frame pictures are prefetched by the media layer).
ROW_PREFETCH_WORKERS = 2

_prefetch_pool: ThreadPoolExecutor | None = None
_shared_media: MediaFetcher | None = None
_project_media: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_pool_lock = threading.Lock()


def prefetch_pool() -> ThreadPoolExecutor:
    """The one shared background pool that opens rows ahead of time (created on first use)."""
    global _prefetch_pool
    with _pool_lock:
        if _prefetch_pool is None:
            _prefetch_pool = ThreadPoolExecutor(ROW_PREFETCH_WORKERS, thread_name_prefix="encord-nb-prefetch")
        return _prefetch_pool


def _models_ontology(row: Any) -> OntologyStructure:
    structure = row.ontology_structure
    if isinstance(structure, OntologyStructure):
        return structure
    model = getattr(structure, "model", None)  # our client's ontology wraps the wire model
    if isinstance(model, OntologyStructure):
        return model
    return OntologyStructure.model_validate(structure.to_dict())


def _models_row(row: Any) -> LazyLabelRow:
    # Our client keeps the labels it read as a lazy wire model: reuse it unless edits are pending.
    lazy = getattr(row, "_lazy", None)
    if isinstance(lazy, LazyLabelRow) and getattr(row, "has_unsaved_changes", True) is False:
        return lazy
    return parse_label_row_lazy(row.to_encord_dict())


def _picture_only(row: Any, project: Any) -> LazyLabelRow:
    """A label-free row of an unlabelled data unit: its pictures' signed links from ``get_data``, no labels."""
    video, images = project.get_data(row.data_hash, get_signed_url=True)
    units: dict[str, dict[str, Any]] = {}
    if video is not None:
        units[row.data_hash] = {"data_hash": row.data_hash, "data_title": video.title or row.data_title or "",
                                "data_type": "video", "data_link": video.file_link, "labels": {}}
    for sequence, image in enumerate(images or []):
        image_hash = image.image_hash or row.data_hash
        units[image_hash] = {"data_hash": image_hash, "data_title": image.title or "", "data_type": "image",
                             "data_sequence": sequence, "data_link": image.file_link,
                             "labels": {"objects": [], "classifications": []}}
    kind = row.data_type
    return parse_label_row_lazy({"data_hash": row.data_hash, "data_title": row.data_title,
                                 "data_type": str(getattr(kind, "value", kind)), "data_units": units})


def _project_of(row: Any) -> Any:
    return getattr(row, "project", None) or getattr(row, "_project", None)


def media_for(row: Any) -> MediaFetcher:
    """The media fetcher for ``row``: its project's (pooled session, re-signing), else a shared plain one.

    Rows of other SDK-like clients (the official SDK in benchmarks) get the shared fetcher, which
    cannot re-sign expired links.
    """
    global _shared_media
    project = _project_of(row)
    found = getattr(project, "media", None) or getattr(row, "media", None)
    if isinstance(found, MediaFetcher):
        return found
    with _pool_lock:
        if project is not None and hasattr(project, "_resign_media") and hasattr(project, "_session"):
            fetcher = _project_media.get(project)
            if fetcher is None:
                owner = weakref.ref(project)  # the fetcher must not keep its project (the cache's key) alive

                def resign(data_hash: str, image_hash: str) -> str:
                    return owner()._resign_media(data_hash, image_hash)

                fetcher = _project_media[project] = MediaFetcher(
                    project._session, resign=resign, settings=getattr(project, "_requests_settings", None)
                )
            return fetcher
        if _shared_media is None:
            _shared_media = MediaFetcher(requests.Session())
        return _shared_media


@dataclass(frozen=True)
class FrameInfo:
    """Where one frame's picture comes from."""

    frame: int
    image_hash: str
    link: str | None
    title: str
    width: int | None
    height: int | None
    is_video: bool


class RowFrames:
    """One label row's frames: pictures (cached, prefetchable) and annotations per frame.

    Args:
        row: a client ``LabelRowV2`` (initialised here when it is not yet).
        media: the media fetcher; defaults to the one of the client the row came from.

    Example:
        >>> frames = RowFrames(row)                 # doctest: +SKIP
        >>> frames.frame_count, [a.class_name for a in frames.annotations(0)]  # doctest: +SKIP
        (1, ['Cat face', 'Eye', 'Eye'])
    """

    def __init__(self, row: Any, media: MediaFetcher | None = None):
        self.row = row
        project = _project_of(row)
        if row.label_hash is None and not row.is_labelling_initialised and hasattr(project, "get_data"):
            self.labels = _picture_only(row, project)  # looking must not create a label row on the server
        else:
            if not row.is_labelling_initialised:
                row.initialise_labels(include_signed_url=True)
            self.labels = _models_row(row)
        self.ontology = _models_ontology(row)
        self.media = media or media_for(row)
        self.fps = getattr(row, "fps", None)
        self._annotations: dict[int, list[Annotation]] = {}
        units = sorted(self.labels.data_units.values(), key=lambda u: u.frame_index)
        self._units = units
        self.is_video = len(units) == 1 and str(units[0].data_type).startswith("video")
        count = getattr(row, "number_of_frames", None) or 0
        self.frame_count = max(int(count), 1 if self.is_video else len(units), 1)

    @property
    def title(self) -> str:
        """The row's data title."""
        return self.row.data_title or ""

    def info(self, frame: int) -> FrameInfo:
        """Where ``frame``'s picture comes from (the video for every frame of a video)."""
        if self.is_video:
            unit = self._units[0]
        else:
            unit = next((u for u in self._units if u.frame_index == frame), None)
            if unit is None:
                unit = self._units[min(max(frame, 0), len(self._units) - 1)]
        image_hash = self.row.data_hash if self.is_video or len(self._units) == 1 else unit.data_hash
        return FrameInfo(frame, image_hash, unit.data_link, unit.data_title, unit.width, unit.height, self.is_video)

    def clamp(self, frame: int) -> int:
        """``frame`` kept within the row's frames."""
        return min(max(int(frame), 0), self.frame_count - 1)

    # ------------------------------------------------------------------ pictures

    def _ref(self, frame: int) -> MediaRef:
        info = self.info(frame)
        return MediaRef(self.row.data_hash, info.image_hash, info.link)

    def cached(self, frame: int) -> bool:
        """Whether ``frame``'s picture is in memory."""
        if self.is_video:
            return False
        return self._ref(frame).key in self.media.images

    def image(self, frame: int) -> Image.Image:
        """``frame``'s picture, upright RGB and display-sized (from memory after the first fetch)."""
        info = self.info(frame)
        if self.is_video:
            picture = self.media.get_video_frame(self.row.data_hash, info.link, frame, self.fps)
        else:
            picture = self.media.get_image(self.row.data_hash, info.image_hash, info.link)
        return picture if picture.mode == "RGB" else picture.convert("RGB")

    def prefetch(self, frames: Iterable[int]) -> None:
        """Fetch these frames in the background (failures are left for the foreground fetch to show)."""
        wanted = [f for f in frames if 0 <= f < self.frame_count]
        if not wanted:
            return
        if self.is_video:
            self.media.prefetch_video_frames(self.row.data_hash, self.info(0).link, wanted, self.fps)
        else:
            self.media.prefetch(self._ref(f) for f in wanted)

    # ------------------------------------------------------------------ labels

    def annotations(self, frame: int) -> list[Annotation]:
        """The drawable objects of ``frame``, in drawing order."""
        found = self._annotations.get(frame)
        if found is None:
            found = annotations_from_frame(self.labels.frame_labels(frame), self.ontology, self.labels.object_answers)
            self._annotations[frame] = found
        return found

    def frame_object(self, frame: int, object_hash: str) -> FrameObject | None:
        """The wire object behind an annotation (who edited it, its reviews, ...)."""
        labels = self.labels.frame_labels(frame)
        if labels is None:
            return None
        return next((o for o in labels.objects if o.object_hash == object_hash), None)

    def class_names(self) -> list[str]:
        """Names of the ontology's object classes, in ontology order."""
        return [o.name for o in self.ontology.objects if o.name]
