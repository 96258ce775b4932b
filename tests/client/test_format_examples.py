"""Every label row of the format examples loads through ``from_labels_dict`` and writes back equal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from encord_nb.client import LabelRowV2, OntologyStructure

EXAMPLES = Path("/work/shared/reference/format-examples")
ROWS = sorted(p for p in EXAMPLES.glob("label_row_*.json"))


@pytest.fixture(scope="module")
def ontology() -> OntologyStructure:
    return OntologyStructure.from_dict(json.loads((EXAMPLES / "ontology_structure.json").read_text()))


def test_examples_are_there():
    assert {p.name for p in ROWS} >= {"label_row_image.json", "label_row_img_group.json", "label_row_video.json"}


@pytest.mark.parametrize("path", ROWS, ids=lambda p: p.stem)
def test_example_round_trips_unchanged(path, ontology):
    # Given an example written by the SDK, when loaded and written back without edits, then equal JSON.
    original = json.loads(path.read_text())
    row = LabelRowV2(ontology=ontology)
    row.from_labels_dict(path.read_bytes())
    assert row.to_encord_dict() == original


@pytest.mark.parametrize("path", ROWS, ids=lambda p: p.stem)
def test_example_round_trips_after_touching_every_object(path, ontology):
    # Given every object read (all frames typed) and every frame marked changed with the same values,
    # when written back, then every object keeps its geometry, hash, feature and metadata.
    original = json.loads(path.read_text())
    row = LabelRowV2(ontology=ontology)
    row.from_labels_dict(original)
    objects = row.get_object_instances()
    assert objects, "each example holds objects"
    for instance in objects:
        for annotation in instance.get_annotations():
            annotation.confidence = annotation.confidence  # marks the frame changed, value unchanged
    written = row.to_encord_dict()
    assert written["object_answers"] == original["object_answers"]
    assert written["classification_answers"] == original["classification_answers"]

    def frame_objects(doc):
        found = {}
        for unit in doc["data_units"].values():
            labels = unit["labels"]
            frames = labels.items() if "objects" not in labels else [(str(unit.get("data_sequence", 0)), labels)]
            for frame, entry in frames:
                for obj in entry.get("objects", []):
                    found[(frame, obj["objectHash"])] = obj
        return found

    before, after = frame_objects(original), frame_objects(written)
    assert before.keys() == after.keys()
    for key, obj in before.items():
        new = after[key]
        for field in ("featureHash", "shape", "confidence", "createdBy", "manualAnnotation"):
            assert new.get(field) == obj.get(field), (key, field)
        for geometry in ("boundingBox", "rotatableBoundingBox", "polyline", "point", "skeleton", "bitmask"):
            if geometry in obj:
                assert new[geometry] == obj[geometry], (key, geometry)
