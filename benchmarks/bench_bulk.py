"""Bulk operations: time and request count of ``bulk()`` against the official SDK doing the same work.

Each round builds a fresh synthetic project on the embedded server (in a background thread, so the
server can count requests) and runs, once with ``encord_nb.cells.bulk`` on our client and once with
the SDK's own bundle loop on an identical project:

1. priorities on 1,000 rows (``bundle_size=100``);
2. complete 1,000 rows (``bundle_size=100``);
3. a label transform on 200 rows: load labels, drop the boxes under 0.7 confidence, save.

Our numbers include what the SDK loop does not do: listing, planning the preview, the per-row
result table and the action log (in memory). Times are medians over the rounds; requests are
counted at the server.

Run: ``.venv/bin/python benchmarks/bench_bulk.py [--rounds 3]``
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from encord_nb.cells import bulk
from encord_nb.client import EncordUserClient
from encord_nb.demo import build_demo, build_synthetic
from encord_nb.server import serve

ROWS = 1000
TRANSFORM_ROWS = 200
BUNDLE_SIZE = 100
_titles = itertools.count()


def _drop_low_boxes(row) -> None:
    for instance in row.get_object_instances():
        if instance.ontology_item.name == "Coin" and instance.get_annotations()[0].confidence < 0.7:
            row.remove_object(instance)


def _sdk_priorities(project) -> None:
    with project.create_bundle(bundle_size=BUNDLE_SIZE) as bundle:
        for row in project.list_label_rows_v2():
            row.set_priority(0.9, bundle=bundle)


def _sdk_complete(project) -> None:
    with project.create_bundle(bundle_size=BUNDLE_SIZE) as bundle:
        for row in project.list_label_rows_v2():
            row.workflow_complete(bundle=bundle)


def _sdk_transform(project) -> None:
    rows = project.list_label_rows_v2()
    with project.create_bundle(bundle_size=BUNDLE_SIZE) as bundle:
        for row in rows:
            row.initialise_labels(bundle=bundle)
    with project.create_bundle(bundle_size=BUNDLE_SIZE) as bundle:
        for row in rows:
            _drop_low_boxes(row)
            row.save(bundle=bundle)


CASES: list[tuple[str, int, Callable, Callable]] = [
    ("priority x1000", ROWS, lambda p: bulk(p, "priority", priority=0.9, bundle_size=BUNDLE_SIZE, dry_run=False,
                                            progress=False), _sdk_priorities),
    ("complete x1000", ROWS, lambda p: bulk(p, "complete", bundle_size=BUNDLE_SIZE, dry_run=False, progress=False),
     _sdk_complete),
    ("transform x200", TRANSFORM_ROWS, lambda p: bulk(p, "transform", fn=_drop_low_boxes, bundle_size=BUNDLE_SIZE,
                                                      dry_run=False, progress=False), _sdk_transform),
]


def _measure(server, open_project: Callable, rows: int, work: Callable) -> tuple[float, int]:
    made = build_synthetic(server.store, rows=rows, seed=5, title=f"bench {next(_titles)}")
    project = open_project(made.project_hash)
    server.app.reset_request_counts()
    started = time.perf_counter()
    work(project)
    elapsed = time.perf_counter() - started
    return elapsed, sum(server.app.request_counts().values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the pinned SDK warns about its own pydantic use on import
        from encord import EncordUserClient as SdkUserClient

    with tempfile.TemporaryDirectory() as folder, serve(build_demo(Path(folder) / "ws").path) as server:
        key = server.demo_key_path.read_text()
        ours = EncordUserClient.create_with_ssh_private_key(key, domain=server.domain)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sdk = SdkUserClient.create_with_ssh_private_key(key, domain=server.domain)
        print(f"{'case':<16}{'ours s':>9}{'SDK s':>9}{'ratio':>8}{'ours req':>10}{'SDK req':>9}")
        for name, rows, with_bulk, with_sdk in CASES:
            mine, theirs = [], []
            for _ in range(args.rounds):
                mine.append(_measure(server, ours.get_project, rows, with_bulk))
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    theirs.append(_measure(server, sdk.get_project, rows, with_sdk))
            ours_s = statistics.median(t for t, _ in mine)
            sdk_s = statistics.median(t for t, _ in theirs)
            print(f"{name:<16}{ours_s:>9.3f}{sdk_s:>9.3f}{ours_s / sdk_s:>8.2f}{mine[0][1]:>10}{theirs[0][1]:>9}")


if __name__ == "__main__":
    main()
