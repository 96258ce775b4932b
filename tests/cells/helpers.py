"""Reading the server's state for before/after comparisons."""

from __future__ import annotations

import json


def server_state(store, project_hash: str) -> dict[str, tuple]:
    """Everything a bulk action may touch, per data unit, as the server stores it."""
    out = {}
    for info in store.list_label_rows(project_hash):
        blurb = store.get_label_row(info.label_hash).blurb if info.label_hash else None
        out[info.data_hash] = (
            info.stage_title,
            info.annotation_task_status,
            info.priority,
            info.assignee_email,
            json.dumps(blurb, sort_keys=True),
        )
    return out


def write_requests(server) -> dict[str, int]:
    """Requests counted at the server that change something (every POST and PUT of either API family)."""
    reads = ("GET", "v2 list", "v2 get", "v2 issue_bearer_token", "v2 validation_state")
    return {k: v for k, v in server.app.request_counts().items() if not any(r in k for r in reads)}
