// Organizations and workspaces: create an organization from the switcher, switch,
// create a workspace in Admin Settings, and what a Member may not do.
const { test, expect } = require('./fixtures');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { uniqueEmail, hydrated, signUp, signIn, signOut, switcher, screenshot } = require('./helpers');

const root = path.resolve(__dirname, '..', '..');

/** Makes an existing account a member of an organization, with the operator command. */
function grantRole(orgId, email, role) {
  execFileSync(path.join(root, process.env.E2E_BIN || 'target/release/studio-console'), ['grant-role', '--org', orgId, '--email', email, '--role', role], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: 'sqlite://target/e2e/db/console.db' },
  });
}

function orgIdOf(url) {
  return new URL(url).pathname.split('/')[2];
}

test('create a second organization from the switcher and switch between the two', async ({ page }) => {
  await signUp(page, 'Olga Owner', uniqueEmail('olga'));
  await hydrated(page);
  const firstUrl = page.url();

  await switcher(page).click();
  await page.getByRole('menuitem', { name: 'Create organization' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create organization' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Organization name')).toBeFocused();
  // The Terms of Service are required.
  await dialog.getByLabel('Organization name').fill('Acme Research');
  await dialog.getByRole('button', { name: 'Create organization' }).click();
  await expect(dialog.getByText('Accept the Terms of Service to create an organization.')).toBeVisible();
  await expect(dialog.getByRole('link', { name: 'Terms of Service' })).toHaveAttribute('href', '/terms');
  await screenshot(page, 'create-org-dialog');
  await dialog.getByLabel('I accept the Terms of Service').check();
  await dialog.getByRole('button', { name: 'Create organization' }).click();

  await expect(page).toHaveURL(/\/o\/org_[0-9a-f]+\/w\/ws_[0-9a-f]+$/);
  expect(orgIdOf(page.url())).not.toEqual(orgIdOf(firstUrl));
  await expect(switcher(page)).toContainText('Acme Research');
  await expect(switcher(page)).toContainText('Default');

  // Switch back to the first organization, then forth again.
  await switcher(page).click();
  await page.getByRole('menuitem', { name: /Olga Owner's Organization/ }).click();
  await expect(page).toHaveURL(firstUrl);
  await expect(switcher(page)).toContainText("Olga Owner's Organization");
  await switcher(page).click();
  await page.getByRole('menuitem', { name: /Acme Research/ }).click();
  await expect(switcher(page)).toContainText('Acme Research');
});

test('create a workspace in Admin Settings and find it in the switcher; a Member cannot', async ({ page, browser }) => {
  await signUp(page, 'Ada Admin', uniqueEmail('ada'));
  await hydrated(page);
  const orgId = orgIdOf(page.url());

  await page.getByRole('button', { name: 'Ada Admin', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Admin Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Admin Settings', level: 1 })).toBeVisible();
  await page.getByRole('navigation', { name: 'Admin Settings' }).getByRole('link', { name: 'Workspaces' }).click();
  await page.getByRole('link', { name: 'New Workspace' }).click();
  const dialog = page.getByRole('dialog', { name: 'New Workspace' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Workspace name').fill('Research');
  await screenshot(page, 'new-workspace-dialog');
  await dialog.getByRole('button', { name: 'Create workspace' }).click();
  await expect(dialog).toBeHidden();
  const table = page.getByRole('table');
  await expect(table.getByRole('row', { name: /Research/ })).toBeVisible();
  await screenshot(page, 'settings-workspaces');

  await switcher(page).click();
  await expect(page.getByRole('menuitem', { name: /Research/ })).toBeVisible();
  await page.keyboard.press('Escape');

  // A Member of the same organization (set up by the operator command).
  const memberEmail = uniqueEmail('mel');
  const other = await browser.newContext();
  const mel = await other.newPage();
  await signUp(mel, 'Mel Member', memberEmail);
  grantRole(orgId, memberEmail, 'member');
  await mel.goto(`/o/${orgId}/settings/workspaces`);
  await expect(mel.getByText('Not available')).toBeVisible();
  await expect(mel.getByRole('link', { name: 'New Workspace' })).toHaveCount(0);
  await expect(mel.getByRole('navigation', { name: 'Admin Settings' }).getByRole('link', { name: 'Workspaces' })).toHaveCount(0);
  await switcher(mel).click();
  await expect(mel.getByRole('menuitem', { name: 'New workspace' })).toHaveCount(0);
  const res = await mel.request.post('/api/create_workspace', { form: { org_id: orgId, name: 'Sneaky' } });
  expect(res.status()).toBe(403);
  await screenshot(mel, 'member-settings');
  await other.close();
});

test('archive and unarchive a workspace; the default one cannot be archived', async ({ page }) => {
  await signUp(page, 'Arch Ivist', uniqueEmail('arch'));
  await hydrated(page);
  const orgId = orgIdOf(page.url());
  await page.goto(`/o/${orgId}/settings/workspaces?dialog=new-workspace`);
  await page.getByRole('dialog').getByLabel('Workspace name').fill('Old project');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page.getByRole('row', { name: /Old project/ })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Archive Default' })).toHaveCount(0);

  await page.getByRole('link', { name: 'Archive Old project' }).click();
  const confirm = page.getByRole('dialog', { name: 'Archive Old project?' });
  await expect(confirm).toBeVisible();
  await screenshot(page, 'archive-dialog');
  await confirm.getByRole('button', { name: 'Archive workspace' }).click();
  await expect(page.getByRole('row', { name: /Old project/ })).toContainText('Archived');
  await switcher(page).click();
  await expect(page.getByRole('menuitem', { name: /Old project/ })).toHaveCount(0);
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Unarchive Old project' }).click();
  await expect(page.getByRole('row', { name: /Old project/ })).toContainText('Active');
});

test('effective permissions show what each member may do', async ({ page }) => {
  await signUp(page, 'Perm Admin', uniqueEmail('perm'));
  const orgId = orgIdOf(page.url());
  await page.goto(`/o/${orgId}/settings/permissions`);
  await expect(page.getByRole('heading', { name: 'Effective permissions' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Create workspaces/ })).toContainText('Allowed');
  await screenshot(page, 'settings-permissions');
});
