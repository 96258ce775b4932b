"""Row selection: listing filters sent to the server, exact checks here, explorer selections."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from encord_nb.cells import Where, has_object
from encord_nb.cells._selection import as_where, selection_hashes
from encord_nb.exceptions import UsageError


def _row(title="cat-01.jpg", stage="Review", label_hash="L1", data_hash="D1"):
    return SimpleNamespace(
        data_title=title,
        workflow_graph_node=SimpleNamespace(uuid="s", title=stage),
        annotation_task_status="IN_REVIEW",
        label_hash=label_hash,
        data_hash=data_hash,
    )


def test_filters_become_listing_arguments_with_globs_as_like():
    # Given filters with a title glob, an exact stage, a status and a range, when turned into listing arguments
    where = as_where({"stage": "Review", "title": "cat-*", "status": "in_review", "edited_after": "2024-03-01",
                      "branch": "main"})
    # Then the server gets LIKE for the glob, an exact stage match, upper-case statuses and the branch
    assert where.listing_filters() == {
        "branch_name": "main",
        "data_title_like": "cat-%",
        "edited_after": "2024-03-01",
        "label_statuses": ["IN_REVIEW"],
        "workflow_graph_node_title_eq": "Review",
    }


def test_title_glob_is_checked_exactly_after_the_server_filter():
    # Given a glob the server's LIKE would over-match ("_" is a wildcard there, "?" one character here)
    where = Where(title="cat-0?.jpg", stage="Rev*")
    # When rows are checked here, then only exact glob matches (case-insensitive) pass
    assert where.matches_listing(_row("CAT-01.jpg"))
    assert not where.matches_listing(_row("cat-001.jpg"))
    assert not where.matches_listing(_row("cat-01.jpg", stage="Annotate"))


def test_hash_selection_matches_label_or_data_hash():
    where = as_where(["L1", "D2"])
    assert where.matches_listing(_row(label_hash="L1", data_hash="D1"))
    assert where.matches_listing(_row(label_hash=None, data_hash="D2"))
    assert not where.matches_listing(_row(label_hash="L3", data_hash="D3"))


def test_explorer_dataframe_gives_label_hashes_falling_back_to_data_hashes():
    # Given an explorer table where one row has no label row yet
    frame = pd.DataFrame({"label_hash": ["L1", None], "data_hash": ["D1", "D2"], "data_title": ["a", "b"]})
    # When its hashes are read, then the unlabelled row is known by its data hash
    assert selection_hashes(frame) == ["L1", "D2"]
    assert selection_hashes(frame.set_index("data_hash").drop(columns=["label_hash"])) == ["D1", "D2"]


def test_dataframe_without_hash_columns_is_a_clear_usage_error():
    with pytest.raises(UsageError, match="label_hash"):
        selection_hashes(pd.DataFrame({"title": ["a"]}))


def test_predicates_over_labels_are_told_apart_from_row_predicates():
    # Given a plain callable and has_object (which needs labels)
    row_where = as_where(lambda row: True)
    labels_where = as_where(has_object("Cat face", confidence_below=0.5))
    # Then one filters listed rows and the other makes the labels load first
    assert row_where.row is not None and not row_where.needs_labels
    assert labels_where.labels is not None and labels_where.needs_labels


def test_unknown_where_keys_name_the_known_ones():
    with pytest.raises(UsageError, match="Unknown `where` keys \\['stages'\\]"):
        as_where({"stages": "Review"})
