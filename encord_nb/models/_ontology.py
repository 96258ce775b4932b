"""The ontology structure: objects, classifications, nested attributes and options, skeleton templates."""

from __future__ import annotations

from typing import Any, Union

from pydantic import Field, PrivateAttr

from ._base import CamelModel, WireModel
from ._errors import validate_wire
from ._enums import AttributeType, Shape


class OntologyOption(CamelModel):
    """A radio or checklist option. A radio option may hold nested attributes in ``options``.

    Example:
        >>> OntologyOption(id="1.1.1", label="Happy", value="happy", feature_node_hash="FoHappy1").label
        'Happy'
    """

    id: str | None = None
    label: str
    value: str | None = None
    feature_node_hash: str
    archived: bool = False
    options: list[OntologyAttribute] = Field(default_factory=list)


class OntologyAttribute(CamelModel):
    """A question asked about an object or classification (radio, checklist, text or numeric).

    Example:
        >>> OntologyAttribute(name="Size", type="numeric", feature_node_hash="FaSize01").type
        <AttributeType.NUMERIC: 'numeric'>
    """

    id: str | None = None
    name: str
    type: AttributeType
    feature_node_hash: str
    required: bool = False
    dynamic: bool = False
    archived: bool = False
    options: list[OntologyOption] = Field(default_factory=list)


class OntologyObject(CamelModel):
    """A kind of object annotators draw: a name, a colour, a shape and its attributes.

    Example:
        >>> OntologyObject(name="Cat", color="#D33115", shape="bounding_box", feature_node_hash="F1").shape
        <Shape.BOUNDING_BOX: 'bounding_box'>
    """

    id: str | None = None
    name: str
    color: str | None = None
    shape: Shape
    feature_node_hash: str
    required: bool = False
    archived: bool = False
    attributes: list[OntologyAttribute] = Field(default_factory=list)


class OntologyClassification(CamelModel):
    """A frame or global classification; its single root attribute carries the question and title.

    Example:
        >>> root = OntologyAttribute(name="Scene", type="radio", feature_node_hash="CaScene1")
        >>> OntologyClassification(feature_node_hash="CcScene1", attributes=[root]).name
        'Scene'
    """

    id: str | None = None
    feature_node_hash: str
    attributes: list[OntologyAttribute] = Field(default_factory=list)
    level: str | None = None

    @property
    def name(self) -> str | None:
        """The display title: the root attribute's name."""
        return self.attributes[0].name if self.attributes else None

    @property
    def is_global(self) -> bool:
        """True for classifications of the whole data unit rather than of frames."""
        return self.level == "global"


class SkeletonTemplateVertex(CamelModel):
    """One vertex of a skeleton template (``featureHash`` is what skeleton points refer to)."""

    x: float
    y: float
    name: str
    color: str | None = None  # kept as written: the SDK's own default colour is malformed
    value: str | None = None
    feature_hash: str | None = None


class SkeletonTemplate(CamelModel):
    """Vertices and edges of a skeleton object; ``feature_node_hash`` equals its object's hash.

    Example:
        >>> t = SkeletonTemplate(name="Face", feature_node_hash="FsFace01", skeleton={}, skeleton_edges={"0": {"2": {}}})
        >>> t.edges
        [(0, 2)]
    """

    name: str
    width: float | None = None
    height: float | None = None
    skeleton: dict[str, SkeletonTemplateVertex] = Field(default_factory=dict)
    skeleton_edges: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    feature_node_hash: str | None = Field(default=None, alias="feature_node_hash")
    shape: str | None = None

    @property
    def vertices(self) -> list[SkeletonTemplateVertex]:
        """Vertices in index order."""
        return [self.skeleton[key] for key in sorted(self.skeleton, key=int)]

    @property
    def edges(self) -> list[tuple[int, int]]:
        """Edges as ``(from, to)`` vertex indices."""
        return [(int(a), int(b)) for a, targets in self.skeleton_edges.items() for b in targets]


class SkeletonTemplateEntry(WireModel):
    """The wire wrapper ``{"template": {...}}`` around a :class:`SkeletonTemplate`."""

    template: SkeletonTemplate


OntologyElement = Union[OntologyObject, OntologyClassification, OntologyAttribute, OntologyOption]


class OntologyStructure(WireModel):
    """An ontology: what can be labelled, with lookups by feature hash.

    Lookups use an index built on first use, so treat a structure as read-only once queried.

    Example:
        >>> s = OntologyStructure(objects=[OntologyObject(name="Cat", shape="point", feature_node_hash="F1")])
        >>> s.object("F1").name
        'Cat'
    """

    objects: list[OntologyObject] = Field(default_factory=list)
    classifications: list[OntologyClassification] = Field(default_factory=list)
    skeleton_templates: list[SkeletonTemplateEntry] = Field(default_factory=list)

    _index: dict[str, OntologyElement] | None = PrivateAttr(default=None)

    def _elements(self) -> dict[str, OntologyElement]:
        if self._index is None:
            index: dict[str, OntologyElement] = {}

            def add_attributes(attributes: list[OntologyAttribute]) -> None:
                for attribute in attributes:
                    index.setdefault(attribute.feature_node_hash, attribute)
                    for option in attribute.options:
                        index.setdefault(option.feature_node_hash, option)
                        add_attributes(option.options)

            for element in [*self.objects, *self.classifications]:
                index.setdefault(element.feature_node_hash, element)
                add_attributes(element.attributes)
            self._index = index
        return self._index

    def find(self, feature_hash: str) -> OntologyElement | None:
        """Any element (object, classification, attribute or option) with this feature hash."""
        return self._elements().get(feature_hash)

    def object(self, feature_hash: str) -> OntologyObject | None:
        """The object with this feature hash, if it is one."""
        found = self.find(feature_hash)
        return found if isinstance(found, OntologyObject) else None

    def classification(self, feature_hash: str) -> OntologyClassification | None:
        """The classification with this feature hash, if it is one."""
        found = self.find(feature_hash)
        return found if isinstance(found, OntologyClassification) else None

    def attribute(self, feature_hash: str) -> OntologyAttribute | None:
        """The attribute with this feature hash, at any nesting depth."""
        found = self.find(feature_hash)
        return found if isinstance(found, OntologyAttribute) else None

    def option(self, feature_hash: str) -> OntologyOption | None:
        """The option with this feature hash, at any nesting depth."""
        found = self.find(feature_hash)
        return found if isinstance(found, OntologyOption) else None

    def skeleton_template(self, obj: OntologyObject | str) -> SkeletonTemplate | None:
        """The skeleton template of a skeleton object (matched on ``feature_node_hash``)."""
        feature_hash = obj if isinstance(obj, str) else obj.feature_node_hash
        return next(
            (e.template for e in self.skeleton_templates if e.template.feature_node_hash == feature_hash), None
        )


OntologyOption.model_rebuild()


def parse_ontology(data: Union[bytes, str, dict]) -> OntologyStructure:
    """Read an ontology structure (a project's ``editor_ontology`` or an ontology's ``editor``).

    Example:
        >>> parse_ontology(b'{"objects": [], "classifications": []}').objects
        []

    Raises:
        LabelFormatError: the JSON does not fit; the error names the element (feature hash) and field.
    """
    return validate_wire(OntologyStructure, data, "ontology")
