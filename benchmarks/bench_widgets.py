"""Widgets: picking a row to its first frame on screen, and stepping to a frame already fetched.

Measured in-process (as in a kernel) against the embedded server running in its own process,
over the demo workspace's labelled rows (photos, the photo group, the pan video).

1. First frame: from an uninitialised row of the listing to the first frame's bytes in an
   ``ipywidgets.Image`` (the moment the widget's ``value`` changes). ``ours`` is
   ``explorer.show_row(row)`` (initialise, fetch through the media layer, Pillow overlays, JPEG; the
   review stage and branch list are read after the picture is shown). ``official SDK`` does the same steps with the SDK:
   ``initialise_labels(include_signed_url=True)``, fetch the frame's signed URL, decode, draw the
   object instances with matplotlib, PNG into the image widget. Every round starts a new client (empty
   caches).
2. Cached step: the explorer (or the SDK path) steps to a frame whose picture is already in memory
   (video frames 1..20 after one pass over them; the drawn overlays are not cached at that point).

Targets: first frame under 300 ms (median), a cached step under 50 ms, both at least 3x faster than
the SDK path.

Run: ``.venv/bin/python benchmarks/bench_widgets.py [--rounds 5]``
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Callable

import av
import ipywidgets as widgets
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import requests  # noqa: E402
from matplotlib.patches import Polygon, Rectangle  # noqa: E402
from PIL import Image  # noqa: E402

from bench_media import _free_port, _wait_for  # noqa: E402  (the same server start as the media benchmark)

from encord_nb.client import EncordUserClient  # noqa: E402
from encord_nb.demo import build_demo  # noqa: E402
from encord_nb.widgets import FrameExplorer  # noqa: E402

PROJECT = "Demo: visual QA"
VIDEO_TITLE = "chelsea-pan.mp4"
STEP_FRAMES = range(1, 21)
FIRST_FRAME_TARGET_MS = 300
CACHED_STEP_TARGET_MS = 50
SPEEDUP_TARGET = 3.0


# ---------------------------------------------------------------------- the official SDK path


def _sdk_client_class():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from encord import EncordUserClient as SdkClient  # a test dependency: pip install 'encord==0.1.211'
    return SdkClient


class SdkViewer:
    """What a notebook does with the official SDK alone: fetch, draw with matplotlib, show in an Image widget."""

    def __init__(self) -> None:
        self.image = widgets.Image(format="png")
        self.session = requests.Session()
        self.pictures: dict[tuple[str, int], Image.Image] = {}
        self.videos: dict[str, list[Image.Image]] = {}

    def picture(self, row: Any, frame: int) -> Image.Image:
        key = (row.data_hash, frame)
        if key not in self.pictures:
            is_video = str(row.data_type.value).lower() == "video"
            link = row.data_link if is_video else row.get_frame_view(frame).data_link
            data = self.session.get(link, timeout=30).content
            if is_video:
                with av.open(io.BytesIO(data)) as container:
                    for number, decoded in enumerate(container.decode(video=0)):
                        self.pictures[(row.data_hash, number)] = decoded.to_image()
                        if number >= max(STEP_FRAMES):
                            break
            else:
                self.pictures[key] = Image.open(io.BytesIO(data)).convert("RGB")
        return self.pictures[key]

    def show(self, row: Any, frame: int) -> None:
        picture = self.picture(row, frame)
        width, height = picture.size
        figure = plt.figure(figsize=(width / 100, height / 100), dpi=100)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.imshow(np.asarray(picture))
        axes.set_axis_off()
        for instance in row.get_frame_view(frame).get_object_instances():
            colour = instance.ontology_item.color or "#ff00ff"
            coordinates = instance.get_annotation(frame).coordinates
            _draw_sdk_shape(axes, coordinates, width, height, colour)
            axes.text(0, 0, instance.ontology_item.name, color="white", fontsize=8,
                      transform=axes.transData, bbox={"facecolor": colour, "pad": 1})
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        plt.close(figure)
        self.image.value = buffer.getvalue()


def _draw_sdk_shape(axes, coordinates: Any, width: int, height: int, colour: str) -> None:
    kind = type(coordinates).__name__
    if kind == "BoundingBoxCoordinates":
        axes.add_patch(Rectangle((coordinates.top_left_x * width, coordinates.top_left_y * height),
                                 coordinates.width * width, coordinates.height * height,
                                 fill=True, alpha=0.25, facecolor=colour, edgecolor=colour))
    elif kind in ("PolygonCoordinates", "PolylineCoordinates"):
        points = [(p.x * width, p.y * height) for p in coordinates.values]
        if points:
            closed = kind == "PolygonCoordinates"
            axes.add_patch(Polygon(points, closed=closed, fill=closed, alpha=0.4, facecolor=colour, edgecolor=colour))
    elif kind == "PointCoordinate":
        axes.plot([coordinates.x * width], [coordinates.y * height], "o", color=colour)
    elif kind == "SkeletonCoordinates":
        axes.plot([v.x * width for v in coordinates.values], [v.y * height for v in coordinates.values], "o", color=colour)
    elif kind == "BitmaskCoordinates":
        mask = np.asarray(coordinates.to_numpy_array(), dtype=float)
        axes.imshow(np.ma.masked_where(mask == 0, mask), alpha=0.5, cmap="autumn")
    elif kind == "RotatableBoundingBoxCoordinates":
        axes.add_patch(Rectangle((coordinates.top_left_x * width, coordinates.top_left_y * height),
                                 coordinates.width * width, coordinates.height * height,
                                 angle=coordinates.theta, fill=False, edgecolor=colour))


# ---------------------------------------------------------------------- measurements


def _ms(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def measure(domain: str, key: str, project_hash: str, rounds: int) -> dict[str, dict[str, list[float]]]:
    sdk_class = _sdk_client_class()
    results: dict[str, dict[str, list[float]]] = {"ours": {}, "official SDK": {}}
    for _ in range(rounds):
        # Ours: a fresh client per round (empty media caches); one explorer shows each row in turn.
        project = EncordUserClient.create_with_ssh_private_key(key, domain=domain).get_project(project_hash)
        rows = [r for r in project.list_label_rows_v2() if r.label_hash]
        explorer = FrameExplorer(project=project, display_width=800)
        shown_at: list[float] = []
        explorer.image.observe(lambda _change: shown_at.append(time.perf_counter()), "value")
        for row in rows:
            start = time.perf_counter()
            explorer.show_row(row)  # the frame's bytes reach the widget first; stage and branches follow
            assert shown_at and explorer.status.text == "", explorer.status.text
            results["ours"].setdefault(row.data_title, []).append((shown_at[-1] - start) * 1000)
            shown_at.clear()
        video = next(r for r in rows if r.data_title == VIDEO_TITLE)
        explorer.show_row(video)
        for frame in STEP_FRAMES:  # one pass fetches and decodes the frames
            explorer.frame = frame
        explorer.frame = 0
        explorer._canvases.clear()  # the pictures stay cached, the overlays are drawn again
        for frame in STEP_FRAMES:
            before = explorer.image.value
            results["ours"].setdefault("cached step", []).append(_ms(lambda: setattr(explorer, "frame", frame)))
            assert explorer.image.value != before and explorer.status.text == "", explorer.status.text

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sdk_project = sdk_class.create_with_ssh_private_key(key, domain=domain).get_project(project_hash)
            sdk_rows = [r for r in sdk_project.list_label_rows_v2() if r.label_hash]
            viewer = SdkViewer()
            for row in sdk_rows:

                def first_frame(row=row) -> None:
                    row.initialise_labels(include_signed_url=True)
                    viewer.show(row, 0)

                results["official SDK"].setdefault(row.data_title, []).append(_ms(first_frame))
            sdk_video = next(r for r in sdk_rows if r.data_title == VIDEO_TITLE)
            for frame in STEP_FRAMES:
                results["official SDK"].setdefault("cached step", []).append(
                    _ms(lambda: viewer.show(sdk_video, frame))
                )
    return results


def report(results: dict[str, dict[str, list[float]]], rounds: int) -> bool:
    ours, sdk = results["ours"], results["official SDK"]
    print(f"Frame explorer vs the official SDK path, {rounds} rounds, medians in ms\n")
    print(f"{'case':<28}{'ours':>10}{'SDK':>10}{'speed-up':>10}")
    first_ours, first_sdk = [], []
    for case in ours:
        a, b = statistics.median(ours[case]), statistics.median(sdk[case])
        if case != "cached step":
            first_ours += ours[case]
            first_sdk += sdk[case]
        print(f"{case:<28}{a:>10.1f}{b:>10.1f}{b / a:>9.1f}x")
    first = statistics.median(first_ours), statistics.median(first_sdk)
    step = statistics.median(ours["cached step"]), statistics.median(sdk["cached step"])
    print(f"\n{'first frame, all rows':<28}{first[0]:>10.1f}{first[1]:>10.1f}{first[1] / first[0]:>9.1f}x")
    checks = [
        (f"first frame under {FIRST_FRAME_TARGET_MS} ms", first[0] < FIRST_FRAME_TARGET_MS),
        (f"cached step under {CACHED_STEP_TARGET_MS} ms", step[0] < CACHED_STEP_TARGET_MS),
        (f"first frame at least {SPEEDUP_TARGET:g}x faster than the SDK", first[1] / first[0] >= SPEEDUP_TARGET),
        (f"cached step at least {SPEEDUP_TARGET:g}x faster than the SDK", step[1] / step[0] >= SPEEDUP_TARGET),
    ]
    print()
    for name, ok in checks:
        print(f"{'PASS' if ok else 'MISS'}  {name}")
    return all(ok for _, ok in checks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        demo = build_demo(Path(folder) / "ws")
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "encord_nb.server", "--workspace", str(demo.path), "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            domain = f"http://127.0.0.1:{port}"
            _wait_for(domain + "/")
            results = measure(domain, demo.key_path.read_text(), demo.projects[PROJECT], args.rounds)
        finally:
            server.terminate()
            server.wait(timeout=10)
    report(results, args.rounds)


if __name__ == "__main__":
    main()
