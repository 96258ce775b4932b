"""Label JSON as items, diffs between two versions, and media links kept out of logs."""

from __future__ import annotations

import json
from pathlib import Path

from encord_nb.cells import has_object
from encord_nb.cells._labels import diff_labels, label_items, scrub_links

EXAMPLES = Path(__file__).resolve().parents[1] / "models" / "format_examples"


def _image_row() -> dict:
    return json.loads((EXAMPLES / "label_row_image.json").read_text())


def test_items_of_an_image_row_cover_objects_and_classifications():
    # Given the SDK-written image row, when read as items, then every object and classification is there once
    row = _image_row()
    items = label_items(row)
    objects = {h for kind, h in items if kind == "object"}
    classes = {h for kind, h in items if kind == "classification"}
    unit = next(iter(row["data_units"].values()))
    assert objects == {o["objectHash"] for o in unit["labels"]["objects"]}
    assert classes == set(row["classification_answers"])
    assert items[("object", "objBox01")].answers == row["object_answers"]["objBox01"]


def test_diff_names_added_removed_and_changed_instances():
    # Given a row, and a copy with one object dropped, one attribute answer changed and one object added
    before = _image_row()
    after = json.loads(json.dumps(before))
    unit = next(iter(after["data_units"].values()))
    unit["labels"]["objects"] = [o for o in unit["labels"]["objects"] if o["objectHash"] != "objRbb01"]
    after["object_answers"].pop("objRbb01")
    after["object_answers"]["objBox01"]["classifications"][0]["answers"] = 24
    unit["labels"]["objects"].append({"objectHash": "new1", "name": "Cat face", "confidence": 0.9})
    # When diffed, then each change is named once, with the untouched objects nowhere
    diff = diff_labels(before, after)
    assert diff.removed == ("Rocket (objRbb01)",)
    assert diff.changed == ("Cat face (objBox01)",)
    assert diff.added == ("Cat face (new1)",)
    assert diff.summary() == "+1 -1 ~1"
    assert diff_labels(before, before).empty


def test_video_frames_belong_to_one_track():
    row = json.loads((EXAMPLES / "label_row_video.json").read_text())
    items = label_items(row)
    frames = {k: sorted(v.frames) for k, v in items.items() if v.frames}
    # a track seen on several frames is one item that knows all its frames
    assert any(len(f) > 1 for f in frames.values())


def test_scrub_links_removes_signed_urls_and_leaves_the_input_alone():
    row = _image_row()
    unit = next(iter(row["data_units"].values()))
    unit["data_link"] = "https://media.example/a.png?signature=SECRET"
    clean = scrub_links(row)
    assert "SECRET" not in json.dumps(clean)
    assert "SECRET" in json.dumps(row)


def test_has_object_looks_at_name_and_lowest_confidence():
    class Row:
        def __init__(self, data):
            self.data = data

        def to_encord_dict(self):
            return self.data

    row = {"data_units": {"d": {"labels": {"objects": [{"objectHash": "o1", "name": "Cat face", "confidence": 0.4}]}}}}
    assert has_object("Cat face", confidence_below=0.5)(Row(row))
    assert not has_object("Cat face", confidence_below=0.3)(Row(row))
    assert not has_object("Dog")(Row(row))
