-- Workspace names are unique within an organization, whatever their letter case,
-- archived ones included (unarchiving must not create a clash).
CREATE UNIQUE INDEX workspaces_unique_name ON workspaces (org_id, lower(name));
-- Counting an organization's admins (the last-admin rule) and listing members by role.
CREATE INDEX org_members_by_role ON org_members (org_id, role);
