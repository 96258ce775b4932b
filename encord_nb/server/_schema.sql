-- The embedded server's workspace: one SQLite file beside a media folder.
-- Dates are UTC text 'YYYY-MM-DD HH:MM:SS' so they sort and compare as strings.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
    user_hash  TEXT PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- Raw 32-byte Ed25519 public keys, as lower-case hex.
CREATE TABLE IF NOT EXISTS public_keys (
    public_key_hex TEXT PRIMARY KEY,
    user_hash      TEXT NOT NULL REFERENCES users(user_hash) ON DELETE CASCADE,
    title          TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS ontologies (
    ontology_hash  TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    structure      TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    last_edited_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS datasets (
    dataset_hash TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS projects (
    project_hash          TEXT PRIMARY KEY,
    title                 TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    project_type          TEXT NOT NULL CHECK (project_type IN ('workflow', 'manual_qa')),
    status                TEXT,
    ontology_hash         TEXT NOT NULL REFERENCES ontologies(ontology_hash),
    creator_email         TEXT NOT NULL,
    workflow_manager_uuid TEXT,
    created_at            TEXT NOT NULL,
    last_edited_at        TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS workflow_stages (
    uuid         TEXT PRIMARY KEY,
    project_hash TEXT NOT NULL REFERENCES projects(project_hash) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    stage_type   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS workflow_stages_project ON workflow_stages(project_hash, position);

CREATE TABLE IF NOT EXISTS project_datasets (
    project_hash TEXT NOT NULL REFERENCES projects(project_hash) ON DELETE CASCADE,
    dataset_hash TEXT NOT NULL REFERENCES datasets(dataset_hash) ON DELETE CASCADE,
    PRIMARY KEY (project_hash, dataset_hash)
);

CREATE TABLE IF NOT EXISTS data_units (
    data_hash         TEXT PRIMARY KEY,
    dataset_hash      TEXT NOT NULL REFERENCES datasets(dataset_hash) ON DELETE CASCADE,
    title             TEXT NOT NULL,
    data_type         TEXT NOT NULL CHECK (data_type IN ('IMAGE', 'IMG_GROUP', 'VIDEO')),
    backing_item_uuid TEXT NOT NULL,
    client_metadata   TEXT NOT NULL DEFAULT '{}',
    created_at        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS data_units_dataset ON data_units(dataset_hash);

-- One row per image (IMAGE: one, image_hash = data_hash; IMG_GROUP: one per image) or video.
CREATE TABLE IF NOT EXISTS media (
    image_hash  TEXT PRIMARY KEY,
    data_hash   TEXT NOT NULL REFERENCES data_units(data_hash) ON DELETE CASCADE,
    sequence    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    file        TEXT NOT NULL,
    mime_type   TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    fps         REAL,
    frame_count INTEGER,
    duration    REAL,
    UNIQUE (data_hash, sequence)
);

-- A data unit's task inside a project: workflow stage, priority, assignee, manual-QA task status.
CREATE TABLE IF NOT EXISTS tasks (
    project_hash           TEXT NOT NULL REFERENCES projects(project_hash) ON DELETE CASCADE,
    data_hash              TEXT NOT NULL REFERENCES data_units(data_hash) ON DELETE CASCADE,
    task_uuid              TEXT NOT NULL UNIQUE,
    stage_uuid             TEXT REFERENCES workflow_stages(uuid),
    priority               REAL,
    assignee_email         TEXT,
    annotation_task_status TEXT,
    last_actioned_by_email TEXT,
    PRIMARY KEY (project_hash, data_hash)
);

CREATE TABLE IF NOT EXISTS label_rows (
    label_hash        TEXT PRIMARY KEY,
    project_hash      TEXT NOT NULL,
    data_hash         TEXT NOT NULL,
    branch_name       TEXT NOT NULL,
    blurb             TEXT NOT NULL,
    label_status      TEXT NOT NULL,
    is_valid          INTEGER NOT NULL DEFAULT 1,
    validation_errors TEXT NOT NULL DEFAULT '[]',
    created_at        TEXT NOT NULL,
    last_edited_at    TEXT NOT NULL,
    UNIQUE (project_hash, data_hash, branch_name),
    FOREIGN KEY (project_hash, data_hash) REFERENCES tasks(project_hash, data_hash) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS label_rows_edited ON label_rows(project_hash, last_edited_at);

CREATE TABLE IF NOT EXISTS reviews (
    review_uuid    TEXT PRIMARY KEY,
    project_hash   TEXT NOT NULL REFERENCES projects(project_hash) ON DELETE CASCADE,
    label_hash     TEXT NOT NULL REFERENCES label_rows(label_hash) ON DELETE CASCADE,
    object_hash    TEXT,
    status         TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    reviewer_email TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_label ON reviews(label_hash);

CREATE TABLE IF NOT EXISTS issues (
    issue_uuid   TEXT PRIMARY KEY,
    project_hash TEXT NOT NULL REFERENCES projects(project_hash) ON DELETE CASCADE,
    data_hash    TEXT NOT NULL REFERENCES data_units(data_hash) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('file', 'frame', 'coordinate')),
    frame        INTEGER,
    x            REAL,
    y            REAL,
    object_hash  TEXT,
    resolved     INTEGER NOT NULL DEFAULT 0,
    author_email TEXT,
    created_at   TEXT NOT NULL,
    tags         TEXT NOT NULL DEFAULT '[]'  -- JSON list of tag names
);
CREATE INDEX IF NOT EXISTS issues_data ON issues(project_hash, data_hash);

CREATE TABLE IF NOT EXISTS issue_comments (
    comment_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    issue_uuid   TEXT NOT NULL REFERENCES issues(issue_uuid) ON DELETE CASCADE,
    author_email TEXT,
    text         TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS label_logs (
    log_hash     TEXT PRIMARY KEY,
    project_hash TEXT NOT NULL REFERENCES projects(project_hash) ON DELETE CASCADE,
    data_hash    TEXT NOT NULL,
    user_hash    TEXT NOT NULL,
    user_email   TEXT NOT NULL,
    action       INTEGER NOT NULL,
    identifier   TEXT,
    feature_hash TEXT,
    label_name   TEXT,
    time_taken   INTEGER,
    frame        INTEGER,
    created_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS label_logs_project ON label_logs(project_hash, data_hash);
