"""A small workspace built through the store API: the server tests' own fixture data.

Three images, a two-image group and a ten-frame video in one dataset, used by a workflow project
(Annotate -> Review -> Complete) and a manual-QA project; one user with an Ed25519 key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from encord_nb.protocol import generate_private_key, private_key_to_openssh, public_key_hex
from encord_nb.server import open_store

ONTOLOGY_FILE = Path("/work/shared/reference/format-examples/ontology_structure.json")
USER_EMAIL = "tester@example.com"
PROJECT = "00000000-0000-4000-8000-000000000001"
QA_PROJECT = "00000000-0000-4000-8000-000000000002"
ONTOLOGY = "00000000-0000-4000-8000-0000000000a1"
DATASET = "00000000-0000-4000-8000-0000000000d1"
IMAGES = [f"00000000-0000-4000-8000-0000000001a{i}" for i in range(1, 4)]
GROUP = "00000000-0000-4000-8000-0000000001c1"
VIDEO = "00000000-0000-4000-8000-0000000001b1"
STAGES = [
    {"uuid": "00000000-0000-4000-8000-00000000a001", "title": "Annotate", "stage_type": "ANNOTATION"},
    {"uuid": "00000000-0000-4000-8000-00000000a002", "title": "Review", "stage_type": "REVIEW"},
    {"uuid": "00000000-0000-4000-8000-00000000a003", "title": "Complete", "stage_type": "DONE"},
]
LABELLED_IMAGE_LABEL = "00000000-0000-4000-8000-0000000002a1"
BOX_FEATURE = "Fb0xCat1"
VIDEO_FRAMES, VIDEO_SIZE = 10, (64, 48)


@dataclass(frozen=True)
class Workspace:
    path: Path
    key: Ed25519PrivateKey
    key_file: Path


def _image(path: Path, colour: tuple[int, int, int], size=(64, 48)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)


def _video(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=25)
        stream.width, stream.height, stream.pix_fmt = *VIDEO_SIZE, "yuv420p"
        for i in range(VIDEO_FRAMES):
            array = np.full((VIDEO_SIZE[1], VIDEO_SIZE[0], 3), i * 20, dtype=np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(array, format="rgb24")))
        container.mux(stream.encode())


def box_object(object_hash: str, x: float) -> dict:
    """A bounding-box frame object of the fixture ontology, as the SDK writes it."""
    return {
        "name": "Cat face", "color": "#D33115", "shape": "bounding_box", "value": "cat_face",
        "createdAt": "Fri, 03 May 2024 09:00:00 UTC", "createdBy": None, "confidence": 1.0,
        "objectHash": object_hash, "featureHash": BOX_FEATURE, "manualAnnotation": True,
        "lastEditedAt": "Fri, 03 May 2024 09:00:00 UTC",
        "boundingBox": {"h": 0.2, "w": 0.3, "x": x, "y": 0.1},
    }


def build_workspace(folder: Path) -> Workspace:
    """Create the fixture workspace in ``folder`` and return it with the user's private key."""
    key = generate_private_key()
    key_file = folder / "tester_ed25519"
    folder.mkdir(parents=True, exist_ok=True)
    key_file.write_text(private_key_to_openssh(key))
    store = open_store(folder)
    try:
        media = store.media_dir
        for i, h in enumerate(IMAGES):
            _image(media / "photos" / f"photo{i}.jpg", (40 * i, 100, 200))
        _image(media / "group" / "a.png", (255, 0, 0), (32, 16))
        _image(media / "group" / "b.png", (0, 255, 0), (40, 20))
        _video(media / "clips" / "clip.mp4")
        with store.transaction():
            store.add_user(USER_EMAIL, public_key_hex=public_key_hex(key))
            store.put_ontology(ONTOLOGY, "Fixture ontology", json.loads(ONTOLOGY_FILE.read_text()))
            store.put_dataset(DATASET, "Fixture dataset", description="photos, a group and a clip")
            for i, h in enumerate(IMAGES):
                store.put_data_unit(h, dataset_hash=DATASET, title=f"photo{i}.jpg", data_type="IMAGE",
                                    media=[{"file": f"photos/photo{i}.jpg", "mime_type": "image/jpeg",
                                            "width": 64, "height": 48}])
            store.put_data_unit(GROUP, dataset_hash=DATASET, title="group", data_type="IMG_GROUP",
                                media=[{"file": "group/a.png", "mime_type": "image/png", "width": 32, "height": 16},
                                       {"file": "group/b.png", "mime_type": "image/png", "width": 40, "height": 20}])
            store.put_data_unit(VIDEO, dataset_hash=DATASET, title="clip.mp4", data_type="VIDEO",
                                media=[{"file": "clips/clip.mp4", "mime_type": "video/mp4", "width": VIDEO_SIZE[0],
                                        "height": VIDEO_SIZE[1], "fps": 25.0, "frame_count": VIDEO_FRAMES,
                                        "duration": VIDEO_FRAMES / 25}])
            store.put_project(PROJECT, "Fixture workflow project", ontology_hash=ONTOLOGY, description="wf",
                              creator_email=USER_EMAIL, stages=STAGES, created_at="2024-05-01 10:00:00")
            store.put_project(QA_PROJECT, "Fixture QA project", ontology_hash=ONTOLOGY, project_type="manual_qa",
                              description="qa", creator_email=USER_EMAIL, created_at="2024-06-01 10:00:00")
            store.add_dataset_to_project(PROJECT, DATASET)
            store.add_dataset_to_project(QA_PROJECT, DATASET)
            row = store.create_label_row(PROJECT, IMAGES[0], label_hash=LABELLED_IMAGE_LABEL,
                                         created_at="2024-05-03 09:00:00")
            blurb = row.blurb
            blurb["data_units"][IMAGES[0]]["labels"]["objects"].append(box_object("obj00001", 0.1))
            blurb["object_answers"]["obj00001"] = {"classifications": [], "objectHash": "obj00001"}
            store.save_label_rows(PROJECT, {LABELLED_IMAGE_LABEL: blurb}, edited_at="2024-05-03 09:30:00")
            store.add_review(PROJECT, LABELLED_IMAGE_LABEL, status="NEW", object_hash="obj00001")
            store.add_label_log(PROJECT, IMAGES[0], user_email=USER_EMAIL, action=0, identifier="obj00001",
                                feature_hash=BOX_FEATURE, label_name="Cat face", created_at="2024-05-03 09:00:00")
    finally:
        store.close()
    return Workspace(folder, key, key_file)
