-- The audit log: one entry per change, written in the change's own transaction, chained
-- per organization by a SHA-256 hash over the previous entry's hash and this entry's fields
-- (`server::repo::audit`). `audit_heads` holds each organization's last link: taking it is
-- the last step of a change, so two changes of one organization chain one after the other.

CREATE TABLE audit_log (
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    seq          BIGINT NOT NULL,       -- 1, 2, 3 ... per organization
    at           BIGINT NOT NULL,
    actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('person', 'api_key', 'trainer', 'operator', 'system')),
    actor_id     TEXT,                  -- a user id, a key id; none for the trainer, operator or system
    actor_label  TEXT NOT NULL,         -- the person's email or the key's name, as it was
    action       TEXT NOT NULL,
    target_kind  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    target_label TEXT NOT NULL,
    workspace_id TEXT,
    before_json  TEXT,
    after_json   TEXT,
    client_ip    TEXT,
    user_agent   TEXT,
    request_id   TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);
-- Newest first with a filter: each filter has an index in the list's order.
CREATE INDEX audit_by_actor ON audit_log (org_id, actor_id, seq);
CREATE INDEX audit_by_action ON audit_log (org_id, action, seq);
CREATE INDEX audit_by_workspace ON audit_log (org_id, workspace_id, seq);
CREATE INDEX audit_by_target ON audit_log (org_id, target_id, seq);
CREATE INDEX audit_by_time ON audit_log (org_id, at, seq);

CREATE TABLE audit_heads (
    org_id      TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,        -- the last entry's
    hash        TEXT NOT NULL,          -- the last entry's ('' before the first)
    -- The last entry's time: an entry's time is never before it, so the chain's order is
    -- its time order (date filters and retention cut it at a sequence number).
    at          BIGINT NOT NULL DEFAULT 0,
    -- Retention pruned entries up to and including `pruned_seq`; the chain restarts from
    -- `pruned_hash`, the hash of the last entry pruned.
    pruned_seq  BIGINT NOT NULL DEFAULT 0,
    pruned_hash TEXT NOT NULL DEFAULT ''
);

-- Sessions people can see and end. Sessions from before this have no sign-in time and so
-- no absolute limit: everyone signs in again once.
DELETE FROM sessions;
-- Sessions people can see and end: who, since when, last seen, from where.
ALTER TABLE sessions ADD COLUMN public_id TEXT;
ALTER TABLE sessions ADD COLUMN started_at BIGINT;
ALTER TABLE sessions ADD COLUMN seen_at BIGINT;
ALTER TABLE sessions ADD COLUMN client_ip TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
