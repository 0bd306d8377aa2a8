// The seed's promise: what a workspace key creates, every member of the workspace can use.
// An admin makes a key in the console; a program uploads a dataset and starts a job with
// it; the demo trainer runs the job; a second member sees the dataset and the model.
const { test, expect, request } = require('./fixtures');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { uniqueEmail, hydrated, signUp, screenshot, runDemoTrainer, createKey } = require('./helpers');

const root = path.resolve(__dirname, '..', '..');
const DATASET = [
  { messages: [{ role: 'user', content: 'Where is my order?' }, { role: 'assistant', content: 'Let me check.' }] },
  { messages: [{ role: 'user', content: 'Refund please' }, { role: 'assistant', content: 'Of course.' }] },
].map((line) => JSON.stringify(line)).join('\n');


test('a key uploads and fine-tunes; a second member sees the dataset and the model', async ({ page, browser, baseURL }) => {
  const bobEmail = uniqueEmail('bob');
  // Bob has an account of his own; Ada will add him to her workspace.
  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signUp(bob, 'Bob Builder', bobEmail);

  await signUp(page, 'Ada Admin', uniqueEmail('ada'));
  await hydrated(page);
  const workspaceUrl = new URL(page.url()).pathname;

  // A key, created in the console.
  const secret = await createKey(page, 'Support bot');
  expect(secret).toMatch(/^sk-/);

  // A program uses it: upload a dataset, start a job.
  const api = await request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  const uploaded = await api.post('/v1/files', {
    multipart: { purpose: 'fine-tune', file: { name: 'support.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(DATASET) } },
  });
  expect(uploaded.status()).toBe(200);
  const file = await uploaded.json();
  const started = await api.post('/v1/fine_tuning/jobs', {
    data: { model: 'open-mistral-7b', training_file: file.id, suffix: 'support' },
  });
  expect(started.status()).toBe(200);
  const job = await started.json();
  expect(job.status).toBe('queued');

  // The console follows the job.
  await page.goto(`${workspaceUrl}/fine-tuning`);
  await expect(page.getByRole('row', { name: new RegExp(job.id) })).toContainText('Queued');

  // The demo trainer claims it and completes it after simulated progress.
  const log = runDemoTrainer(baseURL);
  expect(log).toContain(`${job.id}: succeeded`);
  const done = await (await api.get(`/v1/fine_tuning/jobs/${job.id}`)).json();
  expect(done.status).toBe('succeeded');
  expect(done.fine_tuned_model).toMatch(/^ft:open-mistral-7b:default:support:[0-9a-f]{12}$/);
  const models = await (await api.get('/v1/models')).json();
  expect(models.data.map((m) => m.id)).toContain(done.fine_tuned_model);
  await api.dispose();

  // The open page catches up by itself.
  await expect(page.getByRole('row', { name: new RegExp(job.id) })).toContainText('Succeeded', { timeout: 15_000 });
  await expect(page.getByRole('row', { name: new RegExp(job.id) })).toContainText(done.fine_tuned_model);
  await screenshot(page, 'fine-tuning-jobs');

  // Ada adds Bob to the workspace as a Contributor (he joins the organization first).
  const orgId = workspaceUrl.split('/')[2];
  execFileSync(path.join(root, process.env.E2E_BIN || 'target/release/studio-console'),
    ['grant-role', '--org', orgId, '--email', bobEmail, '--role', 'member'],
    { cwd: root, env: { ...process.env, DATABASE_URL: 'sqlite://target/e2e/db/console.db' } });
  await page.goto(`${workspaceUrl}/members`);
  await hydrated(page);
  await page.getByRole('link', { name: 'Add Members' }).click();
  const add = page.getByRole('dialog', { name: /Add Members to/ });
  await add.getByLabel(/Bob Builder/).check();
  await add.getByRole('button', { name: 'Add members' }).click();
  await expect(page.getByRole('row', { name: /Bob Builder/ })).toBeVisible();

  // Bob sees the dataset (uploaded by the key) and the model, and downloads the data.
  await bob.goto(`${workspaceUrl}/datasets`);
  const row = bob.getByRole('row', { name: /support\.jsonl/ });
  await expect(row).toContainText('Key “Support bot”');
  await expect(row).toContainText('2');
  await expect(row.getByRole('link', { name: 'Delete support.jsonl' })).toHaveCount(0);
  const [download] = await Promise.all([
    bob.waitForEvent('download'),
    row.getByRole('link', { name: 'Download support.jsonl' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('support.jsonl');
  await screenshot(bob, 'datasets-as-member');
  await bob.goto(`${workspaceUrl}/models`);
  await expect(bob.getByRole('row', { name: new RegExp(done.fine_tuned_model.replace(/[.:]/g, '\\$&')) })).toBeVisible();
  await screenshot(bob, 'models-as-member');

  // Bob uploads one in the console too; Ada, an Admin, sees it and may delete it.
  await bob.goto(`${workspaceUrl}/datasets`);
  await bob.getByLabel('File').setInputFiles({ name: 'bobs.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(DATASET) });
  await bob.getByRole('button', { name: 'Upload' }).click();
  await expect(bob.getByRole('status')).toContainText('Uploaded bobs.jsonl.');
  await bob.getByLabel('File').setInputFiles({ name: 'bad.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from('{"prompt": "x"}\n') });
  await bob.getByRole('button', { name: 'Upload' }).click();
  await expect(bob.getByRole('alert')).toContainText('Line 1');
  // Bob starts a job in the console, on his dataset.
  await bob.goto(`${workspaceUrl}/fine-tuning`);
  await hydrated(bob);
  await bob.getByRole('link', { name: 'New fine-tuning job' }).click();
  const newJob = bob.getByRole('dialog', { name: 'New fine-tuning job' });
  await newJob.getByLabel('Training data').selectOption({ label: 'bobs.jsonl (2 examples)' });
  await newJob.getByLabel('Epochs').fill('99');
  await newJob.getByRole('button', { name: 'Start job' }).click();
  await expect(newJob.getByText('1 to 50').first()).toBeVisible();
  await newJob.getByLabel('Epochs').fill('2');
  await newJob.getByLabel('Suffix (optional)').fill('bob');
  await screenshot(bob, 'new-job-dialog');
  await newJob.getByRole('button', { name: 'Start job' }).click();
  await expect(newJob.getByRole('status')).toContainText('is queued');
  await newJob.getByRole('link', { name: 'Done' }).click();
  await expect(bob.getByRole('row', { name: /Suffix “bob”/ })).toContainText('Queued');
  await expect(bob.getByRole('row', { name: /Suffix “bob”/ })).toContainText('Bob Builder');

  await page.goto(`${workspaceUrl}/datasets`);
  await hydrated(page);
  await expect(page.getByRole('row', { name: /bobs\.jsonl/ })).toContainText('Bob Builder');
  await page.getByRole('link', { name: 'Delete bobs.jsonl' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete bobs.jsonl?' });
  await confirm.getByRole('button', { name: 'Delete dataset' }).click();
  await expect(page.getByRole('status')).toContainText('Dataset deleted.');
  await expect(confirm).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`${workspaceUrl}/datasets$`));
  await expect(page.getByRole('row', { name: /bobs\.jsonl/ })).toHaveCount(0);
  await screenshot(page, 'datasets-as-admin');
  await bobContext.close();
});
