"""Running planned changes: chunks of ``bundle_size`` rows, one bundle each, rate limits honoured.

Each chunk goes out through one client bundle, which merges the rows' calls into as few requests
as the API allows; when the server refuses a merged request as a whole, the bundle sends its items
one by one and reports each item's own outcome. A row refused with 429 waits the ``Retry-After``
the server named and is sent again (a few times at most). Every other outcome is final: done, or
failed with the server's reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from encord_nb.exceptions import BundleError, RateLimitError
from encord_nb.widgets._common import describe_error

from ._actions import Action, RowPlan
from ._view import ProjectView
from ._progress import Progress

__all__ = ["DEFAULT_BUNDLE_SIZE", "MAX_RATE_LIMIT_RETRIES", "MAX_RETRY_WAIT_S", "RowOutcome", "execute"]

#: Rows per bundle unless the caller says otherwise.
DEFAULT_BUNDLE_SIZE = 100
#: How many times one chunk is sent again after the server answered 429.
MAX_RATE_LIMIT_RETRIES = 5
#: Longest wait for one ``Retry-After``, whatever the server asks (seconds).
MAX_RETRY_WAIT_S = 60.0
#: Wait when a 429 came without ``Retry-After`` (seconds).
DEFAULT_RETRY_WAIT_S = 1.0


@dataclass
class RowOutcome:
    """How one planned row went: ``error`` is None when the change was made."""

    plan: RowPlan
    error: BaseException | None = None
    note: str | None = None

    @property
    def done(self) -> bool:
        return self.error is None


def _send_chunk(project: Any, action: Action, plans: Sequence[RowPlan], bundle_size: int) -> dict[str, BaseException | None]:
    """Send one chunk through one bundle; each row's error (None when it went through)."""
    bundle = project.create_bundle(bundle_size=bundle_size)
    submitted: list[RowPlan] = []
    outcomes: dict[str, BaseException | None] = {}
    for plan in plans:
        try:
            action.submit(plan, bundle)
        except Exception as error:  # the client refused the call before sending (e.g. wrong project type)
            outcomes[plan.key] = error
        else:
            submitted.append(plan)
    if submitted:
        outcomes.update(bundle_outcomes(bundle, submitted))
    return outcomes


def _plan_keys(plan: RowPlan) -> list[str]:
    """Every key a bundle may report this row's item under (label hash, data hash, task uuid)."""
    keys = [plan.row.label_hash, plan.row.data_hash, getattr(plan.task, "uuid", None)]
    return [str(k) for k in keys if k]


def bundle_outcomes(bundle: Any, plans: Sequence[RowPlan]) -> dict[str, BaseException | None]:
    """Execute ``bundle`` and map its per-item report to the rows' keys (None: the row's item went through)."""
    try:
        report = bundle.execute()
    except BundleError as error:  # some items failed: the report says which
        report = error.report
    except Exception as error:  # a refusal of the whole bundle (429, lost connection, ...) is every row's outcome
        return {plan.key: error for plan in plans}
    errors = {str(o.key): o.error for o in getattr(report, "outcomes", None) or [] if not o.ok}
    return {plan.key: next((errors[k] for k in _plan_keys(plan) if k in errors), None) for plan in plans}


def execute(
    project: Any,
    action: Action,
    plans: Sequence[RowPlan],
    *,
    view: ProjectView,
    bundle_size: int,
    progress: Progress,
    on_chunk: Callable[[list[RowOutcome]], None],
) -> list[RowOutcome]:
    """Send every plan in chunks; ``on_chunk`` gets each chunk's outcomes as soon as they are known."""
    results: list[RowOutcome] = []
    for start in range(0, len(plans), bundle_size):
        chunk = list(plans[start : start + bundle_size])
        final: dict[str, RowOutcome] = {}
        pending = chunk
        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            errors = _send_chunk(project, action, pending, bundle_size)
            last = attempt == MAX_RATE_LIMIT_RETRIES
            limited = [p for p in pending if isinstance(errors.get(p.key), RateLimitError) and not last]
            waiting = {p.key for p in limited}
            for plan in pending:
                if plan.key not in waiting:
                    final[plan.key] = RowOutcome(plan, errors.get(plan.key))
            if not limited:
                break
            waits = [errors[p.key].retry_after for p in limited if errors[p.key].retry_after is not None]
            time.sleep(min(max(waits) if waits else DEFAULT_RETRY_WAIT_S, MAX_RETRY_WAIT_S))
            pending = limited
        outcomes = [final[p.key] for p in chunk]
        for outcome in outcomes:
            if outcome.done:
                try:
                    action.follow_up(outcome.plan, view)
                except Exception as error:  # the change itself was made; say what did not follow
                    outcome.note = f"done, but the follow-up failed: {describe_error(error)}"
        on_chunk(outcomes)
        results.extend(outcomes)
        progress.advance(len(chunk))
    return results
