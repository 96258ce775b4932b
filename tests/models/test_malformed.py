"""Malformed label rows raise one LabelFormatError naming the row, the object and the field."""

from __future__ import annotations

import copy
import json
import math

import pytest

from encord_nb.exceptions import LabelFormatError
from encord_nb.models import parse_label_row, parse_label_row_lazy, parse_ontology

IMAGE_LABEL_HASH = "1abe1000-0000-4000-8000-0000000000a1"


def _objects(row: dict) -> list[dict]:
    return next(iter(row["data_units"].values()))["labels"]["objects"]


def _object(row: dict, object_hash: str) -> dict:
    return next(o for o in _objects(row) if o["objectHash"] == object_hash)


def _parse_error(row: dict, as_bytes: bool = True) -> LabelFormatError:
    data = json.dumps(row).encode() if as_bytes else row
    with pytest.raises(LabelFormatError) as caught:
        parse_label_row(data)
    return caught.value


@pytest.mark.parametrize("as_bytes", [True, False], ids=["bytes", "dict"])
def test_box_without_w_names_row_object_and_field(image_row, as_bytes):
    # Given a bounding box with no "w", when parsed, then the error names the row, the box and "w".
    del _object(image_row, "objBox01")["boundingBox"]["w"]
    error = _parse_error(image_row, as_bytes)
    assert error.label_hash == IMAGE_LABEL_HASH
    assert error.object_hash == "objBox01"
    assert error.field.endswith("objects.0.boundingBox.w")
    assert "objBox01" in str(error) and IMAGE_LABEL_HASH in str(error) and "boundingBox.w" in str(error)


def test_string_coordinate_is_refused(image_row):
    # Given a point whose x is the string "0.4", then it is refused (not silently converted).
    _object(image_row, "objPnt01")["point"]["0"]["x"] = "0.4"
    error = _parse_error(image_row)
    assert error.object_hash == "objPnt01" and error.field.endswith("point.0.x")


def test_nan_coordinate_is_refused(image_row):
    # Given a polyline vertex with NaN (a dict from json.loads may hold one), then it is refused.
    _object(image_row, "objLine1")["polyline"]["1"]["y"] = math.nan
    error = _parse_error(image_row, as_bytes=False)
    assert error.object_hash == "objLine1" and error.field.endswith("polyline.1.y")


def test_nan_in_json_text_is_refused(image_row):
    # Given NaN written into the JSON text of a rotatable box, then it is refused.
    _object(image_row, "objRbb01")["rotatableBoundingBox"]["theta"] = math.nan
    error = _parse_error(image_row)  # json.dumps writes the NaN token
    assert error.object_hash == "objRbb01" and error.field.endswith("rotatableBoundingBox.theta")


def test_bitmask_of_wrong_size_is_refused(image_row):
    # Given a bitmask declared 10x10 on a 451x300 image, then the error names the mask object.
    _object(image_row, "objMask1")["bitmask"].update(height=10, width=10)
    error = _parse_error(image_row)
    assert error.label_hash == IMAGE_LABEL_HASH and error.object_hash == "objMask1"
    assert "bitmask" in error.field and "451x300" in str(error)


def test_unknown_shape_is_refused(image_row):
    # Given an object whose shape is unknown, then the error names it and the shape field.
    _object(image_row, "objPnt01")["shape"] = "hexagon"
    error = _parse_error(image_row)
    assert error.object_hash == "objPnt01" and error.field.endswith("objects.5.shape")
    assert "unknown shape 'hexagon'" in str(error)


def test_polygon_without_any_ring_is_refused(image_row):
    # Given a polygon object with neither "polygon" nor "polygons", then it is refused.
    poly = _object(image_row, "objPoly1")
    del poly["polygon"], poly["polygons"]
    assert _parse_error(image_row).object_hash == "objPoly1"


def test_bad_video_frame_is_named_not_mistaken_for_an_image(video_row):
    # Given a video frame whose box lacks "h", then the error points into that frame.
    unit = next(iter(video_row["data_units"].values()))
    del unit["labels"]["7"]["objects"][0]["boundingBox"]["h"]
    error = _parse_error(video_row)
    assert error.object_hash == "objTrk01" and ".labels.7.objects.0.boundingBox.h" in error.field


def test_bad_answer_names_its_object(image_row):
    # Given an object answer whose attribute hash is missing, then the error names that object.
    del image_row["object_answers"]["objBox01"]["classifications"][0]["featureHash"]
    error = _parse_error(image_row)
    assert error.object_hash == "objBox01" and error.field.startswith("object_answers.objBox01")


def test_not_json_is_a_label_format_error():
    # Given bytes that are not JSON, then the same typed error comes out.
    with pytest.raises(LabelFormatError, match="not valid JSON"):
        parse_label_row(b"{not json")


def test_lazy_row_reports_a_bad_frame_when_it_is_read(video_row):
    # Given a lazily read video with a bad frame 7, then reading frame 0 works and frame 7 raises.
    broken = copy.deepcopy(video_row)
    unit_key = next(iter(broken["data_units"]))
    broken["data_units"][unit_key]["labels"]["7"]["objects"][0]["boundingBox"]["x"] = "left"
    row = parse_label_row_lazy(json.dumps(broken).encode())
    assert row.frame_labels(0).objects[0].object_hash == "objTrk01"
    with pytest.raises(LabelFormatError) as caught:
        row.frame_labels(7)
    assert caught.value.label_hash == video_row["label_hash"] and caught.value.object_hash == "objTrk01"
    assert caught.value.field == f"data_units.{unit_key}.labels.7.objects.0.boundingBox.x"


def test_bad_ontology_names_the_element_and_field(ontology_dict):
    # Given an ontology attribute with an unknown type, then the error names that attribute's hash and field.
    ontology_dict["objects"][0]["attributes"][1]["type"] = "slider"
    with pytest.raises(LabelFormatError) as caught:
        parse_ontology(json.dumps(ontology_dict))
    assert caught.value.object_hash == "FaFlags1"
    assert caught.value.field == "objects.0.attributes.1.type"
    assert str(caught.value).startswith("ontology does not fit the Encord format")
