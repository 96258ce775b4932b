"""Store records -> the exact JSON shapes the official SDK parses (protocol reference §5, §6.3)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from encord_nb.server.store import DataUnit, LabelLog, LabelRowInfo, Ontology, Project

#: Every user of the embedded workspace is a project admin (ProjectUserRole 0) and ontology admin.
ADMIN_ROLE = 0
#: Scheme of the stable, unsigned storage reference put in ``data_link`` when no signed URL is asked for.
STORAGE_SCHEME = "encord-nb-storage://"


def v1_date(value: datetime | None) -> str | None:
    """``YYYY-MM-DD HH:MM:SS`` (UTC): the one format every v1 parser, including BaseORM, accepts."""
    return None if value is None else value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def v2_date(value: datetime | None) -> str | None:
    """ISO-8601 with offset, for v2 DTOs."""
    return None if value is None else value.astimezone(timezone.utc).isoformat()


def storage_reference(data_hash: str) -> str:
    """The plain (not fetchable) storage reference of a media file."""
    return STORAGE_SCHEME + data_hash


def workflow_json(project: Project) -> dict[str, Any] | None:
    if project.project_type != "workflow":
        return None
    return {"stages": [{"stageType": s.stage_type, "uuid": s.uuid, "title": s.title} for s in project.stages]}


def project_dto(project: Project, ontology: Ontology) -> dict[str, Any]:
    """ProjectDTO of ``GET /v2/public/projects[/{p}]``, with the workflow embedded."""
    return {
        "projectHash": project.project_hash,
        "projectType": project.project_type,
        "status": project.status,
        "title": project.title,
        "description": project.description,
        "createdAt": v2_date(project.created_at),
        "lastEditedAt": v2_date(project.last_edited_at),
        "creatorEmail": project.creator_email,
        "ontologyHash": project.ontology_hash,
        "editorOntology": ontology.structure,
        "userRole": ADMIN_ROLE,
        "workflowManagerUuid": project.workflow_manager_uuid,
        "workflow": workflow_json(project),
    }


def legacy_project(project: Project, ontology: Ontology) -> dict[str, Any]:
    """One ``projectwithuserrole`` item: exactly ``user_role`` and ``project`` (BaseORM keys only)."""
    return {
        "user_role": ADMIN_ROLE,
        "project": {
            "project_hash": project.project_hash,
            "title": project.title,
            "description": project.description,
            "created_at": v1_date(project.created_at),
            "last_edited_at": v1_date(project.last_edited_at),
            "ontology_hash": project.ontology_hash,
            "editor_ontology": ontology.structure,
            "datasets": list(project.dataset_hashes),
            "workflow_manager_uuid": project.workflow_manager_uuid,
        },
    }


def ontology_dto(ontology: Ontology) -> dict[str, Any]:
    """OntologyWithUserRole: all seven keys, ``userRole`` included."""
    return {
        "ontologyUuid": ontology.ontology_hash,
        "title": ontology.title,
        "description": ontology.description,
        "editor": ontology.structure,
        "createdAt": v2_date(ontology.created_at),
        "lastEditedAt": v2_date(ontology.last_edited_at),
        "userRole": ADMIN_ROLE,
    }


def label_row_metadata(
    info: LabelRowInfo,
    unit: DataUnit | None,
    *,
    workflow: bool,
    include_workflow_graph_node: bool,
    include_client_metadata: bool,
    include_images_data: bool,
) -> dict[str, Any]:
    """One entry of the ``labelrowmetadata`` listing."""
    row: dict[str, Any] = {
        "label_hash": info.label_hash,
        "created_at": v1_date(info.created_at),
        "last_edited_at": v1_date(info.last_edited_at),
        "branch_name": info.branch_name,
        "data_hash": info.data_hash,
        "dataset_hash": info.dataset_hash,
        "dataset_title": info.dataset_title,
        "data_title": info.data_title,
        "data_type": info.data_type,
        "data_link": None if info.data_type == "IMG_GROUP" else storage_reference(info.data_hash),
        "spaces": {},
        "label_status": info.label_status,
        "annotation_task_status": None if workflow else info.annotation_task_status,
        "workflow_graph_node": (
            {"uuid": info.stage_uuid, "title": info.stage_title}
            if workflow and include_workflow_graph_node and info.stage_uuid
            else None
        ),
        "is_shadow_data": False,
        "number_of_frames": info.number_of_frames,
        "duration": info.duration,
        "frames_per_second": info.fps,
        "height": info.height,
        "width": info.width,
        "audio_codec": None,
        "audio_sample_rate": None,
        "audio_bit_depth": None,
        "audio_num_channels": None,
        "task_uuid": info.task_uuid if workflow else None,
        "priority": info.priority if workflow else None,
        "file_type": info.file_type,
        "is_valid": info.is_valid,
        "backing_item_uuid": info.backing_item_uuid,
        "assigned_user_email": info.assignee_email,
        "last_actioned_by_user_email": info.last_actioned_by_email,
    }
    if include_client_metadata:
        row["client_metadata"] = info.client_metadata
    if include_images_data and unit is not None and info.data_type == "IMG_GROUP":
        row["images_data"] = [
            {
                "index": m.sequence,
                "title": m.title,
                "file_type": m.mime_type,
                "height": m.height,
                "width": m.width,
                "image_hash": m.image_hash,
            }
            for m in unit.media
        ]
    return row


def served_label_row(
    blurb: dict[str, Any],
    *,
    label_status: str,
    annotation_task_status: str | None,
    is_valid: bool,
    links: dict[str, str],
    object_features: set[str] | None = None,
    classification_features: set[str] | None = None,
) -> dict[str, Any]:
    """A stored blurb as ``labelrow`` GET/PUT serve it: links filled, status columns current, filters applied.

    ``links`` maps each data unit's hash to the ``data_link`` to serve (signed URL or storage reference).
    The blurb is changed in place and returned: pass a fresh one (``LabelRow.blurb`` decodes anew each time).
    """
    row = blurb  # no deep copy: copying every object of every row was most of a big read's time
    row["label_status"] = label_status
    row["annotation_task_status"] = annotation_task_status
    row["is_valid"] = is_valid
    row.setdefault("spaces", {})
    for key in ("object_answers", "classification_answers", "object_actions"):
        if not isinstance(row.get(key), dict):
            row[key] = {}
    for unit_hash, unit in (row.get("data_units") or {}).items():
        unit["data_link"] = links.get(unit_hash)
        if object_features is not None or classification_features is not None:
            _filter_frames(unit.get("labels") or {}, object_features, classification_features)
    if object_features is not None:
        kept = _object_hashes(row)
        row["object_answers"] = {h: a for h, a in row["object_answers"].items() if h in kept}
        row["object_actions"] = {h: a for h, a in row["object_actions"].items() if h in kept}
    if classification_features is not None:
        row["classification_answers"] = {
            h: a for h, a in row["classification_answers"].items() if a.get("featureHash") in classification_features
        }
    return row


def _frames(labels: dict[str, Any]) -> list[dict[str, Any]]:
    # Single-frame labels hold "objects" directly; multi-frame ones are keyed by frame number.
    if "objects" in labels or "classifications" in labels:
        return [labels]
    return [frame for frame in labels.values() if isinstance(frame, dict)]


def _filter_frames(labels: dict[str, Any], objects: set[str] | None, classifications: set[str] | None) -> None:
    for frame in _frames(labels):
        if objects is not None:
            frame["objects"] = [o for o in frame.get("objects", []) if o.get("featureHash") in objects]
        if classifications is not None:
            frame["classifications"] = [
                c for c in frame.get("classifications", []) if c.get("featureHash") in classifications
            ]


def _object_hashes(row: dict[str, Any]) -> set[str]:
    return {
        o.get("objectHash")
        for unit in (row.get("data_units") or {}).values()
        for frame in _frames(unit.get("labels") or {})
        for o in frame.get("objects", [])
    }


#: Storage item types of the data types the workspace holds.
_ITEM_TYPE = {"IMAGE": "image", "VIDEO": "video", "IMG_GROUP": "imageGroup"}


def storage_item(unit: DataUnit, owner: str, signed_url: str | None) -> dict[str, Any]:
    """A StorageItem DTO: every field without a default is present, null where unknown."""
    media = unit.media[0] if unit.data_type != "IMG_GROUP" and unit.media else None
    return {
        "uuid": unit.backing_item_uuid,
        "parent": unit.dataset_hash,
        "itemType": _ITEM_TYPE[unit.data_type],
        "name": unit.title,
        "clientMetadata": json.dumps(unit.client_metadata),
        "owner": owner,
        "createdAt": v2_date(unit.created_at),
        "lastEditedAt": v2_date(unit.created_at),
        "backedDataUnitsCount": 1,
        "storageLocation": "encord",
        "integrationHash": None,
        "url": storage_reference(unit.data_hash) if media else None,
        "signedUrl": signed_url,
        "fileSize": media.path.stat().st_size if media and media.path.is_file() else None,
        "mimeType": media.mime_type if media else None,
        "duration": media.duration if media else None,
        "fps": media.fps if media else None,
        "height": media.height if media else None,
        "width": media.width if media else None,
        "dicomInstanceUid": None,
        "dicomStudyUid": None,
        "dicomSeriesUid": None,
        "frameCount": media.frame_count if media else None,
        "audioSampleRate": None,
        "audioBitDepth": None,
        "audioCodec": None,
        "audioNumChannels": None,
    }


def label_log_json(log: LabelLog) -> dict[str, Any]:
    """One ``labellog`` element: every key present, five of them possibly null."""
    return {
        "log_hash": log.log_hash,
        "user_hash": log.user_hash,
        "user_email": log.user_email,
        "data_hash": log.data_hash,
        "action": log.action,
        "created_at": v1_date(log.created_at),
        "identifier": log.identifier,
        "feature_hash": log.feature_hash,
        "label_name": log.label_name,
        "time_taken": log.time_taken,
        "frame": log.frame,
    }
