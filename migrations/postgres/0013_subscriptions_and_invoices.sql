-- The organization's subscription: its plan and seats. An organization without a row is
-- on the catalogue's default plan with that plan's seats. The seat checks read this.
CREATE TABLE subscriptions (
    org_id     TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    plan_id    TEXT NOT NULL,
    seats      BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- Every confirmed change of plan or seats, with the prorated amount quoted for the rest of
-- its period: the next invoice carries it as a line, and the invoice's seat line reads the
-- plan in force when its period began.
CREATE TABLE subscription_changes (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    changed_at  BIGINT NOT NULL,
    changed_by  TEXT,
    from_plan   TEXT NOT NULL,
    from_seats  BIGINT NOT NULL,
    plan_id     TEXT NOT NULL,
    seats       BIGINT NOT NULL,
    prorated    BIGINT NOT NULL
);
CREATE INDEX subscription_changes_by_org ON subscription_changes (org_id, changed_at);
-- Who receives the invoices and what they name.
CREATE TABLE billing_details (
    org_id       TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    company_name TEXT NOT NULL,
    address      TEXT NOT NULL,
    tax_id       TEXT NOT NULL,
    updated_at   BIGINT NOT NULL
);
-- One invoice per organization and period, never changed after it is issued but for its
-- payment. Numbers come from one counter, so they have no gaps.
CREATE TABLE invoices (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id),
    period       TEXT NOT NULL,
    number       TEXT NOT NULL UNIQUE,
    currency     TEXT NOT NULL,
    total        BIGINT NOT NULL,
    issued_at    BIGINT NOT NULL,
    -- The billing details as they were when it was issued.
    bill_email   TEXT NOT NULL,
    bill_company TEXT NOT NULL,
    bill_address TEXT NOT NULL,
    bill_tax_id  TEXT NOT NULL,
    paid_at      BIGINT,
    payment_ref  TEXT,
    UNIQUE (org_id, period)
);
CREATE INDEX invoices_by_org ON invoices (org_id, period DESC);
CREATE TABLE invoice_lines (
    invoice_id  TEXT NOT NULL REFERENCES invoices(id),
    position    BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL,
    quantity    BIGINT NOT NULL,
    unit        TEXT NOT NULL,
    unit_price  BIGINT NOT NULL,
    amount      BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, position)
);
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('invoice_number', 0);
-- When billing began: the month it began in is the first one invoiced (earlier months are
-- never billed after an upgrade).
INSERT INTO counters (name, value) VALUES ('billing_since', CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT));
-- Seats now live on the subscription; a seat limit an operator set is kept, as a plan of
-- its own ("custom", not sold, nothing a month) until the organization picks one.
INSERT INTO subscriptions (org_id, plan_id, seats, updated_at)
    SELECT id, 'custom', seat_limit, 0 FROM organizations WHERE seat_limit IS NOT NULL;
ALTER TABLE organizations DROP COLUMN seat_limit;
