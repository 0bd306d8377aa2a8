-- The members page counts each member's working keys (the keys that stop working when
-- they are removed).
CREATE INDEX api_keys_by_creator ON api_keys (created_by);
