"""Encord bitmask RLE: the reference's worked example, leading-1 masks, random round trips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from encord_nb.models import BitmaskCoordinates, rle_decode, rle_encode
from encord_nb.models._rle import rle_counts


def _worked_example() -> np.ndarray:
    mask = np.zeros((4, 6), dtype=bool)
    mask[1:3, 2:5] = True  # rows 1-2, columns 2-4
    return mask


def test_worked_example_encodes_to_83304():
    # Given the reference's 4x6 mask, then its runs are [8,3,3,3,7] and its string "83304".
    mask = _worked_example()
    assert rle_encode(mask) == "83304"
    assert rle_counts("83304") == [8, 3, 3, 3, 7]


def test_worked_example_decodes_row_major():
    # Given "83304", when decoded as 4x6, then exactly rows 1-2 x columns 2-4 are set (row-major, not COCO's column-major).
    assert np.array_equal(rle_decode("83304", 4, 6), _worked_example())


def test_mask_starting_with_foreground_gets_a_leading_zero_run():
    # Given a mask whose first pixel is set, then the first run is an empty background run.
    mask = np.zeros((2, 3), dtype=bool)
    mask[0, :2] = True
    encoded = rle_encode(mask)
    assert rle_counts(encoded)[:3] == [0, 2, 4]
    assert np.array_equal(rle_decode(encoded, 2, 3), mask)


def test_full_and_empty_masks():
    # Given all-set and all-clear masks, then each decodes back to itself.
    for mask in (np.ones((3, 5), dtype=bool), np.zeros((3, 5), dtype=bool)):
        assert np.array_equal(rle_decode(rle_encode(mask), 3, 5), mask)


def test_large_runs_use_multi_character_values():
    # Given a run longer than one 5-bit group, then it still round-trips (and needs several characters).
    mask = np.zeros((100, 100), dtype=bool)
    mask[50:, 20:] = True
    encoded = rle_encode(mask)
    assert len(encoded) > len(rle_counts(encoded))
    assert np.array_equal(rle_decode(encoded, 100, 100), mask)


def test_decoding_to_the_wrong_size_is_refused():
    # Given a string for 24 pixels, when decoded as 5x5, then a ValueError says the sizes disagree.
    with pytest.raises(ValueError, match="24 pixels"):
        rle_decode("83304", 5, 5)


@settings(max_examples=150, deadline=None)
@given(arrays(bool, st.tuples(st.integers(1, 24), st.integers(1, 24))))
def test_random_masks_round_trip(mask):
    # Given any boolean mask, when encoded and decoded, then the same mask comes back.
    height, width = mask.shape
    assert np.array_equal(rle_decode(rle_encode(mask), height, width), mask)


@settings(max_examples=50, deadline=None)
@given(arrays(bool, st.tuples(st.integers(1, 12), st.integers(1, 12))))
def test_bitmask_coordinates_wrap_the_codec(mask):
    # Given a mask, when wrapped as BitmaskCoordinates, then size and pixels survive.
    coords = BitmaskCoordinates.from_mask(mask)
    assert (coords.height, coords.width, coords.top, coords.left) == (*mask.shape, 0, 0)
    assert np.array_equal(coords.to_mask(), mask)
