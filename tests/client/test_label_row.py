"""LabelRowV2 against the embedded demo server: metadata, lazy frames, edits, saves and guards."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from encord_nb.client import (
    BoundingBoxCoordinates,
    ChecklistAttribute,
    Classification,
    LabelRowV2,
    Object,
    OntologyStructure,
    PointCoordinate,
    RadioAttribute,
    Range,
    TextAttribute,
)
from encord_nb.exceptions import LabelFormatError, UnsafeSaveError, UsageError, WrongProjectTypeError
from encord_nb.models import DataType

EXAMPLES = Path("/work/shared/reference/format-examples")


def _row(project, title):
    return next(r for r in project.list_label_rows_v2() if r.data_title == title)


def test_listing_gives_metadata_without_labels(reader, shared_server):
    # Given the workflow project, when its rows are listed, then metadata is there and labels are not read.
    _, demo = shared_server
    rows = reader.get_project(demo.visual_qa).list_label_rows_v2()
    assert {r.data_type for r in rows} == {DataType.IMAGE, DataType.IMG_GROUP, DataType.VIDEO}
    video = next(r for r in rows if r.data_type == DataType.VIDEO)
    assert video.number_of_frames > 1 and video.fps and video.workflow_graph_node.title
    assert not video.is_labelling_initialised
    with pytest.raises(UsageError, match="initialise_labels"):
        video.get_object_instances()
    with pytest.raises(WrongProjectTypeError):
        video.label_status


def test_manual_qa_rows_have_statuses_but_no_priority(reader, shared_server):
    _, demo = shared_server
    row = reader.get_project(demo.manual_qa).list_label_rows_v2()[0]
    assert row.label_status is not None and row.workflow_graph_node is None
    with pytest.raises(WrongProjectTypeError):
        row.set_priority(0.5)
    with pytest.raises(WrongProjectTypeError):
        reader.get_project(demo.manual_qa).workflow


def test_video_frames_are_built_on_demand_and_tracks_are_whole(reader, shared_server):
    # Given the demo video, when one frame is asked for, then its objects come with that frame's
    # coordinates, and asking the track for all its frames gives every frame it is on.
    _, demo = shared_server
    video = next(r for r in reader.get_project(demo.visual_qa).list_label_rows_v2() if r.data_type == DataType.VIDEO)
    video.initialise_labels(include_signed_url=True)
    assert video.data_link.startswith(reader.domain)
    view = video.get_frame_view(2)
    objects = view.get_object_instances()
    assert objects and all(2 in o.get_annotation_frames() for o in objects)
    track = objects[0]
    frames = sorted(track.get_annotation_frames())
    assert len(frames) > 1
    assert {track.get_annotation(f).frame for f in frames} == set(frames)
    everything = video.get_object_instances()
    assert track in everything
    assert video.get_object_instances(filter_frames=Range(frames[0], frames[0])) == video.get_frame_view(frames[0]).get_object_instances()
    with pytest.raises(UsageError, match="outside"):
        video.get_frame_view(video.number_of_frames)


def test_image_group_frames_by_number_and_image_hash(reader, shared_server):
    _, demo = shared_server
    group = next(r for r in reader.get_project(demo.visual_qa).list_label_rows_v2(include_images_data=True) if r.data_type == DataType.IMG_GROUP)
    before = group.get_frames_metadata()  # from images_data, no labels needed
    group.initialise_labels(include_signed_url=True)
    views = group.get_frame_views()
    assert [v.image_hash for v in views] == [m.image_hash for m in before]
    assert len({v.data_link for v in views}) == len(views) and group.data_link is None
    second = views[1]
    assert group.get_frame_view(second.image_hash).frame == 1
    assert group.get_image_hash(1) == second.image_hash and group.get_frame_number(second.image_hash) == 1
    assert all(1 in o.get_annotation_frames() for o in second.get_object_instances())


@pytest.mark.parametrize("as_bytes", [False, True], ids=["dict", "json-bytes"])
def test_a_broken_frame_fails_only_when_read(as_bytes):
    # Given a video row whose last labelled frame holds a malformed box, when the first frame is read
    # then it works, and when the broken frame is read then a LabelFormatError names the object.
    ontology = OntologyStructure.from_dict(json.loads((EXAMPLES / "ontology_structure.json").read_text()))
    labels = json.loads((EXAMPLES / "label_row_video.json").read_text())
    unit = next(iter(labels["data_units"].values()))
    frames = sorted(unit["labels"], key=int)
    broken = copy.deepcopy(labels)
    bad_unit = next(iter(broken["data_units"].values()))
    bad_object = bad_unit["labels"][frames[-1]]["objects"][0]
    bad_object.setdefault("boundingBox", {})
    bad_object["boundingBox"] = {"x": "wide"}
    bad_object["shape"] = "bounding_box"
    row = LabelRowV2(ontology=ontology)
    row.from_labels_dict(json.dumps(broken).encode() if as_bytes else broken)
    assert row.get_frame_view(int(frames[0])).get_object_instances()
    with pytest.raises(LabelFormatError, match=bad_object["objectHash"]):
        row.get_frame_view(int(frames[-1])).get_object_instances()


def test_edit_save_and_read_back_objects_answers_and_classifications(ours, demo):
    # Given an unlabelled image, when a box with radio/checklist/text answers and a classification are
    # added and saved, then a fresh read gives them back.
    project = ours.get_project(demo.visual_qa)
    row = _row(project, "hubble_deep_field.jpg")
    row.initialise_labels()
    ontology = project.ontology_structure
    box_class = next(o for o in ontology.objects if o.shape.value == "bounding_box" and o.attributes)
    instance = box_class.create_instance()
    instance.set_for_frames(BoundingBoxCoordinates(0.25, 0.5, 0.125, 0.25), frames=0, confidence=0.75, created_by="me@example.com")
    answered = {}
    for attribute in box_class.attributes:
        if isinstance(attribute, RadioAttribute) and attribute.options:
            answered[attribute.feature_node_hash] = attribute.options[-1]
        elif isinstance(attribute, ChecklistAttribute) and attribute.options:
            answered[attribute.feature_node_hash] = attribute.options[:2]
        elif isinstance(attribute, TextAttribute):
            answered[attribute.feature_node_hash] = "a note"
        else:
            continue
        if not attribute.dynamic:
            instance.set_answer(answered[attribute.feature_node_hash], attribute=attribute)
    row.add_object_instance(instance)
    classification = next(c for c in ontology.classifications if isinstance(c.attributes[0], RadioAttribute))
    chosen = classification.attributes[0].options[0]
    tag = classification.create_instance()
    tag.set_answer(chosen)
    tag.set_for_frames(0)
    row.add_classification_instance(tag)
    assert row.has_unsaved_changes
    row.save()

    again = _row(project, "hubble_deep_field.jpg")
    again.initialise_labels()
    (read,) = again.get_object_instances()
    annotation = read.get_annotation(0)
    assert read.object_hash == instance.object_hash and read.ontology_item == box_class
    assert annotation.coordinates == BoundingBoxCoordinates(0.25, 0.5, 0.125, 0.25)
    assert (annotation.confidence, annotation.created_by) == (0.75, "me@example.com")
    for attribute in box_class.attributes:
        if attribute.feature_node_hash in answered and not attribute.dynamic:
            assert read.get_answer(attribute) == answered[attribute.feature_node_hash]
    (read_tag,) = again.get_classification_instances(classification)
    assert read_tag.get_answer() == chosen and read_tag.get_annotation_frames() == {0}


def test_remove_and_move_objects_then_save(ours, demo):
    project = ours.get_project(demo.visual_qa)
    row = _row(project, "coins.png")
    row.initialise_labels()
    objects = row.get_object_instances()
    gone, moved = objects[0], objects[1]
    row.remove_object(gone)
    point = isinstance(moved.get_annotation(0).coordinates, PointCoordinate)
    if not point:
        old = moved.get_annotation(0).coordinates
        moved.set_for_frames(BoundingBoxCoordinates(old.height, old.width, 0.5, 0.5), frames=0, overwrite=True)
    row.save()
    again = _row(project, "coins.png")
    again.initialise_labels()
    hashes = {o.object_hash: o for o in again.get_object_instances()}
    assert gone.object_hash not in hashes and len(hashes) == len(objects) - 1
    if not point:
        assert hashes[moved.object_hash].get_annotation(0).coordinates.top_left_x == 0.5


def test_filtered_rows_refuse_to_save_unless_forced(ours, demo):
    # Given a row read with only one object kind, when saved, then UnsafeSaveError and nothing sent;
    # when saved with force=True, then the filtered-out labels are gone, as asked.
    project = ours.get_project(demo.visual_qa)
    row = _row(project, "chelsea.png")
    row.initialise_labels()
    kinds = {o.feature_hash for o in row.get_object_instances()}
    keep = sorted(kinds)[0]
    filtered = _row(project, "chelsea.png")
    filtered.initialise_labels(include_object_feature_hashes={keep})
    assert {o.feature_hash for o in filtered.get_object_instances()} == {keep}
    before = ours._transport.request_count
    with pytest.raises(UnsafeSaveError, match="force=True"):
        filtered.save()
    assert ours._transport.request_count == before
    filtered.save(force=True)
    after = _row(project, "chelsea.png")
    after.initialise_labels()
    assert {o.feature_hash for o in after.get_object_instances()} == {keep}


def test_misuse_is_refused_with_clear_errors(ours, demo):
    project = ours.get_project(demo.visual_qa)
    row = _row(project, "rocket.jpg")
    row.initialise_labels()
    with pytest.raises(UsageError, match="overwrite=True"):
        row.initialise_labels()
    point_class = next(o for o in project.ontology_structure.objects if o.shape.value == "point")
    instance = point_class.create_instance()
    with pytest.raises(UsageError, match="PointCoordinate"):
        instance.set_for_frames(BoundingBoxCoordinates(0.1, 0.1, 0.1, 0.1))
    instance.set_for_frames(PointCoordinate(0.5, 0.5))
    with pytest.raises(UsageError, match="overwrite"):
        instance.set_for_frames(PointCoordinate(0.4, 0.5))
    with pytest.raises(UsageError, match="outside"):
        instance.set_for_frames(PointCoordinate(0.4, 0.5), frames=3)
        row.add_object_instance(instance)
    with pytest.raises(UsageError):
        project.ontology_structure.get_child_by_hash("nope", type_=Classification)
    with pytest.raises(UsageError, match="priority"):
        row.set_priority(3)
    assert isinstance(project.ontology_structure.get_child_by_hash(point_class.feature_node_hash), Object)


def test_changing_one_annotation_leaves_the_others_alone():
    # Given two objects read from a row, when one gets new coordinates and metadata, then the other
    # keeps its own values and only the changed one is written differently.
    ontology = OntologyStructure.from_dict(json.loads((EXAMPLES / "ontology_structure.json").read_text()))
    original = json.loads((EXAMPLES / "label_row_video.json").read_text())
    row = LabelRowV2(ontology=ontology)
    row.from_labels_dict(original)
    boxes = [o for o in row.get_object_instances() if isinstance(o.get_annotations()[0].coordinates, BoundingBoxCoordinates)]
    first = boxes[0]
    frame = min(first.get_annotation_frames())
    others = [(o, f, o.get_annotation(f).confidence) for o in row.get_object_instances() for f in o.get_annotation_frames() if o is not first]
    first.set_for_frames(BoundingBoxCoordinates(0.1, 0.1, 0.2, 0.2), frames=frame, overwrite=True, confidence=0.123)
    assert first.get_annotation(frame).confidence == 0.123
    assert all(o.get_annotation(f).confidence == c for o, f, c in others)
    assert row.has_unsaved_changes
    written = row.to_encord_dict()
    (unit,) = written["data_units"].values()
    changed = next(obj for obj in unit["labels"][str(frame)]["objects"] if obj["objectHash"] == first.object_hash)
    assert changed["boundingBox"] == {"h": 0.1, "w": 0.1, "x": 0.2, "y": 0.2} and changed["confidence"] == 0.123
    (original_unit,) = original["data_units"].values()
    for key, entry in original_unit["labels"].items():
        if key != str(frame):
            assert unit["labels"][key] == entry
