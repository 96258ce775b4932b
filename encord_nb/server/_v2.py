"""Handlers of the v2 REST routes (``/v2/public/...``); a handler returning None answers 204."""

from __future__ import annotations

import uuid
from typing import Any

from encord_nb.exceptions import InvalidRequestError, NotFoundError
from encord_nb.protocol import V2Route, decode_page_token, encode_page_token
from encord_nb.server._call import Call
from encord_nb.server._records import ontology_dto, project_dto, storage_item, v2_date
from encord_nb.server.store import LabelRowInfo, Project, Stage

_PROJECT_FILTERS = {
    "titleEq": "title_eq",
    "titleLike": "title_like",
    "descEq": "desc_eq",
    "descLike": "desc_like",
    "createdBefore": "created_before",
    "createdAfter": "created_after",
    "editedBefore": "edited_before",
    "editedAfter": "edited_after",
}
#: Issue anchor types on the wire (camelCase names of the SDK's IssueAnchorType) <-> store issue kinds.
_ISSUE_KIND = {"dataUnit": "file", "frame": "frame", "frameCoordinate": "coordinate"}
_ISSUE_TYPE = {kind: anchor for anchor, kind in _ISSUE_KIND.items()}


def _page(call: Call, items: list[Any]) -> dict[str, Any]:
    """One page of ``items``; the token is bound to the request's other query parameters."""
    filters = {k: call.request.args.getlist(k) for k in call.request.args if k != "pageToken"}
    start = decode_page_token(call.request.args.get("pageToken"), filters)
    size = call.app.page_size
    end = start + size
    return {"results": items[start:end], "nextPageToken": encode_page_token(end, filters) if end < len(items) else None}


def _json_object(call: Call) -> dict[str, Any]:
    body = call.json_body()
    if not isinstance(body, dict):
        raise InvalidRequestError("The request body must be a JSON object.", status_code=400)
    return body


def list_projects(call: Call) -> dict[str, Any]:
    args = call.request.args
    filters = {store_name: args[wire] for wire, store_name in _PROJECT_FILTERS.items() if wire in args}
    projects = [] if args.getlist("tagsAnyof") else call.store.list_projects(**filters)  # no project has tags
    return _page(call, [project_dto(p, call.store.get_ontology(p.ontology_hash)) for p in projects])


def get_project(call: Call) -> dict[str, Any]:
    project = call.store.get_project(call.project_hash)
    return project_dto(project, call.store.get_ontology(project.ontology_hash))


def get_ontology(call: Call) -> dict[str, Any]:
    return ontology_dto(call.store.get_ontology(call.route_args["ontology_hash"]))


def set_priorities(call: Call) -> None:
    pairs = _json_object(call).get("priorities")
    if not isinstance(pairs, list) or not all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and isinstance(p[1], (int, float))
        for p in pairs
    ):
        raise InvalidRequestError("`priorities` must be a list of [data hash, number] pairs.", status_code=400)
    call.store.set_priorities(call.project_hash, [(h, float(p)) for h, p in pairs])


def list_datasets(call: Call) -> dict[str, Any]:
    datasets = call.store.list_project_datasets(call.project_hash)
    return {
        "results": [{"datasetHash": d.dataset_hash, "title": d.title, "description": d.description} for d in datasets]
    }


def issue_bearer_token(call: Call) -> dict[str, Any]:
    return {"token": call.app.bearer_tokens.issue(call.key_id)}


def validation_state(call: Call) -> dict[str, Any]:
    row = call.store.get_label_row(call.route_args["label_hash"], project_hash=call.project_hash)
    return {
        "labelHash": row.label_hash,
        "branchName": row.branch_name,
        "version": 0,
        "isValid": row.is_valid,
        "errors": list(row.validation_errors),
    }


# -- storage items -----------------------------------------------------------------------------------


def _storage_items(call: Call, item_uuids: list[str], sign: bool) -> list[dict[str, Any]]:
    """The storage items backing data units of the workspace's projects, in the order asked."""
    units = {
        unit.backing_item_uuid: unit
        for project in call.store.list_projects()
        for dataset in call.store.list_project_datasets(project.project_hash)
        for unit in call.store.list_data_units(dataset.dataset_hash)
    }
    missing = [u for u in item_uuids if u not in units]
    if missing:
        raise NotFoundError(f"No storage item {missing[0]}.", status_code=404)
    items = []
    for item_uuid in item_uuids:
        unit = units[item_uuid]
        signed = call.media_url(unit.media[0].file) if sign and unit.data_type != "IMG_GROUP" else None
        items.append(storage_item(unit, call.user.email, signed))
    return items


def get_storage_item(call: Call) -> dict[str, Any]:
    sign = call.request.args.get("signUrl", "False").lower() == "true"
    return _storage_items(call, [call.route_args["item_uuid"]], sign)[0]


def get_storage_items(call: Call) -> dict[str, Any]:
    body = _json_object(call)
    uuids = body.get("itemUuids")
    if not isinstance(uuids, list) or not all(isinstance(u, str) for u in uuids):
        raise InvalidRequestError("`itemUuids` must be a list of storage item UUIDs.", status_code=400)
    return {"results": _storage_items(call, uuids, bool(body.get("signUrls")))}


# -- workflow stage tasks ---------------------------------------------------------------------------


def _stage(project: Project, stage_uuid: str) -> Stage:
    for stage in project.stages:
        if stage.uuid == stage_uuid:
            return stage
    raise NotFoundError(f"No stage {stage_uuid} in project {project.project_hash}.", status_code=404)


def _task_status(info: LabelRowInfo, stage: Stage) -> str:
    if stage.stage_type == "DONE":
        return "COMPLETED"
    if info.assignee_email:
        return "ASSIGNED"
    return "REOPENED" if info.annotation_task_status == "RETURNED" else "NEW"


def _task_json(info: LabelRowInfo, stage: Stage) -> dict[str, Any]:
    created = v2_date(info.created_at) or v2_date(info.last_edited_at)
    task = {
        "uuid": info.task_uuid,
        "createdAt": created or "1970-01-01T00:00:00+00:00",
        "updatedAt": v2_date(info.last_edited_at) or created or "1970-01-01T00:00:00+00:00",
        "dataHash": info.data_hash,
        "dataTitle": info.data_title,
    }
    if stage.stage_type != "DONE":
        task.update(status=_task_status(info, stage), assignee=info.assignee_email, labelBranchName=info.branch_name)
    return task


def _stage_rows(call: Call, stage: Stage) -> list[LabelRowInfo]:
    return [i for i in call.store.list_label_rows(call.project_hash) if i.stage_uuid == stage.uuid]


def list_stage_tasks(call: Call) -> dict[str, Any]:
    project = call.store.get_project(call.project_hash)
    stage = _stage(project, call.route_args["stage_uuid"])
    args = call.request.args
    emails, data_hashes = set(args.getlist("userEmails")), set(args.getlist("dataHashes"))
    dataset_hashes, statuses = set(args.getlist("datasetHashes")), set(args.getlist("statuses"))
    title = args.get("dataTitleContains")
    tasks = [
        _task_json(info, stage)
        for info in _stage_rows(call, stage)
        if (not emails or info.assignee_email in emails)
        and (not data_hashes or info.data_hash in data_hashes)
        and (not dataset_hashes or info.dataset_hash in dataset_hashes)
        and (not title or title.lower() in info.data_title.lower())
        and (not statuses or _task_status(info, stage) in statuses)
    ]
    return _page(call, tasks)


def _next_stage(project: Project, stage: Stage) -> Stage:
    later = [s for s in project.stages if s.position > stage.position]
    return min(later, key=lambda s: s.position) if later else stage


def _first_annotation_stage(project: Project) -> Stage:
    return next(s for s in sorted(project.stages, key=lambda s: s.position) if s.stage_type == "ANNOTATION")


#: Which task actions each stage type accepts.
_STAGE_ACTIONS = {
    "ANNOTATION": {"SUBMIT", "ASSIGN", "RELEASE"},
    "REVIEW": {"APPROVE", "REJECT", "ASSIGN", "RELEASE"},
}


def stage_actions(call: Call) -> None:
    project = call.store.get_project(call.project_hash)
    stage = _stage(project, call.route_args["stage_uuid"])
    actions = call.json_body()
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        raise InvalidRequestError("The body must be a list of task actions.", status_code=400)
    rows = {info.task_uuid: info for info in _stage_rows(call, stage)}
    email = call.user.email
    with call.store.transaction():
        for action in actions:
            kind, task_uuid = action.get("action"), action.get("taskUuid")
            if kind not in _STAGE_ACTIONS.get(stage.stage_type, set()):
                raise InvalidRequestError(f"Action {kind!r} is not allowed in a {stage.stage_type} stage.", status_code=400)
            info = rows.get(task_uuid)
            if info is None:
                raise NotFoundError(f"No task {task_uuid} in stage {stage.title!r}.", status_code=404)
            _apply_action(call, project, stage, info, action, email)


def _apply_action(call: Call, project: Project, stage: Stage, info: LabelRowInfo, action: dict, email: str) -> None:
    kind = action["action"]
    store, data_hash = call.store, info.data_hash
    if kind == "ASSIGN":
        store.update_task(call.project_hash, data_hash, assignee_email=action.get("assignee"), last_actioned_by_email=email)
        return
    if kind == "RELEASE":
        store.update_task(call.project_hash, data_hash, assignee_email=None, last_actioned_by_email=email)
        return
    if action.get("retainAssignee") and not action.get("assignee") and not info.assignee_email:
        raise InvalidRequestError(f"Task {info.task_uuid} has no assignee to retain.", status_code=400)
    assignee = action.get("assignee") or (info.assignee_email if action.get("retainAssignee") else None)
    if kind == "REJECT":
        target, status, review_status = _first_annotation_stage(project), "RETURNED", "REJECTED"
    else:
        target = _next_stage(project, stage)
        status = "COMPLETED" if target.stage_type == "DONE" else ("IN_REVIEW" if target.stage_type == "REVIEW" else "QUEUED")
        review_status = "APPROVED" if kind == "APPROVE" else "RESOLVED"
    flag = {"APPROVE": "approveLabelReviews", "REJECT": "rejectLabelReviews", "SUBMIT": "resolveLabelReviews"}[kind]
    if action.get(flag, True) and info.label_hash:
        for review in store.list_reviews(call.project_hash, label_hash=info.label_hash):
            # Approve/reject settle the open reviews; a submit resolves the rejected ones.
            if review.status in (("REJECTED",) if kind == "SUBMIT" else ("NEW", "REOPENED")):
                store.set_review_status(review.review_uuid, review_status)
    store.update_task(
        call.project_hash,
        data_hash,
        stage_uuid=target.uuid,
        assignee_email=None if target.stage_type == "DONE" else assignee,
        annotation_task_status=status,
        last_actioned_by_email=email,
    )


def move_tasks(call: Call) -> None:
    project = call.store.get_project(call.project_hash)
    origin = _stage(project, call.route_args["stage_uuid"])
    body = _json_object(call)
    destination = _stage(project, str(body.get("destinationStageUuid")))
    task_uuids = body.get("taskUuids")
    if not isinstance(task_uuids, list):
        raise InvalidRequestError("`taskUuids` must be a list of task UUIDs.", status_code=400)
    rows = {info.task_uuid: info for info in _stage_rows(call, origin)}
    missing = [t for t in task_uuids if t not in rows]
    if missing:
        raise NotFoundError(f"No task {missing[0]} in stage {origin.title!r}.", status_code=404)
    status = {"DONE": "COMPLETED", "REVIEW": "IN_REVIEW"}.get(destination.stage_type, "QUEUED")
    with call.store.transaction():
        for task_uuid in task_uuids:
            call.store.update_task(
                call.project_hash,
                rows[task_uuid].data_hash,
                stage_uuid=destination.uuid,
                annotation_task_status=status,
                last_actioned_by_email=call.user.email,
            )


def _task_label_hash(call: Call) -> str:
    project = call.store.get_project(call.project_hash)
    stage = _stage(project, call.route_args["stage_uuid"])
    for info in _stage_rows(call, stage):
        if info.task_uuid == call.route_args["task_uuid"]:
            if info.label_hash is None:
                return ""
            return info.label_hash
    raise NotFoundError(f"No task {call.route_args['task_uuid']} in stage {stage.title!r}.", status_code=404)


def list_label_reviews(call: Call) -> dict[str, Any]:
    label_hash = _task_label_hash(call)
    reviews = call.store.list_reviews(call.project_hash, label_hash=label_hash) if label_hash else []
    classifications = set()
    if label_hash:
        classifications = set(call.store.get_label_row(label_hash).blurb.get("classification_answers", {}))
    return _page(
        call,
        [
            {
                "reviewUuid": r.review_uuid,
                "status": r.status,
                "labelType": "Classification" if r.object_hash in classifications else "Object",
                "labelId": r.object_hash or "",
            }
            for r in reviews
        ],
    )


_REVIEW_STATUS_OF_ACTION = {"APPROVE": "APPROVED", "REJECT": "REJECTED", "REOPEN": "REOPENED"}


def label_review_actions(call: Call) -> None:
    label_hash = _task_label_hash(call)
    known = {r.review_uuid for r in call.store.list_reviews(call.project_hash, label_hash=label_hash)} if label_hash else set()
    actions = call.json_body()
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        raise InvalidRequestError("The body must be a list of review actions.", status_code=400)
    with call.store.transaction():
        for action in actions:
            status = _REVIEW_STATUS_OF_ACTION.get(action.get("action"))
            if status is None:
                raise InvalidRequestError("A review action is APPROVE, REJECT or REOPEN.", status_code=400)
            if action.get("reviewUuid") not in known:
                raise NotFoundError(f"No review {action.get('reviewUuid')} on this task.", status_code=404)
            call.store.set_review_status(action["reviewUuid"], status)


# -- issues -----------------------------------------------------------------------------------------


def add_issues(call: Call) -> None:
    issues = _json_object(call).get("issues")
    if not isinstance(issues, list) or not issues:
        raise InvalidRequestError("`issues` must be a non-empty list.", status_code=400)
    with call.store.transaction():
        for issue in issues:
            anchor = issue.get("anchor") if isinstance(issue, dict) else None
            kind = _ISSUE_KIND.get(anchor.get("type")) if isinstance(anchor, dict) else None
            if kind is None:
                raise InvalidRequestError(
                    "An issue anchor is a file (dataUnit), frame or frameCoordinate anchor.", status_code=400
                )
            comment = issue.get("comment")
            if not isinstance(comment, str) or not comment:
                raise InvalidRequestError("An issue needs a comment.", status_code=400)
            call.store.add_issue(
                call.project_hash,
                str(anchor.get("dataUuid")),
                kind=kind,
                comment=comment,
                author_email=call.user.email,
                frame=anchor.get("frameIndex"),
                x=anchor.get("x"),
                y=anchor.get("y"),
                tags=_tag_names(issue.get("issueTags", issue.get("issue_tags", []))),
            )


def _tag_names(tags: Any) -> list[str]:
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise InvalidRequestError("`issueTags` must be a list of tag names.", status_code=400)
    return tags


def list_issues(call: Call) -> dict[str, Any]:
    data_hash = call.request.args.get("dataUnitId")
    issues = call.store.list_issues(call.project_hash, data_hash=data_hash)
    results = []
    for issue in issues:
        item: dict[str, Any] = {
            "type": _ISSUE_TYPE[issue.kind],
            "uuid": issue.issue_uuid,
            "dataUuid": issue.data_hash,
            "comments": [
                {"content": c.text, "authorEmail": c.author_email or "", "createdAt": v2_date(c.created_at)}
                for c in issue.comments
            ],
            # A tag's uuid is derived from its name: the same tag has the same id in every listing.
            "tags": [{"name": t, "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"encord-nb-issue-tag:{t}"))} for t in issue.tags],
            "resolutionHistory": (
                [{"isResolved": True, "createdAt": v2_date(issue.created_at), "actorEmail": None}] if issue.resolved else []
            ),
        }
        if issue.kind != "file":
            item["frameIndex"] = issue.frame
        if issue.kind == "coordinate":
            item["coordinate"] = {"x": issue.x, "y": issue.y}
        results.append(item)
    return _page(call, results)


ROUTES = [
    (V2Route.PROJECTS, ["GET"], list_projects),
    (V2Route.PROJECT, ["GET"], get_project),
    (V2Route.ONTOLOGY, ["GET"], get_ontology),
    (V2Route.PRIORITIES, ["POST"], set_priorities),
    (V2Route.DATASETS, ["GET"], list_datasets),
    (V2Route.BEARER_TOKEN, ["GET"], issue_bearer_token),
    (V2Route.VALIDATION_STATE, ["GET"], validation_state),
    (V2Route.STORAGE_ITEMS_BULK, ["POST"], get_storage_items),
    (V2Route.STORAGE_ITEM, ["GET"], get_storage_item),
    (V2Route.STAGE_TASKS, ["GET"], list_stage_tasks),
    (V2Route.STAGE_ACTIONS, ["POST"], stage_actions),
    (V2Route.MOVE_TASKS, ["POST"], move_tasks),
    (V2Route.TASK_REVIEWS, ["GET"], list_label_reviews),
    (V2Route.REVIEW_ACTIONS, ["POST"], label_review_actions),
    (V2Route.ISSUES, ["POST"], add_issues),
    (V2Route.ISSUES, ["GET"], list_issues),
]
