"""Fixtures for the browser tests: one JupyterLab and one chromium per session, a fresh ``lab`` per test.

- ``lab_server`` (session): the running :class:`lab_harness.LabServer`.
- ``chromium`` (session): Debian's chromium driven by Playwright; a missing browser fails the test
  with install advice (never a skip).
- ``lab`` (function): a :class:`lab_harness.Lab` for the test; on failure it screenshots every open
  page, and it always closes its pages and stops their kernels.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

try:
    from playwright.sync_api import Browser, expect, sync_playwright
except ImportError as error:  # pragma: no cover - only without the test extras
    raise ImportError(
        "The browser tests need Playwright for Python: run `make test` or `pip install -e '.[test]'`."
    ) from error

from lab_harness import CHROMIUM_PATH, MISSING_CHROMIUM_HELP, UI_TIMEOUT_S, Lab, LabServer, launch_chromium

# Python callbacks behind a click can take a while on a busy 2-core CI runner.
expect.set_options(timeout=UI_TIMEOUT_S * 1000)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM_PATH.exists():
        pytest.fail(MISSING_CHROMIUM_HELP, pytrace=False)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Keep each phase's report on the test item, so the `lab` fixture can tell a failed test.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def lab(request: pytest.FixtureRequest, lab_server: LabServer, chromium: Browser) -> Iterator[Lab]:
    harness = Lab(lab_server, chromium, test_name=re.sub(r"[^\w.-]+", "_", request.node.name))
    try:
        yield harness
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            for page in harness.pages():
                harness.screenshot(page, "failure")
        harness.close()
