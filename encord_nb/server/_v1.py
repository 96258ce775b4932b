"""Handlers of the v1 querier calls, keyed by (``query_type``, ``query_method``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from encord_nb.exceptions import InvalidRequestError
from encord_nb.server._call import Call
from encord_nb.server._records import (
    label_log_json,
    label_row_metadata,
    legacy_project,
    served_label_row,
    storage_reference,
)
from encord_nb.server.store import LabelRow

#: Label-log action the server records for a save through the API (the SDK's Action.EDIT).
LOG_ACTION_EDIT = 1
_PROJECT_FILTERS = (
    "title_eq", "title_like", "desc_eq", "desc_like",
    "created_before", "created_after", "edited_before", "edited_after",
)


def _payload(call: Call) -> dict[str, Any]:
    if call.payload is None:
        return {}
    if not isinstance(call.payload, dict):
        raise InvalidRequestError("The envelope's `payload` must be an object.", status_code=400)
    return call.payload


def _string_list(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidRequestError(f"`{what}` must be a list of hash strings.", status_code=400)
    return value


def _uids(call: Call) -> list[str]:
    """The envelope's ``uid`` as a list of hashes (the SDK sends a list; a single string is accepted)."""
    return _string_list(call.uid if isinstance(call.uid, list) else [call.uid], "uid")


def list_projects_legacy(call: Call) -> list[dict[str, Any]]:
    filters = _payload(call).get("filter") or {}
    if not isinstance(filters, dict):
        raise InvalidRequestError("`payload.filter` must be an object.", status_code=400)
    unknown = set(filters) - set(_PROJECT_FILTERS)
    if unknown:
        raise InvalidRequestError(f"Unknown project filters: {', '.join(sorted(unknown))}.", status_code=400)
    projects = call.store.list_projects(**filters)
    return [legacy_project(p, call.store.get_ontology(p.ontology_hash)) for p in projects]


def list_label_row_metadata(call: Call) -> list[dict[str, Any]]:
    payload = _payload(call)
    project = call.store.get_project(call.project_hash)
    if payload.get("shadow_data_state") == "SHADOW_DATA":
        return []  # the embedded workspace has no shadow data
    lists = {}
    for key in ("data_hashes", "label_hashes", "label_statuses"):
        if payload.get(key) is not None:
            lists[key] = _string_list(payload[key], key)
    infos = call.store.list_label_rows(
        call.project_hash,
        data_hashes=lists.get("data_hashes"),
        label_hashes=lists.get("label_hashes"),
        annotation_task_statuses=lists.get("label_statuses"),
        edited_before=payload.get("edited_before"),
        edited_after=payload.get("edited_after"),
        data_title_eq=payload.get("data_title_eq"),
        data_title_like=payload.get("data_title_like"),
        stage_title_eq=payload.get("workflow_graph_node_title_eq"),
        stage_title_like=payload.get("workflow_graph_node_title_like"),
        branch_name=payload.get("branch_name"),
        include_all_branches=bool(payload.get("include_all_label_branches")),
        include_uninitialised=payload.get("include_uninitialised_labels", True) is not False,
    )
    images = bool(payload.get("include_images_data"))
    return [
        label_row_metadata(
            info,
            call.store.get_data_unit(info.data_hash) if images and info.data_type == "IMG_GROUP" else None,
            workflow=project.project_type == "workflow",
            include_workflow_graph_node=payload.get("include_workflow_graph_node", True) is not False,
            include_client_metadata=bool(payload.get("include_client_metadata")),
            include_images_data=images,
        )
        for info in infos
    ]


def _serve(call: Call, row: LabelRow, payload: Mapping[str, Any]) -> dict[str, Any]:
    task = call.store.get_task(row.project_hash, row.data_hash)
    signed = bool(payload.get("get_signed_url"))
    links = {
        m.image_hash: call.media_url(m.file) if signed else storage_reference(m.image_hash)
        for m in call.store.media_of(row.data_hash)
    }
    objects = payload.get("include_object_feature_hashes")
    classifications = payload.get("include_classification_feature_hashes")
    return served_label_row(
        row.blurb,
        label_status=row.label_status,
        annotation_task_status=task.annotation_task_status,
        is_valid=row.is_valid,
        links=links,
        object_features=set(objects) if objects is not None else None,
        classification_features=set(classifications) if classifications is not None else None,
    )


def get_label_rows(call: Call) -> list[dict[str, Any]] | dict[str, Any]:
    payload = _payload(call)
    label_hashes = _uids(call)
    rows = [_serve(call, call.store.get_label_row(h, project_hash=call.project_hash), payload) for h in label_hashes]
    # The deprecated single-row getter sends one hash and parses one object; the bulk form a list.
    return rows if isinstance(call.uid, list) else rows[0]


def create_label_rows(call: Call) -> list[dict[str, Any]]:
    payload = _payload(call)
    data_hashes = _uids(call)
    branch = payload.get("branch_name") or "main"
    with call.store.transaction():
        rows = [call.store.create_label_row(call.project_hash, h, branch_name=branch) for h in data_hashes]
    return [_serve(call, row, payload) for row in rows]


def _blurb_to_store(label: Any, label_hash: str, stored: LabelRow, author: str) -> dict[str, Any]:
    """What a saved label row becomes in the store: read-only echoes dropped, authors filled."""
    if not isinstance(label, dict) or not isinstance(label.get("data_units"), dict):
        raise InvalidRequestError(f"Label row {label_hash}: `labels[i]` must be a label row with `data_units`.", status_code=400)
    if label.get("label_hash", label_hash) != label_hash:
        raise InvalidRequestError(f"Label row {label_hash}: `uid` and `labels[i].label_hash` differ.", status_code=400)
    if label.get("data_hash", stored.data_hash) != stored.data_hash:
        raise InvalidRequestError(f"Label row {label_hash}: it belongs to data unit {stored.data_hash}.", status_code=400)
    for key in ("object_answers", "classification_answers", "object_actions"):
        if not isinstance(label.get(key, {}), dict):
            raise InvalidRequestError(f"Label row {label_hash}: `{key}` must be an object.", status_code=400)
    blurb = dict(label)
    blurb.pop("is_valid", None)  # an echo of the row's validity column, which serving fills in again
    blurb["label_hash"], blurb["branch_name"] = label_hash, stored.branch_name
    for unit in blurb["data_units"].values():
        if not isinstance(unit, dict):
            raise InvalidRequestError(f"Label row {label_hash}: each data unit must be an object.", status_code=400)
        unit["data_link"] = None  # never store a (signed) URL as the truth
        labels = unit.get("labels") or {}
        frames = [labels] if "objects" in labels else [f for f in labels.values() if isinstance(f, dict)]
        for frame in frames:
            for item in frame.get("objects", []):
                if isinstance(item, dict):
                    item["createdBy"] = item.get("createdBy") or author
                    item["lastEditedBy"] = item.get("lastEditedBy") or author
    for answer in blurb.get("classification_answers", {}).values():
        if isinstance(answer, dict):
            answer["createdBy"] = answer.get("createdBy") or author
            answer["lastEditedBy"] = answer.get("lastEditedBy") or author
    return blurb


def save_label_rows(call: Call) -> bool:
    payload = _payload(call)
    uids = _uids(call)
    labels = payload.get("labels")
    if not isinstance(labels, list) or len(labels) != len(uids):
        raise InvalidRequestError("`payload.labels` must hold one label row per `uid`.", status_code=400)
    email = call.user.email
    with call.store.transaction():
        stored = {h: call.store.get_label_row(h, project_hash=call.project_hash) for h in uids}
        blurbs = {h: _blurb_to_store(label, h, stored[h], email) for h, label in zip(uids, labels)}
        call.store.save_label_rows(call.project_hash, blurbs)
        for h in uids:
            call.store.add_label_log(call.project_hash, stored[h].data_hash, user_email=email, action=LOG_ACTION_EDIT)
    return True


def workflow_action(call: Call) -> bool:
    action = _payload(call).get("action")
    uids = _uids(call)
    if action not in ("complete", "reopen"):
        raise InvalidRequestError("`payload.action` must be `complete` or `reopen`.", status_code=400)
    if call.store.get_project(call.project_hash).project_type != "workflow":
        raise InvalidRequestError(
            f"Project {call.project_hash} is a manual-QA project: workflow actions need a workflow project.",
            status_code=400,
            code="WRONG_PROJECT_TYPE_ERROR",
        )
    move = call.store.complete_task if action == "complete" else call.store.reopen_task
    done = {s.uuid for s in call.store.get_project(call.project_hash).stages if s.stage_type == "DONE"}
    with call.store.transaction():
        for label_hash in uids:
            row = call.store.get_label_row(label_hash, project_hash=call.project_hash)
            if action == "complete" and call.store.get_task(call.project_hash, row.data_hash).stage_uuid in done:
                # Someone else got there first: say so rather than completing it twice.
                raise InvalidRequestError(f"Label row {label_hash} is already complete.", status_code=400)
            move(call.project_hash, row.data_hash, user_email=call.user.email)
    return True


def get_data(call: Call) -> dict[str, Any]:
    uid = call.uid if isinstance(call.uid, dict) else {}
    data_hash = uid.get("data_hash")
    if not isinstance(data_hash, str):
        raise InvalidRequestError("`uid.data_hash` names the data unit to fetch.", status_code=400)
    call.store.get_task(call.project_hash, data_hash)  # the unit must belong to this project
    unit = call.store.get_data_unit(data_hash)
    signed = bool(uid.get("get_signed_url"))

    def link(media) -> str:
        return call.media_url(media.file) if signed else storage_reference(media.image_hash)

    if unit.data_type == "VIDEO":
        video = unit.media[0]
        return {
            "data_hash": data_hash,
            "video": {"data_hash": data_hash, "title": unit.title, "file_link": link(video)},
            "images": None,
        }
    images = [
        {"data_hash": data_hash, "image_hash": m.image_hash, "title": m.title, "file_link": link(m)}
        for m in unit.media
    ]
    return {"data_hash": data_hash, "video": None, "images": images}


def get_label_logs(call: Call) -> list[dict[str, Any]]:
    payload = _payload(call)
    logs = call.store.list_label_logs(
        call.project_hash,
        data_hash=payload.get("data_hash"),
        user_hash=payload.get("user_hash"),
        user_email=payload.get("user_email"),
        after=payload.get("start_timestamp"),
        before=payload.get("end_timestamp"),
    )
    return [label_log_json(log) for log in logs]


HANDLERS = {
    ("projectwithuserrole", "GET"): list_projects_legacy,
    ("labelrowmetadata", "GET"): list_label_row_metadata,
    ("labelrow", "GET"): get_label_rows,
    ("labelrow", "PUT"): create_label_rows,
    ("labelrow", "POST"): save_label_rows,
    ("labelworkflowgraphnode", "POST"): workflow_action,
    ("datasetdata", "GET"): get_data,
    ("labellog", "GET"): get_label_logs,
}
#: Calls answered on ``/public/user`` (no project); every other call needs ``ResourceID``.
USER_CALLS = {("projectwithuserrole", "GET")}
