// API keys: created in the console, shown once, used against /v1, revoked.
const { test, expect, request } = require('./fixtures');
const { uniqueEmail, hydrated, signUp, screenshot } = require('./helpers');

test('create a key, use it against /v1, revoke it', async ({ page, baseURL }) => {
  await signUp(page, 'Kai Keys', uniqueEmail('kai'));
  await hydrated(page);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByText('No API keys yet.', { exact: false })).toBeVisible();
  await page.getByRole('link', { name: 'Create API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create API key' });
  await dialog.getByLabel('Name').fill('CI pipeline');
  await dialog.getByLabel('Expires', { exact: true }).selectOption('90');
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const secretField = dialog.getByLabel(/copy it now/);
  await expect(secretField).toHaveValue(/^sk-[0-9a-f]{64}$/);
  const secret = await secretField.inputValue();
  await screenshot(page, 'api-key-created');
  await dialog.getByRole('link', { name: 'Done' }).click();
  const row = page.getByRole('row', { name: /CI pipeline/ });
  await expect(row).toContainText(secret.slice(0, 11));
  await expect(row).not.toContainText(secret);
  await screenshot(page, 'api-keys');

  const api = await request.newContext({ baseURL });
  const ok = await api.get('/v1/models', { headers: { Authorization: `Bearer ${secret}` } });
  expect(ok.status()).toBe(200);
  expect((await ok.json()).object).toBe('list');

  await page.getByRole('link', { name: 'Revoke CI pipeline' }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke CI pipeline?' });
  await confirm.getByRole('button', { name: 'Revoke key' }).click();
  await expect(confirm.getByText('Revoked.')).toBeVisible();
  await confirm.getByRole('link', { name: 'Done' }).click();
  await expect(page.getByRole('row', { name: /CI pipeline/ })).toContainText('Revoked');
  const refused = await api.get('/v1/models', { headers: { Authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe('invalid_api_key');
  await api.dispose();
});
