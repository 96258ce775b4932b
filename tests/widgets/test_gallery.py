"""The object gallery over the demo project: every object once, filters, pages, opening in the explorer."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from encord_nb.widgets import FrameExplorer, ObjectGallery


@pytest.fixture()
def expected_objects(visual_qa):
    """Object instances per class of the project's main branch, read through the client (not the gallery)."""
    counts: dict[str, int] = {}
    for row in visual_qa.list_label_rows_v2():
        if row.label_hash is None:
            continue
        row.initialise_labels()
        for instance in row.get_object_instances():
            counts[instance.object_name] = counts.get(instance.object_name, 0) + 1
    return counts


@pytest.fixture()
def gallery(visual_qa):
    explorer = FrameExplorer(project=visual_qa)
    return ObjectGallery(visual_qa, explorer=explorer, page_size=8)


def test_every_object_of_the_project_is_in_the_gallery_once(gallery, expected_objects):
    found: dict[str, int] = {}
    for item in gallery.all_items:
        found[item.annotation.class_name] = found.get(item.annotation.class_name, 0) + 1
    assert found == expected_objects
    assert len({(id(i.frames), i.annotation.object_hash) for i in gallery.all_items}) == len(gallery.all_items)
    # And the first page shows page_size crops, no larger than a thumbnail
    assert len(gallery.grid.children) == 8
    assert all(max(t.size) == 128 for t in gallery.thumbnails)
    total = sum(expected_objects.values())
    assert gallery.page_label.value == f"page 1/{-(-total // 8)} · {total} of {total} objects"


def test_filters_by_class_confidence_annotator_and_attribute(gallery, expected_objects):
    gallery.class_dropdown.value = "Coin"
    assert gallery.class_name == "Coin"
    assert len(gallery.items) == expected_objects["Coin"]
    assert {i.annotation.class_name for i in gallery.items} == {"Coin"}
    gallery.class_name = ""
    gallery.attribute_text.value = "mood=grumpy"
    assert [(i.annotation.class_name, i.frames.title) for i in gallery.items] == [("Cat face", "chelsea.png")]
    gallery.attribute = ""
    annotators = [value for _, value in gallery.annotator_dropdown.options if value]
    assert annotators
    gallery.annotator = annotators[0]
    assert gallery.items and all(i.annotation.created_by == annotators[0] for i in gallery.items)
    gallery.annotator = ""
    gallery.min_confidence = 1.0
    assert all(i.annotation.confidence >= 1.0 for i in gallery.items)


def test_pages_step_and_filters_return_to_the_first_page(gallery):
    first = [i.annotation.object_hash for i in gallery.page_items()]
    assert gallery.previous_button.disabled
    gallery.next_button.click()
    assert gallery.page == 1 and [i.annotation.object_hash for i in gallery.page_items()] != first
    gallery.class_name = "Coin"
    assert gallery.page == 0


def test_clicking_a_crop_opens_the_object_in_the_explorer(gallery, ipyevent):
    opened = []
    gallery.on_open(lambda row, frame, object_hash: opened.append((row.data_title, frame, object_hash)))
    gallery.class_name = "Spoon"
    item = gallery.page_items()[0]
    crop = gallery.grid.children[0].children[0]
    # When the user clicks the spoon's crop
    ipyevent(gallery._events[0], "click", relativeX=10, relativeY=10, boundingRectWidth=128, boundingRectHeight=128)
    # Then the explorer shows its row and frame with the spoon selected and its card open
    explorer = gallery.explorer
    assert crop.format == "jpeg" and "encord-nb-gallery-crop" in crop._dom_classes
    assert explorer.label_row is item.row and explorer.frame == item.frame
    assert explorer.selected == item.annotation.object_hash and "Spoon" in explorer.info_card.value
    assert opened == [("coffee.png", 0, item.annotation.object_hash)]
    assert gallery.status.text == "Opened Spoon · coffee.png"


def test_a_failing_open_callback_is_shown(gallery):
    gallery.on_open(lambda *args: {}["missing"])
    gallery.open_item(0)
    assert "on_open callback <lambda> raised KeyError" in gallery.status.text
    assert gallery.explorer.selected == gallery.page_items()[0].annotation.object_hash


def test_snapshot_is_a_contact_sheet_of_the_page(gallery):
    bundle = gallery._repr_mimebundle_()
    sheet = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert sheet.width == 6 * 132 and sheet.height == 2 * 132
    assert "Object gallery: page 1/" in bundle["text/html"]


def test_a_large_project_is_read_up_to_the_row_limit(visual_qa):
    gallery = ObjectGallery(visual_qa, row_limit=2)
    assert len({id(i.frames) for i in gallery.all_items}) <= 2
    assert gallery.status.text.startswith("Showing objects of the first 2 of ")
