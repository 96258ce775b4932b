"""The label row ("blurb"): data units, answer maps, parsing, lazy frames, dumping.

Reading is one ``model_validate_json`` pass; the only Python-level checks are per data unit (a
bitmask must match its frame size). Errors come out as one :class:`LabelFormatError` naming the
row, the object and the field.
"""

from __future__ import annotations

import json
from typing import Any, Union

from pydantic import Field, PrivateAttr, TypeAdapter, ValidationError

from ..exceptions import LabelFormatError
from ._answers import ClassificationAnswer, FrameRange, ObjectActions, ObjectAnswer
from ._base import WireModel
from ._enums import DataType, Tolerant
from ._errors import label_format_error, validate_wire
from ._metadata import RowIdentity
from ._objects import BitmaskObject, FrameLabels

RawLabelRow = Union[bytes, str, dict]


class _DataUnitBase(WireModel):
    data_hash: str
    data_title: str
    data_type: str  # a MIME type here, e.g. "image/png" or "video/mp4"
    data_sequence: Union[int, str] = 0  # an int, or a numeric string for image groups
    data_link: str | None = None
    width: int | None = None
    height: int | None = None
    data_fps: float | None = None
    data_duration: float | None = None
    metadata: dict[str, Any] | None = None

    @property
    def frame_index(self) -> int:
        """This unit's position in its row (``data_sequence`` as an int): the frame of an image-group image."""
        return int(self.data_sequence)


class DataUnit(_DataUnitBase):
    """One image or video of a label row, with its labels.

    ``labels`` is a :class:`FrameLabels` for images and image-group images, and a dict of frame
    number (as a string) to :class:`FrameLabels` for videos.

    Example:
        >>> unit = DataUnit(data_hash="d", data_title="a.png", data_type="image/png", labels=FrameLabels())
        >>> list(unit.frames())
        [0]
    """

    labels: Union[dict[str, FrameLabels], FrameLabels] = Field(default_factory=dict, union_mode="left_to_right")

    @property
    def is_frame_keyed(self) -> bool:
        """True for video-style labels keyed by frame number."""
        return isinstance(self.labels, dict)

    def frames(self) -> dict[int, FrameLabels]:
        """Labels by frame number (an image unit has one frame: its ``data_sequence``)."""
        if isinstance(self.labels, FrameLabels):
            return {self.frame_index: self.labels}
        return {int(key): value for key, value in self.labels.items()}

    def frame(self, frame: int) -> FrameLabels | None:
        """The labels of one frame, or ``None`` when that frame has none."""
        if isinstance(self.labels, FrameLabels):
            return self.labels if frame == self.frame_index else None
        return self.labels.get(str(frame))


class _LabelRowBase(RowIdentity):
    data_type: Tolerant[DataType]
    is_shadow_data: bool | None = None
    object_answers: dict[str, ObjectAnswer] = Field(default_factory=dict)
    classification_answers: dict[str, ClassificationAnswer] = Field(default_factory=dict)
    object_actions: dict[str, ObjectActions] = Field(default_factory=dict)
    spaces: dict[str, Any] | None = None

    def data_unit_for_frame(self, frame: int) -> Any:
        """The data unit that shows ``frame`` (the single unit of a video or image), or ``None``."""
        units = self.data_units.values()  # type: ignore[attr-defined]
        if self.data_type in (DataType.VIDEO, DataType.IMAGE) and len(units) == 1:
            return next(iter(units))
        return next((u for u in units if u.frame_index == frame), None)

    def _legacy_classification_entries(self) -> list[tuple[int, str]]:
        """``(frame, classificationHash)`` of every legacy per-frame classification entry."""
        raise NotImplementedError

    def classification_frames(self) -> dict[str, list[int]]:
        """Frames of every classification instance: its ``range`` joined with legacy per-frame entries.

        Global classifications (empty range, no frame entries) map to an empty list.
        """
        frames: dict[str, set[int]] = {
            key: {f for start, end in (answer.range or ()) for f in range(start, end + 1)}
            for key, answer in self.classification_answers.items()
        }
        for number, classification_hash in self._legacy_classification_entries():
            frames.setdefault(classification_hash, set()).add(number)
        return {key: sorted(value) for key, value in frames.items()}


class LabelRowBlurb(_LabelRowBase):
    """A full label row as the platform sends it, every frame typed.

    Build with :func:`parse_label_row`; write back with :func:`dump_label_row`.

    Example:
        >>> row = parse_label_row(open("label_row_video.json", "rb").read())  # doctest: +SKIP
        >>> [o.object_hash for o in row.frame_labels(7).objects]               # doctest: +SKIP
        ['objTrk01']
    """

    data_units: dict[str, DataUnit] = Field(default_factory=dict)

    def frame_labels(self, frame: int) -> FrameLabels | None:
        """The labels of one frame (video frame number, or image-group ``data_sequence``)."""
        for unit in self.data_units.values():
            labels = unit.frame(frame)
            if labels is not None:
                return labels
        return None

    def _legacy_classification_entries(self) -> list[tuple[int, str]]:
        return [
            (number, entry.classification_hash)
            for unit in self.data_units.values()
            for number, labels in unit.frames().items()
            for entry in labels.classifications
        ]


class LazyDataUnit(_DataUnitBase):
    """A data unit whose ``labels`` stay raw JSON values until a frame is asked for."""

    labels: dict[str, Any] = Field(default_factory=dict)

    @property
    def is_frame_keyed(self) -> bool:
        """True for video-style labels keyed by frame number."""
        return "objects" not in self.labels and "classifications" not in self.labels

    def frame_numbers(self) -> list[int]:
        """The frames that hold labels, ascending, without validating any of them."""
        if self.is_frame_keyed:
            return sorted(int(key) for key in self.labels)
        return [self.frame_index]

    def encoded_frame(self, frame: int) -> Any:
        """One frame's labels exactly as held: a JSON value, or still-encoded JSON bytes (see :class:`LazyLabelRow`)."""
        if self.is_frame_keyed:
            return self.labels.get(str(frame))
        return self.labels if frame == self.frame_index else None

    def raw_frame(self, frame: int) -> dict[str, Any] | None:
        """The raw JSON value of one frame's labels (encoded frames are decoded, not cached)."""
        return _decoded(self.encoded_frame(frame))


class LazyLabelRow(_LabelRowBase):
    """A label row whose per-frame labels are validated one frame at a time, when first asked for.

    This is the fast path for long videos: reading the row costs about one JSON decode, and
    :meth:`frame_labels` validates (and caches) only the frame requested. A frame's labels may also
    be held still encoded (the JSON text as ``bytes``): it is then validated straight from the bytes,
    and decoded only when dumped or read raw.

    Example:
        >>> row = parse_label_row_lazy(open("label_row_video.json", "rb").read())  # doctest: +SKIP
        >>> row.frame_labels(3).objects[0].coordinates.x                           # doctest: +SKIP
        0.25
    """

    data_units: dict[str, LazyDataUnit] = Field(default_factory=dict)

    _frame_cache: dict[tuple[str, int], FrameLabels | None] = PrivateAttr(default_factory=dict)

    def frame_labels(self, frame: int) -> FrameLabels | None:
        """One frame's labels, validated into typed objects on first access."""
        for key, unit in self.data_units.items():
            cache_key = (key, frame)
            if cache_key in self._frame_cache:
                cached = self._frame_cache[cache_key]
            else:
                raw = unit.encoded_frame(frame)
                where = ("data_units", key, "labels", *((str(frame),) if unit.is_frame_keyed else ()))
                cached = None if raw is None else _validate_frame(raw, unit, self.label_hash, where)
                self._frame_cache[cache_key] = cached
            if cached is not None:
                return cached
        return None

    def _legacy_classification_entries(self) -> list[tuple[int, str]]:
        # Reads only the raw "classifications" lists, so no frame gets validated.
        found = []
        for unit in self.data_units.values():
            for number in unit.frame_numbers():
                encoded = unit.encoded_frame(number)
                if isinstance(encoded, _ENCODED) and b"classificationHash" not in encoded:
                    continue  # an encoded frame without legacy entries needs no decoding
                for entry in (_decoded(encoded) or {}).get("classifications") or ():
                    if isinstance(entry, dict) and isinstance(entry.get("classificationHash"), str):
                        found.append((number, entry["classificationHash"]))
        return found

    def to_blurb(self) -> LabelRowBlurb:
        """Validate every frame and return the fully typed row."""
        return parse_label_row(_dump_lazy(self))


_FRAME_LABELS = TypeAdapter(FrameLabels)


#: Frame values a lazy row may hold still encoded (JSON text as bytes), e.g. split out of a large response.
_ENCODED = (bytes, bytearray)


def _decoded(raw: Any) -> Any:
    return json.loads(bytes(raw)) if isinstance(raw, _ENCODED) else raw


def _dump_lazy(row: LazyLabelRow) -> dict[str, Any]:
    dumped = row.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude={"data_units"})
    if "data_units" in row.model_fields_set:
        units = {}
        for key, unit in row.data_units.items():
            entry = unit.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude={"labels"})
            if "labels" in unit.model_fields_set:
                entry["labels"] = {k: _decoded(v) for k, v in unit.labels.items()}
            units[key] = entry
        dumped["data_units"] = units
    return dumped


def _validate_frame(raw: Any, unit: _DataUnitBase, label_hash: str | None, where: tuple[str, ...]) -> FrameLabels:
    try:
        if isinstance(raw, _ENCODED):
            raw = bytes(raw)
            labels = _FRAME_LABELS.validate_json(raw)
        else:
            labels = _FRAME_LABELS.validate_python(raw)
    except ValidationError as error:
        raise label_format_error(error, raw, what="label row", label_hash=label_hash, prefix=where) from None
    _check_bitmasks(labels, unit, label_hash)
    return labels


def _check_bitmasks(labels: FrameLabels, unit: _DataUnitBase, label_hash: str | None) -> None:
    # Encord masks always cover the whole frame; a mismatch would draw garbage, so refuse it.
    if unit.width is None or unit.height is None:
        return
    for obj in labels.objects:
        if type(obj) is BitmaskObject and (obj.bitmask.width, obj.bitmask.height) != (unit.width, unit.height):
            raise LabelFormatError(
                f"bitmask is {obj.bitmask.width}x{obj.bitmask.height} but its image is {unit.width}x{unit.height};"
                " re-export the mask at the image size",
                label_hash=label_hash,
                object_hash=obj.object_hash,
                field=f"data_units.{unit.data_hash}.bitmask",
            )


def parse_label_row(data: RawLabelRow) -> LabelRowBlurb:
    """Read a label row from JSON bytes, a JSON string or an already decoded dict.

    Example:
        >>> row = parse_label_row(b'{"data_hash": "d", "data_type": "image", "data_units": {}}')
        >>> row.data_type
        <DataType.IMAGE: 'image'>

    Raises:
        LabelFormatError: the data does not fit the format; the error names the row, object and field.
    """
    row = validate_wire(LabelRowBlurb, data, "label row")
    for unit in row.data_units.values():
        for labels in unit.frames().values():
            _check_bitmasks(labels, unit, row.label_hash)
    return row


def parse_label_row_lazy(data: RawLabelRow) -> LazyLabelRow:
    """Read a label row but leave each frame's labels raw until :meth:`LazyLabelRow.frame_labels` asks.

    Raises:
        LabelFormatError: the row-level fields do not fit; frame errors surface when a frame is read.
    """
    return validate_wire(LazyLabelRow, data, "label row")


def _ranges(frames: list[int]) -> list[FrameRange]:
    ranges: list[list[int]] = []
    for frame in frames:
        if ranges and frame == ranges[-1][1] + 1:
            ranges[-1][1] = frame
        else:
            ranges.append([frame, frame])
    return [(start, end) for start, end in ranges]


_INFO_FIELDS = ("created_at", "created_by", "last_edited_at", "last_edited_by", "confidence", "manual_annotation")


def _to_current_form(row: LabelRowBlurb) -> LabelRowBlurb:
    """Move legacy per-frame classification entries into ranged ``classification_answers``."""
    legacy: dict[str, list[Any]] = {}
    for unit in row.data_units.values():
        for labels in unit.frames().values():
            for entry in labels.classifications:
                legacy.setdefault(entry.classification_hash, []).append(entry)
    if not legacy:
        return row
    frames = row.classification_frames()
    answers = dict(row.classification_answers)
    for key, entries in legacy.items():
        answer = answers.get(key)
        if answer is None:
            continue  # an entry without answers carries nothing that can be written
        update: dict[str, Any] = {"range": _ranges(frames[key])}
        for name in _INFO_FIELDS:
            if name not in answer.model_fields_set and name in entries[0].model_fields_set:
                update[name] = getattr(entries[0], name)
        if answer.feature_hash is None and entries[0].feature_hash is not None:
            update["feature_hash"] = entries[0].feature_hash
        copy = answer.model_copy(update=update)
        copy.__pydantic_fields_set__ = answer.model_fields_set | update.keys()
        answers[key] = copy
    units = {}
    for unit_key, unit in row.data_units.items():
        if isinstance(unit.labels, FrameLabels):
            labels: Any = unit.labels.model_copy(update={"classifications": []})
        else:
            labels = {k: v.model_copy(update={"classifications": []}) for k, v in unit.labels.items()}
        units[unit_key] = unit.model_copy(update={"labels": labels})
    return row.model_copy(update={"classification_answers": answers, "data_units": units})


def dump_label_row(row: LabelRowBlurb | LazyLabelRow) -> dict[str, Any]:
    """Write a label row as a JSON-ready dict in the current Encord form.

    Keys that were absent on read stay absent, extra keys come back, and legacy per-frame
    classification entries are folded into ranged ``classification_answers`` (empty
    ``labels.classifications``). A row read in the current form dumps to JSON equal to its input.
    A lazy row is dumped without validating its frames unless it holds legacy entries.

    Example:
        >>> dump_label_row(parse_label_row({"data_hash": "d", "data_type": "image"}))
        {'data_hash': 'd', 'data_type': 'image'}
    """
    if isinstance(row, LazyLabelRow):
        if not row._legacy_classification_entries():
            return _dump_lazy(row)  # frames stay raw
        row = row.to_blurb()
    return _to_current_form(row).model_dump(mode="json", by_alias=True, exclude_unset=True)
