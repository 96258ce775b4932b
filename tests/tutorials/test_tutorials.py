"""The tutorials teach what they say: run each one that makes a claim and check the claim.

(``make test`` also runs every notebook with nbmake; these tests check results, not just that
the cells run.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from encord_nb.demo import PLANTED_ERRORS
from encord_nb.server.store import Store

from .notebook_runner import run_notebook

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
TUTORIALS = sorted(p for p in NOTEBOOKS.glob("0[1-9]-*.ipynb"))
#: Reading speeds for the ten-minute budget: prose words, and non-blank code lines, per minute.
PROSE_WORDS_PER_MIN = 200
CODE_LINES_PER_MIN = 15
READING_BUDGET_MIN = 10


def _notebook(name: str) -> Path:
    matches = sorted(NOTEBOOKS.glob(f"{name}-*.ipynb"))
    assert len(matches) == 1, f"expected one notebook notebooks/{name}-*.ipynb, found {[m.name for m in matches]}"
    return matches[0]


def _sources(path: Path, kind: str) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == kind]


def _workspace_state(store_path: Path) -> list[tuple]:
    """Every label row of every branch with its hash, status, stage, priority and assignee."""
    with Store(store_path) as store:
        return sorted(
            (p.title, r.data_title, r.branch_name, r.label_hash, r.label_status, r.stage_title,
             r.annotation_task_status, r.priority, r.assignee_email)
            for p in store.list_projects()
            for r in store.list_label_rows(p.project_hash, include_all_branches=True)
        )


def test_there_are_six_tutorials():
    assert [p.name[:2] for p in TUTORIALS] == ["01", "02", "03", "04", "05", "06"]


@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.name)
def test_each_tutorial_is_a_ten_minute_read(path):
    words = sum(len(s.split()) for s in _sources(path, "markdown"))
    lines = sum(1 for s in _sources(path, "code") for line in s.splitlines() if line.strip())
    minutes = words / PROSE_WORDS_PER_MIN + lines / CODE_LINES_PER_MIN
    assert minutes <= READING_BUDGET_MIN, f"{path.name}: {words} words and {lines} code lines read in ~{minutes:.1f} min"


def test_visual_qa_finds_exactly_the_planted_errors_with_the_toolkit(tutorial_home, kernel_env, tmp_path):
    # Given the visual-QA tutorial, which must find the errors itself, never read the answer,
    path = _notebook("02")
    assert not any("PLANTED_ERRORS" in s for s in _sources(path, "code")), "the tutorial must not read the answer"
    store_path = tutorial_home / "demo" / "workspace.sqlite"
    before = _workspace_state(store_path)
    # when it runs top to bottom, and its last cell's result (a DataFrame) is read back,
    result = run_notebook(path, tmp_path, "Out[LAST].to_dict(orient='records')", env=kernel_env)
    # then it lists each planted error once (by data title, branch, object and kind) and nothing else,
    found = [(f["data"], f["branch"], f["object"], f["kind"]) for f in result["probe"]]
    planted = [(e.data_title, e.branch_name, e.object_hash, e.kind) for e in PLANTED_ERRORS]
    assert sorted(found) == sorted(planted)
    # and looking changed nothing in the workspace (no label row created, no task moved).
    assert _workspace_state(store_path) == before


def test_workflow_actions_tutorial_changes_only_its_scratch_copy(tutorial_home, kernel_env, tmp_path):
    # Given the shared demo workspace the other tutorials start from,
    store_path = tutorial_home / "demo" / "workspace.sqlite"
    before = _workspace_state(store_path)
    # when the bulk-actions tutorial runs (it approves, rejects, completes, reopens and undoes),
    result = run_notebook(_notebook("03"), tmp_path, "[raised.counts(), rejected.counts()]", env=kernel_env)
    # then its changes were made (on its scratch copy) and the shared workspace is as it was.
    assert result["probe"] == [{"done": 4}, {"done": 1}]
    assert _workspace_state(store_path) == before


def test_own_account_tutorial_uses_a_key_it_registers_on_loopback(kernel_env, tmp_path):
    # Given an environment that names a key file that does not exist and a proxy that refuses
    # everything (so any request leaving the machine would fail),
    env = dict(kernel_env, ENCORD_SSH_KEY_FILE=str(tmp_path / "no-such-key"),
               HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9")
    # when the "connect your own account" tutorial runs with its default settings,
    result = run_notebook(_notebook("05"), tmp_path, "[USE_MY_ACCOUNT, domain, registered.email, "
                                                     "registered.public_key_hex, repr(client)]", env=env)
    use_my_account, domain, email, key_hex, client_repr = result["probe"]
    # then it connected only to a loopback server, with the key it created and registered there,
    assert use_my_account is False
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", domain)
    text = "".join(t for cell in result["outputs"] for t in cell)
    assert text.count(f"Connected to Encord at {domain}.") == 2, "both connect() calls should use the registered key"
    assert "demo server" not in text, "with a key, connect() must not fall back to the demo server"
    assert email == "you@example.com" and f"key id {key_hex[:8]}" in client_repr
    # and the private key never appears in any output.
    assert "PRIVATE KEY" not in text


def test_readme_links_every_tutorial_in_its_tutorials_section():
    readme = (REPO / "README.md").read_text()
    assert "\n## Tutorials\n" in readme, "the README should have a Tutorials section"
    section = readme.split("\n## Tutorials\n", 1)[1].split("\n## ", 1)[0]
    missing = [p.name for p in TUTORIALS if f"](notebooks/{p.name})" not in section]
    assert not missing, f"the README's Tutorials section does not link {missing}"
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", section)
    assert pictures and all((REPO / p).is_file() for p in pictures), f"README pictures missing: {pictures}"
