"""Legacy per-frame classification entries are read, merged with ranges, and written in the current form."""

from __future__ import annotations

import copy
import json

from encord_nb.models import ObjectAnswer, dump_label_row, merge_attribute_answers, parse_label_row, parse_label_row_lazy


def _legacy_entry(classification_hash: str) -> dict:
    return {
        "name": "Scene",
        "value": "scene",
        "classificationHash": classification_hash,
        "featureHash": "CcScene1",
        "createdAt": "Tue, 17 Jan 2023 11:44:53 GMT",
        "createdBy": "dev@example.com",
        "confidence": 1,
        "lastEditedAt": "Tue, 17 Jan 2023 11:44:53 GMT",
        "manualAnnotation": True,
    }


def _legacy_video(video_row: dict) -> dict:
    """The video example with clsScn02 on frames 0 and 2 in labels.classifications and range [[4, 5]]."""
    row = copy.deepcopy(video_row)
    labels = next(iter(row["data_units"].values()))["labels"]
    labels["0"]["classifications"].append(_legacy_entry("clsScn02"))
    labels["2"]["classifications"].append(_legacy_entry("clsScn02"))
    row["classification_answers"]["clsScn02"]["range"] = [[4, 5]]
    return row


def test_frames_are_the_union_of_legacy_entries_and_ranges(video_row):
    # Given entries on frames 0 and 2 plus a range [[4, 5]], then the classification is on {0, 2, 4, 5}.
    row = parse_label_row(_legacy_video(video_row))
    assert row.classification_frames()["clsScn02"] == [0, 2, 4, 5]


def test_writing_emits_the_current_form(video_row):
    # Given the merged legacy row, when dumped, then frames hold no classification entries and the
    # answer carries the merged ranges.
    out = dump_label_row(parse_label_row(_legacy_video(video_row)))
    labels = next(iter(out["data_units"].values()))["labels"]
    assert all(frame["classifications"] == [] for frame in labels.values())
    assert out["classification_answers"]["clsScn02"]["range"] == [[0, 0], [2, 2], [4, 5]]
    assert parse_label_row(out).classification_frames()["clsScn02"] == [0, 2, 4, 5]


def test_answer_without_range_or_metadata_takes_them_from_frame_entries(image_row):
    # Given an old image row whose answer has only hashes and answers, and a frame entry with metadata,
    # when dumped, then the answer gets range [[0, 0]] and the entry's metadata.
    row = copy.deepcopy(image_row)
    answer = row["classification_answers"]["clsScn01"]
    row["classification_answers"]["clsScn01"] = {
        k: answer[k] for k in ("classificationHash", "featureHash", "classifications")
    }
    next(iter(row["data_units"].values()))["labels"]["classifications"].append(_legacy_entry("clsScn01"))
    out = dump_label_row(parse_label_row(row))["classification_answers"]["clsScn01"]
    assert out["range"] == [[0, 0]]
    assert out["createdBy"] == "dev@example.com" and out["createdAt"] == "Tue, 17 Jan 2023 11:44:53 GMT"
    assert out["classifications"] == answer["classifications"]


def test_split_checklist_answers_are_merged():
    # Given a checklist answered in two entries (as the editor writes it), then one answer holds both options.
    answer = ObjectAnswer.model_validate(
        {
            "objectHash": "o1",
            "classifications": [
                {"featureHash": "FaFlags1", "answers": [{"featureHash": "FoOccl01"}]},
                {"featureHash": "FaFlags1", "answers": [{"featureHash": "FoTrunc1"}]},
                {"featureHash": "FaSize01", "answers": 3.5},
            ],
        }
    )
    merged = answer.answers_by_attribute()
    assert [o.feature_hash for o in merged["FaFlags1"].answers] == ["FoOccl01", "FoTrunc1"]
    assert merged["FaSize01"].answers == 3.5
    assert merge_attribute_answers([]) == {}


def test_lazy_rows_merge_and_write_the_same_way(video_row):
    # Given the legacy video read lazily, then its classification frames and its dump match the eager row's.
    legacy = _legacy_video(video_row)
    lazy, eager = parse_label_row_lazy(json.dumps(legacy)), parse_label_row(legacy)
    assert lazy.classification_frames() == eager.classification_frames()
    assert dump_label_row(lazy) == dump_label_row(eager)
    # and a current-form lazy row dumps as read, without validating its frames
    assert dump_label_row(parse_label_row_lazy(json.dumps(video_row))) == video_row
