"""Progress reporting that works in a notebook (an ``IntProgress`` bar) and headless (a plain callback)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Union

__all__ = ["ProgressArg", "Progress"]

#: What ``progress=`` accepts: ``None`` (a bar when running in a Jupyter kernel, else nothing), ``False``
#: (nothing), a callable ``(done, total)``, or an ``ipywidgets.IntProgress`` to drive.
ProgressArg = Union[None, bool, Callable[[int, int], Any], Any]


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Progress:
    """Counts rows done out of a total and reports each step to a callback or a progress bar.

    Example:
        >>> seen = []
        >>> progress = Progress(lambda done, total: seen.append((done, total)), total=3)
        >>> progress.advance(2); progress.advance(1)
        >>> seen
        [(0, 3), (2, 3), (3, 3)]
    """

    def __init__(self, target: ProgressArg, total: int, description: str = "bulk"):
        self.total = total
        self.done = 0
        self._callback: Callable[[int, int], Any] | None = None
        self._bar: Any = None
        if target is None and _in_kernel():
            import ipywidgets
            from IPython.display import display

            target = ipywidgets.IntProgress(description=description)
            display(target)
        if callable(target) and not hasattr(target, "max"):
            self._callback = target
        elif target is not None and target is not False and hasattr(target, "max") and hasattr(target, "value"):
            self._bar = target
        self._report()

    def _report(self) -> None:
        if self._callback is not None:
            self._callback(self.done, self.total)
        if self._bar is not None:
            self._bar.max = max(self.total, 1)
            self._bar.value = self.done

    def advance(self, count: int) -> None:
        """Add ``count`` rows to the done count and report."""
        self.done = min(self.total, self.done + count)
        self._report()
