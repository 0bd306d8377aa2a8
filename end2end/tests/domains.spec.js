// Joining through a company domain: Acme verifies its domain with a TXT record (served by
// `demo-dns` on loopback, where serve.sh points DOMAIN_RESOLVER), a new person at the
// domain confirms their address from the email, sees "Join Acme" and joins; with no seat
// left the next person's request (made without JavaScript) waits in Members -> Requests
// until an Admin adds a seat and approves.
const { test, expect } = require('./fixtures');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { startSmtpSink } = require('./smtp-sink');
const { uniqueEmail, hydrated, signUp, screenshot } = require('./helpers');

const root = path.resolve(__dirname, '..', '..');
const zoneFile = path.join(root, 'target', 'e2e', 'zone.txt');
let sink;
let dns;

test.beforeAll(async () => {
  sink = await startSmtpSink(Number(process.env.E2E_SMTP_PORT || 2525));
  fs.mkdirSync(path.dirname(zoneFile), { recursive: true });
  fs.writeFileSync(zoneFile, '');
  dns = spawn(
    path.join(root, process.env.E2E_BIN || 'target/release/studio-console'),
    ['demo-dns', '--listen', `127.0.0.1:${process.env.E2E_DNS_PORT || '3102'}`, '--zone', zoneFile],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((resolve, reject) => {
    dns.stdout.once('data', resolve);
    dns.once('exit', (code) => reject(new Error(`demo-dns exited with ${code}`)));
  });
});
test.afterAll(async () => {
  dns.kill();
  await sink.close();
});

/** Signs up `email` in a context of its own and confirms the address from the email. */
async function personAt(browser, name, email, javaScriptEnabled) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto('/signup');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/o\/org_[0-9a-f]+\/w\/ws_[0-9a-f]+$/);
  await page.goto(await sink.linkTo(email, '/verify-email/'));
  await page.getByRole('button', { name: 'Confirm email address' }).click();
  return page;
}

/** A screenshot at a phone's width; the page must not scroll sideways there. */
async function onPhone(page, name) {
  const wide = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, name);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${name} scrolls sideways on a phone`).toBeLessThanOrEqual(390);
  await page.setViewportSize(wide);
}

/** Billing -> Subscription: the Team plan with `seats` seats. */
async function setSeats(page, orgUrl, seats) {
  await page.goto(`${orgUrl}/settings/billing/subscription`);
  await hydrated(page);
  const change = page.getByRole('region', { name: 'Change plan or seats' });
  await change.getByLabel('Plan', { exact: true }).selectOption('team');
  await change.getByLabel('Seats', { exact: true }).fill(String(seats));
  await change.getByRole('button', { name: 'Review change' }).click();
  await page.getByRole('region', { name: 'Review the change' }).getByRole('button', { name: 'Confirm change' }).click();
  await expect(page.getByText('Your subscription was changed.')).toBeVisible();
}

test('Acme verifies its domain; people at it join, and wait for approval when no seat is left', async ({ page, browser }) => {
  const domain = `acme-${Date.now()}.test`;
  await signUp(page, 'Ada Admin', uniqueEmail('ada'));
  await hydrated(page);
  const orgUrl = new URL(page.url()).pathname.split('/w/')[0];
  await page.goto(`${orgUrl}/settings/general`);
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Acme');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('#switcher-button')).toContainText('Acme');

  // Admin Settings -> Domains: a public domain is refused, Acme's own is added.
  await page.getByRole('navigation', { name: 'Admin Settings' }).getByRole('link', { name: 'Domains' }).click();
  await expect(page).toHaveURL(/\/settings\/domains$/);
  await hydrated(page);
  await page.getByLabel('Domain', { exact: true }).fill('gmail.com');
  await page.getByRole('button', { name: 'Add domain' }).click();
  await expect(page.getByText(/gmail\.com is a public email provider/).first()).toBeVisible();
  await page.getByLabel('Domain', { exact: true }).fill(domain);
  await page.getByRole('button', { name: 'Add domain' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${domain} added.` })).toBeVisible();
  const card = page.getByRole('region', { name: domain });
  await expect(card).toContainText('Waiting for its DNS record');

  // Checking before the record exists says so on the domain; with it, it is verified.
  await card.getByRole('button', { name: 'Check now' }).click();
  await expect(card).toContainText('No TXT record at');
  await screenshot(page, 'domains-waiting');
  await onPhone(page, 'domains-waiting-phone');
  const name = await card.getByLabel('Name', { exact: true }).inputValue();
  const value = await card.getByLabel('Value', { exact: true }).inputValue();
  fs.appendFileSync(zoneFile, `${name} ${value}\n`);
  await card.getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${domain} is verified.` })).toBeVisible();
  await expect(card).toContainText('Verified');

  // People at the domain are offered to join, as Members of Default.
  await card.getByRole('link', { name: `Change who joins through ${domain}` }).click();
  await card.getByLabel(/^Suggest joining/).check();
  await card.getByLabel('Default', { exact: true }).selectOption('contributor');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved who joins through ${domain}.` })).toBeVisible();
  await expect(card).toContainText('They join as Member, with access to Default (Contributor).');
  await screenshot(page, 'domains-verified');
  await card.getByRole('link', { name: `Change who joins through ${domain}` }).click();
  await onPhone(page, 'domains-join-settings-phone');
  await setSeats(page, orgUrl, 2);

  // Ana confirms her address and is offered to join Acme.
  const ana = await personAt(browser, 'Ana Acme', `ana@${domain}`, true);
  await expect(ana).toHaveURL(/\/welcome\?verified=1$/);
  const offer = ana.getByRole('region', { name: 'Join Acme' });
  await expect(offer).toContainText(`Acme verified ${domain}`);
  await expect(offer).toContainText('You would join as Member, with access to Default (Contributor).');
  await screenshot(ana, 'welcome-join-acme');
  await onPhone(ana, 'welcome-join-acme-phone');
  await offer.getByRole('button', { name: 'Join Acme' }).click();
  await expect(ana).toHaveURL(new RegExp(`${orgUrl}/w/ws_[0-9a-f]+$`));
  await expect(ana.locator('#switcher-button')).toContainText('Acme');

  // Ben, without JavaScript: no seat is left, so his request waits for an Admin.
  const ben = await personAt(browser, 'Ben Acme', `ben@${domain}`, false);
  await expect(ben).toHaveURL(/\/welcome\?verified=1$/);
  await ben.getByRole('region', { name: 'Join Acme' }).getByRole('button', { name: 'Join Acme' }).click();
  await expect(ben).toHaveURL(/\/welcome\?requested=1$/);
  await expect(ben.getByRole('region', { name: 'Join Acme' })).toContainText('Your request to join is waiting for an Admin.');

  await page.goto(`${orgUrl}/settings/members/requests`);
  await hydrated(page);
  const row = page.getByRole('row').filter({ hasText: `ben@${domain}` });
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Approve Ben Acme' }).click();
  await expect(page.getByText(/No seat is free/)).toBeVisible();
  await screenshot(page, 'join-requests');
  await onPhone(page, 'join-requests-phone');
  await setSeats(page, orgUrl, 3);
  await page.goto(`${orgUrl}/settings/members/requests`);
  await hydrated(page);
  await page.getByRole('row').filter({ hasText: `ben@${domain}` }).getByRole('button', { name: 'Approve Ben Acme' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Request approved' })).toBeVisible();
  await expect(page.getByText('No one is waiting.')).toBeVisible();
  // The answer's email goes out just after the approval commits.
  await expect.poll(() => sink.messages.some((m) => m.to.includes(`ben@${domain}`) && /You joined Acme/.test(m.raw))).toBe(true);
  await ben.goto('/');
  await expect(ben).toHaveURL(new RegExp(`${orgUrl}`));
});
