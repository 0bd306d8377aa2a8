-- The invitee's own answer from the console, for an address they have confirmed: accepted
-- (as through the link) or declined. A declined invitation is closed as a revoked one is
-- (status 'revoked', its seat free again) and says when it was declined.
ALTER TABLE invitations ADD COLUMN declined_at BIGINT;
-- The invitations waiting for an address, shown to its confirmed owner.
CREATE INDEX invitations_pending_by_email ON invitations (email, created_at) WHERE status = 'pending';

-- Accepting an invitation through its link confirms the address it was sent to: so for
-- the accounts that did so before addresses were confirmed.
UPDATE users SET email_verified_at = (
    SELECT MIN(i.accepted_at) FROM invitations i WHERE i.accepted_by = users.id AND i.email = users.email
) WHERE email_verified_at IS NULL AND EXISTS (
    SELECT 1 FROM invitations i WHERE i.accepted_by = users.id AND i.email = users.email
);
