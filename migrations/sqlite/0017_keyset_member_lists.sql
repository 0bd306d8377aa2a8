-- Admin Settings -> Members and its invitations page through thousands of rows with
-- keysets, each list read from an index in its own order.

-- The member's name, lower-cased, beside the membership: one index then serves an
-- organization's members by name (the name is set when the account is made and never
-- changes; a feature that renames accounts must update it).
ALTER TABLE org_members ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
UPDATE org_members SET name_key = (SELECT lower(u.name) FROM users u WHERE u.id = org_members.user_id);
CREATE INDEX org_members_by_name ON org_members (org_id, name_key, user_id);

-- Invitations and the outbox, newest first, ties broken by id.
DROP INDEX invitations_by_org;
CREATE INDEX invitations_by_org ON invitations (org_id, created_at, id);
DROP INDEX outbox_by_org;
CREATE INDEX outbox_by_org ON outbox (org_id, created_at, id);
