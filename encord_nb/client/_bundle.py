"""Bundles: many row operations sent as few requests, with every item's outcome reported.

Operations of one kind on one project (and, for initialisation, with the same options) are merged
into one request per ``bundle_size`` items (1000 by default, as the SDK). Groups run in the order
their first item was added. When the server refuses a merged request as a whole, its items are sent
one by one, so one bad row does not sink the rest, and :attr:`Bundle.report` tells each outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from encord_nb.exceptions import (
    AuthenticationError,
    BundleError,
    BundleExecutedError,
    EncordConnectionError,
    EncordNbError,
    EncordStatusError,
    PermissionDeniedError,
    RateLimitError,
    UsageError,
)

from ._constants import BUNDLE_LIMIT

logger = logging.getLogger("encord_nb.client")

#: Errors that say nothing about one item, so retrying items one by one cannot help.
_WHOLE_REQUEST_ERRORS = (AuthenticationError, PermissionDeniedError, RateLimitError, EncordConnectionError)


@dataclass
class BundleItem:
    """One operation in a bundle: what it acts on, its part of the payload, and what to do with the result."""

    kind: str
    key: str
    payload: Any
    on_result: Callable[[Any], None] | None = None


@dataclass
class ItemOutcome:
    """What happened to one bundled operation."""

    kind: str
    key: str
    ok: bool
    error: EncordNbError | None = None

    def __repr__(self) -> str:
        state = "ok" if self.ok else f"failed: {self.error}"
        return f"ItemOutcome({self.kind} {self.key!r}: {state})"


@dataclass
class BundleReport:
    """Outcomes of a bundle's items and the number of requests it took."""

    outcomes: list[ItemOutcome] = field(default_factory=list)
    requests: int = 0

    @property
    def failed(self) -> list[ItemOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def succeeded(self) -> list[ItemOutcome]:
        return [o for o in self.outcomes if o.ok]


#: Runs one merged request for some items; returns per-item results (same order) or raises.
Runner = Callable[[Sequence[BundleItem]], Sequence[Any]]


@dataclass
class _Group:
    runner: Runner
    limit: int | None
    items: list[BundleItem] = field(default_factory=list)


class Bundle:
    """Collects row operations and sends them merged when the ``with`` block ends (or on :meth:`execute`).

    Args:
        bundle_size: items per request for every operation of this bundle (default 1000).

    Example:
        >>> with project.create_bundle() as bundle:                     # doctest: +SKIP
        ...     for row in rows:
        ...         row.initialise_labels(bundle=bundle)
        >>> bundle.report.failed                                         # doctest: +SKIP
        []
    """

    def __init__(self, bundle_size: int | None = None):
        if bundle_size is not None and bundle_size < 1:
            raise UsageError("`bundle_size` is a positive number of items per request.")
        self.bundle_size = bundle_size
        self._groups: dict[Hashable, _Group] = {}
        self._executed = False
        #: Filled by :meth:`execute`.
        self.report: BundleReport | None = None

    def __repr__(self) -> str:
        count = sum(len(g.items) for g in self._groups.values())
        state = "executed" if self._executed else "pending"
        return f"Bundle({count} operation(s), {state})"

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            count = sum(len(g.items) for g in self._groups.values())
            logger.warning("bundle dropped: the with-block raised, so %d operation(s) were not sent", count)
            self._executed = True
            return
        self.execute()

    def add(self, group_key: Hashable, runner: Runner, item: BundleItem, limit: int = BUNDLE_LIMIT) -> None:
        """Queue one item; items with the same ``group_key`` are merged by ``runner``."""
        if self._executed:
            raise BundleExecutedError("This bundle has already run; create a new one with project.create_bundle().")
        group = self._groups.get(group_key)
        if group is None:
            group = self._groups[group_key] = _Group(runner, limit)
        group.items.append(item)

    def execute(self) -> BundleReport:
        """Send everything queued, in as few requests as the limits allow.

        Returns:
            The report of every item's outcome.

        Raises:
            BundleExecutedError: the bundle already ran.
            BundleError: some items failed; ``error.report`` tells which, the others went through.
        """
        if self._executed:
            raise BundleExecutedError("This bundle has already run; create a new one with project.create_bundle().")
        self._executed = True
        report = BundleReport()
        self.report = report
        for group in self._groups.values():
            limit = self.bundle_size or group.limit or BUNDLE_LIMIT
            for start in range(0, len(group.items), limit):
                self._run_chunk(group.runner, group.items[start : start + limit], report)
        if report.failed:
            first = report.failed[0].error
            raise BundleError(
                f"{len(report.failed)} of {len(report.outcomes)} bundled operation(s) failed "
                f"(first: {first}); see error.report for each item.",
                report=report,
            )
        return report

    def _run_chunk(self, runner: Runner, items: Sequence[BundleItem], report: BundleReport) -> None:
        report.requests += 1
        try:
            results = runner(items)
        except _WHOLE_REQUEST_ERRORS as error:
            report.outcomes.extend(ItemOutcome(i.kind, i.key, False, error) for i in items)
            return
        except EncordStatusError as error:
            if len(items) == 1:
                report.outcomes.append(ItemOutcome(items[0].kind, items[0].key, False, error))
                return
            logger.warning("a bundled request of %d item(s) was refused (%s); sending them one by one", len(items), error)
            for item in items:
                self._run_chunk(runner, [item], report)
            return
        for item, result in zip(items, results):
            if isinstance(result, EncordNbError):
                report.outcomes.append(ItemOutcome(item.kind, item.key, False, result))
                continue
            try:
                if item.on_result is not None:
                    item.on_result(result)
            except EncordNbError as error:
                report.outcomes.append(ItemOutcome(item.kind, item.key, False, error))
                continue
            report.outcomes.append(ItemOutcome(item.kind, item.key, True))


def run_now(runner: Runner, item: BundleItem) -> None:
    """Run one operation without a bundle, raising its error as is."""
    result = runner([item])[0]
    if isinstance(result, EncordNbError):
        raise result
    if item.on_result is not None:
        item.on_result(result)
