// Members and invitations, with two browser contexts and a local SMTP sink.
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

function orgIdOf(url) {
  return new URL(url).pathname.split('/')[2];
}

test('invite by email, join through the link, add to a workspace, remove', async ({ page, browser }) => {
  await signUp(page, 'Ada Admin', uniqueEmail('ada'));
  await hydrated(page);
  const orgId = orgIdOf(page.url());
  const bobEmail = uniqueEmail('bob');

  // Admin Settings -> Members -> Invite members.
  await page.getByRole('button', { name: 'Ada Admin', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Admin Settings' }).click();
  await page.getByRole('navigation', { name: 'Admin Settings' }).getByRole('link', { name: 'Members' }).click();
  await expect(page.getByText('1 of 10 seats used')).toBeVisible();
  await page.getByRole('link', { name: 'Invite members' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite members' });
  await dialog.getByLabel('Email addresses').fill(`${bobEmail}, not-an-email`);
  await dialog.getByLabel('Organization role').selectOption('member');
  await dialog.getByLabel('Default').selectOption('contributor');
  await screenshot(page, 'invite-dialog');
  await dialog.getByRole('button', { name: 'Review invitations' }).click();
  const review = page.getByRole('dialog', { name: 'Review invitations' });
  await expect(review).toContainText('1 will be invited');
  await expect(review).toContainText('not-an-email');
  await screenshot(page, 'invite-review');
  await review.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Invitation sent to 1 person.' })).toBeVisible();
  // Sending lands on the Invitations tab, newest first.
  await expect(page).toHaveURL(new RegExp(`/o/${orgId}/settings/members/invitations\\?sent=1$`));
  await expect(page.getByRole('table', { name: 'Invitations' }).getByRole('row', { name: new RegExp(bobEmail) })).toContainText('Pending');
  await screenshot(page, 'settings-invitations');
  // Each open invitation is managed in its own dialog (resend, copy a link, revoke).
  await page.getByRole('link', { name: `Manage the invitation to ${bobEmail}` }).click();
  const manage = page.getByRole('dialog', { name: `Invitation to ${bobEmail}` });
  await expect(manage.getByRole('button', { name: 'Revoke' })).toBeVisible();
  await screenshot(page, 'manage-invitation');
  await manage.getByRole('link', { name: 'Close' }).click();
  await expect(manage).toHaveCount(0);
  // The Members tab counts the pending invitation (it holds a seat) and links to it.
  await page.getByRole('navigation', { name: 'Members' }).getByRole('link', { name: 'Members' }).click();
  await expect(page.getByText('2 of 10 seats used')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Members of this organization' })).toContainText('Ada Admin');
  await screenshot(page, 'settings-members');
  await page.getByRole('link', { name: '1 pending invitation' }).click();
  await expect(page.getByRole('table', { name: 'Invitations' })).toContainText(bobEmail);

  // The email reaches the SMTP sink; Bob opens its link in his own browser.
  const mail = await sink.waitFor(bobEmail);
  const link = mail.text.match(/http:\/\/127\.0\.0\.1:\d+\/invite\/[0-9a-f]+/)[0];
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await bob.goto(link);
  await expect(bob.getByText("Ada Admin's Organization").first()).toBeVisible();
  await expect(bob.getByLabel('Email')).toHaveValue(bobEmail);
  await expect(bob.getByLabel('Email')).toHaveAttribute('readonly', '');
  await screenshot(bob, 'invitation-page');
  await bob.getByLabel('Name').fill('Bob Builder');
  await bob.getByLabel('Password').fill('correct horse battery staple');
  await bob.getByRole('button', { name: 'Create account and join' }).click();
  await expect(bob).toHaveURL(new RegExp(`/o/${orgId}/w/ws_[0-9a-f]+$`));
  await expect(switcher(bob)).toContainText("Ada Admin's Organization");
  await expect(switcher(bob)).toContainText('Default');

  // The admin creates a second workspace and adds Bob with Add Members.
  await page.goto(`/o/${orgId}/settings/workspaces?dialog=new-workspace`);
  await page.getByRole('dialog').getByLabel('Workspace name').fill('Second');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await page.getByRole('row', { name: /Second/ }).getByRole('link', { name: 'Second', exact: true }).click();
  await hydrated(page);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Members' }).click();
  await page.getByRole('link', { name: 'Add Members' }).click();
  const add = page.getByRole('dialog', { name: 'Add Members to Second' });
  await add.getByLabel(/Bob Builder/).check();
  await screenshot(page, 'add-members-dialog');
  await add.getByRole('button', { name: 'Add members' }).click();
  await expect(page.getByRole('row', { name: /Bob Builder/ })).toBeVisible();
  await screenshot(page, 'workspace-members');

  await bob.reload();
  await switcher(bob).click();
  await expect(bob.getByRole('menuitem', { name: /Second/ })).toBeVisible();
  await bob.keyboard.press('Escape');

  // The admin removes Bob; Bob's next page no longer shows the organization.
  await page.goto(`/o/${orgId}/settings/members`);
  await page.getByRole('link', { name: 'Remove Bob Builder' }).click();
  const confirm = page.getByRole('dialog', { name: `Remove Bob Builder from Ada Admin's Organization?` });
  await confirm.getByRole('button', { name: 'Remove member' }).click();
  await expect(page.getByRole('row', { name: /Bob Builder/ })).toHaveCount(0);

  await bob.reload();
  await expect(bob.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await bob.goto('/');
  await expect(switcher(bob)).not.toContainText("Ada Admin's Organization");
  await bobContext.close();
});
