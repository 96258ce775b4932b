"""Images behind signed URLs from the embedded server: caching by hash, re-signing, prefetch, display size.

The server hands out links that expire after one second; links are re-signed through the official
SDK's ``Project.get_data(data_hash, get_signed_url=True)``, the call our client mirrors.
"""

from __future__ import annotations

import io
import time

import pytest
import requests
from encord import EncordUserClient  # the official SDK: pip install -e '.[test]'
from PIL import Image

from encord_nb.client import RequestsSettings
from encord_nb.client.media import MediaFetcher, MediaRef, VideoFrames
from encord_nb.demo import build_demo
from encord_nb.exceptions import EncordConnectionError, NotFoundError, PermissionDeniedError, UsageError
from encord_nb.server import serve

PROJECT = "Demo: visual QA"
LINK_TTL_S = 1


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return build_demo(tmp_path_factory.mktemp("media-demo") / "ws")


@pytest.fixture(scope="module")
def server(demo):
    with serve(demo.path, media_url_ttl_s=LINK_TTL_S) as running:
        yield running


@pytest.fixture(scope="module")
def project(demo, server):
    user = EncordUserClient.create_with_ssh_private_key(demo.key_path.read_text(), domain=server.domain)
    return user.get_project(demo.projects[PROJECT])


def _resign(project):
    def resign(data_hash: str, image_hash: str) -> str:
        video, images = project.get_data(data_hash, get_signed_url=True)
        if video is not None:
            return video["file_link"]
        return next(i["file_link"] for i in images if i["image_hash"] == image_hash)

    return resign


@pytest.fixture(scope="module")
def image_rows(project, demo):
    rows = [r for r in project.list_label_rows_v2() if r.data_type.value == "image"]
    assert len(rows) >= 5, "the demo project should hold at least five single images"
    return rows


def _refs(project, rows) -> list[MediaRef]:
    resign = _resign(project)
    return [MediaRef(r.data_hash, r.data_hash, resign(r.data_hash, r.data_hash)) for r in rows]


def _size_on_disk(demo, title: str) -> tuple[int, int]:
    with Image.open(demo.media_path / "images" / title) as picture:
        return picture.size


def test_expired_links_are_resigned_transparently_and_browsing_goes_on(project, image_rows, demo):
    # Given signed links for every image, fetched while fresh for the first two,
    refs = _refs(project, image_rows)
    fetcher = MediaFetcher(requests.Session(), resign=_resign(project))
    for ref in refs[:2]:
        fetcher.get_image(ref.data_hash, ref.image_hash, ref.url)
    before = fetcher.resigned
    # when the links have expired and the user browses on with the links they hold,
    time.sleep(LINK_TTL_S + 1.1)
    shown = [fetcher.get_image(r.data_hash, r.image_hash, r.url) for r in refs]
    # then every picture arrives, equal to the file on the server, each stale link re-signed once.
    for row, picture in zip(image_rows, shown):
        assert picture.size == _size_on_disk(demo, row.data_title)
    assert fetcher.resigned - before == len(refs) - 2


class _RecordingSession(requests.Session):
    """A session that remembers every URL it sent."""

    def __init__(self):
        super().__init__()
        self.sent: list[str] = []

    def send(self, request, **kwargs):
        self.sent.append(request.url)
        return super().send(request, **kwargs)


def test_a_resigned_link_is_remembered_for_the_stale_one(project, image_rows):
    # Given a stale link and a fetcher that keeps nothing in memory,
    ref = _refs(project, image_rows[:1])[0]
    time.sleep(LINK_TTL_S + 1.1)
    session = _RecordingSession()
    fetcher = MediaFetcher(session, resign=_resign(project), memory_bytes=1)
    # when the image is shown twice with that stale link,
    fetcher.get_image(ref.data_hash, ref.image_hash, ref.url)
    fetcher.get_image(ref.data_hash, ref.image_hash, ref.url)
    # then the stale link was tried once only: the second time went straight to the re-signed one.
    assert session.sent.count(ref.url) == 1
    assert fetcher.resigned >= 1 and len(session.sent) >= 3


def test_cache_is_keyed_by_hash_not_by_url(project, image_rows):
    # Given an image fetched with one signed link,
    ref = _refs(project, image_rows[:1])[0]
    fetcher = MediaFetcher(requests.Session(), resign=_resign(project))
    first = fetcher.get_image(ref.data_hash, ref.image_hash, ref.url)
    sent = fetcher.requests_sent
    # when it is asked for with a different (re-signed) link, then it comes from memory unchanged.
    again = fetcher.get_image(ref.data_hash, ref.image_hash, ref.url + "&other=1")
    assert again is first and fetcher.requests_sent == sent


def test_disk_cache_survives_a_new_fetcher_and_stays_within_its_bound(project, image_rows, tmp_path):
    refs = _refs(project, image_rows)
    with MediaFetcher(requests.Session(), resign=_resign(project), disk_dir=tmp_path / "cache") as fetcher:
        sizes = [len(fetcher.get_bytes(r.data_hash, r.image_hash, r.url)) for r in refs[:3]]
    # Given the bytes on disk, a new fetcher with no link and no way to re-sign still shows the image,
    with MediaFetcher(requests.Session(), disk_dir=tmp_path / "cache") as offline:
        assert offline.get_image(refs[0].data_hash, refs[0].image_hash, None).size[0] > 0
        assert offline.requests_sent == 0
    # and a cache bounded to the two largest of three files (taken smallest first) keeps the last two.
    order = sorted(range(3), key=lambda i: sizes[i])
    refs, sizes = [refs[i] for i in order], [sizes[i] for i in order]
    bound = sizes[1] + sizes[2]
    with MediaFetcher(requests.Session(), resign=_resign(project), disk_dir=tmp_path / "small", disk_bytes=bound) as small:
        for ref in refs[:3]:
            small.get_bytes(ref.data_hash, ref.image_hash, ref.url)
        assert small.disk.bytes == bound
        assert len(list((tmp_path / "small").glob("*.media"))) == 2
        small.get_bytes(refs[0].data_hash, refs[0].image_hash, refs[0].url)
        sent = small.requests_sent
        small.get_bytes(refs[2].data_hash, refs[2].image_hash, refs[2].url)
        assert small.requests_sent == sent  # the newest file is still on disk
        small.get_bytes(refs[1].data_hash, refs[1].image_hash, refs[1].url)
        assert small.requests_sent > sent  # the first file pushed the second out


def test_memory_cache_drops_the_least_recently_used_image(project, image_rows):
    refs = _refs(project, image_rows[:3])
    fetcher = MediaFetcher(requests.Session(), resign=_resign(project), max_display_side=None)
    sizes = [fetcher.get_image(r.data_hash, r.image_hash, r.url) for r in refs]
    nbytes = [p.width * p.height * len(p.getbands()) for p in sizes]
    # Given room for the last two images only,
    fetcher = MediaFetcher(requests.Session(), resign=_resign(project), memory_bytes=nbytes[1] + nbytes[2], max_display_side=None)
    for ref in refs:
        fetcher.get_image(ref.data_hash, ref.image_hash, ref.url)
    # then the first is gone and the other two are kept.
    assert refs[0].key not in fetcher.images
    assert refs[1].key in fetcher.images and refs[2].key in fetcher.images
    assert fetcher.images.bytes <= nbytes[1] + nbytes[2]


def test_prefetch_fetches_concurrently_once_per_image(project, image_rows):
    refs = _refs(project, image_rows)
    fetcher = MediaFetcher(requests.Session(), resign=_resign(project), max_workers=4)
    # Given each image asked for twice in one prefetch,
    futures = fetcher.prefetch(refs + refs)
    for future in futures:
        future.result(timeout=30)
    # then each was downloaded once (plus one retry per link that expired), and showing them sends nothing.
    assert fetcher.requests_sent == len(refs) + fetcher.resigned
    sent = fetcher.requests_sent
    for ref in refs:
        fetcher.get_image(ref.data_hash, ref.image_hash, ref.url)
    assert fetcher.requests_sent == sent
    assert fetcher.prefetch(refs) == []
    # A gallery page comes back in the order asked.
    page = fetcher.get_images(reversed(refs))
    assert [p.size for p in page] == [fetcher.get_image(*r.key, None).size for r in reversed(refs)]


def test_large_images_are_downscaled_once_for_display(project, image_rows, demo):
    row = next(r for r in image_rows if r.data_title == "hubble_deep_field.jpg")
    ref = _refs(project, [row])[0]
    fetcher = MediaFetcher(requests.Session(), resign=_resign(project), max_display_side=256)
    picture = fetcher.get_image(ref.data_hash, ref.image_hash, ref.url)
    width, height = _size_on_disk(demo, row.data_title)
    assert max(picture.size) == 256
    assert abs(picture.size[1] - round(256 * height / width)) <= 1


def test_exif_orientation_is_applied_when_decoding(tmp_path):
    # Given JPEG bytes of a 40 x 20 picture tagged "rotate 90" sitting in the disk cache,
    stored = Image.new("RGB", (40, 20), (0, 0, 0))
    stored.paste((255, 255, 255), (0, 0, 8, 8))
    exif = stored.getexif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", exif=exif, quality=95)
    fetcher = MediaFetcher(requests.Session(), disk_dir=tmp_path)
    fetcher.disk.put(("d", "i"), buffer.getvalue())
    # when shown, then it stands upright: 20 x 40, the white corner now top-right.
    picture = fetcher.get_image("d", "i", None)
    assert picture.size == (20, 40)
    assert min(picture.getpixel((17, 2))) > 200 and max(picture.getpixel((2, 2))) < 50


def test_refused_link_without_resigning_is_a_typed_error_without_the_signature(server, project, image_rows):
    ref = _refs(project, image_rows[:1])[0]
    forged = ref.url.rsplit("sig=", 1)[0] + "sig=" + "0" * 64
    with pytest.raises(PermissionDeniedError) as refused:
        MediaFetcher(requests.Session()).get_image(ref.data_hash, ref.image_hash, forged)
    message = str(refused.value)
    assert ref.data_hash in message and "sig=" not in message and "exp=" not in message
    # A file the storage does not have is a NotFoundError naming the data hash.
    missing = server.app.media_signer.signed_url(server.domain, "/media/images/none.png")
    with pytest.raises(NotFoundError, match="d-missing"):
        MediaFetcher(requests.Session()).get_image("d-missing", "d-missing", missing)


def test_bytes_that_are_not_an_image_are_refused_clearly(tmp_path):
    fetcher = MediaFetcher(requests.Session(), disk_dir=tmp_path)
    fetcher.disk.put(("d", "i"), b"not an image")
    with pytest.raises(UsageError, match="'d'.*not an image"):
        fetcher.get_image("d", "i", None)


def test_unreachable_storage_is_a_connection_error():
    # Port 9 on loopback (discard) has no listener here; the fetcher tries again, then says so.
    fetcher = MediaFetcher(requests.Session(), timeout=2, settings=RequestsSettings(backoff_factor=0.01))
    with pytest.raises(EncordConnectionError, match=r"'d'.*after 4 attempt\(s\)") as raised:
        fetcher.get_image("d", "i", "http://127.0.0.1:9/media/x.png?exp=1&sig=s")
    assert "sig=s" not in str(raised.value)


def test_repr_shows_no_link():
    ref = MediaRef("d", "i", "http://127.0.0.1/media/a.png?exp=1&sig=secret")
    assert "secret" not in repr(ref) and "secret" not in repr(MediaFetcher(requests.Session()))



def test_video_frames_of_a_row_come_through_signed_links(project, demo):
    # Given the demo video row and its link (which may expire before it is used),
    row = next(r for r in project.list_label_rows_v2() if r.data_type.value == "video")
    url = _resign(project)(row.data_hash, row.data_hash)
    fetcher = MediaFetcher(requests.Session(), resign=_resign(project), max_display_side=None)
    # when a frame is asked for, then it is the same frame as decoded from the file on the server.
    local = VideoFrames(demo.media_path / "videos" / row.data_title)
    shown = fetcher.get_video_frame(row.data_hash, url, 7)
    assert shown.tobytes() == local.frame(7).tobytes()
    assert fetcher.video(row.data_hash, url).fps == local.fps


def test_api_credentials_of_the_session_never_travel_to_storage(project, image_rows):
    # Given a session whose auth would fail the test if it were ever applied,
    def leak(request):
        raise AssertionError("the session's auth was applied to a media request")

    session = requests.Session()
    session.auth = leak
    session.headers["Authorization"] = "secret-token"
    ref = _refs(project, image_rows[:1])[0]
    # when an image is fetched, then it arrives without the auth being used.
    fetcher = MediaFetcher(session, resign=_resign(project))
    assert fetcher.get_image(ref.data_hash, ref.image_hash, ref.url).size[0] > 0


def test_our_client_rows_keep_showing_after_their_links_expire(demo, server):
    # Given our own client's project, its pooled session and its re-signing hook,
    from encord_nb.client import EncordUserClient as OurClient

    ours = OurClient.create_with_ssh_private_key(demo.key_path.read_text(), domain=server.domain)
    project = ours.get_project(demo.projects[PROJECT])
    rows = [r for r in project.list_label_rows_v2() if r.data_title.endswith((".png", ".jpg"))][:3]
    for row in rows:
        row.initialise_labels(include_signed_url=True)
    fetcher = MediaFetcher(project._session, resign=project._resign_media)
    # when the rows' links have expired, then their images still arrive, re-signed through the client.
    time.sleep(LINK_TTL_S + 1.1)
    for row in rows:
        assert fetcher.get_image(row.data_hash, row.data_hash, row.data_link).size == _size_on_disk(demo, row.data_title)
    assert fetcher.resigned == len(rows)


def test_a_one_second_link_is_good_for_at_least_one_second(server):
    # Signed at any moment within a second, a link with a one-second lifetime is accepted a second later.
    signer = server.app.media_signer
    for now in (1000.0, 1000.01, 1000.5, 1000.99):
        query = signer.sign("/media/a.png", now=now)
        signer.verify("/media/a.png", query["exp"], query["sig"], now=now + LINK_TTL_S)


def test_rows_read_without_signed_links_get_one_signed_on_first_fetch(demo, server):
    # Given our client's rows whose labels were read without signed links (their data link is a storage path),
    from encord_nb.client import EncordUserClient as OurClient

    ours = OurClient.create_with_ssh_private_key(demo.key_path.read_text(), domain=server.domain)
    project = ours.get_project(demo.projects[PROJECT])
    row = next(r for r in project.list_label_rows_v2() if r.data_title == "coins.png")
    row.initialise_labels()
    assert not row.data_link.startswith("http"), "the demo server should hand out a storage path here"
    fetcher = MediaFetcher(project._session, resign=project._resign_media)
    # when its image is fetched, then a link is signed once and the picture arrives.
    assert fetcher.get_image(row.data_hash, row.data_hash, row.data_link).size == _size_on_disk(demo, "coins.png")
    assert fetcher.resigned == 1
