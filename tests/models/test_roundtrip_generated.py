"""Generated label rows of every data type and shape read and dump back to equal JSON."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from encord_nb.models import (
    FrameObject,
    LabelRowBlurb,
    dump_label_row,
    parse_label_row,
    parse_label_row_lazy,
    rle_encode,
    to_pixels,
)

SHAPES = ["bounding_box", "rotatable_bounding_box", "polygon", "polyline", "point", "skeleton", "bitmask"]
DATE = "Mon, 11 Mar 2024 11:21:36 UTC"
fraction = st.floats(0, 1, allow_nan=False, allow_infinity=False)
hashes = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/", min_size=8, max_size=8)


def xy():
    return st.fixed_dictionaries({"x": fraction, "y": fraction})


def indexed(points: list) -> dict:
    return {str(i): p for i, p in enumerate(points)}


@st.composite
def geometry(draw, shape: str, width: int, height: int) -> dict:
    if shape == "bounding_box":
        return {"boundingBox": draw(st.fixed_dictionaries({k: fraction for k in "hwxy"}))}
    if shape == "rotatable_bounding_box":
        box = draw(st.fixed_dictionaries({k: fraction for k in "hwxy"}))
        return {"rotatableBoundingBox": {**box, "theta": draw(st.floats(-360, 360))}}
    if shape == "polygon":
        rings = draw(st.lists(st.lists(st.lists(fraction, min_size=6, max_size=12).map(lambda r: r[: len(r) // 2 * 2]), min_size=1, max_size=3), min_size=1, max_size=2))
        first = rings[0][0]
        ring = [{"x": first[i], "y": first[i + 1]} for i in range(0, len(first), 2)]
        form = draw(st.sampled_from(["both", "legacy_dict", "legacy_list", "polygons"]))
        return {
            "both": {"polygon": indexed(ring), "polygons": rings},
            "legacy_dict": {"polygon": indexed(ring)},
            "legacy_list": {"polygon": ring},
            "polygons": {"polygons": rings},
        }[form]
    if shape == "polyline":
        points = draw(st.lists(xy(), min_size=2, max_size=6))
        return {"polyline": draw(st.sampled_from([indexed(points), points]))}
    if shape == "point":
        return {"point": {"0": draw(xy())}}
    if shape == "skeleton":
        visibility = st.sampled_from([{}, {"visibility": "visible"}, {"visibility": "occluded"}, {"invisible": True}, {"selfOccluded": True}])
        vertices = draw(st.lists(st.builds(lambda p, v, i: {**p, "name": f"v{i}", "featureHash": f"Kp{i:06d}", **v}, xy(), visibility, st.integers(0, 9)), min_size=1, max_size=5))
        return {"skeleton": indexed(vertices)}
    mask = draw(arrays(bool, (height, width)))
    return {"bitmask": {"top": 0, "left": 0, "height": height, "width": width, "rleString": rle_encode(mask)}}


@st.composite
def frame_object(draw, object_hash: str, width: int, height: int) -> dict:
    shape = draw(st.sampled_from(SHAPES))
    obj = {
        "name": shape.title(), "color": "#D33115", "shape": shape, "value": shape,
        "createdAt": DATE, "createdBy": draw(st.sampled_from([None, "a@example.com"])),
        "confidence": draw(st.sampled_from([1, 1.0, 0.25])), "objectHash": object_hash,
        "featureHash": f"F{shape[:7]}", "manualAnnotation": draw(st.booleans()), "lastEditedAt": DATE,
    }
    if draw(st.booleans()):
        obj["lastEditedBy"] = "b@example.com"
    if draw(st.booleans()):
        obj["reviews"] = [{"approved": True, "comment": "ok"}]  # a legacy key, kept
    return {**obj, **draw(geometry(shape, width, height))}


def attribute_answer(feature: str) -> st.SearchStrategy:
    answers = st.one_of(
        st.lists(st.fixed_dictionaries({"name": st.just("Opt"), "value": st.just("opt"), "featureHash": hashes}), max_size=3),
        st.text(max_size=10), st.integers(-5, 5), st.floats(-1, 1),
    )
    return st.fixed_dictionaries({"name": st.just("Attr"), "value": st.just("attr"), "answers": answers, "featureHash": st.just(feature), "manualAnnotation": st.booleans()})


@st.composite
def label_row(draw, data_type: str) -> dict:
    sizes = {"width": draw(st.integers(1, 8)), "height": draw(st.integers(1, 8))}
    object_hashes = draw(st.lists(hashes, min_size=0, max_size=4, unique=True))
    if data_type == "video":
        frames = draw(st.lists(st.integers(0, 50), min_size=1, max_size=4, unique=True))
        labels = {str(f): {"objects": [draw(frame_object(h, **sizes)) for h in object_hashes], "classifications": []} for f in sorted(frames)}
        units = {"vid": {"data_hash": "vid", "data_title": "v.mp4", "data_link": "https://x/v.mp4", "data_type": "video/mp4", "data_sequence": 0, **sizes, "labels": labels, "data_duration": 2.0, "data_fps": 25.0}}
    else:
        count = 1 if data_type == "image" else draw(st.integers(1, 3))
        units = {}
        for i in range(count):
            unit_sizes = sizes if i == 0 else {"width": draw(st.integers(1, 8)), "height": draw(st.integers(1, 8))}
            units[f"img{i}"] = {
                "data_hash": f"img{i}", "data_title": f"{i}.png", "data_link": f"https://x/{i}.png", "data_type": "image/png",
                "data_sequence": 0 if data_type == "image" else str(i), **unit_sizes,
                "labels": {"objects": [draw(frame_object(h, **unit_sizes)) for h in object_hashes], "classifications": []},
            }
    row = {
        "label_hash": "1abe", "branch_name": "main", "created_at": draw(st.sampled_from([DATE, "2024-03-05 11:03:21", None])),
        "last_edited_at": DATE, "data_hash": "row", "dataset_hash": "ds", "dataset_title": "Demo", "data_title": "t",
        "data_type": data_type, "annotation_task_status": draw(st.sampled_from(["ASSIGNED", "QUEUED", "SOMETHING_NEW"])),
        "is_shadow_data": False,
        "object_answers": {h: {"classifications": draw(st.lists(attribute_answer("FaAttr01"), max_size=2)), "objectHash": h, **({"objectNumber": n} if (n := draw(st.integers(-1, 5))) >= 0 else {})} for h in object_hashes},
        "classification_answers": {
            h: {"classifications": [draw(attribute_answer("CaAttr01"))], "classificationHash": h, "featureHash": "CcClass1", "spaces": {},
                "range": draw(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)).map(sorted), max_size=3)),
                "createdBy": None, "createdAt": DATE, "lastEditedBy": None, "lastEditedAt": DATE, "confidence": 1.0, "manualAnnotation": True}
            for h in draw(st.lists(hashes, max_size=2, unique=True))
        },
        "object_actions": {},
        "label_status": draw(st.sampled_from(["LABELLED", "LABEL_IN_PROGRESS", "FUTURE_STATUS"])),
        "data_units": units,
        "spaces": {},
        "some_extra_key": draw(st.sampled_from([None, 1, "x", {"nested": [1, 2]}])),
    }
    if data_type == "video" and object_hashes:
        row["object_actions"] = {
            object_hashes[0]: {"actions": [{"name": "Moving", "value": "moving", "featureHash": "FaMovin1", "answers": [{"featureHash": "FoMovYes"}], "manualAnnotation": True, "dynamic": True, "range": [[0, 3]], "shouldPropagate": False, "trackHash": "t-1"}], "objectHash": object_hashes[0]}
        }
    return row


def _check_round_trip(row: dict) -> LabelRowBlurb:
    raw = json.dumps(row).encode()
    parsed = parse_label_row(raw)
    assert dump_label_row(parsed) == row
    assert parse_label_row_lazy(raw).model_dump(mode="json", exclude_unset=True) == row
    return parsed


@settings(max_examples=60, deadline=None)
@given(label_row("image"))
def test_generated_image_rows_round_trip(row):
    parsed = _check_round_trip(row)
    objects = parsed.frame_labels(0).objects
    assert [o.object_hash for o in objects] == list(row["object_answers"])
    assert all(isinstance(o, FrameObject) and o.coordinates is not None for o in objects)


@settings(max_examples=60, deadline=None)
@given(label_row("img_group"))
def test_generated_img_group_rows_round_trip(row):
    parsed = _check_round_trip(row)
    assert sorted(u.frame_index for u in parsed.data_units.values()) == list(range(len(row["data_units"])))


@settings(max_examples=60, deadline=None)
@given(label_row("video"))
def test_generated_video_rows_round_trip_and_lazy_frames_match(row):
    parsed = _check_round_trip(row)
    lazy = parse_label_row_lazy(json.dumps(row))
    for key in next(iter(row["data_units"].values()))["labels"]:
        assert lazy.frame_labels(int(key)) == parsed.frame_labels(int(key))


@settings(max_examples=30, deadline=None)
@given(label_row("image"))
def test_generated_geometry_converts_to_pixels(row):
    # Given a generated row, then every object's typed coordinates go through the one to_pixels.
    parsed = parse_label_row(row)
    unit = next(iter(parsed.data_units.values()))
    for obj in unit.labels.objects:
        pixels = to_pixels(obj.coordinates, unit.width, unit.height)
        if isinstance(pixels, np.ndarray):
            assert pixels.shape == (unit.height, unit.width)
        else:
            assert len(pixels) > 0
