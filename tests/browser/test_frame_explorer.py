"""The frame explorer in JupyterLab and chromium: it renders, clicks select objects, keys step frames, titles are text."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect
from test_explorers import VISUAL_QA, XSS_TITLE, setup_cell, workspace_with_hostile_row

pytestmark = pytest.mark.browser


def explorer_setup_cell(workspace, demo_workspace) -> str:
    """The first cell: serve the workspace copy, sign in with our client, list the visual-QA project's rows."""
    return setup_cell(workspace, demo_workspace) + f"""
from encord_nb.widgets import FrameExplorer
project = client.get_project({demo_workspace.projects[VISUAL_QA]!r})
rows = {{r.data_title: r for r in project.list_label_rows_v2()}}
"""


def test_explorer_renders_clicks_select_and_keys_step(lab, demo_workspace, tmp_path):
    # Given a notebook showing the cat photo, then the cat video, in a frame explorer
    workspace = workspace_with_hostile_row(demo_workspace, tmp_path)
    name = lab.write_notebook("frame_explorer.ipynb", [
        explorer_setup_cell(workspace, demo_workspace),
        "explorer = FrameExplorer(rows=[rows['chelsea.png'], rows['chelsea-pan.mp4']], project=project)\nexplorer",
    ])  # fmt: skip
    page = lab.open_notebook(name)
    lab.run_all(page)
    image = lab.widget(page, "encord-nb-frame-image")
    card = lab.widget(page, "encord-nb-info-card")
    title = lab.widget(page, "encord-nb-frame-title")
    expect(title).to_contain_text("chelsea.png")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 451
    lab.screenshot(page, "rendered", show=image)

    # When the user clicks inside the cat-face box (the page may draw the image at another size)
    face = json.loads(lab.run_python(page, (
        "import json\n"
        "a = next(a for a in explorer.frames.annotations(0) if a.class_name == 'Cat face')\n"
        "c = a.coordinates\n"
        "print(json.dumps({'x': c.x + 0.03, 'y': c.y + c.h - 0.04, 'hash': a.object_hash}))"
    )))  # fmt: skip
    box = image.bounding_box()
    image.click(position={"x": face["x"] * box["width"], "y": face["y"] * box["height"]})
    # Then its info card shows, and the kernel has it selected
    expect(card).to_contain_text("Cat face")
    expect(card).to_contain_text(face["hash"])
    assert lab.run_python(page, "print(explorer.selected)").strip() == face["hash"]
    lab.screenshot(page, "clicked-cat-face", show=card)

    # When the wheel turns over the image, it zooms in there; "0" shows the whole frame again
    before = lab.image_fingerprint(image)
    image.hover(position={"x": box["width"] / 4, "y": box["height"] / 2})
    page.mouse.wheel(0, -120)
    zoomed = lab.wait_for_image_change(image, before)
    expect(title).to_contain_text("zoom 1.2×")
    lab.screenshot(page, "wheel-zoom", show=image)
    lab.press(image, "0")
    lab.wait_for_image_change(image, zoomed)
    assert lab.run_python(page, "print(explorer.viewport)").strip() == "(0.0, 0.0, 1.0, 1.0)"

    # When ArrowDown is pressed over the image, the video row is shown
    before = lab.image_fingerprint(image)
    lab.press(image, "ArrowDown")
    expect(title).to_contain_text("chelsea-pan.mp4")
    first_frame = lab.wait_for_image_change(image, before)
    lab.screenshot(page, "video-row", show=image)
    # And ArrowRight steps to the next frame: the picture changes
    lab.press(image, "ArrowRight")
    lab.wait_for_image_change(image, first_frame)
    expect(title).to_contain_text("frame 2/")
    assert lab.run_python(page, "print(explorer.frame)").strip() == "1"
    lab.screenshot(page, "next-frame", show=image)
    assert not lab.page_errors, lab.page_errors


def test_hostile_title_renders_as_text(lab, demo_workspace, tmp_path):
    # Given an image whose title is an HTML tag with a script handler
    workspace = workspace_with_hostile_row(demo_workspace, tmp_path)
    name = lab.write_notebook("hostile_title.ipynb", [
        explorer_setup_cell(workspace, demo_workspace),
        f"explorer = FrameExplorer(rows[{XSS_TITLE!r}], project=project)\nexplorer",
    ])  # fmt: skip
    page = lab.open_notebook(name)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    lab.run_all(page)
    title = lab.widget(page, "encord-nb-frame-title")
    # Then the title shows the tag as text, no such element exists and no script ran
    expect(title).to_contain_text(XSS_TITLE)
    assert title.locator("img").count() == 0
    assert page.locator('img[src="x"]').count() == 0
    lab.screenshot(page, "hostile-title-as-text", show=title)
    assert dialogs == []


def test_gallery_renders_and_a_clicked_crop_opens_in_the_explorer(lab, demo_workspace, tmp_path):
    # Given a notebook with the spoon's crop in an object gallery wired to a frame explorer
    workspace = workspace_with_hostile_row(demo_workspace, tmp_path)
    name = lab.write_notebook("gallery.ipynb", [
        explorer_setup_cell(workspace, demo_workspace),
        "from encord_nb.widgets import ObjectGallery\n"
        "explorer = FrameExplorer(project=project)\n"
        "gallery = ObjectGallery(project, explorer=explorer, page_size=6)\n"
        "gallery.class_name = 'Spoon'\n"
        "gallery",
        "explorer",
    ])  # fmt: skip
    page = lab.open_notebook(name)
    lab.run_all(page)
    crops = page.locator(".encord-nb-gallery-crop")
    expect(crops).to_have_count(1)
    lab.widget(page, "encord-nb-gallery")
    assert crops.first.evaluate("img => img.complete && img.naturalWidth") > 0
    lab.screenshot(page, "gallery", show=crops.first)
    # When the crop is clicked, the explorer shows the coffee photo with the spoon selected
    lab.click(crops.first)
    card = lab.widget(page, "encord-nb-info-card")
    expect(card).to_contain_text("Spoon")
    expect(lab.widget(page, "encord-nb-frame-title")).to_contain_text("coffee.png")
    lab.screenshot(page, "opened-in-explorer", show=card)
    assert not lab.page_errors, lab.page_errors


def _pixel(png: bytes, x: float, y: float) -> tuple[int, int, int]:
    return Image.open(BytesIO(png)).convert("RGB").getpixel((int(x), int(y)))


def test_overlay_layer_lies_on_the_photo_and_changes_without_a_new_photo(lab, demo_workspace, tmp_path):
    # Given the cat photo in a frame explorer
    workspace = workspace_with_hostile_row(demo_workspace, tmp_path)
    name = lab.write_notebook("overlay_layer.ipynb", [
        explorer_setup_cell(workspace, demo_workspace),
        "explorer = FrameExplorer(rows['chelsea.png'], project=project, review=False)\nexplorer",
    ])  # fmt: skip
    page = lab.open_notebook(name)
    lab.run_all(page)
    image = lab.widget(page, "encord-nb-frame-image")
    layer = page.locator(".encord-nb-frame-overlay svg")
    expect(layer).to_be_visible()
    face = json.loads(lab.run_python(page, (
        "import json\n"
        "from encord_nb.models import to_pixels\n"
        "a = next(a for a in explorer.frames.annotations(0) if a.class_name == 'Cat face')\n"
        "print(json.dumps({'box': to_pixels(a.coordinates, 451, 300), 'colour': a.colour}))"
    )))  # fmt: skip

    for width in (1280, 520):  # the notebook's width, then a window narrower than the photo
        page.set_viewport_size({"width": width, "height": 900})
        image.scroll_into_view_if_needed()
        # Then the vector layer covers exactly the photo, however wide the page draws it
        photo_box, layer_box = image.bounding_box(), layer.bounding_box()
        for side in ("x", "y", "width", "height"):
            assert abs(photo_box[side] - layer_box[side]) < 0.5, (width, photo_box, layer_box)
        lab.screenshot(page, f"overlay-{width}px", show=image)
    # And at full size the face box's one-pixel left outline is on the photo's pixels where the label says
    page.set_viewport_size({"width": 1280, "height": 900})
    image.scroll_into_view_if_needed()
    photo_box = image.bounding_box()
    assert round(photo_box["width"]) == 451
    x0, y0, x1, y1 = face["box"]
    shot = page.screenshot(clip=photo_box)
    outline, beside = _pixel(shot, x0, (y0 + y1) / 2), _pixel(shot, x0 - 2, (y0 + y1) / 2)
    assert max(abs(a - b) for a, b in zip(outline, face["colour"])) <= 40, (outline, face["colour"])
    assert max(abs(a - b) for a, b in zip(beside, face["colour"])) > 40, beside

    # When a class is hidden, the layer changes but the photo the page holds stays the same bytes
    photo_before, outline = lab.image_fingerprint(image), layer.locator(f"path[fill='#{'%02x%02x%02x' % tuple(face['colour'])}']")
    assert outline.count() == 1
    lab.run_python(page, "explorer.toggle_class('Cat face')")
    expect(outline).to_have_count(0)
    assert lab.image_fingerprint(image) == photo_before
    assert not lab.page_errors, lab.page_errors
