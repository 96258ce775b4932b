"""Which rows a bulk action touches: listing filters, predicates, or a selection from an explorer.

Filters go to the server in the listing request (``list_label_rows_v2``) and are checked again here
exactly, so a title glob means what it says whatever the server's ``LIKE`` does. Predicates run on
the listed rows; a predicate over labels makes the rows' labels load first (bundled).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from encord_nb.exceptions import UsageError

from ._view import maybe

__all__ = ["Where", "as_where", "selection_hashes"]

_HASH_COLUMNS = ("label_hash", "data_hash")


def _glob_to_like(pattern: str) -> str:
    """A glob (``*``, ``?``) as an SQL ``LIKE`` pattern (the server filter; the exact check is ours)."""
    return re.sub(r"\[[^\]]*\]", "_", pattern).replace("*", "%").replace("?", "_")


def _has_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


def _status_name(value: Any) -> str:
    return str(getattr(value, "value", value)).upper()


@dataclass(frozen=True)
class Where:
    """A row selection for :func:`~encord_nb.cells.bulk`; every given part must hold (AND).

    Attributes:
        stage: workflow stage title (a glob such as ``"Review*"`` allowed).
        status: annotation task status or statuses (``"QUEUED"``, ``"COMPLETED"``, ...).
        title: data title glob (``"cat-*.jpg"``); matched without regard to case.
        edited_after: rows last edited after this time (datetime or ISO text).
        edited_before: rows last edited before this time.
        branch: label branch name (default: the main branch).
        hashes: label or data hashes, e.g. a selection made in an explorer.
        row: a predicate over the listed row (its metadata: title, stage, priority, ...).
        labels: a predicate over the row with its labels loaded (e.g. :func:`has_object`).

    Example:
        >>> Where(stage="Review", title="cat-*").listing_filters()
        {'data_title_like': 'cat-%', 'workflow_graph_node_title_eq': 'Review'}
    """

    stage: str | None = None
    status: str | Sequence[str] | None = None
    title: str | None = None
    edited_after: datetime | str | None = None
    edited_before: datetime | str | None = None
    branch: str | None = None
    hashes: Sequence[str] | None = None
    row: Callable[[Any], bool] | None = None
    labels: Callable[[Any], bool] | None = None

    @property
    def statuses(self) -> list[str] | None:
        if self.status is None:
            return None
        values = [self.status] if isinstance(self.status, str) or not isinstance(self.status, Iterable) else self.status
        return [_status_name(v) for v in values]

    @property
    def needs_labels(self) -> bool:
        return self.labels is not None

    def listing_filters(self) -> dict[str, Any]:
        """The keyword arguments of ``project.list_label_rows_v2`` that narrow the listing on the server."""
        out: dict[str, Any] = {}
        if self.title is not None:
            out["data_title_like" if _has_glob(self.title) else "data_title_eq"] = (
                _glob_to_like(self.title) if _has_glob(self.title) else self.title
            )
        if self.stage is not None:
            if _has_glob(self.stage):
                out["workflow_graph_node_title_like"] = _glob_to_like(self.stage)
            else:
                out["workflow_graph_node_title_eq"] = self.stage
        if self.statuses is not None:
            out["label_statuses"] = self.statuses
        if self.edited_after is not None:
            out["edited_after"] = self.edited_after
        if self.edited_before is not None:
            out["edited_before"] = self.edited_before
        if self.branch is not None:
            out["branch_name"] = self.branch
        return dict(sorted(out.items()))

    def matches_listing(self, row: Any) -> bool:
        """The exact check of the listing filters and hashes on one listed row (no labels needed)."""
        if self.title is not None and not fnmatch.fnmatch((row.data_title or "").lower(), self.title.lower()):
            return False
        if self.stage is not None:
            node = getattr(row, "workflow_graph_node", None)
            title = getattr(node, "title", None) or ""
            if not fnmatch.fnmatch(title.lower(), self.stage.lower()):
                return False
        statuses = self.statuses
        status = maybe(row, "annotation_task_status")  # None where the row hides it: the server filtered
        if statuses is not None and status is not None and _status_name(status) not in statuses:
            return False
        if self.hashes is not None:
            wanted = set(self.hashes)
            if row.label_hash not in wanted and row.data_hash not in wanted:
                return False
        return True

    def describe(self) -> str:
        """A one-line human description (predicates by name)."""
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if callable(value):
                value = getattr(value, "__name__", "predicate")
            elif f.name == "hashes":
                value = f"{len(value)} selected"
            parts.append(f"{f.name}={value}")
        return ", ".join(parts) or "all rows"


def selection_hashes(selection: Any) -> list[str]:
    """Hashes from an explorer selection: a list of hashes, a DataFrame (``label_hash``/``data_hash``
    columns or index) or a Series."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        pd = None
    if pd is not None and isinstance(selection, pd.DataFrame):
        for column in _HASH_COLUMNS:
            if column in selection.columns:
                values = selection[column]
                if column == "label_hash" and "data_hash" in selection.columns:
                    # Rows with no label row yet are known by their data hash only.
                    values = values.where(values.notna(), selection["data_hash"])
                return [str(v) for v in values.dropna()]
        if selection.index.name in _HASH_COLUMNS:
            return [str(v) for v in selection.index.dropna()]
        raise UsageError(
            "A DataFrame selection needs a `label_hash` or `data_hash` column (or index); "
            f"this one has columns {list(selection.columns)}."
        )
    if pd is not None and isinstance(selection, (pd.Series, pd.Index)):
        return [str(v) for v in selection.dropna()]
    if isinstance(selection, str):
        return [selection]
    values = list(selection)
    if not all(isinstance(v, str) for v in values):
        raise UsageError("A hash selection is a list of label or data hash strings.")
    return values


def as_where(where: Any) -> Where:
    """Turn what ``bulk(where=...)`` accepts into a :class:`Where`.

    Accepted: None (every row), a :class:`Where`, a dict of its fields, a predicate (a callable over the
    row; one with ``needs_labels = True``, like :func:`has_object`, sees the row's labels), a list of
    hashes, or a DataFrame from an explorer.
    """
    if where is None:
        return Where()
    if isinstance(where, Where):
        return where
    if isinstance(where, Mapping):
        known = {f.name for f in fields(Where)}
        unknown = sorted(set(where) - known)
        if unknown:
            raise UsageError(f"Unknown `where` keys {unknown}: use {sorted(known)}.")
        values = dict(where)
        if values.get("hashes") is not None:
            values["hashes"] = selection_hashes(values["hashes"])
        return Where(**values)
    if callable(where) and not isinstance(where, type):
        return Where(labels=where) if getattr(where, "needs_labels", False) else Where(row=where)
    return Where(hashes=selection_hashes(where))
