-- Datasets uploaded to a workspace (through /v1/files or the console). The content lives
-- under the data directory; the row says whose it is.
CREATE TABLE files (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    workspace_id    TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    filename        TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    bytes           BIGINT NOT NULL,
    line_count      BIGINT NOT NULL,
    created_by_key  TEXT REFERENCES api_keys(id) ON DELETE SET NULL,
    created_by_user TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX files_by_workspace ON files (workspace_id, created_at);
