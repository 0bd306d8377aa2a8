-- Verified email addresses; the one-use links that verify an address (at sign-up or on a
-- change of address) or reset a password; sessions that name their user, so a password
-- reset can end every session of the account.

-- NULL until the address was proven by a link sent to it (or by an invitation to it).
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;

CREATE TABLE account_links (
    token_hash TEXT PRIMARY KEY,  -- SHA-256 of the link's 256-bit secret, never the secret
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    email      TEXT NOT NULL,     -- the address it was sent to (and, to verify, the one it proves)
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,   -- a newer link of the same purpose ends the older ones
    used_at    BIGINT
);
CREATE INDEX account_links_by_user ON account_links (user_id, purpose, created_at);
CREATE INDEX account_links_by_expiry ON account_links (expires_at);

ALTER TABLE sessions ADD COLUMN user_id TEXT;
UPDATE sessions SET user_id = json_extract(data, '$.user_id');
CREATE INDEX sessions_by_user ON sessions (user_id);
