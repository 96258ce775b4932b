"""Overlay rendering: ours vs supervision's annotators (OpenCV) vs encoding the bare photo.

The same 1920 x 1080 photo, the same 100 boxes and 20 polygons, and a label on each of the 120
objects ("class 0.87"), made ready for a widget. Each variant runs in interleaved rounds in one
process; the table gives medians of wall-clock and CPU time (the latter less disturbed by other work
on the machine) and ratios to the floor (encoding the bare photo as JPEG, quality 85).

The frame explorer sends what the browser shows in two layers: the photo as JPEG and the overlays
as SVG markup the page lays over it (``SvgPainter``):

* ``widget layers, new frame``: write the overlay markup of annotation objects never drawn before
  (their pixel geometry is converted), then encode the photo: the CPU cost of a new frame.
* ``widget overlay only, redraw``: a class toggled, an object selected: markup only, no photo.

Drawing into the picture (``PillowPainter``: snapshots, ``show()``, gallery tiles) and encoding it:

* ``raster, new frame``: annotation objects never drawn before (their pixel geometry is converted),
  in a session that has drawn labels before (words such as class names are already rendered).
* ``raster, new frame, label caches cleared``: the same with no rendered word kept: the very first frame.
* ``raster, redraw``: the same annotations drawn again (stepping back, changing the selection).
* ``raster + 25 % fills``: boxes and polygons also filled (what supervision would need a second
  annotator for); not part of the like-for-like comparison.
* ``supervision``: ``BoxAnnotator`` + ``LabelAnnotator`` + ``sv.draw_polygon`` (its cheapest
  polygon path; ``PolygonAnnotator`` needs full-frame masks) on a BGR array, ``cv2.imencode``.

Run: ``.venv/bin/python benchmarks/bench_render.py [--rounds 30]``
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import time
from pathlib import Path

import numpy as np
from PIL import Image

from encord_nb.models import BoundingBox, PolygonCoordinates, Shape
from encord_nb.render import Annotation, PillowPainter, SvgPainter, encode_image, pixel_shape
from encord_nb.render._text import clear_label_cache

PHOTO = Path(__file__).resolve().parents[1] / "encord_nb" / "demo" / "images" / "hubble_deep_field.jpg"
SIZE = (1920, 1080)
QUALITY = 85
CLASSES = ("car", "person", "bicycle", "truck", "dog")
COLOURS = ((214, 39, 40), (31, 119, 180), (44, 160, 44), (255, 127, 14), (148, 103, 189))


def photo() -> Image.Image:
    """The demo's Hubble photo, scaled to cover 1920 x 1080 and cropped to it."""
    source = PHOTO if PHOTO.exists() else Path("/work/shared/demo-images/hubble_deep_field.jpg")
    with Image.open(source) as image:
        image = image.convert("RGB")
        scale = max(SIZE[0] / image.width, SIZE[1] / image.height)
        image = image.resize((math.ceil(image.width * scale), math.ceil(image.height * scale)), Image.Resampling.LANCZOS)
        return image.crop((0, 0, *SIZE))


def annotations(seed: int = 0) -> list[Annotation]:
    rng = random.Random(seed)
    out = []
    for i in range(100):
        w, h = rng.uniform(0.02, 0.15), rng.uniform(0.03, 0.2)
        x, y = rng.uniform(0, 1 - w), rng.uniform(0, 1 - h)
        c = i % len(CLASSES)
        out.append(
            Annotation(f"box{i}", CLASSES[c], f"F{c}", Shape.BOUNDING_BOX, BoundingBox(x=x, y=y, w=w, h=h),
                       colour=COLOURS[c], confidence=round(rng.uniform(0.3, 0.99), 2), manual=False)
        )
    for i in range(20):
        cx, cy, r = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9), rng.uniform(0.03, 0.08)
        ring = []
        for k in range(12):
            a = 2 * math.pi * k / 12
            ring += [cx + r * math.cos(a) * rng.uniform(0.7, 1.0), cy + 1.7 * r * math.sin(a) * rng.uniform(0.7, 1.0)]
        out.append(
            Annotation(f"poly{i}", "region", "FR", Shape.POLYGON, PolygonCoordinates.from_wire(None, [[ring]]),
                       colour=(23, 190, 207), confidence=round(rng.uniform(0.3, 0.99), 2), manual=False)
        )
    return out


def supervision_runner(image: Image.Image, anns: list[Annotation], thickness: int):
    """A callable drawing the same overlays with supervision and encoding with OpenCV."""
    import cv2
    import supervision as sv

    width, height = image.size
    xyxy = np.array([pixel_shape(a.coordinates, width, height).extent() for a in anns], dtype=float)
    class_ids = np.array([CLASSES.index(a.class_name) if a.class_name in CLASSES else len(CLASSES) for a in anns])
    detections = sv.Detections(xyxy=xyxy, class_id=class_ids, confidence=np.array([a.confidence for a in anns]))
    boxes = detections[np.array([a.shape is Shape.BOUNDING_BOX for a in anns])]
    polygons = [np.array(pixel_shape(a.coordinates, width, height).polygons[0][0]) for a in anns if a.shape is Shape.POLYGON]
    labels = [f"{a.class_name} {a.confidence:.2f}" for a in anns]
    box_annotator = sv.BoxAnnotator(thickness=thickness)
    label_annotator = sv.LabelAnnotator()
    bgr = np.ascontiguousarray(np.asarray(image)[:, :, ::-1])
    colour = sv.Color(r=23, g=190, b=207)

    def draw() -> np.ndarray:
        scene = bgr.copy()
        scene = box_annotator.annotate(scene, boxes)
        for polygon in polygons:
            scene = sv.draw_polygon(scene, polygon, colour, thickness)
        return label_annotator.annotate(scene, detections, labels)

    def run() -> bytes:
        return cv2.imencode(".jpg", draw(), [cv2.IMWRITE_JPEG_QUALITY, QUALITY])[1].tobytes()

    def floor() -> bytes:
        return cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, QUALITY])[1].tobytes()

    return run, floor, draw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    image = photo()
    anns = annotations()
    painter = PillowPainter(fill_opacity=0)
    filled = PillowPainter(fill_opacity=0.25)
    thickness = painter.style.line_width_for(*image.size)

    vector = SvgPainter(fill_opacity=0)
    seeds = iter(range(1, 10**6))

    def new_frame_objects() -> list[Annotation]:
        # Annotation objects never drawn before, built just before the round (untimed), as the
        # explorer builds a frame's objects from its label row just before drawing them.
        return annotations(next(seeds))

    def floor(_=None) -> bytes:
        return encode_image(image, quality=QUALITY)

    def layers(anns: list[Annotation]) -> tuple[str, bytes]:
        # In the explorer's order: the overlay markup, then the photo.
        return vector.draw(image.size, anns), encode_image(image, quality=QUALITY)

    def raster(anns: list[Annotation]) -> bytes:
        return encode_image(painter.draw(image, anns), quality=QUALITY)

    def cold(anns: list[Annotation]) -> bytes:
        clear_label_cache()
        return raster(anns)

    # name -> (what each round is given, built untimed; the timed work)
    variants = {
        "floor: encode bare photo (Pillow)": (None, floor),
        "widget layers, new frame": (new_frame_objects, layers),
        "widget overlay only, redraw": (None, lambda _: vector.draw(image.size, anns)),
        "  widget overlay only, new frame": (new_frame_objects, lambda fresh: vector.draw(image.size, fresh)),
        "raster, new frame + encode": (new_frame_objects, raster),
        "raster, new frame, label caches cleared": (new_frame_objects, cold),
        "raster, redraw + encode": (None, lambda _: raster(anns)),
        "raster + 25 % fills, redraw + encode": (None, lambda _: encode_image(filled.draw(image, anns), quality=QUALITY)),
    }
    try:
        sv_run, sv_floor, sv_draw = supervision_runner(image, anns, thickness)
        variants["supervision (OpenCV) draw + encode"] = (None, lambda _: sv_run())
        variants["floor: encode bare photo (OpenCV)"] = (None, lambda _: sv_floor())
        variants["  supervision, draw only"] = (None, lambda _: sv_draw())
    except ImportError as error:
        print(f"supervision / OpenCV missing ({error}): pip install -e '.[test]'")

    gc.collect()
    gc.freeze()
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for setup, run in variants.values():
        run(setup and setup())  # warm up imports and what lives for the whole session (fonts, glyphs)
    for _ in range(args.rounds):
        for name, (setup, run) in variants.items():
            given = setup and setup()
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            run(given)
            wall[name].append(time.perf_counter() - start_wall)
            cpu[name].append(time.process_time() - start_cpu)

    floor_name = "floor: encode bare photo (Pillow)"
    base_wall, base_cpu = statistics.median(wall[floor_name]), statistics.median(cpu[floor_name])
    print(f"{SIZE[0]}x{SIZE[1]} photo, 100 boxes + 20 polygons + 120 labels, JPEG q{QUALITY}, {args.rounds} rounds (medians)")
    print(f"{'variant':42s} {'wall ms':>8s} {'x floor':>8s} {'cpu ms':>8s} {'x floor':>8s}")
    for name in variants:
        w, c = statistics.median(wall[name]), statistics.median(cpu[name])
        print(f"{name:42s} {w * 1000:8.2f} {w / base_wall:8.2f} {c * 1000:8.2f} {c / base_cpu:8.2f}")
    png = statistics.median(_wall(lambda: encode_image(image, "PNG")) for _ in range(3))
    print(f"(why JPEG: PNG of the bare photo takes {png * 1000:.0f} ms wall, {png / base_wall:.0f}x the JPEG floor)")
    if "supervision (OpenCV) draw + encode" in wall:
        theirs = statistics.median(wall["supervision (OpenCV) draw + encode"])
        for name in ("widget layers, new frame", "raster, new frame + encode",
                     "raster, new frame, label caches cleared"):
            print(f"supervision wall time / {name}: {theirs / statistics.median(wall[name]):.2f}x")


def _wall(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
