"""Label-rows explorer on a 10,000-row project: opening, sorting and paging, as medians and ratios.

Against the embedded server over a synthetic 10,000-row project (``build_synthetic``):

1. Opening: ``LabelRowsExplorer(project)`` (list the rows, build the DataFrame, render one page) with
   our client and with the official SDK's project, next to the floor (our client listing the rows alone).
2. Interaction: sorting by title, by priority, and turning to a far page. Each renders one page (the
   table keeps ``page_size`` row widgets and refills them), shown as rows rendered per action; the
   reference is rendering the whole sorted table as HTML (what a table without paging would send).

Run: ``.venv/bin/python benchmarks/bench_label_rows.py [--rows 10000] [--repeats 5]``
"""

from __future__ import annotations

import argparse
import tempfile
import warnings

from bench_client import median_seconds, quiet  # one timing helper for every benchmark script

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from encord import EncordUserClient as SdkUserClient

from encord_nb.client import EncordUserClient
from encord_nb.demo import build_demo, build_synthetic
from encord_nb.server import serve
from encord_nb.widgets import LabelRowsExplorer

PAGE_SIZE = 25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        workspace = build_demo(folder)
        synthetic = build_synthetic(workspace.path, rows=args.rows, objects_per_frame=0, seed=7)
        key = workspace.key_path.read_text()
        with serve(workspace.path) as server:
            ours = EncordUserClient.create_with_ssh_private_key(key, domain=server.domain).get_project(
                synthetic.project_hash
            )
            sdk = quiet(SdkUserClient.create_with_ssh_private_key, key, domain=server.domain)
            sdk_project = quiet(sdk.get_project, synthetic.project_hash)

            floor = median_seconds(lambda: ours.list_label_rows_v2(), args.repeats)
            open_ours = median_seconds(lambda: LabelRowsExplorer(ours, page_size=PAGE_SIZE), args.repeats)
            open_sdk = median_seconds(lambda: quiet(LabelRowsExplorer, sdk_project, page_size=PAGE_SIZE),
                                      args.repeats)
            print(f"Opening {args.rows:,} rows (list, DataFrame, first page), median of {args.repeats}:")
            print(f"  our client        {open_ours * 1000:8.1f} ms  ({open_ours / floor:.2f}x the listing floor)")
            print(f"  official SDK      {open_sdk * 1000:8.1f} ms  (ours is {open_sdk / open_ours:.1f}x faster)")
            print(f"  floor (list only) {floor * 1000:8.1f} ms")

            explorer = LabelRowsExplorer(ours, page_size=PAGE_SIZE)
            table = explorer.table
            last_page = table.page_count - 1
            flips = iter(range(10**9))
            actions = {
                "sort by title": lambda: table.sort("title", ascending=next(flips) % 2 == 0),
                "sort by priority": lambda: table.sort("priority", ascending=next(flips) % 2 == 0),
                "turn to a far page": lambda: setattr(table, "page", last_page if table.page == 0 else 0),
            }
            full_html = median_seconds(
                lambda: explorer.dataframe().sort_values("title").to_html(escape=True), args.repeats
            )
            print(f"\nInteraction on {args.rows:,} rows, {PAGE_SIZE} to a page, median of {args.repeats}:")
            for name, action in actions.items():
                seconds = median_seconds(action, args.repeats)
                print(f"  {name:<20} {seconds * 1000:7.1f} ms, {table.rendered_rows} rows rendered "
                      f"({full_html / seconds:.0f}x faster than rendering all {args.rows:,} rows as HTML)")
            print(f"  reference: the whole table as HTML {full_html * 1000:.1f} ms")


if __name__ == "__main__":
    main()
