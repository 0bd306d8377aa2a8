-- The invitee's own answer from the console, for an address they have confirmed: accepted
-- (as through the link) or declined. A declined invitation is closed as a revoked one is
-- (status 'revoked', its seat free again) and says when it was declined.
ALTER TABLE invitations ADD COLUMN declined_at BIGINT;
-- The invitations waiting for an address, shown to its confirmed owner.
CREATE INDEX invitations_pending_by_email ON invitations (email, created_at) WHERE status = 'pending';

