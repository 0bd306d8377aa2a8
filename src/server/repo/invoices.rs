//! Invoices and their lines. Written once when a period closes; only the payment changes.

use sqlx::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceRow {
    pub id: String,
    pub org_id: String,
    pub period: String,
    pub number: String,
    pub currency: String,
    pub total: i64,
    pub issued_at: i64,
    pub bill_email: String,
    pub bill_company: String,
    pub bill_address: String,
    pub bill_tax_id: String,
    pub paid_at: Option<i64>,
    pub payment_ref: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineRow {
    pub position: i64,
    pub kind: String,
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub unit_price: i64,
    pub amount: i64,
}

const COLUMNS: &str = "id, org_id, period, number, currency, total, issued_at, bill_email, \
                       bill_company, bill_address, bill_tax_id, paid_at, payment_ref";

pub async fn insert<'e>(db: impl AnyExecutor<'e>, i: &InvoiceRow) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO invoices ({COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(&i.id)
    .bind(&i.org_id)
    .bind(&i.period)
    .bind(&i.number)
    .bind(&i.currency)
    .bind(i.total)
    .bind(i.issued_at)
    .bind(&i.bill_email)
    .bind(&i.bill_company)
    .bind(&i.bill_address)
    .bind(&i.bill_tax_id)
    .bind(i.paid_at)
    .bind(&i.payment_ref)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn insert_line<'e>(
    db: impl AnyExecutor<'e>,
    invoice_id: &str,
    l: &LineRow,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity, unit, \
         unit_price, amount) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(invoice_id)
    .bind(l.position)
    .bind(&l.kind)
    .bind(&l.description)
    .bind(l.quantity)
    .bind(&l.unit)
    .bind(l.unit_price)
    .bind(l.amount)
    .execute(db)
    .await?;
    Ok(())
}

/// The next invoice number: one counter for the installation, taken under its row lock,
/// so numbers have no gaps and no repeats whichever process issues them.
pub async fn next_number<'e>(db: impl AnyExecutor<'e>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "UPDATE counters SET value = value + 1 WHERE name = 'invoice_number' RETURNING value",
    )
    .fetch_one(db)
    .await
}

/// When billing began (`billing_since`): periods that ended before it are never invoiced.
pub async fn billing_since<'e>(db: impl AnyExecutor<'e>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT value FROM counters WHERE name = 'billing_since'")
        .fetch_one(db)
        .await
}

pub async fn find_for_period<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    period: &str,
) -> sqlx::Result<Option<InvoiceRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invoices WHERE org_id = $1 AND period = $2"
    ))
    .bind(org_id)
    .bind(period)
    .fetch_optional(db)
    .await
}

pub async fn find_by_number<'e>(
    db: impl AnyExecutor<'e>,
    number: &str,
) -> sqlx::Result<Option<InvoiceRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM invoices WHERE number = $1"))
        .bind(number)
        .fetch_optional(db)
        .await
}

/// The organization's invoices, newest period first, `limit` of them before `before` (a
/// period key; none for the newest).
pub async fn list<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    before: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<InvoiceRow>> {
    // The newest page has no bound: "9999-99" sorts after every period key.
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invoices WHERE org_id = $1 AND period < $2 \
         ORDER BY period DESC LIMIT $3"
    ))
    .bind(org_id)
    .bind(before.unwrap_or("9999-99"))
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn lines<'e>(db: impl AnyExecutor<'e>, invoice_id: &str) -> sqlx::Result<Vec<LineRow>> {
    sqlx::query_as(
        "SELECT position, kind, description, quantity, unit, unit_price, amount \
         FROM invoice_lines WHERE invoice_id = $1 ORDER BY position",
    )
    .bind(invoice_id)
    .fetch_all(db)
    .await
}

/// Records a payment of an open invoice; false when it was already paid.
pub async fn mark_paid<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    paid_at: i64,
    reference: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE invoices SET paid_at = $1, payment_ref = $2 WHERE id = $3 AND paid_at IS NULL",
    )
    .bind(paid_at)
    .bind(reference)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Organizations after `after` (by id) that existed before `period_end` and have no
/// invoice for `period` yet.
pub async fn orgs_without_invoice<'e>(
    db: impl AnyExecutor<'e>,
    period: &str,
    period_end: i64,
    after: &str,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT o.id FROM organizations o WHERE o.id > $1 AND o.created_at < $2 AND NOT EXISTS \
         (SELECT 1 FROM invoices i WHERE i.org_id = o.id AND i.period = $3) ORDER BY o.id LIMIT $4",
    )
    .bind(after)
    .bind(period_end)
    .bind(period)
    .bind(limit)
    .fetch_all(db)
    .await
}
