"""Builders for label JSON in the form SDK 0.1.211 writes (frame objects, answers, ranges).

Geometry goes in normalised (0..1) and comes out as the wire dicts; names, colours and values
come from the demo ontology so no label can disagree with it by accident.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from encord_nb.models import rle_encode

from ._ontology import ONTOLOGY_STRUCTURE, classification_of, node

ANNOTATOR = "annotator@example.com"
REVIEWER = "reviewer@example.com"
MODEL = "model@example.com"
LABEL_DATE = "Tue, 05 Mar 2024 10:15:00 UTC"
EDIT_DATE = "Wed, 06 Mar 2024 16:40:00 UTC"


def short_hash(seed: str) -> str:
    """A deterministic 8-character base64 hash (the shape of Encord object hashes; may hold + and /)."""
    return base64.b64encode(hashlib.sha256(seed.encode()).digest()[:6]).decode()


def _value(name: str) -> str:
    return name.lower().replace(" ", "_")


def frame_object(
    class_name: str,
    object_hash: str,
    geometry: dict[str, Any],
    *,
    confidence: float = 1.0,
    manual: bool = True,
    author: str | None = ANNOTATOR,
) -> dict[str, Any]:
    """One frame object: ontology-derived name/colour/shape, then the geometry key(s)."""
    feature = node(class_name)
    entry: dict[str, Any] = {
        "name": feature["name"],
        "color": feature["color"],
        "shape": feature["shape"],
        "value": _value(feature["name"]),
        "createdAt": LABEL_DATE,
        "createdBy": author,
        "confidence": confidence,
        "objectHash": object_hash,
        "featureHash": feature["featureNodeHash"],
        "manualAnnotation": manual,
        "lastEditedAt": EDIT_DATE,
    }
    if author is not None:
        entry["lastEditedBy"] = author
    entry.update(geometry)
    return entry


def _r(v: float) -> float:
    return round(float(v), 4)


def box(x: float, y: float, w: float, h: float) -> dict[str, Any]:
    return {"boundingBox": {"h": _r(h), "w": _r(w), "x": _r(x), "y": _r(y)}}


def rotated_box(x: float, y: float, w: float, h: float, theta: float) -> dict[str, Any]:
    return {"rotatableBoundingBox": {"h": _r(h), "w": _r(w), "x": _r(x), "y": _r(y), "theta": float(theta)}}


def polygon(*rings: Sequence[tuple[float, float]]) -> dict[str, Any]:
    """One polygon (first ring the outline, further rings holes): legacy ``polygon`` plus ``polygons``."""
    first = rings[0]
    return {
        "polygon": {str(i): {"x": _r(x), "y": _r(y)} for i, (x, y) in enumerate(first)},
        "polygons": [[[_r(c) for point in ring for c in point] for ring in rings]],
    }


def polyline(points: Sequence[tuple[float, float]]) -> dict[str, Any]:
    return {"polyline": {str(i): {"x": _r(x), "y": _r(y)} for i, (x, y) in enumerate(points)}}


def point(x: float, y: float) -> dict[str, Any]:
    return {"point": {"0": {"x": _r(x), "y": _r(y)}}}


def bitmask(mask: np.ndarray) -> dict[str, Any]:
    height, width = mask.shape
    return {"bitmask": {"top": 0, "left": 0, "height": int(height), "width": int(width), "rleString": rle_encode(mask)}}


def skeleton(points: dict[str, tuple[float, float, str]]) -> dict[str, Any]:
    """Skeleton vertices in template order: vertex name -> (x, y, visibility)."""
    vertices = ONTOLOGY_STRUCTURE["skeleton_templates"][0]["template"]["skeleton"]
    out = {}
    for index, vertex in vertices.items():
        x, y, visibility = points[vertex["name"]]
        out[index] = {
            "x": _r(x),
            "y": _r(y),
            "name": vertex["name"],
            "color": vertex["color"],
            "featureHash": vertex["featureHash"],
            "value": vertex["value"],
            "visibility": visibility,
        }
    return {"skeleton": out}


def answer(attribute: str, value: Any) -> dict[str, Any]:
    """An attribute answer: ``value`` is an option name (radio), a list of option names (checklist),
    or the text/number itself."""
    feature = node(attribute)
    if feature["type"] == "radio":
        answers: Any = [_option_answer(value)]
    elif feature["type"] == "checklist":
        answers = [_option_answer(v) for v in value]
    else:
        answers = value
    return {
        "name": feature["name"],
        "value": _value(feature["name"]),
        "answers": answers,
        "featureHash": feature["featureNodeHash"],
        "manualAnnotation": True,
    }


def _option_answer(label: str) -> dict[str, Any]:
    option = node(label)
    return {"name": option["label"], "value": option["value"], "featureHash": option["featureNodeHash"]}


def object_answer(object_hash: str, *answers: dict[str, Any]) -> dict[str, Any]:
    return {"classifications": list(answers), "objectHash": object_hash}


def dynamic_answer(attribute: str, value: str, ranges: list[list[int]]) -> dict[str, Any]:
    entry = answer(attribute, value)
    return {
        "name": entry["name"],
        "value": entry["value"],
        "featureHash": entry["featureHash"],
        "answers": entry["answers"],
        "manualAnnotation": True,
        "dynamic": True,
        "range": ranges,
        "shouldPropagate": False,
    }


def classification(
    classification_hash: str,
    attribute: str,
    value: Any,
    ranges: list[list[int]],
    *extra_answers: dict[str, Any],
    confidence: float = 1.0,
    manual: bool = True,
) -> dict[str, Any]:
    """A classification instance for ``classification_answers`` (global ones take ``ranges=[]``)."""
    top = classification_of(attribute)
    return {
        "classifications": [answer(attribute, value), *extra_answers],
        "classificationHash": classification_hash,
        "featureHash": top["featureNodeHash"],
        "spaces": {},
        "range": ranges,
        "createdBy": ANNOTATOR if manual else MODEL,
        "createdAt": LABEL_DATE,
        "lastEditedBy": ANNOTATOR if manual else MODEL,
        "lastEditedAt": EDIT_DATE,
        "confidence": confidence,
        "manualAnnotation": manual,
    }
