"""The harness itself, proved with stock ipywidgets and ipyevents in JupyterLab and chromium."""

from __future__ import annotations

import sys

import pytest
from lab_harness import NotebookCellError
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_widgets_render_and_run_python_callbacks_on_click_and_key(lab):
    # Given the smoke notebook, run in JupyterLab
    page = lab.open_notebook("widgets_smoke.ipynb")
    lab.run_all(page)
    button = lab.widget(page, "smoke-button")
    image = lab.widget(page, "smoke-image")
    status = lab.widget(page, "smoke-status")
    lab.screenshot(page, "rendered", show=status)

    # Then the widgets are real: an <img> with a picture, the initial text, the project's kernel
    assert image.evaluate("el => el.tagName") == "IMG"
    assert image.evaluate("img => img.complete && img.naturalWidth") == 96
    expect(status).to_have_text("ready")
    expect(lab.widget(page, "smoke-kernel-python")).to_have_text(sys.executable)
    first_picture = lab.image_fingerprint(image)
    first_src = lab.image_src(image)

    # When the button is clicked, then its Python callback updates the text and the picture
    lab.click(button)
    expect(status).to_have_text("clicked 1")
    second_picture = lab.wait_for_image_change(image, first_picture)
    assert lab.image_src(image) != first_src
    assert lab.run_python(page, "print(clicks)") == "1\n"
    lab.screenshot(page, "after-click", show=status)

    # When ArrowRight is pressed over the image, then the ipyevents handler in Python sees it
    lab.press(image, "ArrowRight")
    expect(status).to_have_text("key ArrowRight")
    assert lab.image_fingerprint(image) == second_picture
    lab.screenshot(page, "after-arrow-right", show=status)


def test_run_all_reports_the_failing_cell_with_its_traceback(lab):
    # Given a notebook whose second cell raises
    name = lab.write_notebook("raises.ipynb", ["answer = 42", "raise ValueError(f'bad answer {answer}')"])
    page = lab.open_notebook(name)

    # When it runs, then the error names the cell, the exception and the message
    with pytest.raises(NotebookCellError, match=r"code cell 2 raised ValueError: bad answer 42"):
        lab.run_all(page)
    lab.screenshot(page, "cell-error")

    # And code run in the kernel afterwards sees the first cell's state and reports its own errors
    assert lab.run_python(page, "answer + 1") == "43"
    with pytest.raises(NotebookCellError, match="NameError"):
        lab.run_python(page, "undefined_name")
