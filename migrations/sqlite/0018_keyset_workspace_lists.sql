-- A workspace's API keys and fine-tuned models page newest first by (created_at, id)
-- keysets: their indexes end with the id, so any page is read in index order, no sort.
DROP INDEX api_keys_by_workspace;
CREATE INDEX api_keys_by_workspace ON api_keys (workspace_id, created_at, id);
DROP INDEX fine_tuned_models_by_workspace;
CREATE INDEX fine_tuned_models_by_workspace ON fine_tuned_models (workspace_id, created_at, id);
