"""Video frames by number: a clip whose frames carry their own index is read back in random order."""

from __future__ import annotations

import random
from fractions import Fraction

import av
import numpy as np
import pytest
import requests
from PIL import Image

from encord_nb.client import media
from encord_nb.client.media import MediaFetcher, VideoFrames
from encord_nb.exceptions import UsageError
from encord_nb.server import serve

FPS = 25
FRAMES = 100
GOP = 12
BITS = 7  # frame numbers up to 127
BAND = 8  # pixels per bit


def _picture(index: int, noise: np.ndarray | None = None) -> np.ndarray:
    """A frame whose top-left vertical bands spell ``index`` in binary (white = 1), robust to compression.

    ``noise`` (an RGB array) fills the rest of a larger frame, to make a clip of realistic size.
    """
    bits = [(index >> b) & 1 for b in range(BITS)]
    row = np.repeat(np.array(bits, dtype=np.uint8) * 255, BAND)
    bands = np.repeat(np.repeat(row[None, :, None], 32, axis=0), 3, axis=2)
    if noise is None:
        return bands
    frame = np.roll(noise, index, axis=1)
    frame[:32, : BITS * BAND] = bands
    return frame


def _read_index(image: Image.Image) -> int:
    grey = np.asarray(image.convert("L"), dtype=np.float64)[:32]
    bands = grey[:, : BITS * BAND].reshape(grey.shape[0], BITS, BAND).mean(axis=(0, 2))
    return sum(1 << b for b, level in enumerate(bands) if level > 128)


def _encode(path, frames: int, size: tuple[int, int] | None = None) -> None:
    noise = None if size is None else np.random.default_rng(1).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    width, height = size or (BITS * BAND, 32)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.gop_size = GOP
        stream.codec_context.time_base = Fraction(1, FPS)
        for index in range(frames):
            frame = av.VideoFrame.from_ndarray(_picture(index, noise), format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    path = tmp_path_factory.mktemp("video") / "numbered.mp4"
    _encode(path, FRAMES)
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


class _CountingSession(requests.Session):
    """A session that adds up the body bytes it received."""

    received = 0

    def send(self, request, **kwargs):
        response = super().send(request, **kwargs)
        self.received += len(response.content)
        return response


def test_a_long_video_is_read_by_ranges_not_downloaded_whole(tmp_path, monkeypatch):
    # Given a noisy 120-frame clip of about 200 kilobytes behind a signed link of the embedded server,
    workspace = tmp_path / "ws"
    (workspace / "media").mkdir(parents=True)
    clip = workspace / "media" / "long.mp4"
    _encode(clip, 120, size=(160, 120))
    size = clip.stat().st_size
    monkeypatch.setattr(media, "RANGE_BLOCK_BYTES", 8 * 1024)
    assert size > 20 * media.RANGE_BLOCK_BYTES, "the clip should span many blocks"
    with serve(workspace) as server:
        url = server.app.media_signer.signed_url(server.domain, "/media/long.mp4")
        session = _CountingSession()
        fetcher = MediaFetcher(session, max_display_side=None)
        # when a late frame and then an early one are shown,
        late = fetcher.get_video_frame("long", url, 110, fps=FPS)
        bytes_for_late = session.received
        early = fetcher.get_video_frame("long", url, 5, fps=FPS)
    # then they are the right frames, fetched by ranges, and the late one cost only a fraction of the file.
    assert _read_index(late) == 110 and _read_index(early) == 5
    assert fetcher.requests_sent > 2
    assert bytes_for_late < size / 2
