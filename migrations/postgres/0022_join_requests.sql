-- Joining through a verified company domain: a person's request to join (the domain asks
-- an Admin, or the organization had no free seat), and a person's "Not now" to the offer.

CREATE TABLE join_requests (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email      TEXT NOT NULL,     -- the confirmed address it was made with
    created_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    outcome    TEXT CHECK (outcome IN ('approved', 'declined', 'joined', 'withdrawn'))
);
-- One open request per person and organization; the open ones, oldest first, per organization.
CREATE UNIQUE INDEX join_requests_open ON join_requests (org_id, user_id) WHERE decided_at IS NULL;
CREATE INDEX join_requests_waiting ON join_requests (org_id, created_at, id) WHERE decided_at IS NULL;

CREATE TABLE join_offers_dismissed (
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    dismissed_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, org_id)
);
