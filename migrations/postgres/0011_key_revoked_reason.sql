-- Why a key was revoked: NULL by a person, 'owner_removed' when its creator left the
-- organization or the workspace (such a key stays dead if they come back, and answers
-- key_owner_not_member).
ALTER TABLE api_keys ADD COLUMN revoked_reason TEXT;
