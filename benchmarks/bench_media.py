"""Media: filling a gallery page from the embedded server, and random access to video frames.

1. Gallery: 48 tiles (distinct data units of a synthetic project, with their boxes, polygons and
   points) fetched through signed URLs from the embedded server running in its own process,
   drawn with overlays at tile size and encoded as JPEG. ``one by one`` fetches each tile when it
   is drawn; ``concurrent`` hands the page to ``MediaFetcher.prefetch`` first (a small thread
   pool) and draws tiles as they arrive. Every round starts with empty caches. Loopback has no
   network to wait on, so the pair runs again with 50 ms added before each GET (cloud storage's
   time to first byte), the case prefetching is for.
2. Video: 30 random frames of a 10 s, 25 fps, 640 x 360 H.264 clip. ``ours`` is ``VideoFrames``
   (seek to the keyframe before, decode forward, keep nearby frames); the reference decodes from
   the start for every frame. Two clips: keyframes every 2 s, and x264's default (one keyframe
   every 250 frames, i.e. a single one here).

Run: ``.venv/bin/python benchmarks/bench_media.py [--rounds 5]``
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from typing import Iterator

import av
import numpy as np
import requests

from encord_nb.client.media import MediaFetcher, MediaRef, VideoFrames
from encord_nb.demo import build_demo, build_synthetic
from encord_nb.models import OntologyStructure, parse_label_row
from encord_nb.render import PillowPainter, annotations_from_frame, encode_image

TILES = 48
TILE_SIDE = 256
VIDEO_SECONDS, VIDEO_FPS, VIDEO_SIZE = 10, 25, (640, 360)
RANDOM_FRAMES = 30
#: Time to first byte of a cloud-storage GET, added on loopback (where there is no network to wait on).
STORAGE_LATENCY_S = 0.05


class _LatentAdapter(requests.adapters.HTTPAdapter):
    """Waits before each request as a round trip to remote storage would (a sleep, like a socket wait, frees the GIL)."""

    def __init__(self, latency: float):
        super().__init__()
        self.latency = latency

    def send(self, request, **kwargs):
        time.sleep(self.latency)
        return super().send(request, **kwargs)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit(f"the embedded server did not start at {url}")


@contextmanager
def server_process(workspace: Path) -> Iterator[str]:
    """The embedded server over ``workspace`` in its own process (so it does not share our GIL); its URL."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "encord_nb.server", "--workspace", str(workspace), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        domain = f"http://127.0.0.1:{port}"
        _wait_for(domain + "/")
        yield domain
    finally:
        server.terminate()
        server.wait(timeout=10)


def gallery(rounds: int) -> None:
    from encord import EncordUserClient  # the official SDK, a test dependency: it lists rows and signs links

    with tempfile.TemporaryDirectory() as folder:
        demo = build_demo(Path(folder) / "ws")
        synthetic = build_synthetic(demo.path, rows=TILES, objects_per_frame=9, seed=1)
        with server_process(demo.path) as domain:
            user = EncordUserClient.create_with_ssh_private_key(demo.key_path.read_text(), domain=domain)
            project = user.get_project(synthetic.project_hash)
            ontology = OntologyStructure.model_validate(project.ontology_structure.to_dict())
            rows = project.list_label_rows_v2()[:TILES]
            with project.create_bundle() as bundle:
                for row in rows:
                    row.initialise_labels(include_signed_url=True, bundle=bundle)
            page = []
            for row in rows:
                blurb = parse_label_row(row.to_encord_dict())
                page.append((MediaRef(row.data_hash, row.data_hash, row.data_link), blurb))
            painter = PillowPainter()

            def tile(fetcher: MediaFetcher, ref: MediaRef, blurb) -> bytes:
                picture = fetcher.get_image(ref.data_hash, ref.image_hash, ref.url)
                anns = annotations_from_frame(blurb.frame_labels(0), ontology, blurb.object_answers)
                return encode_image(painter.draw(picture, anns))

            def session(latency: float) -> requests.Session:
                made = requests.Session()
                if latency:
                    made.mount("http://", _LatentAdapter(latency))
                return made

            def one_by_one(latency: float = 0.0) -> None:
                with MediaFetcher(session(latency), max_display_side=TILE_SIDE) as fetcher:
                    for ref, blurb in page:
                        tile(fetcher, ref, blurb)

            def concurrent(latency: float = 0.0) -> None:
                with MediaFetcher(session(latency), max_display_side=TILE_SIDE) as fetcher:
                    fetcher.prefetch(ref for ref, _ in page)
                    for ref, blurb in page:
                        tile(fetcher, ref, blurb)

            ms = round(STORAGE_LATENCY_S * 1000)
            times = _rounds({
                "one by one": one_by_one,
                "concurrent (prefetch pool)": concurrent,
                f"one by one, {ms} ms storage latency": lambda: one_by_one(STORAGE_LATENCY_S),
                f"concurrent, {ms} ms storage latency": lambda: concurrent(STORAGE_LATENCY_S),
            }, rounds)  # fmt: skip
    print(f"Gallery page: {TILES} tiles ({TILE_SIDE} px, overlays, JPEG) from the embedded server, {rounds} rounds")
    _table({k: v for k, v in times.items() if "latency" not in k}, "one by one")
    _table({k: v for k, v in times.items() if "latency" in k}, f"one by one, {ms} ms storage latency")


def _encode_clip(path: Path, gop: int | None) -> None:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=VIDEO_FPS)
        stream.width, stream.height, stream.pix_fmt = *VIDEO_SIZE, "yuv420p"
        if gop is not None:
            stream.codec_context.gop_size = gop
        stream.codec_context.time_base = Fraction(1, VIDEO_FPS)
        rng = np.random.default_rng(0)
        base = rng.integers(0, 255, (VIDEO_SIZE[1] // 8, VIDEO_SIZE[0] // 8, 3), dtype=np.uint8)
        base = np.repeat(np.repeat(base, 8, axis=0), 8, axis=1)
        for index in range(VIDEO_SECONDS * VIDEO_FPS):
            frame = av.VideoFrame.from_ndarray(np.roll(base, index * 3, axis=1), format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, VIDEO_FPS)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())


def _from_start(path: Path, frame: int) -> None:
    with av.open(str(path)) as container:
        for number, decoded in enumerate(container.decode(video=0)):
            if number == frame:
                decoded.to_image()
                return


def video(rounds: int) -> None:
    wanted = random.Random(5).sample(range(VIDEO_SECONDS * VIDEO_FPS), RANDOM_FRAMES)
    with tempfile.TemporaryDirectory() as folder:
        for label, gop in (("keyframe every 2 s", 2 * VIDEO_FPS), ("x264 default keyframes", None)):
            clip = Path(folder) / f"clip-{gop}.mp4"
            _encode_clip(clip, gop)

            def ours() -> None:
                frames = VideoFrames(clip, fps=VIDEO_FPS)
                for k in wanted:
                    frames.frame(k)

            def reference() -> None:
                for k in wanted:
                    _from_start(clip, k)

            times = _rounds({"decode from the start": reference, "ours (seek + decode forward)": ours}, rounds)
            print(f"Video: {RANDOM_FRAMES} random frames of a {VIDEO_SECONDS} s, {VIDEO_FPS} fps clip, {label}, {rounds} rounds")
            _table(times, "decode from the start")


def _rounds(variants: dict, rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in variants}
    for run in variants.values():
        run()  # warm up imports and connections
    for _ in range(rounds):
        for name, run in variants.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def _table(times: dict[str, list[float]], base_name: str) -> None:
    base = statistics.median(times[base_name])
    print(f"  {'variant':40s} {'ms':>9s} {'speed-up':>9s}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:40s} {median * 1000:9.1f} {base / median:8.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    gallery(args.rounds)
    video(args.rounds)


if __name__ == "__main__":
    main()
