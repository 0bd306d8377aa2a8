-- Admin Settings -> Billing reads a month of an organization's day sums: an index that holds
-- every column it reads, in the order it groups them (day, workspace, model), serves it
-- without touching the table or sorting.
DROP INDEX usage_daily_by_org;
CREATE INDEX usage_daily_by_org ON usage_daily
    (org_id, day, workspace_id, model, requests, input_tokens, output_tokens, training_tokens);
