-- The /v1 lists page by (created_at, id) keysets: the indexes end with the id, so a page
-- is read in index order with no sort.
DROP INDEX files_by_workspace;
CREATE INDEX files_by_workspace ON files (workspace_id, created_at, id);
DROP INDEX fine_tuning_jobs_by_workspace;
CREATE INDEX fine_tuning_jobs_by_workspace ON fine_tuning_jobs (workspace_id, created_at, id);

-- What happened to a job, as `GET /v1/fine_tuning/jobs/{id}/events` lists it: created,
-- started, the trainer's progress messages, the outcome. Written with each change.
CREATE TABLE fine_tuning_job_events (
    id         TEXT PRIMARY KEY,
    job_id     TEXT NOT NULL REFERENCES fine_tuning_jobs(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    level      TEXT NOT NULL,
    message    TEXT NOT NULL
);
CREATE INDEX fine_tuning_job_events_by_job ON fine_tuning_job_events (job_id, created_at, id);

-- Checkpoints a trainer reports while a job runs (`.../checkpoints`); metrics are JSON.
CREATE TABLE fine_tuning_checkpoints (
    id          TEXT PRIMARY KEY,
    job_id      TEXT NOT NULL REFERENCES fine_tuning_jobs(id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    step_number BIGINT NOT NULL,
    model       TEXT NOT NULL,
    metrics     TEXT NOT NULL,
    UNIQUE (job_id, step_number)
);
CREATE INDEX fine_tuning_checkpoints_by_job ON fine_tuning_checkpoints (job_id, created_at, id);

-- Download links to a dataset that need no key (`GET /v1/files/{id}/url`, Mistral's signed
-- URLs): only the token's hash is kept; a link ends at `expires_at`, with its file, or as
-- soon as the key that made it stops working.
CREATE TABLE file_links (
    token_hash   TEXT PRIMARY KEY,
    file_id      TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    key_id       TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX file_links_by_workspace ON file_links (workspace_id, expires_at);
