"""The SDK-shaped view of an ontology: objects, classifications, attributes and options.

Each element wraps the wire model (:mod:`encord_nb.models`) it was built from (``.model``) and adds
the SDK's names: ``feature_node_hash``, ``get_child_by_hash``, ``get_child_by_title``,
``create_instance`` and so on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, Union

from encord_nb.exceptions import UsageError
from encord_nb.models import (
    AttributeType,
    OntologyAttribute,
    OntologyClassification,
    OntologyObject,
    OntologyOption,
    Shape,
    parse_ontology,
)
from encord_nb.models import OntologyStructure as OntologyModel

if TYPE_CHECKING:
    from ._classification_instance import ClassificationInstance
    from ._object_instance import ObjectInstance

T = TypeVar("T")


class _Element:
    """Common lookups of every ontology element."""

    model: Any

    @property
    def feature_node_hash(self) -> str:
        return self.model.feature_node_hash

    @property
    def uid(self) -> str | None:
        return self.model.id

    def _children(self) -> list[_Element]:
        return []

    def _walk(self):
        for child in self._children():
            yield child
            yield from child._walk()

    def get_child_by_hash(self, feature_node_hash: str, type_: type[T] | None = None) -> T:
        """The nested element with this feature hash; :class:`UsageError` when there is none."""
        for child in self._walk():
            if child.feature_node_hash == feature_node_hash and (type_ is None or isinstance(child, type_)):
                return child  # type: ignore[return-value]
        raise UsageError(f"No ontology element with feature hash {feature_node_hash!r} under {self!r}.")

    def get_children_by_title(self, title: str, type_: type[T] | None = None) -> list[T]:
        """Every nested element whose name (or option label) is ``title``."""
        return [c for c in self._walk() if c.title == title and (type_ is None or isinstance(c, type_))]  # type: ignore[misc]

    def get_child_by_title(self, title: str, type_: type[T] | None = None) -> T:
        """The one nested element named ``title``; :class:`UsageError` when none or several match."""
        found = self.get_children_by_title(title, type_)
        if len(found) != 1:
            raise UsageError(f"{len(found)} ontology elements are titled {title!r}; expected exactly one.")
        return found[0]

    @property
    def title(self) -> str:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Element) and type(other) is type(self) and other.feature_node_hash == self.feature_node_hash

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.feature_node_hash))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.title!r}, feature_node_hash={self.feature_node_hash!r})"


class _Named(_Element):
    """An element titled by its ``name`` that may be required (attributes and objects)."""

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def title(self) -> str:
        return self.model.name

    @property
    def required(self) -> bool:
        return self.model.required


class Option(_Element):
    """A radio or checklist option; a radio option may nest further attributes."""

    def __init__(self, model: OntologyOption, parent: Attribute):
        self.model = model
        self.parent = parent
        self.attributes: list[Attribute] = [_attribute(a, self) for a in model.options]

    @property
    def label(self) -> str:
        return self.model.label

    @property
    def value(self) -> str:
        return self.model.value if self.model.value is not None else _snake(self.model.label)

    @property
    def title(self) -> str:
        return self.model.label

    @property
    def nested_options(self) -> list[Attribute]:
        return self.attributes

    def _children(self) -> list[_Element]:
        return list(self.attributes)


#: The SDK's names for the two option kinds.
NestableOption = Option
FlatOption = Option


class Attribute(_Named):
    """A question about an object or classification. Subclasses tell the answer kind."""

    def __init__(self, model: OntologyAttribute, parent: _Element | None):
        self.model = model
        self.parent = parent
        self.options: list[Option] = [Option(o, self) for o in model.options]

    @property
    def dynamic(self) -> bool:
        return self.model.dynamic

    @property
    def type(self) -> AttributeType:
        return self.model.type

    def _children(self) -> list[_Element]:
        return list(self.options)


class RadioAttribute(Attribute):
    """One option out of several."""


class ChecklistAttribute(Attribute):
    """Any number of options."""


class TextAttribute(Attribute):
    """Free text."""


class NumericAttribute(Attribute):
    """A number."""


_ATTRIBUTE_CLASS = {
    AttributeType.RADIO: RadioAttribute,
    AttributeType.CHECKLIST: ChecklistAttribute,
    AttributeType.TEXT: TextAttribute,
    AttributeType.NUMERIC: NumericAttribute,
}


def _attribute(model: OntologyAttribute, parent: _Element | None) -> Attribute:
    return _ATTRIBUTE_CLASS[AttributeType(model.type)](model, parent)


def _snake(name: str) -> str:
    return "_".join(name.lower().split())


class Object(_Named):
    """A kind of object annotators draw (a name, a colour, a shape and attributes).

    Example:
        >>> from encord_nb.models import OntologyObject
        >>> car = Object(OntologyObject(name="Car", shape="bounding_box", feature_node_hash="F1"))
        >>> car.shape.value, car.create_instance().ontology_item is car
        ('bounding_box', True)
    """

    def __init__(self, model: OntologyObject):
        self.model = model
        self.attributes: list[Attribute] = [_attribute(a, self) for a in model.attributes]

    @property
    def color(self) -> str | None:
        return self.model.color

    @property
    def shape(self) -> Shape:
        return self.model.shape

    @property
    def archived(self) -> bool:
        return self.model.archived

    def _children(self) -> list[_Element]:
        return list(self.attributes)

    def create_instance(self) -> ObjectInstance:
        """A new, empty instance of this object, to place on frames with ``set_for_frames``."""
        from ._object_instance import ObjectInstance

        return ObjectInstance(self)


class Classification(_Element):
    """A frame or global classification; its first attribute holds the question.

    Example:
        >>> from encord_nb.models import OntologyAttribute, OntologyClassification
        >>> root = OntologyAttribute(name="Weather", type="text", feature_node_hash="A1")
        >>> Classification(OntologyClassification(feature_node_hash="C1", attributes=[root])).title
        'Weather'
    """

    def __init__(self, model: OntologyClassification):
        self.model = model
        self.attributes: list[Attribute] = [_attribute(a, self) for a in model.attributes]

    @property
    def title(self) -> str:
        return self.model.name or ""

    @property
    def is_global(self) -> bool:
        return self.model.is_global

    def _children(self) -> list[_Element]:
        return list(self.attributes)

    def create_instance(self) -> ClassificationInstance:
        """A new instance of this classification, to place on frames with ``set_for_frames``."""
        from ._classification_instance import ClassificationInstance

        return ClassificationInstance(self)


OntologyElement = Union[Object, Classification, Attribute, Option]


class OntologyStructure(_Element):
    """An ontology in the SDK's shape, over the wire model (``.model``).

    Example:
        >>> structure = OntologyStructure.from_dict({"objects": [
        ...     {"name": "Cat", "shape": "point", "featureNodeHash": "F1", "color": "#00FF00"}], "classifications": []})
        >>> structure.get_child_by_title("Cat", type_=Object).feature_node_hash
        'F1'
    """

    def __init__(self, model: OntologyModel):
        self.model = model
        self.objects: list[Object] = [Object(o) for o in model.objects]
        self.classifications: list[Classification] = [Classification(c) for c in model.classifications]
        self._by_hash: dict[str, _Element] = {}
        for element in self._walk():
            self._by_hash.setdefault(element.feature_node_hash, element)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | bytes | str) -> OntologyStructure:
        """Read an ontology structure (``editor`` of an ontology); :class:`LabelFormatError` when malformed."""
        return cls(parse_ontology(data))

    def to_dict(self) -> dict[str, Any]:
        """The structure as wire JSON (keys as read, nothing lost)."""
        return self.model.model_dump(mode="json", by_alias=True, exclude_unset=True)

    @property
    def feature_node_hash(self) -> str:  # the root has none
        return ""

    @property
    def title(self) -> str:
        return "ontology"

    def _children(self) -> list[_Element]:
        return [*self.objects, *self.classifications]

    def get_child_by_hash(self, feature_node_hash: str, type_: type[T] | None = None) -> T:
        found = self._by_hash.get(feature_node_hash)
        if found is None or (type_ is not None and not isinstance(found, type_)):
            kind = type_.__name__ if type_ is not None else "element"
            raise UsageError(f"The ontology has no {kind} with feature hash {feature_node_hash!r}.")
        return found  # type: ignore[return-value]

    def find(self, feature_node_hash: str) -> _Element | None:
        """The element with this feature hash, or None."""
        return self._by_hash.get(feature_node_hash)

    def __repr__(self) -> str:
        return f"OntologyStructure({len(self.objects)} objects, {len(self.classifications)} classifications)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OntologyStructure) and other.to_dict() == self.to_dict()

    __hash__ = None  # type: ignore[assignment]
