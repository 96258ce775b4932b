"""Attribute answers and the three answer maps of a label row (static, dynamic, classification)."""

from __future__ import annotations

from typing import Any, Union

from pydantic import Field, StrictBool, StrictFloat, StrictInt, StrictStr

from ._base import CamelModel

#: An inclusive ``[start, end]`` frame range.
FrameRange = tuple[int, int]


class OptionAnswer(CamelModel):
    """A chosen radio or checklist option: the option's ``featureHash`` (name/value are informative)."""

    feature_hash: str
    name: str | None = None
    value: str | None = None


class AttributeAnswer(CamelModel):
    """The answer to one attribute; ``feature_hash`` names the ontology attribute.

    ``answers`` is a list of :class:`OptionAnswer` (radio: one, checklist: any), a string (text) or
    a number (numeric). Nested attributes are flat siblings in the same list.

    Example:
        >>> AttributeAnswer(feature_hash="FaSize01", answers=23).answers
        23
    """

    feature_hash: str
    name: str | None = None
    value: str | None = None
    answers: Union[list[OptionAnswer], StrictStr, StrictInt, StrictFloat, StrictBool, None] = None
    manual_annotation: bool = True


class DynamicAnswer(AttributeAnswer):
    """One entry of ``object_actions``: an attribute's answer over frame ranges of a track."""

    range: list[FrameRange] = Field(default_factory=list)
    dynamic: bool = True
    should_propagate: bool = False
    track_hash: str | None = None
    space_id: str | None = None


def merge_attribute_answers(answers: list[AttributeAnswer]) -> dict[str, AttributeAnswer]:
    """Group answers by attribute hash, joining checklist answers that the editor split over several entries."""
    merged: dict[str, AttributeAnswer] = {}
    for answer in answers:
        seen = merged.get(answer.feature_hash)
        if seen is not None and isinstance(seen.answers, list) and isinstance(answer.answers, list):
            known = {o.feature_hash for o in seen.answers}
            extra = [o for o in answer.answers if o.feature_hash not in known]
            merged[answer.feature_hash] = seen.model_copy(update={"answers": [*seen.answers, *extra]})
        elif seen is None:
            merged[answer.feature_hash] = answer
    return merged


class ObjectAnswer(CamelModel):
    """Static attribute answers of one object (an ``object_answers`` entry).

    Example:
        >>> ObjectAnswer(object_hash="objBox01").classifications
        []
    """

    object_hash: str
    classifications: list[AttributeAnswer] = Field(default_factory=list)
    object_number: StrictInt | None = None

    def answers_by_attribute(self) -> dict[str, AttributeAnswer]:
        """The answers keyed by attribute hash, split checklists merged."""
        return merge_attribute_answers(self.classifications)


class ObjectActions(CamelModel):
    """Dynamic attribute answers of one object track (an ``object_actions`` entry)."""

    object_hash: str
    actions: list[DynamicAnswer] = Field(default_factory=list)


class _AnnotationInfo(CamelModel):
    """Who made an annotation, when, and how sure: shared by frame objects and classifications."""

    created_at: str | None = None
    created_by: str | None = None
    last_edited_at: str | None = None
    last_edited_by: str | None = None
    confidence: float = 1.0
    manual_annotation: bool = True


class ClassificationAnswer(_AnnotationInfo):
    """A classification instance (a ``classification_answers`` entry).

    ``feature_hash`` names the ontology classification; the inner ``classifications`` hold the
    attribute answers. ``range`` lists inclusive frame ranges (empty for global classifications).

    Example:
        >>> ClassificationAnswer(classification_hash="c1", feature_hash="CcScene1", range=[(0, 4)]).range
        [(0, 4)]
    """

    classification_hash: str
    feature_hash: str | None = None
    classifications: list[AttributeAnswer] = Field(default_factory=list)
    range: list[FrameRange] | None = None
    spaces: dict[str, Any] | None = None


class FrameClassification(_AnnotationInfo):
    """Legacy per-frame classification entry in ``labels.classifications`` (read; never written)."""

    classification_hash: str
    feature_hash: str | None = None
    name: str | None = None
    value: str | None = None
