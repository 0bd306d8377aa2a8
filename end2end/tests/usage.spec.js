// Usage and cost: a key makes chat completions through demo-inference (a deterministic
// stand-in for a model); the workspace's Usage page and Admin Settings -> Billing show
// them, with the daily chart drawn on the server; the CSV has the lines.
const { test, expect, request } = require('./fixtures');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { uniqueEmail, hydrated, signUp, screenshot, startDemoInference, createKey } = require('./helpers');

const root = path.resolve(__dirname, '..', '..');

let inference;
test.beforeAll(async () => {
  inference = await startDemoInference();
});
test.afterAll(() => inference && inference.kill());

test('completions made with a key show on Usage and on Billing', async ({ page, baseURL }) => {
  await signUp(page, 'Ada Admin', uniqueEmail('ada'));
  await hydrated(page);
  const workspaceUrl = new URL(page.url()).pathname;
  const orgUrl = workspaceUrl.split('/w/')[0];
  const nav = page.getByRole('navigation', { name: 'Workspace' });

  const secret = await createKey(page, 'Chat bot');

  const api = await request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  for (const content of ['Hello there', 'What can you do for a support team?']) {
    const res = await api.post('/v1/chat/completions', {
      data: { model: 'open-mistral-7b', messages: [{ role: 'user', content }] },
    });
    expect(res.status()).toBe(200);
    expect((await res.json()).choices[0].message.content).toBe(`Echo: ${content}`);
  }
  const streamed = await api.post('/v1/chat/completions', {
    data: { model: 'mistral-small-latest', stream: true, messages: [{ role: 'user', content: 'stream this please' }] },
  });
  expect(streamed.status()).toBe(200);
  expect(await streamed.text()).toContain('data: [DONE]');

  // Workspace -> Usage: three requests, by model and by key.
  await page.goto(workspaceUrl);
  await nav.getByRole('link', { name: 'Usage' }).click();
  const requests = page.locator('.stat', { hasText: 'Requests' });
  await expect(requests).toContainText('3');
  await expect(page.getByRole('table', { name: 'Usage by model' })).toContainText('mistral-small-latest');
  await expect(page.getByRole('table', { name: 'Usage by API key' })).toContainText('Chat bot');
  await expect(page.getByRole('img', { name: /Daily cost/ })).toBeVisible();
  await screenshot(page, 'usage-workspace');

  // Admin Settings -> Billing: the organization's cost, by workspace, and the CSV.
  await page.goto(`${orgUrl}/settings/billing`);
  await expect(page.getByRole('table', { name: 'Usage by workspace' })).toContainText('Default');
  await expect(page.locator('.stat', { hasText: 'Requests' })).toContainText('3');
  await screenshot(page, 'usage-billing');
  const csv = await page.request.get(`${orgUrl}/settings/billing/usage.csv`);
  expect(csv.status()).toBe(200);
  const lines = (await csv.text()).trim().split('\n');
  expect(lines[0]).toMatch(/^day,workspace_id,workspace,model,requests/);
  expect(lines).toHaveLength(3);

  // Another month with nothing in it says so.
  await page.getByLabel('Month').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/period=/);
  await expect(page.getByText('No usage in this period yet.')).toBeVisible();
});

test('an Admin picks a plan and seats, the period closes, and the invoice prints', async ({ page, baseURL }) => {
  await signUp(page, 'Pia Payer', uniqueEmail('pia'));
  await hydrated(page);
  const orgUrl = new URL(page.url()).pathname.split('/w/')[0];

  // Billing -> Subscription: review Team with 12 seats, see the amount, confirm.
  await page.goto(`${orgUrl}/settings/billing/subscription`);
  await hydrated(page);
  const change = page.getByRole('region', { name: 'Change plan or seats' });
  await change.getByLabel('Plan', { exact: true }).selectOption('team');
  await change.getByLabel('Seats', { exact: true }).fill('12');
  await change.getByRole('button', { name: 'Review change' }).click();
  const review = page.getByRole('region', { name: 'Review the change' });
  await expect(review).toContainText('$240.00');
  await expect(review).toContainText(/is added to the invoice for/);
  await screenshot(page, 'billing-subscription-review');
  await review.getByRole('button', { name: 'Confirm change' }).click();
  await expect(page.getByText('Your subscription was changed.')).toBeVisible();
  const plan = page.getByRole('region', { name: 'Your plan' });
  await expect(plan).toContainText('Team');
  await expect(plan).toContainText('12 (1 in use');

  // Billing details: a bad email is named; then saved.
  const details = page.getByRole('region', { name: 'Billing details' });
  await details.getByLabel('Billing email').fill('not an email');
  await details.getByRole('button', { name: 'Save details' }).click();
  await expect(details.getByText(/is not a valid email address/)).toBeVisible();
  await details.getByLabel('Billing email').fill('accounts@pia.example');
  await details.getByLabel('Company name').fill('Pia Analytics Ltd');
  await details.getByLabel('Address').fill('1 Harbour Road\nBristol');
  await details.getByRole('button', { name: 'Save details' }).click();
  await expect(details.getByText('Saved.')).toBeVisible();
  await screenshot(page, 'billing-subscription');

  // The month ends (the operator command acts as if it were the 1st of next month).
  const now = new Date();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
  const closed = spawn(
    path.join(root, process.env.E2E_BIN || 'target/release/studio-console'),
    ['close-periods', '--as-of', next, '--close-early'],
    { cwd: root, env: { ...process.env, DATABASE_URL: 'sqlite://target/e2e/db/console.db' }, stdio: 'inherit' },
  );
  expect(await new Promise((resolve) => closed.once('exit', resolve))).toBe(0);

  // Billing -> Invoices: the invoice is listed, open; it opens as a printable page.
  await page.goto(`${orgUrl}/settings/billing/invoices`);
  const invoices = page.getByRole('table', { name: 'Invoices' });
  await expect(invoices).toContainText(/INV-\d{6}/);
  await expect(invoices).toContainText('Open');
  await screenshot(page, 'billing-invoices');
  await invoices.getByRole('link', { name: /View and print invoice/ }).first().click();
  await expect(page.getByRole('heading', { name: /Invoice INV-\d{6}/ })).toBeVisible();
  await expect(page.getByText('Pia Analytics Ltd')).toBeVisible();
  await expect(page.getByRole('cell', { name: /Team plan, 12 seats/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Print' })).toBeVisible();
  await screenshot(page, 'billing-invoice');
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await screenshot(page, 'billing-invoice-print');

  // On a phone (looked at; issue 17 makes every page fit).
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [name, url] of [
    ['billing-invoice-phone', page.url()],
    ['billing-subscription-phone', `${orgUrl}/settings/billing/subscription`],
    ['billing-invoices-phone', `${orgUrl}/settings/billing/invoices`],
  ]) {
    await page.goto(url);
    await screenshot(page, name);
  }
});
