-- Accounts, organizations, workspaces, memberships and sessions.
-- Timestamps are milliseconds since the Unix epoch; ids are opaque prefixed strings.

CREATE TABLE users (
    id                TEXT PRIMARY KEY,
    email             TEXT NOT NULL UNIQUE,  -- stored lower-cased
    name              TEXT NOT NULL,
    password_hash     TEXT NOT NULL,
    last_org_id       TEXT,
    last_workspace_id TEXT,
    created_at        BIGINT NOT NULL
);

CREATE TABLE organizations (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    created_by      TEXT REFERENCES users(id) ON DELETE SET NULL,
    tos_version     TEXT,
    tos_accepted_at BIGINT,
    created_at      BIGINT NOT NULL
);

CREATE TABLE workspaces (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    is_default  BIGINT NOT NULL DEFAULT 0,
    archived_at BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX workspaces_by_org ON workspaces (org_id, name);

CREATE TABLE org_members (
    org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'billing', 'member')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_members_by_user ON org_members (user_id);

CREATE TABLE workspace_members (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'contributor')),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_members_by_user ON workspace_members (user_id);

-- Only a SHA-256 hash of each session id is kept.
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
