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

    def set(self, attribute: Attribute, answer: Any, overwrite: bool, manual_annotation: bool = True) -> None:
        existing = self.entries_for(attribute.feature_node_hash)
        if existing and not overwrite:
            raise UsageError(f"{attribute!r} is already answered; pass overwrite=True to replace the answer.")
        wire = answer_to_wire(attribute, answer)
        wire["manualAnnotation"] = manual_annotation
        self.entries = [e for e in self.entries if e.get("featureHash") != attribute.feature_node_hash] + [wire]
        self.changed = True

    def delete(self, attribute: Attribute) -> None:
        before = len(self.entries)
        self.entries = [e for e in self.entries if e.get("featureHash") != attribute.feature_node_hash]
        self.changed = self.changed or len(self.entries) != before

    def get(self, attribute: Attribute) -> Any:
        return answer_from_wire(attribute, self.entries_for(attribute.feature_node_hash))


@dataclass
class AnswerForFrames:
    """One dynamic answer and the inclusive frame ranges that carry it, as the SDK's ``AnswerForFrames``.

    ``ObjectInstance.get_answer`` returns a list of these for a dynamic attribute.

    Example:
        >>> AnswerForFrames("walking", [Range(0, 4), Range(9, 9)]).ranges[1]
        Range(start=9, end=9)
    """

    answer: Any
    ranges: list[Range]


def _answer_key(attribute: Attribute, entry: dict[str, Any]) -> tuple[str, Any]:
    """What makes two dynamic answers the same answer: the attribute and the value (options as a set)."""
    answers = entry.get("answers")
    if isinstance(attribute, (RadioAttribute, ChecklistAttribute)):
        return attribute.feature_node_hash, frozenset(a.get("featureHash") for a in answers or [] if isinstance(a, dict))
    return attribute.feature_node_hash, answers


class DynamicAnswers:
    """Per-frame answers of one object's dynamic attributes, read from and written as ``object_actions``.

    Each frame holds at most one answer per attribute (a checklist's answer is its set of options).
    Distinct answers keep the order they were first given in, as the SDK does; writing lists them in
    reverse, with consecutive frames joined into ranges, because the SDK writes them that way.
    """

    def __init__(self, attributes: list[Attribute], actions: list[dict[str, Any]]):
        self._attributes = {a.feature_node_hash: a for a in attributes if a.dynamic}
        #: attribute feature hash -> frame -> answer key
        self._frames: dict[str, dict[int, tuple[str, Any]]] = {}
        #: answer key -> the answer's wire entry (without its ranges), in first-given order
        self._wire: dict[tuple[str, Any], dict[str, Any]] = {}
        #: entries whose attribute is not a dynamic attribute of the object: written back as read
        self._unknown: list[dict[str, Any]] = []
        self.changed = False
        grouped: dict[str, list[dict[str, Any]]] = {}
        for entry in actions:
            if self._attributes.get(entry.get("featureHash")) is None:
                self._unknown.append(entry)
            else:
                grouped.setdefault(entry["featureHash"], []).append(entry)
        for feature_hash, entries in grouped.items():
            attribute = self._attributes[feature_hash]
            for entry in entries:
                try:
                    self._read(attribute, entry)
                except (UsageError, TypeError, ValueError):
                    self._unknown.append(entry)  # not readable as an answer: kept as it is

    def _read(self, attribute: Attribute, entry: dict[str, Any]) -> None:
        frames = frame_set([Range(start, end) for start, end in entry["range"]])
        if isinstance(attribute, ChecklistAttribute):
            # Split checklist entries (the web app's form) give one answer per frame: their union.
            options = _answer_key(attribute, entry)[1]
            for frame in frames:
                held = options | self._option_hashes(attribute, frame)
                self._assign(attribute, [o for o in attribute.options if o.feature_node_hash in held], [frame])
        else:
            self._assign(attribute, answer_from_wire(attribute, [entry]), frames)

    def _option_hashes(self, attribute: Attribute, frame: int) -> frozenset[str]:
        key = self._frames.get(attribute.feature_node_hash, {}).get(frame)
        return key[1] if key is not None else frozenset()

    def _assign(self, attribute: Attribute, answer: Any, frames: list[int]) -> None:
        wire = answer_to_wire(attribute, answer)  # checks the answer before anything changes
        if isinstance(attribute, ChecklistAttribute):
            chosen = {a["featureHash"] for a in wire["answers"]}
            wire["answers"] = [_option_wire(o) for o in attribute.options if o.feature_node_hash in chosen]  # ontology order, as the SDK
        key = _answer_key(attribute, wire)
        self._wire.setdefault(key, wire)
        by_frame = self._frames.setdefault(attribute.feature_node_hash, {})
        for frame in frames:
            by_frame[frame] = key

    def _forget_unused(self) -> None:
        used = {key for by_frame in self._frames.values() for key in by_frame.values()}
        self._wire = {key: wire for key, wire in self._wire.items() if key in used}

    def frames_of(self, key: tuple[str, Any]) -> list[int]:
        return sorted(f for f, k in self._frames.get(key[0], {}).items() if k == key)

    def set(self, attribute: Attribute, answer: Any, frames: list[int]) -> None:
        self._assign(attribute, answer, frames)
        self._forget_unused()
        self.changed = True

    def get(self, attribute: Attribute, filter_answer: Any = None, filter_frames: list[int] | None = None) -> list[AnswerForFrames]:
        found = []
        for key, wire in self._wire.items():
            if key[0] != attribute.feature_node_hash:
                continue
            value = answer_from_wire(attribute, [wire])
            if filter_answer is not None and value != filter_answer:
                continue
            frames = self.frames_of(key)
            if filter_frames is not None and not set(frames) & set(filter_frames):
                continue  # like the SDK: whole answers that touch the frames, ranges not clipped
            found.append(AnswerForFrames(value, [Range(s, e) for s, e in ranges_of(frames)]))
        return found

    def delete(self, attribute: Attribute, filter_answer: Any = None, filter_frames: list[int] | None = None) -> None:
        by_frame = self._frames.get(attribute.feature_node_hash, {})
        for frame in list(by_frame) if filter_frames is None else filter_frames:
            key = by_frame.get(frame)
            if key is not None and (filter_answer is None or answer_from_wire(attribute, [self._wire[key]]) == filter_answer):
                del by_frame[frame]
                self.changed = True
        self._forget_unused()

    def to_wire(self) -> list[dict[str, Any]]:
        """The ``actions`` list, in the SDK's layout and order."""
        actions = [
            {
                "name": wire["name"],
                "value": wire["value"],
                "featureHash": wire["featureHash"],
                "answers": wire["answers"],
                "manualAnnotation": True,  # the SDK writes every dynamic answer as manual
                "dynamic": True,
                "range": ranges_of(self.frames_of(key)),
                "shouldPropagate": False,
            }
            for key, wire in self._wire.items()
        ]
        return list(reversed(actions)) + self._unknown
