"""The SDK-written example files parse, and dump back to equal JSON."""

from __future__ import annotations

import json

import pytest

from encord_nb.models import (
    BitmaskObject,
    BoundingBoxObject,
    DataType,
    LabelStatus,
    OntologyStructure,
    PolygonObject,
    PolylineObject,
    PointObject,
    RotatableBoundingBoxObject,
    SkeletonObject,
    dump_label_row,
    parse_label_row,
    parse_label_row_lazy,
)

from .conftest import LABEL_ROW_FILES


def test_the_examples_are_there():
    # Given the copied SDK examples, then all three label-row data types are present.
    assert {p.name for p in LABEL_ROW_FILES} == {
        "label_row_image.json",
        "label_row_img_group.json",
        "label_row_video.json",
    }


@pytest.mark.parametrize("path", LABEL_ROW_FILES, ids=lambda p: p.name)
def test_label_row_round_trip_from_bytes_is_equal_json(path):
    # Given the bytes of an SDK-written row, when parsed and dumped, then the JSON is equal.
    raw = path.read_bytes()
    assert dump_label_row(parse_label_row(raw)) == json.loads(raw)


@pytest.mark.parametrize("path", LABEL_ROW_FILES, ids=lambda p: p.name)
def test_label_row_round_trip_from_dict_and_str(path):
    # Given the same row as a dict and as a str, then both parse to the same model.
    raw = path.read_text()
    assert parse_label_row(json.loads(raw)) == parse_label_row(raw)


@pytest.mark.parametrize("path", LABEL_ROW_FILES, ids=lambda p: p.name)
def test_lazy_row_dumps_equal_json_and_validates_frames_on_demand(path):
    # Given a lazily read row, then its dump equals the input and each frame equals the eager one.
    raw = path.read_bytes()
    lazy, eager = parse_label_row_lazy(raw), parse_label_row(raw)
    assert lazy.model_dump(mode="json", exclude_unset=True) == json.loads(raw)
    for unit in eager.data_units.values():
        for number, labels in unit.frames().items():
            assert lazy.frame_labels(number) == labels


def test_image_row_has_every_shape_typed(image_row):
    # Given the image example, when parsed, then each shape gets its own class and typed geometry.
    row = parse_label_row(image_row)
    assert row.data_type is DataType.IMAGE and row.label_status is LabelStatus.LABEL_IN_PROGRESS
    objects = {o.object_hash: o for o in row.frame_labels(0).objects}
    assert isinstance(objects["objBox01"], BoundingBoxObject) and objects["objBox01"].coordinates.w == 0.33
    assert isinstance(objects["objRbb01"], RotatableBoundingBoxObject) and objects["objRbb01"].coordinates.theta == 25.0
    poly = objects["objPoly2"]
    assert isinstance(poly, PolygonObject)
    assert [len(p) for p in poly.coordinates.polygons] == [2, 1]  # a ring with a hole, plus a triangle
    assert isinstance(objects["objLine1"], PolylineObject) and len(objects["objLine1"].coordinates.vertices) == 3
    assert isinstance(objects["objPnt01"], PointObject) and objects["objPnt01"].coordinates.x == 0.48
    assert isinstance(objects["objSkel1"], SkeletonObject)
    mask = objects["objMask1"]
    assert isinstance(mask, BitmaskObject) and mask.coordinates.to_mask().shape == (300, 451)


def test_img_group_sequences_are_strings_and_frames_follow_them(img_group_row):
    # Given the image-group example, then data_sequence stays a string and frames are its int value.
    row = parse_label_row(img_group_row)
    units = sorted(row.data_units.values(), key=lambda u: u.frame_index)
    assert [u.data_sequence for u in units] == ["0", "1", "2"]
    assert [list(u.frames()) for u in units] == [[0], [1], [2]]
    assert row.data_unit_for_frame(2) is units[2]
    lazy = parse_label_row_lazy(json.dumps(img_group_row))
    assert lazy.data_unit_for_frame(1).data_hash == units[1].data_hash
    assert lazy.frame_labels(1) == units[1].labels


def test_video_frames_are_keyed_by_number(video_row):
    # Given the video example, then frames 0-3 and 7 hold the track and frame 5 holds nothing.
    row = parse_label_row(video_row)
    unit = next(iter(row.data_units.values()))
    assert unit.is_frame_keyed and sorted(unit.frames()) == [0, 1, 2, 3, 7]
    assert row.frame_labels(5) is None
    assert row.frame_labels(7).objects[0].manual_annotation is False
    actions = row.object_actions["objTrk01"].actions
    assert sorted(a.range[0] for a in actions) == [(0, 3), (7, 7)]
    assert row.classification_frames()["clsScn02"] == [0, 1, 2, 3, 4, 8, 9]


def test_ontology_round_trip_and_lookups(ontology_dict):
    # Given the example ontology, when parsed, then it dumps back equal and lookups find nested elements.
    ontology = OntologyStructure.model_validate(ontology_dict)
    assert ontology.model_dump(mode="json", exclude_unset=True) == ontology_dict
    assert ontology.attribute("FaReasn1").name == "Reason"  # nested under the Grumpy option
    assert ontology.option("FoGrump1").label == "Grumpy"
    assert ontology.object("FsFace01").shape.value == "skeleton"
    assert ontology.object("CcScene1") is None and ontology.classification("CcScene1").name == "Scene"
    template = ontology.skeleton_template(ontology.object("FsFace01"))
    assert [v.name for v in template.vertices] == ["left eye", "right eye", "nose"]
    assert template.edges == [(0, 2), (1, 2)]
    assert ontology.find("no-such-hash") is None
