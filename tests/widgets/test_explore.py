"""``explore`` opens the explorer that fits what it is given (ours or the official SDK's); ``show`` draws a picture."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops

import encord_nb
from encord_nb.exceptions import UsageError
from encord_nb.models import to_pixels
from encord_nb.widgets import FrameExplorer, LabelRowsExplorer, ProjectsExplorer, explore, show
from encord_nb.widgets._frame_source import RowFrames

from .conftest import VISUAL_QA

CAT_FACE_COLOUR = (0xD3, 0x31, 0x15)  # the demo ontology's colour of "Cat face"


def photo(name: str) -> Image.Image:
    from encord_nb.demo import _builder

    return Image.open(_builder.IMAGES / name).convert("RGB")


@pytest.fixture(scope="module")
def sdk_client(sdk_client_class, demo_server, demo_key_text):
    """The official SDK's client on the demo server: what an existing Encord user already has."""
    return sdk_client_class.create_with_ssh_private_key(demo_key_text, domain=demo_server.domain)


def test_a_client_a_project_and_a_row_open_their_explorers(demo_client, visual_qa, rows_by_title):
    assert isinstance(explore(demo_client), ProjectsExplorer)
    assert isinstance(explore(visual_qa, page_size=5), LabelRowsExplorer)
    frames = explore(rows_by_title["chelsea.png"])
    assert isinstance(frames, FrameExplorer) and frames.label_row is rows_by_title["chelsea.png"]


def test_a_list_of_rows_opens_one_frame_explorer_stepping_through_them(rows_by_title):
    rows = [rows_by_title["coins.png"], rows_by_title["chelsea.png"]]
    frames = explore(rows)
    assert frames.rows == rows and frames.label_row is rows[0]
    frames.next_row()
    assert frames.label_row is rows[1]


def test_the_top_level_names_are_the_widget_layer_functions():
    assert encord_nb.explore is explore and encord_nb.show is show


@pytest.mark.parametrize("thing", [42, "a project hash", [], [1, 2], None])
def test_anything_else_is_a_usage_error_that_says_what_to_pass(thing):
    with pytest.raises(UsageError, match=r"explore\(\) opens a client, a project, a label row"):
        explore(thing)


def test_the_official_sdk_objects_open_too(sdk_client, demo_workspace):
    # Given the official SDK's client, project and row (no encord_nb client involved)
    assert type(sdk_client).__module__.startswith("encord.")
    projects = explore(sdk_client)
    assert sorted(r["title"] for r in projects.table.page_records()) == sorted(demo_workspace.projects)

    # When its visual-QA project and a row open, then they list and draw like ours
    project = sdk_client.get_project(demo_workspace.projects[VISUAL_QA])
    rows = explore(project)
    assert sorted(r.data_title for r in rows.rows) == sorted(r.data_title for r in project.list_label_rows_v2())
    row = next(r for r in project.list_label_rows_v2() if r.data_title == "chelsea.png")
    frames = explore(row)
    assert frames.label_row is row and frames.displayed is not None
    assert {a.class_name for a in frames.visible_annotations()} >= {"Cat face"}

    # And a manual-QA project's rows (whose SDK objects refuse workflow-only properties) open as well
    manual_project = sdk_client.get_project(demo_workspace.projects["Demo: manual QA"])
    manual = explore(manual_project)
    manual.status = "COMPLETED"
    completed = sorted(r.data_title for r in manual_project.list_label_rows_v2() if r.annotation_task_status.value == "COMPLETED")
    assert completed and sorted(r.data_title for r in manual.rows) == completed
    manual.pick(0)
    assert manual.frame_explorer is not None, manual.status_line.text

    # And show() draws an SDK row like ours
    assert show(row).size == photo("chelsea.png").size


def test_show_draws_the_labels_over_the_photo(rows_by_title):
    # Given the cat photo's row, when it is shown
    row = rows_by_title["chelsea.png"]
    picture = show(row)

    # Then it is the photo at its size with overlays: the cat face box's left edge has the class colour
    original = photo("chelsea.png")
    assert picture.size == original.size
    assert ImageChops.difference(picture, original).getbbox() is not None
    cat = next(a for a in RowFrames(row).annotations(0) if a.class_name == "Cat face")
    x0, y0, _x1, y1 = to_pixels(cat.coordinates, *picture.size)
    assert picture.getpixel((x0, (y0 + y1) // 2)) == CAT_FACE_COLOUR

    # And a notebook stores it as PNG, which renders without a kernel
    assert picture._repr_png_().startswith(b"\x89PNG")


def test_show_scales_large_photos_and_reads_video_frames(rows_by_title):
    assert show(rows_by_title["retina.jpg"]).width == 1024
    assert show(rows_by_title["retina.jpg"], max_width=300).size == (300, 300)
    video = rows_by_title["chelsea-pan.mp4"]
    assert show(video, 10).size == show(video, 0).size
    assert ImageChops.difference(show(video, 10), show(video, 0)).getbbox() is not None


def test_show_names_the_frames_a_row_has(rows_by_title, visual_qa):
    with pytest.raises(UsageError, match=r"'chelsea.png' has frames 0..0; frame 3"):
        show(rows_by_title["chelsea.png"], 3)
    with pytest.raises(UsageError, match="show\\(\\) draws a label row"):
        show(visual_qa)
