// The account's emails: confirming the address, a forgotten password, changing it; once
// hydrated and once without JavaScript, with the mail read from a local SMTP sink.
const { test, expect } = require('./fixtures');
const { startSmtpSink } = require('./smtp-sink');
const { uniqueEmail, hydrated, signUp, signIn, signOut, screenshot } = require('./helpers');

let sink;
test.beforeAll(async () => {
  sink = await startSmtpSink(Number(process.env.E2E_SMTP_PORT || 2525));
});
test.afterAll(async () => {
  await sink.close();
});

test('a new account confirms its address from the email, then changes its password', async ({ page }) => {
  const email = uniqueEmail('ada');
  await signUp(page, 'Ada Lovelace', email);
  await hydrated(page);
  const banner = page.getByRole('complementary', { name: 'Email address not confirmed' });
  await expect(banner).toContainText(`We sent a link to ${email}.`);
  await screenshot(page, 'unconfirmed-banner');

  // The emailed link opens a page whose button confirms.
  await page.goto(await sink.linkTo(email, '/verify-email/'));
  await expect(page.getByRole('heading', { name: 'Confirm your email address' })).toBeVisible();
  await screenshot(page, 'verify-email');
  await page.getByRole('button', { name: 'Confirm email address' }).click();
  await expect(page).toHaveURL(/\/account\?verified=1$/);
  await expect(page.getByRole('status')).toContainText('Your email address is confirmed.');
  await expect(page.getByText('Confirmed', { exact: true })).toBeVisible();
  await screenshot(page, 'account');
  await page.getByRole('link', { name: 'Back to the console' }).click();
  await hydrated(page);
  await expect(banner).toHaveCount(0);

  // Your account, from the user menu: a new password ends the other sessions.
  await page.getByRole('button', { name: 'Ada Lovelace', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Your account' }).click();
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  const form = page.getByRole('region', { name: 'Change password' });
  await form.getByLabel('Current password').fill('wrong password');
  await form.getByLabel('New password').fill('an even better passphrase');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByText('This is not your current password.')).toBeVisible();
  await form.getByLabel('Current password').fill('correct horse battery staple');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password is changed.');
  await page.getByRole('link', { name: 'Back to the console' }).click();
  await hydrated(page);
  await signOut(page, 'Ada Lovelace');
  await signIn(page, email, 'an even better passphrase');
  await expect(page).toHaveURL(/\/o\/org_[0-9a-f]+\/w\/ws_[0-9a-f]+$/);
});

for (const javaScriptEnabled of [true, false]) {
  test(`a forgotten password is reset by the emailed link (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({ browser }) => {
    const email = uniqueEmail('bob');
    const setup = await browser.newPage();
    await signUp(setup, 'Bob Builder', email);
    await setup.close();

    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expect(page.getByRole('status')).toContainText('If an account uses that address, a link is on its way.');
    if (javaScriptEnabled) await screenshot(page, 'forgot-password');

    await page.goto(await sink.linkTo(email, '/reset-password/'));
    await expect(page.getByLabel('Email')).toHaveValue(email);
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page.getByText('Password must be at least 8 characters.')).toBeVisible();
    if (javaScriptEnabled) await screenshot(page, 'reset-password');
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page).toHaveURL(/\/account\?changed=reset$/);
    // The link proved the address too.
    await expect(page.getByText('Confirmed', { exact: true })).toBeVisible();
    await context.close();

    const again = await browser.newPage();
    await signIn(again, email, 'a brand new passphrase');
    await expect(again).toHaveURL(/\/o\/org_[0-9a-f]+\/w\/ws_[0-9a-f]+$/);
    await again.close();
  });
}
