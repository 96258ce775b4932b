"""From pydantic's validation report to the one typed error of bad Encord JSON."""

from __future__ import annotations

import json
from typing import Any, TypeVar, Union

from pydantic import BaseModel, ValidationError

from ..exceptions import LabelFormatError
from ._enums import Shape

M = TypeVar("M", bound=BaseModel)


def validate_wire(model: type[M], data: Union[bytes, str, dict], what: str) -> M:
    """Validate JSON bytes/str (one fast pass) or a decoded dict; bad data raises LabelFormatError."""
    try:
        return model.model_validate(data) if isinstance(data, dict) else model.model_validate_json(data)
    except ValidationError as error:
        raise label_format_error(error, data, what=what) from None


def label_format_error(
    error: ValidationError, raw: Any, *, what: str, label_hash: str | None = None, prefix: tuple = ()
) -> LabelFormatError:
    """Turn pydantic's report into one LabelFormatError that names the row, the object (or ontology element) and the field."""
    details = error.errors(include_url=False)
    # Unions report every branch; the deepest location is the one that went furthest into the data.
    first = max(details, key=lambda d: len(d["loc"]))
    if isinstance(raw, (bytes, str)):
        try:
            raw = json.loads(raw)
        except ValueError:
            return LabelFormatError(f"{what} is not valid JSON: {first['msg']}", label_hash=label_hash)
    if label_hash is None and isinstance(raw, dict) and isinstance(raw.get("label_hash"), str):
        label_hash = raw["label_hash"]
    path, object_hash, node = list(prefix), None, raw
    loc = first["loc"]
    for position, step in enumerate(loc):
        if isinstance(node, dict) and str(step) in node:
            node = node[str(step)]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        elif position == len(loc) - 1 and isinstance(node, dict):
            path.append(str(step))  # the key that is missing
            break
        else:
            continue  # a union branch or model tag, not a key of the data
        path.append(str(step))
        if isinstance(node, dict):
            object_hash = node.get("objectHash") or node.get("classificationHash") or node.get("featureNodeHash") or object_hash
    message = first["msg"]
    if first["type"] == "union_tag_invalid":
        # pydantic lists every known tag; naming the bad one and the valid shapes reads better.
        message = f"unknown shape {first['ctx']['tag']!r} (known: {', '.join(s.value for s in Shape)})"
        path.append("shape")
    if object_hash is None and len(path) >= 2 and path[0] in ("object_answers", "object_actions", "classification_answers"):
        object_hash = path[1]
    return LabelFormatError(
        f"{what} does not fit the Encord format: {message}",
        label_hash=label_hash,
        object_hash=object_hash,
        field=".".join(path) or None,
    )
