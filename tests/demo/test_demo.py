"""The demo workspace: quick idempotent builds, well-formed labels on their images, the video, the
planted errors, and the synthetic generator."""

from __future__ import annotations

import stat
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

from encord_nb.demo import PLANTED_ERRORS, build_demo, build_synthetic, default_workspace_path
from encord_nb.models import parse_label_row, rle_decode
from encord_nb.server.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("demo") / "ws")


@pytest.fixture(scope="module")
def store(demo):
    with Store(demo.store_path, demo.media_path) as opened:
        yield opened


def _rows(store: Store):
    for project in store.list_projects():
        for info in store.list_label_rows(project.project_hash, include_all_branches=True):
            if info.label_hash:
                yield project, info, store.get_label_row(info.label_hash)


def _objects(blurb: dict):
    for unit in blurb["data_units"].values():
        frames = unit["labels"].values() if blurb["data_type"] == "video" else [unit["labels"]]
        for frame in frames:
            for obj in frame["objects"]:
                yield unit, obj


def test_a_second_build_reuses_the_first_quickly(demo):
    # Given a built workspace, when it is built again, then it is reused (same store file) within a second
    before = demo.store_path.stat().st_mtime_ns
    started = time.perf_counter()
    again = build_demo(demo.path)
    assert time.perf_counter() - started < 1.0
    assert again == demo
    assert demo.store_path.stat().st_mtime_ns == before


def test_a_forced_build_is_fast_and_keeps_the_key(tmp_path):
    # Given a build, when it is forced again, then it is quick, keeps the key and makes the same video bytes
    started = time.perf_counter()
    first = build_demo(tmp_path / "ws")
    video = (first.media_path / "videos" / "chelsea-pan.mp4").read_bytes()
    second = build_demo(tmp_path / "ws", force=True)
    assert time.perf_counter() - started < 20.0
    assert first.public_key_hex == second.public_key_hex
    assert (second.media_path / "videos" / "chelsea-pan.mp4").read_bytes() == video


def test_a_build_with_missing_media_is_rebuilt(tmp_path):
    # Given a build whose photo was deleted, when it is built again, then the photo is back
    built = build_demo(tmp_path / "ws")
    (built.media_path / "images" / "coins.png").unlink()
    build_demo(tmp_path / "ws")
    assert (built.media_path / "images" / "coins.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_demo_key_is_private_and_registered(demo, store):
    assert stat.S_IMODE(demo.key_path.stat().st_mode) == 0o600
    assert demo.key_path.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert store.user_for_key(demo.public_key_hex).email == demo.user_email


def test_default_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ENCORD_NB_HOME", str(tmp_path))
    assert default_workspace_path() == tmp_path / "demo"


def test_projects_rows_and_stages_are_spread(demo, store):
    visual = store.list_label_rows(demo.projects["Demo: visual QA"])
    assert {i.data_type for i in visual} == {"IMAGE", "IMG_GROUP", "VIDEO"}
    assert {i.stage_type for i in visual} == {"ANNOTATION", "REVIEW", "DONE"}
    assert any(i.label_hash is None for i in visual)
    branches = {i.branch_name for i in store.list_label_rows(demo.projects["Demo: visual QA"], include_all_branches=True)}
    assert branches == {"main", "predictions"}
    manual = store.get_project(demo.projects["Demo: manual QA"])
    assert (manual.project_type, manual.stages) == ("manual_qa", ())
    statuses = {i.label_status for i in store.list_label_rows(manual.project_hash)}
    assert {"NOT_LABELLED", "LABELLED", "REVIEWED"} <= statuses


def test_every_label_row_parses_and_every_object_lies_on_its_image(store):
    rows = list(_rows(store))
    assert len(rows) >= 10
    for _, info, row in rows:
        blurb = row.blurb
        parse_label_row(row.blurb_json)
        assert blurb["data_type"] == info.data_type.lower()
        for unit, obj in _objects(blurb):
            geometry = [v for k, v in obj.items() if k in ("boundingBox", "rotatableBoundingBox", "point",
                                                           "polyline", "skeleton", "polygons", "bitmask")]
            assert geometry, obj["objectHash"]
            if "bitmask" in obj:
                mask = obj["bitmask"]
                assert (mask["height"], mask["width"]) == (unit["height"], unit["width"])
                assert rle_decode(mask["rleString"], mask["height"], mask["width"]).any()
                continue
            for value in _numbers(geometry, skip=("theta",)):
                assert 0.0 <= value <= 1.0, (info.data_title, obj["objectHash"], value)
            for key in ("boundingBox", "rotatableBoundingBox"):
                if key in obj:
                    assert obj[key]["x"] + obj[key]["w"] <= 1.0001 and obj[key]["y"] + obj[key]["h"] <= 1.0001


def _numbers(value, skip=()):
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from _numbers(item, skip)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item, skip)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


def test_data_units_carry_the_sdk_layout(store):
    kinds = {}
    for _, info, row in _rows(store):
        for unit in row.blurb["data_units"].values():
            kinds[info.data_type] = type(unit["data_sequence"])
            assert unit["width"] > 0 and unit["height"] > 0 and "/" in unit["data_type"]
    assert kinds == {"IMAGE": int, "VIDEO": int, "IMG_GROUP": str}


def test_the_video_decodes_with_the_stated_frames_and_rate(demo, store):
    [info] = [i for i in store.list_label_rows(demo.projects["Demo: visual QA"]) if i.data_type == "VIDEO"]
    [media] = store.media_of(info.data_hash)
    with av.open(str(media.path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        rate = float(stream.average_rate)
    assert (frames, rate, info.number_of_frames, info.fps) == (media.frame_count, 25.0, 75, 25.0)
    blurb = store.get_label_row(info.label_hash).blurb
    labels = next(iter(blurb["data_units"].values()))["labels"]
    assert all(key.isdigit() and int(key) < frames for key in labels)
    actions = next(iter(blurb["object_actions"].values()))["actions"]
    assert sorted(a["range"][0][0] for a in actions) == [0, 50]
    assert any(len(c["range"]) == 2 for c in blurb["classification_answers"].values())


def _find(store: Store, error):
    [project] = [p for p in store.list_projects() if p.title == error.project_title]
    [info] = [i for i in store.list_label_rows(project.project_hash, branch_name=error.branch_name)
              if i.data_title == error.data_title]
    blurb = store.get_label_row(info.label_hash).blurb
    return project, info, blurb, [o for _, o in _objects(blurb)]


def _crosses(ring: list[float]) -> bool:
    points = list(zip(ring[::2], ring[1::2]))
    edges = [(points[i], points[(i + 1) % len(points)]) for i in range(len(points))]

    def side(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    for i, (a, b) in enumerate(edges):
        for j, (c, d) in enumerate(edges):
            if abs(i - j) > 1 and {i, j} != {0, len(edges) - 1}:
                if side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0:
                    return True
    return False


def _iou(a: dict, b: dict) -> float:
    x0, y0 = max(a["x"], b["x"]), max(a["y"], b["y"])
    x1, y1 = min(a["x"] + a["w"], b["x"] + b["w"]), min(a["y"] + a["h"], b["y"] + b["h"])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    return inter / (a["w"] * a["h"] + b["w"] * b["h"] - inter)


def test_planted_errors_are_in_the_store_as_described(store):
    assert sorted(e.kind for e in PLANTED_ERRORS) == [
        "low_confidence", "offset_box", "self_intersecting_polygon", "wrong_class"]
    for error in PLANTED_ERRORS:
        project, info, blurb, objects = _find(store, error)
        [obj] = [o for o in objects if o["objectHash"] == error.object_hash]
        if error.kind == "wrong_class":
            # The model saw a coin where the label says "Cat face"
            assert (error.data_title, obj["name"]) == ("coins.png", "Cat face")
            prediction = _find(store, type(error)(**{**error.__dict__, "branch_name": "predictions"}))[3]
            assert [p["name"] for p in prediction if p["objectHash"] == error.object_hash] == ["Coin"]
        elif error.kind == "offset_box":
            prediction = _find(store, type(error)(**{**error.__dict__, "branch_name": "predictions"}))[3]
            [model] = [p for p in prediction if p["objectHash"] == error.object_hash]
            assert _iou(obj["boundingBox"], model["boundingBox"]) < 0.5
        elif error.kind == "self_intersecting_polygon":
            assert _crosses(obj["polygons"][0][0])
        elif error.kind == "low_confidence":
            assert obj["confidence"] < 0.5 and obj["manualAnnotation"] is False
    # and nothing else in the store would be flagged by the same checks
    flagged = set()
    for _, info, row in _rows(store):
        for _, obj in _objects(row.blurb):
            if obj["confidence"] < 0.5 or ("polygons" in obj and any(_crosses(r) for p in obj["polygons"] for r in p)):
                flagged.add(obj["objectHash"])
    assert flagged == {e.object_hash for e in PLANTED_ERRORS if e.kind in ("low_confidence", "self_intersecting_polygon")}


def test_predictions_are_model_made_with_confidences_below_one(demo, store):
    predictions = [row for _, info, row in _rows(store) if info.branch_name == "predictions"]
    assert predictions
    for row in predictions:
        for _, obj in _objects(row.blurb):
            assert obj["manualAnnotation"] is False and obj["confidence"] < 1.0


def test_synthetic_projects_are_deterministic(tmp_path):
    first = build_synthetic(tmp_path / "a", rows=30, frames=3, objects_per_frame=2, seed=7)
    second = build_synthetic(tmp_path / "b", rows=30, frames=3, objects_per_frame=2, seed=7)
    other = build_synthetic(tmp_path / "c", rows=30, frames=3, objects_per_frame=2, seed=8)

    def blurbs(project, folder):
        with Store(folder / "workspace.sqlite") as store:
            infos = store.list_label_rows(project.project_hash)
            assert len(infos) == 30 and all(i.number_of_frames == 3 for i in infos)
            return [store.get_label_row(i.label_hash).blurb_json for i in infos]

    assert blurbs(first, tmp_path / "a") == blurbs(second, tmp_path / "b")
    assert blurbs(first, tmp_path / "a") != blurbs(other, tmp_path / "c")
    for text in blurbs(first, tmp_path / "a")[:3]:
        parse_label_row(text)


def test_ten_thousand_synthetic_rows_build_quickly(tmp_path):
    started = time.perf_counter()
    project = build_synthetic(tmp_path, rows=10_000, objects_per_frame=3, seed=1)
    assert time.perf_counter() - started < 45.0
    with Store(tmp_path / "workspace.sqlite") as store:
        assert len(store.list_label_rows(project.project_hash)) == 10_000


def test_the_cli_builds_and_shows(tmp_path):
    built = subprocess.run([sys.executable, "-m", "encord_nb.demo", "build", "--path", str(tmp_path / "ws")],
                           capture_output=True, text=True, cwd=ROOT, check=True)
    assert str(tmp_path / "ws") in built.stdout and "demo_key" in built.stdout
    shown = subprocess.run([sys.executable, "-m", "encord_nb.demo", "show", "--path", str(tmp_path / "ws")],
                           capture_output=True, text=True, cwd=ROOT, check=True)
    assert "Demo: visual QA" in shown.stdout and "coins.png" in shown.stdout and "predictions" in shown.stdout


def test_the_official_sdk_reads_every_demo_row_through_the_server(demo, store, sdk_client_class):
    # Given the demo workspace served on loopback, signed in with the demo key
    from encord_nb.server import serve

    with serve(demo.path) as server:
        assert server.demo_key_path == demo.key_path
        user = sdk_client_class.create_with_ssh_private_key(demo.key_path.read_text(), domain=server.domain)
        for title, project_hash in demo.projects.items():
            project = user.get_project(project_hash)
            assert project.title == title
            # When every labelled row is initialised by the SDK
            rows = [r for r in project.list_label_rows_v2() if r.label_hash is not None]
            assert rows
            for row in rows:
                row.initialise_labels()
                # Then it holds exactly the objects and classifications the store has
                stored = store.get_label_row(row.label_hash).blurb
                assert len(row.get_object_instances()) == len(stored["object_answers"]), (title, row.data_title)
                assert len(row.get_classification_instances()) == len(stored["classification_answers"])
