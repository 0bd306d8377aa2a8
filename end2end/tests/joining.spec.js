// Joining by invitation without its link: a person who signed up on their own confirms
// their address and is shown the invitations waiting for it (Join / Decline), once
// hydrated and once without JavaScript.
const { test, expect } = require('./fixtures');
const { startSmtpSink } = require('./smtp-sink');
const { uniqueEmail, hydrated, signUp, switcher, screenshot } = require('./helpers');

let sink;
test.beforeAll(async () => {
  sink = await startSmtpSink(Number(process.env.E2E_SMTP_PORT || 2525));
});
test.afterAll(async () => {
  await sink.close();
});

/** Ada's organization invites `email` as a Member of its Default workspace. */
async function invite(page, orgUrl, email) {
  await page.goto(`${orgUrl}/settings/members?dialog=invite`);
  const dialog = page.getByRole('dialog', { name: 'Invite members' });
  await dialog.getByLabel('Email addresses').fill(email);
  await dialog.getByLabel('Organization role').selectOption('member');
  await dialog.getByLabel('Default').selectOption('contributor');
  await dialog.getByRole('button', { name: 'Review invitations' }).click();
  await page.getByRole('dialog', { name: 'Review invitations' }).getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Invitation sent to 1 person.' })).toBeVisible();
}

for (const javaScriptEnabled of [true, false]) {
  test(`a confirmed address is shown its invitation and joins or declines it (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({ page, browser }) => {
    await signUp(page, 'Ada Admin', uniqueEmail('ada'));
    await hydrated(page);
    const orgUrl = new URL(page.url()).pathname.split('/w/')[0];
    const carolEmail = uniqueEmail('carol');
    await invite(page, orgUrl, carolEmail);

    // Carol signs up on her own, without the invitation's link.
    const context = await browser.newContext({ javaScriptEnabled });
    const carol = await context.newPage();
    await carol.goto('/signup');
    await carol.getByLabel('Name').fill('Carol Chen');
    await carol.getByLabel('Work email').fill(carolEmail);
    await carol.getByLabel('Password').fill('correct horse battery staple');
    await carol.getByRole('button', { name: 'Create account' }).click();
    await expect(carol).toHaveURL(/\/o\/org_[0-9a-f]+\/w\/ws_[0-9a-f]+$/);
    // Nothing is shown to an address not yet confirmed.
    await expect(carol.getByRole('complementary', { name: 'Invitations for you' })).toHaveCount(0);

    await carol.goto(await sink.linkTo(carolEmail, '/verify-email/'));
    await expect(carol.getByText(`This confirms that ${carolEmail} is yours.`)).toBeVisible();
    await carol.getByRole('button', { name: 'Confirm email address' }).click();
    await expect(carol).toHaveURL(/\/welcome\?verified=1$/);
    const invitation = carol.getByRole('listitem').filter({ hasText: "Ada Admin's Organization" });
    await expect(invitation).toContainText('Ada Admin invited you as Member.');
    await expect(invitation).toContainText('Default (Contributor)');
    if (javaScriptEnabled) {
      await screenshot(carol, 'welcome-invitations');
      await invitation.getByRole('button', { name: "Join Ada Admin's Organization" }).click();
      await expect(carol).toHaveURL(/\/o\/org_[0-9a-f]+\/w\/ws_[0-9a-f]+$/);
      await hydrated(carol);
      await expect(switcher(carol)).toContainText("Ada Admin's Organization");
    } else {
      await invitation.getByRole('button', { name: "Decline the invitation to Ada Admin's Organization" }).click();
      await expect(carol).toHaveURL(/\/welcome\?declined=[^&]+$/);
      await expect(carol.getByRole('status')).toContainText('Invitation declined.');
      await expect(carol.getByText(`No invitation is waiting for ${carolEmail}.`)).toBeVisible();
      // Ada sees it declined.
      await page.goto(`${orgUrl}/settings/members/invitations?status=declined`);
      await expect(page.getByRole('table', { name: 'Invitations' })).toContainText(carolEmail);
    }
    await context.close();
  });
}
