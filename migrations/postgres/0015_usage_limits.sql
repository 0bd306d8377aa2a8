-- Usage limits: a monthly spend cap per organization (scope_id = its id) and per workspace,
-- a workspace's temporary raise and rate limits, and the organization's alert thresholds
-- (percent of a cap). No row, or NULL: no limit. Amounts in minor units.
CREATE TABLE spend_limits (
    scope_id            TEXT PRIMARY KEY,
    org_id              TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    monthly_cap         BIGINT,
    raised_cap          BIGINT,
    raised_until        BIGINT,
    requests_per_minute BIGINT,
    tokens_per_minute   BIGINT,
    alert_thresholds    TEXT NOT NULL DEFAULT '50,80,100',
    updated_at          BIGINT NOT NULL
);
CREATE INDEX spend_limits_by_org ON spend_limits (org_id);
-- What each organization and workspace spent in a period, and holds for requests still
-- running, in millionths of a minor unit. A request's hold is checked against the cap and
-- taken in one statement per scope, so racing requests cannot all pass.
CREATE TABLE spend_ledger (
    scope_id TEXT NOT NULL,
    period   TEXT NOT NULL,
    org_id   TEXT NOT NULL,
    spent    BIGINT NOT NULL DEFAULT 0,
    reserved BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope_id, period)
);
CREATE INDEX spend_ledger_by_period ON spend_ledger (period, org_id);
-- Each running request's hold: released once (the row is deleted when its amount leaves
-- the ledger), or, when its request can no longer release it (its process was killed),
-- lapsed by the minute task once it is older than any request runs.
CREATE TABLE spend_holds (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    period       TEXT NOT NULL,
    amount       BIGINT NOT NULL,
    on_org       BIGINT NOT NULL,
    on_workspace BIGINT NOT NULL,
    taken_at     BIGINT NOT NULL
);
CREATE INDEX spend_holds_by_time ON spend_holds (taken_at);
-- Alerts sent: one per scope, period and threshold.
CREATE TABLE spend_alerts (
    scope_id  TEXT NOT NULL,
    period    TEXT NOT NULL,
    threshold BIGINT NOT NULL,
    org_id    TEXT NOT NULL,
    cap       BIGINT NOT NULL,
    sent_at   BIGINT NOT NULL,
    PRIMARY KEY (scope_id, period, threshold)
);
CREATE INDEX spend_alerts_by_org ON spend_alerts (org_id, sent_at);
-- Requests and tokens per workspace and minute, for the rate limits.
CREATE TABLE rate_windows (
    workspace_id TEXT NOT NULL,
    minute       BIGINT NOT NULL,
    requests     BIGINT NOT NULL DEFAULT 0,
    tokens       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, minute)
);
CREATE INDEX rate_windows_by_minute ON rate_windows (minute);
-- Set once the current month's spend has been counted into the ledger from the day sums.
INSERT INTO counters (name, value) VALUES ('spend_ledger_filled', 0);
