// The audit log and sessions, as people use them: an Admin changes a role and revokes a
// key, reads the log, narrows it to that member and exports it; a person signed in from
// two browsers ends the other one from Your account -> Sessions.
const { test, expect } = require('./fixtures');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { uniqueEmail, hydrated, signUp, signIn, screenshot, createKey } = require('./helpers');

const root = path.resolve(__dirname, '..', '..');

function console_(args) {
  return execFileSync(path.join(root, process.env.E2E_BIN || 'target/release/studio-console'), args, {
    cwd: root,
    env: { ...process.env, DATABASE_URL: 'sqlite://target/e2e/db/console.db' },
    encoding: 'utf8',
  });
}

function orgIdOf(url) {
  return new URL(url).pathname.split('/')[2];
}

test('an Admin reads who did what, narrows it to one member and exports it', async ({ page, browser }) => {
  const adaEmail = uniqueEmail('ada');
  const bobEmail = uniqueEmail('bob');
  await signUp(page, 'Ada Admin', adaEmail);
  const orgId = orgIdOf(page.url());
  const bobContext = await browser.newContext();
  await signUp(await bobContext.newPage(), 'Bob Builder', bobEmail);
  await bobContext.close();
  // The operator's command is recorded too.
  console_(['grant-role', '--org', orgId, '--email', bobEmail, '--role', 'member']);

  // A role change and a revoked key.
  await page.goto(`/o/${orgId}/settings/members`);
  await hydrated(page);
  await page.getByLabel('Role of Bob Builder', { exact: true }).selectOption('billing');
  await page.getByRole('button', { name: 'Save role of Bob Builder' }).click();
  await expect(page.getByLabel('Role of Bob Builder', { exact: true })).toHaveValue('billing');
  await page.goto(`/o/${orgId}`);
  await createKey(page, 'CI pipeline');
  await page.getByRole('dialog', { name: 'Create API key' }).getByRole('link', { name: 'Done' }).click();
  await page.getByRole('link', { name: 'Revoke CI pipeline' }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke CI pipeline?' });
  await confirm.getByRole('button', { name: 'Revoke key' }).click();
  await expect(confirm.getByText('Revoked.')).toBeVisible();
  await confirm.getByRole('link', { name: 'Done' }).click();

  // The workspace's own entries, from its navigation.
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(/\/settings\/audit\?workspace=ws_/);
  await expect(page.getByRole('table', { name: 'Audit log, newest first' }).getByRole('row').nth(1))
    .toContainText('Revoked an API key');

  // Admin Settings -> Audit log, from the user menu.
  await page.getByRole('button', { name: 'Ada Admin', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Admin Settings' }).click();
  await page.getByRole('navigation', { name: 'Admin Settings' }).getByRole('link', { name: 'Audit log' }).click();
  const table = page.getByRole('table', { name: 'Audit log, newest first' });
  await expect(table.getByRole('row').nth(1)).toContainText('Revoked an API key');
  await expect(table).toContainText('Changed a member\'s role');
  await expect(table).toContainText('role: member → billing');
  await expect(table).toContainText('Operator');
  await expect(table).toContainText('Created the organization');
  await screenshot(page, 'audit-log');

  // Everything about Bob: the operator's grant and Ada's change, nothing else.
  await page.getByLabel('About').fill(bobEmail);
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/target=/);
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table).not.toContainText('Revoked an API key');
  await screenshot(page, 'audit-log-filtered');

  // The export link carries the filtered view (fetched as the browser would, with its
  // session: headless Chromium cancels a clicked download).
  const href = await page.getByRole('link', { name: 'CSV' }).getAttribute('href');
  expect(href).toContain('target=');
  const res = await page.request.get(href);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-disposition']).toContain('audit-log.csv');
  const csv = (await res.text()).trim().split('\n');
  expect(csv[0]).toMatch(/^seq,time,actor_kind/);
  expect(csv).toHaveLength(3);
  expect(csv[1]).toContain('member.role_changed');
  expect(csv[1]).toContain(adaEmail);

  // Who did it links to everything they did.
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await table.getByRole('link', { name: adaEmail }).first().click();
  await expect(page).toHaveURL(/actor=usr_/);
  await expect(table).not.toContainText('Operator');

  // The chain verifies from the command line.
  expect(console_(['audit-verify', '--org', orgId])).toContain('intact');

  // On a phone the filters stack and nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await screenshot(page, 'audit-log-phone');
});

test('a person signed in twice ends the other session from their account', async ({ page, browser }) => {
  const email = uniqueEmail('sam');
  await signUp(page, 'Sam Signed', email);
  const other = await browser.newContext({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1' });
  const phone = await other.newPage();
  await signIn(phone, email);
  await expect(phone).toHaveURL(/\/o\/org_[0-9a-f]+\/w\/ws_[0-9a-f]+$/);

  await hydrated(page);
  await page.getByRole('button', { name: 'Sam Signed', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Your account' }).click();
  const sessions = page.getByRole('table', { name: 'Your sessions, most recently active first' });
  await expect(sessions.getByRole('row')).toHaveCount(3);
  await expect(sessions).toContainText('This session');
  await expect(sessions).toContainText('Safari on iOS');
  await screenshot(page, 'account-sessions');

  await page.getByRole('button', { name: 'Sign out Safari on iOS' }).click();
  await expect(page.getByRole('status')).toContainText('That session is signed out.');
  await expect(sessions.getByRole('row')).toHaveCount(2);
  // The phone is signed out at its next request; this browser is not.
  await phone.reload();
  await expect(phone).toHaveURL(/\/signin/);
  await page.reload();
  await expect(sessions).toContainText('This session');
  await other.close();
});
