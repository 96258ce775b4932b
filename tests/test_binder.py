"""Binder can build the tutorials' environment from ``binder/`` alone, and the quickstart runs in it.

The slow test mirrors what Binder (repo2docker) does with this repository: a fresh Python
environment, ``pip install -r binder/requirements.txt``, then ``binder/postBuild`` from the
repository root, then a notebook. JupyterLab, pinned in the requirements, brings ipykernel and
nbclient, which is all the notebook run needs: nothing is installed for the test only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli there
    import tomli as tomllib
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"
RUNNER = REPO / "tests" / "tutorials" / "notebook_runner.py"
QUICKSTART = "notebooks/01-quickstart.ipynb"
#: Not part of what Binder needs from a checkout (and slow or large to copy).
NOT_COPIED = (".git", ".venv", "__pycache__", ".pytest_cache", "test-artifacts", "*.egg-info", "build", "dist",
              ".ipynb_checkpoints")
#: Variables of this machine that must not leak into the Binder environment.
AMBIENT = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "ENCORD_NB_HOME", "ENCORD_SSH_KEY", "ENCORD_SSH_KEY_FILE",
           "XDG_CACHE_HOME")
#: Generous: a cold pip cache downloads JupyterLab and friends.
INSTALL_TIMEOUT_S = 900
RUN_TIMEOUT_S = 600


def _pins() -> dict[str, str]:
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            pinned = [s for s in requirement.specifier if s.operator == "=="]
            assert pinned, f"binder/requirements.txt: {line!r} is not pinned with =="
            pins[canonicalize_name(requirement.name)] = pinned[0].version
    return pins


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def test_every_runtime_dependency_is_pinned_within_its_range():
    # Given the package's runtime dependencies and Binder's pins,
    pins = _pins()
    needed = {canonicalize_name(Requirement(d).name): Requirement(d) for d in _project()["dependencies"]}
    # then each dependency is pinned (postBuild installs the package without dependencies),
    missing = sorted(set(needed) - set(pins))
    assert not missing, f"binder/requirements.txt lacks {missing}: pin them (e.g. at the versions in .venv)"
    # and each pin satisfies pyproject's range (the slow test below proves the pinned set works).
    for name, requirement in needed.items():
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} is outside {requirement}"


def test_binder_python_is_one_the_package_supports():
    text = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)", text)
    assert match, f"binder/runtime.txt should read like 'python-3.11', not {text!r}"
    assert SpecifierSet(_project()["requires-python"]).contains(f"{match.group(1)}.0")


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_a_fresh_environment_from_binder_files_runs_the_quickstart(tmp_path):
    # Given a copy of the repository, a fresh home folder and a fresh virtual environment
    # (pip's download cache is shared with this machine's, to keep the test fast),
    repo = tmp_path / "repo"
    shutil.copytree(REPO, repo, ignore=shutil.ignore_patterns(*NOT_COPIED))
    home = tmp_path / "home"
    home.mkdir()
    cache = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True).stdout.strip()
    venv = tmp_path / "venv"
    # A venv without pip, which this interpreter's pip then installs into it: faster than ensurepip.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=RUN_TIMEOUT_S)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in AMBIENT}
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    if cache:
        env["PIP_CACHE_DIR"] = cache
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-compile"]
    _run([*pip, "pip"], repo, env, INSTALL_TIMEOUT_S)

    # when Binder's two steps run: the pinned requirements, then postBuild from the repository root,
    _run([*pip, "-r", "binder/requirements.txt"], repo, env, INSTALL_TIMEOUT_S)
    _run([str(repo / "binder" / "postBuild")], repo, env, INSTALL_TIMEOUT_S)
    # then postBuild has built the demo workspace in the environment's default place,
    workspace = home / ".cache" / "encord_nb" / "demo"
    assert (workspace / "workspace.sqlite").is_file(), "postBuild should build the demo workspace"
    video = workspace / "media" / "videos" / "chelsea-pan.mp4"  # a rebuild deletes and writes the media again
    built_at = video.stat().st_mtime_ns

    # and the quickstart runs top to bottom with that environment's own Python and kernel,
    out = tmp_path / "quickstart.json"
    probe = "[__import__('sys').prefix, __import__('encord_nb').__file__]"
    _run([str(python), str(RUNNER), QUICKSTART, str(repo / "notebooks"), str(out), probe], repo, env, RUN_TIMEOUT_S)
    result = json.loads(out.read_text())
    prefix, package = result["probe"]
    assert Path(prefix).resolve() == venv.resolve(), "the kernel should be the Binder environment's Python"
    assert Path(package).resolve().is_relative_to(venv.resolve()), "encord_nb should be the one postBuild installed"
    text = "".join(t for cell in result["outputs"] for t in cell)
    assert "Connected to the embedded demo server at http://127.0.0.1:" in text
    # on the workspace postBuild built (reused, not rebuilt).
    assert video.stat().st_mtime_ns == built_at
