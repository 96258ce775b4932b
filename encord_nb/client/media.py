"""Media behind signed URLs: fetched with the client's pooled session, cached, re-signed, decoded.

* Images are cached decoded in memory (least recently used, bounded in bytes) and as raw bytes on
  disk (bounded in bytes). Both caches are keyed by ``(data_hash, image_hash)``, never by URL: a
  signed URL changes every time it is signed again.
* A link that the storage refuses (expired or revoked: 400, 401 or 403) is re-signed once through
  the ``resign`` callable and fetched again; the caller never sees the first failure.
* ``prefetch`` fetches what the user will look at next (the following frames, a gallery page) in a
  small thread pool, sharing work with requests already under way.
* Very large images are downscaled for display once (JPEG decodes at reduced scale directly), after
  their EXIF orientation is applied; overlays are then drawn at that display scale.
* Video frames are decoded with PyAV: seek to the keyframe before frame ``k``, decode forward,
  keep the frames just before ``k`` (stepping back is free) and the decoder position (stepping
  forward continues without seeking). A video not in the disk cache is read in blocks with HTTP
  range requests: frame ``k`` of a long video costs the blocks around it, not the whole file.

URLs with their signatures never appear in messages, reprs or logs: only the data and image hashes.
The session's credentials (auth, cookies) are never sent with media requests.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import IO, Any, Callable, Hashable, Iterable, Union
from urllib.parse import urlsplit

import av
import requests
from PIL import Image, ImageOps

from encord_nb.exceptions import (
    AuthenticationError,
    EncordConnectionError,
    EncordStatusError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UsageError,
)

from ._constants import RETRY_STATUSES
from ._transport import RequestsSettings, retry_after_seconds, wait_before_retry

__all__ = [
    "DEFAULT_DISK_CACHE_BYTES",
    "DEFAULT_MAX_DISPLAY_SIDE",
    "DEFAULT_MEMORY_CACHE_BYTES",
    "MEDIA_TIMEOUT_S",
    "PREFETCH_WORKERS",
    "MediaFetcher",
    "MediaRef",
    "VideoFrames",
]

_log = logging.getLogger(__name__)

#: Decoded images kept in memory (width x height x bands bytes each).
DEFAULT_MEMORY_CACHE_BYTES = 512 * 1024**2
#: Raw media bytes kept on disk when a cache folder is given.
DEFAULT_DISK_CACHE_BYTES = 2 * 1024**3
#: Longest side of an image as shown; larger images are downscaled once, when decoded.
DEFAULT_MAX_DISPLAY_SIDE = 2048
#: Threads fetching ahead: enough to hide latency, few enough not to starve the session's pool.
PREFETCH_WORKERS = 6
#: Seconds to connect and to wait between bytes of a media download.
MEDIA_TIMEOUT_S = (5.0, 60.0)
#: Statuses meaning "this link is no longer accepted" (storage services answer 400 or 403 to expired links).
REFUSED_LINK_STATUSES = frozenset({400, 401, 403})
#: Decoded video frames kept per video (RGB bytes).
DEFAULT_VIDEO_CACHE_BYTES = 256 * 1024**2
#: Frames before a requested one that are kept while decoding towards it (cheap backward steps).
VIDEO_KEEP_BEFORE = 8
#: A request this many frames past the decoder's position decodes on instead of seeking.
VIDEO_FORWARD_WINDOW = 48
#: Block size of videos read with HTTP range requests, and the blocks kept per video.
RANGE_BLOCK_BYTES = 1024 * 1024
RANGE_CACHE_BYTES = 64 * 1024**2
#: Videos kept open by a fetcher.
OPEN_VIDEOS = 2

#: Session headers never sent with a media request (signed links carry their own permission).
_PRIVATE_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})

Resign = Callable[[str, str], str]
VideoSource = Union[str, os.PathLike, bytes, IO[bytes]]


@dataclass(frozen=True)
class MediaRef:
    """One image to fetch: its data hash, image hash (the data hash for single images), and signed URL.

    Example:
        >>> MediaRef("d1", "d1", "http://127.0.0.1:1/media/a.jpg?exp=1&sig=x")
        MediaRef(data_hash='d1', image_hash='d1')
    """

    data_hash: str
    image_hash: str
    url: str | None = None

    def __repr__(self) -> str:
        return f"MediaRef(data_hash={self.data_hash!r}, image_hash={self.image_hash!r})"

    @property
    def key(self) -> tuple[str, str]:
        return self.data_hash, self.image_hash


class _Lru:
    """A thread-safe least-recently-used map bounded by the summed size of its values."""

    def __init__(self, max_bytes: int, size_of: Callable[[Any], int]):
        self.max_bytes = max_bytes
        self._size_of = size_of
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Any) -> None:
        size = self._size_of(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size > self.max_bytes:
                return
            self._items[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)


def _image_bytes(image: Image.Image) -> int:
    return image.width * image.height * len(image.getbands())


def _frame_bytes(frame: Image.Image | av.VideoFrame) -> int:
    if isinstance(frame, Image.Image):
        return _image_bytes(frame)
    return frame.width * frame.height * 3 // 2  # 4:2:0 planes


class _DiskCache:
    """Raw bytes in a folder, one file per key, bounded in bytes; the least recently read go first."""

    def __init__(self, folder: str | os.PathLike, max_bytes: int):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        entries = [(p.stat().st_mtime, p.name, p.stat().st_size) for p in self.folder.glob("*.media")]
        self._sizes: OrderedDict[str, int] = OrderedDict((name, size) for _, name, size in sorted(entries))
        self._bytes = sum(self._sizes.values())

    @staticmethod
    def _name(key: tuple[str, str]) -> str:
        return hashlib.sha256("/".join(key).encode()).hexdigest() + ".media"

    def path(self, key: tuple[str, str]) -> Path | None:
        """The file holding ``key``'s bytes, marked as just used, or ``None``."""
        name = self._name(key)
        with self._lock:
            if name not in self._sizes:
                return None
            self._sizes.move_to_end(name)
        path = self.folder / name
        try:
            os.utime(path)
        except FileNotFoundError:
            with self._lock:
                self._bytes -= self._sizes.pop(name, 0)
            return None
        return path

    def get(self, key: tuple[str, str]) -> bytes | None:
        path = self.path(key)
        try:
            return None if path is None else path.read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: tuple[str, str], data: bytes) -> Path | None:
        if len(data) > self.max_bytes:
            return None
        name = self._name(key)
        path = self.folder / name
        partial = path.with_suffix(f".{threading.get_ident()}.part")
        partial.write_bytes(data)
        os.replace(partial, path)  # readers never see half a file
        with self._lock:
            self._bytes += len(data) - self._sizes.pop(name, 0)
            self._sizes[name] = len(data)
            while self._bytes > self.max_bytes and self._sizes:
                old, size = self._sizes.popitem(last=False)
                self._bytes -= size
                (self.folder / old).unlink(missing_ok=True)
        return path

    @property
    def bytes(self) -> int:
        return self._bytes


def _status_error(status: int, what: str, resigned: bool) -> EncordStatusError:
    message = f"Fetching the media of {what} failed with HTTP {status}"
    if status == 404:
        return NotFoundError(message + ": the file is not in storage.", status_code=status)
    if status in (401, 403):
        kind = AuthenticationError if status == 401 else PermissionDeniedError
        advice = (
            " even with a freshly signed link: check access to the storage."
            if resigned
            else ": the link has expired or is not valid; fetch the label row again for a fresh one."
        )
        return kind(message + advice, status_code=status)
    if status == 429:
        return RateLimitError(message + ": the storage asks to slow down; try again shortly.", status_code=status)
    if status >= 500:
        return ServerError(message + ": the storage failed; try again later.", status_code=status)
    return EncordStatusError(message + ".", status_code=status)


def _decode_image(data: bytes, max_side: int | None, what: str) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        if max_side is not None and image.format == "JPEG" and max(image.size) > 2 * max_side:
            # JPEG can decode at 1/2, 1/4 or 1/8 scale directly: far faster than decoding in full.
            image.draft("RGB", (max_side, max_side))
        image.load()
    except (OSError, ValueError) as error:
        raise UsageError(f"The media of {what} is not an image Pillow can read ({error}).") from None
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if max_side is not None and max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return image


class MediaFetcher:
    """Fetches, caches and decodes the images and video frames behind signed URLs.

    Args:
        session: the client's pooled ``requests.Session`` (its pool should hold ``max_workers`` connections).
        resign: ``resign(data_hash, image_hash) -> url`` returns a freshly signed URL; called once
            when a link is refused. ``None``: refused links fail at once.
        memory_bytes: bound of the decoded-image cache.
        disk_dir: folder for the raw-bytes cache; ``None`` keeps no disk cache.
        disk_bytes: bound of the disk cache.
        max_workers: prefetch threads.
        max_display_side: images are downscaled so their longest side is at most this (``None``: never).
        timeout: seconds to connect and to wait between bytes.
        settings: retries and back-off after a dropped connection, a 429 or a 5xx (the client's
            ``RequestsSettings``; timeouts come from ``timeout``).

    Example:
        >>> fetcher = MediaFetcher(requests.Session(), resign=project._resign_media)  # doctest: +SKIP
        >>> fetcher.get_image(row.data_hash, row.data_hash, row.data_link).size       # doctest: +SKIP
        (640, 427)
    """

    def __init__(
        self,
        session: requests.Session,
        resign: Resign | None = None,
        *,
        memory_bytes: int = DEFAULT_MEMORY_CACHE_BYTES,
        disk_dir: str | os.PathLike | None = None,
        disk_bytes: int = DEFAULT_DISK_CACHE_BYTES,
        max_workers: int = PREFETCH_WORKERS,
        max_display_side: int | None = DEFAULT_MAX_DISPLAY_SIDE,
        timeout: float | tuple[float, float] = MEDIA_TIMEOUT_S,
        settings: RequestsSettings | None = None,
    ):
        self.session = session
        self.resign = resign
        self.max_display_side = max_display_side
        self.timeout = timeout
        self.settings = settings or RequestsSettings()
        self.images = _Lru(memory_bytes, _image_bytes)
        self.disk = _DiskCache(disk_dir, disk_bytes) if disk_dir is not None else None
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="encord-nb-media")
        self._lock = threading.Lock()
        self._inflight: dict[Hashable, Future] = {}
        self._fresh: dict[tuple[str, str], tuple[str | None, str]] = {}
        self._videos = _Lru(OPEN_VIDEOS, lambda _: 1)
        self._proxy_cache: dict[str, dict[str, str]] = {}
        #: How many HTTP GETs were sent, and how many links were re-signed (for tests and benchmarks).
        self.requests_sent = 0
        self.resigned = 0

    def __repr__(self) -> str:
        return f"MediaFetcher(images={len(self.images)}, memory_bytes={self.images.bytes})"

    def close(self) -> None:
        """Stop the prefetch threads (waiting for running fetches)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> MediaFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- bytes ---------------------------------------------------------------------------------

    def _current_url(self, key: tuple[str, str], url: str | None) -> str | None:
        fresh = self._fresh.get(key)
        # A URL we already re-signed replaces the stale one the caller still holds.
        if fresh is not None and (url is None or url == fresh[0]):
            return fresh[1]
        return url

    def _proxies(self, url: str) -> dict[str, str]:
        # requests reads the proxy variables and ~/.netrc on every call (milliseconds each); signed
        # links need no credentials, so the environment's proxies are looked up once per host.
        if not self.session.trust_env:
            return dict(self.session.proxies)
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        found = self._proxy_cache.get(origin)
        if found is None:
            found = self._proxy_cache[origin] = {**requests.utils.get_environ_proxies(url), **self.session.proxies}
        return found

    def _get(self, url: str, what: str, extra_headers: dict[str, str] | None = None) -> requests.Response:
        """GET ``url``, trying again after a dropped connection, a 429 or a 5xx (a GET is safe to repeat)."""
        # Built without the session's auth and cookies: API credentials never travel to storage.
        headers = {k: v for k, v in self.session.headers.items() if k.lower() not in _PRIVATE_HEADERS}
        prepared = requests.Request("GET", url, headers={**headers, **(extra_headers or {})}).prepare()
        settings, attempt = self.settings, 0
        while True:
            with self._lock:
                self.requests_sent += 1
            try:
                reply = self.session.send(
                    prepared, timeout=self.timeout, proxies=self._proxies(url), verify=self.session.verify, cert=self.session.cert
                )
            except (requests.ConnectionError, requests.Timeout) as error:
                if attempt < settings.connection_retries:
                    attempt += 1
                    wait_before_retry(settings, attempt, None, f"the media of {what} after {type(error).__name__}")
                    continue
                raise EncordConnectionError(
                    f"Could not fetch the media of {what}: {type(error).__name__} after {attempt + 1} attempt(s)."
                ) from None
            except requests.RequestException as error:
                raise EncordConnectionError(f"Could not fetch the media of {what}: {type(error).__name__}.") from None
            if reply.status_code in RETRY_STATUSES and attempt < settings.max_retries:
                attempt += 1
                retry_after = retry_after_seconds(reply.headers.get("Retry-After"))
                reply.close()
                wait_before_retry(settings, attempt, retry_after, f"the media of {what} after HTTP {reply.status_code}")
                continue
            return reply

    def _fetch(self, key: tuple[str, str], url: str | None, byte_range: tuple[int, int] | None = None) -> requests.Response:
        """GET the file (or ``byte_range``, inclusive), re-signing the link once if it is refused."""
        what = f"data {key[0]!r}, image {key[1]!r}"
        headers = {"Range": f"bytes={byte_range[0]}-{byte_range[1]}"} if byte_range else None
        url = self._current_url(key, url)
        # A row read without signed links holds a storage path, not a URL: sign one first.
        reply = self._get(url, what, headers) if url and url.startswith(("http://", "https://")) else None
        resigned = False
        if reply is None or reply.status_code in REFUSED_LINK_STATUSES:
            if self.resign is None:
                raise _status_error(reply.status_code if reply is not None else 403, what, resigned=False)
            fresh = self.resign(*key)
            resigned = True
            with self._lock:
                self.resigned += 1
                self._fresh[key] = (url, fresh)
            _log.debug("re-signed the media link of %s", what)
            reply = self._get(fresh, what, headers)
        if reply.status_code not in (200, 206):
            raise _status_error(reply.status_code, what, resigned=resigned)
        return reply

    def _download(self, key: tuple[str, str], url: str | None) -> bytes:
        return self._fetch(key, url).content

    def get_bytes(self, data_hash: str, image_hash: str, url: str | None) -> bytes:
        """The raw bytes of one file: from the disk cache, else downloaded (re-signed once if refused)."""
        key = (data_hash, image_hash)
        if self.disk is not None:
            cached = self.disk.get(key)
            if cached is not None:
                return cached
        data = self._download(key, url)
        if self.disk is not None:
            self.disk.put(key, data)
        return data

    # -- images --------------------------------------------------------------------------------

    def _once(self, key: Hashable, work: Callable[[], Any]) -> Any:
        """Run ``work`` for ``key`` unless another thread already is; then share its result."""
        with self._lock:
            running = self._inflight.get(key)
            owner = running is None
            if owner:
                running = self._inflight[key] = Future()
        if not owner:
            return running.result()
        try:
            result = work()
        except BaseException as error:
            running.set_exception(error)
            raise
        else:
            running.set_result(result)
            return result
        finally:
            with self._lock:
                self._inflight.pop(key, None)

    def get_image(self, data_hash: str, image_hash: str, url: str | None) -> Image.Image:
        """The image, upright and display-sized, from memory, disk or the network (in that order).

        The same object is returned to every caller: treat it as read-only (painters copy it).

        Raises:
            EncordConnectionError: the storage could not be reached.
            EncordStatusError: the storage refused the file even with a freshly signed link (or 404).
            UsageError: the bytes are not an image.
        """
        key = (data_hash, image_hash)
        image = self.images.get(key)
        if image is not None:
            return image

        def load() -> Image.Image:
            cached = self.images.get(key)
            if cached is not None:
                return cached
            decoded = _decode_image(
                self.get_bytes(data_hash, image_hash, url), self.max_display_side, f"data {data_hash!r}, image {image_hash!r}"
            )
            self.images.put(key, decoded)
            return decoded

        return self._once(("image", key), load)

    def prefetch(self, refs: Iterable[MediaRef]) -> list[Future]:
        """Fetch images ahead in the thread pool; returns one future per image not already in memory.

        Failures stay in the futures (nothing is raised here); a later ``get_image`` tries again.
        """
        futures = []
        for ref in refs:
            if ref.key in self.images:
                continue
            futures.append(self._pool.submit(self.get_image, ref.data_hash, ref.image_hash, ref.url))
        return futures

    def get_images(self, refs: Iterable[MediaRef]) -> list[Image.Image]:
        """Several images fetched concurrently (a gallery page), in the order asked."""
        refs = list(refs)
        futures = [self._pool.submit(self.get_image, r.data_hash, r.image_hash, r.url) for r in refs]
        return [f.result() for f in futures]

    # -- video ---------------------------------------------------------------------------------

    def video(self, data_hash: str, url: str | None, fps: float | None = None) -> VideoFrames:
        """The opened video of a data unit.

        From the disk cache when the file is there; otherwise read in blocks with HTTP range
        requests, so showing frame ``k`` of a long video fetches only the blocks around it (and the
        index), never the whole file. A storage that ignores ranges sends the file once, whole.
        """
        key = (data_hash, data_hash)
        found = self._videos.get(key)
        if found is not None:
            return found

        def load() -> VideoFrames:
            opened = self._videos.get(key)
            if opened is not None:
                return opened
            path = self.disk.path(key) if self.disk is not None else None
            source = path if path is not None else _RangeReader(self, key, url)
            opened = VideoFrames(source, fps, max_side=self.max_display_side)
            self._videos.put(key, opened)
            return opened

        return self._once(("video", key), load)

    def get_video_frame(self, data_hash: str, url: str | None, frame: int, fps: float | None = None) -> Image.Image:
        """Frame ``frame`` of a video data unit (see :class:`VideoFrames`)."""
        return self.video(data_hash, url, fps).frame(frame)

    def prefetch_video_frames(self, data_hash: str, url: str | None, frames: Iterable[int], fps: float | None = None) -> Future:
        """Decode the given frames in the background (the next frames of the row on screen)."""
        wanted = list(frames)

        def decode() -> None:
            video = self.video(data_hash, url, fps)
            for number in wanted:
                if 0 <= number < video.frame_count:
                    video.frame(number)

        return self._pool.submit(decode)


class _RangeReader(io.RawIOBase):
    """A read-only, seekable file over a signed URL, fetched in blocks with HTTP range requests.

    Blocks are kept (least recently used out), so PyAV's back-and-forth reads of the index and of
    the frames around a seek cost one request per new block.
    """

    def __init__(self, fetcher: MediaFetcher, key: tuple[str, str], url: str | None):
        super().__init__()
        self._fetcher, self._key, self._url = fetcher, key, url
        self._blocks = _Lru(RANGE_CACHE_BYTES, len)
        self._whole: bytes | None = None
        self._pos = 0
        self.size = self._size()

    def _size(self) -> int:
        reply = self._fetcher._fetch(self._key, self._url, (0, RANGE_BLOCK_BYTES - 1))
        total = reply.headers.get("Content-Range", "").rpartition("/")[2]
        if reply.status_code == 206 and total.isdigit():
            self._blocks.put(0, reply.content)
            return int(total)
        self._whole = reply.content  # no range support: the whole file came
        return len(self._whole)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def _block(self, index: int) -> bytes:
        if self._whole is not None:
            return self._whole[index * RANGE_BLOCK_BYTES : (index + 1) * RANGE_BLOCK_BYTES]
        block = self._blocks.get(index)
        if block is None:
            start = index * RANGE_BLOCK_BYTES
            end = min(start + RANGE_BLOCK_BYTES, self.size) - 1
            block = self._fetcher._fetch(self._key, self._url, (start, end)).content
            self._blocks.put(index, block)
        return block

    def readinto(self, buffer) -> int:
        wanted = min(len(buffer), self.size - self._pos)
        if wanted <= 0:
            return 0
        index, offset = divmod(self._pos, RANGE_BLOCK_BYTES)
        chunk = self._block(index)[offset : offset + wanted]
        buffer[: len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)


class VideoFrames:
    """Random access to the frames of one video, by frame number.

    Frame ``k`` is the frame shown at ``k / fps`` seconds after the first, with ``fps`` the label
    row's frame rate (the stream's average rate when not given); :meth:`timestamp` and
    :meth:`frame_at` convert between the two. Safe to share between threads.

    Args:
        source: a file path, the file's bytes, or a binary file object.
        fps: the frame rate labels are counted in.
        max_side: frames are downscaled so their longest side is at most this.

    Example:
        >>> video = VideoFrames("clip.mp4", fps=25)      # doctest: +SKIP
        >>> video.frame(120).size, video.timestamp(120)  # doctest: +SKIP
        ((640, 360), 4.8)
    """

    def __init__(
        self,
        source: VideoSource,
        fps: float | None = None,
        *,
        max_side: int | None = None,
        cache_bytes: int = DEFAULT_VIDEO_CACHE_BYTES,
    ):
        opened = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
        try:
            self._container = av.open(opened if not isinstance(opened, os.PathLike) else os.fspath(opened))
            self._stream = self._container.streams.video[0]
        except (av.FFmpegError, IndexError) as error:
            raise UsageError(f"The media is not a video PyAV can read ({error}).") from None
        self._stream.thread_type = "AUTO"
        stream = self._stream
        self.fps = float(fps) if fps else float(stream.average_rate or stream.guessed_rate or 25)
        self._time_base = stream.time_base or Fraction(1, 90000)
        self._start = stream.start_time or 0
        duration = float(stream.duration * self._time_base) if stream.duration else None
        if duration is None and self._container.duration:
            duration = self._container.duration / av.time_base
        self.frame_count = stream.frames or (round(duration * self.fps) if duration else 0)
        self.max_side = max_side
        self._frames = _Lru(cache_bytes, _frame_bytes)
        self._lock = threading.Lock()
        self._decoder = None
        self._next = -1  # the frame number the decoder yields next (when known)
        #: Number of seeks done (each seek restarts decoding at a keyframe).
        self.seeks = 0

    def __repr__(self) -> str:
        return f"VideoFrames(fps={self.fps}, frames={self.frame_count})"

    def timestamp(self, frame: int) -> float:
        """Seconds from the first frame to frame ``frame``."""
        return frame / self.fps

    def frame_at(self, seconds: float) -> int:
        """The frame shown at ``seconds``."""
        return round(seconds * self.fps)

    def _number(self, decoded: av.VideoFrame) -> int:
        pts = decoded.pts if decoded.pts is not None else decoded.dts
        return round(float((pts - self._start) * self._time_base) * self.fps)

    def _picture(self, decoded: av.VideoFrame) -> Image.Image:
        image = decoded.to_image()
        if self.max_side is not None and max(image.size) > self.max_side:
            image.thumbnail((self.max_side, self.max_side), Image.Resampling.LANCZOS)
        return image

    def _seek(self, frame: int) -> None:
        target = self._start + int(self.timestamp(frame) / self._time_base)
        self._container.seek(max(target, self._start), stream=self._stream, backward=True, any_frame=False)
        self._decoder = self._container.decode(self._stream)
        self._next = -1
        self.seeks += 1

    def frame(self, frame: int) -> Image.Image:
        """Frame ``frame`` as an RGB image (read-only: shared with other callers).

        Raises:
            UsageError: ``frame`` is negative or past the end of the video.
        """
        if frame < 0 or (self.frame_count and frame >= self.frame_count):
            raise UsageError(f"Frame {frame} is outside the video (frames 0 to {self.frame_count - 1}).")
        cached = self._frames.get(frame)
        if isinstance(cached, Image.Image):
            return cached
        with self._lock:
            cached = self._frames.get(frame)
            if isinstance(cached, Image.Image):
                return cached
            if cached is not None:
                picture = self._picture(cached)
                self._frames.put(frame, picture)
                return picture
            if self._decoder is None or not (0 <= self._next <= frame <= self._next + VIDEO_FORWARD_WINDOW):
                self._seek(frame)
            found = self._decode_to(frame)
            if found is None and self.seeks:
                # The keyframe index was off (some files' seek lands past the target): start over.
                self._container.seek(self._start, stream=self._stream, backward=True, any_frame=False)
                self._decoder = self._container.decode(self._stream)
                found = self._decode_to(frame)
            if found is None:
                raise UsageError(f"Frame {frame} could not be decoded (the video ends at frame {self._next - 1}).")
            return found

    def _decode_to(self, frame: int) -> Image.Image | None:
        for decoded in self._decoder:
            number = self._number(decoded)
            self._next = number + 1
            if number > frame:
                return None
            if number == frame:
                picture = self._picture(decoded)
                self._frames.put(number, picture)
                return picture
            if number >= frame - VIDEO_KEEP_BEFORE:
                # Kept as decoded (YUV): converting costs more than decoding, so only on request.
                self._frames.put(number, decoded)
        self._decoder = None
        return None
