"""The render-side annotation record and how it is built from the wire models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from encord_nb.models import (
    AttributeAnswer,
    AttributeType,
    FrameLabels,
    ObjectActions,
    ObjectAnswer,
    OntologyStructure,
    OtherShapeObject,
    Shape,
    merge_attribute_answers,
)

from ._colour import Colour, parse_colour

#: Colour of an object whose ontology class has no colour.
FALLBACK_COLOUR: Colour = (255, 0, 255)


@dataclass(frozen=True)
class Annotation:
    """One object on one frame, as painters, matching and hit-testing see it.

    Geometry stays in normalised models objects; painters convert it at the size they draw.

    Attributes:
        object_hash: the instance (same hash on every frame of a track).
        class_name: the ontology class name.
        feature_hash: the ontology class hash.
        shape: the geometry kind.
        coordinates: the models geometry (:class:`~encord_nb.models.BoundingBox`, ...).
        colour: the ontology colour as ``(r, g, b)``.
        confidence: 0..1, 1 for manual labels.
        manual: ``False`` for labels made by a model.
        created_by: the annotator's e-mail, if known.
        attributes: attribute name -> answer text, for labels.
        skeleton_edges: vertex index pairs of the skeleton template (skeletons only).

    Example:
        >>> from encord_nb.models import BoundingBox
        >>> Annotation("o1", "Cat", "F1", Shape.BOUNDING_BOX, BoundingBox(x=0, y=0, w=0.5, h=0.5)).colour
        (255, 0, 255)
    """

    object_hash: str
    class_name: str
    feature_hash: str
    shape: Shape
    coordinates: Any
    colour: Colour = FALLBACK_COLOUR
    confidence: float = 1.0
    manual: bool = True
    created_by: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    skeleton_edges: tuple[tuple[int, int], ...] = ()
    #: Pixel shapes already converted, by image size (painting the same frame again skips the conversion).
    _pixels: dict = field(default_factory=dict, init=False, repr=False, compare=False)


def _answer_text(answer: AttributeAnswer) -> str:
    value = answer.answers
    if isinstance(value, list):
        return ", ".join(option.name or option.value or option.feature_hash for option in value)
    return "" if value is None else str(value)


def _attribute_texts(
    object_answer: ObjectAnswer | None, ontology: OntologyStructure
) -> dict[str, str]:
    if object_answer is None:
        return {}
    texts: dict[str, str] = {}
    for feature_hash, answer in merge_attribute_answers(object_answer.classifications).items():
        attribute = ontology.attribute(feature_hash)
        name = attribute.name if attribute is not None else (answer.name or feature_hash)
        if attribute is not None and attribute.type is AttributeType.CHECKLIST and not answer.answers:
            continue
        text = _answer_text(answer)
        if text:
            texts[name] = text
    return texts


def _dynamic_texts(actions: ObjectActions | None, frame: int | None, ontology: OntologyStructure) -> dict[str, str]:
    if actions is None or frame is None:
        return {}
    current = [a for a in actions.actions if any(start <= frame <= end for start, end in a.range)]
    return _attribute_texts(ObjectAnswer(object_hash=actions.object_hash, classifications=current), ontology)


def annotations_from_frame(
    frame_labels: FrameLabels | None,
    ontology: OntologyStructure,
    object_answers: Mapping[str, ObjectAnswer] | None = None,
    object_actions: Mapping[str, ObjectActions] | None = None,
    frame: int | None = None,
) -> list[Annotation]:
    """Build the annotations of one frame, in drawing order, from wire models.

    Colours and skeleton edges come from the ontology (the object's own colour when the class is
    unknown there); attribute texts from ``object_answers`` (static answers) and, for ``frame``,
    from ``object_actions`` (dynamic answers whose range holds that frame): pass a label row's
    maps. Shapes this toolkit does not draw (circles, cuboids, ...) and deleted objects are left out.

    Example:
        >>> from encord_nb.models import FrameLabels
        >>> annotations_from_frame(FrameLabels(), OntologyStructure())
        []
    """
    if frame_labels is None:
        return []
    out: list[Annotation] = []
    for obj in frame_labels.objects:
        if isinstance(obj, OtherShapeObject) or obj.is_deleted:
            continue
        cls = ontology.object(obj.feature_hash)
        name = cls.name if cls is not None else (obj.name or obj.value or obj.feature_hash)
        colour_text = (cls.color if cls is not None else None) or obj.color
        edges: tuple[tuple[int, int], ...] = ()
        if obj.shape is Shape.SKELETON:
            template = ontology.skeleton_template(obj.feature_hash)
            edges = tuple(template.edges) if template is not None else ()
        out.append(
            Annotation(
                object_hash=obj.object_hash,
                class_name=name,
                feature_hash=obj.feature_hash,
                shape=obj.shape,
                coordinates=obj.coordinates,
                colour=parse_colour(colour_text) if colour_text else FALLBACK_COLOUR,
                confidence=obj.confidence,
                manual=obj.manual_annotation,
                created_by=obj.created_by,
                attributes={
                    **_attribute_texts((object_answers or {}).get(obj.object_hash), ontology),
                    **_dynamic_texts((object_actions or {}).get(obj.object_hash), frame, ontology),
                },
                skeleton_edges=edges,
            )
        )
    return out

