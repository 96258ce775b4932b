"""Two label sets on one frame: IoU matching per class, counts, and the TP / FP / FN picture."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from encord_nb.render import ClassCounts, ComparePainter, PillowPainter, Style, iou, match_annotations

from ._shapes import box, changed, polygon

W, H = 100, 100


def test_iou_of_boxes_and_of_a_polygon_with_a_hole():
    a, b = box(0, 0, 0.4, 0.4, object_hash="a"), box(0.2, 0, 0.4, 0.4, object_hash="b")
    # Two 40 x 40 boxes shifted by 20 px overlap on 800 of 2400 pixels.
    assert iou(a, b, W, H) == pytest.approx(800 / 2400)
    # A 40 x 40 square with a 20 x 20 hole against the full square: 1200 / 1600.
    holed = polygon([(0, 0), (0.4, 0), (0.4, 0.4), (0, 0.4)], [(0.1, 0.1), (0.3, 0.1), (0.3, 0.3), (0.1, 0.3)])
    assert iou(holed, a, W, H) == pytest.approx(1200 / 1600)


def test_matching_pairs_by_class_and_counts_outcomes():
    # Given reference cats and a dog, and predictions: a good cat, a shifted cat, a cat where the dog is,
    ref = [
        box(0.0, 0.0, 0.2, 0.2, name="Cat", object_hash="r1"),
        box(0.5, 0.5, 0.2, 0.2, name="Cat", object_hash="r2"),
        box(0.0, 0.6, 0.3, 0.3, name="Dog", object_hash="r3"),
    ]
    pred = [
        box(0.01, 0.0, 0.2, 0.2, name="Cat", object_hash="p1", confidence=0.9, manual=False),
        box(0.62, 0.62, 0.2, 0.2, name="Cat", object_hash="p2", confidence=0.8, manual=False),
        box(0.0, 0.6, 0.3, 0.3, name="Cat", object_hash="p3", confidence=0.7, manual=False),
    ]
    result = match_annotations(ref, pred, W, H)
    # then only the good cat matches; the class decides, not the overlap alone.
    assert [(m.reference.object_hash, m.candidate.object_hash) for m in result.matches] == [("r1", "p1")]
    assert result.matches[0].iou == pytest.approx(380 / 420)
    assert sorted(a.object_hash for a in result.false_positives) == ["p2", "p3"]
    assert sorted(a.object_hash for a in result.false_negatives) == ["r2", "r3"]
    assert result.per_class == {"Cat": ClassCounts(1, 2, 1), "Dog": ClassCounts(0, 0, 1)}
    assert result.counts == ClassCounts(1, 2, 2)


def test_the_more_confident_candidate_takes_the_reference():
    ref = [box(0.0, 0.0, 0.2, 0.2, object_hash="r")]
    weak = box(0.0, 0.0, 0.2, 0.2, object_hash="weak", confidence=0.4, manual=False)
    strong = box(0.01, 0.0, 0.2, 0.2, object_hash="strong", confidence=0.9, manual=False)
    result = match_annotations(ref, [weak, strong], W, H)
    assert result.matches[0].candidate.object_hash == "strong"
    assert [a.object_hash for a in result.false_positives] == ["weak"]


def test_threshold_decides_a_match():
    ref, cand = [box(0, 0, 0.4, 0.4)], [box(0.2, 0, 0.4, 0.4, object_hash="c")]
    assert match_annotations(ref, cand, W, H, iou_threshold=0.3).counts == ClassCounts(1, 0, 0)
    assert match_annotations(ref, cand, W, H, iou_threshold=0.5).counts == ClassCounts(0, 1, 1)


def test_compare_picture_colours_outcomes_and_can_show_mismatches_only():
    frame = Image.new("RGB", (W, H), (128, 128, 128))
    ref = [box(0.0, 0.0, 0.2, 0.2, object_hash="r1"), box(0.5, 0.5, 0.2, 0.2, object_hash="r2")]
    pred = [box(0.0, 0.0, 0.2, 0.2, object_hash="p1"), box(0.1, 0.7, 0.2, 0.2, object_hash="p2")]
    style = Style(fill_opacity=0, show_labels=False, line_width=1)
    painter = ComparePainter(style, colours=((0, 255, 0), (255, 0, 0), (255, 255, 0)))
    out = painter.draw(frame, ref, pred)
    # The match is green, the missed reference yellow, the stray prediction red.
    assert out.getpixel((0, 0)) == (0, 255, 0)
    assert out.getpixel((50, 50)) == (255, 255, 0)
    assert out.getpixel((10, 70)) == (255, 0, 0)
    # With mismatches only, the true positive is not drawn at all.
    only = ComparePainter(style, mismatches_only=True, colours=((0, 255, 0), (255, 0, 0), (255, 255, 0))).draw(frame, ref, pred)
    assert only.getpixel((0, 0)) == (128, 128, 128)
    assert np.array_equal(changed(out, only), changed(PillowPainter(style).draw(frame, ref[:1]), frame))


def test_confidence_threshold_applies_before_matching():
    ref, pred = [box(0, 0, 0.2, 0.2)], [box(0.6, 0.6, 0.2, 0.2, object_hash="p", confidence=0.5, manual=False)]
    painter = ComparePainter(Style(min_confidence=0.6))
    # A prediction under the confidence threshold is left out before matching: the reference is missed.
    assert painter.compare(ref, pred, W, H).counts == ClassCounts(0, 0, 1)
