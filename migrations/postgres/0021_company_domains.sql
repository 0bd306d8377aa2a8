-- Company email domains an organization claims. A domain is proved by a DNS TXT record
-- carrying the row's challenge; once proved, people whose confirmed address is at the
-- domain may be offered (or given) membership, as its join mode says.

CREATE TABLE org_domains (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    domain        TEXT NOT NULL,   -- lower-case ASCII, no trailing dot
    -- The value the TXT record must carry: random, not a secret (it is published in DNS),
    -- and different for every organization that adds the domain.
    challenge     TEXT NOT NULL,
    added_by      TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at    BIGINT NOT NULL,
    verified_at   BIGINT,
    -- The last check (verified domains are checked again daily), and what it found when
    -- it failed.
    checked_at    BIGINT,
    check_outcome TEXT,
    -- Daily checks in a row that did not find the record (any failure): three lapse it.
    failed_checks BIGINT NOT NULL DEFAULT 0,
    join_mode     TEXT NOT NULL DEFAULT 'off' CHECK (join_mode IN ('off', 'suggest', 'approval', 'automatic')),
    -- Admins are only ever invited; Billing only by an Admin's approval (see the service).
    join_role     TEXT NOT NULL DEFAULT 'member' CHECK (join_role IN ('member', 'billing'))
);
CREATE UNIQUE INDEX org_domains_in_org ON org_domains (org_id, domain);
-- One domain, one organization: whichever verifies first holds it, whatever the race.
CREATE UNIQUE INDEX org_domains_verified ON org_domains (domain) WHERE verified_at IS NOT NULL;

-- The workspaces people joining through a domain are added to, with their role there.
CREATE TABLE org_domain_workspaces (
    domain_id    TEXT NOT NULL REFERENCES org_domains(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('contributor', 'admin')),
    PRIMARY KEY (domain_id, workspace_id)
);
