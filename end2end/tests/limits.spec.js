// Usage limits: an Admin sets a small workspace cap on Admin Settings -> Limits, a key's
// completions reach it and get 429, a member sees the banner on the workspace's pages,
// the Admin raises the cap from the banner's link and the key works again.
const { test, expect, request } = require('./fixtures');
const { startSmtpSink } = require('./smtp-sink');
const { uniqueEmail, hydrated, signUp, screenshot, startDemoInference, createKey } = require('./helpers');

let inference;
let sink;
test.beforeAll(async () => {
  sink = await startSmtpSink(Number(process.env.E2E_SMTP_PORT || 2525));
  inference = await startDemoInference();
});
test.afterAll(async () => {
  if (inference) inference.kill();
  if (sink) await sink.close();
});

// About 5,000 tokens in and out of mistral-small-latest: a fifth of a cent each.
const LONG = 'word '.repeat(5000);

test('a workspace cap stops its keys, shows a banner, and a raise lifts it', async ({ page, browser, baseURL }) => {
  await signUp(page, 'Ada Admin', uniqueEmail('ada'));
  await hydrated(page);
  const workspaceUrl = new URL(page.url()).pathname;
  const orgUrl = workspaceUrl.split('/w/')[0];

  // A key for the default workspace.
  const secret = await createKey(page, 'Batch job');

  // Bob joins as a Member (invited, then through the emailed link).
  const bobEmail = uniqueEmail('bob');
  await page.goto(`${orgUrl}/settings/members?dialog=invite`);
  const invite = page.getByRole('dialog', { name: 'Invite members' });
  await invite.getByLabel('Email addresses').fill(bobEmail);
  await invite.getByLabel('Organization role').selectOption('member');
  await invite.getByLabel('Default').selectOption('contributor');
  await invite.getByRole('button', { name: 'Review invitations' }).click();
  await page.getByRole('dialog', { name: 'Review invitations' }).getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Invitation sent to 1 person.' })).toBeVisible();
  const mail = await sink.waitFor(bobEmail);
  const link = mail.text.match(/http:\/\/127\.0\.0\.1:\d+\/invite\/[0-9a-f]+/)[0];
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await bob.goto(link);
  await bob.getByLabel('Name').fill('Bob Builder');
  await bob.getByLabel('Password').fill('correct horse battery staple');
  await bob.getByRole('button', { name: 'Create account and join' }).click();
  await expect(bob).toHaveURL(/\/w\/ws_[0-9a-f]+$/);
  await expect(bob.locator('.banner-warning')).toHaveCount(0);

  // Admin Settings -> Limits: one cent a month for the default workspace.
  await page.goto(`${orgUrl}/settings/limits`);
  await hydrated(page);
  await expect(page.getByRole('navigation', { name: 'Admin Settings' }).getByRole('link', { name: 'Limits' })).toHaveAttribute('aria-current', 'page');
  const workspaces = page.getByRole('table', { name: 'Spend and limits by workspace' });
  await workspaces.getByRole('link', { name: 'Edit the limits of Default' }).click();
  const edit = page.getByRole('region', { name: 'Limits of Default' });
  await edit.getByLabel('Monthly limit').fill('lots');
  await edit.getByRole('button', { name: 'Save workspace limits' }).click();
  await expect(edit.getByText('enter an amount such as 250 or 99.50')).toBeVisible();
  await edit.getByLabel('Monthly limit').fill('0.01');
  await screenshot(page, 'limits-edit');
  await edit.getByRole('button', { name: 'Save workspace limits' }).click();
  await expect(page.getByText('Limits saved.')).toBeVisible();
  await expect(workspaces.getByRole('row', { name: /Default/ })).toContainText('$0.01');

  // The key's completions go through until the cent is spent, then get 429.
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  let refused;
  for (let i = 0; i < 20 && !refused; i++) {
    const res = await api.post('/v1/chat/completions', {
      data: { model: 'mistral-small-latest', messages: [{ role: 'user', content: LONG }] },
    });
    if (res.status() === 429) refused = await res.json();
    else expect(res.status()).toBe(200);
  }
  expect(refused, 'the cap was reached').toBeTruthy();
  expect(refused.error.code).toBe('usage_limit_reached');
  expect(refused.error.message).toMatch(/This workspace's monthly spend limit is reached/);

  // Bob sees why on every page of the workspace, without a way to raise it.
  await bob.reload();
  const bobBanner = bob.locator('.banner-warning');
  await expect(bobBanner).toContainText('Monthly limit reached.');
  await expect(bobBanner).toContainText('Keys get 429 until');
  await expect(bobBanner.getByRole('link', { name: 'Raise the limit' })).toHaveCount(0);
  await screenshot(bob, 'limits-banner-member');
  await bob.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Datasets' }).click();
  await expect(bob.locator('.banner-warning')).toContainText('Monthly limit reached.');

  // Ada follows the banner's link and raises the cap.
  await page.goto(workspaceUrl);
  await page.locator('.banner-warning').getByRole('link', { name: 'Raise the limit' }).click();
  await expect(page).toHaveURL(/\/settings\/limits$/);
  await expect(workspaces.getByRole('row', { name: /Default/ })).toContainText('Limit reached');
  await screenshot(page, 'limits-page');
  await workspaces.getByRole('link', { name: 'Edit the limits of Default' }).click();
  await page.getByRole('region', { name: 'Limits of Default' }).getByLabel('Monthly limit').fill('5');
  await page.getByRole('button', { name: 'Save workspace limits' }).click();
  await expect(page.getByText('Limits saved.')).toBeVisible();
  const again = await api.post('/v1/chat/completions', {
    data: { model: 'mistral-small-latest', messages: [{ role: 'user', content: 'back again' }] },
  });
  expect(again.status()).toBe(200);
  await bob.reload();
  await expect(bob.locator('.banner-warning')).toHaveCount(0);

  // The page on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${orgUrl}/settings/limits`);
  await screenshot(page, 'limits-page-phone');
  await bobContext.close();
});
