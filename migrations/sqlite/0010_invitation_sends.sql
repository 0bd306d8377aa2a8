-- One row per invitation email (the first and every resend), written in the transaction
-- that creates or renews the invitation, under the organization's lock: the daily cap per
-- organization and the resend cap per invitation count these exactly.
CREATE TABLE invitation_sends (
    invitation_id TEXT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    sent_at       BIGINT NOT NULL
);
CREATE INDEX invitation_sends_by_org ON invitation_sends (org_id, sent_at);
CREATE INDEX invitation_sends_by_invitation ON invitation_sends (invitation_id);
