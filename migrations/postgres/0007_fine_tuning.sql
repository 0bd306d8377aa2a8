-- Fine-tuning jobs of a workspace. The console is the control plane: a trainer service
-- claims queued jobs and reports progress and the outcome. Training files are referenced
-- by id (not a foreign key), so deleting a dataset never rewrites a job's history.
CREATE TABLE fine_tuning_jobs (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    model            TEXT NOT NULL,
    training_file    TEXT NOT NULL,
    validation_file  TEXT,
    hyperparameters  TEXT NOT NULL,
    suffix           TEXT,
    status           TEXT NOT NULL,
    progress         BIGINT NOT NULL DEFAULT 0,
    message          TEXT,
    trained_tokens   BIGINT,
    fine_tuned_model TEXT,
    created_by_key   TEXT REFERENCES api_keys(id) ON DELETE SET NULL,
    created_by_user  TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at       BIGINT NOT NULL,
    started_at       BIGINT,
    finished_at      BIGINT
);
CREATE INDEX fine_tuning_jobs_by_workspace ON fine_tuning_jobs (workspace_id, created_at);
CREATE INDEX fine_tuning_jobs_by_status ON fine_tuning_jobs (status, created_at);

-- Models a successful job registered in its workspace.
CREATE TABLE fine_tuned_models (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    base_model   TEXT NOT NULL,
    job_id       TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL
);
CREATE INDEX fine_tuned_models_by_workspace ON fine_tuned_models (workspace_id, created_at);
