"""Attribute answers shared by object and classification instances, and the frame-set helper.

Answers are kept in their wire form (a list of attribute-answer dicts, as in ``object_answers``) so
an untouched instance writes back exactly what it read; reading turns them into the SDK's values
(an :class:`Option`, a list of options, text or a number).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Union

from encord_nb.exceptions import UsageError

from ._ontology import Attribute, ChecklistAttribute, NumericAttribute, Option, RadioAttribute, TextAttribute, _Element, _snake


@dataclass(frozen=True)
class Range:
    """An inclusive frame range, as the SDK's ``Range``."""

    start: int
    end: int


Frames = Union[int, Range, Iterable[Union[int, Range]]]


def frame_set(frames: Frames) -> list[int]:
    """The frames named by an int, a :class:`Range`, or a list of them, ascending and unique."""
    if isinstance(frames, bool):
        raise UsageError("Frames are ints or Range objects, not booleans.")
    if isinstance(frames, int):
        return [frames]
    if isinstance(frames, Range):
        return list(range(frames.start, frames.end + 1))
    found: set[int] = set()
    for item in frames:
        found.update(frame_set(item))
    if any(f < 0 for f in found):
        raise UsageError("Frame numbers start at 0.")
    return sorted(found)


def ranges_of(frames: Iterable[int]) -> list[list[int]]:
    """Consecutive frames joined into inclusive ``[start, end]`` ranges."""
    ranges: list[list[int]] = []
    for frame in sorted(set(frames)):
        if ranges and frame == ranges[-1][1] + 1:
            ranges[-1][1] = frame
        else:
            ranges.append([frame, frame])
    return ranges


def _attributes_under(element: _Element) -> list[Attribute]:
    return [e for e in element._walk() if isinstance(e, Attribute)]


def resolve_attribute(owner: _Element, answer: Any, attribute: Attribute | None) -> Attribute:
    """The attribute an answer belongs to: given, or found from the option(s) answered."""
    if attribute is None:
        option = answer[0] if isinstance(answer, list) and answer else answer
        if isinstance(option, Option):
            attribute = option.parent
        else:
            raise UsageError("Pass `attribute=` for a text or numeric answer (only options name their attribute).")
    if attribute not in _attributes_under(owner):
        raise UsageError(f"{attribute!r} is not an attribute of {owner!r}.")
    return attribute


def answer_to_wire(attribute: Attribute, answer: Any) -> dict[str, Any]:
    """The wire form of one attribute answer, as the SDK writes it."""
    if isinstance(attribute, RadioAttribute):
        if not isinstance(answer, Option) or answer.parent != attribute:
            raise UsageError(f"{attribute!r} takes one of its own options as the answer.")
        answers: Any = [_option_wire(answer)]
    elif isinstance(attribute, ChecklistAttribute):
        options = list(answer) if isinstance(answer, (list, tuple, set)) else [answer]
        if not all(isinstance(o, Option) and o.parent == attribute for o in options):
            raise UsageError(f"{attribute!r} takes a list of its own options as the answer.")
        answers = [_option_wire(o) for o in options]
    elif isinstance(attribute, TextAttribute):
        if not isinstance(answer, str):
            raise UsageError(f"{attribute!r} takes a string as the answer.")
        answers = answer
    elif isinstance(attribute, NumericAttribute):
        if isinstance(answer, bool) or not isinstance(answer, (int, float)):
            raise UsageError(f"{attribute!r} takes a number as the answer.")
        answers = answer
    else:  # pragma: no cover - every attribute kind is listed above
        raise UsageError(f"Unsupported attribute {attribute!r}.")
    return {
        "name": attribute.name,
        "value": _snake(attribute.name),
        "answers": answers,
        "featureHash": attribute.feature_node_hash,
        "manualAnnotation": True,
    }


def _option_wire(option: Option) -> dict[str, Any]:
    return {"name": option.label, "value": option.value, "featureHash": option.feature_node_hash}


def answer_from_wire(attribute: Attribute, entries: list[dict[str, Any]]) -> Any:
    """The SDK value of an attribute from its wire entries (checklists may be split over several)."""
    if isinstance(attribute, (RadioAttribute, ChecklistAttribute)):
        chosen: list[Option] = []
        by_hash = {o.feature_node_hash: o for o in attribute.options}
        for entry in entries:
            for item in entry.get("answers") or []:
                option = by_hash.get(item.get("featureHash")) if isinstance(item, dict) else None
                if option is not None and option not in chosen:
                    chosen.append(option)
        if isinstance(attribute, RadioAttribute):
            return chosen[0] if chosen else None
        return chosen
    for entry in entries:
        if entry.get("answers") is not None:
            return entry["answers"]
    return None


class AnswerStore:
    """Static answers of one instance, kept as wire entries in read order."""

    def __init__(self, entries: list[dict[str, Any]] | None = None):
        self.entries: list[dict[str, Any]] = list(entries or [])
        self.changed = False

    def entries_for(self, feature_hash: str) -> list[dict[str, Any]]:
        return [e for e in self.entries if e.get("featureHash") == feature_hash]

    def set(self, attribute: Attribute, answer: Any, overwrite: bool) -> None:
        existing = self.entries_for(attribute.feature_node_hash)
        if existing and not overwrite:
            raise UsageError(f"{attribute!r} is already answered; pass overwrite=True to replace the answer.")
        wire = answer_to_wire(attribute, answer)
        self.entries = [e for e in self.entries if e.get("featureHash") != attribute.feature_node_hash] + [wire]
        self.changed = True

    def delete(self, attribute: Attribute) -> None:
        before = len(self.entries)
        self.entries = [e for e in self.entries if e.get("featureHash") != attribute.feature_node_hash]
        self.changed = self.changed or len(self.entries) != before

    def get(self, attribute: Attribute) -> Any:
        return answer_from_wire(attribute, self.entries_for(attribute.feature_node_hash))
