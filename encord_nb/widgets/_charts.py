"""Small matplotlib bar charts as PNG bytes (stage and status counts), drawn without pyplot's global state."""

from __future__ import annotations

import io
from collections.abc import Mapping

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Size of one chart in inches, and its resolution.
CHART_SIZE_IN = (3.6, 2.2)
CHART_DPI = 90
_BAR_COLOUR = "#4c72b0"


def bar_chart_png(counts: Mapping[str, int], title: str) -> bytes:
    """A horizontal bar chart of ``counts`` (label -> count), in the mapping's order, as PNG bytes.

    Example:
        >>> bar_chart_png({"Annotate": 3, "Review": 2}, "Tasks per stage")[:4]
        b'\\x89PNG'
    """
    labels = [str(label) for label in counts]
    values = [int(value) for value in counts.values()]
    height = max(CHART_SIZE_IN[1], 0.9 + 0.28 * len(labels))
    figure = Figure(figsize=(CHART_SIZE_IN[0], height), dpi=CHART_DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    axes.barh(positions, values, color=_BAR_COLOUR)
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    axes.set_title(title, fontsize=10)
    axes.tick_params(labelsize=8)
    for position, value in zip(positions, values):
        axes.annotate(str(value), (value, position), xytext=(3, 0), textcoords="offset points",
                      va="center", fontsize=8)
    axes.set_xlim(0, max(values + [1]) * 1.2)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
