"""The action log: one JSON line per row a bulk run changed, with the row's state before and after.

The log is what :func:`~encord_nb.cells.undo` reads back. It is written as the run goes, one bundle at
a time, so a run that stops half way (a crash, a kernel restart) still leaves a true record of what
was done. Nothing secret goes in: label JSON is written without its media links, and parameters
that are functions are written by name.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from encord_nb.exceptions import UsageError

__all__ = ["LOG_SUFFIX", "ActionLog", "describe_params"]

#: File suffix of action logs (JSON lines).
LOG_SUFFIX = ".jsonl"


def describe_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Action parameters as JSON-safe values: functions by their name, other objects by ``repr``."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if callable(value):
            out[key] = f"<function {getattr(value, '__qualname__', type(value).__name__)}>"
        elif value is None or isinstance(value, (str, int, float, bool)):
            out[key] = value
        else:
            out[key] = repr(value)
    return out


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "action"


class ActionLog:
    """The record of one bulk run (or undo): a list of per-row records, kept in memory and, if given a folder, on disk.

    Each record is a dict with ``run``, ``at`` (UTC ISO time), ``project_hash``, ``action``, ``params``,
    ``label_hash``, ``data_hash``, ``data_title``, ``before`` and ``after``.

    Args:
        path: the JSON-lines file to append to, or None to keep the records in memory only.

    Example:
        >>> log = ActionLog.read("bulk-logs/20240305-101500-complete-1a2b3c.jsonl")    # doctest: +SKIP
        >>> len(log), log.records[0]["before"]                                         # doctest: +SKIP
        (42, {'stage': 'Annotate', 'status': 'QUEUED', 'priority': 0.5, 'assignee': None})
    """

    def __init__(self, path: str | os.PathLike | None = None, records: Iterable[dict[str, Any]] = ()):
        self.path = None if path is None else Path(path)
        self.records: list[dict[str, Any]] = list(records)

    @classmethod
    def create(cls, folder: str | os.PathLike | None, action: str) -> ActionLog:
        """A new, empty log for a run of ``action``: a fresh file in ``folder`` (created if needed), or in memory."""
        if folder is None:
            return cls()
        directory = Path(folder).expanduser()
        if directory.exists() and not directory.is_dir():
            raise UsageError(f"The action-log folder {str(directory)!r} is a file: name a folder for the logs.")
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        path = directory / f"{stamp}-{_safe_name(action)}-{uuid.uuid4().hex[:6]}{LOG_SUFFIX}"
        path.touch(exist_ok=False)
        return cls(path)

    @classmethod
    def read(cls, path: str | os.PathLike) -> ActionLog:
        """Load a log file; a line that is not a JSON object is a :class:`UsageError` naming the line."""
        file = Path(path).expanduser()
        if not file.is_file():
            raise UsageError(f"No action log at {str(file)!r}: pass the .jsonl file a bulk run wrote.")
        records = []
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise UsageError(f"Action log {file.name}, line {number}, is not JSON ({error.msg}).") from None
            if not isinstance(record, dict) or "label_hash" not in record or "action" not in record:
                raise UsageError(f"Action log {file.name}, line {number}, is not a bulk-action record.")
            records.append(record)
        return cls(file, records)

    def append(self, records: Iterable[dict[str, Any]]) -> None:
        """Add records (and write them through to the file at once, so a crash loses none)."""
        stamped = [{"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **r} for r in records]
        if not stamped:
            return
        self.records.extend(stamped)
        if self.path is not None:
            with self.path.open("a", encoding="utf-8") as handle:
                for record in stamped:
                    handle.write(json.dumps(record, default=str, sort_keys=True) + "\n")
                handle.flush()
                os.fsync(handle.fileno())

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records)

    def __repr__(self) -> str:
        where = str(self.path) if self.path else "in memory"
        return f"ActionLog({where!r}, {len(self.records)} records)"
