"""The frame explorer driven through its traits, buttons and simulated ipyevents messages, against the demo server."""

from __future__ import annotations

import base64
import io
import re
import time
import xml.etree.ElementTree as ElementTree

import ipywidgets as widgets
import pytest
import traitlets
from PIL import Image

from encord_nb.models import to_pixels
from encord_nb.render import Style, crop_box
from encord_nb.widgets import FrameExplorer

from .conftest import XSS_TITLE

#: The manual-label colour of ``colour_by="source"`` and the false-negative colour of comparisons.
MANUAL_COLOUR = Style().manual_colour
FN_COLOUR = (255, 187, 0)
SVG = "{http://www.w3.org/2000/svg}"


def photo(name: str) -> Image.Image:
    from encord_nb.demo import _builder

    return Image.open(_builder.IMAGES / name).convert("RGB")


def annotation(explorer: FrameExplorer, class_name: str):
    return next(a for a in explorer.frames.annotations(explorer.frame) if a.class_name == class_name)


def overlay_svg(explorer: FrameExplorer) -> ElementTree.Element:
    """The SVG element of the explorer's overlay layer (after its style sheet)."""
    markup = explorer.overlay.value
    return ElementTree.fromstring(markup[markup.index("<svg"):])


def box_left_edge(explorer: FrameExplorer, class_name: str) -> tuple[int, int]:
    """A pixel of the left outline of a box object, in displayed-image pixels."""
    x0, y0, x1, y1 = to_pixels(annotation(explorer, class_name).coordinates, *explorer.displayed.size)
    return x0, (y0 + y1) // 2


def empty_pixel(explorer: FrameExplorer) -> tuple[int, int]:
    """A displayed pixel well away from every object (and so from their labels, drawn beside them)."""
    width, height = explorer.displayed.size
    boxes = [crop_box(a, width, height) for a in explorer.frames.annotations(explorer.frame)]
    for x, y in [(width - 2, height - 2), (1, height - 2), (width - 2, 1), (1, 1)]:
        if not any(b and b[0] - 4 <= x < b[2] + 4 and b[1] - 4 <= y < b[3] + 4 for b in boxes):
            return x, y
    raise AssertionError("no empty corner on this frame")


def mouse(explorer: FrameExplorer, x: float, y: float, css_scale: float = 1.0) -> dict:
    """The position fields ipyevents sends for frame pixel ``(x, y)``, on an image drawn ``css_scale`` times its size."""
    width, height = explorer.frames.image(explorer.frame).size
    vx0, vy0, vx1, vy1 = explorer.viewport
    u, v = (x / width - vx0) / (vx1 - vx0), (y / height - vy0) / (vy1 - vy0)
    shown_w, shown_h = explorer.displayed.size
    return {
        "relativeX": u * shown_w * css_scale,
        "relativeY": v * shown_h * css_scale,
        "boundingRectWidth": shown_w * css_scale,
        "boundingRectHeight": shown_h * css_scale,
        "dataX": round(u * shown_w),
        "dataY": round(v * shown_h),
    }


def all_text(widget) -> str:
    """Every HTML/label value under ``widget``, joined (what a user can read)."""
    found = []
    stack = [widget]
    while stack:
        w = stack.pop()
        if isinstance(w, (widgets.HTML, widgets.Label)):
            found.append(w.value)
        if isinstance(w, widgets.Button):
            found.append(f"{w.description} {w.tooltip or ''}")
        stack.extend(getattr(w, "children", ()))
    return "\n".join(found)


@pytest.fixture()
def chelsea(rows_by_title):
    return FrameExplorer(rows_by_title["chelsea.png"])


def test_first_frame_carries_the_overlays_where_the_labels_say(chelsea):
    # Given the explorer opened on the cat photo
    shown = chelsea.displayed
    # Then the image widget holds a JPEG of the shown picture
    assert chelsea.image.format == "jpeg"
    assert Image.open(io.BytesIO(chelsea.image.value)).size == shown.size == (451, 300)
    # And the cat-face box outline is drawn in its ontology colour, while empty areas are the photo itself
    face = annotation(chelsea, "Cat face")
    assert shown.getpixel(box_left_edge(chelsea, "Cat face")) == face.colour
    corner = empty_pixel(chelsea)
    assert shown.getpixel(corner) == photo("chelsea.png").getpixel(corner)
    assert "chelsea.png" in chelsea.title.value and "4 of 4 objects shown" in chelsea.title.value
    # And the browser gets the bare photo plus a vector layer of the same size holding the face box
    sent = Image.open(io.BytesIO(chelsea.image.value)).convert("RGB")
    assert max(abs(a - b) for a, b in zip(sent.getpixel(box_left_edge(chelsea, "Cat face")), face.colour)) > 40
    layer = overlay_svg(chelsea)
    assert (layer.get("width"), layer.get("height"), layer.get("viewBox")) == ("451", "300", "0 0 451 300")
    face_hex = "#%02x%02x%02x" % face.colour
    assert any(outline.get("fill") == face_hex for outline in layer.iter(f"{SVG}path"))


def test_class_toggles_hide_and_show_classes(chelsea):
    first, photo_sent = chelsea.overlay.value, chelsea.image.value
    edge, face_colour = box_left_edge(chelsea, "Cat face"), annotation(chelsea, "Cat face").colour
    # When the user switches the "Cat face" toggle off
    toggle = next(t for t in chelsea.class_toggles.children if t.description == "Cat face")
    toggle.value = False
    # Then the trait says so, the box is gone and the title counts what is shown
    assert chelsea.hidden_classes == ("Cat face",)
    assert chelsea.displayed.getpixel(edge) != face_colour
    assert "3 of 4 objects shown" in chelsea.title.value
    # And only the overlay layer changed: the browser gets no new photo
    assert chelsea.overlay.value != first and chelsea.image.value == photo_sent
    # When "Hide all" then "Show all" are clicked
    chelsea.hide_all_button.click()
    assert "0 of 4 objects shown" in chelsea.title.value
    assert all(not t.value for t in chelsea.class_toggles.children)
    chelsea.show_all_button.click()
    # Then every class is back and the overlay is the first one again
    assert chelsea.hidden_classes == () and chelsea.overlay.value == first


def test_number_keys_toggle_classes_in_ontology_order(chelsea, ipyevent):
    first_class = chelsea.class_toggles.children[0].description
    ipyevent(chelsea.events, "keydown", key="1")
    assert chelsea.hidden_classes == (first_class,)
    ipyevent(chelsea.events, "keydown", key="1")
    assert chelsea.hidden_classes == ()


def test_confidence_threshold_hides_weak_predictions(visual_qa):
    # Given the predictions branch of the cat photo (face 0.93, eyes 0.88 and 0.81)
    predicted = next(r for r in visual_qa.list_label_rows_v2(branch_name="predictions") if r.data_title == "chelsea.png")
    explorer = FrameExplorer(predicted)
    assert "3 of 3 objects shown" in explorer.title.value
    # When the threshold slider moves to 0.85, then 0.95
    explorer.confidence_slider.value = 0.85
    assert explorer.min_confidence == 0.85 and "2 of 3 objects shown" in explorer.title.value
    explorer.min_confidence = 0.95
    assert "0 of 3 objects shown" in explorer.title.value


def test_colour_by_source_recolours_manual_labels(chelsea):
    edge = box_left_edge(chelsea, "Cat face")
    chelsea.colour_dropdown.value = "source"
    assert chelsea.colour_by == "source"
    assert chelsea.displayed.getpixel(edge) == MANUAL_COLOUR


def test_compare_with_the_predictions_branch_marks_missed_objects(rows_by_title, visual_qa):
    # Given the coffee photo, whose predictions found the cup but not the spoon
    explorer = FrameExplorer(rows_by_title["coffee.png"], project=visual_qa)
    assert explorer.compare_dropdown.label == "no comparison" and explorer.compare_branch is None
    assert "predictions" in [value for _, value in explorer.compare_dropdown.options]
    spoon = annotation(explorer, "Spoon")
    # When it is compared with the predictions branch
    explorer.compare_dropdown.value = "predictions"
    # Then the spoon is drawn as a false negative and both branches' objects are in play
    points = to_pixels(spoon.coordinates, *explorer.displayed.size)
    assert explorer.displayed.getpixel(points[len(points) // 2]) == FN_COLOUR
    assert {a.class_name for a in explorer.visible_annotations()} == {"Cup", "Spoon"}
    assert len(explorer.visible_annotations()) == 3
    # When only mismatches are shown, the matched cup is left out of the picture
    with_matches, photo_sent = explorer.overlay.value, explorer.image.value
    explorer.mismatches_only = True
    assert explorer.overlay.value != with_matches and explorer.image.value == photo_sent
    assert explorer.displayed.getpixel(points[len(points) // 2]) == FN_COLOUR
    # When comparison is switched off, the plain overlays come back
    explorer.compare_branch = None
    assert explorer.compare_dropdown.label == "no comparison"
    assert explorer.displayed.getpixel(points[len(points) // 2]) == spoon.colour


def test_click_selects_the_top_object_and_shows_its_card(chelsea, ipyevent):
    selected = []
    chelsea.on_select(selected.append)
    face = annotation(chelsea, "Cat face")
    x0, y0, x1, y1 = to_pixels(face.coordinates, 451, 300)
    # When the user clicks inside the face box, away from the eyes, on an image the page shows 1.5x larger
    ipyevent(chelsea.events, "click", **mouse(chelsea, x0 + 8, y1 - 8, css_scale=1.5))
    # Then the face is selected and its card shows class, hash, attributes and who made it
    assert chelsea.selected == face.object_hash and selected[-1] == face
    card = chelsea.info_card.value
    for text in ("Cat face", face.object_hash, "Mood", "Grumpy", "annotator@example.com", "Reviews"):
        assert text in card
    # When the user clicks on the left eye, the top object there is the keypoint skeleton (drawn last)
    eye = annotation(chelsea, "Eye")
    keypoints = annotation(chelsea, "Face keypoints")
    ex, ey = to_pixels(eye.coordinates, 451, 300)
    ipyevent(chelsea.events, "click", **mouse(chelsea, ex, ey))
    assert chelsea.selected == keypoints.object_hash
    # And clicking the same spot again goes one object deeper: the eye, then the face, then round again
    ipyevent(chelsea.events, "click", **mouse(chelsea, ex, ey))
    assert chelsea.selected == eye.object_hash and "Eye" in chelsea.info_card.value
    ipyevent(chelsea.events, "click", **mouse(chelsea, ex, ey))
    assert chelsea.selected == face.object_hash
    ipyevent(chelsea.events, "click", **mouse(chelsea, ex, ey))
    assert chelsea.selected == keypoints.object_hash
    # When the user clicks where there is nothing, the selection is cleared
    ipyevent(chelsea.events, "click", **mouse(chelsea, *empty_pixel(chelsea)))
    assert chelsea.selected is None and selected[-1] is None and "No object" in chelsea.info_card.value


def test_wheel_zooms_at_the_pointer_and_drag_pans(chelsea, ipyevent):
    before = chelsea.image.value
    # When the wheel turns towards the screen with the pointer on a frame point
    ipyevent(chelsea.wheel_events, "wheel", deltaY=-100, **mouse(chelsea, 100, 150))
    x0, y0, x1, y1 = chelsea.viewport
    # Then the view is 1.25x narrower and the same frame point stays under the pointer
    assert x1 - x0 == pytest.approx(0.8)
    assert (100 / 451 - x0) / (x1 - x0) == pytest.approx(100 / 451)
    assert (150 / 300 - y0) / (y1 - y0) == pytest.approx(150 / 300)
    assert chelsea.image.value != before and "zoom 1.2×" in chelsea.title.value
    # When the user drags 60 display pixels to the left, the view moves right by that much of the frame
    chelsea.selected = None
    start = {"relativeX": 200, "relativeY": 150, "boundingRectWidth": 451, "boundingRectHeight": 300}
    ipyevent(chelsea.events, "mousedown", **start)
    ipyevent(chelsea.events, "mouseup", **{**start, "relativeX": 140})
    ipyevent(chelsea.events, "click", **{**start, "relativeX": 140})
    assert chelsea.viewport[0] == pytest.approx(x0 + 60 / 451 * (x1 - x0))
    # And the click that ends a drag selects nothing
    assert chelsea.selected is None
    # When "c" is pressed the view frames the labels; "0" shows the whole frame again
    ipyevent(chelsea.events, "keydown", key="c")
    cx0, cy0, cx1, cy1 = chelsea.viewport
    face = crop_box(annotation(chelsea, "Cat face"), 451, 300)
    assert cx0 <= face[0] / 451 and cx1 >= face[2] / 451 - 1e-9
    ipyevent(chelsea.events, "keydown", key="0")
    assert chelsea.viewport == (0.0, 0.0, 1.0, 1.0) and chelsea.image.value == before


def test_zoomed_click_maps_back_to_frame_pixels(chelsea, ipyevent):
    chelsea.zoom_at(300, 120, 3.0)
    eye = next(a for a in chelsea.frames.annotations(0) if a.class_name == "Eye" and a.coordinates.x > 0.5)
    ex, ey = to_pixels(eye.coordinates, 451, 300)
    ipyevent(chelsea.events, "click", **mouse(chelsea, ex, ey, css_scale=0.7))
    ipyevent(chelsea.events, "click", **mouse(chelsea, ex, ey, css_scale=0.7))
    assert chelsea.selected == eye.object_hash


def test_arrow_keys_step_frames_of_a_video(rows_by_title, ipyevent):
    explorer = FrameExplorer(rows_by_title["chelsea-pan.mp4"])
    frames_seen = []
    explorer.on_frame_change(frames_seen.append)
    assert explorer.frames.frame_count == explorer.slider.max + 1 > 1
    first = explorer.image.value
    # When ArrowRight is pressed, the next frame is shown and the slider and play button follow
    ipyevent(explorer.events, "keydown", key="ArrowRight")
    assert explorer.frame == 1 and frames_seen == [1]
    assert explorer.slider.value == explorer.play.value == 1
    assert explorer.image.value != first
    # When ArrowLeft is pressed twice, the first frame is shown and stepping stops there
    ipyevent(explorer.events, "keydown", key="ArrowLeft")
    ipyevent(explorer.events, "keydown", key="ArrowLeft")
    assert explorer.frame == 0 and explorer.image.value == first
    # When the play button advances, the frame follows
    explorer.play.value = 5
    assert explorer.frame == 5 and "frame 6/" in explorer.title.value


def test_image_group_frames_are_its_images(rows_by_title):
    explorer = FrameExplorer(rows_by_title["kitchen-coins-launch-cat"])
    sizes = []
    for frame in range(explorer.frames.frame_count):
        explorer.frame = frame
        sizes.append(explorer.displayed.size)
    assert sizes == [(600, 400), (384, 303), (640, 427), (451, 300)]


def test_row_keys_step_through_rows_and_neighbours_are_prefetched(rows_by_title, ipyevent):
    rows = [rows_by_title[t] for t in ("chelsea.png", "coffee.png", "kitchen-coins-launch-cat")]
    explorer = FrameExplorer(rows=rows)
    changes = []
    explorer.on_row_change(changes.append)
    # Then the next row is being opened in the background
    explorer._row_sources[id(rows[1])].result(timeout=10)
    # When ArrowDown is pressed, the next row is shown
    ipyevent(explorer.events, "keydown", key="ArrowDown")
    assert explorer.row_index == 1 and explorer.label_row is rows[1] and changes == [rows[1]]
    assert "coffee.png" in explorer.title.value and "row 2/3" in explorer.title.value
    # And its neighbour's first frame is on its way, so stepping down is fast
    ipyevent(explorer.events, "keydown", key="n")
    assert explorer.row_index == 2
    deadline = time.monotonic() + 10
    while not explorer.frames.cached(1) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert explorer.frames.cached(1), "the image group's next image was not prefetched"
    ipyevent(explorer.events, "keydown", key="ArrowUp")
    assert explorer.row_index == 1
    # And clicking the row buttons works the same way; they are disabled at the ends
    explorer.prev_row_button.click()
    assert explorer.row_index == 0 and explorer.prev_row_button.disabled and not explorer.next_row_button.disabled


def test_failing_user_callback_is_shown_and_the_explorer_keeps_working(rows_by_title, ipyevent):
    explorer = FrameExplorer(rows_by_title["chelsea-pan.mp4"])

    def broken(frame):
        raise ValueError(f"bug in my callback at {frame}")

    explorer.on_frame_change(broken)
    ipyevent(explorer.events, "keydown", key="ArrowRight")
    assert explorer.frame == 1
    assert "on_frame_change callback broken raised ValueError: bug in my callback at 1" in explorer.status.text
    assert "ValueError" in explorer.status.value and explorer._on_frame.errors
    # When the callback is removed, stepping no longer reports it
    explorer.on_frame_change(broken, remove=True)
    explorer.status.info("ok")
    ipyevent(explorer.events, "keydown", key="ArrowRight")
    assert explorer.frame == 2 and explorer.status.text == "ok"


def test_output_carries_a_static_png_and_html_snapshot(chelsea):
    bundle = chelsea._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    picture = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert picture.size == chelsea.displayed.size
    assert picture.getpixel(box_left_edge(chelsea, "Cat face")) == annotation(chelsea, "Cat face").colour
    assert 'src="data:image/png;base64,' in bundle["text/html"] and "chelsea.png, frame 1/1" in bundle["text/html"]


def test_user_text_is_escaped_and_links_never_shown(private_demo):
    server, _, client = private_demo
    project = client.get_project(next(p for p in client.list_projects() if p.title == "Demo: visual QA").project_hash)
    rows = project.list_label_rows_v2()
    hostile = next(r for r in rows if r.data_title == XSS_TITLE)
    explorer = FrameExplorer(rows=[hostile, *rows], project=project)
    # Then the hostile title shows as text, in the widget and in the static snapshot
    assert "&lt;img src=x onerror=alert(1)&gt;" in explorer.title.value
    assert "<img src=x" not in explorer.title.value
    assert "<img src=x" not in explorer._repr_mimebundle_()["text/html"]
    # And no signed link (or its signature) appears anywhere a user can read
    for index in range(len(rows)):
        explorer.row_index = index
    readable = all_text(explorer) + "\n".join(e.message for e in explorer.status.history)
    assert server.domain.split("//")[1] not in readable
    assert not re.search(r"sig=|exp=|/media/", readable)


def test_a_missing_picture_is_reported_without_its_signed_link(private_demo, rows_by_title):
    server, workspace, client = private_demo
    project = client.get_project(next(p for p in client.list_projects() if p.title == "Demo: visual QA").project_hash)
    (workspace / "media" / "images" / "rocket.jpg").unlink()
    rocket = next(r for r in project.list_label_rows_v2() if r.data_title == "rocket.jpg")
    # When the explorer opens a row whose picture is gone, it does not raise
    explorer = FrameExplorer(rocket)
    # Then the status line says what failed, without the link
    assert explorer.status.history[-1].level == "error"
    assert "Showing frame 0 failed" in explorer.status.text
    assert "sig=" not in explorer.status.text and "exp=" not in explorer.status.text


def test_card_shows_the_review_task_verdict_on_an_object(rows_by_title, visual_qa):
    from encord_nb.demo import PLANTED_ERRORS

    # Given the coins photo in review, whose shifted box the reviewer rejected
    offset = next(e for e in PLANTED_ERRORS if e.kind == "offset_box")
    explorer = FrameExplorer(rows_by_title["coins.png"], project=visual_qa)
    # When that object is selected (as the gallery does), its card carries the verdict
    explorer.select_object(offset.object_hash)
    assert explorer.selected == offset.object_hash
    assert "REJECTED" in explorer.info_card.value
    # And an object nobody reviewed says so
    other = next(a for a in explorer.frames.annotations(0) if a.object_hash != offset.object_hash)
    explorer.select_object(other.object_hash)
    assert "<td>none</td>" in explorer.info_card.value


def test_comparison_follows_rows_that_have_the_branch(rows_by_title, visual_qa, ipyevent):
    rows = [rows_by_title[t] for t in ("chelsea.png", "coffee.png", "astronaut.png")]
    explorer = FrameExplorer(rows=rows, project=visual_qa)
    explorer.compare_branch = "predictions"
    # When the next row also has predictions, it is compared too
    ipyevent(explorer.events, "keydown", key="ArrowDown")
    assert explorer.compare_branch == "predictions" and explorer.compare_dropdown.value == "predictions"
    spoon = annotation(explorer, "Spoon")
    points = to_pixels(spoon.coordinates, *explorer.displayed.size)
    assert explorer.displayed.getpixel(points[len(points) // 2]) == FN_COLOUR
    # When the next row has no predictions, comparison switches off and only "no comparison" is offered
    ipyevent(explorer.events, "keydown", key="ArrowDown")
    assert explorer.compare_branch is None and explorer.compare_dropdown.options == (("no comparison", ""),)
    assert explorer.status.history == []


def test_looking_at_rows_never_creates_label_rows_on_the_server(private_demo):
    server, workspace, client = private_demo
    from encord_nb.server import open_store

    project = client.get_project(next(p for p in client.list_projects() if p.title == "Demo: visual QA").project_hash)
    rows = {r.data_title: r for r in project.list_label_rows_v2()}
    unlabelled = rows[XSS_TITLE]
    assert unlabelled.label_hash is None
    # When an unlabelled row is shown, then a row with predictions is compared, then one without them
    explorer = FrameExplorer(rows=[unlabelled, rows["coffee.png"], rows["astronaut.png"]], project=project)
    assert explorer.displayed.size == (451, 300) and "0 of 0 objects shown" in explorer.title.value
    explorer.next_row()
    explorer.compare_branch = "predictions"
    explorer.next_row()
    # Then the server still has no label row for the unlabelled image, nor predictions for the astronaut
    store = open_store(workspace)
    try:
        assert store.find_label_row(project.project_hash, unlabelled.data_hash) is None
        assert store.find_label_row(project.project_hash, rows["astronaut.png"].data_hash, "predictions") is None
    finally:
        store.close()
    # And asking for a branch the row lacks is refused by name
    with pytest.raises(traitlets.TraitError, match="no label branch 'predictions' for astronaut.png"):
        explorer.compare_branch = "predictions"


def test_an_expired_link_is_signed_again_without_the_user_noticing(demo_workspace, demo_key_text, tmp_path):
    import shutil

    from encord_nb.server import serve
    from encord_nb.widgets._frame_source import media_for

    from .conftest import connect

    # Given a server whose signed media links live one second, and a row initialised with such links
    workspace = tmp_path / "ws"
    shutil.copytree(demo_workspace.path, workspace, ignore=shutil.ignore_patterns("*.lock"))
    with serve(workspace, media_url_ttl_s=1) as server:
        project = connect(server, demo_key_text).get_project(demo_workspace.projects["Demo: visual QA"])
        row = next(r for r in project.list_label_rows_v2() if r.data_title == "rocket.jpg")
        row.initialise_labels(include_signed_url=True)
        time.sleep(2.1)  # expiries are rounded up to the whole second: a 1 s link may live almost 2 s
        # When the explorer shows it after the link expired
        explorer = FrameExplorer(row)
        # Then the picture is there, nothing is reported, and the link was signed again once
        assert explorer.displayed.size == (640, 427) and explorer.status.history == []
        assert media_for(row).resigned == 1
