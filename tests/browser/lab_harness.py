"""Drive notebooks in a real JupyterLab, in Debian's chromium, through Playwright.

Two pieces, wired together by the fixtures in ``conftest.py``:

- :class:`LabServer` runs one JupyterLab process for the whole test session: loopback only, a random
  token, a throw-away root dir and throw-away Jupyter/IPython config and data dirs (the user's
  settings cannot leak in), no news, update checks or extension-manager calls, and a kernelspec
  ``python3`` that points at this interpreter (the project's ``.venv``).
- :class:`Lab` is what a test uses: open a notebook, run it, find widgets, click, press keys, read
  images and save screenshots under ``test-artifacts/browser/``.

Example:
    ```python
    @pytest.mark.browser
    def test_button_calls_back(lab):
        page = lab.open_notebook("widgets_smoke.ipynb")
        lab.run_all(page)
        lab.click(lab.widget(page, "smoke-button"))
        expect(lab.widget(page, "smoke-status")).to_have_text("clicked 1")
        lab.screenshot(page, "after-click")
    ```
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = PROJECT_ROOT / "test-artifacts" / "browser"
NOTEBOOKS_DIR = Path(__file__).resolve().parent / "notebooks"

# Debian's chromium: Playwright's own browser download cannot reach the network here.
CHROMIUM_PATH = Path(shutil.which("chromium") or "/usr/bin/chromium")
# The background-networking switches stop chromium from calling home (a closed network answers
# every such call with a refused connection, which slows the browser down and floods the logs).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
MISSING_CHROMIUM_HELP = (
    f"chromium not found at {CHROMIUM_PATH}: the browser tests drive Debian's chromium. "
    "Run `make test` (it installs it) or `apt-get install chromium`."
)

VIEWPORT = {"width": 1280, "height": 900}
SERVER_START_TIMEOUT_S = 60.0
SERVER_STOP_TIMEOUT_S = 10.0
SERVER_POLL_INTERVAL_S = 0.2
API_TIMEOUT_S = 5.0
NOTEBOOK_OPEN_TIMEOUT_S = 60.0
RUN_ALL_TIMEOUT_S = 120.0
# Default wait for a widget to appear or an element to change after an action.
UI_TIMEOUT_S = 15.0
LOG_TAIL_CHARS = 4000

# Output-area texts that mean a widget did not render (ipywidgets' jupyterlab-manager).
WIDGET_FAILURE_TEXTS = ("Loading widget...", "Error displaying widget")

# User settings that keep the lab quiet and predictable: every cell attached to the DOM (so
# outputs further down exist for the tests), no autosave rewriting the test notebooks, no news.
_LAB_USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
# Plugins that would only ask the network or the user something.
_LAB_DISABLED_PLUGINS = {"@jupyterlab/extensionmanager-extension": True}


class LabTimeout(AssertionError):
    """JupyterLab did not reach the awaited state in time; the message says what it was doing."""


class NotebookCellError(AssertionError):
    """A cell raised while :meth:`Lab.run_all` ran the notebook; the message carries the traceback."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


@dataclass
class LabServer:
    """One JupyterLab process on 127.0.0.1, isolated from the user's Jupyter setup.

    Args:
        workdir: An empty directory the server owns: it holds the notebook root, the Jupyter and
            IPython config/data/runtime dirs and the server log.

    Example:
        ```python
        server = LabServer(tmp_path)
        server.start()
        try:
            print(server.url("lab/tree/widgets_smoke.ipynb"))
        finally:
            server.stop()
        ```
    """

    workdir: Path
    token: str = field(default_factory=lambda: secrets.token_hex(24), repr=False)
    port: int = 0
    _process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def root_dir(self) -> Path:
        """The directory JupyterLab serves; notebooks opened by :class:`Lab` live here."""
        return self.workdir / "root"

    @property
    def log_path(self) -> Path:
        return self.workdir / "jupyterlab.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, **query: str) -> str:
        """The address of ``path`` (no leading slash), with the token as a query parameter."""
        params = "&".join([f"token={self.token}", *(f"{k}={v}" if v else k for k, v in query.items())])
        return f"{self.base_url}/{path}?{params}"

    def start(self) -> None:
        """Prepare the isolated dirs, start JupyterLab, and return once its API answers."""
        self.root_dir.mkdir(parents=True, exist_ok=True)
        for notebook in NOTEBOOKS_DIR.glob("*.ipynb"):
            shutil.copy2(notebook, self.root_dir / notebook.name)
        env = self._prepare_environment()
        self.port = _free_port()
        command = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--IdentityProvider.token={self.token}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            f"--LabApp.user_settings_dir={self.workdir / 'lab-user-settings'}",
            f"--LabApp.workspaces_dir={self.workdir / 'lab-workspaces'}",
            # Gives the harness `window.jupyterapp`: run commands and read kernel state directly.
            "--LabApp.expose_app_in_browser=True",
        ]  # fmt: skip
        if os.geteuid() == 0:
            command.append("--allow-root")  # CI containers often run as root
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command, cwd=self.root_dir, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_answering()

    def _prepare_environment(self) -> dict[str, str]:
        config_dir = self.workdir / "jupyter-config"
        data_dir = self.workdir / "jupyter-data"
        _write_json(config_dir / "labconfig" / "page_config.json", {"disabledExtensions": _LAB_DISABLED_PLUGINS})
        for name, settings in _LAB_USER_SETTINGS.items():
            _write_json(self.workdir / "lab-user-settings" / name, settings)
        # The kernel is this interpreter (the project's .venv), whatever else is installed.
        _write_json(
            data_dir / "kernels" / "python3" / "kernel.json",
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "metadata": {"debugger": True},
            },
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "PYTHONWARNINGS"))}
        env.update(
            JUPYTER_CONFIG_DIR=str(config_dir),
            JUPYTER_DATA_DIR=str(data_dir),
            JUPYTER_RUNTIME_DIR=str(self.workdir / "jupyter-runtime"),
            IPYTHONDIR=str(self.workdir / "ipython"),
            JUPYTER_PLATFORM_DIRS="1",
            # In a venv Jupyter would rank the venv's own dirs first; ours (above) must win.
            JUPYTER_PREFER_ENV_PATH="0",
            PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        )
        return env

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with code {self._process.returncode} while starting.\n{self.log_tail()}"
                )
            try:
                self.api("GET", "api/status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(SERVER_POLL_INTERVAL_S)
        self.stop()
        raise LabTimeout(f"JupyterLab did not answer within {SERVER_START_TIMEOUT_S:.0f} s.\n{self.log_tail()}")

    def api(self, method: str, path: str) -> object:
        """Call the Jupyter server's REST API (``path`` without leading slash); decoded JSON or None."""
        request = urllib.request.Request(
            f"{self.base_url}/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=API_TIMEOUT_S) as response:  # noqa: S310 (loopback)
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_sessions(self) -> None:
        """Stop every notebook session and its kernel (between tests: the CI machine has 2 cores)."""
        for session in self.api("GET", "api/sessions") or []:
            self.api("DELETE", f"api/sessions/{session['id']}")

    def redacted_log(self) -> str:
        """The server's log with the token masked."""
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace").replace(self.token, "<token>")

    def log_tail(self) -> str:
        return "--- JupyterLab log (tail) ---\n" + self.redacted_log()[-LOG_TAIL_CHARS:]

    def stop(self) -> None:
        """Stop JupyterLab (it shuts its kernels down) and keep its log, token masked, as an artifact."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS_DIR / "jupyterlab.log").write_text(self.redacted_log(), encoding="utf-8")


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's chromium, headless, with no calls home. Fails with install advice when it is missing."""
    if not CHROMIUM_PATH.exists():
        raise FileNotFoundError(MISSING_CHROMIUM_HELP)
    return playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=list(CHROMIUM_ARGS), headless=True)


# Where the open notebook stands, read through `window.jupyterapp` (see --LabApp.expose_app_in_browser).
_NOTEBOOK_STATE_JS = """
() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.sessionContext || !panel.content) return {phase: 'no notebook open'};
  if (!panel.context.isReady) return {phase: 'notebook loading'};
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const status = kernel ? kernel.status : 'none';
  const cells = [];
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    cells.push({count: cell.model.executionCount,
                outputs: cell.model.outputs.toJSON().filter(o => o.output_type === 'error')});
  }
  return {phase: 'open', kernel: status, cells: cells};
}
"""
# Executes code on the current notebook's kernel and collects its stdout, results and error.
_RUN_PYTHON_JS = """
async ({code, timeoutMs}) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code: code, store_history: false, allow_stdin: false});
  let output = '';
  let error = null;
  future.onIOPub = message => {
    const kind = message.header.msg_type;
    if (kind === 'stream') output += message.content.text;
    else if (kind === 'execute_result') output += message.content.data['text/plain'];
    else if (kind === 'error') error = {ename: message.content.ename, evalue: message.content.evalue};
  };
  const timedOut = await Promise.race([
    future.done.then(() => false),
    new Promise(resolve => setTimeout(() => resolve(true), timeoutMs)),
  ]);
  return {output: output, error: error, timedOut: timedOut};
}
"""
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Lab:
    """A test's handle on JupyterLab in chromium: notebooks, widgets, input and screenshots.

    Every page opened through it lives in one fresh browser context; :meth:`close` (called by the
    ``lab`` fixture) closes them and stops their kernels.

    Args:
        server: The running :class:`LabServer`.
        browser: A chromium launched by :func:`launch_chromium`.
        test_name: Names the screenshot folder ``test-artifacts/browser/<test_name>/``.

    Example:
        ```python
        page = lab.open_notebook("widgets_smoke.ipynb")
        lab.run_all(page)
        image = lab.widget(page, "smoke-image")
        before = lab.image_fingerprint(image)
        lab.click(lab.widget(page, "smoke-button"))
        lab.wait_for_image_change(image, before)
        ```
    """

    server: LabServer
    browser: Browser
    test_name: str
    _context: BrowserContext | None = field(default=None, repr=False)
    _screenshots: int = 0
    page_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Screenshots of an earlier run of the same test would mix with this run's.
        shutil.rmtree(ARTIFACTS_DIR / self.test_name, ignore_errors=True)

    # -- notebooks -------------------------------------------------------------------------------

    def write_notebook(self, name: str, cells: list[str]) -> str:
        """Write a notebook of code cells (sources as strings) into the lab's root; returns ``name``."""
        notebook = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(source) for source in cells],
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
            },
        )
        nbformat.write(notebook, self.server.root_dir / name)
        return name

    def copy_notebook(self, source: Path, name: str | None = None) -> str:
        """Copy an existing notebook (e.g. a tutorial) into the lab's root; returns its name there."""
        name = name or source.name
        shutil.copy2(source, self.server.root_dir / name)
        return name

    def open_notebook(self, name: str) -> Page:
        """Open ``name`` (relative to the root dir) in a new tab; returns once its kernel is idle."""
        if not (self.server.root_dir / name).exists():
            raise FileNotFoundError(
                f"{name} is not in the lab's root dir; put it in {NOTEBOOKS_DIR} or use lab.write_notebook()."
            )
        page = self._browser_context().new_page()
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and self.page_errors.append(message.text))
        # `reset` starts from an empty workspace instead of restoring the previous test's tabs.
        page.goto(self.server.url(f"lab/tree/{urllib.parse.quote(name)}", reset=""))
        self._wait_for(page, "the notebook to open with an idle kernel", NOTEBOOK_OPEN_TIMEOUT_S,
                       lambda state: state["phase"] == "open" and state["kernel"] == "idle")  # fmt: skip
        # More room for the notebook in screenshots: fold the file browser away.
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        return page

    def run_all(self, page: Page, timeout: float = RUN_ALL_TIMEOUT_S) -> None:
        """Run every cell and wait until all code cells ran and the kernel is idle.

        Raises:
            LabTimeout: The cells were still running after ``timeout`` seconds.
            NotebookCellError: A cell raised; the message names the first such cell.
        """
        # Clear the counts first, so a finished earlier run cannot pass for this one.
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        state = self._wait_for(page, "all cells to run and the kernel to be idle", timeout,
                               lambda s: s["phase"] == "open" and s["kernel"] == "idle"
                               and all(cell["count"] is not None for cell in s["cells"]))  # fmt: skip
        failures = [(number, cell["outputs"][0]) for number, cell in enumerate(state["cells"], 1) if cell["outputs"]]
        if failures:
            number, error = failures[0]
            traceback = _ANSI_ESCAPE.sub("", "\n".join(error.get("traceback", [])))
            raise NotebookCellError(
                f"code cell {number} raised {error['ename']}: {error['evalue']}\n{traceback}"
            )

    def run_python(self, page: Page, code: str, timeout: float = UI_TIMEOUT_S) -> str:
        """Run ``code`` in the notebook's kernel, outside any cell; returns what it printed.

        For checking Python-side state after a UI action, e.g. ``lab.run_python(page, "print(clicks)")``.

        Raises:
            NotebookCellError: The code raised.
        """
        result = page.evaluate(_RUN_PYTHON_JS, {"code": code, "timeoutMs": timeout * 1000})
        if result["timedOut"]:
            raise LabTimeout(f"the kernel did not finish {code!r} within {timeout:.0f} s")
        if result["error"]:
            error = result["error"]
            raise NotebookCellError(f"{code!r} raised {error['ename']}: {error['evalue']}")
        return result["output"]

    def _wait_for(self, page: Page, what: str, timeout: float, done) -> dict:
        deadline = time.monotonic() + timeout
        state: dict = {}
        while time.monotonic() < deadline:
            state = page.evaluate(_NOTEBOOK_STATE_JS)
            if done(state):
                return state
            page.wait_for_timeout(100)
        self.screenshot(page, "timeout")
        raise LabTimeout(
            f"waited {timeout:.0f} s for {what}; last state: {json.dumps(state)[:1000]}; "
            f"page errors: {self.page_errors[-5:]}"
        )

    # -- finding widgets -------------------------------------------------------------------------

    def widget(self, page: Page, css_class: str, timeout: float = UI_TIMEOUT_S) -> Locator:
        """The one element carrying ``css_class`` (``widget.add_class(...)``), once it is visible.

        Also checks that no widget output in the page is stuck at "Loading widget..." or failed.
        """
        return self._visible(page, page.locator(f".{css_class}"), timeout)

    def by_test_id(self, page: Page, test_id: str, timeout: float = UI_TIMEOUT_S) -> Locator:
        """The one element with ``data-testid="<test_id>"``, once it is visible."""
        return self._visible(page, page.get_by_test_id(test_id), timeout)

    def output_area(self, widget: Locator) -> Locator:
        """The notebook output area that holds ``widget``."""
        return widget.locator("xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')][1]")

    def _visible(self, page: Page, locator: Locator, timeout: float) -> Locator:
        locator.wait_for(state="visible", timeout=timeout * 1000)
        self.assert_widgets_rendered(page)
        return locator

    def assert_widgets_rendered(self, page: Page) -> None:
        """Fail if any output area still says "Loading widget..." or "Error displaying widget"."""
        outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
        stuck = [text.strip() for text in outputs if text.strip().startswith(WIDGET_FAILURE_TEXTS)]
        assert not stuck, f"widgets did not render: {stuck}; page errors: {self.page_errors[-5:]}"

    # -- input -----------------------------------------------------------------------------------

    def click(self, target: Locator) -> None:
        """Click the element like a user (scrolled into view, mouse down and up on its centre)."""
        target.click(timeout=UI_TIMEOUT_S * 1000)

    def press(self, target: Locator, key: str) -> None:
        """Press ``key`` (Playwright key name, e.g. ``"ArrowRight"``) with the focus on ``target``.

        The mouse rests over the element first: ipyevents listens for keys only while the pointer is
        over its source widget.
        """
        target.hover(timeout=UI_TIMEOUT_S * 1000)
        target.focus(timeout=UI_TIMEOUT_S * 1000)
        target.page.keyboard.press(key)

    # -- images ----------------------------------------------------------------------------------

    def image_src(self, image: Locator) -> str:
        """The ``src`` of an ``<img>`` (a ``data:`` or, for ipywidgets.Image, a ``blob:`` URL)."""
        return image.evaluate("img => img.src")

    def image_fingerprint(self, image: Locator) -> str:
        """A short digest of the bytes the ``<img>`` shows; changes exactly when the picture does."""
        return image.evaluate(
            """async img => {
                const bytes = await (await fetch(img.src)).arrayBuffer();
                const digest = await crypto.subtle.digest('SHA-256', bytes);
                return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
            }"""
        )

    def wait_for_image_change(self, image: Locator, before: str, timeout: float = UI_TIMEOUT_S) -> str:
        """Wait until :meth:`image_fingerprint` differs from ``before``; returns the new fingerprint."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = self.image_fingerprint(image)
            if now != before:
                return now
            image.page.wait_for_timeout(50)
        self.screenshot(image.page, "image-unchanged")
        raise LabTimeout(f"the image did not change within {timeout:.0f} s")

    # -- artifacts and teardown ------------------------------------------------------------------

    def screenshot(self, page: Page, name: str, show: Locator | None = None) -> Path:
        """Save the page as ``test-artifacts/browser/<test>/<NN>-<name>.png``; returns the path.

        The notebook scrolls inside the page, so pass ``show`` (e.g. a widget) to scroll it into view first.
        """
        if show is not None:
            show.scroll_into_view_if_needed()
        self._screenshots += 1
        path = ARTIFACTS_DIR / self.test_name / f"{self._screenshots:02d}-{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    def pages(self) -> list[Page]:
        return list(self._context.pages) if self._context else []

    def _browser_context(self) -> BrowserContext:
        if self._context is None:
            self._context = self.browser.new_context(viewport=VIEWPORT)
            self._context.set_default_timeout(UI_TIMEOUT_S * 1000)
        return self._context

    def close(self) -> None:
        """Close this test's pages and stop the kernels they started."""
        if self._context is not None:
            self._context.close()
            self._context = None
        self.server.shutdown_sessions()
