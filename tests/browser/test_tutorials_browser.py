"""The widget-heavy tutorials run in JupyterLab and chromium as a learner would: Run All, every widget renders.

(nbmake runs every tutorial headless; this checks the front end: no widget stuck at "Loading widget...",
the explorers and the gallery on the page. Screenshots land in test-artifacts/browser/; the README's
tutorial pictures are taken from there.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def test_quickstart_runs_and_shows_the_explorers(lab):
    # Given the quickstart, opened in JupyterLab, when the learner runs all cells,
    page = lab.open_notebook(lab.copy_notebook(NOTEBOOKS / "01-quickstart.ipynb"))
    lab.run_all(page)
    # then the projects explorer, the label-rows explorer and the frame explorer are all on the page,
    lab.widget(page, "encord-nb-projects")
    lab.widget(page, "encord-nb-label-rows")
    image = lab.widget(page, "encord-nb-frame-image")
    # with the cat photo drawn at its size and the eyes and keypoints the last cell hid switched off.
    assert image.evaluate("img => img.complete && img.naturalWidth") == 451
    expect(lab.widget(page, "encord-nb-frame-title")).to_contain_text("1 of 4 objects shown")
    lab.screenshot(page, "frame-explorer", show=image)


def test_visual_qa_runs_and_shows_compare_gallery_and_findings(lab):
    # Given the visual-QA tutorial, when the learner runs all cells,
    page = lab.open_notebook(lab.copy_notebook(NOTEBOOKS / "02-visual-label-qa.ipynb"))
    lab.run_all(page)
    # then the gallery shows the three "Cat face" crops (one of them a coin),
    gallery = lab.widget(page, "encord-nb-gallery")
    expect(gallery.locator(".encord-nb-gallery-crop")).to_have_count(3)
    lab.screenshot(page, "cat-face-gallery", show=gallery)
    # the frame explorer's compare mode draws the coin photo's disagreements with the model,
    image = lab.widget(page, "encord-nb-frame-image")
    before = lab.image_fingerprint(image)
    lab.run_python(page, "explorer.reset_view()\nexplorer.hidden_classes = ('Coin outline', 'Coin mask')\n"
                         "explorer.compare_branch = 'predictions'")
    lab.wait_for_image_change(image, before)
    expect(lab.widget(page, "encord-nb-frame-title")).to_contain_text("coins.png")
    expect(lab.widget(page, "encord-nb-compare").locator("select")).to_have_value("predictions")
    lab.screenshot(page, "compare", show=image)
    # and the last cell's table lists the four findings.
    findings = page.locator(".jp-Cell").last.locator(".jp-OutputArea-output")
    for kind in ("offset_box", "self_intersecting_polygon", "wrong_class", "low_confidence"):
        expect(findings).to_contain_text(kind)
    lab.screenshot(page, "findings", show=findings)
