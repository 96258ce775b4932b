"""Load: 8 SDK clients doing mixed reads and saves for 30 s over loopback, with simulated rate limits."""

from __future__ import annotations

import random
import threading
import time
import warnings

import pytest

from workspace_fixture import BOX_FEATURE, DATASET, PROJECT

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from encord.objects import Object, ObjectInstance
    from encord.objects.coordinates import BoundingBoxCoordinates

CLIENTS = 8
DURATION_S = 30.0
#: Every 37th API request is refused with 429 + Retry-After: 0; the SDK retries it.
RATE_LIMIT_EVERY = 37


def _boxes(row) -> list[tuple[float, float]]:
    return sorted(
        (o.get_annotation(0).coordinates.top_left_x, o.get_annotation(0).coordinates.top_left_y)
        for o in row.get_object_instances()
    )


def _write(row, boxes: list[tuple[float, float]]) -> None:
    row.initialise_labels(overwrite=True)
    for instance in row.get_object_instances():
        row.remove_object(instance)
    box_class = row.ontology_structure.get_child_by_hash(BOX_FEATURE, type_=Object)
    for x, y in boxes:
        instance = ObjectInstance(box_class)
        instance.set_for_frames(BoundingBoxCoordinates(height=0.05, width=0.05, top_left_x=x, top_left_y=y), frames=0)
        row.add_object_instance(instance)
    row.save()


# The pinned SDK warns about its own deprecated internals when an object is removed.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_eight_clients_for_thirty_seconds(server, workspace_copy, sdk_client_class):
    # Given one private image per client and one image all clients write to,
    store = server.store
    own = [f"00000000-0000-4000-8000-0000000070{i:02d}" for i in range(CLIENTS)]
    shared = "00000000-0000-4000-8000-000000007099"
    with store.transaction():
        for h in [*own, shared]:
            store.put_data_unit(h, dataset_hash=DATASET, title=f"load-{h[-2:]}.jpg", data_type="IMAGE",
                                media=[{"file": "photos/photo0.jpg", "mime_type": "image/jpeg", "width": 64, "height": 48}])
    key = workspace_copy.key_file.read_text()
    setup = sdk_client_class.create_with_ssh_private_key(key, domain=server.domain).get_project(PROJECT)
    for row in setup.list_label_rows_v2(data_title_like="load-%"):
        row.initialise_labels()  # creates the rows before rate limiting starts (creates are never retried)
    server.app.reset_request_counts()
    server.app.rate_limit.turn_on(every=RATE_LIMIT_EVERY, retry_after_s=0)
    deadline = time.monotonic() + DURATION_S
    failures: list[str] = []
    written_shared: list[list[tuple[float, float]]] = []
    operations = [0] * CLIENTS
    lock = threading.Lock()

    def client(index: int) -> None:
        rng = random.Random(index)
        try:
            project = sdk_client_class.create_with_ssh_private_key(key, domain=server.domain).get_project(PROJECT)
            rows = {r.data_hash: r for r in project.list_label_rows_v2(data_hashes=[own[index], shared])}
            mine, common = rows[own[index]], rows[shared]
            expected: list[tuple[float, float]] = []
            step = 0
            while time.monotonic() < deadline:
                step += 1
                choice = rng.random()
                if choice < 0.35:  # save my row, then read it back: exactly what I wrote
                    expected = [(round(index / 10 + k / 1000, 4), round(step % 90 / 100, 4)) for k in range(rng.randint(1, 4))]
                    _write(mine, expected)
                    mine.initialise_labels(overwrite=True)
                    if _boxes(mine) != sorted(expected):
                        failures.append(f"client {index}: read back {_boxes(mine)} after writing {expected}")
                elif choice < 0.5:  # save the shared row with boxes only I write
                    boxes = [(round(index / 10, 4), round(k / 10, 4)) for k in range(index + 1)]
                    _write(common, boxes)
                    with lock:
                        written_shared.append(sorted(boxes))
                elif choice < 0.8:
                    listed = project.list_label_rows_v2(data_hashes=[own[index]])
                    if [r.data_hash for r in listed] != [own[index]]:
                        failures.append(f"client {index}: listing returned {[r.data_hash for r in listed]}")
                else:
                    mine.initialise_labels(overwrite=True, include_signed_url=True)
                    if expected and _boxes(mine) != sorted(expected):
                        failures.append(f"client {index}: read {_boxes(mine)}, last wrote {expected}")
                operations[index] += 1
        except Exception as exc:  # a failed request ends the client; the assertion below reports it
            failures.append(f"client {index}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DURATION_S + 120)
    server.app.rate_limit.turn_off()

    # Then nothing failed, the only refusals were the simulated rate limits, and every client worked.
    assert failures == []
    errors = server.app.error_counts()
    assert set(errors) <= {429} and errors[429] == server.app.rate_limit.refused > 0
    assert all(count > 5 for count in operations), operations
    # And the shared row holds exactly one client's write, never a mix.
    final = setup.list_label_rows_v2(data_hashes=[shared])[0]
    final.initialise_labels()
    assert _boxes(final) in written_shared
    assert store.integrity_check() == "ok"
