"""Label-row JSON seen as a set of label items (objects and classifications), and diffs between two.

A bulk label transform is previewed as a diff of the row's JSON before and after the user's function:
which objects and classifications were added, removed or changed. Working on the wire JSON (the
label row as ``to_encord_dict()`` writes it) keeps the diff independent of the client's object API and
compares exactly what a save would send.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LabelDiff", "LabelItem", "diff_labels", "has_object", "label_items", "scrub_links"]


@dataclass
class LabelItem:
    """One object or classification instance of a label row, gathered from every frame it appears on.

    Attributes:
        kind: ``"object"`` or ``"classification"``.
        hash: the object hash or classification hash.
        name: the ontology name (e.g. ``"Cat face"``).
        frames: the instance's JSON on each frame, by frame number.
        answers: its entry in ``object_answers`` / ``classification_answers`` (attributes), if any.
        actions: its entry in ``object_actions`` (dynamic attributes), if any.
    """

    kind: str
    hash: str
    name: str
    frames: dict[int, dict[str, Any]] = field(default_factory=dict)
    answers: Any = None
    actions: Any = None

    @property
    def label(self) -> str:
        """A short human name: ``Cat face (objBox01)``."""
        return f"{self.name or self.kind} ({self.hash})"

    @property
    def confidence(self) -> float | None:
        """The lowest confidence over the instance's frames (None when no frame gives one)."""
        values = [f["confidence"] for f in self.frames.values() if isinstance(f.get("confidence"), (int, float))]
        return min(values) if values else None


def _frames_of(unit: Mapping[str, Any]) -> dict[int, Mapping[str, Any]]:
    """A data unit's labels by frame number (an image unit's one frame is its ``data_sequence``)."""
    labels = unit.get("labels") or {}
    if not isinstance(labels, Mapping):
        return {}
    if "objects" in labels or "classifications" in labels:
        try:
            frame = int(unit.get("data_sequence", 0) or 0)
        except (TypeError, ValueError):
            frame = 0
        return {frame: labels}
    out: dict[int, Mapping[str, Any]] = {}
    for key, value in labels.items():
        if isinstance(value, Mapping):
            try:
                out[int(key)] = value
            except (TypeError, ValueError):
                continue
    return out


def label_items(labels: Mapping[str, Any]) -> dict[tuple[str, str], LabelItem]:
    """Every object and classification instance of a label row's JSON, keyed by (kind, hash).

    Example:
        >>> row = {"data_units": {"d": {"labels": {"objects": [
        ...     {"objectHash": "o1", "name": "Cat face", "confidence": 0.4}]}}}}
        >>> item = label_items(row)[("object", "o1")]
        >>> item.label, item.confidence
        ('Cat face (o1)', 0.4)
    """
    items: dict[tuple[str, str], LabelItem] = {}

    def item(kind: str, key: str, name: str) -> LabelItem:
        found = items.get((kind, key))
        if found is None:
            found = items[(kind, key)] = LabelItem(kind, key, name)
        return found

    for unit in (labels.get("data_units") or {}).values():
        if not isinstance(unit, Mapping):
            continue
        for frame, frame_labels in _frames_of(unit).items():
            for obj in frame_labels.get("objects") or []:
                if isinstance(obj, Mapping) and obj.get("objectHash"):
                    item("object", obj["objectHash"], str(obj.get("name", ""))).frames[frame] = dict(obj)
            for cls in frame_labels.get("classifications") or []:
                if isinstance(cls, Mapping) and cls.get("classificationHash"):
                    item("classification", cls["classificationHash"], str(cls.get("name", ""))).frames[frame] = dict(cls)
    # Answers of an instance that no frame shows still count: a transform may leave them behind.
    for key, answer in (labels.get("object_answers") or {}).items():
        item("object", key, "").answers = answer
    for key, answer in (labels.get("classification_answers") or {}).items():
        found = item("classification", key, "")
        found.answers = answer
        if not found.name and isinstance(answer, Mapping):
            # Rows that keep classifications only here (ranges, no frame entries): name them by their question.
            first = next(iter(answer.get("classifications") or []), None)
            found.name = str(first.get("name", "")) if isinstance(first, Mapping) else ""
    for key, actions in (labels.get("object_actions") or {}).items():
        item("object", key, "").actions = actions
    return items


@dataclass(frozen=True)
class LabelDiff:
    """What a label transform changed in one row: labels of the added, removed and changed instances.

    Example:
        >>> before = {"data_units": {"d": {"labels": {"objects": [{"objectHash": "o1", "name": "Cat"}]}}}}
        >>> diff_labels(before, {"data_units": {"d": {"labels": {"objects": []}}}}).removed
        ('Cat (o1)',)
    """

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        """``-2 objects, ~1`` style text for a table cell ("no change" when empty)."""
        parts = [f"{sign}{len(names)}" for sign, names in (("+", self.added), ("-", self.removed), ("~", self.changed)) if names]
        return " ".join(parts) if parts else "no change"


def _same(a: LabelItem, b: LabelItem) -> bool:
    return a.frames == b.frames and (a.answers or None) == (b.answers or None) and (a.actions or None) == (b.actions or None)


def diff_labels(before: Mapping[str, Any], after: Mapping[str, Any]) -> LabelDiff:
    """Compare two JSON forms of one label row, instance by instance."""
    old, new = label_items(before), label_items(after)
    return LabelDiff(
        added=tuple(new[k].label for k in new if k not in old),
        removed=tuple(old[k].label for k in old if k not in new),
        changed=tuple(new[k].label for k in new if k in old and not _same(old[k], new[k])),
    )


def scrub_links(labels: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a label row's JSON without media links (signed URLs carry credentials in their query)."""
    clean = copy.deepcopy(dict(labels))
    for unit in (clean.get("data_units") or {}).values():
        if isinstance(unit, dict) and "data_link" in unit:
            unit["data_link"] = None
    return clean


def has_object(name: str, *, confidence_below: float | None = None) -> Callable[[Any], bool]:
    """A ``where`` predicate over a row's labels: it holds an object named ``name`` (optionally under a confidence).

    The predicate carries ``needs_labels = True``, so :func:`~encord_nb.cells.bulk` initialises each
    row's labels before calling it.

    Example:
        >>> low_cats = has_object("Cat face", confidence_below=0.5)
        >>> low_cats.needs_labels
        True
    """

    def predicate(row: Any) -> bool:
        for item in label_items(row.to_encord_dict()).values():
            if item.kind != "object" or item.name != name:
                continue
            if confidence_below is None or (item.confidence is not None and item.confidence < confidence_below):
                return True
        return False

    predicate.needs_labels = True  # type: ignore[attr-defined]
    below = "" if confidence_below is None else f", confidence < {confidence_below}"
    predicate.__name__ = predicate.__qualname__ = f"has_object({name!r}{below})"
    return predicate
