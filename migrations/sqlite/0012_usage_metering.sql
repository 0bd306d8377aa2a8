-- Metered usage, summed per day: what billing and the usage pages read (never the raw
-- request log). One row per workspace, key, model and UTC day; api_key_id is '' for
-- usage without a key (a data-plane service's event naming none).
CREATE TABLE usage_daily (
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    workspace_id    TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    api_key_id      TEXT NOT NULL,
    model           TEXT NOT NULL,
    day             BIGINT NOT NULL,
    requests        BIGINT NOT NULL,
    input_tokens    BIGINT NOT NULL,
    output_tokens   BIGINT NOT NULL,
    training_tokens BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, day, model, api_key_id)
);
CREATE INDEX usage_daily_by_org ON usage_daily (org_id, day);
-- The idempotency keys of usage events already counted: an event sent twice counts once.
CREATE TABLE usage_receipts (
    idempotency_key TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    received_at     BIGINT NOT NULL
);
