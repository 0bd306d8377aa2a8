-- Invitations, the outbox of emails, and seats.

-- NULL: the installation's default (SEAT_LIMIT); billing sets it per organization later.
ALTER TABLE organizations ADD COLUMN seat_limit BIGINT;
-- Bumped as the first statement of every transaction that checks a limit of the
-- organization (seats, last admin): it takes the write lock on SQLite and a row lock on
-- PostgreSQL, so two such transactions never interleave.
ALTER TABLE organizations ADD COLUMN lock_version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,          -- lower-cased
    role        TEXT NOT NULL CHECK (role IN ('admin', 'billing', 'member')),
    token_hash  TEXT NOT NULL UNIQUE,   -- SHA-256 of the emailed token; the token itself is never stored
    invited_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'revoked')),
    expires_at  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    accepted_at BIGINT,
    accepted_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
-- One open invitation per address and organization.
CREATE UNIQUE INDEX invitations_one_pending ON invitations (org_id, email) WHERE status = 'pending';
CREATE INDEX invitations_by_org ON invitations (org_id, created_at);

-- The workspaces an invitation grants, with the role in each.
CREATE TABLE invitation_workspaces (
    invitation_id TEXT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'contributor')),
    PRIMARY KEY (invitation_id, workspace_id)
);

-- Every email the console sends, whether SMTP is configured or not. The accept link
-- is not kept: it holds the token.
CREATE TABLE outbox (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    invitation_id TEXT REFERENCES invitations(id) ON DELETE CASCADE,
    to_email      TEXT NOT NULL,
    subject       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    sent_at       BIGINT,
    error         TEXT
);
CREATE INDEX outbox_by_org ON outbox (org_id, created_at);

-- Searching members by name.
CREATE INDEX users_by_lower_name ON users (lower(name), id);
