"""Dynamic (per-frame) object answers: written by our client and read by the official SDK, the other
way round, and the ``object_actions`` both build for the same edits.

The demo video row has a "Cat face" box track whose dynamic radio attribute "Moving" is answered
"Yes" while the camera pans and "No" after it.
"""

from __future__ import annotations

import json
import warnings

import pytest
from client_helpers import quiet

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from encord.objects import Object as SdkObject
    from encord.objects.coordinates import BoundingBoxCoordinates as SdkBox
    from encord.objects.frames import Range as SdkRange
    from encord.objects.ontology_object_instance import ObjectInstance as SdkObjectInstance

from encord_nb.client import AnswerForFrames, BoundingBoxCoordinates, Object, ObjectInstance, Range
from encord_nb.exceptions import UsageError

VIDEO_TITLE = "chelsea-pan.mp4"
TRACK_TITLE = "Cat face"
DYNAMIC = "Moving"
STATIC = "Mood"
NEW_OBJECT_HASH = "NewTrk01"


# -- helpers working on both clients (their label APIs are the same) ----------------------------------
def _video_row(project):
    row = next(r for r in quiet(project.list_label_rows_v2) if r.data_title == VIDEO_TITLE)
    quiet(row.initialise_labels)
    return row


def _ontology(project, object_class=Object):
    """The track's ontology object, its dynamic attribute and that attribute's options by label."""
    track = project.ontology_structure.get_child_by_title(TRACK_TITLE, type_=object_class)
    moving = next(a for a in track.attributes if a.name == DYNAMIC)
    return track, moving, {o.label: o for o in moving.options}


def _track(row, track):
    (instance,) = [o for o in row.get_object_instances() if o.ontology_item.feature_node_hash == track.feature_node_hash]
    return instance


def _per_frame(instance, attribute, frames) -> dict[int, list[str]]:
    """For each frame, the labels of the answers that ``get_answer(filter_frame=frame)`` gives."""
    return {k: [a.answer.label for a in quiet(instance.get_answer, attribute, filter_frame=k)] for k in frames}


def _mixed_edits(row, track, moving, options, range_class) -> None:
    """Frames as a Range, lists of ints and of Ranges, an int, a per-frame delete and a delete of one answer's frames."""
    instance = _track(row, track)
    boundary = next(a for a in quiet(instance.get_answer, moving) if a.answer.label == "No").ranges[0].start
    instance.set_answer(options["No"], moving, frames=range_class(2, 5))
    instance.set_answer(options["No"], attribute=moving, frames=[9, 8])
    instance.set_answer(options["No"], moving, frames=[range_class(11, 11), range_class(14, 15)])
    instance.set_answer(options["Yes"], moving, frames=boundary + 1)
    instance.delete_answer(moving, filter_frame=12)
    instance.delete_answer(moving, filter_answer=options["Yes"], filter_frame=0)


def _delete_all(row, track, moving, options, range_class) -> None:
    quiet(_track(row, track).delete_answer, moving)


def _new_track(row, track, moving, options, range_class) -> None:
    """A new box on four frames, answered on all of them (frames=None) and then on one more."""
    is_ours = isinstance(track, Object)
    instance = (ObjectInstance if is_ours else SdkObjectInstance)(track, object_hash=NEW_OBJECT_HASH)
    box = (BoundingBoxCoordinates if is_ours else SdkBox)(height=0.1, width=0.1, top_left_x=0.2, top_left_y=0.2)
    quiet(instance.set_for_frames, box, frames=[0, 1, 2, 5])
    quiet(row.add_object_instance, instance)
    quiet(instance.set_answer, options["Yes"], moving)
    quiet(instance.set_answer, options["No"], moving, frames=7)


def _as_set(actions: dict) -> set[tuple[str, str]]:
    """``object_actions`` as a set of (object hash, one action entry as JSON with its key order)."""
    return {(object_hash, json.dumps(entry)) for object_hash, value in actions.items() for entry in value["actions"]}


# -- tests ---------------------------------------------------------------------------------------------
def test_dynamic_answers_we_save_are_what_the_sdk_reads_on_every_frame(ours, sdk_here, demo):
    # Given the video row read by both clients, and the SDK's per-frame answers before any change,
    project = ours.get_project(demo.visual_qa)
    row = _video_row(project)
    track, moving, options = _ontology(project)
    sdk_project = quiet(sdk_here.get_project, demo.visual_qa)
    sdk_track, sdk_moving, _ = _ontology(sdk_project, SdkObject)
    frames = range(row.number_of_frames)
    before = _per_frame(_track(_video_row(sdk_project), sdk_track), sdk_moving, frames)
    boundary = min(k for k, labels in before.items() if labels == ["No"])
    # when ours answers frames given as a Range, lists and an int, deletes one frame's answer and saves,
    _mixed_edits(row, track, moving, options, Range)
    row.save()
    # then the SDK reads, frame by frame, the answers before with exactly those edits made.
    expected = dict(before)
    expected.update({k: ["No"] for k in (2, 3, 4, 5, 8, 9, 11, 14, 15)})
    expected[boundary + 1] = ["Yes"]
    expected[12] = []
    expected[0] = []
    assert _per_frame(_track(_video_row(sdk_project), sdk_track), sdk_moving, frames) == expected
    # and ours, reading the saved row afresh, agrees.
    assert _per_frame(_track(_video_row(project), track), moving, frames) == expected


def test_dynamic_answers_the_sdk_saves_are_what_we_read_on_every_frame(ours, sdk_here, demo):
    # Given the SDK's edits to the track's dynamic answers, saved,
    sdk_project = quiet(sdk_here.get_project, demo.visual_qa)
    sdk_row = _video_row(sdk_project)
    sdk_track, sdk_moving, sdk_options = _ontology(sdk_project, SdkObject)
    _mixed_edits(sdk_row, sdk_track, sdk_moving, sdk_options, SdkRange)
    quiet(sdk_row.save)
    frames = range(sdk_row.number_of_frames)
    want = _per_frame(_track(sdk_row, sdk_track), sdk_moving, frames)
    # when ours reads the row, then each frame has the answer the SDK holds, with the same ranges.
    project = ours.get_project(demo.visual_qa)
    track, moving, _ = _ontology(project)
    instance = _track(_video_row(project), track)
    assert _per_frame(instance, moving, frames) == want
    got = {(a.answer.label, tuple((r.start, r.end) for r in a.ranges)) for a in instance.get_answer(moving)}
    sdk_instance = _track(sdk_row, sdk_track)
    assert got == {(a.answer.label, tuple((r.start, r.end) for r in a.ranges)) for a in quiet(sdk_instance.get_answer, sdk_moving)}
    assert all(isinstance(a, AnswerForFrames) for a in instance.get_answer(moving))


@pytest.mark.parametrize("edit", [_mixed_edits, _delete_all, _new_track], ids=["mixed", "delete-all", "new-track"])
def test_object_actions_payload_equals_the_sdks_for_the_same_edits(ours, sdk_here, demo, edit):
    # Given the video row read by both clients,
    project = ours.get_project(demo.visual_qa)
    sdk_project = quiet(sdk_here.get_project, demo.visual_qa)
    row, sdk_row = _video_row(project), _video_row(sdk_project)
    as_read = row.to_encord_dict()["object_actions"]
    # when both make the same edits to dynamic answers,
    edit(row, *_ontology(project), Range)
    edit(sdk_row, *_ontology(sdk_project, SdkObject), SdkRange)
    # then the object_actions they would save hold the same entries (the SDK writes them in reverse order).
    mine, theirs = row.to_encord_dict()["object_actions"], quiet(sdk_row.to_encord_dict)["object_actions"]
    assert mine != as_read
    assert set(mine) == set(theirs)
    assert _as_set(mine) == _as_set(theirs)


def test_unchanged_video_row_writes_back_its_object_actions_as_read(ours, demo):
    # Given the video row, when its dynamic answers are only read, then object_actions is written as read.
    project = ours.get_project(demo.visual_qa)
    row = _video_row(project)
    read = row.to_encord_dict()["object_actions"]
    track, moving, _ = _ontology(project)
    assert _track(row, track).get_answer(moving, filter_frame=0)
    assert row.to_encord_dict()["object_actions"] == read


def test_bad_dynamic_and_static_answers_are_refused(ours, demo):
    project = ours.get_project(demo.visual_qa)
    row = _video_row(project)
    track, moving, options = _ontology(project)
    instance = _track(row, track)
    mood = next(a for a in track.attributes if a.name == STATIC)
    # frames outside the video, frames for a static attribute, the wrong kind of answer, a wrong is_dynamic:
    with pytest.raises(UsageError, match="outside"):
        instance.set_answer(options["No"], moving, frames=row.number_of_frames)
    with pytest.raises(UsageError, match="static"):
        instance.set_answer(mood.options[0], mood, frames=0, overwrite=True)
    with pytest.raises(UsageError, match="options"):
        instance.set_answer("fast", moving, frames=0)
    with pytest.raises(UsageError, match="is_dynamic"):
        instance.get_answer(moving, is_dynamic=False)
    # and nothing changed.
    assert not row.has_unsaved_changes
    assert row.to_encord_dict()["object_actions"] == _video_row(project).to_encord_dict()["object_actions"]


# -- a dynamic checklist and text (not in the demo ontology), without a server ----------------------------
CAR = {
    "id": "1", "name": "Car", "color": "#000000", "shape": "bounding_box", "featureNodeHash": "FCar0001",
    "attributes": [
        {"id": "1.1", "name": "Lights", "type": "checklist", "featureNodeHash": "FaLight1", "dynamic": True, "required": False,
         "options": [{"id": "1.1.1", "label": "Left", "value": "left", "featureNodeHash": "FoLeft01"},
                     {"id": "1.1.2", "label": "Right", "value": "right", "featureNodeHash": "FoRight1"}]},
        {"id": "1.2", "name": "Note", "type": "text", "featureNodeHash": "FaNote01", "dynamic": True, "required": False},
    ],
}


def _cars():
    """The same ontology object in our client and in the SDK."""
    from encord.objects.ontology_structure import OntologyStructure as SdkOntologyStructure

    from encord_nb.models import OntologyObject

    return Object(OntologyObject.model_validate(CAR)), quiet(SdkOntologyStructure.from_dict, {"objects": [CAR], "classifications": []}).objects[0]


def _lights(answers):
    return [(sorted(o.label for o in a.answer), [(r.start, r.end) for r in a.ranges]) for a in answers]


def test_checklist_and_text_dynamic_answers_write_the_sdks_actions_in_its_order():
    from encord.objects.ontology_labels_impl import LabelRowV2 as SdkLabelRow

    written = []
    for car, box, range_class in zip(_cars(), (BoundingBoxCoordinates, SdkBox), (Range, SdkRange)):
        # Given a car on four frames, when options are checked over a range, text set on every frame and
        # one frame's options changed,
        lights, note = car.attributes
        instance = car.create_instance()
        quiet(instance.set_for_frames, box(height=0.1, width=0.1, top_left_x=0.1, top_left_y=0.1), frames=[0, 1, 2, 3])
        quiet(instance.set_answer, [lights.options[1], lights.options[0]], lights, frames=range_class(0, 5))
        quiet(instance.set_answer, "hi", note)
        quiet(instance.set_answer, [lights.options[0]], lights, frames=[3])
        quiet(instance.delete_answer, note, filter_answer="hi", filter_frame=1)
        written.append(instance.actions_to_wire() if isinstance(car, Object) else list(reversed(SdkLabelRow._dynamic_answers_to_encord_dict(instance))))
    # then ours writes the SDK's entries, in the SDK's order (options in ontology order, ranges merged).
    mine, theirs = written
    assert [json.dumps(e) for e in mine] == [json.dumps(e) for e in theirs]


def test_split_checklist_entries_are_read_as_the_sdk_reads_them():
    from encord_nb.client._answers import DynamicAnswers

    # Given the web app's form, one entry per checked option with overlapping ranges,
    def entry(label, option_hash, frames):
        answer = {"name": label, "value": label.lower(), "featureHash": option_hash}
        return {"name": "Lights", "value": "lights", "featureHash": "FaLight1", "answers": [answer],
                "manualAnnotation": False, "dynamic": True, "range": frames, "shouldPropagate": False}

    actions = [entry("Left", "FoLeft01", [[0, 4]]), entry("Right", "FoRight1", [[3, 6], [9, 9]])]
    car, sdk_car = _cars()
    sdk_instance = sdk_car.create_instance()
    quiet(sdk_instance.set_answer_from_list, actions)
    # when both read them, then each frame holds the union of the options, as the same answers and ranges.
    ours_read = DynamicAnswers(car.attributes, actions).get(car.attributes[0])
    assert _lights(ours_read) == _lights(quiet(sdk_instance.get_answer, sdk_car.attributes[0]))
    assert ("Left", "Right") in {tuple(labels) for labels, _ in _lights(ours_read)}
