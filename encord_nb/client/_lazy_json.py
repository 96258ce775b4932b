"""Splitting large JSON answers without decoding what is not needed yet.

A video label row is mostly its frames. Here the row's top level and data units are decoded, but
each frame's labels stay encoded (the exact JSON bytes, cut out by msgspec's C scanner) until the
frame is asked for; :mod:`encord_nb.models` validates such a frame straight from its bytes.
"""

from __future__ import annotations

from typing import Any

import msgspec

from encord_nb.exceptions import LabelFormatError, ResponseValidationError

#: Row types whose labels are keyed by frame number (so worth keeping encoded).
FRAME_KEYED_TYPES = frozenset({"video", "dicom", "nifti", "pdf", "scene"})

_FIELDS = dict[str, msgspec.Raw]
_UNITS = dict[str, dict[str, msgspec.Raw]]
_decode = msgspec.json.decode


class _Peek(msgspec.Struct):
    """Only the row's type, read without decoding anything else."""

    data_type: Any = None


_peek_decoder = msgspec.json.Decoder(_Peek)


def _split_frames(raw: msgspec.Raw) -> Any:
    try:
        frames = _decode(raw, type=_FIELDS)
    except msgspec.ValidationError:  # not an object (e.g. null): keep whatever it is
        return _decode(raw)
    return {key: bytes(value) for key, value in frames.items()}


def label_row_from_json(data: bytes | msgspec.Raw) -> dict[str, Any]:
    """A label row from its JSON, with each frame of a frame-keyed row left as its JSON bytes.

    Raises:
        LabelFormatError: the data is not JSON, or not a JSON object.
    """
    try:
        peek = _peek_decoder.decode(data)
        keyed = isinstance(peek.data_type, str) and peek.data_type.lower() in FRAME_KEYED_TYPES
        if not keyed:  # small rows (images, groups): one decoding pass is cheapest
            row = _decode(data)
            if not isinstance(row, dict):
                raise msgspec.ValidationError("a label row is a JSON object")
            return row
        row = {}
        for key, raw in _decode(data, type=_FIELDS).items():
            if key == "data_units":
                try:
                    units = _decode(raw, type=_UNITS)
                except msgspec.ValidationError:
                    row[key] = _decode(raw)
                    continue
                row[key] = {
                    unit_key: {k: (_split_frames(v) if k == "labels" else _decode(v)) for k, v in unit.items()}
                    for unit_key, unit in units.items()
                }
            else:
                row[key] = _decode(raw)
        return row
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise LabelFormatError(f"label row is not a JSON object: {error}") from None


def v1_label_rows(content: bytes) -> tuple[Any, list[dict[str, Any]] | None]:
    """A v1 envelope whose ``response`` is a list of label rows: ``(envelope if error, rows)``.

    Returns the fully decoded envelope and None when it is not a success, so the caller maps the error.
    """
    try:
        envelope = _decode(content, type=_FIELDS)
        if _decode(envelope.get("status", b"null")) != 200 or "response" not in envelope:
            return _decode(content), None
        rows = _decode(envelope["response"], type=list[msgspec.Raw])
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise ResponseValidationError(f"The label-row answer is not the expected JSON: {error}") from None
    return None, [label_row_from_json(row) for row in rows]


def decode_frames(row: dict[str, Any]) -> dict[str, Any]:
    """The row with every still-encoded frame decoded (a new outer structure; the input is kept)."""
    units = row.get("data_units")
    if not isinstance(units, dict) or not any(
        isinstance(unit, dict) and isinstance(unit.get("labels"), dict) and any(isinstance(v, bytes) for v in unit["labels"].values())
        for unit in units.values()
    ):
        return row
    out = dict(row)
    out["data_units"] = {
        key: {**unit, "labels": {k: (_decode(v) if isinstance(v, bytes) else v) for k, v in unit["labels"].items()}}
        if isinstance(unit, dict) and isinstance(unit.get("labels"), dict)
        else unit
        for key, unit in units.items()
    }
    return out


def decode_value(value: Any) -> Any:
    """A frame value decoded if it is still encoded."""
    return _decode(value) if isinstance(value, bytes) else value
