"""Helper cells: bulk operations and workflow actions over many label rows, safe by default.

- :func:`bulk` chooses rows (listing filters, predicates, or an explorer's selection) and previews what
  an action would change; ``dry_run=False`` (or :meth:`BulkPreview.run`) makes the changes in bundles
  and returns a :class:`BulkResult` with each row's outcome and an :class:`ActionLog`.
- :func:`undo` reverses a logged run as far as the API allows and says what it cannot reverse.
- :class:`BulkForm` is the same as a widget: filters, action, preview, confirm, progress, result.

Example:
    >>> from encord_nb.cells import bulk, undo
    >>> preview = bulk(project, "priority", where={"stage": "Annotate"}, priority=0.9)   # doctest: +SKIP
    >>> result = preview.run(log_dir="bulk-logs")                                        # doctest: +SKIP
    >>> undo(result.log)                                                                 # doctest: +SKIP
"""

from ._bulk import BulkPlan, BulkPreview, BulkResult, bulk, plan_bulk
from ._form import BulkForm
from ._labels import LabelDiff, has_object
from ._log import ActionLog
from ._selection import Where
from ._undo import undo

__all__ = [
    "ActionLog",
    "BulkForm",
    "BulkPlan",
    "BulkPreview",
    "BulkResult",
    "LabelDiff",
    "Where",
    "bulk",
    "has_object",
    "plan_bulk",
    "undo",
]
