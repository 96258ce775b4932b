"""``Project``: a project's record, ontology, workflow and label rows, over one transport."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from encord_nb.exceptions import NotFoundError, ResponseValidationError, UsageError, WrongProjectTypeError
from encord_nb.models import ProjectModel, ProjectStatus, ProjectType, parse_datetime, parse_ontology

from ._bundle import Bundle, BundleItem
from ._label_row import LabelRowV2, read_payload
from ._ontology import OntologyStructure
from ._transport import Transport
from ._workflow import Workflow


def iso_datetime(name: str, value: str | datetime | None) -> str | None:
    """A filter date as the SDK sends it: ISO 8601 with an offset (UTC when none is given)."""
    if value is None:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        raise UsageError(f"`{name}` must be a datetime or an ISO date such as '2024-05-01', got {value!r}.") from None
    return parsed.isoformat()


def _enum_values(values: Sequence[Any] | None) -> list[str] | None:
    if values is None:
        return None
    return [str(getattr(v, "value", v)) for v in values]


@dataclass(frozen=True)
class ProjectDataset:
    """A dataset attached to a project."""

    dataset_hash: str
    title: str
    description: str


@dataclass(frozen=True)
class DataVideo:
    """The video of ``get_data``: its link is signed when asked for."""

    data_hash: str
    title: str | None
    file_link: str | None

    def __repr__(self) -> str:  # signed links carry secrets in their query string
        return f"DataVideo(data_hash={self.data_hash!r}, title={self.title!r})"


@dataclass(frozen=True)
class DataImage:
    """One image of ``get_data`` (an image, or one image of a group)."""

    data_hash: str
    image_hash: str
    title: str | None
    file_link: str | None

    def __repr__(self) -> str:
        return f"DataImage(image_hash={self.image_hash!r}, title={self.title!r})"


@dataclass(frozen=True)
class LabelLog:
    """One entry of a project's label log."""

    log_hash: str
    user_hash: str
    user_email: str
    data_hash: str
    action: int
    created_at: datetime | None
    identifier: str | None
    feature_hash: str | None
    label_name: str | None
    time_taken: int | None
    frame: int | None


class Project:
    """An Encord project: its record, ontology, workflow and label rows.

    Get one with ``EncordUserClient.get_project(project_hash)``. Properties are read once;
    :meth:`refetch_data` and :meth:`refetch_ontology` read them again.

    Example:
        >>> project = client.get_project("00000000-0000-4000-8000-000000000001")   # doctest: +SKIP
        >>> rows = project.list_label_rows_v2(data_title_like="%.jpg")              # doctest: +SKIP
        >>> with project.create_bundle() as bundle:                                  # doctest: +SKIP
        ...     for row in rows:
        ...         row.initialise_labels(bundle=bundle)
    """

    def __init__(self, transport: Transport, record: dict[str, Any] | ProjectModel, ontology: OntologyStructure | None = None):
        self._transport = transport
        self._record = record if isinstance(record, ProjectModel) else self._parse_record(record)
        self._ontology = ontology
        self._workflow: Workflow | None = None
        self._runners: dict[str, Any] = {}

    @staticmethod
    def _parse_record(record: dict[str, Any]) -> ProjectModel:
        try:
            return ProjectModel.model_validate(record)
        except Exception as error:  # pydantic's ValidationError, named for the user
            raise ResponseValidationError(f"The project record is malformed: {error}") from None

    def __repr__(self) -> str:
        return f"Project({self.title!r}, project_hash={self.project_hash!r})"

    # -- record ------------------------------------------------------------------------------
    @property
    def _session(self):
        """The pooled ``requests.Session`` every call of this project uses (for the media module)."""
        return self._transport.session

    @property
    def _requests_settings(self):
        """Timeouts and retries of this project's client (the media module retries as the API calls do)."""
        return self._transport.settings

    @property
    def record(self) -> ProjectModel:
        """The project record as a typed model."""
        return self._record

    @property
    def project_hash(self) -> str:
        return self._record.project_hash

    @property
    def title(self) -> str:
        return self._record.title

    @property
    def description(self) -> str:
        return self._record.description or ""

    @property
    def created_at(self) -> datetime | None:
        return parse_datetime(self._record.created_at) if self._record.created_at else None

    @property
    def last_edited_at(self) -> datetime | None:
        return parse_datetime(self._record.last_edited_at) if self._record.last_edited_at else None

    @property
    def creator_email(self) -> str | None:
        return self._record.creator_email

    @property
    def status(self) -> ProjectStatus | str | None:
        return self._record.status

    @property
    def user_role(self) -> int | None:
        return self._record.user_role

    @property
    def source_projects(self) -> list[Any] | None:
        return self._record.source_projects

    @property
    def workflow_manager_uuid(self) -> str | None:
        return self._record.workflow_manager_uuid

    @property
    def project_type(self) -> ProjectType | str:
        return self._record.project_type

    @property
    def ontology_hash(self) -> str:
        return self._record.ontology_hash or ""

    @property
    def ontology_structure(self) -> OntologyStructure:
        """The project's ontology (fetched on first use)."""
        if self._ontology is None:
            self._ontology = self._fetch_ontology()
        return self._ontology

    @property
    def ontology(self) -> dict[str, Any]:
        """The ontology structure as wire JSON."""
        return self.ontology_structure.to_dict()

    def _fetch_ontology(self) -> OntologyStructure:
        reply = self._transport.v2("GET", f"ontologies/{self.ontology_hash}")
        editor = reply.get("editor") if isinstance(reply, dict) else None
        if not isinstance(editor, dict):
            raise ResponseValidationError(f"The ontology {self.ontology_hash} came without its structure (`editor`).")
        return OntologyStructure(parse_ontology(editor))

    @property
    def workflow(self) -> Workflow:
        """The workflow's stages, each able to list and act on its tasks."""
        if self._record.project_type != ProjectType.WORKFLOW:
            raise WrongProjectTypeError(f"{self!r} is a manual-QA project; it has no workflow.")
        if self._workflow is None:
            if self._record.workflow is None:
                raise ResponseValidationError(f"The record of {self!r} came without its workflow.")
            self._workflow = Workflow(self._transport, self.project_hash, self._record.workflow)
        return self._workflow

    @property
    def datasets(self) -> list[dict[str, Any]]:
        """Deprecated in the SDK: the attached datasets as dicts (prefer :meth:`list_datasets`)."""
        return [{"dataset_hash": d.dataset_hash, "title": d.title, "description": d.description} for d in self.list_datasets()]

    def refetch_data(self) -> None:
        """Read the project record again."""
        self._record = self._parse_record(self._transport.v2("GET", f"projects/{self.project_hash}"))
        self._workflow = None

    def refetch_ontology(self) -> None:
        """Read the ontology again."""
        self._ontology = self._fetch_ontology()

    def get_project(self) -> ProjectModel:
        """The project record (the SDK's convenience accessor)."""
        return self._record

    # -- label rows --------------------------------------------------------------------------
    def list_label_rows_v2(
        self,
        data_hashes: Sequence[str] | None = None,
        label_hashes: Sequence[str] | None = None,
        edited_before: str | datetime | None = None,
        edited_after: str | datetime | None = None,
        label_statuses: Sequence[Any] | None = None,
        shadow_data_state: Any = None,
        data_title_eq: str | None = None,
        data_title_like: str | None = None,
        workflow_graph_node_title_eq: str | None = None,
        workflow_graph_node_title_like: str | None = None,
        include_workflow_graph_node: bool = True,
        include_client_metadata: bool = False,
        include_images_data: bool = False,
        include_children: bool = False,
        include_all_label_branches: bool = False,
        branch_name: str | None = None,
        resolve_client_metadata_locally: bool = False,
    ) -> list[LabelRowV2]:
        """The project's label rows (one per data unit, labelled or not), with the SDK's filters.

        Only metadata is read: labels come with ``initialise_labels``.
        """
        if include_children:
            warnings.warn(
                "`include_children` is deprecated in the SDK; it is sent but has no effect on images and videos.",
                DeprecationWarning,
                stacklevel=2,
            )
        payload = self._metadata_payload(
            edited_before=edited_before,
            edited_after=edited_after,
            label_statuses=label_statuses,
            shadow_data_state=shadow_data_state,
            include_uninitialised_labels=True,
            data_hashes=data_hashes,
            label_hashes=label_hashes,
            data_title_eq=data_title_eq,
            data_title_like=data_title_like,
            workflow_graph_node_title_eq=workflow_graph_node_title_eq,
            workflow_graph_node_title_like=workflow_graph_node_title_like,
            include_client_metadata=include_client_metadata,
            include_images_data=include_images_data,
            include_children=include_children,
            include_workflow_graph_node=include_workflow_graph_node,
            include_all_label_branches=include_all_label_branches,
            branch_name=branch_name,
            client_metadata_as_signed_url=resolve_client_metadata_locally,
        )
        rows = self._transport.v1("labelrowmetadata", "GET", None, payload, project_hash=self.project_hash)
        if not isinstance(rows, list):
            raise ResponseValidationError("The label-row listing did not answer a list.")
        ontology = self._ontology  # shared, fetched lazily by the first row that needs it
        return [LabelRowV2(row, self, ontology) if ontology is not None else LabelRowV2(row, self) for row in rows]

    @staticmethod
    def _metadata_payload(**values: Any) -> dict[str, Any]:
        values["edited_before"] = iso_datetime("edited_before", values["edited_before"])
        values["edited_after"] = iso_datetime("edited_after", values["edited_after"])
        values["label_statuses"] = _enum_values(values["label_statuses"])
        state = values["shadow_data_state"]
        values["shadow_data_state"] = getattr(state, "value", state)
        for key in ("data_hashes", "label_hashes"):
            if values[key] is not None:
                values[key] = [str(h) for h in values[key]]
        order = (
            "edited_before", "edited_after", "label_statuses", "shadow_data_state", "include_uninitialised_labels",
            "data_hashes", "label_hashes", "data_title_eq", "data_title_like", "workflow_graph_node_title_eq",
            "workflow_graph_node_title_like", "include_client_metadata", "include_images_data", "include_children",
            "include_workflow_graph_node", "include_all_label_branches", "branch_name", "client_metadata_as_signed_url",
        )
        return {key: values[key] for key in order}

    def create_bundle(self, bundle_size: int | None = None) -> Bundle:
        """A bundle for this project's row operations (see :class:`Bundle`)."""
        return Bundle(bundle_size)

    def _label_runner(self, kind: str):
        """The function that sends one merged request of ``kind`` for some bundle items."""
        runner = self._runners.get(kind)
        if runner is None:
            runner = self._runners[kind] = getattr(self, f"_run_{kind}")
        return runner

    def _match(self, rows: Any, items: Sequence[BundleItem], key: str) -> list[Any]:
        if not isinstance(rows, list):
            raise ResponseValidationError("The label-row call did not answer a list.")
        by_key = {row.get(key): row for row in rows if isinstance(row, dict)}
        return [
            by_key.get(item.key)
            or NotFoundError(f"The server returned no label row for {key} {item.key!r}.", status_code=404)
            for item in items
        ]

    def _run_initialise(self, items: Sequence[BundleItem]) -> list[Any]:
        rows = self._transport.v1_label_rows("GET", [i.key for i in items], items[0].payload, project_hash=self.project_hash)
        return self._match(rows, items, "label_hash")

    def _run_create(self, items: Sequence[BundleItem]) -> list[Any]:
        rows = self._transport.v1_label_rows(
            "PUT", [i.key for i in items], items[0].payload, project_hash=self.project_hash, retryable=False
        )
        return self._match(rows, items, "data_hash")

    def _run_save(self, items: Sequence[BundleItem]) -> list[Any]:
        payload = {
            "multi_request": True,
            "labels": [i.payload["labels"] for i in items],
            "validate_before_saving": any(i.payload["validate_before_saving"] for i in items),
        }
        self._transport.v1("labelrow", "POST", [i.key for i in items], payload, project_hash=self.project_hash)
        return [None] * len(items)

    def _workflow_nodes(self, items: Sequence[BundleItem], action: str) -> list[Any]:
        self._transport.v1(
            "labelworkflowgraphnode", "POST", [i.key for i in items], {"action": action}, project_hash=self.project_hash, retryable=False
        )
        return [None] * len(items)

    def _run_complete(self, items: Sequence[BundleItem]) -> list[Any]:
        return self._workflow_nodes(items, "complete")

    def _run_reopen(self, items: Sequence[BundleItem]) -> list[Any]:
        return self._workflow_nodes(items, "reopen")

    def _run_priority(self, items: Sequence[BundleItem]) -> list[Any]:
        body = {"priorities": [[i.key, i.payload] for i in items]}
        self._transport.v2("POST", f"projects/{self.project_hash}/priorities", json=body)
        return [None] * len(items)

    # -- data, datasets, logs ------------------------------------------------------------------
    def get_data(self, data_hash: str, get_signed_url: bool = False) -> tuple[DataVideo | None, list[DataImage] | None]:
        """The video or images of a data unit; links are signed with ``get_signed_url=True``."""
        reply = self._transport.v1(
            "datasetdata", "GET", {"data_hash": data_hash, "get_signed_url": get_signed_url}, None, project_hash=self.project_hash
        )
        if not reply or not isinstance(reply, dict) or "video" not in reply or "images" not in reply:
            raise ResponseValidationError(f"The data answer for {data_hash!r} lacks its `video` and `images` keys.")
        video = reply["video"]
        images = reply["images"]
        return (
            DataVideo(video.get("data_hash", data_hash), video.get("title"), video.get("file_link")) if video else None,
            [DataImage(i.get("data_hash", data_hash), i.get("image_hash", ""), i.get("title"), i.get("file_link")) for i in images]
            if images is not None
            else None,
        )

    def _resign_media(self, data_hash: str, image_hash: str | None = None) -> str:
        """A freshly signed URL of a data unit's video or of one of its images.

        The media module calls this when a link expired; ``image_hash`` picks an image of a group
        (default: the data unit itself).
        """
        video, images = self.get_data(data_hash, get_signed_url=True)
        if video is not None and video.file_link and image_hash in (None, data_hash):
            return video.file_link
        wanted = image_hash or data_hash
        for image in images or []:
            if image.image_hash == wanted and image.file_link:
                return image.file_link
        raise NotFoundError(f"No media {wanted!r} in data unit {data_hash!r}.", status_code=404)

    def list_datasets(self) -> list[ProjectDataset]:
        """The datasets attached to the project."""
        page = self._transport.v2("GET", f"projects/{self.project_hash}/datasets")
        results = page.get("results") if isinstance(page, dict) else None
        if not isinstance(results, list):
            raise ResponseValidationError("The dataset listing did not answer a page of results.")
        return [ProjectDataset(d["datasetHash"], d.get("title", ""), d.get("description", "")) for d in results]

    def get_label_logs(
        self,
        user_hash: str | None = None,
        data_hash: str | None = None,
        from_unix_seconds: int | None = None,
        to_unix_seconds: int | None = None,
        after: datetime | None = None,
        before: datetime | None = None,
        user_email: str | None = None,
    ) -> list[LabelLog]:
        """Label-log entries with the SDK's filters (deprecated there in favour of editor logs)."""
        if after is not None:
            if from_unix_seconds is not None:
                raise UsageError("Pass `after` or `from_unix_seconds`, not both.")
            from_unix_seconds = int(after.timestamp())
        if before is not None:
            if to_unix_seconds is not None:
                raise UsageError("Pass `before` or `to_unix_seconds`, not both.")
            to_unix_seconds = int(before.timestamp())
        fields = {
            "user_hash": user_hash,
            "data_hash": data_hash,
            "start_timestamp": from_unix_seconds,
            "end_timestamp": to_unix_seconds,
            "user_email": user_email,
        }
        payload = {k: v for k, v in fields.items() if v is not None}
        payload["include_user_email_and_interface_key"] = True
        entries = self._transport.v1("labellog", "GET", None, payload, project_hash=self.project_hash)
        return [
            LabelLog(
                e["log_hash"], e["user_hash"], e["user_email"], e["data_hash"], e["action"],
                parse_datetime(e["created_at"]) if e.get("created_at") else None,
                e.get("identifier"), e.get("feature_hash"), e.get("label_name"), e.get("time_taken"), e.get("frame"),
            )
            for e in entries
        ]

    # -- deprecated label-row access --------------------------------------------------------------
    @property
    def label_rows(self) -> list[dict[str, Any]]:
        """Deprecated: the listing entries of labelled rows as dicts. Use :meth:`list_label_rows_v2`."""
        warnings.warn(
            "Project.label_rows is deprecated: use Project.list_label_rows_v2() instead.", DeprecationWarning, stacklevel=2
        )
        return [row._meta_raw for row in self.list_label_rows_v2() if row.label_hash is not None]

    def get_label_row(
        self,
        uid: str,
        get_signed_url: bool = True,
        *,
        include_object_feature_hashes: set[str] | None = None,
        include_classification_feature_hashes: set[str] | None = None,
        include_reviews: bool = False,
    ) -> dict[str, Any]:
        """Deprecated: one label row as a plain dict. Use ``list_label_rows_v2`` and ``initialise_labels``."""
        warnings.warn(
            "Project.get_label_row is deprecated: use Project.list_label_rows_v2() and LabelRowV2.initialise_labels() instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        payload = read_payload(
            get_signed_url,
            multi_request=False,
            object_hashes=include_object_feature_hashes,
            classification_hashes=include_classification_feature_hashes,
            include_reviews=include_reviews,
        )
        row = self._transport.v1("labelrow", "GET", uid, payload, project_hash=self.project_hash)
        if isinstance(row, list):
            row = row[0] if row else None
        if not row:
            raise NotFoundError(f"No label row {uid!r} in {self!r}.", status_code=404)
        return row


