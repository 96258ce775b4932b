"""The demo video: a slow, deterministic pan over the cat photo, and where things are in each frame.

The camera window (320x180 source pixels, shown at 640x360) moves from the left of the photo to
the right for ``PAN_FRAMES`` frames, then holds still. Because the window is known exactly for
every frame, labels drawn on the photo are mapped into every frame and stay on their object.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path

from PIL import Image

VIDEO_WIDTH, VIDEO_HEIGHT = 640, 360
VIDEO_FPS = 25
VIDEO_FRAMES = 75
PAN_FRAMES = 50  # frames 0..49 move, 50..74 hold
_WINDOW_W, _WINDOW_H = 320.0, 180.0
_START, _END = (0.0, 90.0), (131.0, 20.0)  # window top-left in source pixels


def window(frame: int) -> tuple[float, float, float, float]:
    """The source-pixel window (left, top, width, height) shown in ``frame``."""
    t = min(frame, PAN_FRAMES - 1) / (PAN_FRAMES - 1)
    left = _START[0] + (_END[0] - _START[0]) * t
    top = _START[1] + (_END[1] - _START[1]) * t
    return left, top, _WINDOW_W, _WINDOW_H


def point_in_frame(x: float, y: float, frame: int, size: tuple[int, int]) -> tuple[float, float] | None:
    """A normalised photo point in frame coordinates, or None when the window does not show it."""
    left, top, w, h = window(frame)
    fx, fy = (x * size[0] - left) / w, (y * size[1] - top) / h
    return (fx, fy) if 0.0 <= fx <= 1.0 and 0.0 <= fy <= 1.0 else None


def box_in_frame(
    box: tuple[float, float, float, float], frame: int, size: tuple[int, int]
) -> tuple[float, float, float, float] | None:
    """A normalised photo box (x, y, w, h) clipped to the frame, in frame coordinates, or None if outside."""
    left, top, w, h = window(frame)
    x0 = max(0.0, (box[0] * size[0] - left) / w)
    y0 = max(0.0, (box[1] * size[1] - top) / h)
    x1 = min(1.0, ((box[0] + box[2]) * size[0] - left) / w)
    y1 = min(1.0, ((box[1] + box[3]) * size[1] - top) / h)
    return (x0, y0, x1 - x0, y1 - y0) if x1 > x0 and y1 > y0 else None


def encode_mp4(out: Path, pictures: Iterable[Image.Image], size: tuple[int, int], fps: int = VIDEO_FPS) -> None:
    """Encode RGB pictures of ``size`` into an H.264 MP4 at ``out``, one frame each, single-threaded
    so the same pictures give the same bytes."""
    import av  # imported here: only building a workspace needs the encoder

    out.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(out), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, fps)
        stream.options = {"crf": "23", "preset": "veryfast", "threads": "1"}
        for index, picture in enumerate(pictures):
            frame = av.VideoFrame.from_image(picture)
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def write_video(photo: Path, out: Path) -> None:
    """Render the pan over ``photo`` into an MP4 at ``out``."""
    source = Image.open(photo).convert("RGB")

    def pictures() -> Iterator[Image.Image]:
        for index in range(VIDEO_FRAMES):
            left, top, w, h = window(index)
            yield source.resize((VIDEO_WIDTH, VIDEO_HEIGHT), Image.BILINEAR, box=(left, top, left + w, top + h))

    encode_mp4(out, pictures(), (VIDEO_WIDTH, VIDEO_HEIGHT))
