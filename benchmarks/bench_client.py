"""Client core vs the official SDK, side by side in one run, as ratios of medians.

(a1) Time until the objects of one frame of a 2,000-frame x 25-object video row are in hand, with their
     coordinates: ours (lazy) vs the SDK's ``from_labels_dict`` + ``get_frame_view(k).get_object_instances()``,
     both starting from the row's JSON bytes; and ours vs ``json.loads`` of the same bytes (the floor).
(a2) Time until every object of every frame is in hand with its coordinates (the same work on both sides).
(b)  Listing 2,000 label rows and initialising 500 of them through a bundle against the embedded server:
     wall time and request count, ours vs the SDK.

Run: ``python benchmarks/bench_client.py`` (add ``--quick`` for fewer repeats). Targets: (a1) >= 10x the
SDK and <= 1.5x the floor; (a2) >= 4x the SDK; (b) >= 2x the SDK with no more requests.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from encord import EncordUserClient as SdkUserClient

from encord_nb.client import EncordUserClient, LabelRowV2
from encord_nb.demo import build_demo, build_synthetic
from encord_nb.server import serve

FRAMES, OBJECTS_PER_FRAME = 2000, 25
LIST_ROWS, INIT_ROWS = 2000, 500


def median_seconds(work: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``work`` over ``repeats`` runs (garbage collected between runs, not during)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times)


def quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kwargs)


def bench_parsing(ours: EncordUserClient, sdk, project_hash: str, repeats: int) -> dict[str, float]:
    project = ours.get_project(project_hash)
    (row,) = project.list_label_rows_v2()
    raw = project._transport.v1(
        "labelrow", "GET", [row.label_hash], {"get_signed_url": False, "multi_request": True}, project_hash=project_hash
    )[0]
    data = json.dumps(raw).encode()
    sdk_project = quiet(sdk.get_project, project_hash)
    (sdk_row,) = quiet(sdk_project.list_label_rows_v2)
    frame = FRAMES // 2

    def ours_one_frame():
        fresh = LabelRowV2(row._meta_raw, project)
        fresh.from_labels_dict(data)
        objects = fresh.get_frame_view(frame).get_object_instances()
        assert len(objects) == OBJECTS_PER_FRAME
        return [o.get_annotation(frame).coordinates for o in objects]

    def sdk_one_frame():
        sdk_row.from_labels_dict(json.loads(data))
        objects = sdk_row.get_frame_view(frame).get_object_instances()
        assert len(objects) == OBJECTS_PER_FRAME
        return [o.get_annotation(frame).coordinates for o in objects]

    def ours_everything():
        fresh = LabelRowV2(row._meta_raw, project)
        fresh.from_labels_dict(data)
        count = sum(1 for o in fresh.get_object_instances() for a in o.get_annotations() if a.coordinates is not None)
        assert count == FRAMES * OBJECTS_PER_FRAME

    def sdk_everything():
        sdk_row.from_labels_dict(json.loads(data))
        count = sum(1 for o in sdk_row.get_object_instances() for a in o.get_annotations() if a.coordinates is not None)
        assert count == FRAMES * OBJECTS_PER_FRAME

    ours_one_frame()  # warm imports and caches on both sides before timing
    quiet(sdk_one_frame)
    return {
        "bytes": len(data),
        "floor": median_seconds(lambda: json.loads(data), repeats * 2),
        "ours_a1": median_seconds(ours_one_frame, repeats * 2),
        "sdk_a1": median_seconds(lambda: quiet(sdk_one_frame), repeats),
        "ours_a2": median_seconds(ours_everything, repeats),
        "sdk_a2": median_seconds(lambda: quiet(sdk_everything), max(1, repeats // 2)),
    }


def bench_listing(ours: EncordUserClient, sdk, server, project_hash: str, repeats: int) -> dict[str, float]:
    project = ours.get_project(project_hash)
    sdk_project = quiet(sdk.get_project, project_hash)

    def list_and_initialise(any_project):
        rows = any_project.list_label_rows_v2()
        assert len(rows) == LIST_ROWS
        with any_project.create_bundle() as bundle:
            for row in rows[:INIT_ROWS]:
                row.initialise_labels(bundle=bundle)
        assert all(r.is_labelling_initialised for r in rows[:INIT_ROWS])

    def ours_run():
        list_and_initialise(project)

    def sdk_run():
        list_and_initialise(sdk_project)

    def counted(run):
        server.app.reset_request_counts()
        run()
        return sum(server.app.request_counts().values())

    return {
        "ours_requests": counted(ours_run),
        "sdk_requests": counted(lambda: quiet(sdk_run)),
        "ours_b": median_seconds(ours_run, repeats),
        "sdk_b": median_seconds(lambda: quiet(sdk_run), repeats),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--workspace", type=Path, help="reuse/build the benchmark workspace here")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 7
    folder = args.workspace or Path(tempfile.mkdtemp(prefix="encord-nb-bench-"))
    print(f"building the workspace in {folder} ...", flush=True)
    demo = build_demo(folder)
    video = build_synthetic(folder, rows=1, frames=FRAMES, objects_per_frame=OBJECTS_PER_FRAME, seed=1, title="bench video")
    listing = build_synthetic(folder, rows=LIST_ROWS, frames=1, objects_per_frame=5, seed=2, title="bench listing")
    with serve(folder) as server:
        ours = EncordUserClient.create_with_ssh_private_key(ssh_private_key_path=demo.key_path, domain=server.domain)
        sdk = quiet(SdkUserClient.create_with_ssh_private_key, ssh_private_key_path=str(demo.key_path), domain=server.domain)
        parsing = bench_parsing(ours, sdk, video.project_hash, repeats)
        bulk = bench_listing(ours, sdk, server, listing.project_hash, max(3, repeats // 2))

    p, b = parsing, bulk
    print(f"\nvideo row: {FRAMES} frames x {OBJECTS_PER_FRAME} objects, {p['bytes'] / 1e6:.1f} MB of JSON; medians")
    print(f"  json.loads (floor)              {p['floor'] * 1e3:9.1f} ms")
    print(f"  (a1) one frame   ours {p['ours_a1'] * 1e3:9.1f} ms   SDK {p['sdk_a1'] * 1e3:9.1f} ms")
    print(f"       -> {p['sdk_a1'] / p['ours_a1']:.1f}x faster than the SDK (target >= 10x), "
          f"{p['ours_a1'] / p['floor']:.2f}x the floor (target <= 1.5x)")
    print(f"  (a2) all frames  ours {p['ours_a2'] * 1e3:9.1f} ms   SDK {p['sdk_a2'] * 1e3:9.1f} ms")
    print(f"       -> {p['sdk_a2'] / p['ours_a2']:.1f}x faster than the SDK (target >= 4x)")
    print(f"\n(b) list {LIST_ROWS} rows + initialise {INIT_ROWS} through a bundle, embedded server")
    print(f"  ours {b['ours_b'] * 1e3:9.1f} ms, {b['ours_requests']} requests   SDK {b['sdk_b'] * 1e3:9.1f} ms, {b['sdk_requests']} requests")
    print(f"       -> {b['sdk_b'] / b['ours_b']:.1f}x faster than the SDK (target >= 2x), "
          f"requests {b['ours_requests']} vs {b['sdk_requests']} (target: no more)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
