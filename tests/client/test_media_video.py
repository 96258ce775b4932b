"""Video frames by number: a clip whose frames carry their own index is read back in random order."""

from __future__ import annotations

import random
from fractions import Fraction

import av
import numpy as np
import pytest
import requests
from PIL import Image

from encord_nb.client.media import MediaFetcher, VideoFrames
from encord_nb.exceptions import UsageError

FPS = 25
FRAMES = 100
GOP = 12
BITS = 7  # frame numbers up to 127
BAND = 8  # pixels per bit


def _picture(index: int) -> np.ndarray:
    """A 56 x 32 frame whose vertical bands spell ``index`` in binary (white = 1), robust to compression."""
    bits = [(index >> b) & 1 for b in range(BITS)]
    row = np.repeat(np.array(bits, dtype=np.uint8) * 255, BAND)
    return np.repeat(np.repeat(row[None, :, None], 32, axis=0), 3, axis=2)


def _read_index(image: Image.Image) -> int:
    grey = np.asarray(image.convert("L"), dtype=np.float64)
    bands = grey[:, : BITS * BAND].reshape(grey.shape[0], BITS, BAND).mean(axis=(0, 2))
    return sum(1 << b for b, level in enumerate(bands) if level > 128)


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("video") / "numbered.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = BITS * BAND, 32, "yuv420p"
        stream.codec_context.gop_size = GOP
        stream.codec_context.time_base = Fraction(1, FPS)
        for index in range(FRAMES):
            frame = av.VideoFrame.from_ndarray(_picture(index), format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def test_the_clip_spells_its_own_frame_numbers(clip):
    # The reader used below is checked first against plain sequential decoding.
    with av.open(str(clip)) as container:
        numbers = [_read_index(f.to_image()) for f in container.decode(video=0)]
    assert numbers == list(range(FRAMES))


def test_random_access_returns_the_frame_asked_for(clip):
    # Given the clip opened at the row's frame rate,
    video = VideoFrames(clip, fps=FPS)
    assert video.frame_count == FRAMES
    # when frames are asked for in a random order, then each is the frame with that number.
    order = list(range(FRAMES))
    random.Random(3).shuffle(order)
    for k in order:
        assert _read_index(video.frame(k)) == k, f"frame {k}"


def test_frame_numbers_and_timestamps_follow_the_rows_fps(clip):
    video = VideoFrames(clip, fps=FPS)
    assert video.timestamp(50) == 2.0 and video.frame_at(2.0) == 50 and video.frame_at(video.timestamp(37)) == 37
    # The frame shown at 3.2 s is frame 80.
    assert _read_index(video.frame(video.frame_at(3.2))) == 80


def test_stepping_forward_decodes_on_and_stepping_back_hits_the_cache(clip):
    video = VideoFrames(clip, fps=FPS)
    # Given frame 40 shown, stepping forward through 60 continues the decoder: no further seek,
    for k in range(40, 61):
        video.frame(k)
    assert video.seeks == 1
    # and stepping back over the last frames is served from the frames kept while decoding.
    for k in range(60, 52, -1):
        assert _read_index(video.frame(k)) == k
    assert video.seeks == 1


def test_bytes_open_like_files_and_bad_input_is_refused(clip):
    video = VideoFrames(clip.read_bytes(), fps=FPS)
    assert _read_index(video.frame(99)) == 99
    with pytest.raises(UsageError, match="Frame 100 is outside"):
        video.frame(FRAMES)
    with pytest.raises(UsageError, match="not a video"):
        VideoFrames(b"certainly not a video")


def test_fetcher_serves_video_frames_from_the_disk_cache(clip, tmp_path):
    # Given the clip's bytes in the fetcher's disk cache (as after a first download),
    fetcher = MediaFetcher(requests.Session(), disk_dir=tmp_path, max_display_side=None)
    fetcher.disk.put(("vid", "vid"), clip.read_bytes())
    # when frames are asked for (one prefetched), then they are the right ones and nothing is sent.
    fetcher.prefetch_video_frames("vid", None, [71, 72], fps=FPS).result(timeout=30)
    assert _read_index(fetcher.get_video_frame("vid", None, 72, fps=FPS)) == 72
    assert _read_index(fetcher.get_video_frame("vid", None, 13, fps=FPS)) == 13
    assert fetcher.requests_sent == 0
    assert fetcher.video("vid", None) is fetcher.video("vid", None)
