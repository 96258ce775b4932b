"""Annotations are built from the wire models of a real (SDK-written) label row and ontology."""

from __future__ import annotations

import json
from pathlib import Path

from encord_nb.models import FrameLabels, OntologyStructure, Shape, parse_label_row
from encord_nb.render import FALLBACK_COLOUR, annotations_from_frame, parse_colour

EXAMPLES = Path(__file__).resolve().parents[1] / "models" / "format_examples"


def _load(name: str) -> bytes:
    path = EXAMPLES / name
    assert path.exists(), f"the format examples are missing: expected {path}"
    return path.read_bytes()


def test_every_drawn_shape_of_the_example_row_becomes_an_annotation():
    # Given the SDK-written image row and its ontology,
    row = parse_label_row(_load("label_row_image.json"))
    ontology = OntologyStructure.model_validate_json(_load("ontology_structure.json"))
    labels = row.frame_labels(0)
    # when converted,
    anns = annotations_from_frame(labels, ontology, row.object_answers)
    # then each object keeps its hash, class and shape, in order,
    assert [a.object_hash for a in anns] == [o.object_hash for o in labels.objects]
    assert {a.shape for a in anns} >= {Shape.BOUNDING_BOX, Shape.POLYGON, Shape.SKELETON, Shape.BITMASK}
    for ann, obj in zip(anns, labels.objects):
        cls = ontology.object(obj.feature_hash)
        assert ann.class_name == cls.name
        assert ann.colour == parse_colour(cls.color)
        assert ann.coordinates is not None
    # the skeleton carries its template's edges, and the box its answered attributes by name.
    skel = next(a for a in anns if a.shape is Shape.SKELETON)
    assert skel.skeleton_edges == tuple(ontology.skeleton_template(skel.feature_hash).edges)
    cat = next(a for a in anns if a.object_hash == "objBox01")
    assert cat.attributes["Mood"] == "Grumpy" and cat.attributes["Size cm"] == "23"


def test_unknown_class_falls_back_to_the_object_colour_and_name():
    labels = FrameLabels.model_validate(
        {"objects": [{"objectHash": "o1", "featureHash": "nope", "shape": "point", "name": "Thing", "color": "#00ff00",
                      "point": {"0": {"x": 0.5, "y": 0.5}}},
                     {"objectHash": "o2", "featureHash": "nope2", "shape": "point", "point": {"0": {"x": 0.1, "y": 0.1}}},
                     {"objectHash": "o3", "featureHash": "nope3", "shape": "circle", "circle": {}}]}
    )
    anns = annotations_from_frame(labels, OntologyStructure())
    # The circle is not drawn; the others keep what they say about themselves.
    assert [(a.class_name, a.colour) for a in anns] == [("Thing", (0, 255, 0)), ("nope2", FALLBACK_COLOUR)]
    assert annotations_from_frame(None, OntologyStructure()) == []


def test_dynamic_attributes_show_the_answer_of_the_frame():
    # Given the SDK-written video row whose track is "Moving: Yes" on frames 0-6 and "No" on frame 7,
    row = parse_label_row(_load("label_row_video.json"))
    ontology = OntologyStructure.model_validate_json(_load("ontology_structure.json"))

    def moving(frame: int) -> str | None:
        anns = annotations_from_frame(row.frame_labels(frame), ontology, row.object_answers, row.object_actions, frame)
        return next(a for a in anns if a.object_hash == "objTrk01").attributes.get("Moving")

    # then each frame's label carries the answer in force on that frame.
    assert moving(7) == "No"
    assert moving(3) == "Yes"
