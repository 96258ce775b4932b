"""Run a notebook top to bottom in a fresh kernel, then one probe cell in the same kernel.

The probe reads what the notebook left behind (its last result, a variable) as JSON. Used in
process by the tutorial tests and, as a script, by the Binder test with the Binder environment's
own interpreter (so it needs only nbformat and nbclient, which JupyterLab brings):

    python notebook_runner.py NOTEBOOK WORKDIR OUT.json [PROBE_SOURCE]

``OUT.json`` receives ``{"outputs": [[text, ...] per cell], "probe": <the probe's JSON>}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

#: Longest a single cell may run (building the demo workspace on a cold cache is the slowest).
CELL_TIMEOUT_S = 300
#: The probe prints one line starting with this marker, followed by its JSON.
PROBE_MARKER = "PROBE-JSON:"


def cell_texts(cell: Any) -> list[str]:
    """A code cell's printed and displayed text (stdout, stderr, ``text/plain`` results), in order."""
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            texts.append(output.get("text", ""))
        elif "data" in output:
            texts.append(output["data"].get("text/plain", ""))
    return texts


def run_notebook(
    path: str | Path, workdir: str | Path, probe: str | None = None, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Execute ``path`` with ``workdir`` as the kernel's working folder, then ``probe`` in the same kernel.

    ``probe`` is an expression whose value is JSON-serialisable; ``Out`` and ``_`` hold the notebook's
    results, so ``Out[LAST]`` (replaced by the last code cell's execution count) is its last cell's result.

    Raises:
        nbclient.exceptions.CellExecutionError: a cell (or the probe) failed; the message names it.
    """
    notebook = nbformat.read(str(path), as_version=4)
    client = NotebookClient(
        notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    probed = None
    with client.setup_kernel(**({"env": env} if env is not None else {})):
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        if probe is not None:
            last = max(c.get("execution_count") or 0 for c in notebook.cells if c.cell_type == "code")
            source = f"import json as _json\nprint({PROBE_MARKER!r} + _json.dumps({probe.replace('LAST', str(last))}))"
            cell = nbformat.v4.new_code_cell(source)
            notebook.cells.append(cell)
            client.execute_cell(cell, len(notebook.cells) - 1)
            notebook.cells.pop()
            line = next(t for t in "".join(cell_texts(cell)).splitlines() if t.startswith(PROBE_MARKER))
            probed = json.loads(line[len(PROBE_MARKER):])
    return {"outputs": [cell_texts(c) for c in notebook.cells if c.cell_type == "code"], "probe": probed}


if __name__ == "__main__":
    notebook_path, work, out_path, *rest = sys.argv[1:]
    result = run_notebook(notebook_path, work, rest[0] if rest else None)
    Path(out_path).write_text(json.dumps(result))
