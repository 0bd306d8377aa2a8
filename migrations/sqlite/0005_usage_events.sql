-- Every /v1 request, attributed to its key, workspace and organization: the base for
-- billing and usage limits.
CREATE TABLE usage_events (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    api_key_id   TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
    method       TEXT NOT NULL,
    endpoint     TEXT NOT NULL,
    status       BIGINT NOT NULL,
    bytes_in     BIGINT NOT NULL,
    bytes_out    BIGINT NOT NULL,
    duration_ms  BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX usage_events_by_workspace ON usage_events (workspace_id, created_at);
CREATE INDEX usage_events_by_org ON usage_events (org_id, created_at);
